"""Build llama-cpp-python for the machine it runs on: portable, AMX-free, reproducible, never rebuilt twice.

Run by ``run.sh`` before the package is installed (stdlib only, run as a file so that it works in a
venv where nothing else is installed yet; its dependencies come with the package afterwards)::

    python qa/models/llama_build.py            # build or reuse the wheel for this CPU, install it
    python qa/models/llama_build.py --rebuild  # build again even if a wheel for this CPU exists
    python qa/models/llama_build.py --show     # print the chosen flags and the cache key

Why these flags (measured, see README "Performance" and ``bench/bench_generation_raw.py``):

- ``GGML_NATIVE=OFF``. The default ``-march=native`` build, on a CPU that advertises AMX (recent Xeons),
  puts the weights into llama.cpp's AMX buffer type and every decode of more than one token segfaults.
  ``-DGGML_AMX_*=OFF`` has no effect while native is on, so native must be off and the instruction sets
  named explicitly. ``GGML_AMX_TILE/INT8/BF16`` are always OFF: without ``__AMX_INT8__`` the AMX
  buffer type is not compiled at all.
- AVX2 + FMA + F16C + BMI2 always (every machine of this kind has them; the build refuses a CPU
  without AVX2 rather than making a slow binary silently).
- AVX-512 (F/BW/DQ/VL/CD), VNNI, BF16 and VBMI only when the CPU building the wheel has every one of
  the flags the variant needs. On the machines measured the AVX-512 build processes prompts faster
  than the AVX2-only build (the AVX2-only build halved prompt speed on an AMX Xeon): keep the fastest
  safe set the CPU supports. AVX-VNNI (the 256-bit form) is enabled where advertised.
- CPU weight repacking (``GGML_CPU_REPACK``, llama.cpp's "extra buffer types") stays ON: it is what
  makes prompt processing fast, and it is safe without AMX.

Reproducible and not redone: the version is pinned (:data:`LLAMA_CPP_VERSION`, also in
pyproject.toml); the wheel is built with ``--no-cache-dir`` into ``~/.cache/policy-qa/llama-wheels/<key>/`` where
the key hashes the version and the exact CMake flags, so a wheel built with other flags (pip's own
cache is keyed by version only) is never reused; the installed build's key is recorded in the venv
(``<venv>/llama-build.json``) and a second run with the same key does nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: The exact llama-cpp-python release the project builds (keep pyproject.toml's pin in step).
LLAMA_CPP_VERSION = "0.3.36"

#: Flags every build sets, whatever the CPU.
BASE_FLAGS: tuple[str, ...] = (
    "-DGGML_NATIVE=OFF",
    "-DGGML_AMX_TILE=OFF",
    "-DGGML_AMX_INT8=OFF",
    "-DGGML_AMX_BF16=OFF",
    "-DGGML_CPU_REPACK=ON",
    "-DGGML_AVX=ON",
    "-DGGML_AVX2=ON",
    "-DGGML_FMA=ON",
    "-DGGML_F16C=ON",
    "-DGGML_BMI2=ON",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_TESTS=OFF",
)

#: CPU flags (as /proc/cpuinfo names them) that every machine must have for the base build.
REQUIRED_CPU_FLAGS = frozenset({"avx", "avx2", "fma", "f16c", "bmi2"})

#: Optional instruction sets: CMake option -> the CPU flags that must all be present to enable it.
OPTIONAL_SETS: tuple[tuple[str, frozenset[str]], ...] = (
    ("GGML_AVX_VNNI", frozenset({"avx_vnni"})),
    ("GGML_AVX512", frozenset({"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"})),
    ("GGML_AVX512_VNNI", frozenset({"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_vnni"})),
    ("GGML_AVX512_BF16", frozenset({"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"})),
    ("GGML_AVX512_VBMI", frozenset({"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512vbmi"})),
)

#: Where built wheels are kept: outside the checkout, so a fresh clone on the same machine (CI) reuses
#: the wheel; safe because the folder name is the key of version + flags. ``QA_LLAMA_WHEELS`` overrides.
WHEEL_CACHE = Path(os.environ.get("QA_LLAMA_WHEELS")
                   or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "policy-qa" / "llama-wheels")
#: Name of the marker written into the venv after an install.
MARKER_NAME = "llama-build.json"


class BuildError(RuntimeError):
    """The build cannot be made on this machine; the message says why and what to do."""


@dataclass(frozen=True)
class BuildPlan:
    """What will be built: the pinned version, the CMake flags and the key that names the wheel."""

    version: str
    cmake_args: tuple[str, ...]
    isa: str  # short name of the instruction-set level, for messages and benchmarks

    @property
    def key(self) -> str:
        """Hash of everything that changes the binary (version, flags, machine architecture)."""
        text = "\n".join([self.version, platform.machine(), *self.cmake_args])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def as_dict(self) -> dict[str, object]:
        return {"version": self.version, "isa": self.isa, "key": self.key, "cmake_args": list(self.cmake_args)}


def cpu_flags(cpuinfo: str | None = None) -> frozenset[str]:
    """The CPU's feature flags (the first ``flags`` line of /proc/cpuinfo)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return frozenset()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return frozenset(line.split(":", 1)[1].split())
    return frozenset()


def plan_build(flags: frozenset[str], isa: str = "auto") -> BuildPlan:
    """Choose the CMake flags for a CPU with ``flags``.

    ``isa``: ``auto`` (the fastest safe set this CPU has), ``avx2`` (AVX2 only, the portable floor)
    or ``avx512`` (fails if the CPU lacks it). AMX is never enabled.
    """
    if isa not in {"auto", "avx2", "avx512"}:
        raise BuildError(f"unknown instruction-set level {isa!r}: use auto, avx2 or avx512")
    missing = REQUIRED_CPU_FLAGS - flags
    if missing:
        raise BuildError(
            "this CPU lacks " + ", ".join(sorted(missing)) + " (needed by the AVX2 build of llama.cpp); "
            "use generator_backend = openai with an inference server on another machine")
    args = list(BASE_FLAGS)
    enabled: list[str] = []
    for option, needs in OPTIONAL_SETS:
        wanted = needs <= flags and (isa != "avx2" or option == "GGML_AVX_VNNI")
        args.append(f"-D{option}={'ON' if wanted else 'OFF'}")
        if wanted:
            enabled.append(option)
    has_512 = "GGML_AVX512" in enabled
    if isa == "avx512" and not has_512:
        raise BuildError("isa=avx512 asked for, but this CPU does not advertise AVX-512 F/BW/DQ/VL/CD")
    return BuildPlan(LLAMA_CPP_VERSION, tuple(args), "avx512" if has_512 else "avx2")


def _marker(venv: Path) -> Path:
    return venv / MARKER_NAME


def installed_plan(venv: Path) -> dict[str, object] | None:
    """The plan recorded by the last install into ``venv``, or None."""
    try:
        return json.loads(_marker(venv).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


_FINGERPRINT = (
    "import hashlib, importlib.metadata as m, pathlib, llama_cpp\n"
    "lib = pathlib.Path(llama_cpp.__file__).parent / 'lib'\n"
    "h = hashlib.sha256()\n"
    "for f in sorted(lib.glob('*.so*')): h.update(f.name.encode()); h.update(f.read_bytes())\n"
    "print(m.version('llama-cpp-python'), h.hexdigest()[:16])\n")


def _installed(python: str) -> tuple[str, str] | None:
    """(version, hash of the shared libraries) of the llama-cpp-python installed for ``python``."""
    out = subprocess.run([python, "-c", _FINGERPRINT], capture_output=True, text=True)
    parts = out.stdout.split()
    return (parts[0], parts[1]) if out.returncode == 0 and len(parts) == 2 else None


def ensure_built(cache: Path, venv: Path, plan: BuildPlan, *, rebuild: bool = False,
                 python: str = sys.executable) -> str:
    """Install the wheel for ``plan`` into the venv of ``python``; build it first if needed.

    Returns what was done: ``"up-to-date"``, ``"installed"`` (cached wheel) or ``"built"``.
    """
    recorded = installed_plan(venv)
    current = _installed(python)
    if (not rebuild and recorded and recorded.get("key") == plan.key and current is not None
            and current == (plan.version, recorded.get("libs"))):
        return "up-to-date"  # the libraries are the ones this script installed (not a pip rebuild)
    wheel_dir = cache / plan.key
    wheels = sorted(wheel_dir.glob("llama_cpp_python-*.whl")) if wheel_dir.is_dir() else []
    action = "installed"
    if rebuild or not wheels:
        action = "built"
        for old in wheels:
            old.unlink()
        wheel_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, CMAKE_ARGS=" ".join(plan.cmake_args), FORCE_CMAKE="1")
        env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
        print(f"编译 llama-cpp-python {plan.version} ({plan.isa}, 约 8 分钟 / about 8 min on 2 cores)\n"
              f"  CMAKE_ARGS={env['CMAKE_ARGS']}", flush=True)
        cmd = [python, "-m", "pip", "wheel", "--no-cache-dir", "--no-deps", "--no-binary", "llama-cpp-python",
               "-w", str(wheel_dir), f"llama-cpp-python=={plan.version}"]
        if subprocess.run(cmd, env=env).returncode != 0:
            raise BuildError("building llama-cpp-python failed (see the compiler output above); "
                             "it needs gcc, g++ and cmake: apt-get install build-essential cmake")
        wheels = sorted(wheel_dir.glob("llama_cpp_python-*.whl"))
        if not wheels:
            raise BuildError(f"pip reported success but left no wheel in {wheel_dir}")
    cmd = [python, "-m", "pip", "install", "--no-cache-dir", "--no-deps", "--force-reinstall", str(wheels[-1])]
    if subprocess.run(cmd).returncode != 0:
        raise BuildError(f"installing {wheels[-1]} failed")
    # its own dependencies (numpy, jinja2, diskcache…), which a new venv does not have yet
    if subprocess.run([python, "-m", "pip", "install", "-q", str(wheels[-1])]).returncode != 0:
        raise BuildError(f"installing the dependencies of {wheels[-1]} failed")
    installed = _installed(python)
    if installed is None:
        raise BuildError("llama-cpp-python was installed but does not import (a missing dependency?): "
                         f"run `{python} -c 'import llama_cpp'` to see why")
    _marker(venv).write_text(json.dumps({**plan.as_dict(), "libs": installed[1]}, indent=2) + "\n",
                             encoding="utf-8")
    return action


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python qa/models/llama_build.py", description=__doc__.split("\n")[0])
    parser.add_argument("--isa", default=os.environ.get("QA_LLAMA_ISA", "auto"),
                        help="auto (default, fastest safe set), avx2 or avx512")
    parser.add_argument("--rebuild", action="store_true", help="build again even if a wheel for these flags exists")
    parser.add_argument("--show", action="store_true", help="print the plan as JSON and exit")
    parser.add_argument("--cache", type=Path, default=WHEEL_CACHE, help=f"wheel cache folder (default {WHEEL_CACHE})")
    args = parser.parse_args(argv)
    try:
        plan = plan_build(cpu_flags(), args.isa)
        if args.show:
            print(json.dumps(plan.as_dict(), indent=2))
            return 0
        venv = Path(sys.prefix)
        action = ensure_built(args.cache, venv, plan, rebuild=args.rebuild)
    except BuildError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    print(f"llama-cpp-python {plan.version} [{plan.isa}, key {plan.key}]: {action}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
