"""Print precision and recall of claim extraction on the hand-labelled sentences.

Usage: ``python bench/claims_eval.py [--misses]`` from the repository root. Reads the
labels from tests/data/claims_labelled.json and the sentences from ../shared/corpus; exits
with status 2 when ../shared is absent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from matchgraph.loaders.claim_eval import (
    METRICS,
    evaluate,
    format_table,
    load_heldout,
    load_labelled,
)

__all__ = ["main"]

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "claims_labelled.json"
HELDOUT = ROOT / "tests" / "data" / "claims_heldout.json"
CORPUS = ROOT.parent / "shared" / "corpus"


def main(argv: list[str]) -> int:
    """Run the evaluation and print the table (and the mismatching sentences with --misses)."""
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    report = evaluate(load_labelled(LABELS, CORPUS))
    print(format_table(report))
    reported = json.loads(LABELS.read_text(encoding="utf-8"))["reported"]
    print("\nreported (the test allows 0.05 below):")
    for name in METRICS:
        print(f"  {name:<12} P {reported[name]['precision']:.3f}  R {reported[name]['recall']:.3f}")
    heldout = evaluate(load_heldout(HELDOUT))
    print("\nheld-out sentences written for the project (labelled before the extractor ran):")
    print(format_table(heldout))
    if "--misses" in argv:
        print("\nsentences not extracted exactly:")
        for miss in report.misses + heldout.misses:
            print("  " + miss)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
