"""Access control with `api_key` set: every route of the app (Gradio's included) without the key,
with a wrong key and with an expired widget token; the widget token's scope, origin binding, rate
limit and revocation; /healthz without paths; the logs' permissions, rotation and rate limits."""

from __future__ import annotations

import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

from qa.api.app import create_app
from qa.api.embed import EmbedTokens
from qa.service import build_service

KEY = "k3y-for-tests-0123"
Q = "雅安到2025年非化石能源消费比重要达到多少？"
PORTAL = "https://portal.example.gov.cn"

#: Routes that work without the key: pages, static assets, the schema, status, the Gradio login
#: and session plumbing. None of them answers, searches, lists documents or stores feedback.
PUBLIC = {
    "/", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/healthz", "/embed",
    "/favicon.ico", "/manifest.json", "/robots.txt", "/theme.css", "/gradio_api/theme.css", "/logout",
    "/gradio_api/app_id", "/gradio_api/app_id/", "/gradio_api/token", "/gradio_api/token/",
    "/gradio_api/user", "/gradio_api/user/", "/gradio_api/startup-events",
    "/gradio_api/heartbeat/{session_hash}",  # an SSE keep-alive for a session: no data
    "/embed/token",  # renews a widget token, for allowed origins only (like the /embed page)
    "/admin",  # the admin page: no data; every call it makes needs admin_key (/admin/api: 401/403)
    "/embed.js",  # the floating-bubble script a portal loads (static JavaScript)
    "/embed/allowed",  # tells a page only whether its own origin may frame the widget
}
#: Routes that answer, search, list documents or store feedback: 401 without the key.
GUARDED = {
    ("POST", "/api/ask"), ("POST", "/api/search"), ("GET", "/api/documents"), ("POST", "/api/feedback"),
    ("GET", "/api/clause/{chunk_id}"), ("POST", "/v1/chat/completions"), ("GET", "/v1/models"),
    ("POST", "/gradio_api/call/{api_name}"), ("GET", "/gradio_api/call/{api_name}/{event_id}"),
    ("POST", "/gradio_api/run/{api_name}"), ("POST", "/gradio_api/api/{api_name}"),
    ("POST", "/gradio_api/queue/join"), ("GET", "/gradio_api/queue/data"),
    ("GET", "/config"), ("GET", "/gradio_api/info"), ("POST", "/gradio_api/upload"),
    ("GET", "/metrics"),
}


def walk(routes, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every route, mounted apps and included routers included."""
    for r in routes:
        if isinstance(r, Mount):
            yield from walk(r.routes, prefix + r.path)
        elif hasattr(r, "original_router"):  # FastAPI's included router
            yield from walk(r.original_router.routes, prefix)
        else:
            for m in sorted(getattr(r, "methods", None) or ()):
                if m != "HEAD":
                    yield m, prefix + r.path


@pytest.fixture(scope="module")
def ui_app(fake_index, tmp_path_factory):
    s = fake_index.replace(data_dir=str(tmp_path_factory.mktemp("data")), api_key=KEY, cors_origins=PORTAL)
    app = create_app(build_service(s), s, mount_ui=True)
    with TestClient(app) as c:
        yield app, c, s


def expired_token(settings) -> str:
    return EmbedTokens(KEY, 60, settings.data_dir, clock=lambda: time.time() - 3600).issue()


@pytest.mark.parametrize("who", ["no key", "wrong key", "expired token"])
def test_every_route_without_a_valid_credential(ui_app, who):
    app, c, s = ui_app
    headers = {"no key": {}, "wrong key": {"Authorization": "Bearer wrong-key"},
               "expired token": {"X-Embed-Token": expired_token(s), "Origin": PORTAL}}[who]
    routes = sorted(set(walk(app.routes)))
    assert len(routes) > 60 and GUARDED <= set(routes)
    seen: dict[tuple[str, str], int] = {}
    for method, path in routes:
        url = re.sub(r"\{[^}]+\}", "x", path)
        with c.stream(method, url, headers=headers, json={} if method in ("POST", "PUT", "PATCH") else None,
                      follow_redirects=False) as r:
            seen[(method, path)] = r.status_code
    assert not {k: v for k, v in seen.items() if v >= 500}, "server errors"
    open_routes = {k: v for k, v in seen.items() if v < 400 and k[1] not in PUBLIC}
    assert not open_routes, f"routes that work without a valid credential: {open_routes}"
    for route in GUARDED & set(seen):
        assert seen[route] == 401, (route, seen[route])


def test_gradio_page_needs_the_key_as_password(ui_app):
    _, c, _ = ui_app
    assert c.post("/gradio_api/call/respond", json={"data": [Q, [], [], []]}).status_code == 401
    assert c.post("/login", data={"username": "anyone", "password": "wrong"}).status_code >= 400
    fresh = TestClient(c.app)
    assert fresh.post("/login", data={"username": "anyone", "password": KEY}).status_code == 200
    assert fresh.get("/config").status_code == 200  # logged in: the page's API opens


def test_healthz_shows_status_only(ui_app):
    _, c, s = ui_app
    body = c.get("/healthz").json()
    assert set(body) == {"status", "warmup", "index", "generator", "queue"}
    text = c.get("/healthz").text
    assert s.index_dir not in text and s.data_dir not in text and "/" not in text.replace("\\/", "")


# -- the widget token --------------------------------------------------------------------
def fresh_client(fake_index, tmp_path: Path, **overrides) -> TestClient:
    s = fake_index.replace(data_dir=str(tmp_path / "data"), api_key=KEY, cors_origins=PORTAL, **overrides)
    return TestClient(create_app(build_service(s), s, mount_ui=False))


def page_token(c: TestClient) -> str:
    return re.search(r'let TOKEN = "([^"]+)"', c.get("/embed").text).group(1)


def test_widget_token_only_asks_and_reads_clauses(fake_index, tmp_path):
    with fresh_client(fake_index, tmp_path) as c:
        h = {"X-Embed-Token": page_token(c), "Origin": PORTAL}
        r = c.post("/api/ask", json={"question": Q}, headers=h)
        assert r.status_code == 200
        assert c.get(f"/api/clause/{r.json()['citations'][0]['chunk_id']}", headers=h).status_code == 200
        for method, url, body in (("POST", "/api/search", {"question": Q}), ("GET", "/api/documents", None),
                                  ("POST", "/api/feedback", {"rating": "up", "question": Q}),
                                  ("POST", "/v1/chat/completions", {"messages": [{"role": "user", "content": Q}]}),
                                  ("GET", "/v1/models", None)):
            r = c.request(method, url, json=body, headers=h)
            assert r.status_code == 403 and "只能用于提问和查看条款" in r.json()["error"]["message"], url


def test_widget_token_is_bound_to_allowed_origins(fake_index, tmp_path):
    with fresh_client(fake_index, tmp_path) as c:
        token = page_token(c)
        ask = {"question": Q}
        assert c.post("/api/ask", json=ask, headers={"X-Embed-Token": token}).status_code == 403
        assert c.post("/api/ask", json=ask, headers={"X-Embed-Token": token, "Origin": "https://evil.example.com"}
                      ).status_code == 403
        assert c.post("/api/ask", json=ask, headers={"X-Embed-Token": token, "Origin": "http://testserver"}
                      ).status_code == 200
        # renewal is bound the same way
        assert c.post("/embed/token").status_code == 403
        r = c.post("/embed/token", headers={"Origin": PORTAL})
        assert r.status_code == 200 and r.json()["expires_in"] == 900
        assert c.post("/api/ask", json=ask, headers={"X-Embed-Token": r.json()["token"], "Origin": PORTAL}
                      ).status_code == 200


def test_widget_token_expires_and_is_revocable_without_changing_the_key(fake_index, tmp_path):
    from click.testing import CliRunner

    import qa.cli

    with fresh_client(fake_index, tmp_path, embed_token_ttl_s=60) as c:
        s = c.app.state.qa["settings"]
        h = {"X-Embed-Token": page_token(c), "Origin": PORTAL}
        assert c.get("/api/clause/nope", headers=h).status_code == 422  # valid token, unknown clause
        r = c.get("/api/clause/nope", headers={**h, "X-Embed-Token": expired_token(s)})
        assert r.status_code == 401 and "过期" in r.json()["error"]["message"]
        # `qa embed revoke` (another process) bumps the epoch: the running server refuses old tokens
        config = tmp_path / "qa.toml"
        config.write_text(f'api_key = "{KEY}"\ndata_dir = "{s.data_dir}"\n', encoding="utf-8")
        qa.cli._register()
        out = CliRunner().invoke(qa.cli.cli, ["--config", str(config), "embed", "revoke"])
        assert out.exit_code == 0, out.output
        r = c.get("/api/clause/nope", headers=h)
        assert r.status_code == 401 and "撤销" in r.json()["error"]["message"]
        assert stat.S_IMODE((Path(s.data_dir) / "embed_token_epoch").stat().st_mode) == 0o600
        assert c.get("/api/clause/nope", headers={**h, "X-Embed-Token": page_token(c)}).status_code == 422
        assert c.get("/api/documents", headers={"Authorization": f"Bearer {KEY}"}).status_code == 200


def test_widget_token_is_rate_limited_per_client(fake_index, tmp_path):
    with fresh_client(fake_index, tmp_path, embed_rate_per_min=3) as c:
        h = {"X-Embed-Token": page_token(c), "Origin": PORTAL}
        codes = [c.get("/api/clause/nope", headers=h).status_code for _ in range(5)]
        assert codes == [422, 422, 422, 429, 429]
        r = c.get("/api/clause/nope", headers=h)
        assert int(r.headers["retry-after"]) >= 1 and r.json()["error"]["type"] == "rate_limit_error"
        # the key is not rate-limited this way
        assert c.get("/api/documents", headers={"Authorization": f"Bearer {KEY}"}).status_code == 200


# -- logs -------------------------------------------------------------------------------
def test_logs_are_private_rotated_and_rate_limited(fake_index, tmp_path):
    from qa.api.logs import JsonlLog

    path = tmp_path / "data" / "feedback.jsonl"
    log = JsonlLog(path, (KEY,), max_bytes=4096, backups=2, per_min=1000)
    for i in range(200):
        assert log.append({"i": i, "comment": "意见" * 100 + KEY})
    log.close()
    files = sorted(path.parent.iterdir())
    assert [f.name for f in files] == ["feedback.jsonl", "feedback.jsonl.1", "feedback.jsonl.2"]
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
        assert f.stat().st_size <= 4096 + 2000 and KEY not in f.read_text(encoding="utf-8")
    limited = JsonlLog(tmp_path / "q.jsonl", per_min=5)
    assert [limited.append({"i": i}) for i in range(7)] == [True] * 5 + [False] * 2
    assert limited.dropped == 2


def test_feedback_is_rate_limited_and_bounded(fake_index, tmp_path):
    with fresh_client(fake_index, tmp_path, feedback_rate_per_min=2) as c:
        auth = {"Authorization": f"Bearer {KEY}"}
        body = {"rating": "down", "question": Q, "answer": "答" * 20000, "comment": "x" * 2000}
        codes = [c.post("/api/feedback", json=body, headers=auth).status_code for _ in range(4)]
        assert codes == [200, 200, 429, 429]
        s = c.app.state.qa["settings"]
    from qa.storage import Store

    rows = Store.from_settings(s).rows("feedback")
    assert len(rows) == 2 and all(len(r["answer"]) <= 2000 and len(r["comment"]) <= 2000 for r in rows)
