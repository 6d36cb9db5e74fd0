"""Slugs a user types are checked against the store before anything is recorded.

A curated merge or separation, or a feedback event, names artifacts by slug; a typo or a
hostile string (``'} DROP ALL {'``, ``''``) must be refused with the closest real slugs, not
stored as a decision about nothing.
"""

from __future__ import annotations

import difflib
from typing import Protocol

from matchgraph.errors import UnknownSlugError, UsageError
from matchgraph.queries.library import sparql as q

__all__ = ["check_pair", "check_slug", "close_matches"]


class Selecting(Protocol):
    def select(self, query: q.SparqlQuery, **params: object) -> list[dict[str, object]]: ...


def close_matches(word: str, choices: list[str], n: int = 5) -> list[str]:
    """Up to ``n`` choices closest to ``word`` (difflib's ratio, cutoff 0.6).

    >>> close_matches("glm-ocx", ["glm-ocr", "tesseract"])
    ['glm-ocr']
    """
    return difflib.get_close_matches(word, choices, n=n, cutoff=0.6)


def check_slug(store: Selecting, slug: str, known: list[str] | None = None) -> str:
    """``slug`` if a stored artifact has it.

    Raises:
        UnknownSlugError: no artifact has it (with the closest stored slugs).
    """
    slugs = known if known is not None else [str(r["slug"]) for r in store.select(q.ARTIFACT_SLUGS)]
    if slug not in slugs:
        raise UnknownSlugError(slug, close_matches(slug, slugs))
    return slug


def check_pair(store: Selecting, first: str, second: str) -> None:
    """Both slugs are stored and differ.

    Raises:
        UnknownSlugError: one is not stored.
        UsageError: they are the same slug.
    """
    slugs = [str(r["slug"]) for r in store.select(q.ARTIFACT_SLUGS)]
    check_slug(store, first, slugs)
    check_slug(store, second, slugs)
    if first == second:
        raise UsageError(f"{first!r} and {second!r} are the same artifact; name two different slugs")
