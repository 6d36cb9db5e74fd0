"""The engine: one object answers every question, and its derived state is built once per
store version, kept beside the store, and never trusted after a write."""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import DATA

from matchgraph.engine import Engine, index_dir_for
from matchgraph.errors import AmbiguousNameError, NotFoundError
from matchgraph.loaders.dispatch import iter_document_paths, read_document


def _load_data(store_path: Path) -> Engine:
    engine = Engine.open(store_path)
    engine.store.load([read_document(path) for path in iter_document_paths([DATA])])
    return engine


@pytest.fixture
def engine(tmp_path: Path):
    engine = _load_data(tmp_path / "store")
    yield engine
    engine.close()


def test_every_write_changes_the_version_and_reads_do_not(tmp_path: Path) -> None:
    engine = Engine.open(tmp_path / "s")
    first = engine.version()
    assert first and engine.version() == first
    engine.stats(), engine.snapshot()
    assert engine.version() == first
    docs = [read_document(DATA / "comparisons" / "tesseract-vs-paddleocr.md")]
    engine.store.load(docs)
    second = engine.version()
    assert second != first
    engine.store.load(docs)  # the same content again changes nothing
    assert engine.version() == second
    engine.store.remove(docs[0].source.key)
    assert engine.version() != second
    engine.close()


def test_derived_state_is_persisted_per_version_and_rebuilt_after_a_write(engine: Engine, tmp_path: Path) -> None:
    snapshot = engine.snapshot()
    engine.bundle()
    root = index_dir_for(tmp_path / "store")
    assert root is not None
    written = {p.name for p in root.glob("*/*")}
    assert "match" in written
    assert "snapshot.pkl" not in written  # the kept document answers stand for it
    reopened = Engine(engine.store, index_dir=root)
    assert reopened.snapshot() == snapshot  # from the kept answers, same records
    before = engine.version()
    engine.store.curate("separate", "tesseract", "paddleocr")
    assert engine.version() != before
    assert len(list(root.glob("v*-*"))) >= 1
    assert engine.snapshot().version  # rebuilt for the new version, not the stale files


def test_a_snapshot_from_kept_answers_stores_each_repeated_value_once(tmp_path: Path) -> None:
    """Slugs, document keys and relations repeat on every capability and claim; at
    100,000 artifacts a copy per record would be gigabytes."""
    from matchgraph.loaders.pipeline import prepare

    engine = Engine.open(tmp_path / "store")
    engine.store.load([prepare(read_document(path)) for path in iter_document_paths([DATA])])
    engine.snapshot()
    snapshot = Engine(engine.store, index_dir=index_dir_for(tmp_path / "store")).snapshot()  # from kept answers
    engine.close()
    slugs = {id(a.slug) for a in snapshot.artifacts}
    assert all(id(c.artifact) in slugs for c in snapshot.capabilities)
    assert all(id(c.subject) in slugs for c in snapshot.claims)
    sources = {c.source for c in snapshot.capabilities}
    assert len({id(c.source) for c in snapshot.capabilities}) == len(sources)
    relations = [c.relation for c in snapshot.claims]
    assert len(relations) > len(set(relations)) == len({id(x) for x in relations})
    assert not hasattr(snapshot.capabilities[0], "__dict__")  # records have slots


def test_feedback_does_not_invalidate_the_indexes_but_reaches_the_posteriors(engine: Engine) -> None:
    answer = engine.match("transcribe speech from audio recordings", top=3)
    assert answer.match_id and answer.answer.results
    version = engine.version()
    top = answer.answer.results[0].slug
    before = engine.need_index().feedback.copy()
    engine.feedback(answer.match_id, "failure", artifact=top)
    assert engine.version() == version
    after = engine.need_index().feedback
    assert (after < before).any()


def test_resolve_uses_the_name_table_with_the_stores_semantics(engine: Engine) -> None:
    from matchgraph.queries.views.artifact import resolve_artifact

    for name in ("paddleocr", "PaddleOCR", "Tesseract", "whisper"):
        try:
            expected: object = resolve_artifact(engine.store, name)
        except (NotFoundError, AmbiguousNameError) as e:
            expected = type(e)
        try:
            got: object = engine.resolve(name)
        except (NotFoundError, AmbiguousNameError) as e:
            got = type(e)
        assert got == expected, name
    with pytest.raises(NotFoundError):
        engine.resolve("no-such-artifact-anywhere")


def test_a_corrupt_derived_file_is_rebuilt(engine: Engine, tmp_path: Path) -> None:
    expected = engine.artifacts()
    root = index_dir_for(tmp_path / "store")
    assert root is not None
    corrupted = list(root.glob("*/artifacts.pkl"))
    assert corrupted
    for path in corrupted:
        path.write_bytes(b"garbage")
    fresh = Engine(engine.store, index_dir=root)
    assert fresh.artifacts() == expected


def test_small_views_are_read_without_the_snapshot(tmp_path: Path) -> None:
    """A later process answers artifacts, concepts and the full claim list from derived
    files; it never rebuilds the whole snapshot for them."""
    from matchgraph.loaders.pipeline import prepare

    engine = Engine.open(tmp_path / "store")
    engine.store.load([prepare(read_document(path)) for path in iter_document_paths([DATA])])
    snapshot = engine.snapshot()
    engine.warm()
    fresh = Engine(engine.store, index_dir=index_dir_for(tmp_path / "store"))
    fresh.snapshot = None  # type: ignore[assignment,method-assign]  # any call would fail
    assert fresh.artifacts() == snapshot.artifacts
    assert fresh.concept_counts() == engine.concept_counts()
    assert sum(c.total > 0 for c in fresh.concept_counts()) > 10
    every = fresh.claims()
    assert sorted(map(repr, every)) == sorted(map(repr, snapshot.claims))
    assert fresh.claims(polarity="for") == [c for c in every if c.polarity == "for"]
    # Claims about an artifact come from their own table, not the slices compare reads.
    named = collections.Counter(o for c in snapshot.claims for o in set(c.others) if o != c.subject)
    hub = named.most_common(1)[0][0]
    about = fresh.claims(other=hub)
    assert about == [c for c in snapshot.claims if hub in c.others and c.subject != hub] and about
    engine.close()


def test_cli_commands_answer_through_the_engine(engine: Engine, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    engine.close()
    run = lambda *args: subprocess.run([sys.executable, "-m", "matchgraph.cli.main", "--store", store, *args],  # noqa: E731
                                       capture_output=True, text=True, timeout=300)
    shown = run("show", "PaddleOCR", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["slug"]
    matched = run("match", "transcribe speech from audio recordings", "--top", "3", "--json")
    assert matched.returncode == 0, matched.stderr
    assert 1 <= len(json.loads(matched.stdout)) <= 3
    assert run("similar", "Tesseract", "--top", "2", "--json").returncode == 0
    assert run("compare", "PaddleOCR", "Tesseract", "--json").returncode == 0
    assert run("rank", "--top", "3", "--json").returncode == 0


def test_help_and_version_import_no_engine() -> None:
    code = ("import sys; from click.testing import CliRunner; from matchgraph.cli.main import cli; "
            "CliRunner().invoke(cli, ['--help']); CliRunner().invoke(cli, ['--version']); "
            "print(','.join(m for m in ('numpy', 'scipy', 'numba', 'pyoxigraph', 'matchgraph.engine') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize(("command", "absent"), [
    (["stats", "--json"], ("numpy", "scipy", "numba", "pydantic", "yaml")),
    (["show", "paddleocr", "--json"], ("numpy", "scipy", "numba", "yaml")),
    # The match index is read without scipy: importing scipy.sparse alone was 0.12 s.
    (["similar", "paddleocr", "--top", "3", "--json"], ("scipy", "numba", "pydantic", "yaml")),
    (["compare", "PaddleOCR", "Tesseract", "--json"], ("scipy", "numba", "pydantic", "yaml")),
])
def test_read_commands_import_only_what_they_use(engine: Engine, command: list[str], absent: tuple[str, ...]) -> None:
    """Each import is paid by every fresh process: numpy alone is about 60 ms of `show`."""
    engine.warm()
    code = ("import sys; from click.testing import CliRunner; from matchgraph.cli.main import cli; "
            f"r = CliRunner().invoke(cli, ['--store', {str(engine.store.path)!r}, *{command!r}]); "
            "assert r.exit_code == 0, r.output; "
            f"print(','.join(m for m in {absent!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_lazy_command_table_matches_the_commands() -> None:
    from matchgraph.cli.main import COMMANDS, LazyGroup, cli

    assert isinstance(cli, LazyGroup)
    ctx = click.Context(cli)
    for name, (_, _, short) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None and command.name == name
        first_line = " ".join((command.help or "").split())
        assert first_line.startswith(short.removesuffix("...").rstrip(",. ")), name


def test_compare_from_slices_equals_compare_on_the_whole_snapshot(engine: Engine) -> None:
    from matchgraph.queries.match.verdict import compare

    snapshot, index = engine.snapshot(), engine.bundle().index
    slugs = sorted(a.slug for a in snapshot.artifacts)
    pairs = [(a, b) for a in slugs for b in slugs if a < b]
    assert len(pairs) > 20
    for a, b in pairs:
        assert engine.compare(a, b) == compare(snapshot, index, a, b), (a, b)


def test_every_registered_store_implements_the_whole_contract() -> None:
    import inspect
    from importlib import import_module

    from matchgraph.graph.base import GraphStore
    from matchgraph.graph.registry import STORES

    members = {name for name, _ in inspect.getmembers(GraphStore) if not name.startswith("_")} - {"name"}
    assert {"select", "canonical_map", "curate", "replace_graph", "add_facts", "snapshot"} <= members
    for name, target in STORES.items():
        module, attr = target.split(":")
        cls = getattr(import_module(module), attr)
        missing = sorted(m for m in members if not callable(getattr(cls, m, None)))
        assert not missing, f"store {name} lacks {missing}"


def test_open_takes_a_string_path_as_the_readme_shows(tmp_path: Path) -> None:
    first = _load_data(tmp_path / "store")
    version = first.version()
    first.close()
    again = Engine.open(str(tmp_path / "store"))
    try:
        assert again.version() == version and again.stats().artifacts > 0
    finally:
        again.close()


def test_the_process_that_builds_the_snapshot_writes_the_parts_cheap_to_derive(tmp_path: Path) -> None:
    """After a write, the first question builds the snapshot; the next processes' compare,
    rank, claims and concepts must not build it again."""
    engine = _load_data(tmp_path / "store")
    engine.bundle()  # builds the snapshot, as the first `similar` after a write does
    written = {p.name for p in index_dir_for(tmp_path / "store").glob("*/*")}  # type: ignore[union-attr]
    assert {"slices.sqlite", "rank-table.pkl", "artifacts.pkl", "concept-counts.pkl", "concepts.pkl"} <= written
    assert "need-lexical" not in written  # the expensive parts are built when asked
    later = Engine(engine.store, index_dir=index_dir_for(tmp_path / "store"))
    later.snapshot = None  # type: ignore[assignment,method-assign]  # any call would fail
    assert later.compare("PaddleOCR", "Tesseract").text
    assert later.rank(limit=3).rows
    assert later.claims(artifact="PaddleOCR") is not None and later.concept_counts()
    engine.close()


def test_after_a_small_load_the_indexes_derive_only_the_new_rows(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The need index of the version after a load lends the earlier version's directions
    and records; its answers are those of an index built from nothing."""
    from matchgraph.queries.need import scoring as ns

    later = [DATA / "comparisons" / "whisper-vs-vosk.md", DATA / "comparisons" / "flux-vs-sdxl.md"]
    engine = Engine.open(tmp_path / "store")
    engine.store.load([read_document(p) for p in iter_document_paths([DATA]) if p not in later])
    engine.need_index(embeddings=False)
    engine.bundle()
    engine.store.load([read_document(p) for p in later])
    inferred: list[str] = []
    real = ns._capability_direction
    monkeypatch.setattr(ns, "_capability_direction", lambda cap, concepts: inferred.append(cap.iri) or real(cap, concepts))
    lent = engine.need_index(embeddings=False)
    monkeypatch.setattr(ns, "_capability_direction", real)
    total = len(engine.snapshot().capabilities)
    assert 0 < len(inferred) < total / 2, (len(inferred), total)
    fresh = Engine(engine.store, index_dir=tmp_path / "elsewhere")
    for need in ("extract text from scanned receipts", "generate images from a prompt", "speech to text offline"):
        ours = lent.search(need, top=5)
        theirs = fresh.need_index(embeddings=False).search(need, top=5)
        assert [(r.slug, r.score) for r in ours.results] == [(r.slug, r.score) for r in theirs.results]
    assert tuple(engine.bundle().index.claims) == tuple(fresh.bundle().index.claims)  # lent ones included
    engine.close()
