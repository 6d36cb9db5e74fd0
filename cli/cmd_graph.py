"""Decomposition commands: ``claims``, ``alternatives``, ``concepts``, ``resolution``,
``merge`` and ``separate``."""

from __future__ import annotations

import dataclasses

import click
from rich.table import Table
from rich.tree import Tree

from matchgraph.cli.app import AppContext, console, emit_json, pass_app
from matchgraph.cli.output import styled
from matchgraph.loaders.relations import RELATIONS
from matchgraph.queries.views.claims import alternatives as list_alternatives

__all__ = ["alternatives", "claims", "concepts", "merge", "resolution", "separate"]


def _claim_json(claim) -> dict:  # type: ignore[no-untyped-def]
    return {
        "subject": claim.subject,
        "relation": claim.relation,
        "polarity": claim.polarity,
        "other": [*claim.others, *claim.classes],
        "artifacts": list(claim.others),
        "classes": list(claim.classes),
        "aspect": claim.aspect,
        "text": claim.text,
        "capability": claim.capability,
        "source": claim.source,
    }


@click.command()
@click.argument("artifact", required=False)
@click.option("--relation", type=click.Choice(sorted(spec.id for spec in RELATIONS)), help="Only this relation.")
@click.option("--polarity", type=click.Choice(["for", "against", "neutral"]))
@click.option("--about", "other", help="Only claims whose other side is this artifact.")
@click.option("--status", "with_status", is_flag=True, help="Add each claim's status against measured runs.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def claims(app: AppContext, artifact: str | None, relation: str | None, polarity: str | None, other: str | None,
           with_status: bool, as_json: bool) -> None:
    """List typed claims (relation, polarity, other side, aspect), with filters."""
    found = app.engine().claims(artifact=artifact, relation=relation, polarity=polarity, other=other)
    if with_status:
        from matchgraph.cli.claim_status import print_claim_statuses

        print_claim_statuses(app.store(), found, as_json)
        return
    if as_json:
        emit_json([_claim_json(c) for c in found])
        return
    table = Table(title=f"{len(found)} claims")
    for col in ("claimant", "relation", "polarity", "other side", "aspect", "source"):
        table.add_column(col, overflow="fold")
    for c in found:
        source = (c.source or "").rstrip("/").rsplit("/", 1)[-1]
        table.add_row(c.subject, c.relation, c.polarity, ", ".join([*c.others, *c.classes]), c.aspect or "", source)
    console.print(table)


@click.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def alternatives(app: AppContext, name: str, as_json: bool) -> None:
    """Artifacts NAME is compared against, in both directions, with the claims."""
    engine = app.engine()
    slug = engine.resolve(name)
    found = list_alternatives(engine.store, slug, known=engine.claims(artifact=slug) + engine.claims(other=slug))
    if as_json:
        emit_json(
            [
                {
                    "slug": a.slug,
                    "compared_in": a.compared_in,
                    "claims_made": [_claim_json(c) for c in a.claims_made],
                    "claims_received": [_claim_json(c) for c in a.claims_received],
                }
                for a in found
            ]
        )
        return
    table = Table(title=f"alternatives of {slug}")
    for col in ("artifact", "compared in", f"{slug} claims", "it claims"):
        table.add_column(col, overflow="fold")
    for a in found:
        table.add_row(
            a.slug,
            str(len(a.compared_in)),
            "; ".join(f"{c.relation} [{c.polarity}]" for c in a.claims_made),
            "; ".join(f"{c.relation} [{c.polarity}]" for c in a.claims_received),
        )
    console.print(table)


@click.command()
@click.option("--all", "show_all", is_flag=True, help="Also concepts no artifact offers.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def concepts(app: AppContext, show_all: bool, as_json: bool) -> None:
    """The capability taxonomy, with how many artifacts offer each concept."""
    counts = [c for c in app.engine().concept_counts() if show_all or c.total]
    if as_json:
        emit_json([dataclasses.asdict(c) for c in counts])
        return
    tree = Tree("capability taxonomy (artifacts offering it: direct / with narrower)")
    branches = {}
    for c in counts:
        parent = branches.get(c.broader[0]) if c.broader and c.broader[0] in branches else tree
        branches[c.iri] = parent.add(styled(f"{c.label}  ", (str(c.direct), "cyan"), " / ", (str(c.total), "bold")))
    console.print(tree)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def resolution(app: AppContext, as_json: bool) -> None:
    """Entity resolution: merged artifacts with rule and reason, and ambiguous names."""
    from matchgraph.queries.library import sparql as q

    store = app.store()
    merges = store.select(q.MERGES)
    ambiguous = [{"slug": r["slug"], "candidates": str(r["candidates"]).split()} for r in store.select(q.AMBIGUOUS)]
    if as_json:
        emit_json({"merges": merges, "ambiguous": ambiguous})
        return
    table = Table(title=f"{len(merges)} merges")
    for col in ("merged", "into", "rule", "reason"):
        table.add_column(col, overflow="fold")
    for m in merges:
        table.add_row(str(m["source"]), str(m["target"]), str(m["rule"]), str(m["reason"]))
    console.print(table)
    for a in ambiguous:
        console.print(styled(("ambiguous", "yellow"), f" {a['slug']}: candidates {', '.join(a['candidates'])}"))


@click.command()
@click.argument("source")
@click.argument("target")
@pass_app
def merge(app: AppContext, source: str, target: str) -> None:
    """Record that artifact SOURCE is the same as TARGET (slugs); kept across reloads."""
    app.store().curate("merge", source, target)
    console.print(f"merged {source} into {target}")


@click.command()
@click.argument("first")
@click.argument("second")
@pass_app
def separate(app: AppContext, first: str, second: str) -> None:
    """Undo a merge: FIRST and SECOND (slugs) are different artifacts; kept across reloads."""
    app.store().curate("separate", first, second)
    console.print(f"{first} and {second} are kept apart")
