"""The API as people use it (issue 13): /v1 with the official `openai` client (checked sentences as
they are ready, real token usage), /docs offline, the widget's script / origin check / feedback, the
document library through the service, and the token meter of the generators."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.answer.generators import FakeGenerator, metered
from qa.api.app import create_app
from qa.api.embed import EmbedTokens
from qa.api.openai_compat import sentences
from qa.errors import InputError
from qa.service import build_service

Q = "雅安到2025年非化石能源消费比重要达到多少？"
PORTAL = "https://portal.example.gov.cn"
KEY = "k3y-for-page-tests"


def client_for(settings, tmp_path: Path, generator=None, mount_ui: bool = False, **overrides) -> TestClient:
    s = settings.replace(data_dir=str(tmp_path / "data"), **overrides)
    service = build_service(s)
    if generator is not None:
        service.answerer.generator = generator
    return TestClient(create_app(service, s, mount_ui=mount_ui))


@pytest.fixture()
def client(fake_index, tmp_path):
    with client_for(fake_index, tmp_path) as c:
        yield c


def openai_client(c: TestClient):
    from openai import OpenAI

    return OpenAI(base_url=str(c.base_url) + "/v1", api_key="unused", http_client=c, max_retries=0)


# -- /v1 with the official client ------------------------------------------------------------
def test_openai_client_gets_real_token_usage(client):
    gen = client.app.state.qa["service"].answerer.generator
    r = openai_client(client).chat.completions.create(model="policy-qa", messages=[{"role": "user", "content": Q}])
    prompt = gen.calls[-1]
    expected_prompt = sum(gen.count_tokens(m["content"]) for m in prompt)
    assert r.usage.prompt_tokens == expected_prompt > 100  # the evidence the model read, not 0
    assert r.usage.completion_tokens > 0
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_openai_client_streams_checked_sentences(fake_index, tmp_path):
    # a draft with a figure no clause states: the check replaces it, and the stream never shows it
    gen = FakeGenerator(reply="到2025年，雅安市非化石能源消费比重达到99%[1]。这是草稿的第二句。")
    with client_for(fake_index, tmp_path, generator=gen) as c:
        plain = openai_client(c).chat.completions.create(model="policy-qa", messages=[{"role": "user", "content": Q}])
        stream = openai_client(c).chat.completions.create(
            model="policy-qa", messages=[{"role": "user", "content": Q}], stream=True)
        chunks = list(stream)
    deltas = [ch.choices[0].delta.content for ch in chunks if ch.choices and ch.choices[0].delta.content]
    text = "".join(deltas)
    assert text == plain.choices[0].message.content  # the same checked answer, streamed
    assert "99%" not in text and "草稿的第二句" not in text
    assert len(deltas) >= 3
    assert deltas == sentences(text)  # one delta per sentence / line
    final = chunks[-1]
    assert final.choices[0].finish_reason == "stop"
    assert final.usage.prompt_tokens == plain.usage.prompt_tokens > 0
    assert final.model_extra["citations"]


def test_card_answers_use_no_model_tokens(client):
    r = openai_client(client).chat.completions.create(
        model="policy-qa", messages=[{"role": "user", "content": "重庆这个方案的文号是什么？"}])
    assert "渝环〔2023〕71号" in r.choices[0].message.content
    assert r.usage.completion_tokens == 0  # answered from the document card: no generation ran


def test_api_ask_stream_reports_usage_before_the_answer(client):
    r = client.post("/api/ask", json={"question": Q, "stream": True})
    events = re.findall(r"^event: (\w+)", r.text, flags=re.M)
    assert events[-2:] == ["usage", "answer"] and "token" in events
    assert '"prompt_tokens":' in r.text.split("event: usage")[1]


def test_sentences_split_and_join():
    text = "到2025年，比重达到58%左右[1]。其次；再者！\n\n来源：\n[1]《雅安》（五）：到2025年…"
    parts = sentences(text)
    assert "".join(parts) == text
    assert parts[:3] == ["到2025年，比重达到58%左右[1]。", "其次；", "再者！"]


def test_meter_counts_only_inside_the_block():
    gen = FakeGenerator(reply="一二三四五六")
    msgs = [{"role": "user", "content": "问题" * 30}]
    list(gen.stream(msgs, max_tokens=10))  # not metered: no error, nothing counted
    with metered() as m:
        list(gen.stream(msgs, max_tokens=10))
        list(gen.stream(msgs, max_tokens=10))
    assert m.generations == 2 and m.prompt_tokens == 2 * gen.count_tokens("问题" * 30)
    assert m.completion_tokens == 2 * gen.count_tokens("一二三四五六")


# -- /docs offline -----------------------------------------------------------------------------
def test_docs_are_served_locally(client):
    html = client.get("/docs").text
    assert "/static-offline-docs/swagger-ui-bundle.js" in html and "cdn." not in html and "https://" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        r = client.get(f"/static-offline-docs/{asset}")
        assert r.status_code == 200 and len(r.content) > 10_000
    assert "cdn." not in client.get("/redoc").text


# -- the widget --------------------------------------------------------------------------------
def test_embed_js_and_the_origin_check(fake_index, tmp_path):
    with client_for(fake_index, tmp_path, cors_origins=PORTAL) as c:
        js = c.get("/embed.js")
        assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
        assert "embed/allowed" in js.text and "attachShadow" in js.text
        ok = c.get("/embed/allowed", headers={"Origin": PORTAL}).json()
        assert ok == {"allowed": True, "origin": PORTAL, "message": ""}
        r = c.get("/embed/allowed", headers={"Origin": "https://other.example.com"})
        assert r.headers["access-control-allow-origin"] == "*"
        body = r.json()
        assert body["allowed"] is False and "cors_origins" in body["message"] and "https://other.example.com" in body["message"]


def test_embed_page_has_reset_feedback_and_draft_label(client):
    page = client.get("/embed").text
    assert 'id="reset"' in page and "embed/feedback" in page and "草稿·核对中…" in page
    assert '<html lang="zh-CN">' in page and "prefers-color-scheme:dark" in page
    assert '<label for="q"' in page


def test_embed_feedback_needs_a_token_when_a_key_is_set(fake_index, tmp_path):
    body = {"rating": "up", "question": Q, "answer": "……", "citations": []}
    with client_for(fake_index, tmp_path, api_key=KEY, cors_origins=PORTAL) as c:
        assert c.post("/embed/feedback", json=body).status_code == 401
        token = re.search(r'let TOKEN = "([^"]+)"', c.get("/embed").text).group(1)
        other = c.post("/embed/feedback", json=body, headers={"X-Embed-Token": token, "Origin": "https://x.example"})
        assert other.status_code == 403
        ok = c.post("/embed/feedback", json=body, headers={"X-Embed-Token": token, "Origin": PORTAL})
        assert ok.status_code == 200 and ok.json() == {"ok": True}
        expired = EmbedTokens(KEY, 60, str(tmp_path / "data"), clock=lambda: 0).issue()
        assert c.post("/embed/feedback", json=body, headers={"X-Embed-Token": expired, "Origin": PORTAL}
                      ).status_code == 401


def test_embed_feedback_open_without_a_key(client):
    r = client.post("/embed/feedback", json={"rating": "down", "question": Q, "comment": "引用不对"})
    assert r.status_code == 200


# -- the document library ------------------------------------------------------------------------
def test_library_through_the_service(fake_index):
    service = build_service(fake_index)
    entries = {e.doc_id: e for e in service.library()}
    assert len(entries) == 5
    cq = entries["chongqing_jianwu_jiangtan_2023"]
    assert (cq.doc_number, cq.signed, cq.n_clauses) == ("渝环〔2023〕71号", "2023年8月18日", 28)
    assert cq.issuers.startswith("重庆市生态环境局")
    view = service.document("yaan_jianwu_jiangtan_2023")
    assert view.units[0].kind == "cover" and any(u.label == "（五）" for u in view.units)
    assert sum(u.kind in ("clause", "section", "paragraph") for u in view.units) == view.entry.n_clauses
    with pytest.raises(InputError, match="没有这个文件"):
        service.document("nope")


# -- the page's HTML ------------------------------------------------------------------------------
def test_chat_page_html_is_chinese_and_carries_its_script(fake_index, tmp_path):
    with client_for(fake_index, tmp_path, mount_ui=True) as c:
        r = c.get("/")
        assert r.status_code == 200
        head = r.text[:300]
        assert 'lang="zh-CN"' in head and 'lang="en"' not in head
        assert int(r.headers["content-length"]) == len(r.content)
        assert "window.qaAsk" in r.text or "window.qaAsk" in c.get("/config").text
