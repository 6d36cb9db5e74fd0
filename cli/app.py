"""The click group, shared options and the error boundary of the ``matchgraph`` command.

The CLI is a thin translation layer: parse options, call the library, render. A
:class:`~matchgraph.errors.MatchgraphError` becomes one clean line on stderr and its exit
code (1 for a failed operation, 2 for bad usage).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from matchgraph.errors import AmbiguousNameError, MatchgraphError

__all__ = ["AppContext", "MatchgraphGroup", "console", "emit_json", "err_console", "pass_app"]

console = Console(soft_wrap=False)
err_console = Console(stderr=True, soft_wrap=True)


@dataclass
class AppContext:
    store_path: Path | None
    backend: str
    validator: str
    _store: Any = None

    def store(self) -> Any:
        """Open the store on first use (commands like ``--help`` never touch it)."""
        if self._store is None:
            from matchgraph.graph.registry import open_store

            options: dict[str, object] = {}
            if self.backend == "oxigraph":
                options["validator"] = self.validator
            self._store = open_store(self.backend, path=self.store_path, **options)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_app = click.make_pass_decorator(AppContext)


def emit_json(value: Any) -> None:
    """Machine-readable output on stdout, nothing else."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


class MatchgraphGroup(click.Group):
    """Turns library errors into clean messages and stable exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AmbiguousNameError as e:
            err_console.print(f"[bold red]error:[/] {e.name!r} matches several artifacts:")
            for slug, name in e.candidates:
                err_console.print(f"  {slug}  ({name})", highlight=False)
            sys.exit(e.exit_code)
        except MatchgraphError as e:
            err_console.print(f"[bold red]error:[/] {e}", highlight=False)
            sys.exit(e.exit_code)
        finally:
            app = ctx.find_object(AppContext)
            if app is not None:
                app.close()
