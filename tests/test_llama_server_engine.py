"""llama.cpp's ``llama-server -np 3`` (built from the pinned llama-cpp-python sdist by
``qa/serving/llama_server_build.py``) as the real multi-slot engine behind ``generator_backend = openai``.

The fast tests check the build plan (the wheel's portable ISA choice plus the server flags) and the
typed errors; the ``real_models`` tests build the binary if this machine has none (``./run.sh test``
builds it first), start it with the built-in 0.5B GGUF on 127.0.0.1 and check that the gate takes
the engine's 3 slots from ``/props`` and that three generations through our OpenAI backend run in
the engine at the same time and come back as the right text."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from qa.answer.backends.openai_backend import OpenAIGenerator
from qa.api.app import create_app
from qa.api.gate import resolve_concurrency
from qa.models.llama_build import plan_build
from qa.service import build_service
from qa.serving import llama_server_build as lsb
from qa.serving.engine import llama_server, llama_server_command

ROOT = Path(__file__).resolve().parents[1]
GGUF = ROOT / "models" / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"

AVX512 = frozenset({"avx", "avx2", "fma", "f16c", "bmi2", "avx512f", "avx512bw", "avx512dq", "avx512vl",
                    "avx512cd", "amx_int8", "amx_tile", "amx_bf16"})
AVX2 = frozenset({"avx", "avx2", "fma", "f16c", "bmi2"})


# -- the build plan (fast) ------------------------------------------------------------------------
def test_server_plan_is_the_wheels_isa_choice_plus_server_flags():
    for flags in (AVX512, AVX2):
        wheel = plan_build(flags)
        server = lsb.server_plan(flags=flags)
        assert server.cmake_args[: len(wheel.cmake_args)] == wheel.cmake_args  # same ISA flags, same order
        assert server.isa == wheel.isa and server.version == wheel.version
        args = set(server.cmake_args)
        assert {"-DGGML_NATIVE=OFF", "-DGGML_AMX_INT8=OFF", "-DLLAMA_CURL=OFF", "-DBUILD_SHARED_LIBS=OFF",
                "-DLLAMA_USE_PREBUILT_UI=OFF", "-DCMAKE_BUILD_TYPE=Release"} <= args
        assert not any("march=native" in a or "AMX" in a and a.endswith("=ON") for a in args)
        assert server.key != wheel.key  # its own cache folder
    assert lsb.server_plan(flags=AVX512).key != lsb.server_plan(flags=AVX2).key
    assert "-DGGML_AVX512=ON" in lsb.server_plan(flags=AVX512).cmake_args
    assert "-DGGML_AVX512=ON" not in lsb.server_plan("avx2", flags=AVX512).cmake_args


def test_a_cpu_without_avx2_is_a_typed_error():
    with pytest.raises(lsb.EngineBuildError, match="avx2"):
        lsb.server_plan(flags=frozenset({"sse4_2"}))


def test_nothing_built_in_an_empty_cache(tmp_path):
    assert lsb.find_built(cache=tmp_path) is None
    plan = lsb.server_plan(flags=AVX2)
    fake = lsb.binary_path(plan, tmp_path)
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\n")
    assert lsb.find_built(plan, tmp_path) is None  # not executable
    fake.chmod(0o755)
    assert lsb.find_built(plan, tmp_path) == fake


def test_missing_compiler_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(lsb.shutil, "which", lambda name: None)
    with pytest.raises(lsb.EngineBuildError) as err:
        lsb.ensure_built(cache=tmp_path, rebuild=True)
    assert "apt-get install" in str(err.value) and "cmake" in str(err.value)


def test_engine_without_a_built_binary_is_a_typed_error(tmp_path, monkeypatch):
    monkeypatch.setattr(lsb, "find_built", lambda *a, **k: None)
    with pytest.raises(lsb.EngineBuildError, match="qa engine build"), llama_server(GGUF, parallel=2):
        pass


def test_the_context_is_split_between_the_slots():
    cmd = llama_server_command("/bin/llama-server", "m.gguf", 9000, parallel=3, n_ctx_per_slot=1024)
    assert cmd[cmd.index("-np") + 1] == "3" and cmd[cmd.index("-c") + 1] == "3072"
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"


# -- the real engine --------------------------------------------------------------------------------
SLOTS = 3
WORDS = ("苹果", "香蕉", "西瓜")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    binary = lsb.ensure_built().binary  # cached after the first build on this machine
    log = tmp_path_factory.mktemp("engine") / "llama-server.log"
    with llama_server(GGUF, parallel=SLOTS, binary=binary, n_ctx_per_slot=1024, n_threads=2, log_path=log) as e:
        yield e


def engine_settings(base, engine, tmp_path, **kw):
    return base.replace(generator_backend="openai", openai_base_url=engine.base_url,
                        generator_model=engine.model, data_dir=str(tmp_path / "data"), **kw)


@pytest.mark.real_models
def test_concurrency_zero_takes_the_engines_slots(fake_index, engine, tmp_path):
    props = httpx.get(engine.root_url + "/props", timeout=10).json()
    assert props["total_slots"] == SLOTS
    s = engine_settings(fake_index, engine, tmp_path, generation_concurrency=0)
    assert resolve_concurrency(s, OpenAIGenerator(s)) == (SLOTS, "engine")
    app = create_app(build_service(s), s, mount_ui=False)
    assert app.state.qa["gate"].concurrency == SLOTS


@pytest.mark.real_models
def test_three_generations_run_in_the_engine_at_once(fake_index, engine, tmp_path):
    s = engine_settings(fake_index, engine, tmp_path)
    gen = OpenAIGenerator(s)
    go = threading.Barrier(SLOTS)
    results: dict[int, dict] = {}
    busiest = {"slots": 0}
    done = threading.Event()

    def watch() -> None:  # how many of the engine's slots are generating at once
        while not done.is_set():
            try:
                slots = httpx.get(engine.root_url + "/slots", timeout=5).json()
                busiest["slots"] = max(busiest["slots"], sum(1 for x in slots if x.get("is_processing")))
            except httpx.HTTPError:
                pass
            time.sleep(0.02)

    def ask(i: int) -> None:
        msgs = [{"role": "system", "content": "你是复读助手：只把用户给的句子原样重复一遍，不要说别的。"},
                {"role": "user", "content": f"请原样重复这句话：我最喜欢的水果是{WORDS[i]}。"}]
        pieces: list[str] = []
        go.wait()
        start = time.monotonic()
        first = None
        for piece in gen.stream(msgs, max_tokens=16):
            first = first or time.monotonic()
            pieces.append(piece)
        results[i] = {"pieces": pieces, "start": start, "first": first, "end": time.monotonic()}

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    threads = [threading.Thread(target=ask, args=(i,)) for i in range(SLOTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    done.set()
    watcher.join()

    assert sorted(results) == list(range(SLOTS))
    # (b) they overlapped in the engine: every stream had started before any finished, and /slots
    # showed more than one slot processing at the same moment
    assert max(r["first"] for r in results.values()) < min(r["end"] for r in results.values())
    assert busiest["slots"] >= 2
    # (c) each answer is its own text, streamed in several pieces, not another slot's
    for i, r in results.items():
        text = "".join(r["pieces"])
        assert len(r["pieces"]) >= 2 and "\ufffd" not in text
        assert WORDS[i] in text, (i, text)
        assert not any(w in text for j, w in enumerate(WORDS) if j != i), (i, text)


def test_build_steps_log_everything_and_fail_with_the_tail(tmp_path, capsys):
    log = tmp_path / "build.log"
    lsb._run(["sh", "-c", "echo '[  5%] Building a'; echo '[ 50%] Building b'; echo '[100%] Built target c'"], log)
    assert "[ 50%] Building b" in log.read_text() and "llama-server  50%" in capsys.readouterr().err
    with pytest.raises(lsb.EngineBuildError) as err:
        lsb._run(["sh", "-c", "echo 'error: no such instruction: vpdpbusd'; exit 2"], log)
    assert "vpdpbusd" in str(err.value) and "build-essential cmake" in str(err.value)
