"""The embedding engine: torch or the OpenVINO export (qa/models/openvino_export.py).

Fast tests run the real conversion and the real OpenVINO runtime on a tiny random BERT made here
(a sentence-transformers folder with a word-piece tokenizer), so export, parity check, atomic
write, validation and the embedder wiring are all exercised without the built-in weights. The
``real_models`` tests check the installed export of the built-in embedder against torch.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from qa.errors import ConfigError, ModelError
from qa.index.builder import IndexBuilder
from qa.index.embedders import HashEmbedder, SentenceTransformerEmbedder, make_embedder, resolve_backend
from qa.models import openvino_export as ovx
from qa.settings import BUILTIN_EMBEDDER, Settings

ROOT = Path(__file__).resolve().parents[1]
_EXPORTED: list[Path] = []
TEXTS = ["到2025年能耗下降14%", "abc def", "节能减排 目标", "碳 达峰 碳中和 2030年", "ꎬ 〔2022〕 １４号"]


@pytest.fixture(scope="module")
def tiny_st(tmp_path_factory) -> Path:
    """A random 2-layer BERT as a sentence-transformers folder (mean pooling, normalised, e5 prompts)."""
    import torch
    from sentence_transformers import SentenceTransformer, models
    from tokenizers import Tokenizer, normalizers, pre_tokenizers
    from tokenizers import models as tmodels
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    torch.manual_seed(0)
    chars = sorted(set("".join(TEXTS) + "abcdefghijklmnopqrstuvwxyz0123456789:.?，。目标是多少问题"))
    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + chars + [f"##{c}" for c in chars])}
    tok = Tokenizer(tmodels.WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", model_max_length=64)
    folder = tmp_path_factory.mktemp("tiny") / "tiny-st"
    raw = folder.parent / "raw"
    BertModel(BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(raw)
    fast.save_pretrained(raw)
    tr = models.Transformer(str(raw), max_seq_length=64)
    st = SentenceTransformer(modules=[tr, models.Pooling(32, "mean"), models.Normalize()], device="cpu",
                             prompts={"query": "query: ", "passage": "passage: "})
    st.save(str(folder))
    (folder / "qa_model_info.json").write_text('{"converter_version": 0}', encoding="utf-8")
    return folder


def _settings(tmp_path, **kw) -> Settings:
    return Settings(models_dir=str(tmp_path / "models"), index_dir=str(tmp_path / "index"), **kw)


def test_backend_setting_resolves(tmp_path):
    assert resolve_backend(_settings(tmp_path)) == "openvino"  # built-in model, default auto
    assert resolve_backend(_settings(tmp_path, embedding_model="/some/folder")) == "torch"
    assert resolve_backend(_settings(tmp_path, embedding_backend="torch")) == "torch"
    assert resolve_backend(_settings(tmp_path, embedding_model="x", embedding_backend="OpenVINO")) == "openvino"
    with pytest.raises(ConfigError) as exc:
        resolve_backend(_settings(tmp_path, embedding_backend="onnx"))
    assert "auto, openvino, torch" in exc.value.hint


def test_bad_backend_fails_before_loading(tmp_path):
    emb = make_embedder(_settings(tmp_path, embedding_backend="tensorrt"))
    with pytest.raises(ConfigError):
        emb.load()


def test_export_parity_validation_and_embedder(tiny_st, tmp_path):
    model = tmp_path / "m"
    shutil.copytree(tiny_st, model)
    logs: list[str] = []
    out = ovx.export_openvino(model, n_threads=1, progress=False, log=logs.append)
    assert out == model / "openvino" and not list(model.glob(".openvino.tmp-*"))
    info = ovx.read_info(model)
    assert info["parity"]["ok"] and info["parity"]["min_cosine"] >= ovx.MIN_COSINE
    assert info["parity"]["n_texts"] > 100  # edge strings and questions even without a corpus
    assert "min cosine" in logs[0]
    assert ovx.validate_export(model) == model / "openvino" / ovx.OV_XML
    _EXPORTED.append(model / "openvino")

    # the embedder on the export (in-memory conversion for a non-built-in folder) equals torch
    s = _settings(tmp_path, embedding_model=str(model), n_threads=1)
    fast = SentenceTransformerEmbedder(s.replace(embedding_backend="openvino"))
    slow = SentenceTransformerEmbedder(s.replace(embedding_backend="torch"))
    assert fast.backend == "openvino" and slow.backend == "torch"
    a, b = fast.embed_passages(TEXTS), slow.embed_passages(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), 32) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-4)
    assert ((a * b).sum(axis=1) >= 0.99).all()
    q = fast.embed_queries(["目标是多少"])
    assert not np.allclose(q, fast.embed_passages(["目标是多少"]))  # query and passage prompts differ
    assert type(fast.load()[0].auto_model).__name__ == "_OpenVINOTransformer"


def test_export_problems_give_the_fix(tiny_st, tmp_path):
    model = tmp_path / "m"
    shutil.copytree(tiny_st, model)
    with pytest.raises(ModelError) as exc:
        ovx.validate_export(model)
    assert "qa models install" in exc.value.hint and "torch" in exc.value.hint
    if _EXPORTED:  # the export made by test_export_parity_validation_and_embedder (one conversion per run)
        shutil.copytree(_EXPORTED[0], model / "openvino")
    else:
        ovx.export_openvino(model, n_threads=1, progress=False, log=lambda _m: None)
    ovx.validate_export(model)
    info_path = model / "openvino" / ovx.OV_INFO
    good = info_path.read_text(encoding="utf-8")
    cases = {
        "another version": {**json.loads(good), "export_version": 0},
        "weights": {**json.loads(good), "source": {"weights_bytes": 1, "model_info_sha256": None}},
        "parity": {**json.loads(good), "parity": {"ok": False}},
    }
    for needle, info in cases.items():
        info_path.write_text(json.dumps(info), encoding="utf-8")
        with pytest.raises(ModelError) as exc:
            ovx.validate_export(model)
        assert needle in exc.value.message and "qa models install" in exc.value.hint
    info_path.write_text(good, encoding="utf-8")
    ovx.validate_export(model)
    # a rebuilt model (its converter record changed) invalidates the export
    record = (model / "qa_model_info.json").read_text(encoding="utf-8")
    (model / "qa_model_info.json").write_text('{"converter_version": 1}', encoding="utf-8")
    with pytest.raises(ModelError, match="weights"):
        ovx.validate_export(model)
    (model / "qa_model_info.json").write_text(record, encoding="utf-8")
    (model / "openvino" / ovx.OV_BIN).write_bytes(b"")
    with pytest.raises(ModelError, match="incomplete"):
        ovx.validate_export(model)


def test_failed_parity_keeps_no_export(tiny_st, tmp_path, monkeypatch):
    model = tmp_path / "m"
    shutil.copytree(tiny_st, model)
    monkeypatch.setattr(ovx, "MIN_COSINE", 1.5)  # unreachable: the check must refuse the export
    with pytest.raises(ModelError, match="does not match") as exc:
        ovx.export_openvino(model, n_threads=1, progress=False, log=lambda _m: None)
    assert "torch" in exc.value.hint
    assert not (model / "openvino").exists() and not list(model.glob(".openvino.tmp-*"))


def test_missing_openvino_package_is_a_typed_error(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake(name, *a, **kw):
        if name == "openvino":
            raise ImportError("No module named 'openvino'")
        return real_import(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(ModelError) as exc:
        ovx.precision()
    assert "pip install" in exc.value.hint and "torch" in exc.value.hint


def test_build_progress_bar_shows_chunks_per_second(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("四川省节能方案\n一、总体要求\n（一）目标。到2025年能耗下降14%。\n（二）措施。推进节能。\n",
                                  encoding="utf-8")
    s = Settings(corpus_dir=str(corpus), index_dir=str(tmp_path / "index"), embedding_model="hash:64")
    IndexBuilder(s, HashEmbedder(64), progress=True).build()
    err = capsys.readouterr().err
    assert "嵌入 embedding" in err and "chunks/s" in err


@pytest.mark.real_models
def test_real_builtin_export_matches_torch_on_corpus_chunks():
    """The installed export of the built-in embedder: the default engine, parity ≥ 0.99 with torch."""
    from qa.settings import load_settings

    s = load_settings(env={}).replace(models_dir=str(ROOT / "models"), corpus_dir=str(ROOT / "corpus"))
    assert s.embedding_model == BUILTIN_EMBEDDER and resolve_backend(s) == "openvino"
    rows = [json.loads(line) for line in (ROOT / "index" / "chunks.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [(r["header"] + "\n" + r["text"]) if r.get("header") else r["text"] for r in rows][::12]
    fast = make_embedder(s)
    slow = make_embedder(s.replace(embedding_backend="torch"))
    cos = (fast.embed_passages(texts) * slow.embed_passages(texts)).sum(axis=1)
    assert cos.min() >= 0.99, cos.min()
    qs = ["到2025年四川省单位地区生产总值能耗要下降多少？", "雅安市减污降碳行动方案由哪些部门联合印发？"]
    assert ((fast.embed_queries(qs) * slow.embed_queries(qs)).sum(axis=1) >= 0.99).all()
    info = ovx.read_info(ROOT / "models" / "multilingual-e5-small")
    assert info["parity"]["ok"] and info["parity"]["n_texts"] >= 100


def test_install_exports_once_and_only_for_openvino(tmp_path, monkeypatch):
    from qa.models import e5 as E5
    from qa.models import provision as P

    monkeypatch.setattr(E5, "validate_e5_dir", lambda path: None)  # the converted folder counts as installed
    calls = []
    monkeypatch.setattr(ovx, "export_openvino", lambda path, **kw: calls.append((Path(path), kw)))
    s = _settings(tmp_path, corpus_dir=str(tmp_path / "corpus"))
    P.install_models(s, skip_generator=True, progress=False, log=lambda _m: None)
    assert len(calls) == 1 and calls[0][0] == tmp_path / "models" / "multilingual-e5-small"
    assert calls[0][1]["corpus_dir"] == s.corpus_dir
    P.install_models(s.replace(embedding_backend="torch"), skip_generator=True, progress=False, log=lambda _m: None)
    assert len(calls) == 1  # torch engine: no export
    monkeypatch.setattr(ovx, "validate_export", lambda path: Path(path) / "openvino" / ovx.OV_XML)
    P.install_models(s, skip_generator=True, progress=False, log=lambda _m: None)
    assert len(calls) == 1  # a valid export is kept
