"""/metrics in the Prometheus text format, and `qa serve`'s JSON log lines, which never contain a key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from urllib.parse import quote, quote_plus

import httpx
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from qa.api.app import create_app
from qa.service import build_service
from qa.serving.engine import free_port

KEY = 's3cret-api-key-"q"/+=\\x'  # characters that JSON and URLs escape
ADMIN = "adm1n-s3cret-key"
Q = "雅安到2025年非化石能源消费比重要达到多少？"


def samples(text: str) -> dict[tuple[str, tuple], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_metrics_count_requests_answers_refusals_and_queue(fake_index, tmp_path):
    s = fake_index.replace(data_dir=str(tmp_path / "data"))
    with TestClient(create_app(build_service(s), s, mount_ui=False)) as c:
        assert c.post("/api/ask", json={"question": Q}).status_code == 200
        refused = c.post("/api/ask", json={"question": "绵阳到2025年非化石能源消费比重要达到多少？"}).json()
        assert refused["refused"]
        c.get("/api/nothing-here")
        r = c.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    m = samples(r.text)
    assert m[("qa_http_requests_total", (("method", "POST"), ("route", "/api/ask"), ("status", "200")))] == 2
    assert m[("qa_http_requests_total", (("method", "GET"), ("route", "/api/{rest:path}"), ("status", "404")))] == 1
    assert m[("qa_answers_total", (("outcome", "refused"),))] == 1
    reasons = {dict(k[1])["reason"]: v for k, v in m.items() if k[0] == "qa_refusals_total"}
    assert reasons == {"out_of_corpus": 1}  # the policy's reason code (绵阳 is not in the corpus)
    assert m[("qa_answer_seconds_count", ())] == 2 and m[("qa_time_to_first_token_seconds_count", ())] >= 1
    assert m[("qa_generation_queue_waiting", ())] == 0 and m[("qa_generation_slots", ())] == 1
    version = next(k for k in m if k[0] == "qa_index_version_info")
    assert dict(version[1])["version"].startswith(".index.v-") and m[("qa_index_documents", ())] == 5


def test_metrics_need_the_key_when_one_is_set(fake_index, tmp_path):
    s = fake_index.replace(data_dir=str(tmp_path / "data"), api_key="k")
    with TestClient(create_app(build_service(s), s, mount_ui=False)) as c:
        assert c.get("/metrics").status_code == 401
        assert c.get("/metrics", headers={"Authorization": "Bearer k"}).status_code == 200


def test_serve_logs_json_lines_without_any_key(fake_index, tmp_path):
    port = free_port()
    env = {**os.environ, "QA_API_KEY": KEY, "QA_ADMIN_KEY": ADMIN, "QA_OPENAI_API_KEY": "engine-key-9",
           "QA_CORPUS_DIR": fake_index.corpus_dir, "QA_INDEX_DIR": fake_index.index_dir,
           "QA_DATA_DIR": str(tmp_path / "data"), "QA_EMBEDDING_MODEL": fake_index.embedding_model,
           "QA_GENERATOR_BACKEND": "fake", "QA_REFUSAL_THRESHOLD": "0"}
    env.pop("QA_CONFIG", None)
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--port", str(port), "--no-warmup"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "qa serve did not start"
            time.sleep(0.3)
        auth = {"Authorization": f"Bearer {KEY}"}
        assert httpx.post(base + "/api/ask", json={"question": f"{Q}{KEY}"}, headers=auth, timeout=60).status_code == 200
        httpx.get(base + "/api/documents", headers={"Authorization": "Bearer wrong" + KEY})
        httpx.get(base + "/api/documents", params={"key": KEY, "admin": ADMIN}, headers={"X-API-Key": KEY})
        httpx.get(base + "/admin/api/documents", headers={"Authorization": f"Bearer {ADMIN}"})
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    lines = [line for line in err.splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    assert len(records) >= 5 and all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert any("GET /api/documents?key=***" in r["message"] for r in records), lines  # access log, redacted
    for secret in (KEY, json.dumps(KEY)[1:-1], quote(KEY, safe=""), quote_plus(KEY), ADMIN, "engine-key-9"):
        assert secret not in err
