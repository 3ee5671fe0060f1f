"""Parsing is linear in the input, and hard limits reject bombs within seconds, with a clear
CorpusError and nothing added to the index."""

from __future__ import annotations

import io
import random
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from qa.corpus import Limits, load_corpus, parse_file, parse_text
from qa.errors import CorpusError, InputError

HAN = "政策文件节能减排推进绿色低碳发展加强生态环境保护建设"


def unpunctuated(n_lines: int) -> str:
    rng = random.Random(n_lines)
    return "\n".join("".join(rng.choice(HAN) for _ in range(100)) for _ in range(n_lines))


def scanned_characters(text: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """Characters the line joiner examines for bracket depth while parsing ``text`` (a count of work,
    not a time: the old joiner rescanned the whole paragraph for every line it added)."""
    import importlib

    norm = importlib.import_module("qa.corpus.normalize")  # the module (qa.corpus exports a function of that name)

    count = {"chars": 0}
    real = norm._depth

    def counting(line: str, depth: int = 0) -> int:
        count["chars"] += len(line)
        return real(line, depth)

    monkeypatch.setattr(norm, "_depth", counting)
    doc = parse_text(text, "x")
    monkeypatch.setattr(norm, "_depth", real)
    assert doc.units
    return count["chars"]


def test_unpunctuated_lines_parse_in_linear_work(monkeypatch):
    # Before the fix every added line rescanned the paragraph: 0.3 s for 250 lines, ×4 per doubling.
    small, large = unpunctuated(1000), unpunctuated(8000)
    work_small, work_large = scanned_characters(small, monkeypatch), scanned_characters(large, monkeypatch)
    assert work_large <= 2 * len(large), (work_large, len(large))  # each character examined a bounded number of times
    assert work_large / work_small < 9, (work_small, work_large)  # 8× the text: 8× the work (quadratic: 64×)


def test_joined_paragraph_keeps_bracket_state_across_lines():
    doc = parse_text("一、总体要求\n（一）主要目标。到2025年，全省（含成都\n平原经济区）单位GDP能耗下降14%。", "x")
    assert any("全省（含成都平原经济区）单位GDP" in u.text for u in doc.units)


def docx_bomb(text_chars: int) -> bytes:
    body = "<w:p><w:r><w:t>" + "政" * text_chars + "</w:t></w:r></w:p>"
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f"<w:body>{body}</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"/>')
        zf.writestr("word/document.xml", xml)
    return buf.getvalue()


def test_docx_bomb_is_rejected_with_bounded_memory(tmp_path):
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_bomb(7_000_000))  # ~21 MB of XML in a ~40 KB file
    assert path.stat().st_size < 300_000
    tracemalloc.start()
    with pytest.raises(CorpusError, match="压缩比|max_archive_ratio"):
        parse_file(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50 * 2**20, peak  # the XML is never unpacked (its time: bench/bench_parse.py)


def test_unpacked_size_and_character_limits(tmp_path, monkeypatch):
    path = tmp_path / "big.docx"
    path.write_bytes(docx_bomb(300_000))
    with pytest.raises(CorpusError, match="max_unpacked_mb"):
        parse_file(path, Limits(max_unpacked_bytes=100_000))
    import docx

    real = docx.Document()
    for _ in range(30):
        real.add_paragraph("到2025年，全省单位地区生产总值能耗比2020年下降14%。" * 200)
    real.save(path)
    with pytest.raises(CorpusError, match="max_document_chars"):
        parse_file(path, Limits(max_chars=100_000))
    assert parse_file(path).units
    txt = tmp_path / "long.txt"
    txt.write_text("到2025年，能耗下降。\n" * 50_000, encoding="utf-8")
    # the limit is checked on the text read, before the (expensive) structure parsing starts
    import qa.corpus.readers as readers

    def must_not_parse(*args, **kwargs):
        raise AssertionError("parsed a document over the character limit")

    monkeypatch.setattr(readers, "parse_text", must_not_parse)
    with pytest.raises(CorpusError, match="max_document_chars"):
        parse_file(txt, Limits(max_chars=100_000))
    monkeypatch.undo()
    with pytest.raises(CorpusError, match="max_file_mb"):
        parse_file(txt, Limits(max_file_bytes=10_000))


def test_pdf_page_limit(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(5):
        writer.add_blank_page(width=200, height=200)
    path = tmp_path / "many.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    with pytest.raises(CorpusError, match="max_pdf_pages"):
        parse_file(path, Limits(max_pdf_pages=3))


def test_a_bomb_adds_nothing_to_the_index(tmp_path):
    from qa.index.builder import IndexBuilder
    from qa.index.embedders import make_embedder
    from qa.index.store import read_manifest
    from tests.conftest import fake_settings

    settings = fake_settings(tmp_path)
    builder = IndexBuilder(settings, make_embedder(settings), progress=False)
    builder.build()
    before = read_manifest(Path(settings.index_dir))["documents"]
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(docx_bomb(7_000_000))
    with pytest.raises(InputError, match="压缩比"):
        builder.add([bomb])
    assert not (Path(settings.corpus_dir) / "bomb.docx").exists()
    (Path(settings.corpus_dir) / "bomb.docx").write_bytes(bomb.read_bytes())
    report = builder.update()
    assert any("bomb.docx" in p for p in report.problems)
    assert read_manifest(Path(settings.index_dir))["documents"] == before
    assert any("bomb.docx" in str(p) for p in load_corpus(settings.corpus_dir).problems)
