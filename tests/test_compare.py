"""上下级对照: alignment stored with the index, clause diffs, comparison tables, CLI, API and the tab's
rendering. Fast: the shared fake index (hashed-bigram embedder, real corpus)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.compare.diff import diff_clauses
from qa.compare.figures import department_key, figures, projects
from qa.compare.model import AlignParams, ClauseRecord
from qa.compare.store import ALIGNMENT_FILE, load_alignment
from qa.errors import IndexError_, InputError
from qa.index.store import current_version, read_manifest
from tests.conftest import ROOT, fake_settings

PROV = "sichuan_jianwu_jiangtan_2023"
YAAN = "yaan_jianwu_jiangtan_2023"
ZIYANG = "ziyang_jianwu_jiangtan_2023"
GOLD = ROOT / "eval" / "alignment_gold.jsonl"


@pytest.fixture(scope="module")
def compare(fake_index):
    from qa.compare.service import compare_service
    from qa.service import build_service

    return compare_service(build_service(fake_index))


def _record(text: str, departments: tuple[str, ...] = (), doc: str = "a", label: str = "（一）") -> ClauseRecord:
    return ClauseRecord(doc, f"{doc}方案", doc, label, "clause", "", text.split("。")[0], departments, text, 0, 0, 1)


# --------------------------------------------------------------------------- storage
def test_alignment_is_written_into_the_index_version_and_sized_in_the_manifest(fake_index):
    version = current_version(fake_index.index_dir)
    assert version is not None and Path(fake_index.index_dir).is_symlink()
    path = version / ALIGNMENT_FILE
    assert path.is_file()
    manifest = read_manifest(Path(fake_index.index_dir))
    assert manifest["files"][ALIGNMENT_FILE] == path.stat().st_size
    body = json.loads(path.read_text(encoding="utf-8"))
    docs = {c["doc_id"] for c in body["clauses"]}
    assert docs == set(manifest["documents"])
    # every clause has a (possibly empty) decision for every other document
    for c in body["clauses"]:
        key = f"{c['doc_id']}#{c['label']}"
        assert set(body["links"][key]) == docs - {c["doc_id"]}


def test_alignment_follows_index_updates(tmp_path):
    from qa.index.builder import IndexBuilder
    from qa.index.embedders import make_embedder

    settings = fake_settings(tmp_path)
    builder = IndexBuilder(settings, make_embedder(settings), progress=False)
    builder.build()
    assert YAAN in load_alignment(settings.index_dir).doc_ids
    builder.remove([YAAN])
    after = load_alignment(settings.index_dir)
    assert YAAN not in after.doc_ids
    assert all(not k.startswith(YAAN) for per in after.candidates.values() for cs in per.values() for c in cs
               for k in [c.key])
    builder.add([Path(settings.corpus_dir) / ".removed" / f"{YAAN}.txt"])
    assert after is not load_alignment(settings.index_dir)
    assert load_alignment(settings.index_dir).counterparts(f"{YAAN}#（五）", PROV)


def test_missing_alignment_says_how_to_fix(tmp_path):
    (tmp_path / "index").mkdir()
    with pytest.raises(IndexError_) as err:
        load_alignment(tmp_path / "index")
    assert "qa index update" in err.value.hint


# --------------------------------------------------------------------------- alignment quality
def test_city_clauses_align_with_the_provincial_clauses_they_implement(compare):
    al = compare.alignment()
    # the same clause, restated
    assert [c.key for c in al.counterparts(f"{YAAN}#（五）", PROV)][0] == f"{PROV}#（五）"
    # a city clause that merges two provincial ones gets both
    merged = {c.key for c in al.counterparts(f"{ZIYANG}#（十六）", PROV)}
    assert {f"{PROV}#（十六）", f"{PROV}#（十七）"} <= merged
    # the cover letter has no counterpart in a plan without one, and is marked so
    assert al.counterparts(f"{YAAN}#通知", PROV) == []
    assert any(r.label == "通知" for r in al.unmatched(YAAN, PROV))


def test_gold_precision_and_recall_with_the_hashing_fake(compare):
    from qa.compare.gold import load_gold, per_city

    gold = load_gold(GOLD)
    assert {r.city for r in gold} == {YAAN, ZIYANG} and len(gold) >= 50
    scores = per_city(compare.alignment().candidates, gold, AlignParams())
    # meaning is weak with hashed bigrams; wording, headings and positions carry the alignment
    assert scores["all"].precision >= 0.9 and scores["all"].recall >= 0.9, scores["all"].line()


def test_gold_rows_name_real_clauses(compare):
    from qa.compare.gold import load_gold

    al = compare.alignment()
    for row in load_gold(GOLD):
        assert f"{row.city}#{row.clause}" in al.records
        for lab in row.counterparts:
            assert f"{row.province}#{lab}" in al.records


def test_fitting_a_threshold_scores_a_held_out_city(compare):
    from qa.compare.gold import cross_fit, load_gold

    fits = cross_fit(compare.alignment().candidates, load_gold(GOLD))
    assert [f.fitted_on for f in fits] == [YAAN, ZIYANG]
    for f in fits:
        assert set(f.held_out) == {YAAN, ZIYANG} - {f.fitted_on}
        assert 0.5 <= f.params.threshold <= 0.9
        assert f.both.clauses == 58


# --------------------------------------------------------------------------- figures and diffs
def test_figures_carry_metric_year_and_qualifier():
    figs = figures("到2025年，煤炭消费比重降至25%以内，非化石能源消费比重达到41.5%左右。力争新增20辆以上。")
    assert [(f.metric, f.value, f.unit, f.qualifier, f.year) for f in figs] == [
        ("煤炭消费比重", "25", "%", "以内", "2025"), ("非化石能源消费比重", "41.5", "%", "左右", "2025"),
        ("新增", "20", "辆", "力争、以上", "")]
    assert figs[2].shown == "力争20辆以上"
    # a baseline year is not the target year; a year is not a figure
    (f,) = figures("单位地区生产总值能耗比2020年下降14%。")
    assert (f.value, f.year) == ("14", "")


def test_department_names_compare_across_levels():
    assert department_key("生态环境厅") == department_key("市生态环境局")
    assert department_key("省发展改革委") == department_key("市发展改革委（市能源局）")
    assert department_key("经济和信息化厅") == department_key("市经济和信息化局")
    assert department_key("生态环境厅") != department_key("市林业局")


def test_projects_are_named_not_generic():
    found = projects("着力推动老鹰岩水电站、新庙水电站实施，加快启动芦山抽水蓄能电站建设，实施“电动四川”行动计划，推进重点实验室建设。")
    assert "老鹰岩水电站" in found and "芦山抽水蓄能电站" in found and "电动四川" in found
    assert not any(p.startswith(("着力", "推动", "启动", "重点")) for p in found)


def test_diff_of_two_clauses():
    left = _record("（五）推动能源转型。到2025年，非化石能源消费比重达到58%左右。着力推动老鹰岩水电站实施。"
                   "（市发展改革委、市生态环境局、市林业局按职责分工负责）", ("市发展改革委", "市生态环境局", "市林业局"))
    right = _record("（五）推动能源转型。到2025年，非化石能源消费比重达到41.5%左右。严格控制煤炭消费总量。"
                    "（省发展改革委、生态环境厅按职责分工负责）", ("省发展改革委", "生态环境厅"), doc="b")
    d = diff_clauses(left, right)
    (fig,) = [f for f in d.figures if f.metric == "非化石能源消费比重"]
    assert fig.status == "value" and fig.left.shown == "58%左右" and fig.right.shown == "41.5%左右"
    assert d.lead_same and d.lead_left == "市发展改革委"
    assert d.departments_only_left == ("市林业局",) and not d.departments_only_right
    assert "老鹰岩水电站" in d.projects_only_left
    assert d.sentences_only_left == ("着力推动老鹰岩水电站实施。",)
    assert d.sentences_only_right == ("严格控制煤炭消费总量。",)
    # qualifier and year differences are told apart from value differences
    q = diff_clauses(_record("到2025年，比重达到58%以上。"), _record("到2025年，比重达到58%左右。", doc="b"))
    assert [f.status for f in q.figures] == ["qualifier"]
    y = diff_clauses(_record("到2030年，比重达到58%。"), _record("到2025年，比重达到58%。", doc="b"))
    assert [f.status for f in y.figures] == ["year"]


# --------------------------------------------------------------------------- comparison answers
def _check_citations(table, compare):
    al = compare.alignment()
    for c in table.citations:
        rec = al.find(c.doc_id, c.clause)
        assert rec.text[c.start - rec.start:c.end - rec.start] == c.quote
        assert f"[{c.n}]" in table.text
        assert c.chunk_id in rec.chunk_ids


def test_figure_comparison_one_row_per_region_each_cited(compare):
    from qa.compare.answer import compare_answer

    t = compare_answer("雅安和全省的非化石能源消费比重目标哪个高？", compare)
    assert t is not None and t.mode == "figure" and t.topic == "非化石能源消费比重"
    assert [r.region for r in t.rows] == ["雅安市", "四川省"]
    shown = [r.items[0].figures[0].shown for r in t.rows]
    assert shown == ["58%左右", "41.5%左右"]
    assert "雅安市最高" in t.conclusion
    _check_citations(t, compare)


def test_a_plan_that_says_nothing_says_so(compare):
    from qa.compare.answer import compare_answer

    t = compare_answer("雅安、资阳和四川省到2025年森林覆盖率的目标分别是多少？", compare)
    rows = {r.region: r for r in t.rows}
    assert rows["雅安市"].items[0].figures[0].shown == "64.3%"
    assert rows["资阳市"].says_nothing and "未提及" in rows["资阳市"].note
    assert rows["四川省"].says_nothing
    assert "| 资阳市 |" in t.text and "未提及" in t.text


def test_what_the_city_plan_adds(compare):
    from qa.compare.answer import compare_answer

    t = compare_answer("资阳方案比省方案多了哪些要求？", compare)
    assert t.mode == "extra" and [r.region for r in t.rows] == ["资阳市", "四川省"]
    quotes = " ".join(i.quote for i in t.rows[0].items)
    prov = "\n".join(r.text for r in compare.alignment().clauses(PROV))
    assert t.rows[0].items and all(i.quote not in prov for i in t.rows[0].items)
    assert "氢" in quotes or "塑料" in quotes or "柠檬" in quotes
    _check_citations(t, compare)


def test_not_a_comparison(compare):
    from qa.compare.answer import compare_answer

    assert compare_answer("雅安到2025年非化石能源消费比重要达到多少？", compare) is None
    assert compare_answer("", compare) is None


# --------------------------------------------------------------------------- CLI and API
@pytest.fixture()
def cli_env(fake_index, tmp_path, monkeypatch):
    from tests.conftest import write_config

    cfg = write_config(tmp_path / "qa.toml", fake_index)
    monkeypatch.setenv("QA_CONFIG", str(cfg))
    import qa.cli

    qa.cli._register()
    return qa.cli.cli


def test_cli_show_ask_gaps_eval(cli_env):
    r = CliRunner().invoke(cli_env, ["compare", "show", "--doc", "雅安", "--clause", "五", "--with", "四川省减污降碳"])
    assert r.exit_code == 0, r.output
    assert "↔ 《四川省减污降碳协同增效行动方案》（五）" in r.output and "58%左右" in r.output and "41.5%左右" in r.output
    r = CliRunner().invoke(cli_env, ["compare", "ask", "雅安和全省的非化石能源消费比重目标哪个高？", "--json"])
    assert r.exit_code == 0, r.output
    assert [row["region"] for row in json.loads(r.output)["rows"]] == ["雅安市", "四川省"]
    r = CliRunner().invoke(cli_env, ["compare", "gaps", "雅安", "四川省减污降碳"])
    assert r.exit_code == 0 and "通知" in r.output
    r = CliRunner().invoke(cli_env, ["compare", "eval", "--gold", str(GOLD)])
    assert r.exit_code == 0 and "precision" in r.output and "held out" in r.output
    r = CliRunner().invoke(cli_env, ["compare", "show", "--doc", "雅安", "--clause", "九十九"])
    assert r.exit_code == 2 and "没有条款" in r.output and "Traceback" not in r.output


def test_api_compare(fake_service, fake_index):
    from fastapi.testclient import TestClient

    from qa.api.app import create_app

    client = TestClient(create_app(fake_service, fake_index, mount_ui=False))
    r = client.get("/api/compare", params={"doc": "雅安", "clause": "（五）", "with": PROV})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "clause" and body["clause"]["label"] == "（五）"
    (side,) = body["sides"]
    assert side["has_counterpart"] and side["counterparts"][0]["clause"]["label"] == "（五）"
    figs = {f["status"] for f in side["counterparts"][0]["diff"]["figures"]}
    assert "value" in figs or "only_right" in figs
    r = client.get("/api/compare", params={"question": "雅安和全省的非化石能源消费比重目标哪个高？"})
    assert r.status_code == 200 and r.json()["kind"] == "table" and len(r.json()["citations"]) == 2
    assert client.get("/api/compare").status_code == 422
    assert client.get("/api/compare", params={"doc": "绵阳", "clause": "五"}).status_code == 422
    assert client.get("/api/compare", params={"topic": "\x00"}).status_code == 422


def test_api_compare_needs_the_key(fake_index):
    from fastapi.testclient import TestClient

    from qa.api.app import create_app
    from qa.service import build_service

    settings = fake_settings(Path(fake_index.index_dir).parent, api_key="k" * 24)
    client = TestClient(create_app(build_service(settings), settings, mount_ui=False))
    assert client.get("/api/compare", params={"topic": "无废城市"}).status_code == 401
    ok = client.get("/api/compare", params={"topic": "无废城市"}, headers={"Authorization": "Bearer " + "k" * 24})
    assert ok.status_code == 200


# --------------------------------------------------------------------------- the tab's rendering
def test_tab_renders_side_by_side_with_marks_and_escapes(compare, fake_service):
    from qa.compare.ui import ComparePage, render_comparison

    cmp = compare.compare_clause("雅安", "（五）", [PROV])
    page = render_comparison(cmp)
    assert page.count('class="qa-cmp-pair"') == 1 and 'class="qa-cmp-fig">58%' in page
    assert 'class="qa-cmp-only"' in page
    html_out = ComparePage(fake_service).compare(None, None, "<script>alert(1)</script>", None)
    assert "<script>alert" not in html_out
    err = ComparePage(fake_service).compare(YAAN, "（九十九）", None, None)
    assert "qa-cmp-none" in err and "没有条款" in err
    table = ComparePage(fake_service).ask("雅安和全省的非化石能源消费比重目标哪个高？")
    assert "<table>" in table and "41.5%左右" in table
    assert "不是可以对照回答的问题" in ComparePage(fake_service).ask("雅安的森林覆盖率是多少？")


def test_alignment_cost_is_kept_out_of_old_indexes(tmp_path, fake_index):
    """An index folder without alignment.json (built before this feature) is refused with the fix."""
    src = current_version(fake_index.index_dir)
    dst = tmp_path / "old"
    shutil.copytree(src, dst)
    (dst / ALIGNMENT_FILE).unlink()
    with pytest.raises(IndexError_):
        load_alignment(dst)
    with pytest.raises(InputError):
        load_alignment(fake_index.index_dir).find(PROV, "（九十九）")
