"""Property tests of the comparison parser: render -> parse round trips, and mutations of
a valid page never crash the loader (a clean load or a LoadError, nothing else)."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchgraph.errors import LoadError
from matchgraph.loaders.comparison_render import render_comparison
from matchgraph.loaders.dispatch import parse_document
from matchgraph.loaders.models import (
    ArtifactRef,
    ArtifactType,
    Capability,
    ClaimKind,
    DocumentFacts,
    DocumentFormat,
    Observation,
    SourceInfo,
    Statement,
    Verdict,
)
from matchgraph.loaders.slugs import slugify

_WORD = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=8)
_NAME = st.lists(_WORD, min_size=1, max_size=3).map(" ".join).filter(lambda n: " vs " not in f" {n} ")
_SENTENCE = st.lists(_WORD, min_size=3, max_size=12).map(lambda ws: " ".join(ws) + ".")
_ROW_LABELS = ("Type", "UnfragileRank", "Adoption", "Quality", "Ecosystem", "Match Graph", "Pricing", "Capabilities", "Times Matched")
_TYPES = [t for t in ArtifactType if t is not ArtifactType.OTHER]


@st.composite
def observations(draw, slug: str, declared: int) -> Observation:
    return Observation(
        artifact=slug,
        rank=draw(st.integers(0, 100)),
        adoption=float(draw(st.integers(0, 1))),
        quality=float(draw(st.integers(0, 1))),
        ecosystem=float(draw(st.integers(0, 1))),
        match_graph=float(draw(st.integers(0, 1))),
        times_matched=draw(st.integers(0, 500)),
        pricing=draw(st.sampled_from(["Free", "Paid", "Freemium"])),
        starting_price=draw(st.none() | st.sampled_from(["$5/month", "$0.25/1M tokens"])),
        capabilities_declared=declared,
    )


@st.composite
def capabilities(draw, slug: str, count: int) -> list[Capability]:
    out = []
    for ordinal in range(count):
        out.append(
            Capability(
                artifact=slug,
                ordinal=ordinal,
                description=draw(_SENTENCE),
                statements=(
                    Statement(kind=ClaimKind.UNIQUE, text=draw(_SENTENCE)),
                    Statement(kind=ClaimKind.VS_ALTERNATIVES, text=draw(_SENTENCE)),
                ),
            )
        )
    return out


@st.composite
def comparison_documents(draw) -> DocumentFacts:
    names = draw(st.lists(_NAME, min_size=2, max_size=2, unique_by=lambda n: slugify(n)).filter(lambda ns: all(slugify(n) for n in ns)))
    slugs = [slugify(n) for n in names]
    shown = [draw(st.integers(0, 4)) for _ in names]
    more = [draw(st.integers(0, 3)) for _ in names]
    refs = tuple(ArtifactRef(slug=s, name=n, type=draw(st.sampled_from(_TYPES))) for s, n in zip(slugs, names))
    obs = tuple(draw(observations(s, shown[i] + more[i])) for i, s in enumerate(slugs))
    caps = tuple(c for i, s in enumerate(slugs) for c in draw(capabilities(s, shown[i])))
    verdict = Verdict(text=draw(_SENTENCE))
    return DocumentFacts(
        source=SourceInfo(key="generated", content_hash="0" * 64, format=DocumentFormat.COMPARISON),
        title=f"{names[0]} vs {names[1]}",
        summary="Side-by-side comparison to help you choose.",
        artifacts=refs,
        observations=obs,
        capabilities=caps,
        announced_more=tuple((s, more[i]) for i, s in enumerate(slugs) if more[i]),
        verdict=verdict,
    )


def _comparable(facts: DocumentFacts) -> dict:
    data = facts.model_dump(exclude={"source", "notes"})
    for ref in data["artifacts"]:
        ref["line"] = None
    for obs in data["observations"]:
        obs["line"] = None
    for cap in data["capabilities"]:
        cap["line"] = None
        for statement in cap["statements"]:
            statement["line"] = None
    data["verdict"]["line"] = None
    return data


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(comparison_documents(), st.sets(st.sampled_from(_ROW_LABELS), max_size=4))
def test_render_then_parse_round_trips(facts: DocumentFacts, broken: set[str]) -> None:
    text = render_comparison(facts, broken_rows=broken)
    parsed = parse_document(text, document="generated.txt")
    assert parsed.complete, parsed.missing
    assert _comparable(parsed) == _comparable(facts)


_MUTATIONS = st.sampled_from(["delete", "duplicate", "swap", "truncate", "garble", "insert"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(comparison_documents(), st.lists(st.tuples(_MUTATIONS, st.integers(0, 10_000), st.text(max_size=30)), min_size=1, max_size=4))
def test_mutated_pages_load_cleanly_or_fail_cleanly(facts: DocumentFacts, mutations) -> None:
    lines = render_comparison(facts).splitlines()
    for kind, where, junk in mutations:
        if not lines:
            break
        i = where % len(lines)
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap" and len(lines) > 1:
            j = (i + 1) % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "truncate":
            lines[i] = lines[i][: where % (len(lines[i]) + 1)]
        elif kind == "garble":
            lines[i] = junk + lines[i][len(junk):]
        else:
            lines.insert(i, junk)
    text = "\n".join(lines)
    try:
        parsed = parse_document(text, document="mutated.txt")
    except LoadError as e:
        assert e.document == "mutated.txt"
        assert e.line is None or e.line >= 1
        return
    assert len(parsed.artifacts) >= 1
    assert parsed.complete or parsed.missing


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        parse_document(text, document="random.txt")
    except LoadError:
        pass
