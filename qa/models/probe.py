"""Self-check of the llama.cpp build: a short multi-token generation in a child process.

A llama.cpp build can crash the whole process on some CPUs (the ``-march=native`` build segfaults on
any multi-token decode where the CPU has AMX). A crash must never be how a user learns that: before a
GGUF is loaded in-process, :func:`ensure_generation_safe` runs :func:`run_probe` — load the model and
generate a few tokens from a dozen-token prompt in a *child* process. If the child dies by a signal,
the caller gets a :class:`~qa.errors.ModelError` that says how to rebuild, and the server stays up with
the generator marked as failed (``/healthz``). A success is remembered (keyed by the llama.cpp library
file, the GGUF file and the CPU flags), so the probe costs one model load per build, model and machine.

``qa models check`` always runs the probe (no cache) and shows its figures, including the model
buffer types llama.cpp reported: an ``AMX`` buffer means the build is not the portable one.
"""

from __future__ import annotations

import hashlib
import json
import re
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.errors import ModelError

#: What to run to rebuild llama-cpp-python with the portable flags.
REBUILD_HINT = ("重新编译 / rebuild llama.cpp with the portable flags: "
                "`.venv/bin/python qa/models/llama_build.py --rebuild` (or delete .venv and run `./run.sh chat`)")
PROBE_PROMPT = "四川省的省会是成都，重庆是直辖市。请用一句话介绍成都："
PROBE_TOKENS = 8
PROBE_TIMEOUT_S = 180.0
#: Failed probes of this process (fingerprint + interpreter → result): asked again, they fail at once.
_FAILED: dict[str, ProbeResult] = {}
_BUFFER_RE = re.compile(r"\b([A-Za-z0-9_]+) model buffer size\s*=\s*([0-9.]+) MiB")


@dataclass(frozen=True)
class ProbeResult:
    """What the child process did."""

    ok: bool
    detail: str
    returncode: int | None
    signal_name: str | None  # e.g. "SIGSEGV" when the child was killed by a signal
    tokens: int  # tokens generated
    seconds: float
    buffer_types: tuple[str, ...]  # model buffer types from llama.cpp's load log, e.g. ("CPU", "CPU_REPACK")

    @property
    def uses_amx(self) -> bool:
        return any("AMX" in b.upper() for b in self.buffer_types)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["uses_amx"] = self.uses_amx
        return d


def _signal_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def run_probe(model_path: str | Path, n_threads: int = 2, *, timeout: float = PROBE_TIMEOUT_S,
              python: str = sys.executable) -> ProbeResult:
    """Load ``model_path`` and generate :data:`PROBE_TOKENS` tokens in a child process."""
    cmd = [python, "-m", "qa.models.probe", "--child", str(model_path), str(n_threads)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              cwd=str(Path(__file__).resolve().parents[2]))
    except subprocess.TimeoutExpired:
        return ProbeResult(False, f"the generation probe did not finish within {timeout:.0f} s", None, None,
                           0, timeout, ())
    buffers = tuple(dict.fromkeys(m.group(1) for m in _BUFFER_RE.finditer(proc.stderr)))
    if proc.returncode < 0:
        name = _signal_name(proc.returncode)
        return ProbeResult(False, f"llama.cpp crashed ({name}) while generating: this build does not work on "
                           "this CPU", proc.returncode, name, 0, 0.0, buffers)
    result = None
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            try:
                result = json.loads(line)
                break
            except ValueError:
                continue
    if proc.returncode != 0 or result is None:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1][:300]
        return ProbeResult(False, f"the generation probe failed (exit {proc.returncode}): {tail}",
                           proc.returncode, None, 0, 0.0, buffers)
    tokens = int(result.get("tokens", 0))
    ok = tokens >= 2
    detail = (f"generated {tokens} tokens in {result.get('seconds', 0):.1f} s in a child process; "
              f"buffers: {', '.join(buffers) or 'unknown'}")
    if not ok:
        detail = f"the generation probe produced {tokens} token(s), expected several"
    return ProbeResult(ok, detail, 0, None, tokens, float(result.get("seconds", 0.0)), buffers)


def _fingerprint(model_path: Path) -> str:
    """Key of a probe result: llama.cpp library, GGUF file and CPU flags."""
    import importlib.util

    parts: list[str] = []
    spec = importlib.util.find_spec("llama_cpp")
    if spec and spec.submodule_search_locations:
        lib_dir = Path(next(iter(spec.submodule_search_locations))) / "lib"
        for lib in sorted(lib_dir.glob("*.so*")) if lib_dir.is_dir() else []:
            st = lib.stat()
            parts.append(f"{lib.name}:{st.st_size}:{st.st_mtime_ns}")
    st = model_path.stat()
    parts.append(f"{model_path.resolve()}:{st.st_size}:{st.st_mtime_ns}")
    try:
        from qa.models.llama_build import cpu_flags

        parts.append(" ".join(sorted(cpu_flags())))
    except Exception:  # noqa: BLE001 - no /proc: the key is still specific to build and model
        pass
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def ensure_generation_safe(model_path: str | Path, cache_dir: Path, n_threads: int = 2, *,
                           file_hint: str | None = None, python: str = sys.executable) -> ProbeResult | None:
    """Raise ModelError if generating with this build and model would crash; cheap once it passed.

    A child killed by a signal means the build is bad (the hint says how to rebuild); any other failure
    is blamed on the model file (``file_hint``). Returns the fresh ProbeResult, or None when an earlier
    success for the same build, model and CPU is recorded in ``cache_dir``.
    """
    path = Path(model_path)
    fingerprint = _fingerprint(path)
    key = fingerprint + python
    marker = cache_dir / f"probe-{fingerprint}.json"
    if marker.is_file():
        return None
    result = _FAILED.get(key) or run_probe(path, n_threads, python=python)
    if not result.ok:
        _FAILED[key] = result  # this process does not start the crashing child again
        raise ModelError(f"生成模型自检失败 / generation self-check failed: {result.detail}",
                         hint=REBUILD_HINT if result.signal_name or not file_hint else file_hint)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps(result.as_dict(), ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError:
        pass  # read-only models folder: probe again next time
    return result


def _child(model_path: str, n_threads: int) -> int:
    """Runs in the child: load with llama.cpp's log on stderr, generate, print one JSON line."""
    import time

    from llama_cpp import Llama

    llama = Llama(model_path=model_path, n_ctx=256, n_threads=n_threads, n_threads_batch=n_threads,
                  seed=1234, verbose=True)
    t0 = time.perf_counter()
    out = llama.create_completion(PROBE_PROMPT, max_tokens=PROBE_TOKENS, temperature=0.0, top_k=1)
    seconds = time.perf_counter() - t0
    print(json.dumps({"tokens": int(out["usage"]["completion_tokens"]), "seconds": seconds}), flush=True)
    llama.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        sys.exit(_child(sys.argv[2], int(sys.argv[3])))
    print("usage: python -m qa.models.probe --child MODEL.gguf N_THREADS", file=sys.stderr)
    sys.exit(2)
