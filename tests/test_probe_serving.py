"""A llama.cpp build that crashes is found by the child-process probe: the server stays up, /healthz
reports the generator as failed with the rebuild command, and a question gets a clear 503."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from qa.api.app import create_app, start_warmup
from qa.models import probe
from qa.service import build_service


@pytest.fixture()
def crashing_build(monkeypatch):
    calls = []

    def run_probe(path, n_threads=2, **kwargs):
        calls.append(str(path))
        return probe.ProbeResult(False, "llama.cpp crashed (SIGSEGV) while generating: this build does not work "
                                 "on this CPU", -11, "SIGSEGV", 0, 0.0, ("AMX",))

    monkeypatch.setattr(probe, "run_probe", run_probe)
    monkeypatch.setattr(probe, "_FAILED", {})
    return calls


def test_server_survives_a_crashing_build_and_says_how_to_rebuild(fake_index, tmp_path, crashing_build):
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 256)
    s = fake_index.replace(data_dir=str(tmp_path / "data"), models_dir=str(tmp_path / "models"),
                           generator_backend="llama-cpp", generator_model=str(gguf))
    service = build_service(s)
    app = create_app(service, s, mount_ui=False)
    with TestClient(app) as c:
        start_warmup(app).join(30)
        health = c.get("/healthz").json()
        assert health["status"] == "error" and health["generator"]["loaded"] is False  # status only
        assert "SIGSEGV" in service.status()["generator"]["error"]  # the details are in the log / CLI
        r = c.post("/api/ask", json={"question": "雅安到2025年非化石能源消费比重要达到多少？"})
        assert r.status_code == 503 and "llama_build.py --rebuild" in r.text
        assert c.get("/healthz").status_code == 200  # still serving
    assert len(crashing_build) == 1  # the crashing child is started once per process, not per question
