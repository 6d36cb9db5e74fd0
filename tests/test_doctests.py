"""Every example in every module's docstrings runs, found by walking the package (as
pyoxigraph's ``test_doc.py`` does), not from a hand-kept list that new modules escape."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil

import pytest

import matchgraph

# Modules whose import needs an optional extra or a service client are tried, and skipped
# with the reason when that extra is absent; everything else must import.
SKIP_PREFIXES = ("matchgraph.tests", "matchgraph.bench", "matchgraph.cli.main")


def _modules() -> list[str]:
    found = []
    for info in pkgutil.walk_packages(matchgraph.__path__, prefix="matchgraph."):
        if info.name.startswith(SKIP_PREFIXES):
            continue
        found.append(info.name)
    return sorted(found)


MODULES = _modules()
NEEDS = {"matchgraph.runners.metrics": "jiwer"}
"""Modules whose examples call an optional extra's package (installed by .ci/run)."""


def test_the_walk_finds_the_package() -> None:
    assert {"matchgraph.engine", "matchgraph.queries.need.match", "matchgraph.loaders.formats"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    try:
        module = importlib.import_module(name)
    except ImportError as e:
        pytest.skip(f"{name} needs an optional dependency: {e}")
    if name in NEEDS and importlib.util.find_spec(NEEDS[name]) is None:
        pytest.skip(f"{name}'s examples need {NEEDS[name]} (an optional extra)")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} failing examples in {name}"
