"""A build's stages are charged their own time (inner stages excluded), and the spinner is
told which stage runs, also after an inner one ends."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from matchgraph.stage_clock import StageClock

NAMES = st.sampled_from(["snapshot", "need index", "match index", "slices and ranks"])
# A stage: its name, the seconds it spends before and after its inner stages, and those.
Tree = st.recursive(
    st.tuples(NAMES, st.integers(0, 5), st.integers(0, 5), st.just(())),
    lambda inner: st.tuples(NAMES, st.integers(0, 5), st.integers(0, 5), st.lists(inner, max_size=3).map(tuple)),
    max_leaves=12,
)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _run(clock: StageClock, fake: _Clock, tree: tuple, own: dict[str, float], told: list[str],
         expected: list[str]) -> None:
    name, before, after, inner = tree
    with clock.stage(name):
        expected.append(name)
        fake.now += before
        for child in inner:
            _run(clock, fake, child, own, told, expected)
            expected.append(name)  # back in this stage
        fake.now += after
    own[name] = own.get(name, 0.0) + before + after


@settings(max_examples=200, deadline=None)
@given(st.lists(Tree, min_size=1, max_size=3))
def test_each_stage_is_charged_its_own_time_and_announced(trees: list[tuple]) -> None:
    fake, told, own, expected = _Clock(), [], {}, []  # type: ignore[var-annotated]
    clock = StageClock(told.append, clock=fake)
    for tree in trees:
        _run(clock, fake, tree, own, told, expected)
    assert clock.seconds == own
    assert sum(clock.seconds.values()) == fake.now
    assert told == expected


def test_the_summary_lists_the_longest_stages_first_and_leaves_out_the_instant_ones() -> None:
    fake = _Clock()
    clock = StageClock(clock=fake)
    for name, seconds in [("snapshot", 95.04), ("names", 0.01), ("match index", 100.0)]:
        with clock.stage(name):
            fake.now += seconds
    assert clock.summary() == "match index 100.0 s, snapshot 95.0 s"
