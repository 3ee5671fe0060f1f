"""Property tests: hostile input never crashes the parser and never loses text."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.corpus import Document, chunk_document, normalize, parse_text
from qa.errors import CorpusError

FRAGMENTS = [
    "一、", "二、", "十一、", "（一）", "（二十九）", "(三)", "( 四 )", "（十）", "1.", "2、", "（1）", "。", "，", "；",
    "\n", "\n\n", " ", "  ", "\t", "\r\n", "\x0c", "\u2028", "\x00", "\x1b", "\ufeff", "\u200b", "\u3000",
    "总体要求", "指导思想", "关于印发《", "》的通知", "的函", "2023年9月26日", "川府发〔2022〕20号",
    "（市发展改革委按职责分工负责）", "（生态环境厅牵头，省发展改革委配合）", "〔经济和信息化厅负责〕", "（",
    "）", "《", "》", "“", "”", "ꎬ", "ꎮ", "１４\U001001b0 ９２", "\U00100170", "«", "»", "％", "**", " and ",
    "发布时间：2023-11-23", "打印", "【字体：大 中 小】", "浏览：21", "到 2025 年", "abc", "ABC def",
    "四川省减污降碳协同增效行动方案", "重庆市", "加强组织领导", "雅安市生态环境局 雅安市发展和改革委员会",
    "推进" * 80, "x" * 300,
]
hostile_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=60).map("".join)
any_text = st.text(max_size=400)
PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parse_or_none(text: str) -> Document | None:
    """parse_text, allowing only CorpusError (and only for texts that are empty once normalised)."""
    try:
        return parse_text(text, "doc")
    except CorpusError:
        assert normalize(text).strip() == ""
        return None


def check_nothing_lost(text: str, doc: Document) -> None:
    """Units and headers (title, section headings) cover every non-whitespace character of normalize(text)."""
    assert doc.text == normalize(text)
    assert doc.original == text
    spans = sorted([(u.start, u.end) for u in doc.units] + list(doc.header_spans))
    covered = 0
    pos = 0
    for a, b in spans:
        assert 0 <= a <= b <= len(doc.text)
        assert a >= pos, "units/headers overlap"
        assert doc.text[pos:a].strip() == "", f"text outside every unit: {doc.text[pos:a]!r}"
        covered += len(re.sub(r"\s", "", doc.text[a:b]))
        pos = b
    assert doc.text[pos:].strip() == ""
    assert covered == len(re.sub(r"\s", "", doc.text))
    for u in doc.units:
        assert u.text == doc.text[u.start:u.end] and u.text.strip()
        assert u.original in text
        assert u.kind in {"cover", "preamble", "section", "clause", "paragraph"}
    assert len({u.label for u in doc.units}) == len(doc.units), "labels must be unique (chunk ids)"


def check_chunks(doc: Document, max_tokens: int) -> None:
    chunks = chunk_document(doc, max_tokens)
    assert {c.label for c in chunks} == {u.label for u in doc.units}
    for c in chunks:
        owners = [u for u in doc.units if u.start <= c.start and c.end <= u.end]
        assert len(owners) == 1 and owners[0].label == c.label, "a chunk straddles units"
        assert doc.text[c.start:c.end] == c.text and c.text.strip()
        assert len(c.text) <= max_tokens
    for u in doc.units:
        pieces = "".join(c.text for c in chunks if c.label == u.label)
        assert re.sub(r"\s", "", pieces) == re.sub(r"\s", "", u.text), "chunking lost text"


@PROPS
@given(any_text)
def test_random_unicode_never_crashes_or_loses_text(text: str) -> None:
    doc = parse_or_none(text)
    if doc is not None:
        check_nothing_lost(text, doc)
        check_chunks(doc, 64)


@PROPS
@given(hostile_text)
def test_hostile_structure_never_crashes_or_loses_text(text: str) -> None:
    doc = parse_or_none(text)
    if doc is not None:
        check_nothing_lost(text, doc)
        check_chunks(doc, 40)


@PROPS
@given(hostile_text)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@PROPS
@given(st.integers(min_value=1, max_value=300), st.lists(st.sampled_from(FRAGMENTS[:40]), max_size=30).map("".join))
def test_long_lines_and_small_windows(max_tokens: int, text: str) -> None:
    doc = parse_or_none("一、总体要求\n（一）" + text + "推进" * 200)
    assert doc is not None
    check_chunks(doc, max_tokens)


@settings(max_examples=50, deadline=None)
@given(hostile_text)
def test_parse_is_deterministic(text: str) -> None:
    a, b = parse_or_none(text), parse_or_none(text)
    if a is not None and b is not None:
        assert a == b
        assert [c.chunk_id for c in chunk_document(a, 50)] == [c.chunk_id for c in chunk_document(b, 50)]
