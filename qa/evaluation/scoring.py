"""Turn result lines (batch output joined with the dataset's gold) into outcomes and metrics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from qa.evaluation.batch import row_id
from qa.evaluation.metrics import (
    Clause,
    Outcome,
    aggregate,
    by_document,
    by_style,
    by_type,
    citation_precision,
    citation_recall,
    first_relevant_rank,
    key_fact_match,
    latency,
    recall_at_k,
    reciprocal_rank,
    unsupported_figures,
)


def clause_texts(documents: Iterable) -> dict[Clause, str]:
    """``(doc_title, label) → normalised unit text`` for every unit of the parsed documents."""
    return {(doc.title, unit.label): unit.text for doc in documents for unit in doc.units}


def gold_clauses(row: Mapping) -> list[Clause]:
    """The row's gold clauses."""
    return [(str(g.get("doc_title", "")), str(g.get("clause", ""))) for g in row.get("gold") or []]


def is_answerable(row: Mapping) -> bool:
    """Answerable unless typed ``unanswerable`` or without any gold clause or key fact."""
    if row.get("type") == "unanswerable":
        return False
    return bool(row.get("gold") or row.get("must_contain"))


def item_clauses(item: Mapping) -> list[Clause]:
    """The clauses one retrieved item covers (a baseline chunk lists them in ``clauses``)."""
    labels = item.get("clauses")
    if labels is None:
        labels = [item["clause"]] if item.get("clause") else []
    title = str(item.get("doc_title", ""))
    return [(title, str(label)) for label in labels]


def cited_clauses(row: Mapping) -> list[Clause]:
    """The distinct clauses the answer cites, in order."""
    cited = [(str(c.get("doc_title", "")), str(c.get("clause", ""))) for c in row.get("citations") or []]
    return list(dict.fromkeys(cited))


def _ms(timings: Mapping, name: str) -> float | None:
    value = timings.get(name)
    return float(value) if isinstance(value, (int, float)) else None


def score_row(row: Mapping, clause_texts: Mapping[Clause, str]) -> Outcome:
    """The outcome of one result line (which carries the dataset's gold fields)."""
    gold = gold_clauses(row)
    facts = [str(f) for f in row.get("must_contain") or []]
    answerable = is_answerable(row)
    error = row.get("error") is not None
    refused = bool(row.get("refused")) and not error
    retrieved = [] if error else [item_clauses(it) for it in row.get("retrieved") or []]
    cited = [] if error else cited_clauses(row)
    key_fact = None
    if answerable and facts:
        key_fact = bool(not error and not refused and key_fact_match(str(row.get("answer") or ""), facts))
    timings = row.get("timings") or {}
    return Outcome(
        id=row_id(dict(row)),
        type=str(row.get("type") or ""),
        docs=tuple(dict.fromkeys(t for t, _ in gold)),
        answerable=answerable,
        error=error,
        refused=refused,
        rank=first_relevant_rank(retrieved, gold) if gold else None,
        recall_at_1=recall_at_k(retrieved, gold, 1),
        recall_at_5=recall_at_k(retrieved, gold, 5),
        reciprocal_rank=reciprocal_rank(retrieved, gold),
        key_fact=key_fact,
        citation_precision=citation_precision(cited, gold, clause_texts, facts) if answerable else None,
        citation_recall=citation_recall(cited, gold) if answerable else None,
        total_ms=_ms(timings, "total_ms"),
        first_token_ms=_ms(timings, "first_token_ms"),
        retrieve_ms=_ms(timings, "retrieve_ms"),
        style=str(row.get("style") or ""),
        extractive=bool(row.get("extractive")) and not error,
        unsupported=tuple(unsupported_figures(str(row.get("answer") or ""), row.get("citations") or [],
                                              clause_texts)) if not (error or refused) else (),
    )


def join_results(dataset: Sequence[dict], results: Sequence[dict]) -> list[dict]:
    """Result lines in dataset order, with the dataset's gold fields winning; ids without a line skipped."""
    by_id = {row_id(r): r for r in results}
    return [{**by_id[row_id(q)], **q} for q in dataset if row_id(q) in by_id]


def summarize(outcomes: Sequence[Outcome]) -> dict:
    """Overall, per-type, per-document metrics, latency, and the per-question outcomes."""
    return {
        "overall": aggregate(outcomes),
        "by_type": by_type(outcomes),
        "by_style": by_style(outcomes),
        "by_document": by_document(outcomes),
        "latency": latency(outcomes),
        "questions": [o.to_dict() for o in outcomes],
    }


def score_results(dataset: Sequence[dict], results: Sequence[dict],
                  clause_texts: Mapping[Clause, str]) -> tuple[list[dict], dict]:
    """The joined result lines and their summary."""
    joined = join_results(dataset, results)
    return joined, summarize([score_row(r, clause_texts) for r in joined])
