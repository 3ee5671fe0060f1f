"""The "plain RAG" baseline that `qa eval` compares our system with.

* naive chunks: ``RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)`` over each
  document's normalised text (default separators), no clause structure, no context header;
* retrieval: the same embedding model (and query/passage prompts), dense only, exact inner product
  (numpy), the top 5 chunks, on the question alone (no rewriting of follow-ups);
* generation: the same generator, one plain prompt (:data:`BASELINE_PROMPT`) with the 5 chunks
  numbered (the lowest-ranked dropped only if the prompt would not leave ``max_new_tokens`` free in
  ``n_ctx``; ``context_chunks`` says how many were shown), any ``history`` as earlier chat turns;
  no checking, no refusal logic;
* scoring: a chunk "covers" every clause whose span overlaps its span in ``Document.text``;
  a cited ``[n]`` cites every clause chunk n covers; the answer counts as a refusal if it contains a
  phrase of :data:`BASELINE_REFUSAL_PHRASES`.

Its lines have the batch shape; ``retrieved`` items carry ``clauses`` (all covered labels) and the
chunk's ``start``/``end``, so the same scorer handles both systems.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa.answer.pipeline import validate_question
from qa.corpus import Document
from qa.settings import Settings

BASELINE_PROMPT = (
    "请根据下面的资料回答问题。回答要简洁，并在用到资料的句子末尾用方括号标注资料编号，例如[2]。\n\n"
    "资料：\n{context}\n\n"
    "问题：{question}\n"
    "回答："
)
BASELINE_CHUNK = "[{n}]《{title}》\n{text}"
BASELINE_REFUSAL_PHRASES = (
    "未找到", "没有找到", "没有提到", "没有提及", "未提及", "未提到", "无法回答", "无法确定", "没有相关",
    "未涉及", "没有涉及", "未包含", "没有明确",
)
CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
TOP_K = 5
#: Tokens reserved per chat message for the chat template, when fitting the prompt into n_ctx.
TEMPLATE_TOKENS_PER_MESSAGE = 8

_CITE = re.compile(r"[\[【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】]")


@dataclass(frozen=True)
class NaiveChunk:
    """A fixed-size piece of a document's normalised text and the clauses it overlaps."""

    doc_id: str
    doc_title: str
    text: str
    start: int  # offsets in Document.text
    end: int
    clauses: tuple[str, ...]  # labels of the units whose span overlaps [start, end)


def overlapping_labels(doc: Document, start: int, end: int) -> tuple[str, ...]:
    """Labels of the document's units whose span overlaps ``[start, end)``, in document order."""
    return tuple(u.label for u in doc.units if u.start < end and start < u.end)


def locate(text: str, piece: str, cursor: int) -> int:
    """Offset of ``piece`` in ``text`` at or after ``cursor`` (else anywhere); -1 if absent."""
    pos = text.find(piece, cursor)
    return pos if pos >= 0 else text.find(piece)


def split_document(doc: Document, chunk_size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> list[NaiveChunk]:
    """Naive fixed-size chunks of ``doc.text``, each located in the text to get its span."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=overlap)
    chunks: list[NaiveChunk] = []
    cursor = 0
    for piece in splitter.split_text(doc.text):
        start = locate(doc.text, piece, cursor)
        if start < 0:  # cannot happen with the default separators; keep the chunk, spanless
            chunks.append(NaiveChunk(doc.doc_id, doc.title, piece, 0, 0, ()))
            continue
        end = start + len(piece)
        cursor = start + 1
        chunks.append(NaiveChunk(doc.doc_id, doc.title, piece, start, end, overlapping_labels(doc, start, end)))
    return chunks


def cited_numbers(text: str) -> list[int]:
    """The distinct ``[n]`` numbers an answer cites, in order (also ``[1,2]``, ``[1、2]``, ``【1】``)."""
    out: list[int] = []
    for m in _CITE.finditer(text):
        for part in re.split(r"[,，、]", m.group(1)):
            n = int(part.strip())
            if n not in out:
                out.append(n)
    return out


def is_refusal(text: str) -> bool:
    """Whether a raw baseline answer says the material does not answer the question."""
    return any(p in text for p in BASELINE_REFUSAL_PHRASES)


def build_prompt(question: str, chunks: Sequence[NaiveChunk]) -> str:
    """The baseline's user message: the numbered chunks and the question."""
    context = "\n\n".join(BASELINE_CHUNK.format(n=i, title=c.doc_title, text=c.text)
                          for i, c in enumerate(chunks, 1))
    return BASELINE_PROMPT.format(context=context, question=question)


def citations_for(numbers: Sequence[int], chunks: Sequence[NaiveChunk]) -> list[dict]:
    """One citation per clause each cited chunk covers (clause '' if it covers none)."""
    out: list[dict] = []
    for n in numbers:
        if not 1 <= n <= len(chunks):
            continue
        c = chunks[n - 1]
        for label in c.clauses or ("",):
            out.append({"n": n, "doc_title": c.doc_title, "clause": label, "quote": ""})
    return out


class NaiveRAG:
    """Plain RAG over naive chunks; :meth:`answer` is a batch AnswerFn. The index builds on first use."""

    def __init__(self, settings: Settings, documents: Sequence[Document], embedder=None, generator=None) -> None:
        self.settings = settings
        self.documents = list(documents)
        if embedder is None:
            from qa.index.embedders import make_embedder

            embedder = make_embedder(settings)
        if generator is None:
            from qa.answer.generators import make_generator

            generator = make_generator(settings)
        self.embedder = embedder
        self.generator = generator
        self.chunks: list[NaiveChunk] = []
        self._vectors: np.ndarray | None = None

    def build(self) -> None:
        """Chunk every document and embed the chunks (passage prompt)."""
        if self._vectors is not None:
            return
        self.chunks = [c for doc in self.documents for c in split_document(doc)]
        texts = [c.text for c in self.chunks]
        vecs = self.embedder.embed_passages(texts, batch_size=self.settings.embedding_batch_size)
        self._vectors = np.asarray(vecs, dtype=np.float32).reshape(len(texts), -1)

    def search(self, question: str, k: int = TOP_K) -> list[tuple[NaiveChunk, float]]:
        """The k chunks with the highest inner product with the question (query prompt)."""
        self.build()
        assert self._vectors is not None
        if not self.chunks:
            return []
        q = np.asarray(self.embedder.embed_queries([question])[0], dtype=np.float32)
        scores = self._vectors @ q
        order = np.argsort(-scores, kind="stable")[:k]
        return [(self.chunks[i], float(scores[i])) for i in order]

    def messages(self, question: str, chunks: Sequence[NaiveChunk], history: Sequence[dict] = ()) -> list[dict]:
        """Earlier turns as chat messages, then the prompt."""
        turns = [{"role": t["role"], "content": t["content"]} for t in history]
        return [*turns, {"role": "user", "content": build_prompt(question, chunks)}]

    def fit_context(self, question: str, chunks: Sequence[NaiveChunk],
                    history: Sequence[dict] = ()) -> list[NaiveChunk]:
        """The first chunks whose prompt leaves room for ``max_new_tokens`` in ``n_ctx`` (at least one).

        Five 500-character chunks are about 1,800 tokens of Chinese for a Qwen tokenizer, close to a
        2,048-token window; like any RAG that must fit its context, the lowest-ranked chunks go first.
        """
        count = getattr(self.generator, "count_tokens", None)
        shown = list(chunks)
        if count is None:
            return shown
        budget = self.settings.n_ctx - self.settings.max_new_tokens

        def size(items: Sequence[NaiveChunk]) -> int:
            return sum(count(m["content"]) + TEMPLATE_TOKENS_PER_MESSAGE
                       for m in self.messages(question, items, history))

        while len(shown) > 1 and size(shown) > budget:
            shown.pop()
        return shown

    def answer(self, row: dict) -> dict:
        """The batch output fields for one row (same shape as our system's)."""
        from qa.evaluation.batch import parse_history

        question = validate_question(row.get("question"), self.settings.max_question_chars)
        history = [{"role": t.role, "content": t.content} for t in parse_history(row.get("history"))]
        self.build()  # once; not part of the question's latency
        t_start = time.perf_counter()
        hits = self.search(question)
        t_retrieved = time.perf_counter()
        chunks = self.fit_context(question, [c for c, _ in hits], history)
        first: float | None = None
        pieces: list[str] = []
        for piece in self.generator.stream(self.messages(question, chunks, history),
                                           max_tokens=self.settings.max_new_tokens):
            first = first or time.perf_counter()
            pieces.append(piece)
        t_done = time.perf_counter()
        raw = "".join(pieces).strip()
        return {
            "answer": raw,
            "refused": is_refusal(raw),
            "extractive": False,
            "citations": citations_for(cited_numbers(raw), chunks),
            "retrieved": [{"doc_title": c.doc_title, "clause": "、".join(c.clauses), "clauses": list(c.clauses),
                           "start": c.start, "end": c.end, "score": round(s, 6)} for c, s in hits],
            "rewritten_question": question,
            "timings": {"retrieve_ms": round((t_retrieved - t_start) * 1000, 1),
                        "first_token_ms": round(((first or t_done) - t_start) * 1000, 1),
                        "total_ms": round((t_done - t_start) * 1000, 1)},
            "context_chunks": len(chunks),
            "error": None,
        }
