"""The Gradio chat page (Chinese): streamed answers shown as a draft until checked, [n] citations that
open their clause inline, a 文件库 (document library) tab, example questions that ask, a queue for
questions sent while an answer is generating, refusals, multi-turn chat, feedback, and the
conversation kept in the browser (localStorage).

Render-only: every answer, citation, clause and document comes from QAService (ask_stream, clause,
library, document); this module only lays them out (HTML strings, every text escaped), and
qa/api/static/page.js wires the clicks in the browser. Generation goes through the server's
GenerationGate, so the page and the HTTP API share one queue.

    python ui.py          # build settings + service from qa.toml / QA_* and launch the page
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from qa.answer.rewrite import turn_text
from qa.api.gate import GenerationGate
from qa.api.logs import Logs
from qa.api.presentation import DRAFT_LABEL, change_note
from qa.api.runner import GenerationRun
from qa.compare.ui import compare_tab
from qa.errors import QAError
from qa.types import Answer, Turn
from qa.validation import validate_question

log = logging.getLogger("qa.ui")

TITLE = "政策文件问答"
EXAMPLES = [
    "雅安到2025年非化石能源消费比重要达到多少？",
    "资阳的工业园区污水要怎么处理？",
    "重庆这个方案是哪个部门印发的？",
    "四川“十四五”节能减排的主要目标是什么？",
]
GENERIC_ERROR = "抱歉，系统出现内部错误，请稍后再试。"
ERROR_PREFIX = "提示："  # plain text: no emoji font needed
LOADING = "模型加载中，首次回答需要稍等…"
MAX_TURNS = 8  # earlier turns passed to the service (user + assistant messages)
MAX_SAVED_MESSAGES = 60  # messages kept in the browser's localStorage
STORAGE_KEY = "policy-qa-chat-v1"
STATIC = Path(__file__).resolve().parent / "qa" / "api" / "static"

# Colours: text on its background ≥ 4.5:1 in light and dark mode (WCAG AA, checked with axe-core in
# tests/test_browser.py). Gradio scopes custom CSS and mangles selector lists after `.dark`, so every
# dark-mode rule has a single selector.
CSS = """
#qa-chat .md.chatbot{opacity:1 !important}
#qa-send{background:#1d4ed8 !important;border-color:#1d4ed8 !important;color:#fff !important}
#qa-send:hover{background:#1e40af !important}
.info-text,#qa-docs input,#qa-docs input::placeholder,#qa-input textarea::placeholder{color:#4b5563 !important;opacity:1}
.dark .info-text{color:#d1d5db !important}
.dark #qa-docs input{color:#d1d5db !important}
.dark #qa-docs input::placeholder{color:#d1d5db !important}
.dark #qa-input textarea::placeholder{color:#d1d5db !important}
.qa-answer{line-height:1.75}
.qa-badge{display:inline-block;font-size:12px;line-height:18px;padding:0 8px;margin:0 6px 4px 0;border-radius:9px;
  background:#fef3c7;color:#78350f;border:1px solid #d97706}
.qa-refused{display:inline-block;font-weight:600;padding:2px 10px;margin-bottom:4px;border-radius:6px;
  background:#fee2e2;color:#7f1d1d;border:1px solid #dc2626}
.qa-rewritten,.qa-hint{color:#4b5563;font-size:13px}
.qa-changed{margin:4px 0;padding:4px 8px;border-left:3px solid #b45309;background:#fffbeb;color:#78350f;font-size:13px}
.qa-draft{color:#4b5563}
.qa-draft-label{display:inline-block;font-size:12px;padding:0 6px;margin-bottom:2px;border:1px dashed #6b7280;border-radius:4px;color:#374151}
.qa-draft-text{font-style:italic}
.qa-ref{display:inline-block;min-width:24px;text-align:center;padding:0 3px;margin:0 1px;border-radius:4px;font-weight:600;
  color:#1d4ed8 !important;background:#dbeafe;text-decoration:none !important;cursor:pointer}
.qa-ref:hover,.qa-ref:focus-visible{background:#bfdbfe;outline:2px solid #1d4ed8}
.qa-sources{margin-top:8px;font-size:14px}
.qa-sources-title{font-weight:600;margin-bottom:2px}
details.qa-cite{margin:3px 0;border:1px solid #d1d5db;border-radius:6px;padding:2px 8px;background:#ffffff;color:#111827}
details.qa-cite>summary{cursor:pointer;color:#1e40af;padding:2px 0}
.qa-clause-text,.qa-unit-text{white-space:pre-wrap;line-height:1.8;font-size:14px;max-height:360px;overflow-y:auto;color:#111827}
.qa-clause-text mark,.qa-unit-text mark{background:#fde68a;color:#111827;padding:1px 0}
.qa-doc-link{font-size:13px;color:#1d4ed8 !important}
.qa-flash{animation:qa-flash 1.6s ease-out}
@keyframes qa-flash{from{box-shadow:0 0 0 3px #f59e0b}to{box-shadow:0 0 0 0 transparent}}
#qa-queue{margin:4px 0;padding:6px 10px;border:1px solid #93c5fd;border-radius:6px;background:#eff6ff;color:#1e3a8a;font-size:14px}
#qa-queue ol{margin:2px 0 0 18px}
.qa-queue-cancel{margin-left:6px;font-size:12px;border:1px solid #1e3a8a;border-radius:4px;padding:0 6px;background:#fff;color:#1e3a8a}
.qa-examples{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.qa-examples-label{font-size:14px;color:#374151}
.qa-ex{border:1px solid #6b7280;border-radius:14px;padding:3px 10px;background:#fff;color:#1f2937;font-size:14px;cursor:pointer;text-align:left}
.qa-ex:hover,.qa-ex:focus-visible{border-color:#1d4ed8;color:#1d4ed8}
.qa-lib-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:10px;margin-bottom:14px}
.qa-lib-card{border:1px solid #d1d5db;border-radius:8px;padding:10px 12px;background:#fff;color:#111827}
.qa-lib-card h3{font-size:15px;margin:0 0 6px}
.qa-lib-card dl{display:grid;grid-template-columns:auto 1fr;gap:2px 8px;margin:0;font-size:13px}
.qa-lib-card dt{color:#4b5563}.qa-lib-card dd{margin:0;word-break:break-all}
.qa-lib-card a,.qa-outline a{color:#1d4ed8 !important}
details.qa-doc{border:1px solid #d1d5db;border-radius:8px;margin:8px 0;padding:4px 12px;background:#fff;color:#111827}
details.qa-doc>summary{cursor:pointer;font-weight:600;padding:6px 0}
.qa-outline{font-size:14px;margin:4px 0 10px}
.qa-outline ol{margin:2px 0 2px 18px;padding:0}
.qa-unit{padding:6px 0;border-top:1px solid #e5e7eb;scroll-margin-top:12px}
.qa-unit h4{margin:0 0 4px;font-size:14px}
.qa-unit-text{max-height:none}
.dark .qa-rewritten{color:#d1d5db}
.dark .qa-hint{color:#d1d5db}
.dark .qa-draft{color:#d1d5db}
.dark .qa-examples-label{color:#d1d5db}
.dark .qa-draft-label{color:#e5e7eb;border-color:#9ca3af}
.dark .qa-badge{background:#451a03;color:#fde68a;border-color:#b45309}
.dark .qa-refused{background:#450a0a;color:#fecaca;border-color:#dc2626}
.dark .qa-changed{background:#451a03;color:#fde68a}
.dark .qa-ref{color:#bfdbfe !important;background:#1e3a8a}
.dark details.qa-cite{background:#111827;color:#f3f4f6;border-color:#4b5563}
.dark details.qa-doc{background:#111827;color:#f3f4f6;border-color:#4b5563}
.dark .qa-lib-card{background:#111827;color:#f3f4f6;border-color:#4b5563}
.dark details.qa-cite>summary{color:#93c5fd}
.dark .qa-clause-text{color:#f3f4f6}
.dark .qa-unit-text{color:#f3f4f6}
.dark .qa-clause-text mark{background:#854d0e;color:#fff}
.dark .qa-unit-text mark{background:#854d0e;color:#fff}
.dark .qa-doc-link{color:#93c5fd !important}
.dark .qa-lib-card a{color:#93c5fd !important}
.dark .qa-outline a{color:#93c5fd !important}
.dark .qa-lib-card dt{color:#d1d5db}
.dark .qa-unit{border-color:#374151}
.dark #qa-queue{background:#172554;color:#dbeafe;border-color:#3b82f6}
.dark .qa-queue-cancel{background:#1e3a8a;color:#dbeafe;border-color:#93c5fd}
.dark .qa-ex{background:#1f2937;color:#f3f4f6;border-color:#9ca3af}
"""


def head_html() -> str:
    """The page's <head> additions: its script, inline (no outside requests)."""
    return "<script>" + (STATIC / "page.js").read_text(encoding="utf-8") + "</script>"


# -- rendering (pure functions, tested without a browser) ---------------------
def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _lines(text: str) -> str:
    """Escaped text on one line of HTML (the chat renders markdown; one HTML block stays raw)."""
    return _esc(text).replace("\r", "").replace("\n", "<br>")


_REF = re.compile(r"\[(\d{1,3})\]")


def unit_anchor(doc_id: str, index: int) -> str:
    return f"qa-u-{re.sub(r'[^A-Za-z0-9_-]', '_', doc_id)}-{index}"


def doc_anchor(doc_id: str) -> str:
    return f"qa-doc-{re.sub(r'[^A-Za-z0-9_-]', '_', doc_id)}"


def render_clause_body(view: Any) -> str:
    """A clause's text with the quoted span highlighted (escaped HTML, one line)."""
    text = view.text
    if view.highlight:
        s, e = view.highlight
        return f"{_lines(text[:s])}<mark>{_lines(text[s:e])}</mark>{_lines(text[e:])}"
    return _lines(text)


class Renderer:
    """Answers as chat HTML: [n] links that open the clause inline, the draft as a draft."""

    def __init__(self, service: Any) -> None:
        self.service = service

    def _unit_index(self, doc_id: str, label: str) -> int | None:
        try:
            units = self.service.document(doc_id).units
        except Exception:
            return None
        return next((i for i, u in enumerate(units) if u.label == label), None)

    def _cite(self, n: int | None, doc_id: str, doc_title: str, clause: str, chunk_id: str, quote: str) -> str:
        try:
            body = render_clause_body(self.service.clause(chunk_id, quote or None))
        except Exception as exc:
            body = _esc(error_text(exc))
        idx = self._unit_index(doc_id, clause)
        link = ""
        if idx is not None:
            target = unit_anchor(doc_id, idx)
            link = (f'<a class="qa-doc-link" href="#{target}" data-target="{target}" data-quote="{_esc(quote)}">'
                    f"在文件库中查看全文</a>")
        mark = f"[{n}]" if n is not None else "相关："
        return (f'<details class="qa-cite" data-n="{n if n is not None else ""}"><summary>{mark}《{_esc(doc_title)}》'
                f'{_esc(clause)}</summary><div class="qa-clause-text">{body}</div>{link}</details>')

    def answer(self, answer: Answer, draft: str = "") -> str:
        parts: list[str] = ['<div class="qa-answer" data-final="1">']
        if answer.rewritten_question and answer.rewritten_question != answer.question:
            parts.append(f'<div class="qa-rewritten">理解为：{_esc(answer.rewritten_question)}</div>')
        if answer.refused:
            parts.append('<span class="qa-refused">文件中未找到</span>')
        elif answer.extractive:
            parts.append('<span class="qa-badge">原文摘录</span>')
        note = change_note(answer, draft)
        if note:
            parts.append(f'<div class="qa-changed" role="note">{_esc(note)}</div>')
        cited = {c.n for c in answer.citations}

        def link(m: re.Match) -> str:
            n = int(m.group(1))
            if n not in cited:
                return m.group(0)
            return f'<a class="qa-ref" href="#" role="button" data-n="{n}" aria-label="查看引用{n}的条款原文">[{n}]</a>'

        parts.append(f'<div class="qa-text">{_REF.sub(link, _lines(answer.text))}</div>')
        if answer.citations:
            parts.append('<div class="qa-sources"><div class="qa-sources-title">来源（点击 [n] 或下列条款展开原文）</div>')
            parts.extend(self._cite(c.n, c.doc_id, c.doc_title, c.clause, c.chunk_id, c.quote)
                         for c in answer.citations)
            parts.append("</div>")
        elif answer.refused and answer.hits:
            parts.append('<div class="qa-sources"><div class="qa-sources-title">相关条款（供参考）</div>')
            seen: set[str] = set()
            for h in answer.hits:
                if h.chunk.chunk_id in seen or len(seen) >= 3:
                    continue
                seen.add(h.chunk.chunk_id)
                c = h.chunk
                parts.append(self._cite(None, c.doc_id, c.doc_title, c.label, c.chunk_id, ""))
            parts.append("</div>")
        parts.append("</div>")
        return "".join(parts)


def render_draft(draft: str) -> str:
    return (f'<div class="qa-draft" aria-busy="true"><span class="qa-draft-label">{DRAFT_LABEL}</span>'
            f'<div class="qa-draft-text">{_lines(draft)} ▌</div></div>')


def render_library(service: Any) -> str:
    """The 文件库: a card per document (title, 文号, 印发单位, dates, clause count), then every document
    readable by its clause outline; anchors let a citation open its clause here."""
    entries = service.library()
    out = [f'<div class="qa-lib"><p class="qa-hint">已收录 {len(entries)} 份文件。点击文件名阅读全文（按条款目录）。</p>',
           '<div class="qa-lib-cards">']
    for e in entries:
        rows = [("文号", e.doc_number or "未注明"), ("印发单位", e.issuers or "未注明"), ("地区", e.region or "—"),
                ("落款日期", e.signed or "未注明")]
        if e.published:
            rows.append(("发布日期", e.published))
        rows.append(("条款数", str(e.n_clauses)))
        dl = "".join(f"<dt>{k}</dt><dd>{_esc(v)}</dd>" for k, v in rows)
        out.append(f'<article class="qa-lib-card" data-doc="{_esc(e.doc_id)}"><h3><a href="#{doc_anchor(e.doc_id)}" '
                   f'onclick="var d=document.getElementById(\'{doc_anchor(e.doc_id)}\');d.open=true;d.scrollIntoView();'
                   f'return false;">《{_esc(e.title)}》</a></h3><dl>{dl}</dl></article>')
    out.append("</div>")
    for e in entries:
        view = service.document(e.doc_id)
        outline: list[str] = []
        section = None
        for i, u in enumerate(view.units):
            if u.section != section and u.section:
                if section is not None:
                    outline.append("</ol></li>")
                section = u.section
                outline.append(f"<li>{_esc(u.section)}<ol>")
            outline.append(f'<li><a href="#{unit_anchor(e.doc_id, i)}">{_esc(u.label)} {_esc(u.heading)}</a></li>')
        if section is not None:
            outline.append("</ol></li>")
        units = "".join(
            f'<section class="qa-unit" id="{unit_anchor(e.doc_id, i)}" tabindex="-1" data-label="{_esc(u.label)}">'
            f'<h4>{_esc(u.label)} {_esc(u.heading)}</h4><div class="qa-unit-text">{_lines(u.text)}</div></section>'
            for i, u in enumerate(view.units))
        number = f"（{_esc(e.doc_number)}）" if e.doc_number else ""
        out.append(f'<details class="qa-doc" id="{doc_anchor(e.doc_id)}"><summary>《{_esc(e.title)}》{number}</summary>'
                   f'<nav class="qa-outline" aria-label="条款目录"><ol>{"".join(outline)}</ol></nav>{units}</details>')
    out.append("</div>")
    return "".join(out)


def examples_html() -> str:
    buttons = "".join(f'<button type="button" class="qa-ex">{_esc(q)}</button>' for q in EXAMPLES)
    return (f'<div class="qa-examples" role="group" aria-label="示例问题"><span class="qa-examples-label">示例问题'
            f'（点击即提问）：</span>{buttons}</div>')


def error_text(exc: BaseException) -> str:
    """What the page shows for an error: a QAError's message, else a generic one (logged)."""
    if isinstance(exc, QAError):
        return ERROR_PREFIX + exc.message + (f"（{exc.hint}）" if exc.hint else "")
    log.error("chat page error", exc_info=exc)
    return ERROR_PREFIX + GENERIC_ERROR


# -- the page -----------------------------------------------------------------
class ChatPage:
    """The page's event handlers (plain methods, so tests can call them without a browser)."""

    def __init__(self, service: Any, gate: GenerationGate | None = None, logs: Logs | None = None) -> None:
        self.service = service
        self.gate = gate or GenerationGate(service.settings.queue_size)
        self.logs = logs or Logs(service.settings)
        self.render = Renderer(service)

    def load_documents(self) -> Any:
        try:
            docs = self.service.documents()
        except QAError as exc:
            gr.Warning(error_text(exc))
            return gr.update(choices=[])
        return gr.update(choices=[(f"{d.title}（{d.region}）" if d.region else d.title, d.doc_id) for d in docs])

    def library(self) -> str:
        try:
            return render_library(self.service)
        except Exception as exc:
            return f'<p class="qa-hint">{_esc(error_text(exc))}</p>'

    def respond(self, message: str, chat: list[dict], turns: list[dict], doc_ids: list[str] | None
                ) -> Iterator[tuple[Any, ...]]:
        """Yields (chat, turns, last answer, input box) as the answer streams. The box is cleared once,
        when the question is taken, and left alone afterwards (the user may type the next one)."""
        keep = gr.update()
        message = (message or "").strip() if isinstance(message, str) else message
        if not message:
            yield chat, turns, None, keep
            return
        try:  # the same input rules as the CLI and the API, before the text is shown anywhere
            message = validate_question(message, self.service.settings.max_question_chars)
        except QAError as exc:
            yield [*chat, {"role": "assistant", "content": _esc(error_text(exc))}], turns, None, ""
            return
        chat = [*chat, {"role": "user", "content": _esc(message)}, {"role": "assistant", "content": "检索中…"}]
        yield [*chat], turns, None, ""
        history = [Turn(t["role"], t["content"]) for t in turns[-MAX_TURNS:]]
        try:
            if not self.service.status().get("generator", {}).get("loaded"):
                chat[-1] = {"role": "assistant", "content": LOADING}
                yield [*chat], turns, None, keep
            run = GenerationRun(self.service, self.gate.enter(), message, history, doc_ids or None)
            draft = ""
            for event in run.events():
                if event.kind == "status" and not draft:
                    chat[-1] = {"role": "assistant", "content": _esc(event.text)}
                elif event.kind == "token":
                    draft += event.text
                    chat[-1] = {"role": "assistant", "content": render_draft(draft)}
                elif event.kind == "answer" and event.answer is not None:
                    answer = event.answer
                    chat[-1] = {"role": "assistant", "content": self.render.answer(answer, draft)}
                    turns = [*turns, {"role": "user", "content": message},
                             {"role": "assistant", "content": turn_text(answer)}]
                    last = {"question": message, "answer": answer.text,
                            "citations": [c.to_dict() for c in answer.citations]}
                    self.logs.question("ui", message, answer, wait_ms=run.ticket.wait_ms, doc_ids=doc_ids)
                    yield [*chat], turns, last, keep
                    continue
                else:
                    continue
                yield [*chat], turns, None, keep
        except Exception as exc:  # shown in the page, never as a stack trace
            chat[-1] = {"role": "assistant", "content": _esc(error_text(exc))}
            yield [*chat], turns, None, keep

    def feedback(self, rating: str, last: dict | None, comment: str) -> tuple[str, str]:
        if not last:
            return "请先提问，再对回答评价。", comment
        self.logs.add_feedback("ui", rating, last["question"], last["answer"], last["citations"],
                               (comment or "")[:2000])
        return "已记录反馈，谢谢！", ""

    @staticmethod
    def save(chat: list[dict], turns: list[dict]) -> str:
        """What the browser keeps across a reload (localStorage), as JSON text."""
        return json.dumps({"chat": [{"role": m.get("role"), "content": _content(m.get("content"))}
                                    for m in list(chat or [])[-MAX_SAVED_MESSAGES:] if isinstance(m, dict)],
                           "turns": list(turns or [])[-2 * MAX_TURNS:]}, ensure_ascii=False)

    @staticmethod
    def restore(saved: Any) -> tuple[list[dict], list[dict]]:
        """The conversation the browser kept; anything malformed is dropped."""
        try:
            data = json.loads(saved) if isinstance(saved, str) and saved else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            return [], []

        def ok(m: Any) -> bool:
            return isinstance(m, dict) and m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)

        chat = [{"role": m["role"], "content": m["content"]} for m in data.get("chat") or [] if ok(m)]
        turns = [{"role": t["role"], "content": t["content"]} for t in data.get("turns") or [] if ok(t)]
        return chat[-MAX_SAVED_MESSAGES:], turns[-2 * MAX_TURNS:]


def _content(content: Any) -> str:
    """A chat message's text (Gradio hands messages back with content as a list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type", "text") == "text")
    if isinstance(content, dict):
        return str(content.get("text", ""))
    return ""


def build_ui(service: Any, gate: GenerationGate | None = None, logs: Logs | None = None) -> gr.Blocks:
    """The chat page for `service`. `gate` and `logs` are shared with the HTTP API when mounted."""
    page = ChatPage(service, gate, logs)
    with gr.Blocks(title=TITLE, fill_width=True) as demo:
        turns = gr.State([])
        last_answer = gr.State(None)
        saved = gr.BrowserState("", storage_key=STORAGE_KEY, secret="policy-qa-page")
        gr.Markdown(f"## {TITLE}\n根据已收录的政府政策文件作答，每句话标注条款出处；点击回答中的 [1] 等编号即可展开条款原文。"
                    "文件中没有的内容会明确说明。")
        with gr.Tabs(elem_id="qa-tabs"):
            with gr.Tab("对话", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=300):
                        chat = gr.Chatbot(label="对话", height=540, feedback_options=None, elem_id="qa-chat",
                                          placeholder="请在下方输入问题，或点击示例问题。", buttons=["copy"],
                                          sanitize_html=False)  # every text is escaped by Renderer
                        gr.HTML('<div id="qa-queue" role="status" aria-live="polite" hidden></div>', js_on_load=None)
                        with gr.Row(equal_height=True):
                            box = gr.Textbox(label="输入问题", show_label=False, scale=5, max_lines=4, elem_id="qa-input",
                                             placeholder="请输入问题，例如：雅安到2025年非化石能源消费比重要达到多少？")
                            send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="qa-send")
                        with gr.Row():
                            stop = gr.Button("停止生成", size="sm", elem_id="qa-stop")
                            clear = gr.Button("清空对话", size="sm", elem_id="qa-clear")
                        gr.HTML(examples_html(), js_on_load=None)
                        with gr.Accordion("对回答评价", open=False):
                            comment = gr.Textbox(label="意见（可选）", max_lines=3, max_length=2000)
                            with gr.Row():
                                up = gr.Button("有帮助", size="sm", elem_id="qa-up")
                                down = gr.Button("没帮助", size="sm", elem_id="qa-down")
                            fb_status = gr.Markdown("")
                    with gr.Column(scale=1, min_width=240):
                        docs = gr.Dropdown(label="检索范围", info="不选则在全部文件中检索", multiselect=True, choices=[],
                                           elem_id="qa-docs")
                        gr.Markdown("对话保存在本浏览器中，刷新页面后仍在；点击“清空对话”删除。\n\n"
                                    "在“文件库”中可以查看全部已收录文件及其条款。", elem_classes=["qa-hint"])
            with gr.Tab("文件库", id="library") as lib_tab:
                library = gr.HTML('<p class="qa-hint">加载中…</p>', elem_id="qa-library", js_on_load=None)
            compare_tab(service)  # 对照 (qa/compare/ui.py)

        outputs = [chat, turns, last_answer, box]
        inputs = [box, chat, turns, docs]
        done_js = "() => { window.qaIdle && window.qaIdle(); }"
        events = []
        for trigger in (box.submit, send.click):
            ev = trigger(page.respond, inputs, outputs, concurrency_limit=None)
            events.append(ev)
            ev.then(page.save, [chat, turns], [saved]).then(None, None, None, js=done_js)
        stop.click(None, js="() => { window.qaStop && window.qaStop(); }", cancels=events)
        clear.click(lambda: ([], [], None, page.save([], [])), None, [chat, turns, last_answer, saved],
                    cancels=events, js="() => { window.qaStop && window.qaStop(); return []; }")
        up.click(lambda last, c: page.feedback("up", last, c), [last_answer, comment], [fb_status, comment])
        down.click(lambda last, c: page.feedback("down", last, c), [last_answer, comment], [fb_status, comment])
        lib_tab.select(page.library, None, [library], concurrency_limit=None)
        demo.load(page.load_documents, None, [docs])
        demo.load(page.restore, [saved], [chat, turns])
    return demo


def main() -> None:
    from qa.service import build_service
    from qa.settings import load_settings

    logging.basicConfig(level=logging.INFO)
    settings = load_settings()
    service = build_service(settings)

    def warmup() -> None:
        try:
            service.warmup()
        except Exception:  # the page shows the error when a question is asked
            log.exception("warm-up failed")

    threading.Thread(target=warmup, name="qa-warmup", daemon=True).start()
    from qa.api.app import ui_auth

    build_ui(service).queue().launch(server_name=settings.host, server_port=settings.port, css=CSS,
                                     head=head_html(), footer_links=[], **ui_auth(settings))


if __name__ == "__main__":
    main()
