"""Formats, encodings, bad files and folders."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from qa.corpus import CorpusLoad, chunk_document, load_corpus, parse_file, parse_text
from qa.corpus.cli import register
from qa.errors import CorpusError

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

SAMPLE = """测试市节能减排工作方案

为推进节能减排，制定本方案。

一、总体要求

（一）指导思想。坚持绿色发展。（市发展改革委牵头，市生态环境局配合）

二、重点任务

(二) 推进工业节能。到 2025 年，单位产值能耗下降 １４％ 。（市经济和信息化局按职责分工负责）
"""


def check_sample(doc) -> None:
    assert doc.title == "测试市节能减排工作方案"
    assert doc.region == "测试市"
    assert [u.label for u in doc.units] == ["序言", "（一）", "（二）"]
    assert doc.units[1].departments == ("市发展改革委", "市生态环境局")
    assert doc.units[2].departments == ("市经济和信息化局",)
    assert "到2025年，单位产值能耗下降14%。" in doc.units[2].text
    assert doc.warnings == ()


# ---------------------------------------------------------------- encodings
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_text_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "sample.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    doc = parse_file(path)
    check_sample(doc)
    assert doc.doc_id == "sample"
    assert len(doc.content_hash) == 64


def test_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE.replace("\n", "\r\n").encode("utf-8"))
    check_sample(parse_file(path))


# ---------------------------------------------------------------- formats
def test_markdown(tmp_path: Path) -> None:
    md = SAMPLE.replace("测试市节能减排工作方案", "# 测试市节能减排工作方案").replace("一、总体要求", "## 一、总体要求")
    md = md.replace("坚持绿色发展。", "坚持**绿色**发展。")
    path = tmp_path / "sample.md"
    path.write_text(md, encoding="utf-8")
    check_sample(parse_file(path))


def test_html(tmp_path: Path) -> None:
    body = "".join(f"<p>{line}</p>\n" for line in SAMPLE.splitlines() if line)
    html = (f"<html><head><meta charset='gbk'><title>页面</title><style>p {{color: red}}</style>"
            f"<script>var x = '一、脚本';</script></head><body><nav>首页 一、导航</nav>{body}"
            f"<footer>版权所有</footer></body></html>")
    path = tmp_path / "sample.html"
    path.write_bytes(html.encode("gbk"))
    doc = parse_file(path)
    check_sample(doc)
    assert "脚本" not in doc.text and "导航" not in doc.text and "版权所有" not in doc.text


def test_docx(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in SAMPLE.splitlines():
        if line:
            document.add_paragraph(line)
    path = tmp_path / "sample.docx"
    document.save(str(path))
    check_sample(parse_file(path))


def _pdf_with_text(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose text layer holds ``lines`` (Type0 font + ToUnicode map)."""
    chars = sorted({ch for line in lines for ch in line})
    cmap_entries = "\n".join(f"<{ord(c):04X}> <{ord(c):04X}>" for c in chars)
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def "
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            f"{len(chars)} beginbfchar\n{cmap_entries}\nendbfchar endcmap CMapName currentdict /CMap "
            "defineresource pop end end")
    ops = ["BT /F1 12 Tf 14 TL 50 780 Td"]
    for line in lines:
        ops.append(f"<{''.join(f'{ord(c):04X}' for c in line)}> Tj T*")
    ops.append("ET")
    content = "\n".join(ops)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        "/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        f"<< /Length {len(content.encode())} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        f"<< /Length {len(cmap.encode())} >>\nstream\n{cmap}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_pdf_text_layer(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "sample.pdf"
    path.write_bytes(_pdf_with_text([line for line in SAMPLE.splitlines() if line]))
    check_sample(parse_file(path))


# ---------------------------------------------------------------- bad files
@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n \r\n", "empty"),
    ("chrome.txt", "打印\n【字体：大 中 小】\n".encode(), "empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    ("noise.txt", bytes(range(1, 32)) * 40, "binary"),
    ("table.xls", b"whatever", "unsupported"),
    ("old.doc", b"\xd0\xcf\x11\xe0", "unsupported"),
    ("noext", b"text", "unsupported"),
    ("broken.docx", b"not a zip at all", "not a valid .docx"),
    ("broken.pdf", b"%PDF-1.4 garbage", "PDF"),
])
def test_bad_files_raise_corpus_error_naming_the_file(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CorpusError) as info:
        parse_file(path)
    assert name in str(info.value)
    assert info.value.path == str(path)
    assert reason in info.value.reason


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not found"):
        parse_file(tmp_path / "nope.txt")


def test_empty_parse_text() -> None:
    with pytest.raises(CorpusError):
        parse_text("  \n\t ", "x")


def test_unstructured_document_becomes_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("会议纪要\n\n今天讨论了节能工作。\n\n明天继续讨论减排工作。\n", encoding="utf-8")
    doc = parse_file(path)
    assert doc.title == "会议纪要"
    assert [(u.kind, u.label) for u in doc.units] == [("paragraph", "第1段"), ("paragraph", "第2段")]
    assert len(doc.warnings) == 1 and "notes.txt" in doc.warnings[0] and "no sections" in doc.warnings[0]
    chunks = chunk_document(doc, 512)
    assert [c.label for c in chunks] == ["第1段", "第2段"] and all(c.kind == "paragraph" for c in chunks)
    assert chunks[0].header == "《会议纪要》 第1段"


# ---------------------------------------------------------------- folders
def test_load_corpus_goes_past_bad_files(tmp_path: Path) -> None:
    (tmp_path / "a_good.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (tmp_path / "d_sheet.xlsx").write_bytes(b"PK")
    (tmp_path / "e_notes.md").write_text("只是一段话。", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(SAMPLE, encoding="utf-8")
    result = load_corpus(tmp_path)
    assert isinstance(result, CorpusLoad)
    assert [d.doc_id for d in result.documents] == ["a_good", "e_notes"]
    assert sorted(Path(p.path).name for p in result.problems) == ["b_empty.txt", "c_binary.txt", "d_sheet.xlsx"]
    assert all(isinstance(p, CorpusError) for p in result.problems)
    assert len(result.warnings) == 1 and "e_notes.md" in result.warnings[0]


def test_load_corpus_missing_folder(tmp_path: Path) -> None:
    result = load_corpus(tmp_path / "missing")
    assert result.documents == [] and "not found" in result.problems[0].reason


def test_seed_corpus_loads_sorted() -> None:
    result = load_corpus(CORPUS)
    assert result.problems == []
    assert [d.doc_id for d in result.documents] == sorted(p.stem for p in CORPUS.glob("*.txt"))


# ---------------------------------------------------------------- CLI
def _root() -> click.Group:
    group = click.Group()
    register(group)
    return group


def test_cli_inspect_tree() -> None:
    result = CliRunner().invoke(_root(), ["corpus", "inspect", str(CORPUS / "sichuan_14th_fyp_energy_saving_2022.txt")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "四川省“十四五”节能减排综合工作方案" in out and "川府发〔2022〕20号" in out and "2022-07-21" in out
    assert "三、实施重点工程" in out and "三、（四） 交通物流节能减排工程" in out and "部门: 交通运输厅" in out
    # the document card: what metadata questions are answered from
    assert "印发单位 issuers: 四川省人民政府  [通知]" in out and "落款日期 signed: 2022年7月21日" in out
    assert "主送单位 recipients: 各市（州）人民政府" in out and "本文有删减" in out
    # (it cites no document by title: what it says it was made for, from its preamble)
    assert "制定目的 purpose: 为认真贯彻落实党中央、国务院重大决策部署" in out and "[序言]" in out


def test_cli_inspect_json() -> None:
    result = CliRunner().invoke(_root(), ["corpus", "inspect", "--json", str(CORPUS / "chongqing_jianwu_jiangtan_2023.txt")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"title", "doc_number", "region", "issuer", "date", "units"} <= data.keys()
    assert data["doc_number"] == "渝环〔2023〕71号" and data["region"] == "重庆市"
    card = data["card"]
    assert card["doc_number"]["value"] == "渝环〔2023〕71号" and card["doc_number"]["label"] == "函"
    assert "重庆市能源局" in card["issuers"]["value"] and "环综合〔2022〕42号" in card["basis"]["value"]
    clause = next(u for u in data["units"] if u["label"] == "（二十八）")
    assert clause["departments"] == ["市生态环境局"] and clause["chunks"] == 1 and clause["text"].startswith("（二十八）")
    assert "重庆市" in result.output  # ensure_ascii=False


def test_cli_inspect_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = CliRunner().invoke(_root(), ["corpus", "inspect", str(path)])
    assert result.exit_code != 0 and isinstance(result.exception, CorpusError)


def test_cli_list(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"")
    result = CliRunner().invoke(_root(), ["corpus", "list", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "good\t测试市节能减排工作方案\t测试市\t3 units (2 clauses)" in result.output
    assert "bad.txt: the file is empty" in result.output
    data = json.loads(CliRunner().invoke(_root(), ["corpus", "list", "--json", str(tmp_path)]).output)
    assert data["documents"][0]["title"] == "测试市节能减排工作方案" and data["problems"][0]["path"].endswith("bad.txt")
