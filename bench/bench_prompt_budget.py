"""Prompt tokens per question for evidence budgets, with what each costs or buys on an evaluation split.

    python bench/bench_prompt_budget.py [--dataset eval/test.jsonl] [--reports s2-test,s2-test-top2]

For each budget (``top_k`` evidence items × ``evidence_chars`` characters each) the real service builds
the answering prompt of every question of the split (no generation: bench/split_prompts.py), and the
generation model's own tokenizer counts it. Prints per budget: prompt tokens p50 / mean, and the tokens
of the fixed prefix every prompt shares (system prompt; llama-cpp-python reuses the KV cache of the
longest common prefix of consecutive prompts, so that prefix is processed once, not per question).
When ``--reports`` names finished ``qa eval`` runs of the same split made with those budgets, their
key-fact accuracy, refusal accuracy, citation precision and time to first token sit in the same row.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BUDGETS = ((3, 120), (2, 120), (3, 80), (2, 80))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default=str(ROOT / "eval" / "test.jsonl"))
    ap.add_argument("--reports", default="", help="comma-separated run folders (eval/reports/<run>), one per budget")
    args = ap.parse_args(argv)

    from llama_cpp import Llama
    from split_prompts import split_prompts

    from qa.models.provision import resolve_gguf
    from qa.settings import load_settings

    base = load_settings()
    tok = Llama(model_path=str(resolve_gguf(base)), vocab_only=True, verbose=False)

    def count(text: str) -> int:
        return len(tok.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    reports = [r for r in args.reports.split(",") if r]
    print(f"{'top_k×chars':<12} {'prompts':>7} {'tokens p50':>10} {'mean':>6} {'fixed prefix':>12}"
          f" {'key facts':>9} {'refusal':>8} {'cit. P':>7} {'TTFT p50':>9}")
    for i, (k, chars) in enumerate(BUDGETS):
        rows = split_prompts(base.replace(top_k=k, evidence_chars=chars), args.dataset, n=10_000)
        totals = [count("".join(m["content"] for m in r["messages"])) for r in rows]
        prefix = count(rows[0]["messages"][0]["content"]) if rows else 0
        cells = ["", "", "", ""]
        if i < len(reports):
            m = json.loads((ROOT / "eval" / "reports" / reports[i] / "metrics.json").read_text("utf-8"))["system"]
            o, lat = m["overall"], m["latency"]["first_token_ms"]
            cells = [f"{100 * o['key_fact_accuracy']:.1f}%", f"{100 * o['refusal_accuracy']:.1f}%",
                     f"{100 * o['citation_precision']:.1f}%", f"{lat['p50'] / 1000:.2f} s"]
        print(f"{f'{k}×{chars}':<12} {len(rows):>7} {statistics.median(totals):>10.0f} {statistics.mean(totals):>6.0f}"
              f" {prefix:>12} {cells[0]:>9} {cells[1]:>8} {cells[2]:>7} {cells[3]:>9}", flush=True)


if __name__ == "__main__":
    main()
