"""Checks eval/dev.jsonl against the source documents.

Static checks (JSON shape, types, coverage counts) need nothing else. The checks against the
documents use the corpus parser (`qa.corpus.load_corpus`, `qa.corpus.normalize`): every gold
label must be a unit label the parser produces for that document, and every `must_contain`
string must occur in the normalised text of a gold clause (for single-gold types: in *the*
gold clause). A wrong gold label or a must_contain that is not in the gold clause would poison
every measurement made with this set, so these checks are strict.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "eval" / "dev.jsonl"
CORPUS_DIR = ROOT / "corpus"

TITLES = {
    "四川省减污降碳协同增效行动方案",
    "雅安市减污降碳协同增效行动方案",
    "重庆市减污降碳协同增效实施方案",
    "资阳市减污降碳协同增效实施方案",
    "四川省“十四五”节能减排综合工作方案",
}
NOISY_TITLE = "四川省“十四五”节能减排综合工作方案"

TYPES = {
    "factoid",
    "responsibility",
    "list",
    "cross_doc",
    "disambiguation",
    "unanswerable",
    "paraphrase",
    "multi_clause",
    "follow_up",
}
SINGLE_GOLD_TYPES = {"factoid", "responsibility", "list", "disambiguation", "paraphrase", "follow_up"}
MULTI_GOLD_TYPES = {"cross_doc", "multi_clause"}

MIN_PER_TYPE = {
    "factoid": 10,
    "responsibility": 10,
    "list": 10,
    "paraphrase": 10,
    "cross_doc": 6,
    "multi_clause": 6,
    "unanswerable": 15,
    "disambiguation": 15,
    "follow_up": 8,
}
MIN_TOTAL = 110
MIN_PER_DOC = 12
MIN_NOISY_DOC = 15
# Regions named in disambiguation questions: each of the three near-identical plans.
DISAMBIG_TITLES = {
    "四川省减污降碳协同增效行动方案",
    "雅安市减污降碳协同增效行动方案",
    "资阳市减污降碳协同增效实施方案",
}

REQUIRED = {"id": str, "question": str, "type": str, "gold": list, "must_contain": list, "note": str}
ALLOWED_KEYS = set(REQUIRED) | {"history"}

CN_NUM = "一二三四五六七八九十"
LABEL_RE = re.compile(rf"^(?:（[{CN_NUM}]+）|[{CN_NUM}]+、（[{CN_NUM}]+）|[{CN_NUM}]+、|通知|函|序言)$")


# --------------------------------------------------------------------------- dataset


def _load_rows() -> list[dict]:
    rows = []
    with DATASET.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            assert line.strip(), f"line {n}: blank line"
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:  # pragma: no cover - reported as failure
                pytest.fail(f"line {n}: invalid JSON: {e}")
    return rows


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return _load_rows()


def test_each_line_is_a_json_object(rows):
    assert len(rows) >= MIN_TOTAL
    for r in rows:
        assert isinstance(r, dict)


def test_fields_and_types(rows):
    for r in rows:
        rid = r.get("id")
        for key, typ in REQUIRED.items():
            assert key in r, f"{rid}: missing {key}"
            assert isinstance(r[key], typ), f"{rid}: {key} should be {typ.__name__}"
        assert set(r) <= ALLOWED_KEYS, f"{rid}: unexpected keys {set(r) - ALLOWED_KEYS}"
        assert r["question"].strip(), f"{rid}: empty question"
        assert r["note"].strip() and "\n" not in r["note"], f"{rid}: note must be one non-empty line"
        assert r["type"] in TYPES, f"{rid}: unknown type {r['type']}"
        for g in r["gold"]:
            assert isinstance(g, dict) and set(g) == {"doc_title", "clause"}, f"{rid}: bad gold {g}"
            assert isinstance(g["doc_title"], str) and isinstance(g["clause"], str)
        for m in r["must_contain"]:
            assert isinstance(m, str) and m.strip() == m and m, f"{rid}: bad must_contain {m!r}"
        assert len(set(r["must_contain"])) == len(r["must_contain"]), f"{rid}: duplicate must_contain"
        golds = [(g["doc_title"], g["clause"]) for g in r["gold"]]
        assert len(set(golds)) == len(golds), f"{rid}: duplicate gold"


def test_ids_unique_and_sequential(rows):
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids), [i for i, c in Counter(ids).items() if c > 1]
    assert ids == [f"q{i:03d}" for i in range(1, len(ids) + 1)]


def test_questions_unique(rows):
    keys = [(r["question"], json.dumps(r.get("history", []), ensure_ascii=False)) for r in rows]
    assert len(set(keys)) == len(keys), [k for k, c in Counter(keys).items() if c > 1]


def test_unanswerable_iff_empty_gold_and_must_contain(rows):
    for r in rows:
        if r["type"] == "unanswerable":
            assert r["gold"] == [] and r["must_contain"] == [], r["id"]
        else:
            assert r["gold"], f"{r['id']}: answerable question without gold"
            assert r["must_contain"], f"{r['id']}: answerable question without must_contain"


def test_must_contain_short_and_minimal(rows):
    for r in rows:
        if r["type"] == "unanswerable":
            continue
        assert 1 <= len(r["must_contain"]) <= 3, r["id"]
        for m in r["must_contain"]:
            assert len(m) <= 20, f"{r['id']}: must_contain too long: {m}"


def test_gold_shape_per_type(rows):
    for r in rows:
        t, gold = r["type"], r["gold"]
        if t in SINGLE_GOLD_TYPES:
            assert len(gold) == 1, f"{r['id']}: {t} needs exactly one gold clause"
        elif t == "cross_doc":
            assert len({g["doc_title"] for g in gold}) >= 2, f"{r['id']}: cross_doc needs two documents"
        elif t == "multi_clause":
            assert len(gold) >= 2, f"{r['id']}: multi_clause needs two clauses"
            assert len({g["doc_title"] for g in gold}) == 1, f"{r['id']}: multi_clause is one document"
        if t == "disambiguation":
            assert gold[0]["doc_title"] in DISAMBIG_TITLES, r["id"]


def test_gold_titles_and_label_format(rows):
    for r in rows:
        for g in r["gold"]:
            assert g["doc_title"] in TITLES, f"{r['id']}: unknown title {g['doc_title']}"
            assert LABEL_RE.match(g["clause"]), f"{r['id']}: malformed label {g['clause']}"
            if g["doc_title"] == NOISY_TITLE and g["clause"].startswith("（"):
                pytest.fail(f"{r['id']}: 节能减排 clause labels must be section-qualified: {g['clause']}")


def test_history_only_and_well_formed_for_follow_up(rows):
    for r in rows:
        if r["type"] != "follow_up":
            assert "history" not in r, f"{r['id']}: history on a non-follow_up question"
            continue
        h = r.get("history")
        assert isinstance(h, list) and len(h) >= 2 and len(h) % 2 == 0, r["id"]
        for i, turn in enumerate(h):
            assert set(turn) == {"role", "content"}, r["id"]
            assert turn["role"] == ("user" if i % 2 == 0 else "assistant"), r["id"]
            assert isinstance(turn["content"], str) and turn["content"].strip(), r["id"]


def test_coverage_counts(rows):
    by_type = Counter(r["type"] for r in rows)
    for t, n in MIN_PER_TYPE.items():
        assert by_type[t] >= n, f"type {t}: {by_type[t]} < {n}"
    by_doc = Counter()
    for r in rows:
        for title in {g["doc_title"] for g in r["gold"]}:
            by_doc[title] += 1
    for title in TITLES:
        need = MIN_NOISY_DOC if title == NOISY_TITLE else MIN_PER_DOC
        assert by_doc[title] >= need, f"{title}: {by_doc[title]} < {need}"
    # disambiguation questions for each of 四川 / 雅安 / 资阳
    dis = Counter(r["gold"][0]["doc_title"] for r in rows if r["type"] == "disambiguation")
    for title in DISAMBIG_TITLES:
        assert dis[title] >= 3, f"disambiguation for {title}: {dis[title]}"


# --------------------------------------------------------------------------- corpus


@pytest.fixture(scope="module")
def corpus():
    try:
        from qa.corpus import load_corpus, normalize
    except ImportError as e:  # the parser is not there yet
        pytest.skip(f"qa.corpus parser not available: {e}")
    c = load_corpus(str(CORPUS_DIR))
    texts: dict[str, dict[str, list[str]]] = {}
    for doc in c.documents:
        per_label = texts.setdefault(doc.title, {})
        for u in doc.units:
            per_label.setdefault(u.label, []).append(u.text)
    return {"texts": texts, "normalize": normalize}


def _clause_text(corpus, title: str, label: str) -> str:
    # a label may be split into several units; keep them apart so no match spans a boundary
    return "\n".join(corpus["texts"].get(title, {}).get(label, []))


def test_parser_yields_all_titles(corpus):
    assert set(corpus["texts"]) == TITLES


def test_gold_labels_exist(corpus, rows):
    missing = []
    for r in rows:
        for g in r["gold"]:
            if g["clause"] not in corpus["texts"].get(g["doc_title"], {}):
                missing.append((r["id"], g["doc_title"], g["clause"]))
    assert not missing, missing


def test_must_contain_is_normalised(corpus, rows):
    norm = corpus["normalize"]
    bad = [(r["id"], m, norm(m)) for r in rows for m in r["must_contain"] if norm(m) != m]
    assert not bad, bad


def test_must_contain_in_gold_clause(corpus, rows):
    problems = []
    for r in rows:
        if not r["gold"]:
            continue
        texts = {
            (g["doc_title"], g["clause"]): _clause_text(corpus, g["doc_title"], g["clause"])
            for g in r["gold"]
        }
        for m in r["must_contain"]:
            if not any(m in t for t in texts.values()):
                problems.append((r["id"], m, "not in any gold clause"))
        if r["type"] in MULTI_GOLD_TYPES:
            # every gold clause is needed: it holds at least one of the strings
            for key, t in texts.items():
                if not any(m in t for m in r["must_contain"]):
                    problems.append((r["id"], key, "gold clause holds none of must_contain"))
    assert not problems, problems
