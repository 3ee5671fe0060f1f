"""Build llama.cpp's ``llama-server`` (the multi-slot OpenAI-compatible engine) for this machine.

llama-cpp-python's own server (``python -m llama_cpp.server``) generates one answer at a time and
reports no slots. The real engine an operator runs is llama.cpp's ``llama-server -np N``: N parallel
slots, reported at ``/props`` (``total_slots``) and ``/slots``. No PyPI package ships that binary, so
this module compiles it from the llama.cpp sources that the pinned llama-cpp-python sdist vendors
(``vendor/llama.cpp``: the same llama.cpp the in-process generator runs)::

    python -m qa.serving.llama_server_build          # build or reuse; prints the binary's path
    python -m qa.serving.llama_server_build --show   # the plan (flags, key) as JSON
    qa engine build                                  # the same, from the CLI

- The instruction sets are the ones :func:`qa.models.llama_build.plan_build` chooses for the wheel
  (``GGML_NATIVE=OFF``, AMX off, AVX-512 only where the CPU has it; never ``-march=native``), so the
  binary is safe on the machine that builds it. ``QA_LLAMA_ISA`` applies here too.
- Only the ``llama-server`` target is built (Release, static libraries, no CURL/OpenSSL, no web UI:
  nothing is downloaded at build time), under ``nice -n 19``; about 14 CPU-minutes
  (measured: 845 s user+sys, 15.5 min wall on 2 cores shared with other jobs; ~7 min on 2 idle cores).
- The binary is kept in ``~/.cache/policy-qa/llama-server/<key>/llama-server``, the key hashing the
  version, the machine and every CMake flag (like the wheel cache), so a fresh clone on the same
  machine (CI) reuses it and a binary built with other flags is never picked up.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qa.errors import ModelError
from qa.models.llama_build import BuildError, BuildPlan, cpu_flags, plan_build

#: Flags of the server build on top of the wheel's ISA choice: a self-contained binary (static
#: libraries), nothing fetched at build time (no CURL/OpenSSL, no prebuilt or npm-built web UI).
SERVER_FLAGS: tuple[str, ...] = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DLLAMA_CURL=OFF",
    "-DLLAMA_OPENSSL=OFF",
    "-DLLAMA_BUILD_SERVER=ON",
    "-DLLAMA_BUILD_UI=OFF",
    "-DLLAMA_USE_PREBUILT_UI=OFF",
)

BINARY_NAME = "llama-server"
SERVER_CACHE = Path(os.environ.get("QA_LLAMA_SERVER_CACHE")
                    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "policy-qa" / "llama-server")


class EngineBuildError(ModelError):
    """llama-server could not be built; the message says what to install or do."""


@dataclass(frozen=True)
class ServerBuild:
    """What was built or found: where the binary is, its plan, and how long the build took."""

    binary: Path
    plan: BuildPlan
    action: str  # "cached" or "built"
    seconds: float = 0.0


def server_plan(isa: str | None = None, flags: frozenset[str] | None = None) -> BuildPlan:
    """The wheel's plan for this CPU with the server flags added (its key names the cache folder)."""
    try:
        base = plan_build(cpu_flags() if flags is None else flags, isa or os.environ.get("QA_LLAMA_ISA", "auto"))
    except BuildError as exc:
        raise EngineBuildError(str(exc)) from exc
    return BuildPlan(base.version, base.cmake_args + SERVER_FLAGS, base.isa)


def binary_path(plan: BuildPlan, cache: Path = SERVER_CACHE) -> Path:
    return cache / plan.key / BINARY_NAME


def find_built(plan: BuildPlan | None = None, cache: Path = SERVER_CACHE) -> Path | None:
    """The cached binary for this machine's plan, if it has been built (no build, no download)."""
    try:
        path = binary_path(plan or server_plan(), cache)
    except EngineBuildError:
        return None
    return path if path.is_file() and os.access(path, os.X_OK) else None


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # two test runs or CI jobs building at once: one builds
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _sdist(version: str, cache: Path, python: str) -> Path:
    """The llama-cpp-python sdist (kept in ``cache/sdist``; fetched from PyPI once)."""
    folder = cache / "sdist"
    found = sorted(folder.glob(f"llama_cpp_python-{version}.tar.gz"))
    if found:
        return found[0]
    folder.mkdir(parents=True, exist_ok=True)
    print(f"下载 llama-cpp-python {version} 源码包 / downloading the sdist (~75 MB)", flush=True)
    cmd = [python, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", str(folder),
           f"llama-cpp-python=={version}"]
    if subprocess.run(cmd).returncode != 0:
        raise EngineBuildError(f"could not download the llama-cpp-python {version} source package from PyPI",
                               hint="check the network or the pip index (PIP_INDEX_URL), then run "
                                    "`python -m qa.serving.llama_server_build` again")
    found = sorted(folder.glob(f"llama_cpp_python-{version}.tar.gz"))
    if not found:
        raise EngineBuildError(f"pip reported success but left no llama_cpp_python-{version}.tar.gz in {folder}")
    return found[0]


def _extract_llama_cpp(sdist: Path, into: Path) -> Path:
    """Unpack only ``vendor/llama.cpp`` of the sdist; returns its folder."""
    prefix = f"{sdist.name.removesuffix('.tar.gz')}/vendor/llama.cpp/"
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(prefix)]
        tar.extractall(into, members=members, filter="data")
    src = into / prefix
    if not (src / "tools" / "server" / "CMakeLists.txt").is_file():
        raise EngineBuildError(f"{sdist.name} has no llama.cpp server sources (vendor/llama.cpp/tools/server)",
                               hint="the pinned llama-cpp-python version does not vendor the server; "
                                    "install llama.cpp's llama-server another way and point the engine at it")
    return src


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise EngineBuildError(f"`{name}` is not installed (needed to compile llama-server)",
                               hint="sudo apt-get install -y build-essential cmake")
    return path


def _run(cmd: list[str], log: Path) -> None:
    """Run one build step, its output into ``log``; the compile's percentage on stderr as it goes."""
    shown = -10
    with open(log, "ab") as out:
        out.write(("$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(line)
            if line.startswith(b"[") and b"%]" in line[:8]:  # make's "[ 41%] Building …"
                try:
                    pct = int(line[1:line.index(b"%")])
                except ValueError:
                    continue
                if pct >= shown + 10 or pct == 100:
                    shown = pct
                    print(f"  llama-server {pct:3d}%", file=sys.stderr, flush=True)
        rc = proc.wait()
    if rc != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
        raise EngineBuildError("compiling llama-server failed:\n  " + "\n  ".join(tail),
                               hint=f"full log: {log}; it needs gcc, g++ and cmake ≥ 3.14: "
                                    "sudo apt-get install -y build-essential cmake")


def ensure_built(*, isa: str | None = None, cache: Path = SERVER_CACHE, rebuild: bool = False,
                 jobs: int = 2, python: str = sys.executable) -> ServerBuild:
    """The llama-server binary for this machine: the cached one, else built now (minutes)."""
    plan = server_plan(isa)
    target = binary_path(plan, cache)
    with _lock(cache / f"{plan.key}.lock"):
        if not rebuild and find_built(plan, cache):
            return ServerBuild(target, plan, "cached")
        cmake = _tool("cmake")
        _tool("c++")
        nice = [shutil.which("nice") or "nice", "-n", "19"] if shutil.which("nice") else []
        sdist = _sdist(plan.version, cache, python)
        target.parent.mkdir(parents=True, exist_ok=True)
        log = target.parent / "build.log"
        log.unlink(missing_ok=True)
        print(f"编译 llama-server (llama.cpp of llama-cpp-python {plan.version}, {plan.isa}, "
              f"约 7–15 分钟 / about 7–15 min on 2 cores); log: {log}", flush=True)
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="build-", dir=cache) as tmp:
            src = _extract_llama_cpp(sdist, Path(tmp))
            build = Path(tmp) / "build"
            _run([*nice, cmake, "-S", str(src), "-B", str(build), *plan.cmake_args], log)
            _run([*nice, cmake, "--build", str(build), "--target", BINARY_NAME, "--config", "Release",
                  "-j", str(max(1, jobs))], log)
            built = build / "bin" / BINARY_NAME
            if not built.is_file():
                raise EngineBuildError(f"the build finished but left no {built}", hint=f"see {log}")
            tmp_target = target.with_suffix(".tmp")
            shutil.copy2(built, tmp_target)
            os.replace(tmp_target, target)  # atomic: a reader sees the old binary or the whole new one
        seconds = time.monotonic() - started
        (target.parent / "build.json").write_text(
            json.dumps({**plan.as_dict(), "seconds": round(seconds, 1), "jobs": jobs}, indent=2) + "\n",
            encoding="utf-8")
        check = subprocess.run([str(target), "--version"], capture_output=True, text=True)
        if check.returncode != 0:
            target.unlink(missing_ok=True)
            raise EngineBuildError(f"the built llama-server does not run (exit {check.returncode}): "
                                   f"{(check.stderr or check.stdout).strip()[-300:]}",
                                   hint="run `python -m qa.serving.llama_server_build --rebuild`")
        return ServerBuild(target, plan, "built", seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa.serving.llama_server_build", description=__doc__.split("\n")[0])
    parser.add_argument("--isa", default=None, help="auto (default, the wheel's choice), avx2 or avx512")
    parser.add_argument("--rebuild", action="store_true", help="build again even if a binary for these flags exists")
    parser.add_argument("--show", action="store_true", help="print the plan and the binary's path as JSON and exit")
    parser.add_argument("--jobs", type=int, default=2, help="parallel compile jobs (default 2)")
    parser.add_argument("--cache", type=Path, default=SERVER_CACHE, help=f"cache folder (default {SERVER_CACHE})")
    args = parser.parse_args(argv)
    try:
        if args.show:
            plan = server_plan(args.isa)
            path = binary_path(plan, args.cache)
            print(json.dumps({**plan.as_dict(), "binary": str(path), "built": path.is_file()}, indent=2))
            return 0
        result = ensure_built(isa=args.isa, cache=args.cache, rebuild=args.rebuild, jobs=args.jobs)
    except EngineBuildError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    took = f" in {result.seconds:.0f} s" if result.action == "built" else ""
    print(f"llama-server [{result.plan.isa}, key {result.plan.key}]: {result.action}{took}\n{result.binary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
