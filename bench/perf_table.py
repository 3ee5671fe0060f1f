"""The README's performance table, from one run: index build, raw llama-cpp-python vs our generator, the service.

    python bench/perf_table.py [--n 8] [--rounds 1]            # index build + generation (a few minutes)
    python bench/perf_table.py --service 15                     # + time to first token / total through
                                                                #   the service on 15 test questions (slow)

Rows (each compared with its baseline measured in this run, on a machine whose load is printed):

1. index build of corpus/, chunks/s: the torch fp32 embedder (before) vs the OpenVINO export (after,
   the default) — bench/bench_embed.py's measurement;
2. prompt tokens/s, generated tokens/s, time to first token and total (p50) of raw llama-cpp-python
   and of the project's LlamaCppGenerator on the same prompts: the answering prompts the product
   builds for the first ``--n`` test-split questions that reach the model (bench/split_prompts.py),
   interleaved question by question, each with its own model and KV cache; the difference is our
   overhead over raw llama-cpp-python;
3. with ``--service N``: time to first token and total time, p50/p95, of ``QAService.ask_stream``
   (analysis, retrieval, policy, generation, checks: what a user waits for) on the first N
   questions of the test split, all of them (answers without the model included).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_generation_raw import ProjectRunner, RawRunner, _pct  # noqa: E402

from qa.settings import load_settings  # noqa: E402


class FlashAttnRunner(RawRunner):
    """Raw llama-cpp-python with llama.cpp's flash attention (``flash_attn=True``)."""

    label = "raw, flash_attn=True"

    def __init__(self, model: Path, n_ctx: int, n_threads: int) -> None:
        from llama_cpp import Llama

        t0 = time.perf_counter()
        self.llama = Llama(model_path=str(model), n_ctx=n_ctx, n_threads=n_threads, n_threads_batch=n_threads,
                           flash_attn=True, seed=1234, verbose=False)
        self.load_s = time.perf_counter() - t0


def generation_rows(settings, n: int, max_tokens: int, flash_attn: bool = False) -> dict[str, list[dict]]:
    from split_prompts import split_prompts

    from qa.models import resolve_gguf

    prompts = [r["messages"] for r in split_prompts(settings, ROOT / "eval" / "test.jsonl", n)]
    model = resolve_gguf(settings)
    runners = [RawRunner(model, settings.n_ctx, settings.n_threads),
               ProjectRunner(model, settings.n_ctx, settings.n_threads)]
    if flash_attn:
        runners.append(FlashAttnRunner(model, settings.n_ctx, settings.n_threads))
    rows: dict[str, list[dict]] = {r.label: [] for r in runners}
    for i, msgs in enumerate(prompts):  # interleaved, order alternating
        for runner in (runners if i % 2 == 0 else runners[::-1]):
            rows[runner.label].append(runner(msgs, max_tokens))
    for r in runners:
        if hasattr(r, "llama"):
            r.llama.close()
    return rows


def gen_summary(rows: list[dict]) -> dict:
    p_tok = sum(r["prompt_eval"] for r in rows)
    p_s = sum(r["prompt_ms"] for r in rows) / 1000
    g_tok = sum(max(0, r["completion"] - 1) for r in rows)
    g_s = sum(r["total"] - (r["first"] or r["total"]) for r in rows)
    return {"prompt_tps": p_tok / p_s if p_s else float("nan"), "gen_tps": g_tok / g_s if g_s else float("nan"),
            "ttft_p50": _pct([r["first"] or r["total"] for r in rows], 0.5),
            "total_p50": _pct([r["total"] for r in rows], 0.5), "n": len(rows)}


def service_rows(settings, n: int) -> list[dict]:
    from qa.service import build_service
    from qa.types import Turn

    svc = build_service(settings)
    svc.warmup()
    lines = [json.loads(x) for x in (ROOT / "eval" / "test.jsonl").read_text(encoding="utf-8").splitlines() if x]
    out = []
    for row in lines[:n]:
        history = [Turn(t["role"], t["content"]) for t in row.get("history") or []]
        t0 = time.perf_counter()
        first = None
        answer = None
        for ev in svc.ask_stream(row["question"], history):
            if ev.kind == "token" and first is None:
                first = time.perf_counter() - t0
            if ev.kind == "answer":
                answer = ev.answer
        total = time.perf_counter() - t0
        out.append({"first": first if first is not None else total, "total": total,
                    "model": bool(answer and not answer.extractive and not answer.refused)})
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=8, help="test-split prompts for the generation rows")
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=1, help="interleaved index builds per engine")
    ap.add_argument("--service", type=int, default=0, metavar="N",
                    help="also time N test-split questions through the service (slow; off by default)")
    ap.add_argument("--flash-attn", action="store_true",
                    help="also raw llama-cpp-python with flash attention (prompt speed, identical answers)")
    ap.add_argument("--skip-index", action="store_true")
    ap.add_argument("--skip-generation", action="store_true")
    args = ap.parse_args(argv)
    settings = load_settings()
    load0 = os.getloadavg()[0]
    table: list[tuple[str, str, str]] = []
    if not args.skip_index:
        from bench_embed import run_build_speed

        res = run_build_speed(settings, args.rounds)
        res.pop("embedders")
        t, o = res["torch"], res["openvino"]
        table.append((f"index build, chunks/s ({t['n_chunks']} chunks)", f"{t['chunks_per_s']:.1f} (torch fp32)",
                      f"{o['chunks_per_s']:.1f} (OpenVINO; {o['chunks_per_s'] / t['chunks_per_s']:.1f}x)"))
        table.append(("index build, CPU ms per chunk", f"{t['cpu_ms_per_chunk']:.0f}", f"{o['cpu_ms_per_chunk']:.0f}"))
    if not args.skip_generation:
        rows = generation_rows(settings, args.n, args.max_tokens, args.flash_attn)
        raw, ours = gen_summary(rows[RawRunner.label]), gen_summary(rows[ProjectRunner.label])
        label = f"on {raw['n']} test-split prompts"
        table.append((f"prompt tokens/s {label}", f"{raw['prompt_tps']:.1f} (raw llama-cpp-python)",
                      f"{ours['prompt_tps']:.1f} (LlamaCppGenerator)"))
        table.append((f"generated tokens/s {label}", f"{raw['gen_tps']:.1f}", f"{ours['gen_tps']:.1f}"))
        table.append((f"model time to first token p50 {label}", f"{raw['ttft_p50']:.2f} s", f"{ours['ttft_p50']:.2f} s"))
        table.append((f"model total p50 {label}", f"{raw['total_p50']:.2f} s",
                      f"{ours['total_p50']:.2f} s ({(ours['total_p50'] / raw['total_p50'] - 1) * 100:+.0f}% overhead)"))
        same = sum(a["text"] == b["text"] for a, b in zip(rows[RawRunner.label], rows[ProjectRunner.label], strict=True))
        table.append(("identical answers raw vs ours", f"{same}/{raw['n']}", ""))
        if args.flash_attn:
            fa = gen_summary(rows[FlashAttnRunner.label])
            same = sum(a["text"] == b["text"]
                       for a, b in zip(rows[RawRunner.label], rows[FlashAttnRunner.label], strict=True))
            table.append(("flash attention: prompt tokens/s · TTFT p50 · identical answers",
                          f"{raw['prompt_tps']:.1f} · {raw['ttft_p50']:.2f} s (raw)",
                          f"{fa['prompt_tps']:.1f} · {fa['ttft_p50']:.2f} s · {same}/{fa['n']} (flash_attn=True)"))
    if args.service:
        srows = service_rows(settings, args.service)
        gen = [r for r in srows if r["model"]]
        table.append((f"service: time to first token p50 / p95 ({len(srows)} test questions)",
                      f"{_pct([r['first'] for r in srows], 0.5):.2f} s / {_pct([r['first'] for r in srows], 0.95):.2f} s",
                      f"({len(gen)} answered by the model)"))
        table.append(("service: total p50 / p95",
                      f"{_pct([r['total'] for r in srows], 0.5):.2f} s / {_pct([r['total'] for r in srows], 0.95):.2f} s",
                      ""))
    print(f"\nload average: {load0:.2f} before, {os.getloadavg()[0]:.2f} after (2 cores, shared)\n")
    print("| measure | baseline (same run) | ours |")
    print("|---|---|---|")
    for name, a, b in table:
        print(f"| {name} | {a} | {b} |")


if __name__ == "__main__":
    main()
