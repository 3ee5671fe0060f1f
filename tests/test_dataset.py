"""Checks the evaluation splits (eval/dev.jsonl, eval/test.jsonl) against the source documents.

Every check runs on both splits (the `rows` fixture is parametrized over them); the test split has
its own, higher coverage minimums, a required `style` field with per-style minimums, and must not
repeat a dev question.

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
DEV = ROOT / "eval" / "dev.jsonl"
TEST = ROOT / "eval" / "test.jsonl"
CORPUS_DIR = ROOT / "corpus"
# split name -> (file, id prefix)
SPLITS = {"dev": (DEV, "q"), "test": (TEST, "t")}

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
MIN_DISAMBIG_PER_REGION = 3

# The held-out test split: its own minimums (the dev ones, with more unanswerables, plus styles).
TEST_MIN_PER_TYPE = {**MIN_PER_TYPE, "unanswerable": 30, "disambiguation": 12, "follow_up": 10}
TEST_MIN_TOTAL = 160
TEST_MIN_PER_DOC = 15
TEST_MIN_DISAMBIG_PER_REGION = 4

# Phrasing styles (field `style`): required on the test split, optional on dev.
STYLES = {
    "colloquial",
    "preamble",
    "traditional",
    "english",
    "yesno",
    "which_doc",
    "metadata",
    "comparison",
    "false_premise",
    "near_miss",
    "follow_up",
    "long_list",
    "plain",
}
TEST_MIN_PER_STYLE = {s: 10 for s in STYLES - {"plain"}} | {"comparison": 15}
# styles that fix the type
STYLE_TYPES = {
    "comparison": {"cross_doc", "multi_clause"},
    "false_premise": {"unanswerable"},
    "near_miss": {"unanswerable"},
    "follow_up": {"follow_up"},
    "long_list": {"list"},
}
COVER_LABELS = {"通知", "函", "序言"}
# Regions named in disambiguation questions: each of the three near-identical plans.
DISAMBIG_TITLES = {
    "四川省减污降碳协同增效行动方案",
    "雅安市减污降碳协同增效行动方案",
    "资阳市减污降碳协同增效实施方案",
}

REQUIRED = {"id": str, "question": str, "type": str, "gold": list, "must_contain": list, "note": str}
ALLOWED_KEYS = set(REQUIRED) | {"history", "style"}

CN_NUM = "一二三四五六七八九十"
LABEL_RE = re.compile(rf"^(?:（[{CN_NUM}]+）|[{CN_NUM}]+、（[{CN_NUM}]+）|[{CN_NUM}]+、|通知|函|序言)$")


# --------------------------------------------------------------------------- dataset


def _load_rows(path: Path = DEV) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            assert line.strip(), f"line {n}: blank line"
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:  # pragma: no cover - reported as failure
                pytest.fail(f"line {n}: invalid JSON: {e}")
    return rows


@pytest.fixture(scope="module", params=list(SPLITS))
def split(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def rows(split) -> list[dict]:
    return _load_rows(SPLITS[split][0])


def test_each_line_is_a_json_object(rows, split):
    assert len(rows) >= (TEST_MIN_TOTAL if split == "test" else MIN_TOTAL)
    for r in rows:
        assert isinstance(r, dict)


def test_fields_and_types(rows, split):
    for r in rows:
        rid = r.get("id")
        for key, typ in REQUIRED.items():
            assert key in r, f"{rid}: missing {key}"
            assert isinstance(r[key], typ), f"{rid}: {key} should be {typ.__name__}"
        assert set(r) <= ALLOWED_KEYS, f"{rid}: unexpected keys {set(r) - ALLOWED_KEYS}"
        if split == "test":
            assert "style" in r, f"{rid}: missing style"
        if "style" in r:
            assert r["style"] in STYLES, f"{rid}: unknown style {r['style']!r}"
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


def test_ids_unique_and_sequential(rows, split):
    prefix = SPLITS[split][1]
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids), [i for i, c in Counter(ids).items() if c > 1]
    assert ids == [f"{prefix}{i:03d}" for i in range(1, len(ids) + 1)]


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
        if r["type"] == "unanswerable" and "history" not in r:
            continue  # (an unanswerable follow-up has one: "那B呢" where B's plan gives no such thing)
        if r["type"] not in ("follow_up", "unanswerable"):
            assert "history" not in r, f"{r['id']}: history on a non-follow_up question"
            continue
        h = r.get("history")
        assert isinstance(h, list) and len(h) >= 2 and len(h) % 2 == 0, r["id"]
        for i, turn in enumerate(h):
            assert set(turn) == {"role", "content"}, r["id"]
            assert turn["role"] == ("user" if i % 2 == 0 else "assistant"), r["id"]
            assert isinstance(turn["content"], str) and turn["content"].strip(), r["id"]


def test_coverage_counts(rows, split):
    test = split == "test"
    by_type = Counter(r["type"] for r in rows)
    for t, n in (TEST_MIN_PER_TYPE if test else MIN_PER_TYPE).items():
        assert by_type[t] >= n, f"type {t}: {by_type[t]} < {n}"
    by_doc = Counter()
    for r in rows:
        for title in {g["doc_title"] for g in r["gold"]}:
            by_doc[title] += 1
    for title in TITLES:
        if test:
            need = TEST_MIN_PER_DOC
        else:
            need = MIN_NOISY_DOC if title == NOISY_TITLE else MIN_PER_DOC
        assert by_doc[title] >= need, f"{title}: {by_doc[title]} < {need}"
    # disambiguation questions for each of 四川 / 雅安 / 资阳
    dis = Counter(r["gold"][0]["doc_title"] for r in rows if r["type"] == "disambiguation")
    need = TEST_MIN_DISAMBIG_PER_REGION if test else MIN_DISAMBIG_PER_REGION
    for title in DISAMBIG_TITLES:
        assert dis[title] >= need, f"disambiguation for {title}: {dis[title]}"


def test_styles_consistent_with_type(rows):
    """Where a row has a style (always on test), the styles that imply a type or gold agree with it."""
    for r in rows:
        style = r.get("style")
        if style is None:
            continue
        if style in STYLE_TYPES:
            assert r["type"] in STYLE_TYPES[style], f"{r['id']}: style {style} with type {r['type']}"
        if r["type"] == "follow_up":
            assert style == "follow_up", f"{r['id']}: follow_up question with style {style}"
        if style == "metadata":
            assert r["gold"] and all(g["clause"] in COVER_LABELS for g in r["gold"]), (
                f"{r['id']}: metadata gold must be a cover letter / preamble unit")


# --------------------------------------------------------------------------- test split only


@pytest.fixture(scope="module")
def held_out_rows() -> list[dict]:
    return _load_rows(TEST)


def test_test_split_style_coverage(held_out_rows):
    by_style = Counter(r["style"] for r in held_out_rows)
    short = {s: by_style[s] for s, n in TEST_MIN_PER_STYLE.items() if by_style[s] < n}
    assert not short, f"styles below their minimum {TEST_MIN_PER_STYLE}: {short}"
    # plain questions stay a minority
    assert by_style["plain"] <= len(held_out_rows) // 4, by_style["plain"]


def test_test_split_unanswerable_mix(held_out_rows):
    """The unanswerables are not all of one kind: false premises, near misses and others."""
    un = Counter(r["style"] for r in held_out_rows if r["type"] == "unanswerable")
    assert sum(un.values()) >= TEST_MIN_PER_TYPE["unanswerable"]
    assert un["false_premise"] >= 10 and un["near_miss"] >= 10, un
    assert sum(n for s, n in un.items() if s not in {"false_premise", "near_miss"}) >= 5, un


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_test_questions_not_in_dev(held_out_rows):
    dev = {_squash(r["question"]) for r in _load_rows(DEV)}
    dup = [r["id"] for r in held_out_rows if _squash(r["question"]) in dev]
    assert not dup, f"test questions that repeat a dev question: {dup}"


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
