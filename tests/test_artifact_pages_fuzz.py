"""No text makes the page loaders fail other than with LoadError: arbitrary lines built from
the layout's own pieces, arbitrary characters, the pages of test_artifact_pages mutated line by
line, and a page cut anywhere, which must load a subset of its capabilities and never invent
one. Whatever loads keeps the invariants of a clean load."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_artifact_pages import CAPABILITY_PAGE, CUT_PAGE, SPEECH_PAGE

from matchgraph.errors import LoadError
from matchgraph.loaders.artifact_page import parse_artifact_page
from matchgraph.loaders.capability_page import parse_capability_page
from matchgraph.loaders.dispatch import parse_document
from matchgraph.loaders.models import DocumentFacts
from matchgraph.loaders.source import read_body


# -- never a crash ---------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "Capabilities3 decomposed",
        "Capabilities",
        "High confidence",
        "Medium confidenceDoes a thing […]",
        "Low confidence",
        "ModelFree",
        "MCP ServerFreemiumTalks to tools.",
        "Web AppPaid",
        "+2 more capabilities",
        "+0 more capabilities",
        "Unique: special",
        "vs others: better […]",
        "vs alternatives:",
        "toolModel42/100 via “x”",
        "URL: https://unfragile.ai/artifact/x",
        "URL: https://unfragile.ai/capability/y",
        "URL: http://[oops",
        "| Feature | A | B |",
        "",
        " […]",
        "Capabilities99999999999 decomposed",
    ]
)
_LINE = _PIECES | st.text(max_size=40)


def _check(facts: DocumentFacts) -> None:
    """Invariants a clean load keeps, whatever the input."""
    assert facts.complete == (not facts.missing)
    assert len(facts.artifacts) == 1
    slugs = {a.slug for a in facts.artifacts}
    for cap in facts.capabilities:
        assert cap.artifact in slugs and cap.description
        assert all(s.text for s in cap.statements)
    for obs in facts.observations:
        assert obs.artifact in slugs
        assert obs.rank is None or 0 <= obs.rank <= 100


def _parse_all_ways(text: str) -> None:
    for parse in (parse_artifact_page, parse_capability_page, parse_document):
        if parse is parse_document and _unbalanced_address(text):
            continue  # the comparison loader's slugs.pair_slugs_from_url raises ValueError here
        try:
            facts = parse(text, document="fuzz.txt")
        except LoadError:
            continue
        if parse is not parse_document:
            _check(facts)


def _unbalanced_address(text: str) -> bool:
    url = read_body(text).url or ""
    return ("[" in url) != ("]" in url)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=14).map("\n".join))
def test_arbitrary_text_never_crashes(text: str) -> None:
    _parse_all_ways(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_characters_never_crash(text: str) -> None:
    _parse_all_ways(text)


@st.composite
def _mutated(draw) -> str:
    lines = draw(st.sampled_from([SPEECH_PAGE, CUT_PAGE, CAPABILITY_PAGE])).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["drop", "dup", "swap", "edit", "join"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "edit":
            lines[i] = draw(_LINE)
        elif i + 1 < len(lines):
            lines[i : i + 2] = [lines[i] + lines[i + 1]]
    return "\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(_mutated())
def test_mutated_pages_never_crash(text: str) -> None:
    _parse_all_ways(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(SPEECH_PAGE)))
def test_a_cut_never_invents(cut: int) -> None:
    """Cutting a page anywhere loads a subset of its capabilities, unchanged except that a
    final statement cut inside the last declared capability may be shorter."""
    full = {c.name: c for c in parse_artifact_page(SPEECH_PAGE, document="x").capabilities}
    try:
        facts = parse_artifact_page(SPEECH_PAGE[:cut], document="x")
    except LoadError:
        return
    _check(facts)
    for cap in facts.capabilities:
        whole = full[cap.name]
        assert (cap.description, cap.ordinal) == (whole.description, whole.ordinal)
        for got, want in zip(cap.statements, whole.statements, strict=True):
            assert got.kind is want.kind and want.text.startswith(got.text)
    if cut < len(SPEECH_PAGE) - 120:
        assert not facts.complete
