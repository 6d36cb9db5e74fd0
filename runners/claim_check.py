"""Check typed claims against matchgraph's own runs, and record each check as EARL.

A claim is testable when its relation names something a runner measures (accuracy: CER on
the same items, or nDCG@10 on the same queries for retrieval runners; speed: per-item latency
on the same items and hardware), it has a direction
(polarity for or against the claimant) and its other side is an artifact. Then each side
needs a runner that stands for it and can run here, and runs of both on one suite (same
content hash, real weights). :func:`check_claim` finds those runs, or with ``execute`` runs
the smallest experiment that is missing, and decides with :func:`~matchgraph.runners.paired.paired_test`.

Statuses and their EARL outcomes: supported (``earl:passed``), contradicted
(``earl:failed``), inconclusive (``earl:cantTell``), untested (``earl:untested``: a runner,
its weights or a run is missing; the reason says which), not testable (``earl:inapplicable``).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Literal as Lit

from matchgraph.errors import MatchgraphError
from matchgraph.queries.library import evidence_sparql as eq
from matchgraph.queries.snapshot import ClaimRecord
from matchgraph.runners.base import RunOptions
from matchgraph.runners.evidence import EvidenceStore, item_values
from matchgraph.runners.paired import PairedResult, paired_test
from matchgraph.runners.registry import runner_class, runner_names

__all__ = ["ACCURACY", "OCR_SUITES", "OUTCOMES", "RETRIEVAL_SUITE", "SPEED", "ClaimStatus", "Status", "check_claim", "claim_id", "retrieval_subset", "runner_for"]

Status = Lit["supported", "contradicted", "inconclusive", "untested", "not testable"]
OUTCOMES: dict[str, str] = {
    "supported": "passed", "contradicted": "failed", "inconclusive": "cantTell",
    "untested": "untested", "not testable": "inapplicable",
}
ACCURACY = frozenset({"more_accurate_than", "less_accurate_than", "outperforms", "better_than", "worse_than",
                      "underperforms", "more_reliable_than"})
SPEED = frozenset({"faster_than", "slower_than"})
OCR_SUITES = frozenset({"ocr-multilingual"})
RETRIEVAL_SUITE = "retrieval-mini"


def claim_id(iri: str) -> str:
    """A short, stable id for a claim IRI (what ``verify CLAIM_ID`` takes)."""
    return "c-" + hashlib.sha256(iri.encode()).hexdigest()[:10]


@dataclass(frozen=True)
class ClaimStatus:
    claim: str
    status: Status
    reason: str
    metric: str | None = None
    test: str | None = None
    result: PairedResult | None = None
    runs: tuple[str, ...] = ()

    @property
    def claim_id(self) -> str:
        return claim_id(self.claim)

    @property
    def outcome(self) -> str:
        return OUTCOMES[self.status]

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"claim_id": self.claim_id, "claim": self.claim, "status": self.status,
                                  "outcome": "earl:" + self.outcome, "reason": self.reason, "runs": list(self.runs)}
        if self.result is not None:
            r = self.result
            out.update(metric=self.metric, test=self.test, items=r.n, wins=r.wins, losses=r.losses,
                       p_value=r.p_value, effect=r.effect, effect_interval=[r.low, r.high])
        return out


def runner_for(slug: str) -> str | None:
    """The registered runner that stands for ``slug`` (its own artifact first)."""
    found = None
    for name in runner_names():
        try:
            info = runner_class(name).info
        except MatchgraphError:
            continue
        if info.artifacts and info.artifacts[0] == slug:
            return name
        if slug in info.artifacts and found is None:
            found = name
    return found


_ASPECT_KINDS = (
    ("exact-code", re.compile(r"\b(codes?|identifiers?|ids?|numbers?|exact|keywords?|sku|part)\b", re.I)),
    ("paraphrase", re.compile(r"\b(semantic|meaning|paraphras\w*|synonyms?|few words|natural language)\b", re.I)),
)


def retrieval_subset(aspect: str | None) -> tuple[str, frozenset[str]] | None:
    """(kind, query ids) of ``retrieval-mini`` queries a claim's aspect is about, or None for
    the whole suite: "exact product codes" is decided on the identifier queries only.

    >>> retrieval_subset("finding exact product codes")[0]
    'exact-code'
    >>> retrieval_subset("CPU") is None
    True
    """
    if not aspect:
        return None
    from matchgraph.runners.retrieval_suite import QUERIES

    for kind, pattern in _ASPECT_KINDS:
        if pattern.search(aspect):
            return kind, frozenset(q for q, _, _, k in QUERIES if k == kind)
    return None


def _latest_common_runs(store: EvidenceStore, a: str, b: str) -> tuple[str, str] | None:
    """The newest pair of real-weights runs of ``a`` and ``b`` on the same suite content."""
    by_slug: dict[str, dict[str, tuple[str, str]]] = {a: {}, b: {}}
    for row in store.select(eq.RUNS_FOR_ARTIFACTS):
        slug = str(row["slug"])
        if slug in by_slug and not row["random"]:
            by_slug[slug][str(row["suiteHash"])] = (str(row["started"]), str(row["run"]))  # newest wins
    common = set(by_slug[a]) & set(by_slug[b])
    if not common:
        return None
    newest = max(common, key=lambda h: max(by_slug[a][h][0], by_slug[b][h][0]))
    return by_slug[a][newest][1], by_slug[b][newest][1]


def _direction(claim: ClaimRecord) -> tuple[str | None, str | None]:
    """(metric, why not) for a claim's relation."""
    if claim.relation in ACCURACY:
        return "CharacterErrorRate", None
    if claim.relation in SPEED:
        return "Latency", None
    return None, f"relation {claim.relation!r} names nothing a runner measures (accuracy: CER, or nDCG@10 for retrieval; speed: latency)"


def check_claim(store: EvidenceStore, claim: ClaimRecord, *, execute: bool = False, suite: str = "ocr-multilingual",
                options: RunOptions | None = None) -> ClaimStatus:
    """Decide one claim from stored runs; with ``execute``, run what is missing first."""
    metric, why_not = _direction(claim)
    if metric is None:
        return ClaimStatus(claim.iri, "not testable", why_not or "")
    if claim.polarity not in ("for", "against"):
        return ClaimStatus(claim.iri, "not testable", f"a {claim.polarity} claim states no direction to test")
    if not claim.others:
        classes = ", ".join(claim.classes) or "unnamed"
        return ClaimStatus(claim.iri, "not testable", f"the other side is a class of things ({classes}), not an artifact")
    results = [_check_pair(store, claim, other, metric, execute, suite, options or RunOptions()) for other in claim.others]
    for status in ("contradicted", "untested", "inconclusive"):
        if any(r.status == status for r in results):
            return next(r for r in results if r.status == status)
    return results[0]


def _check_pair(store: EvidenceStore, claim: ClaimRecord, other: str, metric: str, execute: bool, suite: str,
                options: RunOptions) -> ClaimStatus:
    sides = (claim.subject, other)
    runners: dict[str, str] = {}
    for slug in sides:
        name = runner_for(slug)
        if name is None:
            return ClaimStatus(claim.iri, "untested", f"no runner stands for {slug}", metric)
        available = runner_class(name)().availability(options)
        if not available.ok:
            return ClaimStatus(claim.iri, "untested", f"{name} (for {slug}) cannot run here: {available.reason}", metric)
        runners[slug] = name
    tasks = {runner_class(name).info.task for name in runners.values()}
    if len(tasks) > 1:
        return ClaimStatus(claim.iri, "not testable", f"{sides[0]} and {other} are measured by runners of different "
                           f"tasks ({', '.join(sorted(tasks))}): no suite scores both", metric)
    higher_is_better = False
    if tasks == {"retrieval"}:
        # retrieval quality is nDCG@10 per query (higher is better); the OCR suite never applies
        if metric == "CharacterErrorRate":
            metric, higher_is_better = "NDCGAt10", True
        if suite in OCR_SUITES:
            suite = RETRIEVAL_SUITE
    pair = _latest_common_runs(store, *sides)
    if pair is None and execute:
        _run_missing(store, runners, suite, options)
        pair = _latest_common_runs(store, *sides)
    if pair is None:
        return ClaimStatus(claim.iri, "untested", f"no runs of {sides[0]} and {sides[1]} on one suite yet "
                           f"(matchgraph verify runs them; or matchgraph run RUNNER --suite {suite})", metric)
    mine, theirs = item_values(store, pair[0], metric), item_values(store, pair[1], metric)
    subset = retrieval_subset(claim.aspect) if tasks == {"retrieval"} and suite == RETRIEVAL_SUITE else None
    if subset is not None:
        kind, ids = subset
        mine = {k: v for k, v in mine.items() if k in ids}
        theirs = {k: v for k, v in theirs.items() if k in ids}
        if not set(mine) & set(theirs):
            return ClaimStatus(claim.iri, "untested", f"the runs of {sides[0]} and {other} hold none of the suite's "
                               f"{kind} queries the claim's aspect {claim.aspect!r} is about (run without --limit)",
                               metric, runs=pair)
    if higher_is_better:  # paired_test compares lower-is-better values
        mine, theirs = {k: -v for k, v in mine.items()}, {k: -v for k, v in theirs.items()}
    try:
        result = paired_test(mine, theirs)
    except ValueError as e:
        return ClaimStatus(claim.iri, "inconclusive", str(e), metric, runs=pair)
    if claim.polarity == "against":  # the claimant says it is worse: the claim holds when it loses
        result = replace(result, verdict={"supported": "contradicted", "contradicted": "supported"}.get(
            result.verdict, result.verdict), effect=-result.effect, low=-result.high, high=-result.low,
            wins=result.losses, losses=result.wins)  # type: ignore[arg-type]
    label = {"CharacterErrorRate": "CER", "NDCGAt10": "nDCG@10"}.get(metric, "latency (s)")
    reason = (f"{sides[0]} vs {other} over {result.n} paired items: mean {label} difference {result.effect:+.4f} "
              f"(95% CI {result.low:+.4f} to {result.high:+.4f}; positive agrees with the claim), "
              f"claim-consistent on {result.wins}, against on {result.losses}, sign test p={result.p_value:.3g}")
    if subset is not None:
        reason += f"; only the suite's {subset[0]} queries, for the claim's aspect {claim.aspect!r}"
    elif claim.aspect:
        reason += f"; the suite stands in for the claim's aspect {claim.aspect!r}"
    test = f"paired sign test and bootstrap 95% CI of the mean per-item {label} difference"
    return ClaimStatus(claim.iri, result.verdict, reason, metric, test, result, pair)


def _run_missing(store: EvidenceStore, runners: dict[str, str], suite_name: str, options: RunOptions) -> None:
    """Run each side whose newest real run is not on ``suite_name``'s current content."""
    from matchgraph.runners.evidence import store_run
    from matchgraph.runners.execute import run_suite
    from matchgraph.runners.suites import load_suite

    suite = load_suite(suite_name)
    wanted = suite.take(options.limit).content_hash if options.limit else suite.content_hash
    have = {(str(r["slug"]), str(r["suiteHash"])) for r in store.select(eq.RUNS_FOR_ARTIFACTS) if not r["random"]}
    for slug, name in runners.items():
        if (slug, wanted) not in have:
            # a fresh process per run, so each run's peak memory is its own
            with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
                record = pool.submit(run_suite, name, suite, options, artifact=slug).result()
            store_run(store, record)
