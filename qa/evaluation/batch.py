"""Answer every line of a JSONL file, one output line per question, written as each is done.

Used by `qa batch` (through the same :class:`qa.service.QAService` as the chat page) and by
`qa eval` (for our system and for the plain-RAG baseline). One failing question never stops a run:
its line gets ``error``. Lines are flushed as written, so an interrupted run leaves a valid file
and ``resume`` skips the ids already there.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.errors import InputError, QAError
from qa.evaluation.io import JsonlWriter, read_results
from qa.evaluation.metrics import key_fact_match
from qa.types import Answer, Turn
from qa.validation import check_text, safe_text

#: Turns one input row into the fields added to its output line (raises on failure).
AnswerFn = Callable[[dict], dict]

#: The fields every output line adds to its input row.
OUTPUT_FIELDS = ("answer", "refused", "extractive", "citations", "retrieved", "rewritten_question",
                 "timings", "error")


def row_id(row: dict) -> str:
    """The id of a row as a string (ids may be numbers in hand-written files)."""
    return safe_text(str(row.get("id")))


def parse_history(raw: Any) -> list[Turn]:
    """The ``history`` field (a list of ``{"role", "content"}``) as Turns; InputError if malformed."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InputError("history 必须是列表 / history must be a list of {role, content} turns")
    turns: list[Turn] = []
    for i, turn in enumerate(raw):
        if (not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant")
                or not isinstance(turn.get("content"), str)):
            raise InputError(f"history[{i}] 必须是 {{role: user|assistant, content: 文本}} / "
                             "each turn must be {role: user|assistant, content: str}")
        content = check_text(turn["content"], f"history[{i}].content", allow_empty=True)
        turns.append(Turn(turn["role"], content))
    return turns


def answer_fields(answer: Answer) -> dict:
    """The output fields of a checked Answer (the public to_dict shape, trimmed for batch files)."""
    d = answer.to_dict()
    return {
        "answer": d["answer"],
        "refused": d["refused"],
        "extractive": d["extractive"],
        "citations": [{"n": c["n"], "doc_title": c["doc_title"], "clause": c["clause"], "quote": c["quote"]}
                      for c in d["citations"]],
        "retrieved": d["retrieved"],
        "rewritten_question": d["rewritten_question"],
        "timings": d["timings"],
        "raw_answer": d["raw_answer"],  # what the model wrote, before checking (for diagnosis)
        "notes": d["notes"],  # what the checker changed
        "error": None,
    }


def error_message(exc: BaseException) -> str:
    """A QAError's message, else the exception's type and message."""
    if isinstance(exc, QAError):
        return safe_text(exc.message)
    return safe_text(f"{type(exc).__name__}: {exc}")


def error_fields(exc: BaseException, elapsed_ms: float) -> dict:
    """The output fields of a question that failed."""
    return {
        "answer": "",
        "refused": False,
        "extractive": False,
        "citations": [],
        "retrieved": [],
        "rewritten_question": "",
        "timings": {"retrieve_ms": 0.0, "first_token_ms": 0.0, "total_ms": round(elapsed_ms, 1)},
        "error": error_message(exc),
    }


def service_answer_fn(service) -> AnswerFn:
    """Answer a row with a QAService (``question`` + optional ``history``)."""

    def answer(row: dict) -> dict:
        history = parse_history(row.get("history"))
        return answer_fields(service.ask(row.get("question"), history=history))

    return answer


def answer_row(row: dict, answer_fn: AnswerFn) -> dict:
    """The output line for one row: its input fields plus the answer fields (or the error)."""
    t0 = time.perf_counter()
    try:
        fields = answer_fn(row)
    except Exception as exc:  # one failure never stops the run; KeyboardInterrupt still does
        fields = error_fields(exc, (time.perf_counter() - t0) * 1000)
    return {**row, **fields}


@dataclass
class RunningAccuracy:
    """Key-fact accuracy over the lines seen so far that have ``must_contain``."""

    correct: int = 0
    total: int = 0

    def add(self, line: dict) -> None:
        facts = line.get("must_contain") or []
        if not facts:
            return
        ok = (line.get("error") is None and not line.get("refused")
              and key_fact_match(str(line.get("answer") or ""), facts))
        self.total += 1
        self.correct += int(bool(ok))

    def describe(self) -> str | None:
        if not self.total:
            return None
        return f"{self.correct / self.total:.0%} ({self.correct}/{self.total})"


@dataclass
class BatchSummary:
    """What a batch run did."""

    output: Path
    total: int  # rows asked for
    skipped: int = 0  # already in the output (resume)
    answered: int = 0  # written in this run
    errors: int = 0  # written with an error in this run
    interrupted: bool = False
    elapsed_s: float = 0.0
    key_facts: RunningAccuracy = field(default_factory=RunningAccuracy)

    @property
    def complete(self) -> bool:
        return not self.interrupted and self.skipped + self.answered >= self.total


def select_rows(rows: Iterable[dict], *, ids: Sequence[str] | None = None, limit: int | None = None) -> list[dict]:
    """The rows whose id is in ``ids`` (if given; in file order), then the first ``limit`` of them."""
    out = list(rows)
    if ids:
        wanted = {str(i).strip() for i in ids if str(i).strip()}
        out = [r for r in out if row_id(r) in wanted]
    if limit is not None:
        out = out[: max(0, limit)]
    return out


def parse_ids(value: str | None) -> list[str] | None:
    """``"q001,q002"`` → ``["q001", "q002"]``; None when not given."""
    if not value:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def run_batch(rows: Sequence[dict], answer_fn: AnswerFn, output: str | Path, *, resume: bool = False,
              desc: str = "answering", progress: bool = True) -> BatchSummary:
    """Answer ``rows`` into ``output`` (JSONL), one flushed line per question.

    With ``resume`` the ids already in ``output`` are skipped and new lines appended; otherwise the
    file is rewritten. Ctrl-C stops after the line being written: the summary says ``interrupted``.
    """
    out = Path(output)
    summary = BatchSummary(output=out, total=len(rows))
    existing = read_results(out) if resume else []
    done = {row_id(r) for r in existing}
    asked = {row_id(r) for r in rows}
    for line in existing:
        if row_id(line) in asked:
            summary.key_facts.add(line)
    pending = [r for r in rows if row_id(r) not in done]
    summary.skipped = len(rows) - len(pending)
    bar = _progress_bar(len(rows), summary.skipped, desc, progress)
    _show(bar, summary)
    t0 = time.perf_counter()
    try:
        with JsonlWriter(out, append=resume) as writer:
            for row in pending:
                line = answer_row(row, answer_fn)
                writer.write(line)
                summary.answered += 1
                summary.errors += line["error"] is not None
                summary.key_facts.add(line)
                bar.update(1)
                _show(bar, summary)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        bar.close()
        summary.elapsed_s = time.perf_counter() - t0
    return summary


def _progress_bar(total: int, initial: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, desc=desc, unit="q", file=sys.stderr, disable=not enabled,
                dynamic_ncols=True, mininterval=0.5, smoothing=0.1)


def _show(bar, summary: BatchSummary) -> None:
    postfix: dict[str, str] = {}
    acc = summary.key_facts.describe()
    if acc:
        postfix["key-facts"] = acc
    if summary.errors:
        postfix["errors"] = str(summary.errors)
    if postfix:
        bar.set_postfix(postfix, refresh=False)
