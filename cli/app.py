"""The click group, shared options and the error boundary of the ``matchgraph`` command.

The CLI is a thin translation layer: parse options, call the library, render. A
:class:`~matchgraph.errors.MatchgraphError` becomes one clean line on stderr and its exit
code (1 for a failed operation, 2 for bad usage).
"""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from matchgraph.cli.output import console, err_console, error
from matchgraph.errors import AmbiguousNameError, MatchgraphError, StoreError
from matchgraph.safe_text import has_undecodable, printable

if TYPE_CHECKING:
    from matchgraph.engine import Engine
    from matchgraph.graph.base import GraphStore

__all__ = ["AppContext", "MatchgraphGroup", "console", "emit_json", "err_console", "pass_app"]


WRITE_COMMANDS = frozenset({"load", "remove", "merge", "separate", "feedback", "match", "run", "verify", "remove-run"})
"""Commands that change the store; every other command opens it read-only."""
RECORDS_ONLY = frozenset({"match"})
"""Write commands whose only write is a record of what they answered: while a load holds
the writer they answer from the store as it was before it, without the record."""


@dataclass
class AppContext:
    store_path: Path | None
    backend: str
    validator: str
    _store: Any = None
    """A store opened by the caller (tests); otherwise one is opened from the options."""
    _engine: Engine | None = None
    writes: bool = False
    """Set by the group for :data:`WRITE_COMMANDS`; read commands never create or change
    anything (no directory, no lock, no repair)."""
    records_only: bool = False
    """Set by the group for :data:`RECORDS_ONLY`."""
    records: bool = True
    """False when a :data:`RECORDS_ONLY` command answers beside a load, unrecorded."""

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
                    options["read_only"] = not self.writes
                try:
                    store = open_store(self.backend, path=self.store_path, **options)
                except StoreError as refused:
                    store = self._beside_a_load(options, refused)
                writer = getattr(store, "loading_writer", None)
                if writer:
                    unrecorded = "" if self.records else "; this answer is not recorded, so `feedback` cannot refer to it"
                    err_console.print(f"a load is writing this store ({writer}): answering from the store "
                                      f"as it was before it{unrecorded}", style="dim", highlight=False)
            path = getattr(store, "path", None) if persist else None
            self._engine = Engine(store, index_dir=index_dir_for(path), bundle_dir=bundle_dir)
        return self._engine

    def _beside_a_load(self, options: dict[str, object], refused: StoreError) -> GraphStore:
        """For a :data:`RECORDS_ONLY` command ``refused`` the writer because a load holds
        it: the store read-only (the view that load published), and nothing recorded. Any
        other refusal is raised again."""
        from matchgraph.graph.registry import open_store

        if not (self.records_only and self.backend == "oxigraph"):
            raise refused
        reader = open_store(self.backend, path=self.store_path, **{**options, "read_only": True})
        if not getattr(reader, "loading_writer", None):  # a writer that is not a load: wait for it instead
            reader.close()
            raise refused
        self.records = False
        return reader

    def store(self) -> GraphStore:
        """The engine's store, for commands that read or write facts directly."""
        return self.engine().store

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None


pass_app = click.make_pass_decorator(AppContext)


def emit_json(value: Any) -> None:
    """Machine-readable output on stdout, nothing else."""
    click.echo(printable(json.dumps(value, indent=2, ensure_ascii=False, default=str)))


def _check_arguments(command: click.Command, values: dict[str, Any]) -> None:
    """Refuse text arguments that are not valid UTF-8 with a usage error naming them.

    Paths may hold any bytes (a file with such a name still loads); names, slugs, needs and
    queries must be text, and would otherwise fail deep inside the store or the terminal.
    """
    for param in command.params:
        value = values.get(param.name or "")
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, str) and has_undecodable(item):
                label = param.human_readable_name
                raise click.BadParameter(f"{printable(item)} is not valid UTF-8 text (the bytes that are not are shown as \\xNN)", param_hint=label)


def _guarded(command: click.Command) -> click.Command:
    """Wrap a command's callback: argument check, and tell the app whether it writes."""
    callback = command.callback
    if callback is None or isinstance(command, click.Group):
        return command

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(command, kwargs)
        app = click.get_current_context().find_object(AppContext)
        if app is not None:
            app.writes = command.name in WRITE_COMMANDS
            app.records_only = command.name in RECORDS_ONLY
        return callback(*args, **kwargs)

    command.callback = run
    return command


class MatchgraphGroup(click.Group):
    """Turns library errors into clean messages and stable exit codes."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(_guarded(cmd), name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AmbiguousNameError as e:
            error(f"{printable(e.name)!r} matches several artifacts:")
            for slug, name in e.candidates:
                err_console.print(f"  {printable(slug)}  ({printable(name)})")
            if e.more:
                err_console.print(f"  ... and {e.more:,} more: give more of the name, or a slug")
            sys.exit(e.exit_code)
        except MatchgraphError as e:
            error(e)
            sys.exit(e.exit_code)
        finally:
            app = ctx.find_object(AppContext)
            if app is not None:
                app.close()
