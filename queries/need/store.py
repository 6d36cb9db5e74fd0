"""A need index as a folder of files, opened in milliseconds whatever the store's size.

A fresh ``matchgraph match`` process used to unpickle the whole need index, records and
vectors included (1.5 s of its 2.2 s at 10,000 artifacts; 26 s at 100,000). Stored as
a folder, it opens by reading only what every query needs:

* ``core.pkl``: the small parts every query reads whole (vocabularies, the concept
  taxonomy and its label index, fusion weights, artifact type names);
* ``<name>.npy``: every array (BM25 postings, per-capability and per-artifact tables),
  opened as read-only memory maps, so a query touches only the pages it reads;
* ``vectors.npy``: the dense text vectors (float32, or float16 in approximate mode) and
  ``coarse.npy``, their per-artifact centroids (approximate mode);
* ``records.sqlite``: artifact and capability records with their claims
  (:mod:`records`), read for the results a query explains.

``FORMAT`` holds the format number: a folder of another format (or missing a part) is
refused with :class:`~matchgraph.errors.IndexFormatError`, which the engine answers by
rebuilding. A folder is written under a temporary name beside its final one and renamed
into place, so a reader never sees a partial index and a failed write leaves nothing.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import tempfile
from pathlib import Path

import numpy as np

from matchgraph.errors import IndexFormatError
from matchgraph.queries.need import scoring as ns
from matchgraph.queries.need.concepts import ConceptReach
from matchgraph.queries.need.dense import DenseTexts
from matchgraph.queries.need.hybrid import HybridStage
from matchgraph.queries.need.bm25 import SparseBM25
from matchgraph.queries.need.bm25_lend import Lendable
from matchgraph.queries.need.match import NeedIndex
from matchgraph.queries.need.records import EarlierRecords, NeedRecords, artifact_digests, write_records

__all__ = ["FORMAT", "open_need_index", "write_need_index"]

FORMAT = 3
"""Bump when the folder's layout or any stored structure changes shape."""
_TAG = "matchgraph-need-index"
_MUTABLE = ("dir_inputs", "dir_outputs", "dir_state")
"""Arrays read into memory rather than mapped: the direction table may fill them in."""
_LENDABLE = ("lengths", "keys", "exact_terms", "exact_tf")
"""A BM25 index's :class:`Lendable` parts, in field order."""


def write_need_index(index: NeedIndex, folder: Path, *, previous: Path | None = None) -> Path:
    """Write ``index`` as the folder ``folder`` (replacing an older one), atomically.

    ``previous`` is the folder of an earlier version's index: the records it holds
    unchanged are copied from it rather than encoded again (:func:`records.write_records`).

    Raises:
        OSError: the folder cannot be written (nothing is left behind).
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{folder.name}-", dir=folder.parent))
    try:
        _write(index, tmp, previous)
        if folder.exists():  # stale or another format: move it aside, then replace it
            old = folder.with_name(f".old-{folder.name}-{os.getpid()}")
            os.replace(folder, old)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _write(index: NeedIndex, out: Path, previous: Path | None = None) -> None:
    stage, records = index.stage, index.records
    arrays: dict[str, np.ndarray] = {
        "cap_art": index.cap_art,
        "flags_free": index.flags.free, "flags_open_weights": index.flags.open_weights,
        "flags_local": index.flags.local, "flags_type_codes": index.flags.type_codes,
        "dir_inputs": index.directions.inputs, "dir_outputs": index.directions.outputs,
        "dir_state": index.directions.state,
        "concept_indptr": index.concepts.indptr, "concept_indices": index.concepts.indices,
        "seed_alpha": index.seed_alpha, "seed_beta": index.seed_beta,
        "alpha": index.alpha, "beta": index.beta, "feedback": index.feedback,
        "stage_rows": stage.rows, "text_owner": stage.text_owner, "text_cap": stage.text_cap,
        "stage_row_of_cap": index.stage_row_of_cap, "row_caps": index.row_caps,
        "row_caps_ptr": index.row_caps_ptr, "prior": index.prior,
    }
    digests = None
    if index.cap_digest is not None:
        digests = (artifact_digests(records.artifacts), index.cap_digest)
        arrays["art_digest"], arrays["cap_digest"] = digests
    for prefix, bm25 in (("bm25", index.bm25), ("lexical", stage.lexical), ("claims", stage.claims)):
        arrays |= {f"{prefix}_idf": bm25.idf, f"{prefix}_indptr": bm25.indptr,
                   f"{prefix}_indices": bm25.indices, f"{prefix}_data": bm25.data}
        if bm25.lendable is not None:  # what a later build lends from
            arrays |= {f"{prefix}_{name}": getattr(bm25.lendable, name) for name in _LENDABLE}
    if stage.dense is not None:
        arrays |= {"vectors": stage.dense.vectors, "owner_ptr": stage.dense.owner_ptr}
        if stage.dense.coarse is not None:
            arrays["coarse"] = stage.dense.coarse
    for name, array in arrays.items():
        np.save(out / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
    core = {
        "format": FORMAT,
        "arrays": sorted(arrays),
        "vocab": {"bm25": index.bm25.vocab, "lexical": stage.lexical.vocab, "claims": stage.claims.vocab},
        "n_docs": {"bm25": index.bm25.n_docs, "lexical": stage.lexical.n_docs, "claims": stage.claims.n_docs},
        "type_names": index.flags.type_names,
        "concept_records": index.concepts.records,
        "concept_iris": index.concepts.iris,
        "concept_labels": index.concept_labels,
        "fusion": stage.fusion,
        "intent_feedback": index.intent_feedback,
        "embedder_kind": index.embedder_kind,
        "embedder_model": index.embedder_model,
        "taxonomy_digest": index.taxonomy_digest,
    }
    with (out / "core.pkl").open("wb") as handle:
        pickle.dump(core, handle, protocol=pickle.HIGHEST_PROTOCOL)
    write_records(out / "records.sqlite", records.artifacts, records.capabilities, records.claims_by_iri(),
                  digests=digests, earlier=None if digests is None else _earlier_records(previous))
    (out / "FORMAT").write_text(f"{_TAG} {FORMAT}\n", encoding="ascii")


def _earlier_records(folder: Path | None) -> EarlierRecords | None:
    """The records of an earlier version's index folder with their digests, if it has them."""
    if folder is None:
        return None
    try:
        return EarlierRecords(folder / "records.sqlite", np.load(folder / "art_digest.npy"),
                              np.load(folder / "cap_digest.npy"))
    except (OSError, ValueError):
        return None


def open_need_index(folder: Path, *, dense: bool = True) -> NeedIndex:
    """The need index stored in ``folder``; ``dense=False`` opens it lexical only (the
    vectors are not mapped, and answers are those of an index built without them).

    Raises:
        IndexFormatError: no index there, a part missing or unreadable, or another format.
    """
    folder = Path(folder)
    try:
        found = (folder / "FORMAT").read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError) as e:
        raise IndexFormatError(f"no need index in {folder}: {e}") from e
    if found != [_TAG, str(FORMAT)]:
        raise IndexFormatError(f"need index {folder} is format {' '.join(found[1:]) or '?'}, "
                               f"this matchgraph reads format {FORMAT}; it is rebuilt from the store")
    try:
        with (folder / "core.pkl").open("rb") as handle:
            core = pickle.load(handle)  # noqa: S301 - our own file beside our own store
        skip = set() if dense else {"vectors", "owner_ptr", "coarse"}
        a = {name: _array(folder, name) for name in core["arrays"] if name not in skip}
        records = NeedRecords.open(folder / "records.sqlite")
    except (OSError, EOFError, KeyError, ValueError, pickle.UnpicklingError, sqlite3.Error) as e:
        raise IndexFormatError(f"need index {folder} cannot be read ({e}); it is rebuilt from the store") from e
    bm25 = {p: SparseBM25(core["vocab"][p], a[f"{p}_idf"], a[f"{p}_indptr"], a[f"{p}_indices"],
                          a[f"{p}_data"], core["n_docs"][p], _lendable(a, p)) for p in ("bm25", "lexical", "claims")}
    directions = ns.DirectionTable(0)
    directions.inputs, directions.outputs, directions.state = a["dir_inputs"], a["dir_outputs"], a["dir_state"]
    vectors = DenseTexts(a["vectors"], a["owner_ptr"], a.get("coarse")) if "vectors" in a else None
    stage = HybridStage(a["stage_rows"], bm25["lexical"], bm25["claims"], vectors, a["text_owner"],
                        a["text_cap"], core["fusion"])
    return NeedIndex(
        records=records,
        cap_art=a["cap_art"],
        flags=ns.ArtifactFlags(a["flags_free"], a["flags_open_weights"], a["flags_local"],
                               a["flags_type_codes"], core["type_names"]),
        bm25=bm25["bm25"],
        directions=directions,
        concepts=ConceptReach(core["concept_records"], core["concept_iris"], a["concept_indptr"],
                              a["concept_indices"]),
        concept_labels=core["concept_labels"],
        seed_alpha=a["seed_alpha"], seed_beta=a["seed_beta"],
        alpha=a["alpha"], beta=a["beta"], feedback=a["feedback"],
        intent_feedback=dict(core["intent_feedback"]),
        stage=stage,
        stage_row_of_cap=a["stage_row_of_cap"],
        row_caps=a["row_caps"], row_caps_ptr=a["row_caps_ptr"],
        prior=a["prior"],
        embedder_kind=core["embedder_kind"] if vectors is not None else None,
        embedder_model=core["embedder_model"] if vectors is not None else None,
        cap_digest=a.get("cap_digest"),
        taxonomy_digest=core.get("taxonomy_digest", ""),
    )


def _lendable(arrays: dict[str, np.ndarray], prefix: str) -> Lendable | None:
    """What a BM25 index keeps for later builds, when its folder holds it."""
    if any(f"{prefix}_{name}" not in arrays for name in _LENDABLE):
        return None
    return Lendable(*(arrays[f"{prefix}_{name}"] for name in _LENDABLE))


def _array(folder: Path, name: str) -> np.ndarray:
    """A stored array: a read-only memory map seen as a plain ndarray (no per-operation
    memmap wrapping), or a private copy for the few arrays that may be written to."""
    path = folder / f"{name}.npy"
    if name in _MUTABLE:
        return np.load(path, allow_pickle=False)
    try:
        mapped = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError:  # an empty array cannot be mapped
        return np.load(path, allow_pickle=False)
    return mapped.view(np.ndarray) if isinstance(mapped, np.memmap) else mapped
