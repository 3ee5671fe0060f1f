"""HTTP API tests: every endpoint, SSE streaming, validation, API key, CORS, body limit, the queue."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from qa.answer.generators import FakeGenerator
from qa.api.app import create_app
from qa.service import build_service

Q = "雅安到2025年非化石能源消费比重要达到多少？"
ANSWER_KEYS = {"answer", "refused", "extractive", "citations", "retrieved", "rewritten_question", "scope",
               "raw_answer", "notes", "timings"}
KEY = "s3cret-key-123"


class SlowGenerator(FakeGenerator):
    """FakeGenerator that sleeps per piece and records how many pieces it produced."""

    def __init__(self, delay: float = 0.05, **kw: Any) -> None:
        super().__init__(**kw)
        self.delay = delay
        self.produced = 0
        self.cancelled = threading.Event()

    def stream(self, messages, *, max_tokens, stop=(), cancel=None):  # type: ignore[override]
        for piece in super().stream(messages, max_tokens=max_tokens, stop=stop, cancel=None):
            if cancel is not None and cancel.is_set():
                self.cancelled.set()
                return
            time.sleep(self.delay)
            self.produced += 1
            yield piece


def make_client(settings, tmp_path: Path, generator: Any = None, mount_ui: bool = False,
                **overrides: Any) -> TestClient:
    s = settings.replace(data_dir=str(tmp_path / "data"), **overrides)
    service = build_service(s)
    if generator is not None:
        service.answerer.generator = generator
    return TestClient(create_app(service, s, mount_ui=mount_ui))


@pytest.fixture()
def client(fake_index, tmp_path) -> Iterator[TestClient]:
    with make_client(fake_index, tmp_path) as c:
        yield c


def parse_sse(text: str) -> list[tuple[str, Any]]:
    """[(event, data)] from a text/event-stream body (comments skipped)."""
    out = []
    for block in text.split("\n\n"):
        event, data = "message", []
        for line in block.splitlines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        if data:
            raw = "\n".join(data)
            out.append((event, raw if raw == "[DONE]" else json.loads(raw)))
    return out


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- /api/ask ---------------------------------------------------------------------
def test_ask_returns_the_answer_json(client):
    r = client.post("/api/ask", json={"question": Q})
    assert r.status_code == 200
    body = r.json()
    assert ANSWER_KEYS | {"question", "error"} <= set(body)
    assert body["question"] == Q and body["error"] is None
    assert body["citations"] and body["citations"][0]["doc_title"] == "雅安市减污降碳协同增效行动方案"
    assert "[1]" in body["answer"] and not body["refused"] and body["refusal_reason"] == ""
    assert body["history_text"] == body["answer"]  # the quotes name their clause already


def test_ask_history_text_names_the_clauses_a_model_answer_marks_only_as_n(fake_index, tmp_path):
    # what a client keeps in the conversation: the answer and the clause it cites ("这一条…" points at it)
    gen = FakeGenerator(reply=lambda messages: "到2025年，非化石能源消费比重达到58%左右[1]。")
    with make_client(fake_index, tmp_path, gen) as c:
        body = c.post("/api/ask", json={"question": Q}).json()
    assert not body["extractive"] and "《" not in body["answer"]
    assert body["history_text"] == body["answer"] + "\n（依据：《雅安市减污降碳协同增效行动方案》（五））"


def test_ask_stream_sends_tokens_then_the_checked_answer(client):
    r = client.post("/api/ask", json={"question": Q, "stream": True})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(r.text)
    kinds = [e for e, _ in events]
    assert "token" in kinds and kinds[-1] == "answer"
    assert kinds.index("token") < kinds.index("answer")
    tokens = "".join(d["text"] for e, d in events if e == "token")
    final = events[-1][1]
    assert final["raw_answer"] == tokens
    assert final["citations"] and final["error"] is None and final["question"] == Q
    assert "《雅安市减污降碳协同增效行动方案》" in final["history_text"]


def test_ask_stream_reports_errors_as_an_error_event(fake_index, tmp_path):
    def boom(messages):
        raise RuntimeError("backend exploded")

    with make_client(fake_index, tmp_path, FakeGenerator(reply=boom)) as c:
        r = c.post("/api/ask", json={"question": Q, "stream": True})
        events = parse_sse(r.text)
        assert events[-1][0] == "error"
        assert events[-1][1]["error"]["type"] == "internal_error"
        assert "exploded" not in r.text  # no internals leak


def test_ask_refuses_out_of_scope_questions(client):
    body = client.post("/api/ask", json={"question": "北京到2025年的节能目标是什么？"}).json()
    assert body["refused"] is True and body["citations"] == []
    assert body["refusal_reason"] == "out_of_corpus" and body["history_text"] == body["answer"]


def test_ask_passes_history_and_doc_ids(fake_index, tmp_path):
    gen = FakeGenerator()
    with make_client(fake_index, tmp_path, gen) as c:
        history = [{"role": "user", "content": "四川到2025年非化石能源消费比重要达到多少？"},
                   {"role": "assistant", "content": "……[1]"}]
        body = c.post("/api/ask", json={"question": "那雅安呢？", "history": history}).json()
        assert body["rewritten_question"] == "雅安到2025年非化石能源消费比重要达到多少？"
        body = c.post("/api/ask", json={"question": "主要目标是什么？",
                                        "doc_ids": ["sichuan_14th_fyp_energy_saving_2022"]}).json()
        assert body["scope"]["explicit"] is True
        assert body["scope"]["doc_ids"] == ["sichuan_14th_fyp_energy_saving_2022"]
        assert all(c["doc_id"] == "sichuan_14th_fyp_energy_saving_2022" for c in body["citations"])


# -- validation ------------------------------------------------------------------
@pytest.mark.parametrize("payload, status, err_type", [
    ({"question": ""}, 422, "input_error"),
    ({"question": "   "}, 422, "input_error"),
    ({"question": "雅安" * 300}, 422, "input_error"),
    ({"question": "雅安\x01的目标"}, 422, "input_error"),
    ({"question": Q, "doc_ids": ["no_such_doc"]}, 422, "input_error"),
    ({}, 422, "invalid_request"),
    ({"question": 123}, 422, "invalid_request"),
    ({"question": Q, "history": [{"role": "system", "content": "x"}]}, 422, "invalid_request"),
    ({"question": Q, "unknown_field": 1}, 422, "invalid_request"),
])
def test_ask_validation_errors(client, payload, status, err_type):
    r = client.post("/api/ask", json=payload)
    assert r.status_code == status
    err = r.json()["error"]
    assert err["type"] == err_type
    assert "/" in err["message"]  # Chinese / English


def test_too_long_and_control_char_messages_are_clear(client):
    msg = client.post("/api/ask", json={"question": "雅安" * 300}).json()["error"]["message"]
    assert "问题过长" in msg and "too long" in msg
    msg = client.post("/api/ask", json={"question": "a\x07b"}).json()["error"]["message"]
    assert "控制字符" in msg


def test_bad_json_is_a_400(client):
    r = client.post("/api/ask", content=b'{"question": ', headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "invalid_json"


def test_unknown_api_path_is_a_json_404(client):
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["type"] == "not_found"


# -- retrieval-only endpoints --------------------------------------------------------
def test_search(client):
    r = client.post("/api/search", json={"question": "资阳的工业园区污水要怎么处理？", "k": 3})
    assert r.status_code == 200
    body = r.json()
    assert len(body["hits"]) == 3 and body["question"].startswith("资阳")
    assert {"doc_title", "clause", "text", "chunk_id", "score"} <= set(body["hits"][0])
    assert client.post("/api/search", json={"question": "资阳", "k": 0}).status_code == 422
    assert client.post("/api/search", json={"question": ""}).status_code == 422


def test_documents(client):
    docs = client.get("/api/documents").json()["documents"]
    assert len(docs) == 5
    assert {"doc_id", "title", "region", "n_chunks"} <= set(docs[0])


def test_clause_highlights_the_quote(client):
    cite = client.post("/api/ask", json={"question": Q}).json()["citations"][0]
    r = client.get(f"/api/clause/{cite['chunk_id']}", params={"quote": cite["quote"]})
    assert r.status_code == 200
    v = r.json()
    s, e = v["highlight"]
    assert v["text"][s:e] == cite["quote"]
    assert client.get("/api/clause/nope").status_code == 422


def test_healthz(client):
    body = client.get("/healthz").json()
    assert body["status"] in ("ready", "loading", "not_loaded")
    assert {"index", "generator", "queue"} <= set(body)
    assert body["queue"]["capacity"] == 1 + body["queue"]["queue_size"]


def test_healthz_reports_loading_then_ready(fake_index, tmp_path):
    from qa.api.app import start_warmup

    s = fake_index.replace(data_dir=str(tmp_path))
    service = build_service(s)
    loaded = threading.Event()
    original = service.warmup

    def slow_warmup() -> None:
        loaded.wait(5)
        original()

    service.warmup = slow_warmup  # type: ignore[method-assign]
    app = create_app(service, s, mount_ui=False)
    with TestClient(app) as c:
        assert c.get("/healthz").json()["status"] == "not_loaded"
        thread = start_warmup(app)
        assert c.get("/healthz").json()["status"] == "loading"
        loaded.set()
        thread.join(10)
        assert c.get("/healthz").json()["status"] == "ready"


def test_feedback_is_appended_without_the_key(fake_index, tmp_path):
    with make_client(fake_index, tmp_path, api_key=KEY) as c:
        auth = {"Authorization": f"Bearer {KEY}"}
        answer = c.post("/api/ask", json={"question": Q}, headers=auth).json()
        r = c.post("/api/feedback", headers=auth, json={
            "rating": "down", "question": Q, "answer": answer["answer"], "citations": answer["citations"],
            "comment": f"my key is {KEY}"})
        assert r.status_code == 200 and r.json() == {"ok": True}
        assert c.post("/api/feedback", headers=auth, json={"rating": "meh", "question": Q}).status_code == 422
    from qa.storage import Store  # the logs are in the database (SQLite in data_dir by default)

    store = Store(f"sqlite:///{tmp_path / 'data' / 'qa.sqlite3'}")
    rows = store.rows("feedback")
    assert rows[-1]["rating"] == "down" and rows[-1]["question"] == Q and rows[-1]["citations"]
    for name in ("feedback", "questions"):
        text = json.dumps(store.rows(name), default=str, ensure_ascii=False)
        assert KEY not in text and "Bearer" not in text and "authorization" not in text.lower()
    q = store.rows("questions")[-1]
    assert q["question"] == Q and "total_ms" in q["timings"] and q["answer_summary"]


# -- API key ------------------------------------------------------------------------
def test_api_key_is_required_when_set(fake_index, tmp_path):
    with make_client(fake_index, tmp_path, api_key=KEY) as c:
        r = c.get("/api/documents")
        assert r.status_code == 401 and r.json()["error"]["type"] == "auth_error"
        assert r.headers["www-authenticate"] == "Bearer"
        assert c.get("/api/documents", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/documents", headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
        assert c.get("/api/documents", headers={"X-API-Key": KEY}).status_code == 200
        assert c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": Q}]}
                      ).status_code == 401
        assert c.get("/healthz").status_code == 200  # health stays open


def test_embed_page_token_works_without_exposing_the_key(fake_index, tmp_path):
    import re

    with make_client(fake_index, tmp_path, api_key=KEY) as c:
        page = c.get("/embed")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert KEY not in page.text
        token = re.search(r'let TOKEN = "([^"]+)"', page.text).group(1)
        same_origin = {"X-Embed-Token": token, "Origin": "http://testserver"}
        r = c.post("/api/ask", json={"question": Q}, headers=same_origin)
        assert r.status_code == 200
        cite = r.json()["citations"][0]
        assert c.get(f"/api/clause/{cite['chunk_id']}", headers={"X-Embed-Token": token,
                                                                 "Sec-Fetch-Site": "same-origin"}).status_code == 200
        # no Origin (a script, not the page): refused
        assert c.post("/api/ask", json={"question": Q}, headers={"X-Embed-Token": token}).status_code == 403
        forged = {**same_origin, "X-Embed-Token": token[:-4] + "0000"}
        assert c.post("/api/ask", json={"question": Q}, headers=forged).status_code == 401
        assert c.post("/api/ask", json={"question": Q}, headers={**same_origin, "X-Embed-Token": "1.x"}
                      ).status_code == 401


def test_embed_page_without_key(client):
    page = client.get("/embed")
    assert "let TOKEN = null" in page.text and "api/ask" in page.text


# -- CORS and framing ------------------------------------------------------------------
def test_cors_and_frame_ancestors(fake_index, tmp_path):
    portal = "https://portal.example.gov.cn"
    with make_client(fake_index, tmp_path, cors_origins=f"{portal}, https://b.example.cn/") as c:
        pre = c.options("/api/ask", headers={"Origin": portal, "Access-Control-Request-Method": "POST",
                                             "Access-Control-Request-Headers": "content-type,authorization"})
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == portal
        r = c.get("/api/documents", headers={"Origin": portal})
        assert r.headers["access-control-allow-origin"] == portal
        r = c.get("/api/documents", headers={"Origin": "https://evil.example.com"})
        assert "access-control-allow-origin" not in r.headers
        csp = c.get("/embed").headers["content-security-policy"]
        assert csp == f"frame-ancestors 'self' {portal} https://b.example.cn"
        assert "content-security-policy" not in c.get("/api/documents").headers


def test_no_cors_by_default(client):
    r = client.get("/api/documents", headers={"Origin": "https://portal.example.gov.cn"})
    assert "access-control-allow-origin" not in r.headers
    assert client.get("/embed").headers["content-security-policy"] == "frame-ancestors 'self'"


def test_gradio_page_is_mounted_with_csp(fake_index, tmp_path):
    with make_client(fake_index, tmp_path, mount_ui=True, cors_origins="https://portal.example.gov.cn") as c:
        r = c.get("/")
        assert r.status_code == 200 and "text/html" in r.headers["content-type"]
        assert r.headers["content-security-policy"] == "frame-ancestors 'self' https://portal.example.gov.cn"
        assert c.post("/api/ask", json={"question": Q}).status_code == 200  # API still routed first


# -- body limit ---------------------------------------------------------------------
def test_body_limit_413(fake_index, tmp_path):
    with make_client(fake_index, tmp_path, max_body_bytes=1024) as c:
        big = {"question": Q, "history": [{"role": "user", "content": "很长" * 400}]}
        r = c.post("/api/ask", json=big)
        assert r.status_code == 413 and r.json()["error"]["type"] == "payload_too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            yield b'{"question": "'
            for _ in range(50):
                yield "很长很长很长很长".encode() * 4
            yield b'"}'

        r = c.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert c.post("/api/ask", json={"question": Q}).status_code == 200


# -- concurrency -------------------------------------------------------------------------
def _wait_for(pred, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > end:
            raise AssertionError("condition not reached")
        time.sleep(0.01)


def test_full_queue_gets_503_with_retry_after_and_search_stays_responsive(fake_index, tmp_path):
    gen = SlowGenerator(delay=0.05, reply="到2025年，非化石能源消费比重达到58%左右。[1]" * 3)
    with make_client(fake_index, tmp_path, gen, queue_size=1) as c:
        gate = c.app.state.qa["gate"]
        results: list[int] = []
        threads = [threading.Thread(target=lambda: results.append(
            c.post("/api/ask", json={"question": Q}).status_code)) for _ in range(2)]
        for t in threads:
            t.start()
            time.sleep(0.05)
        _wait_for(lambda: gate.running == 1 and gate.waiting == 1)

        r = c.post("/api/ask", json={"question": Q})
        assert r.status_code == 503
        assert int(r.headers["retry-after"]) >= 1
        assert r.json()["error"]["type"] == "busy"
        r = c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": Q}]})
        assert r.status_code == 503 and "retry-after" in r.headers

        t0 = time.monotonic()
        assert c.post("/api/search", json={"question": Q, "k": 3}).status_code == 200
        assert c.get("/api/documents").status_code == 200
        assert c.get("/healthz").json()["queue"]["waiting"] == 1
        assert time.monotonic() - t0 < 2.0  # not stuck behind the generation
        for t in threads:
            t.join(30)
        assert results == [200, 200]
        assert gate.running == 0 and gate.waiting == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_client_disconnect_cancels_generation(fake_index, tmp_path):
    """Against a real uvicorn server: dropping the SSE connection stops the generator."""
    import httpx
    import uvicorn

    gen = SlowGenerator(delay=0.05, reply="到2025年，非化石能源消费比重达到58%左右。[1]" * 20)
    s = fake_index.replace(data_dir=str(tmp_path))
    service = build_service(s)
    service.answerer.generator = gen
    app = create_app(service, s, mount_ui=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        _wait_for(lambda: server.started)
        with httpx.Client(timeout=10) as http:
            with http.stream("POST", f"http://127.0.0.1:{port}/api/ask",
                             json={"question": Q, "stream": True}) as r:
                for line in r.iter_lines():
                    if line.startswith("event: token"):
                        break
        _wait_for(gen.cancelled.is_set)
        total = len(gen.reply) // 2
        assert gen.produced < total
        gate = app.state.qa["gate"]
        _wait_for(lambda: gate.running == 0 and gate.waiting == 0)
    finally:
        server.should_exit = True
        thread.join(10)


def test_cancel_while_waiting_in_the_queue_frees_the_slot():
    from qa.api.gate import GenerationGate

    gate = GenerationGate(queue_size=1)
    first = gate.enter()
    assert first.wait()
    second = gate.enter()
    cancel = threading.Event()
    cancel.set()
    assert second.wait(cancel) is False
    assert gate.waiting == 0 and gate.running == 1
    first.release()
    first.release()  # idempotent
    assert gate.running == 0


# -- OpenAI-compatible --------------------------------------------------------------------
def test_openai_chat_completion(client):
    r = client.post("/v1/chat/completions", json={
        "model": "policy-qa", "temperature": 0.2,
        "messages": [{"role": "system", "content": "ignored"},
                     {"role": "user", "content": [{"type": "text", "text": "重庆这个方案是哪个部门印发的？"}]}]})
    assert r.status_code == 200
    body = r.json()
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant" and choice["finish_reason"] == "stop"
    assert body["citations"] and body["citations"][0]["doc_title"] == "重庆市减污降碳协同增效实施方案"
    text = choice["message"]["content"]
    assert "\n\n来源：\n[1]《重庆市减污降碳协同增效实施方案》" in text
    assert {"prompt_tokens", "completion_tokens", "total_tokens"} <= set(body["usage"])
    assert body["policy_qa"]["refused"] is False


def test_openai_history_from_earlier_messages(client):
    body = client.post("/v1/chat/completions", json={"messages": [
        {"role": "user", "content": "四川到2025年非化石能源消费比重要达到多少？"},
        {"role": "assistant", "content": "……"},
        {"role": "user", "content": "那雅安呢？"}]}).json()
    assert body["policy_qa"]["rewritten_question"] == "雅安到2025年非化石能源消费比重要达到多少？"


def test_openai_stream_shape(client):
    r = client.post("/v1/chat/completions", json={
        "stream": True, "messages": [{"role": "user", "content": Q}]})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = [d for _, d in parse_sse(r.text)]
    assert events[-1] == "[DONE]"
    chunks = events[:-1]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    final = chunks[-1]
    assert final["choices"][0]["finish_reason"] == "stop" and final["citations"]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert "[1]" in text and "\n\n来源：\n[1]《雅安市减污降碳协同增效行动方案》" in text


def test_openai_errors(client):
    r = client.post("/v1/chat/completions", json={"messages": [{"role": "assistant", "content": "hi"}]})
    assert r.status_code == 422 and r.json()["error"]["type"] == "input_error"
    assert client.post("/v1/chat/completions", json={"messages": []}).status_code == 422
    r = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": ""}]})
    assert r.status_code == 422
    assert client.get("/v1/models").json()["data"][0]["id"] == "policy-qa"


# -- OpenAPI ------------------------------------------------------------------------------
def test_openapi_schema_has_examples(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/ask", "/api/search", "/api/documents", "/api/feedback", "/healthz",
                 "/v1/chat/completions", "/api/clause/{chunk_id}"):
        assert path in paths
    assert schema["components"]["schemas"]["AskRequest"]["examples"]
    assert "401" in paths["/api/ask"]["post"]["responses"]
