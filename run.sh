#!/usr/bin/env bash
# policy-qa: one script, two commands (both idempotent, safe to re-run):
#   ./run.sh chat   set everything up, then start the chat page (http://127.0.0.1:7860)
#   ./run.sh test   set everything up, then run every test (real models and browser included)
# Setting up = a virtualenv in .venv, the CPU build of torch, the package and its tools, the
# built-in offline models (`qa models install`), and the index of corpus/ if there is none.
set -euo pipefail
cd "$(dirname "$0")"

VENV=${QA_VENV:-.venv}
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    step "创建虚拟环境 creating virtualenv $VENV"
    "$PY" -m venv "$VENV"
  fi
  # shellcheck disable=SC1091
  . "$VENV/bin/activate"
  if ! python -c 'import torch, sys; sys.exit(0 if torch.__version__.startswith("2.13.0") else 1)' 2>/dev/null; then
    step "安装 torch 2.13.0 (CPU build, before anything that depends on torch)"
    pip install --progress-bar on "torch==2.13.0"
  fi
  # llama.cpp is built by our own script, never by pip's default (-march=native) build: that build
  # segfaults on CPUs with AMX. The script picks portable flags by the CPU's instruction sets (AVX2,
  # plus AVX-512/VNNI where present; native and AMX off — measured, see its docstring and README
  # "Performance"), keeps the wheel under ~/.cache/policy-qa/llama-wheels/<key of version+flags>/ and
  # records the installed key in the venv, so a second run compiles nothing (a fresh clone on the same
  # machine installs the kept wheel) and a wheel built with other flags is never used.
  step "编译 llama.cpp (portable flags; once per machine, ~8 min on 2 cores)"
  python qa/models/llama_build.py
  step "安装依赖 installing policy-qa and its dependencies"
  pip install --progress-bar on -e ".[dev]" | grep -v -E "^(Requirement already satisfied|WARNING: Location)" || true
  python -c 'import qa, llama_cpp, sentence_transformers, faiss, openvino' \
    || { echo "依赖安装失败 / dependency install failed" >&2; exit 1; }
  step "安装离线模型 installing the offline models"
  qa models install
  if ! qa index info >/dev/null 2>&1; then
    step "建立索引 building the index of corpus/"
    qa index build
  fi
}

ensure_browser() {
  if [ ! -x /usr/bin/chromium ]; then
    step "安装 Chromium (Debian) for the browser test"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium fonts-wqy-zenhei
  fi
}

case "${1:-}" in
  chat)
    setup
    step "启动问答页面 starting the chat page on http://${QA_HOST:-127.0.0.1}:${QA_PORT:-7860}"
    exec qa serve
    ;;
  test)
    setup
    step "安装 0.5B 模型 (--fast) so its test can verify it"
    qa models install --fast
    # llama.cpp's llama-server (the multi-slot engine) for tests/test_llama_server_engine.py and
    # bench/load_api.py: only that target, same portable flags as the wheel, once per machine
    # (~/.cache/policy-qa/llama-server/<key>/)
    step "编译 llama-server (multi-slot engine; once per machine, minutes on 2 cores)"
    qa engine build
    ensure_browser
    step "运行全部测试 running all tests"
    # -m "" lifts the default marker filter: real-model and browser tests run too
    exec python -m pytest -m "" -q "${@:2}"
    ;;
  *)
    echo "usage: ./run.sh chat | ./run.sh test [pytest args]" >&2
    exit 2
    ;;
esac
