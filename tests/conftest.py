"""Shared fixtures: settings and a service built from the real corpus with deterministic fakes
(hashed-bigram embedder, canned-reply generator), so wiring tests run in seconds."""

from __future__ import annotations

import shutil
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
