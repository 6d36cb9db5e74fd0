"""Fill the computed fields of a labelled need file: ``paraphrase`` and ``needs_corpus``.

Run once on a hand-written need file, before the engine ever ranks those needs, so the two
flags are definitions rather than judgements:

* ``paraphrase``: the need shares no content word (after the matcher's own stemming and
  stopwords) with the capability text (name, description, intents, artifact name) of any
  of its relevant artifacts in the full store (data/ plus ../shared/corpus);
* ``needs_corpus``: none of its relevant artifacts exists in a store of data/ alone, so
  the evaluation can only score it when ../shared/corpus is loaded.

It also refuses a relevant slug that no document in the full store describes.

    python bench/needs_annotate.py RAW.jsonl OUT.jsonl --full-store DIR --data-store DIR
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from matchgraph.graph.registry import open_store
from matchgraph.loaders.text import terms
from matchgraph.queries.snapshot import GraphSnapshot


def described(snap: GraphSnapshot) -> set[str]:
    """Slugs some document describes (with a capability or an observation)."""
    return {c.artifact for c in snap.capabilities} | {o.artifact for o in snap.observations}


def capability_terms(snap: GraphSnapshot) -> dict[str, set[str]]:
    names = {a.slug: a.name for a in snap.artifacts}
    out: dict[str, set[str]] = {s: set(terms(names.get(s, s))) for s in described(snap)}
    for c in snap.capabilities:
        text = " ".join((c.name or "", c.description, " ".join(c.intents)))
        out.setdefault(c.artifact, set()).update(terms(text))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("raw", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--full-store", type=Path, required=True)
    p.add_argument("--data-store", type=Path, required=True)
    args = p.parse_args()
    full = open_store("oxigraph", path=args.full_store).snapshot()
    data_only = described(open_store("oxigraph", path=args.data_store).snapshot())
    vocab = capability_terms(full)
    rows = []
    for line in args.raw.read_text().splitlines():
        if not line.strip():
            continue
        need = json.loads(line)
        unknown = [s for s in need["relevant"] if s not in vocab]
        if unknown:
            raise SystemExit(f"{need['id']}: no document describes {unknown}")
        shared = set(terms(need["text"])) & set().union(*(vocab[s] for s in need["relevant"]))
        need["paraphrase"] = not shared
        need["needs_corpus"] = not any(s in data_only for s in need["relevant"])
        need.setdefault("constraints", [])
        rows.append(need)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    n_para = sum(r["paraphrase"] for r in rows)
    print(f"{len(rows)} needs, {n_para} paraphrased, {sum(r['needs_corpus'] for r in rows)} need the corpus")


if __name__ == "__main__":
    main()
