"""The whole product with the real default models (built-in e5 embedder, Qwen2.5-Coder-1.5B GGUF).

Marked `real_models`: `./run.sh test` (and CI) installs the models and runs these; the everyday
`pytest` deselects them. The index is built from corpus/ into a temporary folder once per session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.real_models

YAAN = "雅安市减污降碳协同增效行动方案"


@pytest.fixture(scope="module")
def real_service(tmp_path_factory):
    from qa.index.builder import IndexBuilder
    from qa.index.embedders import make_embedder
    from qa.service import build_service

    tmp = tmp_path_factory.mktemp("real-index")
    settings = load_settings(env={}, corpus_dir=str(ROOT / "corpus"), models_dir=str(ROOT / "models"),
                             index_dir=str(tmp / "index"), data_dir=str(tmp / "data"))
    IndexBuilder(settings, make_embedder(settings), progress=False).build()
    service = build_service(settings)
    service.warmup()
    return service


@pytest.mark.parametrize("question,title,clause", [
    ("雅安到2025年非化石能源消费比重要达到多少？", YAAN, "（五）"),
    ("资阳的工业园区污水要怎么处理？", "资阳市减污降碳协同增效实施方案", "（十七）"),
    ("四川“十四五”节能减排的主要目标是什么？", "四川省“十四五”节能减排综合工作方案", "二、"),
    ("重庆这个方案是哪个部门印发的？", "重庆市减污降碳协同增效实施方案", "函"),
])
def test_real_retrieval_finds_the_clause(real_service, question, title, clause):
    res = real_service.search(question, k=5)
    assert (title, clause) in [(h.chunk.doc_title, h.chunk.label) for h in res.hits]


def test_real_answer_states_the_figure_with_its_clause(real_service):
    a = real_service.ask("雅安到2025年非化石能源消费比重要达到多少？")
    assert not a.refused
    assert "58%" in a.text
    assert (YAAN, "（五）") in [(c.doc_title, c.clause) for c in a.citations]
    assert all(c.quote for c in a.citations)
    assert a.timings.first_token_ms > 0 and a.timings.total_ms >= a.timings.first_token_ms


def test_real_answer_names_the_responsible_departments(real_service):
    a = real_service.ask("雅安推动能源绿色低碳转型由哪些部门负责？")
    assert not a.refused and "市经济和信息化局" in a.text
    assert (YAAN, "（五）") in [(c.doc_title, c.clause) for c in a.citations]


def test_real_refuses_a_region_the_corpus_does_not_hold(real_service):
    a = real_service.ask("绵阳到2025年非化石能源消费比重要达到多少？")
    assert a.refused and "绵阳" in a.text and not a.citations


def test_real_follow_up_is_answered_for_the_new_region(real_service):
    from qa.types import Turn

    history = [Turn("user", "四川到2025年非化石能源消费比重要达到多少？"), Turn("assistant", "41.5%左右[1]。")]
    a = real_service.ask("那雅安呢？", history=history)
    assert a.rewritten_question.startswith("雅安") and "58%" in a.text
