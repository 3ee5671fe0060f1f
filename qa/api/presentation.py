"""What the chat page and the widget say about a checked answer, in Chinese (one place for both).

The draft a user watches stream in is the model's text before the citation check; the checked answer
replaces it. When the two differ, the page shows one line saying why (:func:`change_note`).
"""

from __future__ import annotations

import re
from typing import Any

DRAFT_LABEL = "草稿·核对中…"

#: why a checked answer is a refusal (qa.answer.policy reason codes), for the line shown under it
REFUSAL_WHY = {
    "out_of_corpus": "问题涉及的地区或文件不在已收录范围内",
    "weak_evidence": "检索到的条款与问题关系不够紧密，不足以作答",
    "period_not_covered": "已收录文件没有涉及问题所问的时期",
    "year_not_covered": "已收录文件没有给出问题所问年份的内容",
    "not_mentioned": "已收录文件中没有提到所问内容",
    "false_premise": "问题中的前提在文件中找不到",
    "no_figure": "文件只给出了文字表述，没有具体数字",
    "model_refused": "模型判断引用条款中没有答案",
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def change_note(answer: Any, draft: str) -> str:
    """One line saying why the checked answer differs from the draft the user watched ('' if it does
    not, or if there was no draft). `answer`: an Answer, or the API's answer dict."""
    get = (lambda k, d=None: answer.get(k, d)) if isinstance(answer, dict) else (lambda k, d=None: getattr(answer, k, d))
    text = get("answer") if isinstance(answer, dict) else get("text")
    if not _squash(draft) or _squash(draft) == _squash(text or ""):
        return ""
    notes = list(get("notes") or ())
    if get("refused"):
        why = REFUSAL_WHY.get(get("refusal_reason") or "", "引用条款不足以支持草稿中的说法")
        return f"核对后改为说明文件中未找到：{why}。"
    if get("extractive"):
        detail = f"（{notes[0]}）" if notes else ""
        return f"模型草稿中的说法在引用条款中找不到依据{detail}，改为条款原文摘录。"
    if notes:
        return "核对修改了草稿：" + "；".join(notes[:3]) + "。"
    if _squash(text or "").startswith(_squash(draft)):
        return "核对后在草稿之后补充了说明。"
    if _squash(draft).startswith(_squash(text or "")):
        return "核对后删去了草稿末尾没有依据的内容。"
    return "核对后调整了草稿的措辞或引用。"
