"""Metric functions of qa.evaluation.metrics / scoring on hand-computed examples."""

from __future__ import annotations

import pytest

from qa.evaluation.metrics import (
    NO_DOC,
    Outcome,
    aggregate,
    by_document,
    by_type,
    citation_precision,
    citation_recall,
    contains_fact,
    false_refusal_rate,
    first_relevant_rank,
    key_fact_match,
    latency,
    mean,
    normalize_fact,
    percentile,
    recall_at_k,
    reciprocal_rank,
    refusal_accuracy,
)
from qa.evaluation.scoring import item_clauses, join_results, score_row

A1, A2, A3 = ("甲方案", "（一）"), ("甲方案", "（二）"), ("甲方案", "（三）")
B1 = ("乙方案", "（一）")


# -- key facts ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("answer", "fact"), [
    ("下降14．92万吨。", "14.92万吨"),
    ("比重达到41.5％左右", "41.5%"),
    ("比重达到 41.5 % 左右", "41.5%"),
    ("达到１２３万台", "123万台"),
    ("减少 3 万吨[1]", "3万吨"),
])
def test_key_fact_normalisation_matches(answer: str, fact: str) -> None:
    assert contains_fact(answer, fact)
    assert key_fact_match(answer, [fact]) is True


def test_key_fact_requires_every_fact_and_is_none_without_facts() -> None:
    assert key_fact_match("到2025年达到58%左右", ["58%", "2025年"]) is True
    assert key_fact_match("到2025年达到58%左右", ["58%", "41.5%"]) is False
    assert key_fact_match("anything", []) is None
    assert key_fact_match("", ["58%"]) is False


def test_normalize_fact_is_idempotent_and_strips_spaces() -> None:
    once = normalize_fact("１４．９２ 万吨")
    assert once == "14.92万吨"
    assert normalize_fact(once) == once
    assert normalize_fact("") == ""


# -- retrieval ---------------------------------------------------------------------------------
def test_rank_recall_and_mrr_single_gold() -> None:
    retrieved = [[B1], [A2], [A1], [A3]]
    assert first_relevant_rank(retrieved, [A1]) == 3
    assert recall_at_k(retrieved, [A1], 1) == 0.0
    assert recall_at_k(retrieved, [A1], 3) == 1.0
    assert reciprocal_rank(retrieved, [A1]) == pytest.approx(1 / 3)
    assert reciprocal_rank(retrieved, [("丙", "（九）")]) == 0.0
    assert first_relevant_rank(retrieved, [("丙", "（九）")]) is None


def test_recall_is_fraction_of_gold_with_two_gold_clauses() -> None:
    retrieved = [[A1], [B1], [A3]]
    gold = [A1, A2]
    assert recall_at_k(retrieved, gold, 1) == 0.5
    assert recall_at_k(retrieved, gold, 5) == 0.5
    assert recall_at_k(retrieved + [[A2]], gold, 5) == 1.0
    assert reciprocal_rank(retrieved, gold) == 1.0


def test_items_covering_several_clauses_count_for_each() -> None:
    # a naive chunk overlapping （一） and （二） covers both gold clauses at rank 2
    retrieved = [[B1], [A1, A2]]
    assert recall_at_k(retrieved, [A1, A2], 1) == 0.0
    assert recall_at_k(retrieved, [A1, A2], 2) == 1.0
    assert reciprocal_rank(retrieved, [A1, A2]) == 0.5


def test_retrieval_without_gold_is_none() -> None:
    assert recall_at_k([[A1]], [], 5) is None
    assert reciprocal_rank([[A1]], []) is None


# -- citations ---------------------------------------------------------------------------------
def test_citation_precision_counts_gold_or_key_fact_clauses() -> None:
    texts = {A1: "到2025年达到58%左右。", A2: "推进绿色建筑。", A3: "比重达到５８％。"}
    # A1 gold, A3 contains the key fact (full-width), A2 neither, duplicates counted once → 2/3
    cited = [A1, A2, A3, A1]
    assert citation_precision(cited, [A1], texts, ["58%"]) == pytest.approx(2 / 3)
    assert citation_precision([], [A1], texts, ["58%"]) is None
    assert citation_precision([("未知", "（一）")], [A1], texts, ["58%"]) == 0.0


def test_citation_recall() -> None:
    assert citation_recall([A1, B1], [A1, A2]) == 0.5
    assert citation_recall([], [A1]) == 0.0
    assert citation_recall([A1], []) is None


# -- refusal and statistics --------------------------------------------------------------------
def test_refusal_accuracy_and_false_refusal_rate() -> None:
    assert refusal_accuracy([True, True, False, True]) == 0.75
    assert false_refusal_rate([False, False, False, True, False]) == 0.2
    assert refusal_accuracy([]) is None


def test_percentiles_interpolate_linearly() -> None:
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile([1, 2, 3, 4], 95) == pytest.approx(3.85)
    assert percentile([10, 20, 30, 40, 50], 50) == 30
    assert percentile([7], 95) == 7
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_mean_skips_none() -> None:
    assert mean([1.0, None, 0.0, True]) == pytest.approx(2 / 3)
    assert mean([None]) is None


# -- aggregation -------------------------------------------------------------------------------
def _o(id_: str, type_: str, docs: tuple[str, ...], *, answerable: bool = True, refused: bool = False,
       rank: int | None = 1, r1: float | None = 1.0, r5: float | None = 1.0, kf: bool | None = True,
       cp: float | None = 1.0, cr: float | None = 1.0, total: float | None = 100.0,
       first: float | None = 50.0, error: bool = False) -> Outcome:
    rr = None if not answerable else (0.0 if rank is None else 1 / rank)
    return Outcome(id_, type_, docs, answerable, error, refused, rank, r1, r5, rr, kf, cp, cr,
                   total_ms=total, first_token_ms=first, retrieve_ms=10.0)


def _outcomes() -> list[Outcome]:
    return [
        _o("q1", "factoid", ("甲",)),
        _o("q2", "factoid", ("甲",), rank=2, r1=0.0, kf=False, cp=0.5, cr=0.0, total=300.0),
        _o("q3", "cross_doc", ("甲", "乙"), rank=None, r1=0.0, r5=0.5, cp=None, cr=0.5, total=200.0),
        _o("q4", "unanswerable", (), answerable=False, refused=True, rank=None, r1=None, r5=None, kf=None,
           cp=None, cr=None, first=0.0, total=400.0),
        _o("q5", "unanswerable", (), answerable=False, refused=False, rank=None, r1=None, r5=None, kf=None,
           cp=None, cr=None, total=500.0),
        _o("q6", "factoid", ("乙",), refused=True, kf=False, cp=None, cr=0.0, total=None, error=True),
    ]


def test_aggregate_hand_computed() -> None:
    m = aggregate(_outcomes())
    assert (m["n"], m["n_answerable"], m["n_unanswerable"], m["n_errors"]) == (6, 4, 2, 1)
    assert m["recall_at_1"] == pytest.approx((1 + 0 + 0 + 1) / 4)
    assert m["recall_at_5"] == pytest.approx((1 + 1 + 0.5 + 1) / 4)
    assert m["mrr"] == pytest.approx((1 + 0.5 + 0 + 1) / 4)
    assert m["key_fact_accuracy"] == pytest.approx(2 / 4)
    assert m["citation_precision"] == pytest.approx((1 + 0.5) / 2)
    assert m["citation_recall"] == pytest.approx((1 + 0 + 0.5 + 0) / 4)
    assert m["refusal_accuracy"] == 0.5
    assert m["false_refusal_rate"] == 0.25


def test_per_type_and_per_document_aggregation() -> None:
    types = by_type(_outcomes())
    assert list(types) == ["cross_doc", "factoid", "unanswerable"]
    assert types["factoid"]["n"] == 3
    assert types["factoid"]["key_fact_accuracy"] == pytest.approx(1 / 3)
    assert types["unanswerable"]["refusal_accuracy"] == 0.5
    assert types["unanswerable"]["recall_at_5"] is None
    docs = by_document(_outcomes())
    assert docs["甲"]["n"] == 3  # q1, q2 and the cross-document q3
    assert docs["乙"]["n"] == 2  # q3 and q6
    assert docs[NO_DOC]["n"] == 2
    assert docs["乙"]["recall_at_5"] == pytest.approx((0.5 + 1.0) / 2)


def test_latency_skips_errors_and_non_positive_values() -> None:
    lat = latency(_outcomes())
    assert lat["total_ms"]["n"] == 5
    assert lat["total_ms"]["p50"] == 300.0
    assert lat["total_ms"]["p95"] == pytest.approx(480.0)
    assert lat["first_token_ms"]["n"] == 4  # q4 (no first token) and q6 (error) left out


def test_outcome_round_trips_through_dict() -> None:
    o = _outcomes()[2]
    assert Outcome.from_dict(o.to_dict()) == o
    assert o.retrieval_hit is False and _outcomes()[0].retrieval_hit is True
    assert _outcomes()[3].retrieval_hit is None and _outcomes()[3].refusal_ok


# -- scoring a result line ---------------------------------------------------------------------
def test_score_row_for_system_and_baseline_shapes() -> None:
    texts = {A1: "到2025年达到58%左右。", A2: "推进绿色建筑。"}
    row = {"id": "q9", "type": "factoid", "gold": [{"doc_title": "甲方案", "clause": "（一）"}],
           "must_contain": ["58%"], "answer": "达到58％左右[1]", "refused": False,
           "citations": [{"n": 1, "doc_title": "甲方案", "clause": "（一）", "quote": "…"},
                         {"n": 2, "doc_title": "甲方案", "clause": "（二）", "quote": "…"}],
           "retrieved": [{"doc_title": "甲方案", "clause": "（二）", "score": 0.9},
                         {"doc_title": "甲方案", "clause": "（一）", "score": 0.8}],
           "timings": {"retrieve_ms": 5, "first_token_ms": 20, "total_ms": 90}, "error": None}
    o = score_row(row, texts)
    assert (o.rank, o.recall_at_1, o.recall_at_5, o.reciprocal_rank) == (2, 0.0, 1.0, 0.5)
    assert o.key_fact is True and o.citation_precision == 0.5 and o.citation_recall == 1.0
    assert o.total_ms == 90.0 and o.docs == ("甲方案",)

    chunk = {"doc_title": "甲方案", "clause": "（一）、（二）", "clauses": ["（一）", "（二）"], "score": 0.5}
    assert item_clauses(chunk) == [A1, A2]
    assert score_row({**row, "retrieved": [chunk]}, texts).rank == 1


def test_score_row_error_and_refusal_count_as_wrong() -> None:
    row = {"id": "q1", "type": "factoid", "gold": [{"doc_title": "甲方案", "clause": "（一）"}],
           "must_contain": ["58%"], "answer": "", "refused": False, "citations": [], "retrieved": [],
           "timings": {"total_ms": 3}, "error": "问题为空"}
    o = score_row(row, {})
    assert o.error and o.key_fact is False and o.recall_at_5 == 0.0 and o.citation_recall == 0.0
    refused = score_row({**row, "error": None, "refused": True, "answer": "未找到。58%"}, {})
    assert refused.key_fact is False and not refused.refusal_ok
    unanswerable = score_row({"id": "q2", "type": "unanswerable", "gold": [], "must_contain": [],
                              "refused": True, "answer": "无法回答", "error": None}, {})
    assert not unanswerable.answerable and unanswerable.refusal_ok and unanswerable.key_fact is None


def test_join_results_keeps_dataset_order_and_gold() -> None:
    dataset = [{"id": "q1", "gold": [1]}, {"id": "q2", "gold": [2]}, {"id": "q3", "gold": [3]}]
    results = [{"id": "q2", "answer": "b", "gold": ["stale"]}, {"id": "q1", "answer": "a"}]
    joined = join_results(dataset, results)
    assert [r["id"] for r in joined] == ["q1", "q2"]
    assert joined[1] == {"id": "q2", "answer": "b", "gold": [2]}
