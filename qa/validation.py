"""Edge validation of user text: one set of rules for the CLI, batch files, the HTTP API and the page.

Every front end calls these once, where text enters the system; what passes is a clean ``str``
(NFC, stripped) that the rest of the package can encode, log and show. A failure is an
:class:`InputError` whose message says what is wrong and where, without echoing the bad text
(a lone surrogate cannot even be printed).
"""

from __future__ import annotations

import re
import unicodedata

from qa.errors import InputError

#: C0 controls other than tab, line feed and carriage return, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Lone UTF-16 surrogates (not text; cannot be encoded as UTF-8) and Unicode noncharacters.
_INVALID = re.compile("[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def check_text(value: object, what: str, *, max_chars: int | None = None, allow_empty: bool = False,
               too_long_hint: str | None = None) -> str:
    """``value`` as clean text: a string of valid Unicode without control characters, NFC-normalised,
    stripped, non-empty (unless ``allow_empty``), at most ``max_chars`` characters.

    ``what`` names the field in messages, Chinese / English: ``"问题 / the question"``.
    """
    zh, _, en = what.partition(" / ")
    en = en or zh
    if not isinstance(value, str):
        raise InputError(f"{zh}必须是文本 / {en} must be a string")
    bad = _INVALID.search(value)
    if bad:
        raise InputError(f"{zh}含有无效的 Unicode 字符（第 {bad.start() + 1} 个字符，U+{ord(bad.group()):04X}）/ "
                         f"{en} contains invalid Unicode (character {bad.start() + 1})",
                         hint="以 UTF-8 重新输入或保存文本 / re-enter or re-save the text as UTF-8")
    bad = _CONTROL.search(value)
    if bad:
        raise InputError(f"{zh}包含控制字符（第 {bad.start() + 1} 个字符），请删除后重试 / "
                         f"{en} contains control characters (character {bad.start() + 1})")
    text = unicodedata.normalize("NFC", value).strip()
    if not text and not allow_empty:
        raise InputError(f"{zh}为空，请输入内容 / {en} is empty")
    if max_chars is not None and len(text) > max_chars:
        raise InputError(f"{zh}过长（{len(text)} 字），请控制在 {max_chars} 字以内 / {en} too long "
                         f"({len(text)} > {max_chars} characters)", hint=too_long_hint)
    return text


def validate_question(question: object, max_chars: int) -> str:
    """The question, stripped; InputError (with a Chinese message) when it cannot be asked."""
    return check_text(question, "问题 / the question", max_chars=max_chars,
                      too_long_hint="缩短问题，或调大 max_question_chars 设置 / shorten it or raise max_question_chars")


def safe_text(value: str) -> str:
    """``value`` with lone surrogates and noncharacters replaced by U+FFFD (for messages and logs)."""
    return _INVALID.sub("\ufffd", value)


def first_invalid(value: object, where: str = "body", depth: int = 0) -> str | None:
    """Where in a parsed JSON value (dicts, lists, strings) the first invalid Unicode is, else None."""
    if isinstance(value, str):
        return where if _INVALID.search(value) else None
    if depth > 32:
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and _INVALID.search(k):
                return f"{where} 的键 / a key of {where}"
            found = first_invalid(v, f"{where}.{k}", depth + 1)
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            found = first_invalid(v, f"{where}[{i}]", depth + 1)
            if found:
                return found
    return None
