"""Generation speed: raw llama-cpp-python vs the project's LlamaCppGenerator, same GGUF, same prompts.

Also the AMX workaround side by side in the same run: raw llama-cpp-python loaded with the model
parameter ``use_extra_bufts = False`` (no AMX buffer, but no CPU weight repacking either), which is what
a user of the default ``-march=native`` build would have to do on a CPU with AMX. The build under test
is the one installed (its flags from ``qa/models/llama_build.py``); to compare another build, install
its wheel into a folder and put that first: ``PYTHONPATH=/tmp/other-build python bench/...``.

Five RAG-style prompts (one fixed system message + a user message of ~500–700 tokens of Chinese
evidence taken from corpus/ and a question) run through each path, greedy, in the same order; each
path has its own loaded model (and KV cache), and the two are interleaved prompt by prompt so that
background load on the machine affects both alike.
Printed per prompt and as p50/p95: time to first token, prompt tokens evaluated (the rest comes
from llama.cpp's KV prefix cache), prompt tokens/s, generation tokens/s, total time.

    python bench/bench_generation_raw.py [--model models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = 1234
SYSTEM = ("你是政策文件问答助手。只根据用户给出的编号证据回答问题，不要使用证据以外的知识。"
          "回答要简短、准确，用中文，数字与证据原文一致，并在句末用方括号注明证据编号，例如[1]。"
          "如果证据中没有答案，就回答“文件中未找到相关内容。”")
#: (corpus file, a phrase from the clause that answers, question)
CASES = [
    ("sichuan_jianwu_jiangtan_2023.txt", "非化石能源消费比重达到41.5%", "四川省到2025年非化石能源消费比重要达到多少？"),
    ("chongqing_jianwu_jiangtan_2023.txt", "装配式建筑占新建建筑比例", "重庆市到2025年装配式建筑占新建建筑比例达到多少？"),
    ("yaan_jianwu_jiangtan_2023.txt", "森林覆盖率达到64.3%", "雅安市到2025年森林覆盖率要达到多少？"),
    ("ziyang_jianwu_jiangtan_2023.txt", "二氧化碳排放降低", "资阳市单位地区生产总值二氧化碳排放要降低多少？"),
    ("sichuan_14th_fyp_energy_saving_2022.txt", "全省单位地区生产总值能源消耗",
     "四川省“十四五”时期单位地区生产总值能源消耗要下降多少？"),
]


def _paragraphs(name: str, size: int = 150) -> list[str]:
    """Blocks of at least `size` characters (PDF-extracted files have short lines: join them)."""
    lines = [ln.strip() for ln in (ROOT / "corpus" / name).read_text(encoding="utf-8").splitlines()]
    blocks, cur = [], ""
    for line in filter(None, lines):
        cur += line
        if len(cur) >= size:
            blocks.append(cur)
            cur = ""
    return blocks + ([cur] if cur else [])


def build_prompts(count: Callable[[str], int], lo: int = 500, hi: int = 700) -> list[list[dict[str, str]]]:
    """One chat per case: the answering clause first, then clauses of other files, lo–hi tokens."""
    others = {name: _paragraphs(name) for name, _, _ in CASES}
    chats = []
    for i, (name, phrase, question) in enumerate(CASES):
        hit = next(p for p in others[name] if phrase in p)
        pool = [hit] + [p for j, (n, _, _) in enumerate(CASES) if j != i for p in others[n][3:6]]
        items: list[str] = []
        for para in pool:
            items.append(para)
            body = "\n".join(f"[{k + 1}] {t}" for k, t in enumerate(items))
            if count(body) >= lo:
                break
        while count(body) > hi:  # trim the last item to fit
            items[-1] = items[-1][: int(len(items[-1]) * 0.8)]
            body = "\n".join(f"[{k + 1}] {t}" for k, t in enumerate(items))
        user = f"证据：\n{body}\n\n问题：{question}"
        chats.append([{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}])
    return chats


def _timed(pieces: Iterator[str]) -> tuple[str, float | None, float]:
    """Consume a text stream: (text, first-token seconds, total seconds)."""
    t0 = time.perf_counter()
    first, parts = None, []
    for piece in pieces:
        if piece and first is None:
            first = time.perf_counter() - t0
        parts.append(piece)
    return "".join(parts), first, time.perf_counter() - t0


def _perf(llama: Any) -> tuple[int, float]:
    import llama_cpp

    data = llama_cpp.llama_perf_context(llama.ctx)
    return int(data.n_p_eval), float(data.t_p_eval_ms)


class RawRunner:
    """Plain llama-cpp-python: create_chat_completion(stream=True), greedy."""

    label = "raw llama-cpp-python"

    def __init__(self, model: Path, n_ctx: int, n_threads: int) -> None:
        from llama_cpp import Llama

        t0 = time.perf_counter()
        self.llama = Llama(model_path=str(model), n_ctx=n_ctx, n_threads=n_threads,
                           n_threads_batch=n_threads, seed=SEED, verbose=False)
        self.load_s = time.perf_counter() - t0

    def __call__(self, msgs: list, max_tokens: int) -> dict:
        import llama_cpp

        llama = self.llama
        llama_cpp.llama_perf_context_reset(llama.ctx)
        chunks = llama.create_chat_completion(messages=msgs, stream=True, max_tokens=max_tokens,
                                              temperature=0.0, top_k=1, top_p=1.0, min_p=0.0,
                                              repeat_penalty=1.0, seed=SEED)
        text, first, total = _timed(c["choices"][0]["delta"].get("content") or "" for c in chunks)
        n_eval, p_ms = _perf(llama)
        return {"text": text, "first": first, "total": total, "prompt_eval": n_eval, "prompt_ms": p_ms,
                "completion": len(llama.tokenize(text.encode(), add_bos=False, special=True))}


class NoExtraBuftsRunner(RawRunner):
    """Raw llama-cpp-python with ``use_extra_bufts = False`` (the AMX workaround: no repacked weights)."""

    label = "raw, use_extra_bufts=False"

    def __init__(self, model: Path, n_ctx: int, n_threads: int) -> None:
        import llama_cpp

        original = llama_cpp.llama_model_default_params

        def params():  # Llama() takes its model parameters from this function
            p = original()
            p.use_extra_bufts = False
            return p

        llama_cpp.llama_model_default_params = params
        try:
            super().__init__(model, n_ctx, n_threads)
        finally:
            llama_cpp.llama_model_default_params = original


def build_info() -> str:
    """Which llama.cpp build is loaded: the file, and the flags recorded by qa/models/llama_build.py."""
    import json

    import llama_cpp

    marker = Path(sys.prefix) / "llama-build.json"
    where = Path(llama_cpp.__file__).parent
    info = f"llama-cpp-python {llama_cpp.__version__} from {where}"
    if marker.is_file() and str(where).startswith(sys.prefix):
        plan = json.loads(marker.read_text(encoding="utf-8"))
        info += f"; build {plan['isa']} (key {plan['key']})"
    else:
        info += "; build: not the venv's recorded one (see PYTHONPATH)"
    try:
        info += "; " + llama_cpp.llama_print_system_info().decode()
    except Exception:  # noqa: BLE001
        pass
    return info


class ProjectRunner:
    """The project's backend (qa.answer.backends.llama_cpp.LlamaCppGenerator)."""

    label = "LlamaCppGenerator"

    def __init__(self, model: Path, n_ctx: int, n_threads: int) -> None:
        sys.path.insert(0, str(ROOT))
        from qa.answer.backends.llama_cpp import LlamaCppGenerator
        from qa.settings import Settings

        self.gen = LlamaCppGenerator(Settings(n_ctx=n_ctx, n_threads=n_threads, temperature=0.0),
                                     model_path=model)
        t0 = time.perf_counter()
        self.gen.load()
        self.load_s = time.perf_counter() - t0

    def __call__(self, msgs: list, max_tokens: int) -> dict:
        text, first, total = _timed(self.gen.stream(msgs, max_tokens=max_tokens))
        st = self.gen.last_stats
        return {"text": text, "first": first, "total": total, "prompt_eval": st["prompt_eval_tokens"],
                "prompt_ms": st["prompt_ms"], "completion": st["completion_tokens"],
                "prompt_tokens": st["prompt_tokens"], "cached": st["cached_tokens"]}


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def report(label: str, rows: list[dict]) -> None:
    print(f"\n== {label}")
    print(f"{'#':>2} {'prompt':>6} {'eval':>5} {'ttft s':>7} {'p tok/s':>8} {'gen':>4} {'g tok/s':>8} {'total s':>8}  answer")
    ttft, total, p_rate, g_rate = [], [], [], []
    for i, r in enumerate(rows, 1):
        pr = r["prompt_eval"] / (r["prompt_ms"] / 1000) if r["prompt_ms"] else float("nan")
        gen_s = r["total"] - (r["first"] or r["total"])
        gr = (r["completion"] - 1) / gen_s if gen_s > 0 and r["completion"] > 1 else float("nan")
        ttft.append(r["first"] or float("nan"))
        total.append(r["total"])
        p_rate.append(pr)
        g_rate.append(gr)
        print(f"{i:>2} {r.get('prompt_tokens', '-'):>6} {r['prompt_eval']:>5} {ttft[-1]:>7.2f} {pr:>8.1f} "
              f"{r['completion']:>4} {gr:>8.1f} {r['total']:>8.2f}  {r['text'][:40]!r}")
    for name, vals in (("ttft s", ttft), ("total s", total), ("prompt tok/s", p_rate), ("gen tok/s", g_rate)):
        print(f"   {name:<13} p50 {_pct(vals, 0.5):8.2f}   p95 {_pct(vals, 0.95):8.2f}   "
              f"mean {statistics.fmean(vals):8.2f}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")
    ap.add_argument("--max-tokens", type=int, default=96)
    ap.add_argument("--n-ctx", type=int, default=2048)
    ap.add_argument("--n-threads", type=int, default=2)
    args = ap.parse_args(argv)
    if not args.model.is_file():
        sys.exit(f"{args.model} not found: run `qa models install` or pass --model")

    from llama_cpp import Llama

    counter = Llama(model_path=str(args.model), vocab_only=True, verbose=False)
    chats = build_prompts(lambda t: len(counter.tokenize(t.encode(), add_bos=False)))
    sizes = [len(counter.tokenize(c[1]["content"].encode(), add_bos=False)) for c in chats]
    print(f"load average {os.getloadavg()[0]:.1f}; model {args.model.name}; user prompts {sizes} tokens; max_tokens {args.max_tokens}; "
          f"n_threads {args.n_threads}")
    print(build_info())
    raw_runner = RawRunner(args.model, args.n_ctx, args.n_threads)
    proj_runner = ProjectRunner(args.model, args.n_ctx, args.n_threads)
    noextra_runner = NoExtraBuftsRunner(args.model, args.n_ctx, args.n_threads)
    print(f"load: raw {raw_runner.load_s:.1f}s, project {proj_runner.load_s:.1f}s, "
          f"no extra bufts {noextra_runner.load_s:.1f}s (page cache warm after the 1st)")
    raw, proj, noextra = [], [], []
    for i, msgs in enumerate(chats):  # interleaved (order rotating) so background load hits all alike
        trio = [(raw_runner, raw), (proj_runner, proj), (noextra_runner, noextra)]
        for runner, rows in trio[i % 3:] + trio[:i % 3]:
            rows.append(runner(msgs, args.max_tokens))
    for r, p, n in zip(raw, proj, noextra, strict=True):
        r["prompt_tokens"] = n["prompt_tokens"] = p["prompt_tokens"]
    # generation throughput needs a longer answer than the RAG questions give: one probe each
    probe = [chats[0][0], {"role": "user", "content": chats[0][1]["content"].rsplit("问题：", 1)[0]
                           + "问题：请逐条完整复述证据[1]的内容。"}]
    probes = {r.label: r(probe, args.max_tokens) for r in (raw_runner, proj_runner, noextra_runner)}
    raw_runner.llama.reset()  # forget the KV cache: question 2 again, cold, to time the prefix reuse
    cold = raw_runner(chats[1], args.max_tokens)
    report(RawRunner.label, raw)
    report(ProjectRunner.label, proj)
    report(NoExtraBuftsRunner.label, noextra)
    print("\nKV prefix cache (project): prompt tokens / reused / evaluated per question: "
          + ", ".join(f"{p['prompt_tokens']}/{p['cached']}/{p['prompt_eval']}" for p in proj))
    same = sum(r["text"] == p["text"] for r, p in zip(raw, proj, strict=True))
    print(f"KV prefix check (raw): question 2 cold: {cold['prompt_eval']} prompt tokens evaluated in "
          f"{cold['prompt_ms']:.0f} ms, ttft {cold['first']:.2f} s; after question 1: "
          f"{raw[1]['prompt_eval']} in {raw[1]['prompt_ms']:.0f} ms, ttft {raw[1]['first']:.2f} s")
    for label, r in probes.items():
        gen_s = r["total"] - (r["first"] or r["total"])
        print(f"generation probe, {label}: {r['completion']} tokens in {gen_s:.2f} s after the first = "
              f"{(r['completion'] - 1) / gen_s:.1f} tokens/s")
    print(f"load average now {os.getloadavg()[0]:.1f} (2 cores; other work on the machine slows both paths)")
    t0 = time.perf_counter()
    for msgs in chats:  # what the project adds per call besides llama.cpp itself
        proj_runner.gen.prompt_tokens(msgs)
    book_ms = (time.perf_counter() - t0) / len(chats) * 1000
    print(f"project bookkeeping per call (template render + tokenize for stats/n_ctx check): {book_ms:.1f} ms")
    print(f"identical answers raw vs project: {same}/{len(raw)}; raw vs use_extra_bufts=False: "
          f"{sum(r['text'] == n['text'] for r, n in zip(raw, noextra, strict=True))}/{len(raw)}")
    print("\nsummary (p50)            prompt tok/s   gen tok/s   ttft s   total s")
    for label, rows in ((RawRunner.label, raw), (ProjectRunner.label, proj), (NoExtraBuftsRunner.label, noextra)):
        p_rate = [r["prompt_eval"] / (r["prompt_ms"] / 1000) for r in rows if r["prompt_ms"]]
        gen = probes[label]
        gen_s = gen["total"] - (gen["first"] or gen["total"])
        print(f"  {label:<26} {_pct(p_rate, 0.5):>10.1f} {(gen['completion'] - 1) / gen_s:>11.1f} "
              f"{_pct([r['first'] or 0 for r in rows], 0.5):>8.2f} {_pct([r['total'] for r in rows], 0.5):>9.2f}")
    overhead = [p["total"] - r["total"] for r, p in zip(raw, proj, strict=True)]
    print(f"project overhead per answer: mean {statistics.fmean(overhead) * 1000:+.0f} ms "
          f"(p50 {_pct(overhead, 0.5) * 1000:+.0f} ms)")


if __name__ == "__main__":
    main()
