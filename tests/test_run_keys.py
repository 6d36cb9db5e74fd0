"""Files of one ``load`` run that share a key: the rule, and what the run remembers."""

from __future__ import annotations

import tracemalloc

from matchgraph.cli.run_keys import RunKeys
from matchgraph.errors import MatchgraphError
from matchgraph.graph.prepared import PreparedDocument


def doc(key: str, content: str, path: str, size: int = 10) -> PreparedDocument:
    return PreparedDocument(key=key, content_hash=content, ntriples=b"x" * size, path=path)


def test_the_same_content_twice_is_admitted() -> None:
    keys, batch, failures = RunKeys(later_wins=False), [], {}
    for d in (doc("k", "h", "a.md"), doc("k", "h", "b.md")):
        assert keys.admit(d, batch, failures)
        batch.append(d)
    assert failures == {}


def test_a_clash_fails_both_files_naming_each_other() -> None:
    keys, batch, failures = RunKeys(later_wins=False), [], {}
    first = doc("k", "h1", "a.md")
    assert keys.admit(first, batch, failures)
    batch.append(first)
    assert not keys.admit(doc("k", "h2", "b.md"), batch, failures)
    assert batch == []
    assert "as a.md" in str(failures["b.md"]) and "as b.md" in str(failures["a.md"])


def test_a_clash_with_a_file_already_written_fails_only_the_later() -> None:
    keys, failures = RunKeys(later_wins=False), {}
    keys.admit(doc("k", "h1", "a.md"), [], failures)  # its batch was written: not in this one
    other = doc("other", "h", "c.md")
    assert not keys.admit(doc("k", "h2", "b.md"), [other], failures)
    assert list(failures) == ["b.md"]


def test_replace_lets_the_later_file_win() -> None:
    keys, batch, failures = RunKeys(later_wins=True), [], {}
    first, later = doc("k", "h1", "a.md"), doc("k", "h2", "b.md")
    keys.admit(first, batch, failures)
    batch.append(first)
    assert keys.admit(later, batch, failures)
    batch.append(later)
    assert batch == [later] and failures == {}


def test_the_run_does_not_keep_the_documents_it_admitted() -> None:
    """50,000 files must not hold 50,000 files' facts until the run ends."""
    keys = RunKeys(later_wins=False)
    failures: dict[str, MatchgraphError] = {}
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(200):
            keys.admit(doc(f"k{i}", "h", f"{i}.md", size=100_000), [], failures)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held < 1_000_000  # 200 documents of 100 kB each: 20 MB if they were kept
