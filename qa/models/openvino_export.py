"""OpenVINO export of a sentence-transformers model: the fast embedding engine on CPUs.

`qa models install` converts the built-in embedder's transformer (the torch ``BertModel`` that
sentence-transformers loads) into OpenVINO IR with ``openvino.convert_model`` — offline, from the
local weights, no ONNX and no hub — and writes it to ``<model folder>/openvino/`` (atomically: a
temporary folder renamed into place). Before the folder is kept, the export is compared with the
torch model on corpus passages, questions and edge-case strings: every cosine must be ≥
:data:`MIN_COSINE` (the figures go into ``qa_openvino_info.json``).

At run time only the transformer forward changes: :func:`use_openvino` swaps the torch module inside
a loaded ``SentenceTransformer`` for a small module that runs the compiled IR, so tokenisation, prompts, length
sorting, pooling and normalisation stay sentence-transformers' own, for queries and passages alike.
The CPU runs the IR in bf16 where it has native bf16 (AVX-512 BF16 / AMX: ~4x the fp32 torch speed
here), else in fp32.

Why not sentence-transformers' own ``backend="onnx"`` / ``"openvino"``: they need ``optimum-onnx``
(which requires transformers < 4.58, while sentence-transformers 6 requires transformers ≥ 5) or
``optimum-intel`` (which pulls another torch build); ``openvino`` alone converts the torch module.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import ModelError
from qa.models._fs import INSTALL_HINT, fsync_dir, fsync_file, remove_path

OV_DIRNAME = "openvino"
OV_XML = "openvino_model.xml"
OV_BIN = "openvino_model.bin"
OV_INFO = "qa_openvino_info.json"
#: Bumped when the export changes; a folder written by another version is exported again.
EXPORT_VERSION = 1
#: Every text's cosine between the export and the torch model must reach this.
MIN_COSINE = 0.99
TORCH_HINT = "或设置 embedding_backend = \"torch\" 使用 torch 引擎 / or set embedding_backend = \"torch\""
PIP_HINT = "pip install 'openvino>=2024.4,<2027'（或重新运行 ./run.sh）/ or set embedding_backend = \"torch\""


@dataclass(frozen=True)
class ExportParity:
    n_texts: int
    min_cosine: float
    mean_cosine: float
    precision: str

    @property
    def ok(self) -> bool:
        return self.n_texts > 0 and self.min_cosine >= MIN_COSINE


def _openvino():
    try:
        import openvino as ov
    except ImportError as exc:
        raise ModelError(f"OpenVINO 未安装，无法使用 openvino 嵌入引擎 / openvino is not installed ({exc})",
                         hint=PIP_HINT) from None
    return ov


def precision(core=None) -> str:
    """``bf16`` where the CPU computes bf16 natively, else ``f32``."""
    ov = _openvino()
    core = core or ov.Core()
    caps = core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    return "bf16" if "BF16" in caps else "f32"


def ov_dir(model_dir: Path | str) -> Path:
    return Path(model_dir) / OV_DIRNAME


def _source_fingerprint(model_dir: Path) -> dict[str, Any]:
    """What the export was made from: the weights' size and the converter's record (a rebuilt model differs)."""
    import hashlib

    w, rec = model_dir / "model.safetensors", model_dir / "qa_model_info.json"
    return {"weights_bytes": w.stat().st_size if w.exists() else None,
            "model_info_sha256": hashlib.sha256(rec.read_bytes()).hexdigest() if rec.exists() else None}


def validate_export(model_dir: Path | str) -> Path:
    """The IR file of a valid export of ``model_dir``; raises ModelError with the fix otherwise."""
    model_dir = Path(model_dir)
    folder = ov_dir(model_dir)
    if not folder.is_dir():
        raise ModelError(f"嵌入模型的 OpenVINO 导出不存在 / the OpenVINO export of the embedder is missing ({folder})",
                         hint=f"{INSTALL_HINT}；{TORCH_HINT}")
    for name in (OV_XML, OV_BIN, OV_INFO):
        if not (folder / name).is_file() or (folder / name).stat().st_size == 0:
            raise ModelError(f"OpenVINO 导出不完整 / the OpenVINO export is incomplete: {folder / name} is missing",
                             hint=f"{INSTALL_HINT}；{TORCH_HINT}")
    try:
        info = json.loads((folder / OV_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{folder / OV_INFO} 无法读取 / unreadable ({exc})", hint=f"{INSTALL_HINT}；{TORCH_HINT}") from None
    if info.get("export_version") != EXPORT_VERSION:
        raise ModelError(f"{folder} 由其他版本导出 / was exported by another version", hint=f"{INSTALL_HINT}；{TORCH_HINT}")
    if info.get("source") != _source_fingerprint(model_dir):
        raise ModelError(f"{folder} 与当前模型权重不符 / does not match the model's weights (rebuilt since?)",
                         hint=f"{INSTALL_HINT}；{TORCH_HINT}")
    if not info.get("parity", {}).get("ok"):
        raise ModelError(f"{folder} 未通过一致性检查 / failed its parity check", hint=f"{INSTALL_HINT}；{TORCH_HINT}")
    return folder / OV_XML


def read_info(model_dir: Path | str) -> dict[str, Any]:
    return json.loads((ov_dir(model_dir) / OV_INFO).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- conversion
def convert_transformer(st_model):
    """The ``openvino.Model`` of a loaded SentenceTransformer's transformer (last_hidden_state out)."""
    import torch

    ov = _openvino()
    auto = st_model[0].auto_model.eval()

    class _Forward(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    enc = st_model.tokenizer(["passage: 到2025年能耗下降14%。", "query: hi"], padding=True, return_tensors="pt")
    shape = ov.PartialShape([-1, -1])
    import warnings

    # the tracer warns about two shape conditions in transformers' mask code; with an attention mask
    # given they are constant (no padding beyond the mask, not causal), and the parity check runs
    # batches of every length through the result
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ov.convert_model(
            _Forward(auto), example_input={"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]},
            input=[("input_ids", shape, ov.Type.i64), ("attention_mask", shape, ov.Type.i64)])


def compile_model(model_or_path, n_threads: int, prec: str | None = None, cache_dir: Path | None = None):
    """Compile for the CPU. ``cache_dir``: OpenVINO's compiled-model cache (the next load skips compiling)."""
    ov = _openvino()
    core = ov.Core()
    prec = prec or precision(core)
    config = {"INFERENCE_NUM_THREADS": max(1, int(n_threads)), "INFERENCE_PRECISION_HINT": prec,
              "PERFORMANCE_HINT": "LATENCY"}
    if cache_dir is not None:
        try:
            Path(cache_dir).mkdir(exist_ok=True)
            if os.access(cache_dir, os.W_OK):
                config["CACHE_DIR"] = str(cache_dir)
        except OSError:
            pass  # a read-only models folder: compile every time
    try:
        return core.compile_model(str(model_or_path) if isinstance(model_or_path, Path) else model_or_path, "CPU",
                                  config)
    except Exception as exc:  # noqa: BLE001 - OpenVINO raises RuntimeError subclasses with C++ messages
        raise ModelError(f"OpenVINO 无法编译嵌入模型 / OpenVINO could not compile the embedder ({model_or_path}): "
                         f"{str(exc).strip()[:300]}", hint=f"{INSTALL_HINT}；{TORCH_HINT}") from None


def _make_transformer_class():
    import torch

    class _OpenVINOTransformer(torch.nn.Module):
        """Stands in for the torch transformer inside sentence-transformers' ``Transformer`` module."""

        def __init__(self, compiled, config) -> None:
            super().__init__()
            self.config = config
            self._compiled = compiled
            self._request = compiled.create_infer_request()
            self._lock = threading.Lock()

        def forward(self, input_ids=None, attention_mask=None, **_ignored):
            feed = {"input_ids": input_ids.cpu().numpy().astype(np.int64),
                    "attention_mask": attention_mask.cpu().numpy().astype(np.int64)}
            with self._lock:  # one infer request, reused; its output buffer is copied out
                out = np.array(self._request.infer(feed)[0], dtype=np.float32, copy=True)
            return {"last_hidden_state": torch.from_numpy(out)}

    return _OpenVINOTransformer


def use_openvino(st_model, compiled) -> None:
    """Swap the torch transformer of ``st_model`` for the compiled OpenVINO model (frees its weights)."""
    module = st_model[0]
    cls = _make_transformer_class()
    config = module.auto_model.config
    module.model = cls(compiled, config)
    import gc

    gc.collect()


# --------------------------------------------------------------------------- parity
def parity_texts(corpus_dir: Path | str | None, n_passages: int = 64) -> tuple[list[str], list[str]]:
    from qa.models.parity import EDGE_STRINGS, QUERIES, corpus_passages

    passages = corpus_passages(corpus_dir, limit=n_passages) if corpus_dir and Path(corpus_dir).is_dir() else []
    return passages + EDGE_STRINGS, list(QUERIES)


def compare(torch_model, ov_model, passages: list[str], queries: list[str], prec: str) -> ExportParity:
    cos = []
    for texts, kind in ((passages, "passage"), (queries, "query")):
        if not texts:
            continue
        a = torch_model.encode(texts, prompt_name=kind, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)
        b = ov_model.encode(texts, prompt_name=kind, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)
        cos.append((a * b).sum(axis=1))
    allc = np.concatenate(cos) if cos else np.zeros(0)
    return ExportParity(int(allc.size), round(float(allc.min()), 5) if allc.size else 0.0,
                        round(float(allc.mean()), 5) if allc.size else 0.0, prec)


def export_openvino(model_dir: Path | str, *, n_threads: int = 2, corpus_dir: Path | str | None = None,
                    progress: bool = True, log=print) -> Path:
    """Export ``model_dir`` (a sentence-transformers folder) to ``model_dir/openvino`` and check parity."""
    from tqdm import tqdm

    from qa.models.e5 import load_sentence_transformer

    ov = _openvino()
    model_dir = Path(model_dir)
    final = ov_dir(model_dir)
    tmp = model_dir / f".{OV_DIRNAME}.tmp-{os.getpid()}"
    for stale in model_dir.glob(f".{OV_DIRNAME}.tmp-*"):
        remove_path(stale)
    tmp.mkdir(parents=True)
    steps = ["load torch model", "convert to OpenVINO", "save IR", "parity with torch"]
    bar = tqdm(total=len(steps), desc="embedder: OpenVINO export", unit="step", disable=not progress)
    try:
        t0 = time.time()
        import torch

        torch.set_num_threads(max(1, n_threads))
        bar.set_postfix_str(steps[0])
        ref = load_sentence_transformer(str(model_dir))
        bar.update()
        bar.set_postfix_str(steps[1])
        ov_model = convert_transformer(ref)
        bar.update()
        bar.set_postfix_str(steps[2])
        # weights stored as fp16 (half the disk); computed in bf16/f32 (checked below)
        ov.save_model(ov_model, str(tmp / OV_XML), compress_to_fp16=True)
        del ov_model
        bar.update()
        bar.set_postfix_str(steps[3])
        prec = precision()
        fast = load_sentence_transformer(str(model_dir))
        use_openvino(fast, compile_model(tmp / OV_XML, n_threads, prec))
        passages, queries = parity_texts(corpus_dir)
        par = compare(ref, fast, passages, queries, prec)
        bar.update()
        info = {"export_version": EXPORT_VERSION, "openvino": ov.__version__, "source": _source_fingerprint(model_dir),
                "parity": {**asdict(par), "ok": par.ok, "threshold_min_cosine": MIN_COSINE},
                "export_seconds": round(time.time() - t0, 1), "built_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        if not par.ok:
            raise ModelError(f"OpenVINO 导出与 torch 模型不一致 / the OpenVINO export does not match the torch model "
                             f"(min cosine {par.min_cosine} < {MIN_COSINE} over {par.n_texts} texts, {prec})",
                             hint="设置 embedding_backend = \"torch\" 并报告此问题 / set embedding_backend = \"torch\" "
                                  "and report this")
        (tmp / OV_INFO).write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
        for p in tmp.iterdir():
            fsync_file(p)
        if final.exists():
            old = model_dir / f".{OV_DIRNAME}.old-{os.getpid()}"
            os.replace(final, old)
            os.replace(tmp, final)
            remove_path(old)
        else:
            os.replace(tmp, final)
        fsync_dir(model_dir)
        log(f"embedder: OpenVINO export in {final} ({prec}; parity with torch over {par.n_texts} texts: "
            f"min cosine {par.min_cosine:.4f}, mean {par.mean_cosine:.5f})")
    except BaseException:
        remove_path(tmp)
        raise
    finally:
        bar.close()
    return final
