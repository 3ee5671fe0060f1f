"""The Gradio chat page (Chinese): streamed answers, clickable clause citations, a document filter,
example questions, refusals, multi-turn chat and feedback.

Render-only: every answer, citation and clause comes from QAService (ask_stream, clause,
documents); this module only lays them out. Generation goes through the server's GenerationGate,
so the page and the HTTP API share one queue.

    python ui.py          # build settings + service from qa.toml / QA_* and launch the page
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Iterator
from typing import Any

import gradio as gr

from qa.api.gate import GenerationGate
from qa.api.logs import Logs
from qa.api.runner import GenerationRun
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
LOADING = "模型加载中，首次回答需要稍等…"
CLAUSE_HINT = '<div class="qa-clause-empty">点击左侧回答下方的引用，查看条款原文（引用的句子会高亮显示）。</div>'
MAX_TURNS = 8  # earlier turns passed to the service (user + assistant messages)

CSS = """
.qa-badge{display:inline-block;font-size:12px;line-height:18px;padding:0 8px;margin:0 6px 4px 0;border-radius:9px;
  background:#fef3c7;color:#92400e;border:1px solid #fcd34d}
.qa-refused{display:inline-block;font-weight:600;padding:2px 10px;margin-bottom:4px;border-radius:6px;
  background:#fee2e2;color:#991b1b;border:1px solid #fca5a5}
.qa-rewritten{color:#6b7280;font-size:13px}
.qa-clause{border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px;background:#fff}
.qa-clause-title{font-weight:600;margin-bottom:6px}
.qa-clause-text{white-space:pre-wrap;line-height:1.8;font-size:14px;max-height:420px;overflow-y:auto}
.qa-clause-text mark{background:#fde68a;padding:1px 0}
.qa-clause-empty{color:#6b7280;font-size:13px;padding:8px 0}
#qa-citations label{white-space:normal}
"""


# -- rendering (pure functions, tested without a browser) ---------------------
def citation_choices(answer: Answer) -> list[tuple[str, str]]:
    """Clickable references: the citations, or for a refusal the related clauses."""
    if answer.citations:
        return [(f"[{c.n}]《{c.doc_title}》{c.clause}", f"{c.chunk_id}\t{c.quote}") for c in answer.citations]
    if answer.refused:
        return [(f"相关：《{h.chunk.doc_title}》{h.chunk.label}", f"{h.chunk.chunk_id}\t") for h in answer.hits[:3]]
    return []


def render_answer(answer: Answer) -> str:
    """The assistant message (markdown + a little HTML) for a checked answer."""
    parts: list[str] = []
    if answer.rewritten_question and answer.rewritten_question != answer.question:
        parts.append(f'<span class="qa-rewritten">理解为：{html.escape(answer.rewritten_question)}</span>')
    if answer.refused:
        parts.append('<span class="qa-refused">文件中未找到</span>')
    elif answer.extractive:
        parts.append('<span class="qa-badge">原文摘录</span>')
    parts.append(html.escape(answer.text, quote=False).replace("\n", "  \n"))
    if answer.citations:
        refs = "  \n".join(f"[{c.n}]《{html.escape(c.doc_title)}》{html.escape(c.clause)}" for c in answer.citations)
        parts.append(f"**来源**（点击右侧引用查看原文）  \n{refs}")
    return "\n\n".join(parts)


def render_clause(view: Any) -> str:
    """A clause's text with the quoted span highlighted."""
    text = view.text
    if view.highlight:
        s, e = view.highlight
        body = f"{html.escape(text[:s])}<mark>{html.escape(text[s:e])}</mark>{html.escape(text[e:])}"
    else:
        body = html.escape(text)
    title = f"《{html.escape(view.doc_title)}》{html.escape(view.label)} {html.escape(view.heading)}"
    return (f'<div class="qa-clause"><div class="qa-clause-title">{title}</div>'
            f'<div class="qa-clause-text">{body}</div></div>')


def error_text(exc: BaseException) -> str:
    """What the page shows for an error: a QAError's message, else a generic one (logged)."""
    if isinstance(exc, QAError):
        return f"⚠️ {exc.message}" + (f"（{exc.hint}）" if exc.hint else "")
    log.error("chat page error", exc_info=exc)
    return f"⚠️ {GENERIC_ERROR}"


# -- the page -----------------------------------------------------------------
class ChatPage:
    """The page's event handlers (plain methods, so tests can call them without a browser)."""

    def __init__(self, service: Any, gate: GenerationGate | None = None, logs: Logs | None = None) -> None:
        self.service = service
        self.gate = gate or GenerationGate(service.settings.queue_size)
        self.logs = logs or Logs(service.settings)

    def load_documents(self) -> Any:
        try:
            docs = self.service.documents()
        except QAError as exc:
            gr.Warning(error_text(exc))
            return gr.update(choices=[])
        return gr.update(choices=[(f"{d.title}（{d.region}）" if d.region else d.title, d.doc_id) for d in docs])

    def respond(self, message: str, chat: list[dict], turns: list[dict], doc_ids: list[str] | None
                ) -> Iterator[tuple[Any, ...]]:
        """Yields (chat, turns, citation choices, last answer, input box) as the answer streams."""
        message = (message or "").strip() if isinstance(message, str) else message
        if not message:
            yield chat, turns, gr.update(), None, ""
            return
        try:  # the same input rules as the CLI and the API, before the text is shown anywhere
            message = validate_question(message, self.service.settings.max_question_chars)
        except QAError as exc:
            yield [*chat, {"role": "assistant", "content": error_text(exc)}], turns, gr.update(), None, ""
            return
        chat = [*chat, {"role": "user", "content": message}, {"role": "assistant", "content": "检索中…"}]
        no_refs = gr.update(choices=[], value=None)
        yield [*chat], turns, no_refs, None, ""
        history = [Turn(t["role"], t["content"]) for t in turns[-MAX_TURNS:]]
        try:
            if not self.service.status().get("generator", {}).get("loaded"):
                chat[-1] = {"role": "assistant", "content": LOADING}
                yield [*chat], turns, no_refs, None, ""
            run = GenerationRun(self.service, self.gate.enter(), message, history, doc_ids or None)
            draft = ""
            for event in run.events():
                if event.kind == "status" and not draft:
                    chat[-1] = {"role": "assistant", "content": event.text}
                elif event.kind == "token":
                    draft += event.text
                    chat[-1] = {"role": "assistant", "content": html.escape(draft, quote=False) + " ▌"}
                elif event.kind == "answer" and event.answer is not None:
                    answer = event.answer
                    chat[-1] = {"role": "assistant", "content": render_answer(answer)}
                    turns = [*turns, {"role": "user", "content": message},
                             {"role": "assistant", "content": answer.text}]
                    last = {"question": message, "answer": answer.text,
                            "citations": [c.to_dict() for c in answer.citations]}
                    self.logs.question("ui", message, answer, wait_ms=run.ticket.wait_ms, doc_ids=doc_ids)
                    yield [*chat], turns, gr.update(choices=citation_choices(answer), value=None), last, ""
                    continue
                else:
                    continue
                yield [*chat], turns, no_refs, None, ""
        except Exception as exc:  # shown in the page, never as a stack trace
            chat[-1] = {"role": "assistant", "content": error_text(exc)}
            yield [*chat], turns, no_refs, None, ""

    def show_clause(self, choice: str | None) -> str:
        if not choice:
            return CLAUSE_HINT
        chunk_id, _, quote = choice.partition("\t")
        try:
            return render_clause(self.service.clause(chunk_id, quote or None))
        except Exception as exc:
            return f"<div>{html.escape(error_text(exc))}</div>"

    def feedback(self, rating: str, last: dict | None, comment: str) -> tuple[str, str]:
        if not last:
            return "请先提问，再对回答评价。", comment
        self.logs.add_feedback("ui", rating, last["question"], last["answer"], last["citations"],
                               (comment or "")[:2000])
        return "已记录反馈，谢谢！", ""


def build_ui(service: Any, gate: GenerationGate | None = None, logs: Logs | None = None) -> gr.Blocks:
    """The chat page for `service`. `gate` and `logs` are shared with the HTTP API when mounted."""
    page = ChatPage(service, gate, logs)
    with gr.Blocks(title=TITLE, fill_width=True) as demo:
        turns = gr.State([])
        last_answer = gr.State(None)
        gr.Markdown(f"## {TITLE}\n根据已收录的政府政策文件作答，每句话标注条款出处（《文件》条款）；文件中没有的内容会明确说明。")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="对话", height=520, feedback_options=None, elem_id="qa-chat",
                                  placeholder="请在下方输入问题，或点击示例问题。")
                with gr.Row():
                    box = gr.Textbox(placeholder="请输入问题，例如：雅安到2025年非化石能源消费比重要达到多少？",
                                     show_label=False, scale=5, max_lines=4, elem_id="qa-input")
                    send = gr.Button("发送", variant="primary", scale=1, elem_id="qa-send")
                with gr.Row():
                    stop = gr.Button("停止", size="sm")
                    clear = gr.Button("清空对话", size="sm")
                gr.Examples(EXAMPLES, inputs=[box], label="示例问题")
                with gr.Accordion("对回答评价", open=False):
                    comment = gr.Textbox(label="意见（可选）", max_lines=3, max_length=2000)
                    with gr.Row():
                        up = gr.Button("👍 有帮助", size="sm", elem_id="qa-up")
                        down = gr.Button("👎 没帮助", size="sm", elem_id="qa-down")
                    fb_status = gr.Markdown("")
            with gr.Column(scale=2):
                docs = gr.Dropdown(label="检索范围", info="不选则在全部文件中检索", multiselect=True, choices=[],
                                   elem_id="qa-docs")
                refs = gr.Radio(label="本轮回答的引用（点击查看原文）", choices=[], elem_id="qa-citations")
                clause = gr.HTML(CLAUSE_HINT, elem_id="qa-clause")

        outputs = [chat, turns, refs, last_answer, box]
        ev_submit = box.submit(page.respond, [box, chat, turns, docs], outputs, concurrency_limit=None)
        ev_click = send.click(page.respond, [box, chat, turns, docs], outputs, concurrency_limit=None)
        stop.click(None, cancels=[ev_submit, ev_click])
        clear.click(lambda: ([], [], gr.update(choices=[], value=None), None, CLAUSE_HINT),
                    None, [chat, turns, refs, last_answer, clause], cancels=[ev_submit, ev_click])
        refs.change(page.show_clause, [refs], [clause], concurrency_limit=None)
        up.click(lambda last, c: page.feedback("up", last, c), [last_answer, comment], [fb_status, comment])
        down.click(lambda last, c: page.feedback("down", last, c), [last_answer, comment], [fb_status, comment])
        demo.load(page.load_documents, None, [docs])
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
                                     footer_links=[], **ui_auth(settings))


if __name__ == "__main__":
    main()
