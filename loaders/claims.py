"""Claim extraction: every "Unique:" and "vs alternatives:" statement to typed claims.

The public entry point is :func:`extract_claims`. It is pure (no I/O, no global state),
deterministic, and never raises on odd text: a sentence it cannot read yields no claim.

The approach is a rule grammar over a blank tokenizer, applied as a cascade (clauses,
then comparison triggers from one relation table, then noun-phrase enumerations for the
other side and the aspect); see :mod:`matchgraph.loaders.claim_grammar`. Unique statements
use the same grammar: they yield claims only where they compare ("unlike simpler CNN-to-RNN
approaches", "rather than language-specific tokenizers"), otherwise nothing.

>>> from matchgraph.loaders.models import ClaimKind
>>> text = ("Faster than plain SDXL 1.0 on a laptop, but slower than distilled "
...         "models like Hyper-SD or progressive distillation models")
>>> [(c.relation, c.polarity.value, [o.label for o in c.others])
...  for c in extract_claims(text, ClaimKind.VS_ALTERNATIVES)]
[('faster_than', 'for', ['SDXL 1.0']), ('slower_than', 'against', ['Hyper-SD', 'progressive distillation models'])]
"""

from __future__ import annotations

from collections.abc import Collection

from matchgraph.loaders.claim_grammar import ClaimParse, parse_statement
from matchgraph.loaders.claim_sides import NameIndex
from matchgraph.loaders.claim_tokens import body_bounds, tokenize
from matchgraph.loaders.models import Claim, ClaimKind, OtherSide

__all__ = ["extract_claims"]


def extract_claims(
    text: str, kind: ClaimKind, known_names: Collection[str] = ()
) -> tuple[Claim, ...]:
    """Typed claims in one statement, each with the exact span it came from.

    ``text`` is the statement as it stands in the document; a leading "Unique:",
    "vs alternatives:" or "vs others:" prefix is skipped and a trailing " […]" shortening
    marker is ignored, but ``start``/``end`` always index ``text`` itself, so
    ``text[c.start:c.end] == c.text``. ``kind`` says which line the text is; both kinds go
    through the same grammar. ``known_names`` are artifact names the caller already knows
    (the page's two artifacts, say): a phrase that names one is an artifact, never a class.

    Raises:
        TypeError: when ``kind`` is not a :class:`ClaimKind` (a caller bug, not bad text).

    >>> c = extract_claims("Outperforms EasyOCR on handwritten forms", ClaimKind.VS_ALTERNATIVES)[0]
    >>> (c.relation, c.others[0].label, c.others[0].is_class, c.aspect)
    ('outperforms', 'EasyOCR', False, 'handwritten forms')
    """
    if not isinstance(kind, ClaimKind):
        raise TypeError(f"kind must be a ClaimKind, not {type(kind).__name__}")
    start, end = body_bounds(text)
    toks = tokenize(text, start, end)
    if not toks:
        return ()
    parses = parse_statement(text, toks, NameIndex.of(known_names))
    return tuple(_to_claim(text, p) for p in parses)


def _to_claim(text: str, parse: ClaimParse) -> Claim:
    """Build the typed model; the span text is sliced, never rebuilt, so it is exact."""
    others = tuple(OtherSide(label=s.label, is_class=s.is_class) for s in parse.sides)
    return Claim(
        relation=parse.relation,
        polarity=parse.polarity,
        others=others,
        aspect=parse.aspect,
        start=parse.start,
        end=parse.end,
        text=text[parse.start : parse.end],
    )
