"""Could the generation model judge whether an answer is supported? A probe, not a product feature.

Reads an evaluation run (``eval/reports/<run>/``), takes every unanswerable question the run answered (a refusal it
missed), a random sample of answerable questions it answered right and half as many it answered wrong, and asks the
GGUF model "do these quoted sentences answer the question? 是/否", reading P(是) from the next-token logits. Prints the
AUC (answered right vs unanswerable) and, per threshold, how many missed refusals a judge would catch and how many
right answers it would lose.

    python bench/judge_probe.py --run s27-dev-final --sample 40 [--prompt plain|fewshot]

Measured in session 28 (2 cores, Qwen2.5-Coder-1.5B Q4_K_M, ``s27-dev-final``, 41 + 40 + 20 rows, about 3 s each):
AUC 0.68 (plain), 0.71 (fewshot); at 0.3 (fewshot) 10 of 41 caught, 3 of 40 right answers lost.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SYSTEM_PLAIN = "你是严格的政策文件核对员。"
SYSTEM_FEWSHOT = ("你判断一段政策原文能否回答一个问题。问题所问的具体数字、年份、地区、名单、频次、部门，原文必须明确写出才算能回答；"
                  "原文只写了相近的内容、别的年份、别的地区或定性要求，都算不能回答。问题里的说法原文不支持，也算不能回答。")
#: made-up examples (street lights, a night market), none from the documents or the question sets
EXAMPLES = ("例1\n问题：某市路灯改造方案要求2025年LED路灯占比达到多少？\n原文：到2025年，全市LED路灯占比达到90%以上。\n能否回答：是\n\n"
            "例2\n问题：某市夜市方案规定2030年夜市摊位要达到多少个？\n原文：到2025年，夜市摊位达到500个左右；到2030年，夜市管理水平明显提升。\n"
            "能否回答：否\n\n"
            "例3\n问题：某市路灯改造方案要求每季度检查一次路灯，由哪个部门检查？\n原文：市城管局负责路灯日常维护，定期开展检查。\n能否回答：否\n\n")


def prompt(kind: str, question: str, answer: str, quotes: str) -> str:
    if kind == "plain":
        system = SYSTEM_PLAIN
        user = (f"问题：{question}\n\n回答（含原文摘录）：\n{answer}\n\n这个回答是否依据原文直接回答了问题？如果问题所问的地区、文件、"
                "年份、指标或事项在原文摘录中并没有写到，或者问题的前提在原文中不成立，答“否”。只答“是”或“否”。")
    else:
        system = SYSTEM_FEWSHOT
        user = f"{EXAMPLES}现在判断\n问题：{question}\n原文：{quotes or answer}\n能否回答："
    return f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"


def auc(pos: list[float], neg: list[float]) -> float:
    pairs = [(1.0 if p > n else 0.5 if p == n else 0.0) for p in pos for n in neg]
    return sum(pairs) / max(1, len(pairs))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", required=True, help="an evaluation run under eval/reports/")
    ap.add_argument("--sample", type=int, default=40, help="answerable rows answered right to sample")
    ap.add_argument("--prompt", choices=("plain", "fewshot"), default="fewshot")
    ap.add_argument("--model", default=str(ROOT / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"))
    args = ap.parse_args()

    from llama_cpp import Llama

    from qa.models.probe import ensure_generation_safe

    report = ROOT / "eval" / "reports" / args.run
    if not report.is_dir():
        sys.exit(f"没有这个评测运行：{report}（先运行 qa eval --run {args.run}）")
    metrics = {q["id"]: q for q in json.loads((report / "metrics.json").read_text())["system"]["questions"]}
    rows = {r["id"]: r for r in map(json.loads, (report / "results.jsonl").read_text().splitlines())}
    missed = [i for i, q in metrics.items() if not q["answerable"] and not q["refused"]]
    right = [i for i, q in metrics.items() if q["answerable"] and not q["refused"] and q["key_fact"]]
    wrong = [i for i, q in metrics.items() if q["answerable"] and not q["refused"] and q["key_fact"] is False]
    rng = random.Random(7)
    right = rng.sample(right, min(len(right), args.sample))
    wrong = rng.sample(wrong, min(len(wrong), args.sample // 2))

    ensure_generation_safe(args.model, ROOT / "models" / ".probe", 2)  # a build that crashes on this CPU fails here
    llm = Llama(model_path=args.model, n_ctx=2048, n_threads=2, n_threads_batch=2, logits_all=True, verbose=False)
    yes, no = (llm.tokenize(w.encode(), add_bos=False)[0] for w in ("是", "否"))

    def judge(row: dict) -> float:
        quotes = "\n".join(c["quote"] for c in row.get("citations") or [])[:900]
        tokens = llm.tokenize(prompt(args.prompt, row["question"], row["answer"][:900], quotes).encode(),
                              add_bos=False, special=True)
        llm.reset()
        llm.eval(tokens)
        logits = llm.scores[llm.n_tokens - 1]
        return 1 / (1 + math.exp(float(logits[no]) - float(logits[yes])))

    scores = {name: [judge(rows[i]) for i in ids] for name, ids in
              (("unanswerable answered", missed), ("answerable right", right), ("answerable wrong", wrong))}
    for name, values in scores.items():
        print(f"{name:22s} n={len(values):3d}  P(是): " + " ".join(f"{v:.2f}" for v in sorted(values)))
    print(f"AUC right vs unanswerable: {auc(scores['answerable right'], scores['unanswerable answered']):.3f}")
    for t in (0.2, 0.3, 0.4, 0.5):
        caught = sum(v < t for v in scores["unanswerable answered"])
        lost = sum(v < t for v in scores["answerable right"])
        print(f"threshold {t:.1f}: caught {caught}/{len(missed)}, right answers lost {lost}/{len(right)}")


if __name__ == "__main__":
    main()
