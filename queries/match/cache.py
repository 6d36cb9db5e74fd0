"""Match index cache: npz arrays + json names, keyed by snapshot version and parameters.

The all-pairs lists take seconds at 100k artifacts and the index itself a few more, so
the CLI must not rebuild them per query. A cache entry is a directory
``match-<key>/`` holding ``arrays/`` (one memory-mapped ``.npy`` per array), the claims and ``meta.json``; the key hashes the snapshot's
``version``, the :class:`MatchParams` and the facet choice, so any change to the store or
the knobs selects a new entry. Entries are written to a temporary directory and renamed
into place, so a crash never leaves a half-written entry that a later run would trust.
A snapshot with an empty ``version`` is never cached, and only the :data:`KEEP` most
recent entries are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from matchgraph.errors import ConfigError
from matchgraph.queries.match.all_pairs import Neighbours, all_pairs_topk
from matchgraph.queries.match.claims_file import CLAIM_FILES, ClaimTable, write_claims
from matchgraph.ontology.taxonomy import Taxonomy
from matchgraph.queries.concept_graph import ConceptGraph
from matchgraph.queries.match.config import MatchParams, PairWeights
from matchgraph.queries.match.csr import Csr
from matchgraph.queries.match.index import MatchIndex
from matchgraph.queries.match.index_build import build_match_index
from matchgraph.queries.match.ppr import Transition
from matchgraph.queries.snapshot import GraphSnapshot

__all__ = [
    "MatchBundle",
    "cache_key",
    "entry_path",
    "load_index",
    "load_or_build",
    "load_stored",
    "save_index",
]

FORMAT = 9
"""Bump when the index layout or its build logic changes: old entries are then ignored."""
KEEP = 4
"""Cache entries kept per directory; older ones (earlier store versions) are removed."""
_SPARSE = ("direct", "intents", "compared", "walk")


def cache_key(version: str, params: MatchParams, facets: Collection[str] | None) -> str:
    """Hex digest naming the cache entry of one snapshot version and configuration."""
    chosen = "default" if facets is None else sorted(facets)
    text = json.dumps([FORMAT, version, params.fingerprint(), chosen])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _put_sparse(out: dict[str, np.ndarray], name: str, m: Csr) -> None:
    out[f"{name}.indptr"] = m.indptr
    out[f"{name}.indices"] = m.indices
    out[f"{name}.data"] = m.data
    out[f"{name}.shape"] = np.asarray(m.shape, dtype=np.int64)


def _get_sparse(arrays: Any, name: str) -> Csr:
    rows, cols = (int(x) for x in arrays[f"{name}.shape"])
    m = Csr(arrays[f"{name}.indptr"], arrays[f"{name}.indices"], arrays[f"{name}.data"],
            (rows, cols))
    if len(m.indptr) != rows + 1 or len(m.indices) != len(m.data) or m.nnz != len(m.data):
        raise ValueError(f"{name}: inconsistent sparse arrays")
    return m


def entry_path(cache_dir: Path, version: str, params: MatchParams,
               facets: Collection[str] | None) -> Path:
    """Directory of the cache entry for one snapshot version and configuration."""
    return Path(cache_dir) / f"match-{cache_key(version, params, facets)}"


@dataclass(frozen=True, eq=False)
class MatchBundle:
    """An index with its all-pairs candidate lists: what a warm query needs.

    ``neighbours`` rank by direct concept overlap (the ``concepts`` term), ``hierarchy``
    by ancestor-expanded overlap; both exclude the artifact itself.
    """

    index: MatchIndex
    neighbours: Neighbours
    hierarchy: Neighbours


_LISTS = ("neighbours", "hierarchy")


def save_index(index: MatchIndex, entry: Path, *, neighbours: Neighbours | None = None,
               hierarchy: Neighbours | None = None, earlier: Path | None = None, drift: int = 0) -> Path:
    """Write ``index`` (and its neighbour lists) as the cache entry ``entry``.

    All-or-nothing: the entry appears complete or not at all; an existing entry at the
    same path is replaced. ``earlier`` (an entry of an earlier store version) lends the
    claims it holds unchanged (:func:`_write_claims`); ``drift`` is how many artifacts
    changed since the lists were last computed in full (:mod:`.all_pairs_update`).
    Returns ``entry``.
    """
    arrays: dict[str, np.ndarray] = {}
    for name in _SPARSE:
        _put_sparse(arrays, name, getattr(index, name))
    c = index.concepts
    for name, values in c.taxonomy.arrays().items():
        arrays[f"taxonomy.{name}"] = values
    for name in ("facet", "domain", "weight", "ic"):
        arrays[f"concept.{name}"] = getattr(c, name)
    for name in ("intent_weight", "compare_weight", "claim_pairs", "claim_of_link", "row_mass"):
        arrays[name] = getattr(index, name)
    # The walk's transition matrix, so a fresh process does not rebuild it (0.3 s at
    # 100,000 artifacts) before its first PageRank.
    _put_sparse(arrays, "transition.step", index.transition.step)
    arrays["transition.dangling"] = index.transition.dangling
    arrays["transition.degree"] = index.transition.degree
    kept = {}
    for key, lists in zip(_LISTS, (neighbours, hierarchy), strict=True):
        if lists is not None:
            kept[key] = lists.include_self
            for name in ("rows", "indices", "scored"):
                arrays[f"{key}.{name}"] = getattr(lists, name)
            # Candidates only: ``similar`` re-scores every pair it shows exactly, so the
            # lists' own scores need no more than float32 (25 MB less each at 100,000).
            arrays[f"{key}.scores"] = lists.scores.astype(np.float32)
    meta = {
        "format": FORMAT, "version": index.version, "params": asdict(index.params),
        "slugs": index.slugs, "names": index.names, "concept_iris": c.iris,
        "concept_labels": c.labels, "intent_texts": index.intent_texts,
        "walk_labels": index.walk_labels,
        "lists": kept,
        "lists_drift": drift,
    }
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=entry.parent))
    try:
        # One .npy per array, memory-mapped on load: a question touches a few rows of a few
        # arrays, and an .npz is read whole (1.2 s of a 2.3 s `similar` at 100,000 artifacts).
        (tmp / "arrays").mkdir()
        for name, value in arrays.items():
            np.save(tmp / "arrays" / f"{name}.npy", np.asarray(value), allow_pickle=False)
        # Claims in their own file, one JSON line each with an offset table, so explaining a
        # pair reads the few claims it names rather than parsing every claim in the store.
        write_claims(tmp, index.claims, earlier)
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        final = _replace_dir(tmp, entry)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(entry.parent, keep=final)
    return final


def _prune(directory: Path, keep: Path) -> None:
    """Drop all but the :data:`KEEP` most recent entries (old store versions)."""
    entries = sorted((p for p in directory.glob("match-*") if p.is_dir() and p != keep),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def _replace_dir(tmp: Path, final: Path) -> Path:
    if final.exists():
        shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    return final


def load_index(entry: Path) -> tuple[MatchIndex, dict[str, Neighbours]]:
    """Read one cache entry written by :func:`save_index`: the index and its lists.

    Raises:
        ConfigError: the entry is missing, unreadable or of another format.
    """
    try:
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ConfigError(f"{entry}: cache format {meta.get('format')} != {FORMAT}")
        for name in CLAIM_FILES:
            if not (entry / name).exists():
                raise ValueError(f"{name} is missing")
        return _from_arrays(meta, _ArrayDir(entry / "arrays"), entry)
    except (OSError, ValueError, KeyError, EOFError, TypeError) as e:
        raise ConfigError(f"{entry}: unreadable match index cache: {e}") from e


class _ArrayDir:
    """The index's arrays by name, each a read-only memory map of its ``.npy`` file."""

    def __init__(self, directory: Path) -> None:
        if not directory.is_dir():
            raise ValueError(f"{directory.name} is missing")
        self._directory = directory

    def __getitem__(self, name: str) -> np.ndarray:
        path = self._directory / f"{name}.npy"
        if not path.is_file():
            raise KeyError(name)
        found = np.load(path, mmap_mode="r", allow_pickle=False)
        # A zero-length array cannot be mapped; np.load gives it in memory already.
        return found


def _from_arrays(meta: dict[str, Any], arrays: Any, entry: Path
                 ) -> tuple[MatchIndex, dict[str, Neighbours]]:
    p = dict(meta["params"])
    params = MatchParams(weights=PairWeights(**p.pop("weights")), **p)
    taxonomy = Taxonomy.from_arrays(
        meta["concept_iris"], {name: arrays[f"taxonomy.{name}"] for name in Taxonomy.ARRAYS})
    concepts = ConceptGraph(
        taxonomy, tuple(meta["concept_labels"]), arrays["concept.facet"],
        arrays["concept.domain"], arrays["concept.weight"], arrays["concept.ic"])
    index = MatchIndex(
        version=meta["version"], params=params, slugs=tuple(meta["slugs"]),
        names=tuple(meta["names"]), concepts=concepts, direct=_get_sparse(arrays, "direct"),
        intent_texts=tuple(meta["intent_texts"]), intents=_get_sparse(arrays, "intents"),
        intent_weight=arrays["intent_weight"], compared=_get_sparse(arrays, "compared"),
        compare_weight=arrays["compare_weight"],
        claims=ClaimTable(entry),
        claim_pairs=arrays["claim_pairs"], claim_of_link=arrays["claim_of_link"],
        walk=_get_sparse(arrays, "walk"), walk_labels=tuple(meta["walk_labels"]),
        stored_row_mass=arrays["row_mass"])
    # A cached_property's slot: the stored matrix instead of one rebuilt from ``walk``.
    index.__dict__["transition"] = Transition(_get_sparse(arrays, "transition.step"),
                                              arrays["transition.dangling"], arrays["transition.degree"])
    lists = {
        key: Neighbours(arrays[f"{key}.rows"], arrays[f"{key}.indices"],
                        arrays[f"{key}.scores"], bool(include), arrays[f"{key}.scored"])
        for key, include in meta.get("lists", {}).items()
    }
    return index, lists


def load_stored(cache_dir: Path, version: str, *, facets: Collection[str] | None = None,
                params: MatchParams | None = None) -> MatchBundle | None:
    """The cached bundle of ``version``, or None when there is none or it cannot be read
    (a corrupt entry is rebuilt by the caller, never an error)."""
    entry = entry_path(cache_dir, version, params or MatchParams(), facets)
    if not (entry / "meta.json").exists():
        return None
    try:
        index, lists = load_index(entry)
    except ConfigError:
        return None
    if set(lists) != set(_LISTS):
        return None
    return MatchBundle(index, lists["neighbours"], lists["hierarchy"])


def load_or_build(
    snapshot: GraphSnapshot,
    cache_dir: Path | None,
    *,
    facets: Collection[str] | None = None,
    params: MatchParams | None = None,
    version: str | None = None,
    earlier: Path | None = None,
) -> MatchBundle:
    """The index and all-pairs candidate lists of ``snapshot``, from cache when present.

    Builds and saves them on a miss (an unreadable entry is rebuilt). ``version`` keys the
    entry (default: the snapshot's fingerprint); ``cache_dir=None`` or an empty version
    means no caching. ``earlier`` is the cache directory of an earlier store version,
    whose newest entry lends the claims it holds unchanged.
    """
    params = params or MatchParams()
    version = version or snapshot.version
    entry = None
    if cache_dir is not None and version:
        entry = entry_path(cache_dir, version, params, facets)
        found = load_stored(cache_dir, version, facets=facets, params=params)
        if found is not None:
            return found
    index = build_match_index(snapshot, facets=facets, params=params)
    earlier_entry = _newest_entry(earlier)
    lent = _updated_lists(index, earlier_entry, params.candidates)
    if lent is not None:
        bundle, drift = MatchBundle(index, lent[0], lent[1]), lent[2]
    else:
        bundle, drift = MatchBundle(
            index,
            all_pairs_topk(index, params.candidates, include_self=False),
            all_pairs_topk(index, params.candidates, include_self=False, expanded=True),
        ), 0
    if entry is not None:
        try:
            save_index(index, entry, neighbours=bundle.neighbours, hierarchy=bundle.hierarchy,
                       earlier=earlier_entry, drift=drift)
        except OSError:
            pass  # a cache that cannot be written (read-only home, full disk) is only skipped
    return bundle


def _updated_lists(index: MatchIndex, entry: Path | None, k: int) -> tuple[Neighbours, Neighbours, int] | None:
    """The all-pairs lists of ``index`` updated from an earlier entry's, when the change
    since is small (:mod:`~matchgraph.queries.match.all_pairs_update`); None: compute them."""
    if entry is None:
        return None
    from matchgraph.queries.match.all_pairs_update import Earlier, lend_lists

    try:
        earlier, lists = load_index(entry)
        drift = int(json.loads((entry / "meta.json").read_text(encoding="utf-8")).get("lists_drift", 0))
    except (ConfigError, OSError, ValueError):
        return None
    return lend_lists(index, Earlier(earlier, lists, drift), k)


def _newest_entry(cache_dir: Path | None) -> Path | None:
    """The most recent complete entry of ``cache_dir`` (any parameters: claims are lent
    by content, which parameters do not change)."""
    if cache_dir is None:
        return None
    entries = [p for p in cache_dir.glob("match-*") if (p / "meta.json").exists()]
    return max(entries, key=lambda p: p.stat().st_mtime, default=None)
