"""Request and response models of the HTTP API (they make the OpenAPI schema at /docs)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from qa.validation import first_invalid

MAX_TURNS = 20
MAX_TURN_CHARS = 4000
MAX_DOC_IDS = 20

_QUESTION = "用户的问题（中文）/ the question. 1–max_question_chars characters, no control characters."
_DOC_IDS = ("只在这些文件中检索（文件 id，见 GET /api/documents，或文件标题）/ restrict the search to these "
            "documents (ids from GET /api/documents, or titles). Omit to search all.")


class _In(BaseModel):
    """A request body: every string in it (keys included) must be valid Unicode, else 422."""

    @model_validator(mode="before")
    @classmethod
    def _valid_unicode(cls, data: Any) -> Any:
        where = first_invalid(data)
        if where is not None:
            raise ValueError(f"{where} 含有无效的 Unicode 字符（如孤立代理项）/ {where} contains invalid Unicode "
                             "(e.g. a lone surrogate): send UTF-8 text")
        return data


class TurnIn(_In):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)


class AskRequest(_In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "雅安到2025年非化石能源消费比重要达到多少？"},
        {"question": "那资阳呢？", "history": [
            {"role": "user", "content": "雅安的工业园区污水要怎么处理？"},
            {"role": "assistant", "content": "……[1]"}], "stream": True},
        {"question": "主要目标是什么？", "doc_ids": ["sichuan_14th_fyp_energy_saving_2022"]},
    ]})
    question: str = Field(description=_QUESTION)
    history: list[TurnIn] = Field(default_factory=list, max_length=MAX_TURNS,
                                  description="之前的对话 / earlier turns, oldest first.")
    doc_ids: list[str] | None = Field(default=None, max_length=MAX_DOC_IDS, description=_DOC_IDS)
    stream: bool = Field(default=False, description=(
        "true: text/event-stream with `event: status|token` while generating, then `event: answer` "
        "(the checked answer, same JSON as the non-stream response) or `event: error`."))


class CitationOut(BaseModel):
    n: int
    doc_title: str
    clause: str
    quote: str
    chunk_id: str
    doc_id: str
    start: int
    end: int


class RetrievedOut(BaseModel):
    doc_title: str
    clause: str
    score: float


class ScopeOut(BaseModel):
    doc_ids: list[str]
    regions: list[str]
    out_of_scope: list[str]
    explicit: bool


class ErrorDetail(BaseModel):
    type: str = Field(examples=["input_error"])
    message: str = Field(examples=["问题为空，请输入问题 / the question is empty"])


class ErrorBody(BaseModel):
    error: ErrorDetail


class AskResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "question": "雅安到2025年非化石能源消费比重要达到多少？",
        "answer": "到2025年，非化石能源消费比重达到58%左右[1]。",
        "refused": False, "refusal_reason": "", "extractive": False,
        "citations": [{"n": 1, "doc_title": "雅安市减污降碳协同增效行动方案", "clause": "（五）",
                       "quote": "到2025年，非化石能源消费比重达到58%左右。", "chunk_id": "0212b0abd89cc7e6",
                       "doc_id": "yaan_jianwu_jiangtan_2023", "start": 2155, "end": 2176}],
        "retrieved": [{"doc_title": "雅安市减污降碳协同增效行动方案", "clause": "（五）", "score": 0.0328}],
        "rewritten_question": "雅安到2025年非化石能源消费比重要达到多少？",
        "scope": {"doc_ids": ["yaan_jianwu_jiangtan_2023"], "regions": ["雅安"], "out_of_scope": [],
                  "explicit": False},
        "raw_answer": "到2025年，非化石能源消费比重达到58%左右。[1]", "notes": [],
        "timings": {"retrieve_ms": 14.3, "first_token_ms": 420.0, "total_ms": 2100.0},
        "history_text": "到2025年，非化石能源消费比重达到58%左右[1]。\n（依据：《雅安市减污降碳协同增效行动方案》（五））",
        "error": None}]})
    question: str
    answer: str
    refused: bool
    refusal_reason: str = Field(default="", description=(
        "拒答原因代码（回答时为空） / the refusal's reason code, '' when answered: out_of_corpus, weak_evidence, "
        "period_not_covered, year_not_covered, not_mentioned, false_premise, no_figure, model_refused"))
    extractive: bool
    citations: list[CitationOut]
    retrieved: list[RetrievedOut]
    rewritten_question: str
    scope: ScopeOut
    raw_answer: str
    notes: list[str]
    timings: dict[str, float]
    history_text: str = Field(default="", description=(
        "这条回答在对话历史中应保存的文本（附所引条款，追问“这一条由谁负责？”时据此定位） / the answer as the next "
        "request's `history` should carry it: its text with the clauses it cites"))
    error: ErrorDetail | None = None


class SearchRequest(_In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "资阳的工业园区污水要怎么处理？", "k": 5}]})
    question: str = Field(description=_QUESTION)
    k: int = Field(default=10, ge=1, le=50, description="返回的条款数 / number of clauses to return.")
    doc_ids: list[str] | None = Field(default=None, max_length=MAX_DOC_IDS, description=_DOC_IDS)


class HitOut(BaseModel):
    doc_title: str
    clause: str
    heading: str
    score: float
    dense_score: float | None
    text: str
    chunk_id: str
    doc_id: str


class SearchResponse(BaseModel):
    question: str
    scope: ScopeOut
    hits: list[HitOut]


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    region: str
    doc_number: str
    date: str
    n_chunks: int


class DocumentsResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"documents": [
        {"doc_id": "yaan_jianwu_jiangtan_2023", "title": "雅安市减污降碳协同增效行动方案", "region": "雅安市",
         "doc_number": "", "date": "2023-09-26", "n_chunks": 66}]}]})
    documents: list[DocumentOut]


class ClauseResponse(BaseModel):
    doc_id: str
    doc_title: str
    label: str
    heading: str
    text: str
    highlight: list[int] | None = Field(description="[start, end) of the quote within `text`, if found.")


class HealthResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "status": "ready", "warmup": "done",
        "index": {"loaded": True, "n_chunks": 323, "n_documents": 5},
        "generator": {"loaded": True},
        "queue": {"running": 0, "waiting": 0, "capacity": 5, "queue_size": 4}}]})
    status: Literal["ready", "loading", "not_loaded", "error"] = Field(description=(
        "ready: index and generator loaded; loading: warm-up in progress; not_loaded: loads on first "
        "use (--no-warmup); error: warm-up failed (the reason is in the server log)."))
    warmup: str
    index: dict[str, Any]
    generator: dict[str, Any]
    queue: dict[str, int]


class FeedbackRequest(_In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "rating": "up", "question": "雅安到2025年非化石能源消费比重要达到多少？",
        "answer": "到2025年，非化石能源消费比重达到58%左右[1]。",
        "citations": [{"n": 1, "doc_title": "雅安市减污降碳协同增效行动方案", "clause": "（五）"}],
        "comment": "准确"}]})
    rating: Literal["up", "down"]
    question: str = Field(min_length=1, max_length=2000)
    answer: str = Field(default="", max_length=20000)
    citations: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    comment: str = Field(default="", max_length=2000)


class OkResponse(BaseModel):
    ok: bool = True


class TokenResponse(BaseModel):
    token: str = Field(description="新的嵌入令牌（X-Embed-Token）/ a fresh widget token for X-Embed-Token")
    expires_in: int = Field(description="有效期（秒）/ lifetime in seconds")


# -- OpenAI-compatible ---------------------------------------------------------
class ContentPart(_In):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(_In):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None


class ChatRequest(_In):
    """OpenAI chat-completions request. Sampling fields (temperature, max_tokens, …) are accepted
    and ignored: answers are always grounded and checked."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"model": "policy-qa", "messages": [{"role": "user", "content": "重庆这个方案是哪个部门印发的？"}]},
        {"model": "policy-qa", "stream": True, "messages": [
            {"role": "system", "content": "ignored"},
            {"role": "user", "content": "四川“十四五”节能减排的主要目标是什么？"}]},
    ]})
    model: str = "policy-qa"
    messages: list[ChatMessage] = Field(min_length=1, max_length=2 * MAX_TURNS + 2)
    stream: bool = False
    doc_ids: list[str] | None = Field(default=None, max_length=MAX_DOC_IDS,
                                      description="Extension: " + _DOC_IDS)


class ChatChoiceMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatChoiceMessage
    finish_reason: str = "stop"


class ChatResponse(BaseModel):
    """OpenAI chat.completion, plus `citations` (the checked clause citations) and `policy_qa`
    (refused / extractive / rewritten_question). The text ends with a 来源 list."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: dict[str, int]
    citations: list[CitationOut]
    policy_qa: dict[str, Any]
