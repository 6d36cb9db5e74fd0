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
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from matchgraph.errors import AmbiguousNameError, MatchgraphError

if TYPE_CHECKING:
    from matchgraph.engine import Engine

__all__ = ["AppContext", "MatchgraphGroup", "console", "emit_json", "err_console", "pass_app"]

console = Console(soft_wrap=False)
err_console = Console(stderr=True, soft_wrap=True)


@dataclass
class AppContext:
    store_path: Path | None
    backend: str
    validator: str
    _store: Any = None
    """A store opened by the caller (tests); otherwise one is opened from the options."""
    _engine: Engine | None = None

    def engine(self, *, bundle_dir: Path | None = None, persist: bool = True) -> Engine:
        """Open the store and its engine on first use (``--help`` never touches them).

        ``bundle_dir`` overrides where the match index is cached; ``persist=False`` keeps
        derived state in memory only.
        """
        if self._engine is None:
            from matchgraph.engine import Engine, index_dir_for
            from matchgraph.graph.registry import open_store

            store = self._store
            if store is None:
                options: dict[str, object] = {}
                if self.backend == "oxigraph":
                    options["validator"] = self.validator
                store = open_store(self.backend, path=self.store_path, **options)
            path = getattr(store, "path", None) if persist else None
            self._engine = Engine(store, index_dir=index_dir_for(path), bundle_dir=bundle_dir)
        return self._engine

    def store(self) -> Any:
        """The engine's store, for commands that read or write facts directly."""
        return self.engine().store

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None


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
