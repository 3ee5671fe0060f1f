"""The composition root: one QAService that every front end calls.

The CLI (`qa ask`, `qa batch`, `qa eval`), the HTTP API, the Gradio page and the benchmarks all
build their service with :func:`build_service`, so an evaluation measures exactly what users get.
Constructors are cheap: the index and the models load on first use (or on :meth:`QAService.warmup`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from qa.settings import Settings
from qa.types import Answer, Hit, Scope, StreamEvent, TokenUsage, Turn


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    title: str
    region: str
    doc_number: str
    date: str
    n_chunks: int

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class SearchResult:
    question: str
    hits: tuple[Hit, ...]
    scope: Scope

    def to_dict(self) -> dict:
        return {"question": self.question, "scope": self.scope.to_dict(),
                "hits": [h.to_dict() for h in self.hits]}


@dataclass(frozen=True)
class ClauseView:
    """A clause's full text for display, with the span of a quote to highlight."""

    doc_id: str
    doc_title: str
    label: str
    heading: str
    text: str
    highlight: tuple[int, int] | None  # offsets of the quote within `text`, if found


class QAService:
    """Answering service: retrieval + generation + checking. Thread-safe for concurrent readers;
    generation is serialised by the caller's queue (see qa.api) or by an internal lock."""

    def __init__(self, settings: Settings, retriever, answerer) -> None:
        self.settings = settings
        self.retriever = retriever  # qa.index.retriever.Retriever
        self.answerer = answerer  # qa.answer.pipeline.Answerer
        self._lock = threading.Lock()

    # -- questions ---------------------------------------------------------
    def ask(self, question: str, history: Sequence[Turn] = (), doc_ids: Sequence[str] | None = None,
            cancel: threading.Event | None = None) -> Answer:
        """Answer one question (blocking). Raises InputError for bad input."""
        answer = None
        for event in self.ask_stream(question, history, doc_ids, cancel):
            if event.kind == "answer":
                answer = event.answer
        assert answer is not None
        return answer

    def ask_stream(self, question: str, history: Sequence[Turn] = (),
                   doc_ids: Sequence[str] | None = None,
                   cancel: threading.Event | None = None) -> Iterator[StreamEvent]:
        """Yield StreamEvent("status"), StreamEvent("token", text) as the model writes, then
        StreamEvent("usage", usage=TokenUsage) and finally StreamEvent("answer", answer=checked Answer).
        Setting `cancel` stops generation early."""
        from qa.answer.generators import metered

        pinned = getattr(self.retriever, "pinned", None)  # one index version for the whole answer,
        pin = pinned() if pinned is not None else contextlib.nullcontext()  # even if it is switched meanwhile
        with pin, metered() as meter:  # the tokens of every generation this answer makes (this thread)
            for event in self.answerer.answer_stream(question, history=history, doc_ids=doc_ids, cancel=cancel):
                if event.kind == "answer":
                    yield StreamEvent("usage", usage=TokenUsage(meter.prompt_tokens, meter.completion_tokens))
                yield event

    # -- retrieval only ----------------------------------------------------
    def search(self, question: str, k: int = 10, doc_ids: Sequence[str] | None = None) -> SearchResult:
        hits, scope = self.retriever.search(question, k=k, doc_ids=doc_ids)
        return SearchResult(question, tuple(hits), scope)

    def documents(self) -> list[DocumentInfo]:
        return self.retriever.documents()

    def library(self):
        """The document library: every document with its card (文号, 印发单位, dates, clause count)."""
        return self._library().entries()

    def document(self, doc_id: str):
        """One document read by its clause outline (qa.api.library.DocumentView)."""
        return self._library().document(doc_id)

    def _library(self):
        if getattr(self, "_library_obj", None) is None:
            from qa.api.library import Library

            self._library_obj = Library(self.settings, self.retriever)
        return self._library_obj

    def clause(self, chunk_id: str, quote: str | None = None) -> ClauseView:
        """The whole clause a chunk belongs to, with `quote` located for highlighting."""
        return self.retriever.clause_view(chunk_id, quote)

    # -- lifecycle ---------------------------------------------------------
    def warmup(self) -> None:
        """Load the index, the embedding model and the generator now rather than on first use."""
        self.retriever.load()
        self.answerer.generator.load()

    def status(self) -> dict:
        return {
            "index": self.retriever.status(),
            "generator": self.answerer.generator.status(),
        }


def build_service(settings: Settings) -> QAService:
    """Build the service from settings (cheap; loads nothing)."""
    from qa.answer.generators import make_generator
    from qa.answer.pipeline import Answerer
    from qa.index.embedders import make_embedder
    from qa.index.retriever import Retriever

    embedder = make_embedder(settings)
    retriever = Retriever(settings, embedder)
    generator = make_generator(settings)
    answerer = Answerer(settings, retriever, generator)
    return QAService(settings, retriever, answerer)
