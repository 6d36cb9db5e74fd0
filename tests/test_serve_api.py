"""The HTTP API in-process: answers, problem details, ETags, and the safety defaults."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_fixtures import data_store, fresh_store  # noqa: F401  (fixtures)
from starlette.testclient import TestClient

from matchgraph.serve.api import create_app
from matchgraph.serve.guard import GuardSettings
from matchgraph.serve.service import Service
from matchgraph.serve.state import ServedStore

TOKEN = "t0k3n-for-tests-only-0123456789"


@pytest.fixture(scope="module")
def service(data_store: Path) -> Iterator[Service]:  # noqa: F811
    served = ServedStore(data_store)
    yield Service(served)
    served.close()


@pytest.fixture(scope="module")
def client(service: Service) -> Iterator[TestClient]:
    with TestClient(create_app(service, guard=GuardSettings(rate=0), mcp=False)) as c:
        yield c


def test_match_ranks_with_paths_and_version(client: TestClient) -> None:
    r = client.post("/match", json={"need": "extract text from scanned receipts in Japanese", "top": 3})
    assert r.status_code == 200
    body = r.json()
    assert body["match_id"].startswith("m-")
    assert body["store_version"] == r.headers["Matchgraph-Store-Version"]
    top = body["results"][0]
    assert top["slug"] in {"paddleocr", "easyocr", "microsoft--trocr-base-printed", "tesseract"}
    kinds = [s["kind"] for s in top["path"]]
    assert kinds[0] == "need" and kinds[-1] == "artifact" and "capability" in kinds
    assert all("flux" not in r["slug"] for r in body["results"])


def test_constraints_filter(client: TestClient) -> None:
    r = client.post("/match", json={"need": "generate images from text prompts", "constraints": {"types": ["model"]}})
    assert r.status_code == 200
    assert r.json()["results"], "a model should match"
    bad = client.post("/match", json={"need": "generate images", "constraints": {"types": ["spaceship"]}})
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["exit_code"] == 2


def test_artifact_etag_and_304(client: TestClient) -> None:
    r = client.get("/artifacts/PaddleOCR")
    assert r.status_code == 200 and r.json()["artifact"]["slug"] == "paddleocr"
    etag = r.headers["ETag"]
    again = client.get("/artifacts/PaddleOCR", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    other = client.get("/artifacts/tesseract")
    assert other.headers["ETag"] != etag


def test_artifact_list_and_filters(client: TestClient) -> None:
    r = client.get("/artifacts", params={"query": "ocr"})
    slugs = {a["slug"] for a in r.json()["artifacts"]}
    assert "paddleocr" in slugs and "easyocr" in slugs
    typed = client.get("/artifacts", params={"type": "model"}).json()["artifacts"]
    assert typed and all(a["type"] == "model" for a in typed)


def test_compare_has_verdict_parts(client: TestClient) -> None:
    r = client.get("/compare", params={"a": "PaddleOCR", "b": "FLUX.1 dev"})
    assert r.status_code == 200
    v = r.json()
    assert v["substitutability"] == "not_alternatives"
    assert v["signals"] and v["text"]
    assert set(v["distinct_concepts"]) == {v["a"], v["b"]}
    fit = client.get("/compare", params={"a": "PaddleOCR", "b": "Tesseract", "for": "read text in scanned pages"}).json()
    assert fit["for_need"]


def test_similar_claims_rank_stats_resolve(client: TestClient) -> None:
    assert client.get("/similar/tesseract").json()["similar"]
    claims = client.get("/claims", params={"artifact": "PaddleOCR"}).json()["claims"]
    assert claims and all(c["subject"] == "paddleocr" for c in claims)
    rank = client.get("/rank", params={"samples": 100}).json()
    assert rank["rows"] and abs(sum(rank["weights"].values()) - 1) < 1e-6
    stats = client.get("/stats").json()
    assert stats["documents"] >= 9 and stats["artifacts"] > 5
    resolved = client.get("/resolve", params={"query": "capability://audio.speech.offline.transcription"}).json()
    assert resolved["notation"] == "audio.speech.offline.transcription"
    assert resolved["results"][0]["slug"] in {"ggml-org--whisper-cpp", "whisper-large-v3", "vosk"}


def test_problems_match_cli_exit_codes(client: TestClient) -> None:
    missing = client.get("/artifacts/no-such-thing")
    assert missing.status_code == 404 and missing.json()["exit_code"] == 1
    assert missing.json()["type"].endswith("/not-found")
    ambiguous = client.get("/artifacts/s")
    assert ambiguous.status_code == 409
    assert ambiguous.json()["exit_code"] == 2 and len(ambiguous.json()["candidates"]) > 1
    invalid = client.post("/match", json={"need": ""})
    assert invalid.status_code == 422 and invalid.headers["content-type"] == "application/problem+json"


def test_oversize_is_413(client: TestClient) -> None:
    long_need = client.post("/match", json={"need": "ocr " * 700})
    assert long_need.status_code == 413
    big_body = client.post("/match", content=b'{"need": "' + b"a" * 70_000 + b'"}', headers={"Content-Type": "application/json"})
    assert big_body.status_code == 413
    streamed = client.post("/match", content=iter([b'{"need": "', b"a" * 70_000, b'"}']), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_token_required_when_configured(service: Service) -> None:
    with TestClient(create_app(service, guard=GuardSettings(token=TOKEN, rate=0), mcp=False)) as c:
        assert c.get("/healthz").status_code == 200  # public
        assert c.get("/").status_code == 200  # the page carries no data
        refused = c.get("/stats")
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
        assert c.get("/stats", headers={"Authorization": "Bearer wrong-token-wrong-token"}).status_code == 401
        assert c.get("/stats", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert c.post("/feedback", json={"match_id": "m-1", "outcome": "success"}).status_code == 401


def test_rate_limit_429(service: Service) -> None:
    with TestClient(create_app(service, guard=GuardSettings(rate=1, burst=3), mcp=False)) as c:
        codes = [c.get("/stats").status_code for _ in range(6)]
        assert codes[:3] == [200, 200, 200] and 429 in codes[3:]
        limited = c.get("/stats")
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1


def test_cors_off_by_default(client: TestClient) -> None:
    r = client.get("/stats", headers={"Origin": "https://example.org"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_when_configured(service: Service) -> None:
    with TestClient(create_app(service, guard=GuardSettings(rate=0), cors_origins=("https://ok.example",), mcp=False)) as c:
        r = c.get("/stats", headers={"Origin": "https://ok.example"})
        assert r.headers["access-control-allow-origin"] == "https://ok.example"


def test_feedback_writes_the_primary_and_is_served_after_refresh(fresh_store: Path) -> None:  # noqa: F811
    served = ServedStore(fresh_store, warm=False)
    try:
        with TestClient(create_app(Service(served), guard=GuardSettings(rate=0), mcp=False)) as c:
            before = c.get("/stats").json()["feedback_version"]
            match = c.post("/match", json={"need": "transcribe speech offline", "top": 3}).json()
            r = c.post("/feedback", json={"match_id": match["match_id"], "outcome": "success", "comment": "worked"})
            assert r.status_code == 200 and r.json()["outcome"] == "success"
            assert c.post("/feedback", json={"match_id": "m-unknown", "outcome": "failure"}).status_code == 404
            assert served.refresh()
            assert c.get("/stats").json()["feedback_version"] != before
    finally:
        served.close()


def test_openapi_declares_problems(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/match", "/compare", "/artifacts/{slug}", "/feedback", "/claims", "/stats", "/healthz", "/rank"} <= set(schema["paths"])
    problem = schema["paths"]["/match"]["post"]["responses"]["413"]["content"]
    assert "application/problem+json" in problem


def test_served_names_resolve_like_the_cli(service: Service, client: TestClient) -> None:
    state = service.served.current
    for artifact in state.engine.snapshot().artifacts:
        answer = client.get(f"/artifacts/{artifact.slug}")
        assert answer.status_code == 200 and answer.json()["artifact"]["slug"] == state.engine.resolve(artifact.slug)
    assert client.get("/artifacts/Paddle").json()["artifact"]["slug"] == "paddleocr"
    assert client.get("/artifacts/s").status_code == 409


def test_the_served_copy_answers_from_the_primarys_indexes(service: Service, data_store: Path) -> None:  # noqa: F811
    from matchgraph.engine import index_dir_for
    from matchgraph.graph.embedded import OxigraphStore

    primary = OxigraphStore(data_store, read_only=True)
    try:
        version = primary.version()
    finally:
        primary.close()
    state = service.served.current
    assert state.version == version  # the copy is not rewritten, so its version is the primary's
    index_dir = index_dir_for(data_store)
    assert index_dir is not None and any(p.name.endswith(version) for p in index_dir.iterdir())
