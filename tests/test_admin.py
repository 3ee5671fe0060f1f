"""Documents managed in the running system: the admin API lists parse reports, uploads a document
or a new version, removes one; rejected files change nothing; a second replica sharing the index
switches to the new version without a restart, and a request in flight during the switch succeeds."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from qa.api.app import create_app
from qa.index.builder import IndexBuilder
from qa.index.embedders import make_embedder
from qa.index.store import current_version
from qa.service import build_service
from tests.conftest import fake_settings
from tests.live_server import serve

ADMIN = "adm1n-key-for-tests"
AUTH = {"Authorization": f"Bearer {ADMIN}"}
NEW_DOC = """关于印发《绵阳市减污降碳协同增效行动方案》的通知

绵环发〔2024〕7号

各县（市、区）生态环境局：

现将《绵阳市减污降碳协同增效行动方案》印发给你们，请认真贯彻执行。

绵阳市生态环境局

2024年3月1日

绵阳市减污降碳协同增效行动方案

一、主要目标

（一）到2025年，绵阳市单位地区生产总值二氧化碳排放比2020年下降19%。

（二）到2025年，绵阳市新能源汽车新车销售量占比达到30%左右。

二、重点任务

（三）推进工业园区污水处理设施建设，实现园区污水应收尽收。
"""


@pytest.fixture()
def replica_settings(tmp_path):
    s = fake_settings(tmp_path, admin_key=ADMIN, index_check_s=0.2)
    IndexBuilder(s, make_embedder(s), progress=False).build()
    return s


def wait_job(c, job_id: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = c.get(f"/admin/api/jobs/{job_id}", headers=AUTH).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def upload(c, name: str, text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return c.post("/admin/api/documents", headers=AUTH, files={"file": (name, data, "text/plain")})


def test_admin_api_needs_the_admin_key(fake_index, tmp_path):
    off = fake_index.replace(data_dir=str(tmp_path / "d1"))
    with TestClient(create_app(build_service(off), off, mount_ui=False)) as c:
        r = c.get("/admin/api/documents", headers=AUTH)
        assert r.status_code == 403 and "admin_key" in r.json()["error"]["message"]
    on = fake_index.replace(data_dir=str(tmp_path / "d2"), admin_key=ADMIN, api_key="api-key-not-admin")
    with TestClient(create_app(build_service(on), on, mount_ui=False)) as c:
        assert c.get("/admin/api/documents").status_code == 401
        assert c.get("/admin/api/documents", headers={"Authorization": "Bearer api-key-not-admin"}).status_code == 401
        assert c.delete("/admin/api/documents/x").status_code == 401
        assert c.get("/admin/api/documents", headers=AUTH).status_code == 200
        page = c.get("/admin")
        assert page.status_code == 200 and "/admin/api" in page.text and ADMIN not in page.text


def test_documents_listed_with_their_parse_report(replica_settings):
    with TestClient(create_app(build_service(replica_settings), replica_settings, mount_ui=False)) as c:
        body = c.get("/admin/api/documents", headers=AUTH).json()
    docs = {d["doc_id"]: d for d in body["documents"]}
    assert len(docs) == 5 and body["index_version"] == current_version(replica_settings.index_dir).name
    yaan = docs["yaan_jianwu_jiangtan_2023"]
    assert yaan["title"] == "雅安市减污降碳协同增效行动方案" and yaan["region"] == "雅安市"
    assert yaan["date"].startswith("2023") and yaan["n_clauses"] > 10 and yaan["file"].endswith(".txt")
    assert all(isinstance(d["warnings"], list) for d in docs.values())


def test_upload_a_document_then_a_new_version_then_remove_it(replica_settings):
    s = replica_settings
    with TestClient(create_app(build_service(s), s, mount_ui=False)) as c:
        v0 = c.get("/admin/api/documents", headers=AUTH).json()["index_version"]
        r = upload(c, "mianyang_2024.txt", NEW_DOC)
        assert r.status_code == 202, r.text
        report = r.json()["report"]
        assert report["title"] == "绵阳市减污降碳协同增效行动方案" and report["n_clauses"] == 3
        assert report["doc_number"] == "绵环发〔2024〕7号" and report["region"] == "绵阳市"
        job = wait_job(c, r.json()["job"]["id"])
        assert job["state"] == "done" and job["report"]["embedded"] == ["mianyang_2024"], job
        body = c.get("/admin/api/documents", headers=AUTH).json()
        assert len(body["documents"]) == 6 and body["index_version"] != v0
        hits = c.post("/api/search", json={"question": "绵阳新能源汽车占比", "k": 1}).json()["hits"]
        assert hits[0]["doc_id"] == "mianyang_2024" and "30%" in hits[0]["text"]

        r = upload(c, "mianyang_2024.txt", NEW_DOC.replace("30%左右", "40%左右"))  # a new version
        assert wait_job(c, r.json()["job"]["id"])["state"] == "done"
        hits = c.post("/api/search", json={"question": "绵阳新能源汽车占比", "k": 1}).json()["hits"]
        assert "40%" in hits[0]["text"] and len(c.get("/api/documents").json()["documents"]) == 6

        r = c.delete("/admin/api/documents/mianyang_2024", headers=AUTH)
        assert r.status_code == 202 and wait_job(c, r.json()["job"]["id"])["state"] == "done"
        assert len(c.get("/api/documents").json()["documents"]) == 5
        assert c.delete("/admin/api/documents/nothing-like-this", headers=AUTH).status_code == 422
    assert not (Path(s.corpus_dir) / "mianyang_2024.txt").exists()


@pytest.mark.parametrize("name, content, reason", [
    ("empty.txt", b"", "empty"),
    ("binary.pdf", b"%PDF-1.4\n\x00\x01\x02 not really a pdf", "PDF"),
    ("program.exe", b"MZ\x90\x00", "unsupported file name"),
    ("huge.txt", NEW_DOC * 40, "max_document_chars"),
])
def test_a_rejected_upload_says_why_and_changes_nothing(replica_settings, name, content, reason):
    s = replica_settings.replace(max_document_chars=5000)
    corpus_before = sorted(p.name for p in Path(s.corpus_dir).iterdir())
    version_before = current_version(s.index_dir)
    with TestClient(create_app(build_service(s), s, mount_ui=False)) as c:
        r = upload(c, name, content)
        assert r.status_code == 422, r.text
        message = r.json()["error"]["message"]
        assert reason.lower() in message.lower() and "/tmp" not in message, message
        assert len(c.get("/admin/api/documents", headers=AUTH).json()["documents"]) == 5
    assert sorted(p.name for p in Path(s.corpus_dir).iterdir()) == corpus_before
    assert current_version(s.index_dir) == version_before


def test_another_replica_switches_without_failing_a_request_in_flight(replica_settings):
    s = replica_settings
    service_b = build_service(s)
    gen = service_b.answerer.generator
    release, started = threading.Event(), threading.Event()
    real_stream = gen.stream

    def slow_stream(*args, **kwargs):  # replica B's answer stays in flight until released
        started.set()
        release.wait(60)
        yield from real_stream(*args, **kwargs)

    gen.stream = slow_stream
    app_a = create_app(build_service(s), s, mount_ui=False)
    app_b = create_app(service_b, s, mount_ui=False)
    with serve(app_a) as a, serve(app_b) as b:
        old_version = httpx.get(f"{a}/admin/api/documents", headers=AUTH).json()["index_version"]
        in_flight: dict = {}
        t = threading.Thread(target=lambda: in_flight.update(r=httpx.post(
            f"{b}/api/ask", json={"question": "雅安到2025年非化石能源消费比重要达到多少？"}, timeout=120)))
        t.start()
        assert started.wait(30)
        r = httpx.post(f"{a}/admin/api/documents", headers=AUTH,
                       files={"file": ("mianyang_2024.txt", NEW_DOC.encode(), "text/plain")})
        job_id = r.json()["job"]["id"]
        deadline = time.monotonic() + 60
        while httpx.get(f"{b}/admin/api/jobs/{job_id}", headers=AUTH).json()["state"] != "done":  # B sees A's job
            assert time.monotonic() < deadline
            time.sleep(0.1)
        new_version = httpx.get(f"{a}/admin/api/documents", headers=AUTH).json()["index_version"]
        assert new_version != old_version
        deadline = time.monotonic() + 30
        while service_b.retriever.version != new_version:  # B notices on its next requests
            assert time.monotonic() < deadline, "replica B did not switch"
            assert httpx.post(f"{b}/api/search", json={"question": "绵阳", "k": 1}).status_code == 200
            time.sleep(0.1)
        assert len(httpx.get(f"{b}/api/documents").json()["documents"]) == 6
        release.set()
        t.join(60)
        r = in_flight["r"]
        assert r.status_code == 200 and r.json()["error"] is None and r.json()["citations"]
        metrics = httpx.get(f"{b}/metrics").text
        assert 'qa_index_version_info{built_at="' in metrics and new_version in metrics
        assert "qa_index_switches_total 1.0" in metrics
