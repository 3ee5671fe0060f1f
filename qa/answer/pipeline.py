"""The answering pipeline: rewrite → retrieve → decide refusal → prompt → generate → check.

Grounding lives here, not in the prompt: the system refuses out-of-scope questions and weak
evidence itself, and every generated answer goes through `citations.check_answer`.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence

from qa.answer import prompts
from qa.answer.citations import check_answer, figures, normalize_answer, unchecked
from qa.answer.evidence import EvidenceItem, build_evidence
from qa.answer.generators import Generator
from qa.answer.rewrite import rewrite
from qa.answer.support import FigureSupport
from qa.errors import InputError
from qa.index.scope import region_aliases
from qa.settings import Settings
from qa.types import Answer, Hit, Scope, StreamEvent, Timings, Turn

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*年")
_PERIOD = re.compile(r"十[一二三四五六七八九]五")  # five-year-plan periods: 十四五, 十五五


def validate_question(question: object, max_chars: int) -> str:
    """The question, stripped; InputError (with a Chinese message) when it cannot be asked."""
    if not isinstance(question, str):
        raise InputError("问题必须是文本 / the question must be a string")
    if _CONTROL.search(question):
        raise InputError("问题包含控制字符，请删除后重试 / the question contains control characters")
    q = unicodedata.normalize("NFC", question).strip()
    if not q:
        raise InputError("问题为空，请输入问题 / the question is empty")
    if len(q) > max_chars:
        raise InputError(f"问题过长（{len(q)} 字），请控制在 {max_chars} 字以内 / question too long",
                         hint="缩短问题，或调大 max_question_chars 设置")
    return q


class Answerer:
    def __init__(self, settings: Settings, retriever, generator: Generator) -> None:
        self.settings = settings
        self.retriever = retriever
        self.generator = generator
        self._figure_support: tuple[object, FigureSupport] | None = None
        self._region_cache: tuple[object, list[str]] | None = None

    # ------------------------------------------------------------------
    def _regions(self) -> list[str]:
        """Region names of the indexed documents (recomputed only when the index is reloaded)."""
        data = self.retriever.load()
        if self._region_cache is None or self._region_cache[0] is not data:
            names: set[str] = set()
            for meta in data.documents.values():
                names |= region_aliases(str(meta.get("region", "")))
            self._region_cache = (data, sorted(names))
        return self._region_cache[1]

    def answer_stream(self, question: str, history: Sequence[Turn] = (), doc_ids: Sequence[str] | None = None,
                      cancel: threading.Event | None = None) -> Iterator[StreamEvent]:
        t0 = time.perf_counter()
        q = validate_question(question, self.settings.max_question_chars)
        history = [t if isinstance(t, Turn) else Turn(t["role"], t["content"]) for t in history]
        yield StreamEvent("status", "检索中…")
        standalone = rewrite(q, history, self._regions()) if history else q
        t_rewrite = time.perf_counter()
        n_hits = max(10, self.settings.top_k)
        hits, scope = self.retriever.search(standalone, k=n_hits, doc_ids=doc_ids)
        t_retrieved = time.perf_counter()
        timings = {"rewrite_ms": (t_rewrite - t0) * 1000, "retrieve_ms": (t_retrieved - t_rewrite) * 1000}
        evidence_hits = hits[: self.settings.top_k]
        refusal = self._refusal_reason(standalone, scope, evidence_hits) if self.settings.grounding else None
        if refusal is not None:
            total = (time.perf_counter() - t0) * 1000
            yield StreamEvent("answer", answer=self._refusal(q, standalone, refusal, hits, scope,
                                                             Timings(**timings, total_ms=total)))
            return
        items = build_evidence(standalone, evidence_hits, self.retriever.unit, self.settings.evidence_chars)
        messages = prompts.build_messages(standalone, [it.block() for it in items])
        yield StreamEvent("status", "生成中…")
        pieces: list[str] = []
        first = None
        for piece in self.generator.stream(messages, max_tokens=self.settings.max_new_tokens, stop=prompts.STOP,
                                           cancel=cancel):
            if first is None:
                first = time.perf_counter()
            pieces.append(piece)
            yield StreamEvent("token", piece)
        t_done = time.perf_counter()
        raw = "".join(pieces)
        first = first or t_done
        timings.update(first_token_ms=(first - t0) * 1000, prompt_ms=(first - t_retrieved) * 1000,
                       generate_ms=(t_done - first) * 1000)
        answer = self._checked(q, standalone, raw, items, hits, scope, timings, t0,
                               cancelled=bool(cancel and cancel.is_set()))
        yield StreamEvent("answer", answer=answer)

    # ------------------------------------------------------------------
    def _refusal_reason(self, question: str, scope: Scope, hits: Sequence[Hit]) -> str | None:
        if scope.is_out_of_scope:
            return prompts.REFUSAL_OUT_OF_SCOPE.format(names="、".join(scope.out_of_scope))
        if not hits:
            return prompts.REFUSAL_LOW_EVIDENCE
        best = max((h.dense_score or 0.0) for h in hits)
        if best < self.settings.refusal_threshold:
            return prompts.REFUSAL_LOW_EVIDENCE
        # a year or plan period that no evidence mentions ("到2030年…" when only 2025 is set; 十五五)
        texts = [self._unit_text(h) for h in hits]
        norm_q = normalize_answer(question)
        evidence = normalize_answer("".join(texts))
        missing = [f"{y}年" for y in sorted(set(_YEAR.findall(norm_q))) if y not in evidence]
        missing += [f"“{p}”" for p in sorted(set(_PERIOD.findall(norm_q))) if p not in evidence]
        if missing:
            return prompts.REFUSAL_MISSING_FIGURE.format(names="、".join(missing))
        # a "how much" question whose subject no figure-bearing evidence sentence is about
        support = self._support()
        if support.asks_quantity(question):
            if support.coverage(question, texts) < self.settings.figure_support_threshold:
                return prompts.REFUSAL_NO_FIGURE
        return None

    def _support(self) -> FigureSupport:
        """Figure-support statistics of the indexed documents (rebuilt only when the index is reloaded)."""
        data = self.retriever.load()
        if self._figure_support is None or self._figure_support[0] is not data:
            texts = (u["text"] for d in data.documents.values() for u in d.get("units", []))
            self._figure_support = (data, FigureSupport(texts, self._regions()))
        return self._figure_support[1]

    def _unit_text(self, hit: Hit) -> str:
        unit = self.retriever.unit(hit.chunk.doc_id, hit.chunk.label)
        return unit["text"] if unit else hit.chunk.text

    def _refusal(self, question: str, standalone: str, reason: str, hits: Sequence[Hit], scope: Scope,
                 timings: Timings, raw: str = "") -> Answer:
        related = [prompts.RELATED_ITEM.format(title=h.chunk.doc_title, label=h.chunk.label,
                                               heading=h.chunk.heading) for h in hits[:3]]
        text = reason + ("\n" + prompts.RELATED_HEADER + "\n" + "\n".join(related) if related else "")
        return Answer(question=question, text=text, hits=tuple(hits), refused=True, rewritten_question=standalone,
                      scope=scope, raw_text=raw, notes=(reason,), timings=timings)

    def _checked(self, question: str, standalone: str, raw: str, items: list[EvidenceItem], hits: Sequence[Hit],
                 scope: Scope, timings: dict, t0: float, cancelled: bool) -> Answer:
        checked = (check_answer(raw, items, standalone, self._regions()) if self.settings.grounding
                   else unchecked(raw, items))
        total = (time.perf_counter() - t0) * 1000
        t = Timings(**timings, total_ms=total)
        if checked.refused_by_model and not figures(raw):
            return self._refusal(question, standalone, prompts.REFUSAL_BY_MODEL, hits, scope, t, raw)
        if checked.refused_no_figure:
            return self._refusal(question, standalone, prompts.REFUSAL_NO_FIGURE, hits, scope, t, raw)
        text = checked.text
        if scope.out_of_scope and not scope.is_out_of_scope:
            text += prompts.PARTIAL_SCOPE_NOTE.format(names="、".join(scope.out_of_scope))
        notes = list(checked.notes) + (["生成被取消"] if cancelled else [])
        return Answer(question=question, text=text, citations=tuple(checked.citations), hits=tuple(hits),
                      refused=False, extractive=checked.extractive, rewritten_question=standalone, scope=scope,
                      raw_text=raw, notes=tuple(notes), timings=t)
