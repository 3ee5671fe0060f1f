"""Prompt-lookup (n-gram) speculative decoding against plain decoding, same GGUF, same prompts, greedy.

Answers mostly copy figures and phrases from the evidence, so drafting the next tokens from n-grams of
the prompt (llama-cpp-python's ``LlamaPromptLookupDecoding``) may speed generation up without changing
it. For each draft length this prints generated tokens/s (time after the first token), the total time,
and whether every answer is identical to plain greedy decoding (it must be, to be adopted).

Measured (2 cores, 1.5B Q4_K_M, AVX-512 build; see the performance issue's note): not adopted. On RAG
answers generation got slower with every draft length (21.4 tok/s plain vs 16.4 / 12.6 / 7.0 for
n = 2 / 5 / 10) and the total time grew; on copy-heavy answers tokens/s rose by ~9 % but the total time
still grew (drafts need ``logits_all``), and 1 of 5 long answers differed from plain greedy decoding.

    python bench/bench_prompt_lookup.py [--draft 2,5,10] [--max-tokens 128]

Prompts: the five RAG prompts of ``bench_generation_raw.py`` (short answers) plus the same evidence
with "复述证据[1]" questions (long, copy-heavy answers: the best case for prompt lookup).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_generation_raw import SEED, build_prompts  # noqa: E402


def run(llama, chats, max_tokens: int) -> list[dict]:
    rows = []
    for msgs in chats:
        llama.reset()
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
        rows.append({"text": text, "tokens": n, "gen_tps": (n - 1) / gen_s if gen_s > 0 and n > 1 else float("nan"),
                     "total": end - t0})
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")
    ap.add_argument("--draft", default="2,5,10", help="draft lengths (num_pred_tokens) to try")
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--n-threads", type=int, default=2)
    args = ap.parse_args(argv)
    from llama_cpp import Llama
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    def load(draft):
        return Llama(model_path=str(args.model), n_ctx=2048, n_threads=args.n_threads,
                     n_threads_batch=args.n_threads, seed=SEED, verbose=False, draft_model=draft,
                     logits_all=draft is not None)  # llama-cpp-python verifies drafts from all logits

    plain = load(None)
    chats = build_prompts(lambda t: len(plain.tokenize(t.encode(), add_bos=False)))
    copy = [[c[0], {"role": "user", "content": c[1]["content"].rsplit("问题：", 1)[0] + "问题：请逐条完整复述证据[1]的内容。"}]
            for c in chats]
    sets = {"RAG answers": chats, "copy-heavy answers": copy}
    base = {name: run(plain, cs, args.max_tokens) for name, cs in sets.items()}
    plain.close()
    print(f"{'decoding':<22} {'prompts':<20} {'gen tok/s p50':>13} {'total s p50':>12} {'tokens':>7} {'identical':>9}")
    for name, rows in base.items():
        print(f"{'plain':<22} {name:<20} {statistics.median(r['gen_tps'] for r in rows):>13.1f} "
              f"{statistics.median(r['total'] for r in rows):>12.2f} {sum(r['tokens'] for r in rows):>7} {'-':>9}")
    for n in [int(x) for x in args.draft.split(",") if x.strip()]:
        llama = load(LlamaPromptLookupDecoding(num_pred_tokens=n))
        for name, cs in sets.items():
            rows = run(llama, cs, args.max_tokens)
            same = sum(a["text"] == b["text"] for a, b in zip(rows, base[name], strict=True))
            print(f"{f'prompt lookup, n={n}':<22} {name:<20} {statistics.median(r['gen_tps'] for r in rows):>13.1f} "
                  f"{statistics.median(r['total'] for r in rows):>12.2f} {sum(r['tokens'] for r in rows):>7} "
                  f"{same}/{len(rows):>7}", flush=True)
        llama.close()


if __name__ == "__main__":
    main()
