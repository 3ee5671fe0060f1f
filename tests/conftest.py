"""Shared fixtures: settings and a service built from the real corpus with deterministic fakes
(hashed-bigram embedder, canned-reply generator), so wiring tests run in seconds."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from qa.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def fake_settings(tmp: Path, **overrides) -> Settings:
    corpus = tmp / "corpus"
    if not corpus.exists():
        shutil.copytree(CORPUS, corpus)
    base = dict(corpus_dir=str(corpus), index_dir=str(tmp / "index"), models_dir=str(tmp / "models"),
                data_dir=str(tmp / "data"), embedding_model="hash:256", generator_backend="fake",
                refusal_threshold=0.0)  # the threshold is calibrated for the real embedder
    base.update(overrides)
    return load_settings(env={}, **base)


def write_config(path: Path, settings: Settings, *extra: str) -> Path:
    """A settings file pointing at `settings`' index (for the fake index: hash embedder) with the fake
    generator, plus the settings named in `extra`; everything else keeps its default."""
    s = settings
    values = {"corpus_dir": s.corpus_dir, "index_dir": s.index_dir, "models_dir": s.models_dir,
              "data_dir": s.data_dir, "embedding_model": s.embedding_model, "generator_backend": "fake",
              **{k: getattr(s, k) for k in extra}}
    path.write_text("".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items()), encoding="utf-8")
    return path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def interrupt_ask_at_call(monkeypatch: pytest.MonkeyPatch, n: int) -> Callable:
    """Make `build_service` return services whose `n`-th `ask` raises KeyboardInterrupt (Ctrl-C);
    returns the real `build_service`, to put back."""
    import qa.service

    real_build = qa.service.build_service

    def interrupting_service(settings):
        service = real_build(settings)
        real_ask = service.ask
        calls = {"n": 0}

        def ask(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == n:
                raise KeyboardInterrupt
            return real_ask(*args, **kwargs)

        service.ask = ask
        return service

    monkeypatch.setattr(qa.service, "build_service", interrupting_service)
    return real_build


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory) -> Settings:
    """Settings whose index (hash embedder, real corpus) is built once per test session."""
    from qa.index.builder import IndexBuilder
    from qa.index.embedders import make_embedder

    tmp = tmp_path_factory.mktemp("fake-index")
    settings = fake_settings(tmp)
    IndexBuilder(settings, make_embedder(settings), progress=False).build()
    return settings


@pytest.fixture()
def fake_service(fake_index):
    """A fresh QAService over the shared fake index, with a FakeGenerator (default reply)."""
    from qa.service import build_service

    return build_service(fake_index)


@pytest.fixture(scope="module")
def qa_cli():
    """The root `qa` group with the stages registered (the evaluation ones at least)."""
    import qa.cli
    from qa.evaluation.cli import register

    try:
        qa.cli._register()
    except ImportError:  # another stage still being written: the evaluation commands are all the tests need
        register(qa.cli.cli)
    if not {"batch", "eval"} <= qa.cli.cli.commands.keys():
        register(qa.cli.cli)
    return qa.cli.cli
