"""Acceptance tests of the corpus stage on the five seed documents in corpus/."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from qa.corpus import CHUNKER_VERSION, Document, chunk_document, load_corpus, normalize, parse_file
from qa.types import Chunk

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SICHUAN, YAAN, CHONGQING, ZIYANG, FYP = (
    "sichuan_jianwu_jiangtan_2023", "yaan_jianwu_jiangtan_2023", "chongqing_jianwu_jiangtan_2023",
    "ziyang_jianwu_jiangtan_2023", "sichuan_14th_fyp_energy_saving_2022",
)
_DIGITS = "一二三四五六七八九"


def cn(n: int) -> str:
    """1 → 一, 10 → 十, 29 → 二十九."""
    tens, ones = divmod(n, 10)
    return (("" if tens < 2 else _DIGITS[tens - 1]) + "十" if tens else "") + (_DIGITS[ones - 1] if ones else "")


def labels(n: int, prefix: str = "") -> list[str]:
    return [f"{prefix}（{cn(i)}）" for i in range(1, n + 1)]


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    result = load_corpus(CORPUS)
    assert result.problems == []
    return {d.doc_id: d for d in result.documents}


def unit(doc: Document, label: str):
    return next(u for u in doc.units if u.label == label)


# ---------------------------------------------------------------- structure
def test_cn_helper() -> None:
    assert [cn(1), cn(10), cn(11), cn(20), cn(29)] == ["一", "十", "十一", "二十", "二十九"]


@pytest.mark.parametrize(("doc_id", "expected"), [
    (SICHUAN, labels(29)),
    (YAAN, labels(29)),
    (CHONGQING, labels(28)),
    (ZIYANG, labels(26)),
    (FYP, labels(10, "三、") + labels(8, "四、") + labels(3, "五、")),
])
def test_exact_clause_labels(docs: dict[str, Document], doc_id: str, expected: list[str]) -> None:
    assert [u.label for u in docs[doc_id].units if u.kind == "clause"] == expected


@pytest.mark.parametrize(("doc_id", "title", "number", "region", "date"), [
    (SICHUAN, "四川省减污降碳协同增效行动方案", "", "四川省", ""),
    (YAAN, "雅安市减污降碳协同增效行动方案", "", "雅安市", "2023-09-26"),
    (CHONGQING, "重庆市减污降碳协同增效实施方案", "渝环〔2023〕71号", "重庆市", "2023-08-18"),
    (ZIYANG, "资阳市减污降碳协同增效实施方案", "", "资阳市", ""),
    (FYP, "四川省“十四五”节能减排综合工作方案", "川府发〔2022〕20号", "四川省", "2022-07-21"),
])
def test_metadata(docs: dict[str, Document], doc_id: str, title: str, number: str, region: str, date: str) -> None:
    doc = docs[doc_id]
    assert (doc.title, doc.doc_number, doc.region, doc.date) == (title, number, region, date)
    assert doc.warnings == ()
    assert re.fullmatch(r"[0-9a-f]{64}", doc.content_hash)


def test_issuers(docs: dict[str, Document]) -> None:
    assert docs[CHONGQING].issuer == "重庆市生态环境局等部门"
    assert docs[FYP].issuer == "四川省人民政府"
    assert docs[YAAN].issuer.startswith("雅安市生态环境局、雅安市发展和改革委员会")


def test_cover_preamble_and_section_units(docs: dict[str, Document]) -> None:
    assert [u.label for u in docs[CHONGQING].units[:2]] == ["函", "序言"]
    assert [u.label for u in docs[YAAN].units[:2]] == ["通知", "序言"]
    assert [u.label for u in docs[FYP].units[:4]] == ["通知", "序言", "一、", "二、"]
    assert [u.label for u in docs[SICHUAN].units[:1]] == ["序言"]
    assert unit(docs[CHONGQING], "函").heading == "关于印发《重庆市减污降碳协同增效实施方案》的函"
    goals = unit(docs[FYP], "二、")
    assert (goals.kind, goals.section, goals.heading) == ("section", "二、主要目标", "主要目标")
    clause = unit(docs[FYP], "三、（一）")
    assert (clause.section, clause.heading) == ("三、实施重点工程", "重点行业绿色升级工程")
    assert unit(docs[SICHUAN], "（一）").heading == "指导思想"
    assert unit(docs[SICHUAN], "（二）").heading == "主要目标"
    assert unit(docs[SICHUAN], "（三）").heading == "强化生态环境分区管控"
    assert unit(docs[SICHUAN], "（三）").section == "二、加强源头防控"


def test_chrome_removed_and_cover_kept(docs: dict[str, Document]) -> None:
    yaan = docs[YAAN]
    for chrome in ("发布时间", "浏览", "打印", "【字体", "大 中 小"):
        assert chrome not in yaan.text
    assert "发布时间" in yaan.original  # the original keeps it
    assert "各县（区）、经开区生态环境局" in unit(yaan, "通知").text


# ---------------------------------------------------------------- nothing lost
def test_units_and_headers_partition_the_text(docs: dict[str, Document]) -> None:
    """Headers = the title line and the section heading lines; everything else is in a unit."""
    for doc in docs.values():
        spans = sorted([(u.start, u.end, "unit") for u in doc.units] + [(a, b, "header") for a, b in doc.header_spans])
        pos = 0
        rebuilt = []
        for a, b, kind in spans:
            assert a >= pos and doc.text[pos:a].strip() == "", (doc.doc_id, doc.text[pos:a])
            piece = doc.text[a:b]
            if kind == "header":
                assert piece == doc.title or re.fullmatch(r"[一二三四五六七八九十]+、\S{2,40}", piece), piece
            rebuilt.append(piece)
            pos = b
        assert doc.text[pos:].strip() == ""
        assert "\n".join(rebuilt) == doc.text
        units_only = "\n".join(u.text for u in doc.units)
        headers = [doc.text[a:b] for a, b in doc.header_spans]
        assert len(units_only) + sum(len(h) + 1 for h in headers) == len(doc.text)


def test_unit_text_and_original(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        for u in doc.units:
            assert u.text == doc.text[u.start:u.end]
            assert u.original and u.original in doc.original
            assert normalize(u.original).replace("\n", "") == u.text.replace("\n", "") or u.kind == "cover"


def test_normalisation_is_clean_and_idempotent(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        assert normalize(doc.original) == doc.text
        assert normalize(doc.text) == doc.text
        for bad in ("ꎬ", "ꎮ", "«", "»", "**", "％", " and ", "(", ")"):
            assert bad not in doc.text, (doc.doc_id, bad)
        assert not any(unicodedata.category(ch) in ("Co", "Cc") and ch != "\n" for ch in doc.text)
        assert not re.search(r"[\uff10-\uff19]", doc.text)
        assert not re.search(r"\d \d|到 \d| 年", doc.text)


# ---------------------------------------------------------------- numbers survived
@pytest.mark.parametrize(("doc_id", "label", "snippet"), [
    (FYP, "二、", "14.92万吨、0.79万吨、5.95万吨、2.53万吨"),
    (FYP, "二、", "比2020年下降14%"),
    (FYP, "三、（八）", "非化石能源消费占比达到41.5%左右"),
    (FYP, "三、（十）", "1.3万公里"),
    (FYP, "三、（四）", "（LNG）动力船舶"),
    (FYP, "五、（三）", "美丽中国·我是行动者"),
    (FYP, "序言", "为认真贯彻落实党中央、国务院重大决策部署和省委、省政府工作安排"),
    (SICHUAN, "（五）", "非化石能源消费比重达到41.5%左右"),
    (SICHUAN, "（五）", "煤炭消费比重降至25%以内"),
    (SICHUAN, "（八）", "推广应用新能源汽车80万辆"),
    (SICHUAN, "（十一）", "到2025年，森林蓄积量达到21亿立方米"),
    (SICHUAN, "（一）", "党的二十大精神和习近平总书记"),
    (SICHUAN, "（三）", "重点区域和沱江、岷江、嘉陵江等重点流域"),
    (YAAN, "（七）", "重点行业和数据中心"),
    (YAAN, "（二）", "到2025年"),
    (CHONGQING, "（五）", "25%"),
    (CHONGQING, "（八）", "3万台"),
    (CHONGQING, "（九）", "30%"),
    (CHONGQING, "（十一）", "57%"),
    (CHONGQING, "（十五）", "70%"),
    (ZIYANG, "（五）", "煤炭消费总量下降5%左右"),
    (ZIYANG, "（二十四）", "生态环境保护和应对气候变化科普"),
])
def test_numbers_and_text_survive(docs: dict[str, Document], doc_id: str, label: str, snippet: str) -> None:
    assert snippet in unit(docs[doc_id], label).text


# ---------------------------------------------------------------- departments
@pytest.mark.parametrize(("doc_id", "label", "expected"), [
    (SICHUAN, "（二十九）", ("生态环境厅", "省发展改革委")),
    (SICHUAN, "（三）", ("生态环境厅", "省发展改革委", "经济和信息化厅", "自然资源厅", "水利厅")),
    (SICHUAN, "（二十六）", ("省直相关部门", "各地区")),
    (ZIYANG, "（二十三）", ("市级相关部门",)),
    (ZIYANG, "（二十六）", ("市生态环境局", "市发展改革委")),
    (CHONGQING, "（二十八）", ("市生态环境局",)),
    (FYP, "四、（二）", ("生态环境厅",)),
    (FYP, "五、（一）", ("省发展改革委", "生态环境厅", "各有关部门")),
])
def test_departments(docs: dict[str, Document], doc_id: str, label: str, expected: tuple[str, ...]) -> None:
    assert unit(docs[doc_id], label).departments == expected


def test_departments_messy_cases(docs: dict[str, Document]) -> None:
    fyp4 = unit(docs[FYP], "三、（四）").departments
    assert fyp4[:3] == ("交通运输厅", "经济和信息化厅", "省发展改革委") and fyp4[-1] == "中国铁路成都局集团公司"
    assert "各市（州）人民政府" in unit(docs[FYP], "三、（一）").departments
    yaan4 = unit(docs[YAAN], "（四）").departments
    assert yaan4 == ("市生态环境局", "市发展改革委（市能源局）", "市经济和信息化局", "市水利局", "市市场监管局",
                     "市经济合作和外事局")
    assert unit(docs[YAAN], "（三）").departments[-1] == "市自然资源和规划局"
    assert unit(docs[SICHUAN], "（一）").departments == ()


# ---------------------------------------------------------------- chunks
def test_one_chunk_per_unit_within_unit(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        chunks = chunk_document(doc, 512)
        assert {c.label for c in chunks} == {u.label for u in doc.units}
        for c in chunks:
            assert isinstance(c, Chunk)
            owners = [u for u in doc.units if u.start <= c.start and c.end <= u.end]
            assert len(owners) == 1 and owners[0].label == c.label
            assert doc.text[c.start:c.end] == c.text
            assert (c.doc_id, c.doc_title, c.region) == (doc.doc_id, doc.title, doc.region)
            assert len(c.embed_text) <= 512
            assert c.header.startswith(f"《{doc.title}》")
        assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_chunk_fields_for_a_clause(docs: dict[str, Document]) -> None:
    c = next(c for c in chunk_document(docs[FYP], 512) if c.label == "四、（二）")
    assert c.kind == "clause" and c.section == "四、健全政策机制" and c.heading == "健全污染物排放总量控制制度"
    assert c.header == "《四川省“十四五”节能减排综合工作方案》 四、健全政策机制 （二）健全污染物排放总量控制制度"
    assert c.departments == ("生态环境厅",)
    assert c.to_dict()["departments"] == ["生态环境厅"] and Chunk.from_dict(c.to_dict()) == c


def test_long_clause_split_into_sentence_pieces(docs: dict[str, Document]) -> None:
    doc = docs[FYP]
    clause = unit(doc, "三、（四）")
    pieces = [c for c in chunk_document(doc, 200) if c.label == "三、（四）"]
    assert len(pieces) >= 4
    assert [c.piece for c in pieces] == list(range(len(pieces)))
    assert all(c.n_pieces == len(pieces) for c in pieces)
    for c in pieces:
        assert len(c.embed_text) <= 200
        assert c.header == pieces[0].header and "（四）交通物流节能减排工程" in c.header
        assert c.text[-1] in "。；！？，、）" or c.piece == len(pieces) - 1
    assert "".join(c.text for c in pieces).replace("\n", "") == clause.text.replace("\n", "")
    assert pieces[0].start == clause.start and pieces[-1].end == clause.end


def test_custom_token_counter(docs: dict[str, Document]) -> None:
    def count(s: str) -> int:  # e.g. a tokenizer that sees ~1.5 characters per token
        return (len(s) * 2 + 2) // 3

    chunks = chunk_document(docs[SICHUAN], 128, count)
    assert all(count(c.embed_text) <= 128 for c in chunks)
    assert len(chunks) > len(docs[SICHUAN].units)


def test_chunk_ids_stable_across_parses() -> None:
    first = chunk_document(parse_file(CORPUS / f"{FYP}.txt"), 200)
    second = chunk_document(parse_file(CORPUS / f"{FYP}.txt"), 200)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    assert first == second
    assert CHUNKER_VERSION


def test_heading_line_stays_with_its_text(docs: dict[str, Document]) -> None:
    """A clause title on its own line (（一）指导思想) never becomes a piece of its own."""
    for doc in docs.values():
        for c in chunk_document(doc, 256):
            assert "\n" in c.text or not re.fullmatch(r"（[一二三四五六七八九十]+）\S{1,20}。?", c.text), c.text
            assert len(c.embed_text) <= 256
