"""Generation backends: registry, cheap constructors, streaming, cancel and error messages.

Fast by default: a tiny random transformers model built in a temporary folder, a fake
OpenAI-compatible server on 127.0.0.1, and a garbage .gguf. The real GGUF tests are marked
``real_models`` and skip when the model file is absent (``QA_TEST_GGUF=/path/x.gguf`` picks one).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from qa.answer.generators import GENERATORS, make_generator
from qa.errors import GenerationError, ModelError
from qa.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
MSGS = [{"role": "system", "content": "你是政策问答助手。"},
        {"role": "user", "content": "四川省单位地区生产总值能耗下降多少？"}]


def _cancel_after(gen, n: int, *, max_tokens: int, messages=MSGS) -> list[str]:
    """Stream `messages`, setting the cancel event once `n` pieces have arrived; the pieces received."""
    cancel = threading.Event()
    pieces = []
    for piece in gen.stream(messages, max_tokens=max_tokens, cancel=cancel):
        pieces.append(piece)
        if len(pieces) == n:
            cancel.set()
    return pieces


# -- registry and constructors ---------------------------------------------------------------
@pytest.mark.parametrize("backend,cls", [("llama-cpp", "LlamaCppGenerator"),
                                         ("transformers", "TransformersGenerator"),
                                         ("openai", "OpenAIGenerator")])
def test_registry_resolves_and_constructor_loads_nothing(backend: str, cls: str, tmp_path: Path) -> None:
    s = Settings(generator_backend=backend, generator_model=str(tmp_path / "missing-model"),
                 openai_base_url="http://127.0.0.1:9/v1")
    gen = make_generator(s)
    assert type(gen).__name__ == cls and gen.name == backend and backend in GENERATORS
    st = gen.status()
    assert st["backend"] == backend and st["loaded"] is False and st["error"] is None
    assert gen.count_tokens("四川省能耗") > 0  # an estimate, without loading anything


# -- tiny transformers model -----------------------------------------------------------------
CHATML = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
          "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 2-layer Llama model (its model type keeps our tokenizer class) with a character-level tokenizer and a ChatML template."""
    torch = pytest.importorskip("torch")
    from tokenizers import AddedToken, Regex, Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    path = tmp_path_factory.mktemp("tiny-lm")
    specials = ["<unk>", "<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    chars = sorted(set("".join(m["content"] for m in MSGS) + "百分之十证据回答系统用户"))
    words = list("abcdefghijklmnopqrstuvwxyz0123456789\n.,%[]")
    vocab = {t: i for i, t in enumerate(specials + words + chars)}
    tk = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tk.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    tk.add_special_tokens([AddedToken(t, special=True) for t in specials])
    tok = PreTrainedTokenizerFast(tokenizer_object=tk, unk_token="<unk>", eos_token="<|im_end|>",
                                  pad_token="<|endoftext|>")
    tok.chat_template = CHATML
    tok.save_pretrained(path)
    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                      eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    LlamaForCausalLM(cfg).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_gen(tiny_lm: Path):
    from qa.answer.backends.transformers_backend import TransformersGenerator

    gen = TransformersGenerator(Settings(generator_backend="transformers", generator_model=str(tiny_lm),
                                         n_threads=1))
    gen.load()
    return gen


def test_transformers_streams_greedy_and_reproducible(tiny_gen) -> None:
    assert tiny_gen.status()["loaded"] is True
    first = list(tiny_gen.stream(MSGS, max_tokens=12))
    assert first and all(isinstance(p, str) and p for p in first)
    assert list(tiny_gen.stream(MSGS, max_tokens=12)) == first  # greedy
    stats = tiny_gen.last_stats
    assert stats["prompt_tokens"] > 20 and 0 < stats["completion_tokens"] <= 12
    assert stats["first_token_ms"] is not None
    assert tiny_gen.count_tokens("四川省") == 3  # the real tokenizer once loaded


def test_transformers_cancel_stops_early(tiny_gen) -> None:
    pieces = _cancel_after(tiny_gen, 3, max_tokens=300)
    assert len(pieces) == 3
    assert tiny_gen.last_stats["completion_tokens"] < 100


def test_transformers_closing_the_stream_stops_generation(tiny_gen) -> None:
    it = tiny_gen.stream(MSGS, max_tokens=300)
    next(it)
    it.close()
    assert tiny_gen.last_stats["completion_tokens"] < 100
    assert list(tiny_gen.stream(MSGS, max_tokens=3))  # the generator is usable again


def test_transformers_stop_strings_cut_the_answer(tiny_gen) -> None:
    full = "".join(tiny_gen.stream(MSGS, max_tokens=20))
    stop = full[4:6]
    cut = "".join(tiny_gen.stream(MSGS, max_tokens=20, stop=[stop]))
    assert cut == full[: full.find(stop)]


def test_transformers_prompt_too_long(tiny_gen) -> None:
    long = [{"role": "user", "content": "四" * 600}]
    with pytest.raises(GenerationError, match="top_k"):
        list(tiny_gen.stream(long, max_tokens=5))


def test_transformers_missing_model_is_model_error(tmp_path: Path) -> None:
    from qa.answer.backends.transformers_backend import TransformersGenerator

    gen = TransformersGenerator(Settings(generator_backend="transformers",
                                         generator_model=str(tmp_path / "nope")))
    with pytest.raises(ModelError) as err:
        gen.load()
    assert err.value.hint and gen.status()["error"]


# -- fake OpenAI-compatible server -----------------------------------------------------------
class _FakeOpenAI(BaseHTTPRequestHandler):
    """Serves /v1/chat/completions (stream true/false). Model 'missing' → 404, 'boom' → 500."""

    requests: list[dict] = []
    reply = "四川省下降14%。[1]"

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _json(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body["_auth"] = self.headers.get("Authorization")
        type(self).requests.append(body)
        if self.path != "/v1/chat/completions" or body["model"] == "missing":
            return self._json(404, {"error": {"message": "model not found", "type": "not_found"}})
        if body["model"] == "boom":
            return self._json(500, {"error": {"message": "kaboom", "type": "server_error"}})
        text = self.reply * (20 if body["model"] == "slow" else 1)
        if not body.get("stream"):
            return self._json(200, {"id": "x", "object": "chat.completion", "created": 0,
                                    "model": body["model"], "choices": [
                                        {"index": 0, "finish_reason": "stop",
                                         "message": {"role": "assistant", "content": text}}]})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

        def event(delta: dict, finish: str | None = None) -> None:
            chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()

        try:
            event({"role": "assistant", "content": ""})
            for i in range(0, len(text), 2):
                event({"content": text[i:i + 2]})
                if body["model"] == "slow":
                    time.sleep(0.01)
            event({}, "stop")
            self.wfile.write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def fake_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def _openai(url: str, model: str = "qwen", key: str = ""):
    from qa.answer.backends.openai_backend import OpenAIGenerator

    gen = OpenAIGenerator(Settings(generator_backend="openai", generator_model=model,
                                   openai_base_url=url, openai_api_key=key))
    gen.max_retries = 0
    return gen


def test_openai_streams_from_server(fake_server: str) -> None:
    _FakeOpenAI.requests.clear()
    gen = _openai(fake_server, key="secret")
    pieces = list(gen.stream(MSGS, max_tokens=50, stop=["\n\n"]))
    assert "".join(pieces) == _FakeOpenAI.reply and len(pieces) > 1
    req = _FakeOpenAI.requests[-1]
    assert req["stream"] is True and req["max_tokens"] == 50 and req["stop"] == ["\n\n"]
    assert req["messages"] == MSGS and req["temperature"] == 0.0 and req["_auth"] == "Bearer secret"
    assert gen.status()["loaded"] and gen.last_stats["completion_tokens"] == len(pieces)
    # the API's `usage` is metered for this backend too (an estimate when the engine sends no count)
    from qa.answer.generators import metered

    with metered() as meter:
        list(gen.stream(MSGS, max_tokens=50))
    assert meter.generations == 1 and meter.prompt_tokens > 0 and meter.completion_tokens == len(pieces)


def test_openai_cancel_stops_early(fake_server: str) -> None:
    gen = _openai(fake_server, model="slow")
    pieces = _cancel_after(gen, 2, max_tokens=500)
    assert len(pieces) == 2


def test_openai_connection_error_names_url(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    gen = _openai(url)
    with pytest.raises(GenerationError) as err:
        list(gen.stream(MSGS, max_tokens=5))
    assert url in err.value.message and "openai_base_url" in err.value.hint
    assert gen.status()["error"]


@pytest.mark.parametrize("model,needle", [("missing", "generator_model"), ("boom", "500")])
def test_openai_http_errors(fake_server: str, model: str, needle: str) -> None:
    with pytest.raises(GenerationError) as err:
        list(_openai(fake_server, model=model).stream(MSGS, max_tokens=5))
    assert needle in str(err.value)


# -- llama.cpp -------------------------------------------------------------------------------
def test_llama_cpp_garbage_file_is_model_error_with_repair_hint(tmp_path: Path) -> None:
    from qa.answer.backends.llama_cpp import LlamaCppGenerator

    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"not a model" * 100)
    gen = LlamaCppGenerator(Settings(generator_model=str(bad)), model_path=bad)
    with pytest.raises(ModelError) as err:
        list(gen.stream(MSGS, max_tokens=5))
    assert "qa models install" in err.value.hint and gen.status()["error"]


def test_llama_cpp_truncated_gguf_is_model_error(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    from qa.answer.backends.llama_cpp import LlamaCppGenerator

    bad = tmp_path / "truncated.gguf"
    bad.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\x00" * 64)  # valid magic, nonsense after it
    with pytest.raises(ModelError) as err:
        LlamaCppGenerator(Settings(), model_path=bad).load()
    assert "qa models install" in err.value.hint


def test_llama_cpp_missing_builtin_names_install_command(tmp_path: Path) -> None:
    from qa.answer.backends.llama_cpp import LlamaCppGenerator

    gen = LlamaCppGenerator(Settings(models_dir=str(tmp_path)))  # builtin:qwen2.5-coder-1.5b
    with pytest.raises(ModelError) as err:
        gen.load()
    assert "qa models install" in str(err.value) and gen.status()["loaded"] is False


@pytest.fixture(scope="module")
def real_llama():
    """The installed built-in GGUF (1.5B, else 0.5B), or the file named by QA_TEST_GGUF."""
    pytest.importorskip("llama_cpp")
    from qa.answer.backends.llama_cpp import LlamaCppGenerator
    from qa.settings import BUILTIN_GENERATOR, BUILTIN_GENERATOR_FAST

    base = Settings(n_ctx=2048, n_threads=2, models_dir=str(ROOT / "models"))
    if os.environ.get("QA_TEST_GGUF"):
        gen = LlamaCppGenerator(base, model_path=os.environ["QA_TEST_GGUF"])
    elif (ROOT / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf").is_file():
        gen = LlamaCppGenerator(base.replace(generator_model=BUILTIN_GENERATOR))
    elif (ROOT / "models" / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf").is_file():
        gen = LlamaCppGenerator(base.replace(generator_model=BUILTIN_GENERATOR_FAST))
    else:
        pytest.skip("no GGUF under models/ (run `qa models install`)")
    gen.load()
    return gen


@pytest.mark.real_models
def test_llama_cpp_real_model_streams_chinese(real_llama) -> None:
    msgs = [{"role": "system", "content": "你是政策问答助手，用中文简短回答。"},
            {"role": "user", "content": "证据：[1] 四川省单位地区生产总值能耗下降14%。\n问题：四川省能耗下降多少？"}]
    pieces = list(real_llama.stream(msgs, max_tokens=40))
    text = "".join(pieces)
    assert len(pieces) > 1 and "14" in text and any("\u4e00" <= c <= "\u9fff" for c in text)
    stats = real_llama.last_stats
    assert stats["prompt_tokens"] > 20 and stats["completion_tokens"] > 0 and stats["first_token_ms"] > 0
    assert list(real_llama.stream(msgs, max_tokens=40)) == pieces  # greedy, reproducible
    assert real_llama.last_stats["cached_tokens"] >= stats["prompt_tokens"] - 1  # KV prefix reused


@pytest.mark.real_models
def test_llama_cpp_real_model_cancel_and_context(real_llama) -> None:
    msgs = [{"role": "user", "content": "请详细介绍四川省的节能政策，至少写五百字。"}]
    pieces = _cancel_after(real_llama, 3, max_tokens=200, messages=msgs)
    assert len(pieces) == 3 and real_llama.last_stats["completion_tokens"] <= 5
    too_long = [{"role": "user", "content": "四川省节能降耗。" * 800}]
    with pytest.raises(GenerationError) as err:
        list(real_llama.stream(too_long, max_tokens=5))
    assert "top_k" in err.value.hint and "n_ctx" in err.value.hint


# -- llama.cpp wiring with a stand-in Llama (fast: no model) ----------------------------------
class _FakeLlama:
    """Just enough of llama_cpp.Llama for the wiring: template, tokenizer, streamed chunks."""

    instances = 0
    calls: list[dict] = []

    def __init__(self, **kwargs: object) -> None:
        time.sleep(0.05)  # a slow load makes concurrent loads overlap
        type(self).instances += 1
        self.kwargs = kwargs
        self.metadata = {"tokenizer.chat_template": CHATML}
        self.n_tokens = 0
        self._input_ids: list[int] = []
        self.ctx = None
        self._model = type("M", (), {"token_get_text": staticmethod(lambda i: "<|im_end|>")})()

    def token_eos(self) -> int:
        return 2

    def token_bos(self) -> int:
        return -1

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        return list(text.decode("utf-8"))  # one "token" per character

    def create_chat_completion(self, **kwargs: object) -> Iterator[dict]:
        type(self).calls.append(kwargs)
        yield {"choices": [{"delta": {"role": "assistant"}}]}
        for ch in "四川省能耗下降14%。[1]":
            yield {"choices": [{"delta": {"content": ch}}]}


@pytest.fixture()
def fake_llama(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    llama_cpp = pytest.importorskip("llama_cpp")
    from types import SimpleNamespace

    from qa.answer.backends import llama_cpp as backend

    monkeypatch.setattr(llama_cpp, "Llama", _FakeLlama)
    monkeypatch.setattr(llama_cpp, "llama_perf_context_reset", lambda ctx: None)
    monkeypatch.setattr(llama_cpp, "llama_perf_context",
                        lambda ctx: SimpleNamespace(n_p_eval=0, t_p_eval_ms=0.0))
    monkeypatch.setattr(backend, "_MODELS", {})
    monkeypatch.setattr(backend, "ensure_generation_safe", lambda *a, **k: None)  # no child process
    _FakeLlama.instances = 0
    _FakeLlama.calls = []
    path = tmp_path / "fake.gguf"
    path.write_bytes(b"GGUF" + b"\0" * 64)
    return path


def test_llama_cpp_loads_once_across_threads_and_instances(fake_llama: Path) -> None:
    from qa.answer.backends.llama_cpp import LlamaCppGenerator

    s = Settings(n_ctx=512, n_threads=3)
    gens = [LlamaCppGenerator(s, model_path=fake_llama) for _ in range(3)]
    threads = [threading.Thread(target=g.load) for g in gens for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _FakeLlama.instances == 1 and all(g.status()["loaded"] for g in gens)
    kw = gens[0]._loaded.llama.kwargs
    assert kw["n_ctx"] == 512 and kw["n_threads"] == 3 and kw["n_threads_batch"] == 3
    assert kw["verbose"] is False


def test_llama_cpp_stream_is_greedy_chat_and_cancellable(fake_llama: Path) -> None:
    from qa.answer.backends.llama_cpp import LlamaCppGenerator

    gen = LlamaCppGenerator(Settings(n_ctx=512), model_path=fake_llama)
    assert "".join(gen.stream(MSGS, max_tokens=7, stop=["\n\n"])) == "四川省能耗下降14%。[1]"
    call = _FakeLlama.calls[-1]
    assert call["messages"] == MSGS and call["stream"] is True and call["max_tokens"] == 7
    assert call["stop"] == ["\n\n"] and call["temperature"] == 0 and call["top_k"] == 1
    assert call["repeat_penalty"] == 1.0 and call["seed"] is not None
    stats = gen.last_stats
    assert set(stats) >= {"prompt_tokens", "completion_tokens", "prompt_ms", "generate_ms", "first_token_ms"}
    assert stats["prompt_tokens"] > len(MSGS[1]["content"]) and stats["completion_tokens"] == len("四川省能耗下降14%。[1]")

    assert _cancel_after(gen, 1, max_tokens=50) == ["四"]


def test_llama_cpp_prompt_over_n_ctx_says_lower_top_k(fake_llama: Path) -> None:
    from qa.answer.backends.llama_cpp import LlamaCppGenerator

    gen = LlamaCppGenerator(Settings(n_ctx=64), model_path=fake_llama)
    with pytest.raises(GenerationError) as err:
        list(gen.stream([{"role": "user", "content": "证据" * 100}], max_tokens=5))
    assert "top_k" in err.value.hint and "n_ctx" in err.value.hint and not _FakeLlama.calls


@pytest.mark.real_models
def test_llama_cpp_build_generates_in_a_child_without_amx_buffer(real_llama) -> None:
    """The build the project makes: a multi-token generation works and no weight lands in an AMX
    buffer (the -march=native build puts them there on AMX CPUs, and then every decode segfaults)."""
    from qa.models.probe import run_probe

    res = run_probe(real_llama.path, n_threads=2)
    assert res.ok, res.detail
    assert res.tokens >= 2 and res.buffer_types, res
    assert not res.uses_amx, f"AMX buffer in use: {res.buffer_types}"
