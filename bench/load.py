"""Load benchmark: N seed-sized comparison documents into the embedded store, validation on.

Prints documents/s and quads/s for matchgraph's load path (worker processes: parse -> RDF
-> compiled SHACL over each chunk; the store process: one streamed bulk write per load
session segment, committed by its markers, on disk) beside a baseline measured
in the same run: the same documents, parsed by the same parser, through rdflib's in-memory
graph with pyshacl run per document. The baseline is timed on a sample and scaled (stated in
the output). Enrichment (claim extraction and concept mapping, which ``matchgraph load``
also runs) is timed separately on a sample and reported on its own line, so the store path
and the NLP cost can each be read.

    python bench/load.py --documents 10000

Last line: ``docs_per_s=<x> speedup=<ratio>``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from matchgraph.loaders.comparison_render import render_comparison
from matchgraph.loaders.dispatch import parse_document
from matchgraph.loaders.models import (
    ArtifactRef,
    ArtifactType,
    Capability,
    ClaimKind,
    DocumentFacts,
    DocumentFormat,
    Observation,
    SourceInfo,
    Statement,
    Verdict,
)
from matchgraph.loaders.pipeline import prepare

WORDS = (
    "extracts text images layout multilingual tokens transformer diffusion prompts renders "
    "latency batch quantization deploys locally weights license adapter fine-tuning speech "
    "audio transcribes code completion editor context retrieval embeddings agent tools "
    "protocol server scraping pages workflow retries schema validation streaming"
).split()
RIVALS = ["Tesseract", "Google Cloud Vision", "DALL-E 3", "Midjourney", "SDXL", "GPT-4V", "Whisper", "CLIP"]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def make_document(i: int, rng: random.Random) -> str:
    """A seed-sized page (6 + 8 capabilities, +6 more, verdict) as text."""
    names = (f"Model {i}A", f"Model {i}B")
    slugs = [f"model-{i}a", f"model-{i}b"]
    caps = []
    for side, count in ((0, 6), (1, 8)):
        for ordinal in range(count):
            rival = rng.choice(RIVALS)
            caps.append(
                Capability(
                    artifact=slugs[side],
                    ordinal=ordinal,
                    description=_sentence(rng, 45),
                    statements=(
                        Statement(kind=ClaimKind.UNIQUE, text=_sentence(rng, 25).rstrip(".")),
                        Statement(
                            kind=ClaimKind.VS_ALTERNATIVES,
                            text=f"Faster than {rival} on {rng.choice(WORDS)} {rng.choice(WORDS)}, while more accessible than cloud APIs that charge per image",
                        ),
                    ),
                )
            )
    facts = DocumentFacts(
        source=SourceInfo(key="x", content_hash="0" * 64, format=DocumentFormat.COMPARISON),
        title=f"{names[0]} vs {names[1]}",
        summary=f"{names[1]} ranks higher at 58/100 vs {names[0]} at 53/100. Generated for the benchmark.",
        artifacts=tuple(ArtifactRef(slug=s, name=n, type=ArtifactType.MODEL) for s, n in zip(slugs, names)),
        observations=tuple(
            Observation(artifact=s, rank=r, adoption=1, quality=q, ecosystem=1 - q, match_graph=0,
                        times_matched=0, pricing="Free", capabilities_declared=d)
            for s, r, q, d in ((slugs[0], 53, 0, 6), (slugs[1], 58, 1, 14))
        ),
        capabilities=tuple(caps),
        announced_more=((slugs[1], 6),),
        verdict=Verdict(text=f"{names[1]} scores higher at 58/100 vs {names[0]} at 53/100. {names[0]} leads on ecosystem, while {names[1]} is stronger on quality."),
    )
    return render_comparison(facts)


def run_matchgraph(texts: list[str], store_dir: Path, batch: int, *, enrich: bool, jobs: int | None) -> tuple[float, int]:
    """The load path of ``matchgraph load``: worker processes parse (and enrich), serialise
    and validate with the compiled shapes; the store writes each batch."""
    from matchgraph.graph.embedded import OxigraphStore
    from matchgraph.graph.prepared import Failure, prepare_texts

    store = OxigraphStore(store_dir)
    start = time.perf_counter()
    items = ((t, f"bench/{i}.txt", None) for i, t in enumerate(texts))
    pending = []
    with store.loading() as session:  # as matchgraph load: one session, resolution once at the end
        for prepared in prepare_texts(items, enrich=enrich, jobs=jobs, validator="compiled"):
            if isinstance(prepared, Failure):
                raise SystemExit(f"benchmark document failed to parse: {prepared.error()}")
            pending.append(prepared)
            if len(pending) == batch:
                _store_batch(session, pending)
                pending = []
        if pending:
            _store_batch(session, pending)
    store.refresh_resolution()
    elapsed = time.perf_counter() - start
    quads = store.stats().quads
    store.close()
    return elapsed, quads


def _store_batch(session, batch) -> None:  # type: ignore[no-untyped-def]
    result = session.load_prepared(batch)
    if result.failed:
        raise SystemExit(f"benchmark documents failed validation: {next(iter(result.failed.values()))}")


def run_baseline(texts: list[str]) -> float:
    """rdflib in-memory graph + pyshacl per document (the straightforward way)."""
    import pyshacl
    import rdflib
    from pyoxigraph import RdfFormat, serialize

    from matchgraph.graph.rdf_mapping import document_triples
    from matchgraph.ontology.vocab import ontology_path

    shapes = rdflib.Graph().parse(ontology_path("shapes.ttl"))
    dataset = rdflib.Dataset()
    start = time.perf_counter()
    for j, text in enumerate(texts):
        facts = parse_document(text, document=f"baseline/{j}.txt")
        doc = rdflib.Graph().parse(data=serialize(document_triples(facts), format=RdfFormat.N_TRIPLES), format="nt")
        conforms, _, report = pyshacl.validate(doc, shacl_graph=shapes)
        if not conforms:
            raise SystemExit(report)
        graph = dataset.graph(rdflib.URIRef(f"urn:doc:{j}"))
        for triple in doc:
            graph.add(triple)
    return time.perf_counter() - start


def time_enrichment(texts: list[str]) -> float:
    """Seconds per document for claim extraction and concept mapping (``prepare``)."""
    docs = [parse_document(t, document=f"enrich/{j}.txt") for j, t in enumerate(texts)]
    prepare(docs[0])  # load the taxonomy index once, as a long load does
    start = time.perf_counter()
    for doc in docs:
        prepare(doc)
    return (time.perf_counter() - start) / len(docs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--baseline-sample", type=int, default=200)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--enrich", action="store_true", help="also time the full path with claim extraction and concept mapping")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    texts = [make_document(i, rng) for i in range(args.documents)]
    print(f"generated {len(texts):,} documents ({sum(map(len, texts)) / len(texts):,.0f} chars each) in {time.perf_counter() - t0:.1f} s")

    tmp = Path(tempfile.mkdtemp(prefix="mg-bench-"))
    try:
        elapsed, quads = run_matchgraph(texts, tmp / "store", args.batch, enrich=False, jobs=args.jobs)
        full = run_matchgraph(texts, tmp / "store-full", args.batch, enrich=True, jobs=args.jobs)[0] if args.enrich else None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sample = texts[: min(args.baseline_sample, len(texts))]
    base_elapsed = run_baseline(sample) * (len(texts) / len(sample))

    enrich = time_enrichment(texts[: min(args.baseline_sample, len(texts))])
    docs_per_s = len(texts) / elapsed
    base_docs_per_s = len(texts) / base_elapsed
    print()
    print(f"{'path':<52}{'seconds':>10}{'docs/s':>12}{'quads/s':>14}")
    print(f"{'matchgraph (pyoxigraph on disk, compiled SHACL)':<52}{elapsed:>10.1f}{docs_per_s:>12,.0f}{quads / elapsed:>14,.0f}")
    if full is not None:
        print(f"{'matchgraph, with claims + concepts (matchgraph load)':<52}{full:>10.1f}{len(texts) / full:>12,.0f}{'':>14}")
    print(f"{'baseline (rdflib memory + pyshacl per doc)*':<52}{base_elapsed:>10.1f}{base_docs_per_s:>12,.0f}{quads / base_elapsed:>14,.0f}")
    print(f"* baseline timed on {len(sample)} documents and scaled to {len(texts):,}")
    print(f"store holds {quads:,} quads")
    print(f"enrichment alone (claims + concepts, one process): {enrich * 1000:.1f} ms/document (sampled)")
    print(f"docs_per_s={docs_per_s:.1f} speedup={base_elapsed / elapsed:.1f}")


if __name__ == "__main__":
    sys.exit(main())
