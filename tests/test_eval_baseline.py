"""The plain-RAG baseline: naive chunk spans, clause overlap, citation parsing, refusal phrases."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.corpus import load_corpus
from qa.evaluation.baseline import (
    BASELINE_PROMPT,
    CHUNK_SIZE,
    NaiveChunk,
    NaiveRAG,
    build_prompt,
    citations_for,
    cited_numbers,
    is_refusal,
    locate,
    split_document,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def documents():
    return load_corpus(ROOT / "corpus", progress=False).documents


def test_naive_chunks_are_located_spans_that_overlap_their_clauses(documents):
    for doc in documents:
        chunks = split_document(doc)
        assert len(chunks) >= len(doc.text) // CHUNK_SIZE
        for c in chunks:
            assert len(c.text) <= CHUNK_SIZE
            assert doc.text[c.start:c.end] == c.text
            expected = {u.label for u in doc.units if u.start < c.end and c.start < u.end}
            assert set(c.clauses) == expected
        starts = [c.start for c in chunks]
        assert starts == sorted(starts)
        covered = {label for c in chunks for label in c.clauses}
        assert covered == {u.label for u in doc.units}


def test_locate_prefers_the_cursor():
    assert locate("abcabc", "abc", 1) == 3
    assert locate("abcabc", "abc", 5) == 0
    assert locate("abc", "x", 0) == -1


@pytest.mark.parametrize(("text", "numbers"), [
    ("达到58%[1]。负责部门见[3][1]。", [1, 3]),
    ("见[1,2]和[2、4]以及【5】", [1, 2, 4, 5]),
    ("没有引用", []),
])
def test_cited_numbers(text, numbers):
    assert cited_numbers(text) == numbers


def test_refusal_phrases():
    assert is_refusal("资料中没有提到绵阳市的目标。")
    assert is_refusal("无法回答该问题")
    assert not is_refusal("到2025年达到58%左右[1]。")


def test_citations_map_chunks_to_every_clause_they_overlap():
    chunks = [NaiveChunk("d", "甲方案", "t", 0, 10, ("（一）", "（二）")), NaiveChunk("d", "甲方案", "u", 10, 20, ())]
    cites = citations_for([1, 2, 7], chunks)
    assert [(c["n"], c["clause"]) for c in cites] == [(1, "（一）"), (1, "（二）"), (2, "")]


def test_prompt_numbers_the_chunks_and_asks_for_citations():
    chunks = [NaiveChunk("d", "甲方案", "第一段。", 0, 4, ()), NaiveChunk("d", "乙方案", "第二段。", 0, 4, ())]
    prompt = build_prompt("问什么？", chunks)
    assert "[1]《甲方案》\n第一段。" in prompt and "[2]《乙方案》\n第二段。" in prompt
    assert prompt.endswith("问题：问什么？\n回答：")
    assert "{context}" in BASELINE_PROMPT and "{question}" in BASELINE_PROMPT


def test_naive_rag_answers_in_the_batch_shape(fake_index, documents):
    rag = NaiveRAG(fake_index, documents)
    row = {"id": "q1", "question": "重庆到2025年非化石能源消费比重要达到多少？",
           "history": [{"role": "user", "content": "先问一句"}, {"role": "assistant", "content": "好"}]}
    out = rag.answer(row)
    assert len(out["retrieved"]) == 5 and out["error"] is None
    assert all(r["clauses"] is not None and r["end"] > r["start"] for r in out["retrieved"])
    assert out["citations"] and out["citations"][0]["n"] == 1
    assert {"retrieve_ms", "first_token_ms", "total_ms"} <= set(out["timings"])
    messages = rag.generator.calls[-1]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    from qa.errors import InputError

    with pytest.raises(InputError):
        rag.answer({"id": "q2", "question": "  "})


def test_prompt_is_fitted_into_the_context_window(fake_index, documents):
    question = "重庆到2025年非化石能源消费比重要达到多少？"
    roomy = NaiveRAG(fake_index, documents)
    hits = [c for c, _ in roomy.search(question)]
    assert len(roomy.fit_context(question, hits)) == 5
    tight = NaiveRAG(fake_index.replace(n_ctx=900, max_new_tokens=256), documents)
    shown = tight.fit_context(question, hits)
    assert 1 <= len(shown) < 5 and shown == hits[: len(shown)]
    tiny = NaiveRAG(fake_index.replace(n_ctx=10, max_new_tokens=256), documents)
    assert tiny.fit_context(question, hits) == hits[:1]
    out = tight.answer({"id": "q", "question": question})
    assert out["context_chunks"] == len(shown) and len(out["retrieved"]) == 5
