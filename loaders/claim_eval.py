"""Measure claim extraction against the hand-labelled corpus sentences.

The labelled set (``tests/data/claims_labelled.json``) holds only references (file, line,
prefix) and the expected structure; the sentences themselves are read from ``shared/`` at
run time so no corpus text is copied into the repository. This module loads that set and
scores :func:`~matchgraph.loaders.claims.extract_claims` on it.

Scoring, per sentence, after aligning each gold claim with the predicted claim that
shares its relation (worth 2) and most other sides (1 each):

- relation: a predicted claim is right when its aligned gold claim has the same relation;
  precision over predicted claims, recall over gold claims;
- polarity: the same with polarity, for claims aligned on relation or on any other side;
- others: other-side labels of aligned claims, compared lowercased with determiners and
  relative clauses cut off; sides of unaligned claims count as misses;
- others_kind: the same, where the artifact-or-class decision must also agree.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matchgraph.errors import LoadError
from matchgraph.loaders.claims import extract_claims
from matchgraph.loaders.models import Claim, ClaimKind, OtherSide, Polarity

__all__ = [
    "METRICS",
    "EvalReport",
    "GoldClaim",
    "GoldSentence",
    "Score",
    "evaluate",
    "format_table",
    "load_heldout",
    "load_labelled",
    "side_key",
]

METRICS = ("relation", "polarity", "others", "others_kind")
_PREFIX_KIND = {
    "Unique:": ClaimKind.UNIQUE,
    "vs alternatives:": ClaimKind.VS_ALTERNATIVES,
    "vs others:": ClaimKind.VS_ALTERNATIVES,
}
_RELATIVE = re.compile(r"\s+(?:that|which|who|where|whose)\b.*$")
_LEADING_DET = re.compile(r"^(?:the|a|an|most|some|many|other)\s+")
_TITLE = re.compile(r"^(?P<a>.+?) vs (?P<b>.+)$")

Extractor = Callable[[str, ClaimKind, Collection[str]], tuple[Claim, ...]]


@dataclass(frozen=True)
class GoldClaim:
    relation: str
    polarity: Polarity
    others: tuple[OtherSide, ...]


@dataclass(frozen=True)
class GoldSentence:
    """One labelled statement: where it is, its text (read from shared/) and its claims."""

    ref: str
    text: str
    kind: ClaimKind
    known_names: tuple[str, ...]
    claims: tuple[GoldClaim, ...]


@dataclass
class Score:
    """Counts for one metric; precision and recall are 1.0 when nothing was expected."""

    hit_p: int = 0
    predicted: int = 0
    hit_r: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.hit_p / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.hit_r / self.gold if self.gold else 1.0


@dataclass
class EvalReport:
    sentences: int = 0
    scores: dict[str, Score] = field(default_factory=lambda: {m: Score() for m in METRICS})
    misses: list[str] = field(default_factory=list)


def side_key(side: OtherSide, with_kind: bool = False) -> str:
    """Comparable form of a side label: lowercased, no determiner, no relative clause."""
    key = " ".join(side.label.lower().split())
    key = _RELATIVE.sub("", _LEADING_DET.sub("", key)).strip(" ,;")
    return f"{'class' if side.is_class else 'artifact'}:{key}" if with_kind else key


def _page_names(lines: Sequence[str]) -> tuple[str, ...]:
    """The two artifact names of an "A vs B" page title, which a loader would know."""
    for line in lines[:4]:
        match = _TITLE.match(line.strip())
        if match and not line.startswith(("vs ", "URL:")):
            return (match["a"].strip(), match["b"].strip())
    return ()


def load_labelled(path: Path, corpus: Path) -> list[GoldSentence]:
    """Read the labelled set and the sentences it points at under ``corpus``.

    Raises:
        LoadError: a reference points at a missing file or at a line that does not start
            with the recorded prefix (the labels would no longer match the text).
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    out: list[GoldSentence] = []
    for entry in data["sentences"]:
        file = corpus / entry["file"]
        ref = f"{entry['file']}:{entry['line']}"
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise LoadError(f"cannot read labelled source: {e}", document=str(path)) from e
        if not 0 < entry["line"] <= len(lines):
            raise LoadError(f"{ref} is past the end of the file", document=str(path))
        text = lines[entry["line"] - 1]
        prefix = entry["prefix"]
        if not text.startswith(prefix):
            raise LoadError(f"{ref} does not start with {prefix!r}", document=str(path))
        kind = ClaimKind(entry["kind"]) if "kind" in entry else _PREFIX_KIND[prefix]
        out.append(GoldSentence(ref, text, kind, _page_names(lines), _gold_claims(entry)))
    return out


def _gold_claims(entry: dict[str, Any]) -> tuple[GoldClaim, ...]:
    return tuple(
        GoldClaim(
            c["relation"],
            Polarity(c["polarity"]),
            tuple(OtherSide(label=o["label"], is_class=o["is_class"]) for o in c["others"]),
        )
        for c in entry["claims"]
    )


def load_heldout(path: Path) -> list[GoldSentence]:
    """Read held-out sentences written for the project (their text is in the file itself)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        GoldSentence(f"{path.name}:{n}", e["text"], ClaimKind(e["kind"]), (), _gold_claims(e))
        for n, e in enumerate(data["sentences"], 1)
    ]


def _overlap(a: Sequence[OtherSide], b: Sequence[OtherSide], with_kind: bool) -> int:
    ca = Counter(side_key(s, with_kind) for s in a)
    cb = Counter(side_key(s, with_kind) for s in b)
    return sum((ca & cb).values())


def _align(gold: Sequence[GoldClaim], pred: Sequence[Claim]) -> list[tuple[int, int]]:
    """Greedy one-to-one alignment of gold and predicted claims by shared evidence."""
    pairs = sorted(
        (
            (2 * (g.relation == p.relation) + _overlap(g.others, p.others, False), gi, pi)
            for gi, g in enumerate(gold)
            for pi, p in enumerate(pred)
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    out: list[tuple[int, int]] = []
    for score, gi, pi in pairs:
        if score > 0 and gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


def _score_sentence(report: EvalReport, sent: GoldSentence, pred: Sequence[Claim]) -> None:
    s = report.scores
    pairs = _align(sent.claims, pred)
    for name in ("relation", "polarity"):
        s[name].predicted += len(pred)
        s[name].gold += len(sent.claims)
    for name in ("others", "others_kind"):
        s[name].predicted += sum(len(p.others) for p in pred)
        s[name].gold += sum(len(g.others) for g in sent.claims)
    for gi, pi in pairs:
        g, p = sent.claims[gi], pred[pi]
        for name, ok in (("relation", g.relation == p.relation), ("polarity", g.polarity is p.polarity)):
            s[name].hit_p += ok
            s[name].hit_r += ok
        for name, kind in (("others", False), ("others_kind", True)):
            hits = _overlap(g.others, p.others, kind)
            s[name].hit_p += hits
            s[name].hit_r += hits
    got = sorted((p.relation, p.polarity.value, tuple(side_key(o, True) for o in p.others)) for p in pred)
    want = sorted((g.relation, g.polarity.value, tuple(side_key(o, True) for o in g.others)) for g in sent.claims)
    if got != want:
        report.misses.append(f"{sent.ref}: expected {want}, got {got}")


def evaluate(sentences: Sequence[GoldSentence], extract: Extractor = extract_claims) -> EvalReport:
    """Score ``extract`` on the labelled sentences (pure: no I/O)."""
    report = EvalReport(sentences=len(sentences))
    for sent in sentences:
        _score_sentence(report, sent, extract(sent.text, sent.kind, sent.known_names))
    return report


def format_table(report: EvalReport) -> str:
    """A plain-text precision/recall table, one metric a row."""
    rows = [f"{'metric':<12} {'precision':>9} {'recall':>7} {'hits/pred':>10} {'hits/gold':>10}"]
    for name in METRICS:
        sc = report.scores[name]
        rows.append(
            f"{name:<12} {sc.precision:>9.3f} {sc.recall:>7.3f} "
            f"{sc.hit_p:>4}/{sc.predicted:<5} {sc.hit_r:>4}/{sc.gold:<5}"
        )
    rows.append(f"{report.sentences} sentences, {report.scores['relation'].gold} gold claims")
    return "\n".join(rows)
