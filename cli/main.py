"""Entry point of the ``matchgraph`` command."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import click

from matchgraph import __version__
from matchgraph.cli.app import AppContext, MatchgraphGroup

__all__ = ["COMMANDS", "cli", "main"]

COMMANDS: dict[str, tuple[str, str, str]] = {
    # name: (module under matchgraph.cli, attribute, one-line help shown by --help)
    "load": ("cmd_load", "load", "Load comparison pages, passports, manifests and artifact pages (files or folders)."),
    "remove": ("cmd_load", "remove", "Remove documents (by key: address or resolved path) and all their facts."),
    "stats": ("cmd_read", "stats", "Counts of documents, artifacts, capabilities, claims and quads."),
    "show": ("cmd_read", "show", "Show an artifact by slug or name: type, observations with sources, capabilities."),
    "sparql": ("cmd_read", "sparql", "Run a read-only SPARQL query (text or a file) over all documents' graphs."),
    "export": ("cmd_read", "export", "Export the graph."),
    "documents": ("cmd_read", "documents", "The stored documents with their provenance and completeness."),
    "claims": ("cmd_graph", "claims", "List typed claims (relation, polarity, other side, aspect), with filters."),
    "alternatives": ("cmd_graph", "alternatives", "Artifacts NAME is compared against, in both directions, with the claims."),
    "concepts": ("cmd_graph", "concepts", "The capability taxonomy, with how many artifacts offer each concept."),
    "resolution": ("cmd_graph", "resolution", "Entity resolution: merged artifacts with rule and reason, and ambiguous names."),
    "merge": ("cmd_graph", "merge", "Record that artifact SOURCE is the same as TARGET (slugs); kept across reloads."),
    "separate": ("cmd_graph", "separate", "Undo a merge: FIRST and SECOND (slugs) are different artifacts; kept across reloads."),
    "similar": ("cmd_match", "similar_command", "The artifacts nearest to NAME by pair score, with the substitutability verdict."),
    "pair": ("cmd_match", "pair", "Score FIRST against SECOND and show every term with its evidence."),
    "compare": ("cmd_compare", "compare", "Compare two artifacts from the graph: ranks and signals with sources, who leads where,..."),
    "match": ("cmd_need", "match", "Rank artifacts for a need written in plain words, with the path that led to each."),
    "feedback": ("cmd_need", "feedback", "Record whether a match worked; later matches use the Beta posterior of its capabilities."),
    "rank": ("cmd_need", "rank", "Recompute composite ranks from the signals, compare with the observed ranks, and..."),
    "neo4j": ("cmd_neo4j", "neo4j", "The local Neo4j server and the property-graph copy of the store."),
    "runners": ("cmd_runners", "runners", "List runners: what each runs, the artifacts it stands for, whether it can run here and why not."),
    "run": ("cmd_runners", "run", "Run RUNNER on a suite, store the run as evidence, print its id and figures."),
    "evidence": ("cmd_runners", "evidence", "Measured runs of an artifact, with figures, conditions and caveats."),
    "verify": ("cmd_runners", "verify", "Check claims (one CLAIM id or IRI, else all) against measured runs, running what is..."),
    "remove-run": ("cmd_runners", "remove_run", "Remove one run's facts (and the claim checks that relied on it)."),
}
"""Every subcommand, imported only when it runs, so ``matchgraph --help`` and ``--version``
never import the match engine, scipy or numba. A test holds the help texts to the commands'
own docstrings."""


class LazyGroup(MatchgraphGroup):
    """A group whose subcommands are imported on first use (click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            module, attr, _ = COMMANDS[cmd_name]
            command = getattr(import_module(f"matchgraph.cli.{module}"), attr)
            assert isinstance(command, click.Command)
            self.add_command(command, cmd_name)  # wrapped by the group's argument checks
        return self.commands[cmd_name]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="matchgraph")
@click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False),
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
def cli(ctx: click.Context, store_path: str | None, backend: str, validator: str) -> None:
    """Capability knowledge graph and match engine for AI models and tools."""
    if store_path is not None and not store_path.strip():
        raise click.BadParameter("is empty; give a store directory", param_hint="--store")
    path = None if store_path is None else Path(store_path)
    ctx.obj = AppContext(store_path=path, backend=backend, validator=validator)


def main() -> None:
    cli(prog_name="matchgraph")


if __name__ == "__main__":
    main()
