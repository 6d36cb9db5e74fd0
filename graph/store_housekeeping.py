"""What the embedded store keeps beside the documents, and tidies when a writer opens it.

* The vocabulary (ontology and capability taxonomy) in its own graphs, each with a version
  marker holding the file's digest, reloaded only when the file changed. The Neo4j store
  writes the same graphs (:func:`vocabulary_graphs`), so both stores hold equal facts.
* The unfinished-write marker: a write that is not one transaction (a bulk load, a staged
  swap) marks itself while it runs, so that only a store opened after a crash inside one
  pays for the scan that drops what it left (staging graphs, documents without their
  commit marker).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store

from matchgraph.ontology.vocab import ID, MG, ontology_path

__all__ = [
    "CONTENT_HASH", "DOCS", "META_GRAPH", "STAGING", "STORE_NODE", "VOCABULARY_FILES",
    "drop_unfinished_writes", "ensure_vocabulary", "mark_unfinished", "unfinished_write", "unmark_unfinished",
    "vocabulary_graphs",
]

CONTENT_HASH = NamedNode(MG + "contentHash")
"""A document graph's commit marker (and a vocabulary graph's version)."""
META_GRAPH = NamedNode(ID + "graph/meta")
STORE_NODE = NamedNode(ID + "store")
STAGING = ID + "staging/"
DOCS = ID + "doc/"
VOCABULARY_FILES = ("matchgraph.ttl", "capabilities.ttl")
_UNFINISHED = NamedNode(MG + "unfinishedWrite")


def vocabulary_graphs() -> dict[str, tuple[str, list[Quad]]]:
    """Each vocabulary graph's IRI -> (file digest, its quads with the version marker)."""
    out = {}
    for name in VOCABULARY_FILES:
        path = ontology_path(name)
        if not path.exists():
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        graph = NamedNode(f"{ID}vocabulary/{name}")
        staging = Store()
        staging.load(data, format=RdfFormat.TURTLE, to_graph=graph)
        marker = Quad(NamedNode(f"{graph.value}#version"), CONTENT_HASH, Literal(digest), graph)
        out[graph.value] = (digest, [*staging, marker])
    return out


def ensure_vocabulary(store: Store) -> bool:
    """Reload each vocabulary graph whose file changed; whether any was written."""
    changed = False
    for iri, (digest, quads) in vocabulary_graphs().items():
        graph = NamedNode(iri)
        if any(store.quads_for_pattern(NamedNode(f"{iri}#version"), CONTENT_HASH, Literal(digest), graph)):
            continue
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
        store.extend(quads)
        changed = True
    return changed


def mark_unfinished(store: Store) -> Quad:
    """Mark the start of a write that is not one transaction (see the module docstring).

    Each write has its own mark (process and a random part), so one that ends cannot clear
    the mark of another still running in the same process.
    """
    marker = Quad(STORE_NODE, _UNFINISHED, Literal(f"{os.getpid()}-{uuid.uuid4().hex[:12]}"), META_GRAPH)
    store.add(marker)
    return marker


def unmark_unfinished(store: Store, marker: Quad) -> None:
    """That write finished: nothing of it to drop at the next open."""
    store.remove(marker)


@contextmanager
def unfinished_write(store: Store) -> Iterator[None]:
    """Mark a write that is not one transaction while it runs; after an error the mark
    stays, so the next open drops what the write left."""
    marker = mark_unfinished(store)
    yield
    unmark_unfinished(store, marker)


def drop_unfinished_writes(store: Store) -> bool:
    """Drop what an interrupted write left: staging graphs, and document graphs that never
    received their commit marker; whether anything was dropped. Only after a crash inside
    an unfinished write: otherwise opening would scan every document graph."""
    markers = list(store.quads_for_pattern(STORE_NODE, _UNFINISHED, None, META_GRAPH))
    if not markers:
        return False
    dropped = False
    for graph in list(store.named_graphs()):
        if not isinstance(graph, NamedNode):
            continue
        stale = graph.value.startswith(STAGING) or (
            graph.value.startswith(DOCS) and not any(store.quads_for_pattern(graph, CONTENT_HASH, None, graph))
        )
        if stale:
            store.remove_graph(graph)
            dropped = True
    for quad in markers:
        store.remove(quad)
    return dropped
