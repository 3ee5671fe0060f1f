"""Start and stop an OpenAI-compatible inference engine: llama-cpp-python's server
(``python -m llama_cpp.server``) on 127.0.0.1, for the tests, ``bench/load_api.py`` and ``qa engine``.

llama-cpp-python's server (0.3.36) has one model instance and runs one generation at a time; it
does not report parallel slots (no ``/props``), so a replica in front of it admits
``DEFAULT_ENGINE_SLOTS`` generations that queue inside the engine. It is started with
``--interrupt_requests False``: by default the server *stops a streaming answer* when another
request arrives, which would cut answers short under concurrency. A GPU deployment runs llama.cpp's
``llama-server -np N`` (reports N slots) or vLLM instead; see the README (operators).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from qa.errors import GenerationError

MODEL_ALIAS = "policy-qa-engine"


@dataclass(frozen=True)
class Engine:
    base_url: str  # …/v1, for openai_base_url
    model: str  # the served model name, for generator_model
    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def engine_command(model_path: str | Path, port: int, *, n_ctx: int = 2048, n_threads: int = 2,
                   host: str = "127.0.0.1") -> list[str]:
    return [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--model_alias", MODEL_ALIAS,
            "--host", host, "--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", str(n_threads),
            "--n_threads_batch", str(n_threads), "--interrupt_requests", "False"]


def wait_ready(base_url: str, timeout_s: float = 180.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise GenerationError(f"the engine exited with code {proc.returncode} before it was ready",
                                  hint="see its output; check the model path and the llama-cpp-python build")
        try:
            if httpx.get(base_url + "/models", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise GenerationError(f"the engine at {base_url} was not ready after {timeout_s:.0f} s")


@contextmanager
def llama_cpp_server(model_path: str | Path, *, port: int | None = None, n_ctx: int = 2048,
                     n_threads: int = 2, log_path: Path | None = None) -> Iterator[Engine]:
    """Run the engine for the duration of the context; yields where to reach it."""
    model_path = Path(model_path)
    if not model_path.is_file():
        raise GenerationError(f"model file not found: {model_path}",
                              hint="run `qa models install` (and `--fast` for the 0.5B model)")
    port = port or free_port()
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(engine_command(model_path, port, n_ctx=n_ctx, n_threads=n_threads),
                            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_ready(base_url, proc=proc)
        yield Engine(base_url, MODEL_ALIAS, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log_path:
            out.close()  # type: ignore[union-attr]
