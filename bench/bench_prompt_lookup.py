"""Prompt-lookup (n-gram) speculative decoding against plain decoding, same GGUF, same prompts, greedy.

Answers mostly copy figures and phrases from the evidence, so drafting the next tokens from n-grams of
the prompt (llama-cpp-python's ``LlamaPromptLookupDecoding``) may speed generation up without changing
it. For each draft length (``num_pred_tokens``) this prints, on the same prompts as plain greedy
decoding: generated tokens/s (tokens after the first / time after the first), time to first token and
total time (p50), the acceptance rate of the drafted tokens, and how many answers are identical to
plain greedy decoding (they must all be, to be adopted).

Prompts: by default the answering prompts the product builds for the first ``--n`` questions of the
test split that reach the model (bench/split_prompts.py: the real retrieval, evidence and prompt code,
no answer generated); ``--prompts synthetic`` uses the five prompts of bench_generation_raw.py plus
the same evidence with "复述证据[1]" questions (long, copy-heavy answers: the best case).

Acceptance rate = accepted draft tokens / drafted tokens. llama-cpp-python samples one token per
verification step plus one per accepted draft token, so accepted = generated − 1 − verification
steps (a step whose draft was cut by the end of the answer counts its draft as rejected: a slight
underestimate).

Measured (2 shared cores, 1.5B Q4_K_M, AVX-512 build): not adopted — see README "Performance".

    python bench/bench_prompt_lookup.py [--draft 2,4,10] [--n 20] [--max-tokens 128]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_generation_raw import SEED, build_prompts  # noqa: E402


def counting_draft(n: int):
    """LlamaPromptLookupDecoding that counts its calls (verification steps) and drafted tokens."""
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    class Counting(LlamaPromptLookupDecoding):
        def __init__(self) -> None:
            super().__init__(num_pred_tokens=n)
            self.calls = self.drafted = 0

        def __call__(self, input_ids, *args, **kwargs):
            out = super().__call__(input_ids, *args, **kwargs)
            self.calls += 1
            self.drafted += len(out)
            return out

    return Counting()


def run(llama, chats, max_tokens: int) -> list[dict]:
    rows = []
    draft = llama.draft_model
    for msgs in chats:
        llama.reset()
        calls0, drafted0 = (draft.calls, draft.drafted) if draft is not None else (0, 0)
        t0 = time.perf_counter()
        first = None
        parts = []
        for chunk in llama.create_chat_completion(messages=msgs, stream=True, max_tokens=max_tokens, temperature=0.0,
                                                  top_k=1, top_p=1.0, min_p=0.0, repeat_penalty=1.0, seed=SEED):
            text = chunk["choices"][0]["delta"].get("content") or ""
            if text and first is None:
                first = time.perf_counter()
            parts.append(text)
        end = time.perf_counter()
        text = "".join(parts)
        n = len(llama.tokenize(text.encode(), add_bos=False, special=True))
        gen_s = end - (first or end)
        row = {"text": text, "tokens": n, "gen_s": gen_s, "ttft": (first or end) - t0, "total": end - t0,
               "gen_tps": (n - 1) / gen_s if gen_s > 0 and n > 1 else float("nan")}
        if draft is not None:
            steps, drafted = draft.calls - calls0, draft.drafted - drafted0
            row["drafted"], row["accepted"] = drafted, max(0, min(drafted, n - 1 - steps))
        rows.append(row)
    return rows


def summary(rows: list[dict]) -> dict:
    gen_tokens = sum(max(0, r["tokens"] - 1) for r in rows)
    gen_s = sum(r["gen_s"] for r in rows)
    out = {"gen_tps": gen_tokens / gen_s if gen_s else float("nan"),
           "ttft": statistics.median(r["ttft"] for r in rows), "total": statistics.median(r["total"] for r in rows),
           "tokens": sum(r["tokens"] for r in rows)}
    if "drafted" in rows[0]:
        drafted = sum(r["drafted"] for r in rows)
        out["acceptance"] = sum(r["accepted"] for r in rows) / drafted if drafted else float("nan")
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")
    ap.add_argument("--draft", default="2,4,10", help="draft lengths (num_pred_tokens) to try")
    ap.add_argument("--prompts", choices=("test", "synthetic"), default="test")
    ap.add_argument("--n", type=int, default=20, help="test-split questions (prompts=test)")
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--n-threads", type=int, default=2)
    args = ap.parse_args(argv)
    from llama_cpp import Llama

    def load(draft):
        return Llama(model_path=str(args.model), n_ctx=2048, n_threads=args.n_threads,
                     n_threads_batch=args.n_threads, seed=SEED, verbose=False, draft_model=draft,
                     logits_all=draft is not None)  # llama-cpp-python verifies drafts from all logits

    print(f"load average {os.getloadavg()[0]:.1f} (2 cores shared with other work: compare rows of this run)")
    plain = load(None)
    if args.prompts == "test":
        from split_prompts import split_prompts

        from qa.settings import load_settings

        rows = split_prompts(load_settings(), ROOT / "eval" / "test.jsonl", args.n)
        sets = {f"test split ({len(rows)})": [r["messages"] for r in rows]}
    else:
        chats = build_prompts(lambda t: len(plain.tokenize(t.encode(), add_bos=False)))
        copy = [[c[0], {"role": "user", "content": c[1]["content"].rsplit("问题：", 1)[0] + "问题：请逐条完整复述证据[1]的内容。"}]
                for c in chats]
        sets = {"RAG answers": chats, "copy-heavy answers": copy}
    base = {name: run(plain, cs, args.max_tokens) for name, cs in sets.items()}
    plain.close()
    head = (f"{'decoding':<22} {'prompts':<18} {'gen tok/s':>9} {'ttft p50':>9} {'total p50':>10} {'tokens':>7} "
            f"{'accepted':>9} {'identical':>10}")
    print(head)
    for name, rows in base.items():
        s = summary(rows)
        print(f"{'plain greedy':<22} {name:<18} {s['gen_tps']:>9.1f} {s['ttft']:>9.2f} {s['total']:>10.2f} "
              f"{s['tokens']:>7} {'-':>9} {'-':>10}", flush=True)
    for n in [int(x) for x in args.draft.split(",") if x.strip()]:
        llama = load(counting_draft(n))
        for name, cs in sets.items():
            rows = run(llama, cs, args.max_tokens)
            s = summary(rows)
            same = sum(a["text"] == b["text"] for a, b in zip(rows, base[name], strict=True))
            print(f"{f'prompt lookup, n={n}':<22} {name:<18} {s['gen_tps']:>9.1f} {s['ttft']:>9.2f} "
                  f"{s['total']:>10.2f} {s['tokens']:>7} {s['acceptance']:>9.1%} {f'{same}/{len(rows)}':>10}",
                  flush=True)
        llama.close()
    print(f"load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
