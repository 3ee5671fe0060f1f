"""Start and stop an OpenAI-compatible inference engine on 127.0.0.1, for the tests and
``bench/load_api.py``: llama.cpp's ``llama-server -np N`` (:func:`llama_server`, the real multi-slot
engine, built by :mod:`qa.serving.llama_server_build`) or llama-cpp-python's server
(:func:`llama_cpp_server`, ``python -m llama_cpp.server``, one generation at a time).

``llama-server -np N`` runs N generations in parallel (continuous batching) and reports its N slots
at ``/props`` (``total_slots``) and ``/slots``, so a replica's gate admits N (``qa/api/gate.py``).

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
    kind: str = "llama_cpp.server"  # or "llama-server"
    slots: int | None = None  # parallel slots the engine was started with (llama-server -np)

    @property
    def root_url(self) -> str:
        """The server's root (``/props``, ``/slots``, ``/health`` live there, not under /v1)."""
        return self.base_url.removesuffix("/v1")


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


def llama_server_command(binary: str | Path, model_path: str | Path, port: int, *, parallel: int,
                         n_ctx_per_slot: int = 2048, n_threads: int = 2, host: str = "127.0.0.1") -> list[str]:
    """``llama-server`` with ``parallel`` slots of ``n_ctx_per_slot`` tokens each (the context is split
    between the slots), the served model named :data:`MODEL_ALIAS`."""
    return [str(binary), "-m", str(model_path), "--alias", MODEL_ALIAS, "--host", host, "--port", str(port),
            "-np", str(parallel), "-c", str(n_ctx_per_slot * parallel), "-t", str(n_threads),
            "-tb", str(n_threads), "--cache-ram", "256", "--no-webui"]


@contextmanager
def _engine_process(cmd: list[str], port: int, log_path: Path | None, **engine: object) -> Iterator[Engine]:
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_ready(base_url, proc=proc)
        yield Engine(base_url, MODEL_ALIAS, proc.pid, **engine)  # type: ignore[arg-type]
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log_path:
            out.close()  # type: ignore[union-attr]


def _model_file(model_path: str | Path) -> Path:
    model_path = Path(model_path)
    if not model_path.is_file():
        raise GenerationError(f"model file not found: {model_path}",
                              hint="run `qa models install` (and `--fast` for the 0.5B model)")
    return model_path


@contextmanager
def llama_cpp_server(model_path: str | Path, *, port: int | None = None, n_ctx: int = 2048,
                     n_threads: int = 2, log_path: Path | None = None) -> Iterator[Engine]:
    """Run llama-cpp-python's server for the duration of the context; yields where to reach it."""
    model_path = _model_file(model_path)
    port = port or free_port()
    cmd = engine_command(model_path, port, n_ctx=n_ctx, n_threads=n_threads)
    with _engine_process(cmd, port, log_path) as engine:
        yield engine


@contextmanager
def llama_server(model_path: str | Path, *, parallel: int, binary: str | Path | None = None,
                 port: int | None = None, n_ctx_per_slot: int = 2048, n_threads: int = 2,
                 log_path: Path | None = None) -> Iterator[Engine]:
    """Run llama.cpp's ``llama-server -np parallel`` for the duration of the context.

    ``binary``: the executable; by default the one :mod:`qa.serving.llama_server_build` built for
    this machine (an :class:`~qa.serving.llama_server_build.EngineBuildError` says how to build it).
    """
    from qa.serving.llama_server_build import EngineBuildError, find_built

    model_path = _model_file(model_path)
    if binary is None:
        binary = find_built()
        if binary is None:
            raise EngineBuildError("llama-server has not been built on this machine",
                                   hint="run `qa engine build` (or `python -m qa.serving.llama_server_build`)")
    port = port or free_port()
    cmd = llama_server_command(binary, model_path, port, parallel=parallel, n_ctx_per_slot=n_ctx_per_slot,
                               n_threads=n_threads)
    with _engine_process(cmd, port, log_path, kind="llama-server", slots=parallel) as engine:
        yield engine
