"""Read commands: ``stats``, ``documents``, ``show``, ``sparql``, ``export``.

Every read command takes ``--json`` and then prints machine-readable JSON on stdout only.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
from rich.table import Table

from matchgraph.cli.app import AppContext, console, emit_json, pass_app
from matchgraph.cli.render import render_artifact
from matchgraph.errors import ConfigError, QueryError, StoreError
from matchgraph.queries.library.sandbox import DEFAULT_TIMEOUT
from matchgraph.safe_text import printable

__all__ = ["documents", "export", "show", "sparql", "stats"]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def stats(app: AppContext, as_json: bool) -> None:
    """Counts of documents, artifacts, capabilities, claims and quads."""
    values = dataclasses.asdict(app.engine().stats())
    if as_json:
        emit_json(values)
        return
    table = Table(title="matchgraph store")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in values.items():
        table.add_row(key.replace("_", " "), f"{value:,}")
    console.print(table)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def documents(app: AppContext, as_json: bool) -> None:
    """The stored documents with their provenance and completeness."""
    docs = app.store().documents()
    if as_json:
        emit_json([dataclasses.asdict(d) for d in docs])
        return
    table = Table(title=f"{len(docs)} documents")
    for col in ("key", "format", "loaded at", "complete"):
        table.add_column(col)
    for d in docs:
        table.add_row(d.key, d.format, d.loaded_at, "yes" if d.complete else "no: " + ", ".join(d.missing))
    console.print(table)


@click.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def show(app: AppContext, name: str, as_json: bool) -> None:
    """Show an artifact by slug or name: type, observations with sources, capabilities.

    An exact slug or display name wins; a name matching several artifacts lists the
    candidates and exits with status 2.
    """
    engine = app.engine()
    view = engine.show(name)
    if as_json:
        from matchgraph.runners.evidence_view import annotate_show

        emit_json(annotate_show(engine.store, view.slug, view.model_dump(mode="json"),
                                claims=engine.claims(artifact=view.slug)))
        return
    render_artifact(view)
    if app.backend == "oxigraph":
        from matchgraph.cli.evidence_render import render_evidence

        render_evidence(app.store(), view.slug)


@click.command()
@click.argument("query_or_file")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (SPARQL results as rows).")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
              envvar="MATCHGRAPH_QUERY_TIMEOUT", help="Seconds before the query is stopped (0: no limit).")
@pass_app
def sparql(app: AppContext, query_or_file: str, as_json: bool, timeout: float) -> None:
    """Run a read-only SPARQL query (text or a file) over all documents' graphs.

    SERVICE, LOAD and updates are refused before the query runs; Ctrl-C stops it."""
    from matchgraph.graph.sparql_values import python_value

    if app.backend != "oxigraph":
        raise ConfigError("sparql runs on the embedded store; use Cypher for Neo4j")
    text = read_query(query_or_file)
    result = app.store().sparql(text, timeout=timeout or None)
    if isinstance(result, bool):
        if as_json:
            emit_json({"boolean": result})
        else:
            console.print(str(result).lower())
        return
    variables = getattr(result, "variables", None)
    if variables is None:
        triples = [[str(t.subject), str(t.predicate), str(t.object)] for t in result]
        if as_json:
            emit_json(triples)
        else:
            for t in triples:
                console.print(" ".join(t), highlight=False)
        return
    names = [v.value for v in variables]
    rows = [{n: (None if s[n] is None else python_value(s[n])) for n in names} for s in result]
    if as_json:
        emit_json(rows)
        return
    table = Table()
    for n in names:
        table.add_column(n)
    for row in rows:
        table.add_row(*("" if row[n] is None else str(row[n]) for n in names))
    console.print(table)
    console.print(f"{len(rows)} row(s)")


def read_query(query_or_file: str) -> str:
    """The query text: the file's contents when the argument names a file.

    Raises:
        QueryError: the file cannot be read or is not UTF-8 (with the byte offset).
    """
    path = Path(query_or_file)
    try:
        if not path.is_file():
            return query_or_file
        return path.read_bytes().decode("utf-8")
    except OSError as e:
        raise QueryError(f"cannot read the query file {printable(path)}: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise QueryError(f"the query file {printable(path)} is not UTF-8 text (byte {e.start} is 0x{e.object[e.start]:02x})") from e


_FORMATS = ("turtle", "nquads", "trig", "ntriples", "jsonld", "neo4j-csv")


@click.command()
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="nquads", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout); a folder for neo4j-csv.")
@pass_app
def export(app: AppContext, fmt: str, output: Path | None) -> None:
    """Export the graph. Quad formats keep each fact's document graph; triple formats
    (turtle, ntriples, jsonld) write the union of all graphs; neo4j-csv writes node and
    relationship files for `neo4j-admin database import` into the folder -o names."""
    from pyoxigraph import RdfFormat

    formats = {
        "turtle": RdfFormat.TURTLE,
        "nquads": RdfFormat.N_QUADS,
        "trig": RdfFormat.TRIG,
        "ntriples": RdfFormat.N_TRIPLES,
        "jsonld": RdfFormat.JSON_LD,
    }
    if app.backend != "oxigraph":
        raise ConfigError("export reads the embedded store; use `matchgraph neo4j` tools for Neo4j")
    if fmt == "neo4j-csv":
        from matchgraph.graph.neo4j.csv_export import IMPORT_COMMAND, export_store

        if output is None:
            raise ConfigError("neo4j-csv writes several files: give a folder with -o")
        if output.exists() and not output.is_dir():
            raise ConfigError(f"-o {printable(output)} is a file; neo4j-csv writes several files into a folder")
        try:
            files = export_store(app.store(), output)
        except OSError as e:
            raise StoreError(f"cannot write to {printable(output)}: {e.strerror or e}") from e
        console.print(f"wrote {len(files)} files to {output}; import with:\n  {IMPORT_COMMAND.replace('<dir>', str(output))}", highlight=False)
        return
    if output is not None and output.is_dir():
        raise ConfigError(f"-o {printable(output)} is a folder; give a file name")
    try:
        data = app.store().export(output, formats[fmt])
    except OSError as e:
        raise StoreError(f"cannot write {printable(output)}: {e.strerror or e}") from e
    if output is None and data is not None:
        click.echo(data.decode("utf-8"), nl=False)
    elif output is not None:
        console.print(f"wrote {output}", highlight=False)
