"""Scores for OCR output: CER and WER per item and per language, latency, throughput.

Text is compared after Unicode NFKC and whitespace folding; for Chinese and Japanese, written
without spaces between words, spaces are dropped on both sides (engines insert them between
characters) and WER is not reported. CER and WER come from ``jiwer`` (Levenshtein over
characters or words); a language's figure is the corpus rate (all its edits over all its
reference characters), so long pages weigh more than short lines, as they should.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

from matchgraph.runners.base import Measurement

__all__ = ["NO_SPACE_LANGS", "UNITS", "cer", "normalize", "ocr_measurements", "wer"]

NO_SPACE_LANGS = frozenset({"zh", "ja"})
UNITS: dict[str, tuple[str, str]] = {
    # unit local name in QUDT's vocabulary, UCUM code
    "UNITLESS": ("UNITLESS", "1"),
    "SEC": ("SEC", "s"),
    "PER-SEC": ("PER-SEC", "{page}/s"),
    "BYTE": ("BYTE", "By"),
}
_SPACE = re.compile(r"\s+")


def normalize(text: str, lang: str | None) -> str:
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    if lang in NO_SPACE_LANGS:
        text = text.replace(" ", "")
    # NFKC again: folding or dropping spaces can bring a base letter and a combining mark together
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def _edits(references: Sequence[str], hypotheses: Sequence[str], unit: str) -> tuple[int, int]:
    """(edit operations, reference length) summed over pairs."""
    import jiwer

    edits = length = 0
    for ref, hyp in zip(references, hypotheses, strict=True):
        if not ref:
            continue
        out = jiwer.process_characters(ref, hyp) if unit == "char" else jiwer.process_words(ref, hyp)
        edits += out.substitutions + out.deletions + out.insertions
        length += out.substitutions + out.deletions + out.hits
    return edits, length


def cer(reference: str, hypothesis: str, lang: str | None = None) -> float:
    """Character error rate of one page after :func:`normalize`.

    >>> cer("abcd", "abed")
    0.25
    """
    edits, length = _edits([normalize(reference, lang)], [normalize(hypothesis, lang)], "char")
    return edits / length if length else 0.0


def wer(reference: str, hypothesis: str, lang: str | None = None) -> float:
    edits, length = _edits([normalize(reference, lang)], [normalize(hypothesis, lang)], "word")
    return edits / length if length else 0.0


def ocr_measurements(
    rows: Sequence[tuple[str, str | None, str, str, float]],
) -> list[Measurement]:
    """Figures for one run from (item id, lang, truth, output, seconds) rows: per item CER
    and latency (what paired tests compare), per language CER and WER, and for the run CER,
    WER, pages per second and latency p50/p95."""
    out: list[Measurement] = []
    by_lang: dict[str | None, list[tuple[str, str]]] = defaultdict(list)
    for item, lang, truth, text, seconds in rows:
        ref, hyp = normalize(truth, lang), normalize(text, lang)
        by_lang[lang].append((ref, hyp))
        out.append(Measurement("CharacterErrorRate", _rate([ref], [hyp], "char"), "UNITLESS", lang, item))
        out.append(Measurement("Latency", seconds, "SEC", lang, item))
    for lang, pairs in sorted(by_lang.items(), key=lambda kv: kv[0] or ""):
        refs, hyps = [p[0] for p in pairs], [p[1] for p in pairs]
        if lang is not None:
            out.append(Measurement("CharacterErrorRate", _rate(refs, hyps, "char"), "UNITLESS", lang))
            if lang not in NO_SPACE_LANGS:
                out.append(Measurement("WordErrorRate", _rate(refs, hyps, "word"), "UNITLESS", lang))
    refs = [normalize(r[2], r[1]) for r in rows]
    hyps = [normalize(r[3], r[1]) for r in rows]
    out.append(Measurement("CharacterErrorRate", _rate(refs, hyps, "char"), "UNITLESS"))
    spaced = [(r, h) for r, h, row in zip(refs, hyps, rows, strict=True) if row[1] not in NO_SPACE_LANGS]
    if spaced:
        out.append(Measurement("WordErrorRate", _rate([s[0] for s in spaced], [s[1] for s in spaced], "word"), "UNITLESS"))
    out += timing_measurements([r[4] for r in rows])
    return out


def timing_measurements(seconds: Sequence[float]) -> list[Measurement]:
    import numpy as np  # here: `show` reads this module's units and must not pay numpy's import

    total = float(sum(seconds))
    values = np.asarray(seconds, dtype=np.float64)
    return [
        Measurement("PagesPerSecond", len(values) / total if total > 0 else 0.0, "PER-SEC"),
        Measurement("LatencyP50", float(np.percentile(values, 50)), "SEC"),
        Measurement("LatencyP95", float(np.percentile(values, 95)), "SEC"),
    ]


def _rate(refs: Sequence[str], hyps: Sequence[str], unit: str) -> float:
    edits, length = _edits(refs, hyps, unit)
    return edits / length if length else 0.0
