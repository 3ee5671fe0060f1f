"""The prompts the product sends to the model for the questions of an evaluation split, without generating.

The real service (build_service: analysis, follow-up rewrite, retrieval, refusal policy, evidence,
prompt) runs with the deterministic fake generator; a recorder around it keeps every answering
prompt (system prompt = prompts.SYSTEM_PROMPT) it is asked to complete. Questions the product
answers without the model (document cards, refusals, quotes) give no prompt and are skipped.

Used by bench/bench_prompt_lookup.py and bench/perf_table.py so that both time the model on the
prompts of real test questions.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class _Recorder:
    """Wraps a generator: records answering prompts, delegates everything else."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.seen: list[list[dict[str, str]]] = []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def stream(self, messages, *args, **kwargs):
        from qa.answer import prompts

        if messages and messages[0].get("content") == prompts.SYSTEM_PROMPT:
            self.seen.append([dict(m) for m in messages])
        return self.inner.stream(messages, *args, **kwargs)


def split_prompts(settings, dataset: Path | str = ROOT / "eval" / "test.jsonl", n: int = 20) -> list[dict]:
    """Up to ``n`` rows ``{"id", "question", "messages"}``: the first answering prompt of each question."""
    from qa.service import build_service
    from qa.types import Turn

    svc = build_service(settings.replace(generator_backend="fake", generation_cache=""))
    rec = _Recorder(svc.answerer.generator)
    svc.answerer.generator = rec
    rows = [json.loads(line) for line in Path(dataset).read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for row in rows:
        if len(out) >= n:
            break
        rec.seen.clear()
        history = [Turn(t["role"], t["content"]) for t in row.get("history") or []]
        svc.ask(row["question"], history)
        if rec.seen:
            out.append({"id": row.get("id"), "question": row["question"], "messages": rec.seen[0]})
    return out
