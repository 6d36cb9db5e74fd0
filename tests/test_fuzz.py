"""Fuzzing the loaders: structure-aware mutations of pages, passports and manifests, and a
corpus of the inputs that once crashed or misreported (``tests/data/crashers``).

Invariants, checked for every document (:mod:`tests.fuzz_harness`): nothing but a
``MatchgraphError`` comes out of a load, a failed document leaves the store exactly as it
was, and the store keeps its good documents. CI runs 2,000 generated mutations here
(``MATCHGRAPH_FUZZ_EXAMPLES`` scales it); ``bench/fuzz.py`` runs 100,000.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz_harness import Harness
from tests.fuzz_mutations import mutate

CRASHERS = Path(__file__).parent / "data" / "crashers"
SCALE = float(os.environ.get("MATCHGRAPH_FUZZ_EXAMPLES", "2000")) / 2000
EXAMPLES = {"page": int(700 * SCALE), "passport": int(650 * SCALE), "manifest": int(650 * SCALE)}


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    with Harness() as made:
        yield made


def _fuzz(fmt: str):  # type: ignore[no-untyped-def]
    @settings(max_examples=EXAMPLES[fmt], deadline=None, suppress_health_check=list(HealthCheck))
    @given(rng=st.randoms(use_true_random=False))
    def run(harness: Harness, rng: random.Random) -> None:
        name, data = mutate(rng, fmt)
        harness.check(name, data)

    return run


test_fuzz_pages = _fuzz("page")
test_fuzz_passports = _fuzz("passport")
test_fuzz_manifests = _fuzz("manifest")


EXPECTED = {
    "rank-cell-markup.md": "rank-cell-markup.md:6: UnfragileRank '5[/]/100' is not 'N/100'",
    "invalid-utf8.md": "invalid-utf8.md:8:9 (byte 300): not UTF-8 text: byte 300 (0xff) is not valid UTF-8",
    "json-deep.json": "json-deep.json:16:514 (character 1143): invalid JSON: arrays and objects nested too deeply",
    "json-duplicate-key.json": "json-duplicate-key.json:16:29 (character 658): invalid JSON: the key 'status' appears twice in one object",
    "json-long-number.json": "json-long-number.json:16:19 (character 648): invalid JSON: a number longer than 4300 digits",
    "yaml-deep.yml": "yaml-deep.yml:51:108 (character 2292): invalid YAML: brackets nested more than 100 levels deep",
    # These load: the defects were elsewhere (validator overflow, a hidden address, a hang).
    "big-integer-decomposed.md": None,
    "bom-before-url.md": None,
    "crlf.md": None,
    "yaml-anchor-bomb.yml": None,
    "yaml-recursive.yml": None,
}


def test_every_crasher_has_an_expectation() -> None:
    assert sorted(p.name for p in CRASHERS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_crasher_gives_the_right_answer(harness: Harness, name: str) -> None:
    from matchgraph.graph.prepared import Failure, prepare_paths

    [item] = list(prepare_paths([CRASHERS / name], jobs=1, validator="compiled"))
    expected = EXPECTED[name]
    if expected is None:
        assert not isinstance(item, Failure), item
        assert not item.violations, item.violations
    else:
        assert isinstance(item, Failure)
        assert str(item.error()).endswith(expected)
        for internal in ("sys.set_int_max_str_digits", "utf-8-sig", "Traceback", "codec"):
            assert internal not in str(item.error())
    assert harness.check(name, (CRASHERS / name).read_bytes()) is (expected is None)


def test_bom_keeps_the_address_as_key() -> None:
    from matchgraph.graph.prepared import prepare_paths

    [item] = list(prepare_paths([CRASHERS / "bom-before-url.md"], jobs=1))
    assert item.key == "https://example.test/compare/tesseract-vs-paddleocr"


def test_a_hundred_thousand_line_page_fails_or_loads_in_time(harness: Harness) -> None:
    import time

    line = "| Adoption | 1 | 1 |\n"
    page = (CRASHERS / "crlf.md").read_bytes().replace(b"\r", b"")
    started = time.monotonic()
    harness.check("long.md", page + (line * 100_000).encode())
    assert time.monotonic() - started < 30


def test_nothing_changes_when_every_document_fails(harness: Harness) -> None:
    rng = random.Random(5)
    before = harness.digest()
    failed = 0
    for _ in range(60):
        fmt = rng.choice(["page", "passport", "manifest"])
        name, data = mutate(rng, fmt)
        data = b"\xff" + data  # never UTF-8: every one fails
        assert harness.check(name, data) is False
        failed += 1
    assert failed == 60
    assert harness.digest() == before
