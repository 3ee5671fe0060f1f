"""Property-based fuzzing (hypothesis), 10,000 generated inputs in all, with fake models:

* questions with lone surrogates, noncharacters, control and bidi characters through the CLI
  (`qa ask`, `qa search`) and the HTTP API (/api/ask, /api/search, /api/clause, /api/feedback,
  /v1/chat/completions; bodies JSON-escaped as clients send them, and raw bytes);
* JSONL files (odd ids, duplicate ids, bad JSON, bad bytes, odd history) through the batch runner;
* documents with every clause-marker style and noise through the parser and the file readers.

Invariants: no untyped error (only QAError subclasses escape, and the CLI never shows a
traceback), no response >= 500, every batch row gets its output line. Runs are derandomised, so
a failure reproduces; ``pytest tests/test_fuzz.py -q`` prints the count per target at the end.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.corpus import parse_file, parse_text
from qa.errors import CorpusError, QAError

COUNTS: Counter[str] = Counter()


def fuzz(n: int) -> settings:
    """``n`` examples, derandomised (reproducible in CI), no deadline, no example database."""
    return settings(max_examples=n, deadline=None, derandomize=True, database=None, print_blob=True,
                    suppress_health_check=list(HealthCheck))

# -- text strategies -------------------------------------------------------------------------
CJK = "雅安资阳重庆四川到年非化石能源消费比重要达多少工业园区污水处理主要目标是什么部门印发的"
ODD = ["\ud800", "\udfff", "\udc80", "\x00", "\x01", "\x1b", "\x7f", "\x85", "\ufffe", "\uffff", "\ufdd0",
       "\u202e", "\u200b", "\ufeff", "\u3000", "\t", "\n", "\r", "？", "%", "’", "𠀀", "e\u0301"]
pieces = st.one_of(st.text(alphabet=CJK, min_size=1, max_size=12), st.sampled_from(ODD),
                   st.integers(0xD800, 0xDFFF).map(chr), st.text(max_size=6),
                   st.sampled_from(["2025年", "58%", "（一）", "一、", "[1]", "《方案》", "那资阳呢"]))
questions = st.one_of(st.lists(pieces, max_size=8).map("".join), st.text(max_size=40),
                      st.text(alphabet=CJK, min_size=480, max_size=520))


def escaped(body: object) -> bytes:
    """JSON as a client sends it: lone surrogates as \\ud800 escapes (ensure_ascii)."""
    return json.dumps(body).encode()


# -- fixtures ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def service(fake_index):
    from qa.service import build_service

    svc = build_service(fake_index)
    svc.warmup()
    return svc


@pytest.fixture(scope="module")
def api(service, fake_index, tmp_path_factory):
    from qa.api.app import create_app

    s = fake_index.replace(data_dir=str(tmp_path_factory.mktemp("fuzz-data")), feedback_rate_per_min=10**6,
                           log_rate_per_min=10**6)
    with TestClient(create_app(service, s, mount_ui=False), raise_server_exceptions=False) as c:
        yield c


def check_response(r) -> None:
    assert r.status_code < 500, (r.status_code, r.text[:300])
    if r.status_code >= 400:
        err = r.json()["error"]
        assert err["type"] and err["message"]


# -- API: 3,000 --------------------------------------------------------------------------------
history = st.lists(st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system"]),
                                          "content": questions}), max_size=3)
doc_ids = st.one_of(st.none(), st.lists(st.one_of(questions, st.sampled_from(["yaan_jianwu_jiangtan_2023"])),
                                        max_size=2))


@fuzz(1200)
@given(q=questions, hist=history, docs=doc_ids, stream=st.booleans())
def test_fuzz_api_ask(api, q, hist, docs, stream):
    COUNTS["api"] += 1
    r = api.post("/api/ask", content=escaped({"question": q, "history": hist, "doc_ids": docs, "stream": stream}),
                 headers={"content-type": "application/json"})
    check_response(r)
    if stream and r.status_code == 200:
        assert "event: answer" in r.text or "event: error" in r.text


@fuzz(1000)
@given(q=questions, k=st.integers(-2, 60), docs=doc_ids, which=st.sampled_from(["search", "clause", "feedback"]))
def test_fuzz_api_search_clause_feedback(api, q, k, docs, which):
    COUNTS["api"] += 1
    if which == "search":
        r = api.post("/api/search", content=escaped({"question": q, "k": k, "doc_ids": docs}),
                     headers={"content-type": "application/json"})
    elif which == "clause":
        raw = quote(q.encode("utf-8", "surrogatepass"), safe="")  # bad UTF-8 percent-encoded, as sent
        r = api.get(f"/api/clause/{raw[:120] or 'x'}?quote={raw[:200]}")
    else:
        r = api.post("/api/feedback", content=escaped({"rating": "up", "question": q, "comment": q, "answer": q}),
                     headers={"content-type": "application/json"})
    check_response(r)


@fuzz(800)
@given(messages=st.lists(st.fixed_dictionaries({
    "role": st.sampled_from(["user", "assistant", "system", "tool"]),
    "content": st.one_of(questions, st.none(), st.lists(st.fixed_dictionaries(
        {"type": st.sampled_from(["text", "image_url"]), "text": questions}), max_size=2))}), max_size=4),
    raw=st.one_of(st.none(), st.binary(max_size=80)), stream=st.booleans())
def test_fuzz_openai_chat_and_raw_bodies(api, messages, raw, stream):
    COUNTS["api"] += 1
    body = raw if raw is not None else escaped({"messages": messages, "stream": stream})
    r = api.post("/v1/chat/completions", content=body, headers={"content-type": "application/json"})
    check_response(r)


# -- CLI: 1,500 --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cli(service, fake_index, tmp_path_factory):
    import qa.cli
    import qa.service
    from tests.conftest import write_config

    qa.cli._register()
    config = write_config(tmp_path_factory.mktemp("fuzz-cli") / "qa.toml", fake_index)
    real = qa.service.build_service
    qa.service.build_service = lambda settings: service  # one loaded fake service for every call
    yield lambda *args: CliRunner().invoke(qa.cli.cli, ["--config", str(config), *args])
    qa.service.build_service = real


@fuzz(1500)
@given(q=questions, cmd=st.sampled_from(["ask", "search"]), as_json=st.booleans())
def test_fuzz_cli(cli, q, cmd, as_json):
    COUNTS["cli"] += 1
    result = cli(cmd, *(["--json"] if as_json else []), "--", q)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    if result.exit_code == 2 and cmd == "ask":
        assert "错误 / error" in result.output or "Usage" in result.output


# -- batch: 2,000 ----------------------------------------------------------------------------
row_ids = st.one_of(st.integers(0, 3), st.sampled_from(["1", "2", "q", ""]), st.none(), st.floats(0, 2),
                    st.booleans(), st.lists(st.integers(0, 2), max_size=2), questions)
rows = st.fixed_dictionaries({"id": row_ids, "question": st.one_of(questions, st.integers(), st.none(),
                                                                   st.lists(questions, max_size=1))},
                             optional={"history": st.one_of(history, questions, st.integers(), st.none())})
lines = st.one_of(rows.map(lambda r: json.dumps(r).encode()), st.binary(max_size=60),
                  st.sampled_from([b"[]", b"{", b"null", b'{"id": 1}', b"\xff\xfe", b"{}" * 3, b"[" * 5000]))


@fuzz(2000)
@given(file_lines=st.lists(lines, min_size=1, max_size=4))
def test_fuzz_batch_runner(service, tmp_path_factory, file_lines):
    from qa.evaluation.batch import run_batch, service_answer_fn
    from qa.evaluation.io import read_jsonl, read_results

    COUNTS["batch"] += 1
    folder = tmp_path_factory.mktemp("b", numbered=True)
    src = folder / "in.jsonl"
    src.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in file_lines) + b"\n")
    try:
        batch_rows = list(read_jsonl(src))
    except QAError:
        return  # refused up front, with a typed message
    untyped: list[BaseException] = []
    answer = service_answer_fn(service)

    def recording(row: dict) -> dict:
        try:
            return answer(row)
        except QAError:
            raise
        except Exception as exc:
            untyped.append(exc)
            raise

    summary = run_batch(batch_rows, recording, folder / "out.jsonl", progress=False)
    assert not untyped, untyped
    assert summary.answered == len(batch_rows) and len(read_results(folder / "out.jsonl")) == len(batch_rows)


# -- parser: 3,000 texts + 500 files -----------------------------------------------------------------
MARKERS = ["一、", "二十、", "（一）", "(二)", "（十一）", "1.", "2．", "（1）", "(3)", "①", "第一条", "第十二条",
           "第一章", "第二节", "一是", "附件", "附件1", "第1段", "（一百）", "十、", "（", "）", "〔", "】"]
NOISE = ["\ua3ac", "\ua3ae", "\U001001b0", "０１２３", "％", "【字体：大 中 小】", "发布时间：2023-01-01", "打印",
         "关闭", "**", " and ", "\x0c", "\x00", "\r\n", "\u2028", "\ufeff", "\u200b", "«", "»", "（", "“", "《",
         "川府发〔2022〕12号", "2023年5月6日", "四川省人民政府办公厅", "（此件公开发布）", "\ud800", "ꎬ", " " * 5]
sentence = st.text(alphabet=CJK + "，。；：、0123456789%", min_size=0, max_size=60)
line = st.tuples(st.one_of(st.sampled_from(MARKERS), st.just("")), sentence,
                 st.lists(st.sampled_from(NOISE), max_size=2)).map(lambda t: t[0] + t[1] + "".join(t[2]))
documents = st.one_of(st.lists(line, max_size=25).map("\n".join), st.text(max_size=300),
                      st.lists(st.text(alphabet=CJK, min_size=90, max_size=110), max_size=30).map("\n".join))


@fuzz(3000)
@given(text=documents)
def test_fuzz_parser(text):
    COUNTS["parser"] += 1
    try:
        doc = parse_text(text, "fuzz")
    except CorpusError:
        return
    for u in doc.units:
        assert doc.text[u.start:u.end] == u.text


@fuzz(500)
@given(data=st.one_of(st.binary(max_size=300), documents.map(lambda t: t.encode("utf-8", "surrogatepass")),
                      documents.map(lambda t: t.encode("gb18030", "replace"))),
       suffix=st.sampled_from([".txt", ".md", ".html", ".docx", ".pdf"]))
def test_fuzz_file_readers(tmp_path_factory, data, suffix):
    COUNTS["parser"] += 1
    path = Path(tmp_path_factory.mktemp("f", numbered=True)) / f"doc{suffix}"
    if suffix == ".html":
        data = b"<html><body><p>" + data + b"</p><script>x</script></body></html>"
    path.write_bytes(data)
    try:
        parse_file(path)
    except CorpusError:
        pass


def test_fuzz_totals():
    """Runs last in this module: the number of generated inputs per target (10,000 in all)."""
    if len(COUNTS) < 4:
        pytest.skip("run the whole module to count the inputs")
    print("\nfuzzed inputs:", dict(COUNTS), "total", sum(COUNTS.values()))
    assert sum(COUNTS.values()) >= 10_000 and COUNTS["api"] >= 3000
