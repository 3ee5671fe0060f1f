"""The portable llama.cpp build (qa/models/llama_build.py) and the generation self-check (qa.models.probe)."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from qa.errors import ModelError
from qa.models import llama_build as B
from qa.models import probe as P

# /proc/cpuinfo flags of the three kinds of CPU seen on these machines
AMX_XEON = ("fpu sse sse2 ssse3 sse4_1 sse4_2 avx avx2 fma f16c bmi1 bmi2 avx512f avx512dq avx512cd avx512bw "
            "avx512vl avx512_vnni avx512_bf16 avx512vbmi avx_vnni amx_bf16 amx_tile amx_int8")
EPYC = "fpu sse sse2 avx avx2 fma f16c bmi2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni avx512vbmi"
AVX2_ONLY = "fpu sse sse2 avx avx2 fma f16c bmi1 bmi2"


def flags(line: str) -> frozenset[str]:
    return B.cpu_flags(f"processor\t: 0\nflags\t\t: {line}\n")


def test_amx_cpu_gets_avx512_without_amx_or_native():
    plan = B.plan_build(flags(AMX_XEON))
    args = set(plan.cmake_args)
    assert "-DGGML_NATIVE=OFF" in args
    assert {"-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AMX_BF16=OFF"} <= args
    assert not any("AMX" in a and a.endswith("=ON") for a in args)
    assert {"-DGGML_AVX512=ON", "-DGGML_AVX512_VNNI=ON", "-DGGML_AVX512_BF16=ON", "-DGGML_CPU_REPACK=ON"} <= args
    assert plan.isa == "avx512" and plan.version == B.LLAMA_CPP_VERSION


def test_optional_sets_follow_the_cpu():
    epyc = set(B.plan_build(flags(EPYC)).cmake_args)
    assert "-DGGML_AVX512=ON" in epyc and "-DGGML_AVX512_BF16=OFF" in epyc  # this CPU lacks avx512_bf16
    plain = B.plan_build(flags(AVX2_ONLY))
    assert plain.isa == "avx2" and "-DGGML_AVX512=OFF" in plain.cmake_args and "-DGGML_AVX2=ON" in plain.cmake_args
    forced = B.plan_build(flags(AMX_XEON), "avx2")
    assert forced.isa == "avx2" and "-DGGML_AVX512=OFF" in forced.cmake_args
    with pytest.raises(B.BuildError, match="AVX-512"):
        B.plan_build(flags(AVX2_ONLY), "avx512")
    with pytest.raises(B.BuildError, match="avx2"):
        B.plan_build(flags("fpu sse sse2 avx"))


def test_key_changes_with_the_flags_so_a_wheel_with_other_flags_is_never_reused():
    keys = {B.plan_build(flags(f)).key for f in (AMX_XEON, EPYC, AVX2_ONLY)}
    assert len(keys) == 3
    assert B.plan_build(flags(EPYC)).key == B.plan_build(flags(EPYC)).key  # stable


def test_pyproject_pins_the_built_version():
    text = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"llama-cpp-python=={B.LLAMA_CPP_VERSION}"' in text


@pytest.fixture()
def recorded_runs(monkeypatch):
    """subprocess.run inside llama_build, recorded; `pip wheel` leaves a fake wheel behind."""
    calls: list[list[str]] = []

    def fake_run(cmd, **kwargs):
        calls.append(list(cmd))
        if "wheel" in cmd:
            out = Path(cmd[cmd.index("-w") + 1])
            (out / f"llama_cpp_python-{B.LLAMA_CPP_VERSION}-cp311-cp311-linux_x86_64.whl").write_bytes(b"PK")
        return subprocess.CompletedProcess(cmd, 0, stdout="", stderr="")

    monkeypatch.setattr(B.subprocess, "run", fake_run)
    return calls


def test_build_once_then_reuse_then_nothing(tmp_path, monkeypatch, recorded_runs):
    plan = B.plan_build(flags(EPYC))
    venv = tmp_path / "venv"
    venv.mkdir()
    monkeypatch.setattr(B, "_installed", lambda python: (plan.version, "libhash1"))
    assert B.ensure_built(tmp_path, venv, plan) == "built"
    wheel_cmds = [c for c in recorded_runs if "wheel" in c]
    assert len(wheel_cmds) == 1 and "--no-cache-dir" in wheel_cmds[0]  # pip's version-keyed cache unused
    assert B.installed_plan(venv)["key"] == plan.key and B.installed_plan(venv)["libs"] == "libhash1"
    # the marker says this build is installed: nothing runs at all
    recorded_runs.clear()
    assert B.ensure_built(tmp_path, venv, plan) == "up-to-date" and recorded_runs == []
    # pip replaced the libraries behind our back (same version, other build): reinstalled, not trusted
    monkeypatch.setattr(B, "_installed", lambda python: (plan.version, "libhash-other"))
    assert B.ensure_built(tmp_path, venv, plan) == "installed"
    assert not any("wheel" in c for c in recorded_runs)
    monkeypatch.setattr(B, "_installed", lambda python: (plan.version, "libhash1"))
    # a new venv on the same machine installs the kept wheel without compiling
    venv2 = tmp_path / "venv2"
    venv2.mkdir()
    assert B.ensure_built(tmp_path, venv2, plan) == "installed"
    assert not any("wheel" in c for c in recorded_runs) and any("install" in c for c in recorded_runs)
    # other flags: another key, so the kept wheel is not used
    other = B.plan_build(flags(AVX2_ONLY))
    recorded_runs.clear()
    assert B.ensure_built(tmp_path, venv2, other) == "built"


# -- the self-check ---------------------------------------------------------------------------
def _fake_python(tmp_path: Path, body: str) -> str:
    exe = tmp_path / f"fakepython-{abs(hash(body))}"
    exe.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return str(exe)


def test_probe_reports_a_crash_by_signal(tmp_path):
    py = _fake_python(tmp_path, "echo 'load_tensors: AMX model buffer size = 950.71 MiB' >&2\nkill -SEGV $$")
    res = P.run_probe(tmp_path / "m.gguf", python=py)
    assert not res.ok and res.signal_name == "SIGSEGV" and "crashed" in res.detail
    assert res.uses_amx and res.buffer_types == ("AMX",)


def test_probe_success_and_buffer_types(tmp_path):
    py = _fake_python(tmp_path, "echo 'load_tensors: CPU_REPACK model buffer size = 700.0 MiB' >&2\n"
                      "echo 'load_tensors:   CPU_Mapped model buffer size = 1000.0 MiB' >&2\n"
                      "echo '{\"tokens\": 8, \"seconds\": 0.4}'")
    res = P.run_probe(tmp_path / "m.gguf", python=py)
    assert res.ok and res.tokens == 8 and res.buffer_types == ("CPU_REPACK", "CPU_Mapped") and not res.uses_amx


def test_ensure_generation_safe_raises_with_rebuild_hint_and_caches_success(tmp_path):
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 16)
    crash = _fake_python(tmp_path, "kill -SEGV $$")
    with pytest.raises(ModelError) as err:
        P.ensure_generation_safe(model, tmp_path / "probe", file_hint="reinstall", python=crash)
    assert "llama_build.py --rebuild" in err.value.hint and "SIGSEGV" in err.value.message
    failing = _fake_python(tmp_path, "echo 'bad magic' >&2; exit 1")
    with pytest.raises(ModelError) as err:
        P.ensure_generation_safe(model, tmp_path / "probe", file_hint="reinstall", python=failing)
    assert err.value.hint == "reinstall"  # not a build problem: the file's own repair hint
    ok = _fake_python(tmp_path, "echo '{\"tokens\": 8, \"seconds\": 0.1}'")
    assert P.ensure_generation_safe(model, tmp_path / "probe", python=ok).ok
    # remembered: a crashing child is not even started again for the same build, model and CPU
    assert P.ensure_generation_safe(model, tmp_path / "probe", python=crash) is None
    assert len(list((tmp_path / "probe").glob("probe-*.json"))) == 1
    # a failed probe is remembered by the process: asked again, the child is not started again
    other = tmp_path / "other.gguf"
    other.write_bytes(b"GGUF" + b"\1" * 16)
    counter = tmp_path / "starts"
    counting_crash = _fake_python(tmp_path, f"echo x >> {counter}; kill -SEGV $$")
    for _ in range(3):
        with pytest.raises(ModelError):
            P.ensure_generation_safe(other, tmp_path / "probe", python=counting_crash)
    assert counter.read_text().count("x") == 1


def test_build_script_runs_without_the_package(tmp_path):
    """run.sh runs it before anything is installed: stdlib only, as a file."""
    script = Path(B.__file__)
    out = subprocess.run([sys.executable, "-S", str(script), "--show"], capture_output=True, text=True)
    if "lacks" in out.stderr:
        pytest.skip("CPU without AVX2")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["version"] == B.LLAMA_CPP_VERSION
