"""Generation concurrency follows the engine (generator_backend = openai).

The real-model tests start llama-cpp-python's OpenAI-compatible server (the built-in 0.5B GGUF) on
127.0.0.1 and send several questions at once through `qa serve`'s app. The slot-probe tests use a
tiny HTTP server that answers /props or /slots the way llama.cpp's llama-server does (wiring only:
llama-cpp-python's server reports no slots)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from qa.answer.backends.openai_backend import OpenAIGenerator
from qa.api.app import create_app
from qa.api.gate import DEFAULT_ENGINE_SLOTS, resolve_concurrency
from qa.service import build_service
from qa.serving.engine import llama_cpp_server
from tests.live_server import serve

ROOT = Path(__file__).resolve().parents[1]
GGUF = ROOT / "models" / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
Q = "雅安到2025年非化石能源消费比重要达到多少？"


@contextmanager
def fake_llama_server(routes: dict[str, object]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = routes.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            if body is not None:
                self.wfile.write(json.dumps(body).encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()


def openai_settings(base, url: str, **kw):
    return base.replace(generator_backend="openai", openai_base_url=url, generator_model="m", **kw)


def test_concurrency_from_the_engine_slots(fake_index):
    with fake_llama_server({"/props": {"total_slots": 6, "n_ctx": 4096}}) as url:
        s = openai_settings(fake_index, url)
        assert OpenAIGenerator(s).engine_slots() == 6
        assert resolve_concurrency(s, OpenAIGenerator(s)) == (6, "engine")
        assert resolve_concurrency(s.replace(generation_concurrency=2), OpenAIGenerator(s)) == (2, "setting")
    with fake_llama_server({"/slots": [{"id": 0}, {"id": 1}, {"id": 2}]}) as url:
        s = openai_settings(fake_index, url)
        assert resolve_concurrency(s, OpenAIGenerator(s)) == (3, "engine")
    with fake_llama_server({}) as url:  # an engine that reports nothing (vLLM, llama-cpp-python)
        s = openai_settings(fake_index, url)
        assert resolve_concurrency(s, OpenAIGenerator(s)) == (DEFAULT_ENGINE_SLOTS, "default")
    assert resolve_concurrency(fake_index, None) == (1, "in-process")  # one model in this process
    assert resolve_concurrency(fake_index.replace(generation_concurrency=4), None) == (1, "in-process")


def ask_at_once(url: str, n: int) -> tuple[list[httpx.Response], int]:
    """n questions posted at the same moment; the responses and the most generations seen running."""
    app_gate = {"peak": 0}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            r = httpx.get(url + "/healthz", timeout=5).json()["queue"]
            app_gate["peak"] = max(app_gate["peak"], r["running"])
            time.sleep(0.05)

    out: list[httpx.Response] = [None] * n  # type: ignore[list-item]

    def one(i: int) -> None:
        out[i] = httpx.post(url + "/api/ask", json={"question": Q}, timeout=300)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    watcher.join()
    return out, app_gate["peak"]


@pytest.fixture(scope="module")
def engine():
    with llama_cpp_server(GGUF, n_ctx=2048, n_threads=2) as e:
        yield e


@pytest.mark.real_models
def test_replica_admits_several_generations_on_a_real_engine(fake_index, engine, tmp_path):
    s = fake_index.replace(generator_backend="openai", openai_base_url=engine.base_url,
                           generator_model=engine.model, data_dir=str(tmp_path / "data"), max_new_tokens=48)
    app = create_app(build_service(s), s, mount_ui=False)
    assert app.state.qa["gate"].concurrency == DEFAULT_ENGINE_SLOTS  # llama-cpp-python reports no slots
    with serve(app) as url:
        responses, peak = ask_at_once(url, 3)
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert all(r.json()["answer"] and r.json()["error"] is None for r in responses)
    assert peak == 3  # all three generating at once (in-process backends admit one)


@pytest.mark.real_models
def test_the_setting_caps_generations_on_a_real_engine(fake_index, engine, tmp_path):
    s = fake_index.replace(generator_backend="openai", openai_base_url=engine.base_url,
                           generator_model=engine.model, data_dir=str(tmp_path / "data"), max_new_tokens=48,
                           generation_concurrency=2, queue_size=0)
    app = create_app(build_service(s), s, mount_ui=False)
    with serve(app) as url:
        responses, peak = ask_at_once(url, 3)
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 200, 503] and peak == 2  # two generate, no queue: the third is told to retry
    busy = next(r for r in responses if r.status_code == 503)
    assert int(busy.headers["retry-after"]) >= 1


def test_gate_resizes_without_interrupting_running_generations():
    from qa.api.gate import GenerationGate
    from qa.errors import BusyError

    gate = GenerationGate(queue_size=0, concurrency=1)
    first = gate.enter()
    assert first.wait()
    gate.resize(3)  # two more admitted at once
    more = [gate.enter(), gate.enter()]
    assert all(t.wait() for t in more) and gate.running == 3
    gate.resize(1)  # busy slots are retired as they end
    for t in [first, *more]:
        t.release()
    one = gate.enter()
    assert one.wait()
    with pytest.raises(BusyError):
        gate.enter()  # concurrency 1, queue 0: the second is refused
    one.release()


def test_a_replica_started_before_its_engine_takes_the_slots_later():
    from qa.api.gate import GenerationGate, follow_engine

    class Engine:  # answers /props only from the third probe on (the engine was still loading)
        calls = 0

        def engine_slots(self):
            self.calls += 1
            return 2 if self.calls >= 3 else None

    gate = GenerationGate(queue_size=4, concurrency=4)
    thread = follow_engine(gate, Engine(), interval_s=0.01, attempts=10)
    thread.join(timeout=5)
    assert gate.concurrency == 2
    assert follow_engine(gate, object()) is None  # a generator that cannot report slots
