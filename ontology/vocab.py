"""IRIs of the matchgraph vocabulary and of the standard vocabularies it reuses.

Kept as plain strings so any backend (pyoxigraph, rdflib, Cypher properties) can use them.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from importlib import resources
from pathlib import Path
from urllib.parse import quote


__all__ = [
    "ARTIFACT_CLASS",
    "CLASS_TO_TYPE",
    "DCTERMS",
    "DQV",
    "ID",
    "MG",
    "MGC",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SIGNAL_METRICS",
    "SKOS",
    "XSD",
    "artifact_iri",
    "document_iri",
    "ontology_path",
    "slug_from_artifact_iri",
]

MG = "https://w3id.org/matchgraph/ontology#"
ID = "https://w3id.org/matchgraph/id/"
RESOLUTION_GRAPH = ID + "graph/resolution"
"""Entity resolution's merges and ambiguities."""
CURATION_GRAPH = ID + "graph/curation"
"""Merges and separations a person decided."""
FEEDBACK_GRAPH = ID + "graph/feedback"
"""Match runs and their outcomes."""
MGC = "https://w3id.org/matchgraph/concept/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DQV = "http://www.w3.org/ns/dqv#"
DCTERMS = "http://purl.org/dc/terms/"

PREFIXES = {
    "mg": MG,
    "mgid": ID,
    "mgc": MGC,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "schema": SCHEMA,
    "prov": PROV,
    "skos": SKOS,
    "dqv": DQV,
    "dcterms": DCTERMS,
}

class ArtifactType(StrEnum):
    """Kinds of artifact seen on comparison pages and in passports."""

    MODEL = "model"
    REPOSITORY = "repository"
    MCP_SERVER = "mcp_server"
    EXTENSION = "extension"
    PRODUCT = "product"
    AGENT = "agent"
    CLI_TOOL = "cli_tool"
    WEB_APP = "web_app"
    FRAMEWORK = "framework"
    WORKFLOW = "workflow"
    BENCHMARK = "benchmark"
    DATASET = "dataset"
    SKILL = "skill"
    API = "api"
    LIBRARY = "library"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Display label as the site writes it ("MCP Server", "CLI Tool")."""
        return _TYPE_LABELS[self]


_TYPE_LABELS = {
    ArtifactType.MODEL: "Model",
    ArtifactType.REPOSITORY: "Repository",
    ArtifactType.MCP_SERVER: "MCP Server",
    ArtifactType.EXTENSION: "Extension",
    ArtifactType.PRODUCT: "Product",
    ArtifactType.AGENT: "Agent",
    ArtifactType.CLI_TOOL: "CLI Tool",
    ArtifactType.WEB_APP: "Web App",
    ArtifactType.FRAMEWORK: "Framework",
    ArtifactType.WORKFLOW: "Workflow",
    ArtifactType.BENCHMARK: "Benchmark",
    ArtifactType.DATASET: "Dataset",
    ArtifactType.SKILL: "Skill",
    ArtifactType.API: "API",
    ArtifactType.LIBRARY: "Library",
    ArtifactType.OTHER: "Other",
}


ARTIFACT_CLASS: dict[ArtifactType, str] = {
    ArtifactType.MODEL: MG + "Model",
    ArtifactType.REPOSITORY: MG + "Repository",
    ArtifactType.MCP_SERVER: MG + "MCPServer",
    ArtifactType.EXTENSION: MG + "Extension",
    ArtifactType.PRODUCT: MG + "Product",
    ArtifactType.AGENT: MG + "Agent",
    ArtifactType.CLI_TOOL: MG + "CLITool",
    ArtifactType.WEB_APP: MG + "WebApp",
    ArtifactType.FRAMEWORK: MG + "Framework",
    ArtifactType.WORKFLOW: MG + "Workflow",
    ArtifactType.BENCHMARK: MG + "Benchmark",
    ArtifactType.DATASET: MG + "Dataset",
    ArtifactType.SKILL: MG + "Skill",
    ArtifactType.API: MG + "API",
    ArtifactType.LIBRARY: MG + "Library",
    ArtifactType.OTHER: MG + "OtherArtifact",
}
CLASS_TO_TYPE = {iri: kind for kind, iri in ARTIFACT_CLASS.items()}

SIGNAL_METRICS: dict[str, str] = {
    "rank": MG + "UnfragileRank",
    "adoption": MG + "Adoption",
    "quality": MG + "Quality",
    "ecosystem": MG + "Ecosystem",
    "match_graph": MG + "MatchGraph",
    "times_matched": MG + "TimesMatched",
    "capabilities_declared": MG + "DeclaredCapabilities",
}
"""Observation field -> DQV metric IRI, for the numeric signals."""

def artifact_iri(slug: str) -> str:
    """The one node of an artifact, whichever document names it."""
    return f"{ID}artifact/{quote(slug, safe='')}"


def slug_from_artifact_iri(iri: str) -> str:
    from urllib.parse import unquote

    prefix = f"{ID}artifact/"
    if not iri.startswith(prefix):
        raise ValueError(f"not an artifact IRI: {iri}")
    return unquote(iri[len(prefix) :])


def document_iri(key: str) -> str:
    """The named graph (and node) of a document, stable for its key across versions."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
    return f"{ID}doc/{digest}"


def ontology_path(name: str) -> Path:
    """Path of a Turtle file shipped in this package (``matchgraph.ttl``, ``shapes.ttl``...)."""
    return Path(str(resources.files("matchgraph.ontology").joinpath(name)))
