"""Entry point of the ``matchgraph`` command."""

from __future__ import annotations

from pathlib import Path

import click

from matchgraph import __version__
from matchgraph.cli.app import AppContext, MatchgraphGroup
from matchgraph.cli.cmd_compare import compare
from matchgraph.cli.cmd_graph import alternatives, claims, concepts, merge, resolution, separate
from matchgraph.cli.cmd_load import load, remove
from matchgraph.cli.cmd_match import pair, similar_command
from matchgraph.cli.cmd_need import feedback, match, rank
from matchgraph.cli.cmd_neo4j import neo4j
from matchgraph.cli.cmd_read import documents, export, show, sparql, stats
from matchgraph.cli.cmd_runners import evidence, remove_run, run, runners, verify

__all__ = ["cli", "main"]


@click.group(cls=MatchgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="matchgraph")
@click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="MATCHGRAPH_STORE",
    help="Embedded store directory (default: $MATCHGRAPH_STORE or the user data directory).",
)
@click.option(
    "--backend",
    type=click.Choice(["oxigraph", "neo4j"]),
    default="oxigraph",
    show_default=True,
    help="Which store answers: the embedded one, or the Neo4j server.",
)
@click.option(
    "--validator",
    type=click.Choice(["compiled", "pyshacl"]),
    default="compiled",
    envvar="MATCHGRAPH_VALIDATOR",
    show_default=True,
    help="SHACL engine for loads: shapes compiled to SPARQL (fast) or pyshacl (reference).",
)
@click.pass_context
def cli(ctx: click.Context, store_path: Path | None, backend: str, validator: str) -> None:
    """Capability knowledge graph and match engine for AI models and tools."""
    ctx.obj = AppContext(store_path=store_path, backend=backend, validator=validator)


for command in (
    load, remove, stats, show, sparql, export, documents,
    claims, alternatives, concepts, resolution, merge, separate,
    similar_command, pair, compare, match, feedback, rank, neo4j,
    runners, run, evidence, verify, remove_run,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="matchgraph")


if __name__ == "__main__":
    main()
