"""Text normalisation that keeps meaning, citable numbers and a map back to the source.

Every step is a substitution on a :class:`MappedText`, which carries, for each character of the
current text, the span of the original text it came from. So a quote cut from the normalised text
can always be traced back to the raw source (``MappedText.source_span``).

Steps, in order (see :func:`normalize_mapped`):

1. control characters: CR/LF unified, form feeds and other line separators become ``\\n``, other
   control / zero-width characters dropped, tabs and odd spaces become plain spaces;
2. characters: PDF-font stand-ins (``ꎬ``→``，``, ``ꎮ``→``。``, private-use ``.``/``·``),
   ``«»``→``《》``, full-width digits, Latin letters and ``％`` to ASCII, half-width ``( ) , : ;`` in
   Chinese text to full-width;
3. noise: markdown ``**``, web-page chrome (``【字体：大 中 小】``, ``发布时间：…`` lines, ``打印``),
   the English word `` and `` between Chinese characters (→``和``);
4. spaces: removed except between two Chinese characters or two ASCII words (one space kept);
5. lines: stripped, empty lines dropped, lines broken mid-sentence (page breaks, fixed-width PDF
   lines) re-joined; one paragraph per line in the result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RE = re.compile(f"[{HAN}]")

#: Private-use / Yi-syllable characters that PDF fonts use for punctuation (seen in 川府发 PDFs).
_FONT_STANDINS = {
    "\ua3ac": "，",  # ꎬ
    "\ua3ae": "。",  # ꎮ
    "\ua3bb": "；",  # ꎻ
    "\ua3ba": "：",  # ꎺ
    "\ua3a1": "！",  # ꎡ
    "\ua3bf": "？",  # ꎿ
    "\U001001b0": ".",  # 􀆰 decimal point
    "\U00100170": "·",  # 􀅰 middle dot
}
_YI_RE = re.compile("[\ua000-\ua48f]")
_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_ODD_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

# Sentence-final characters: a line ending in one of them ends a paragraph.
_TERMINAL = "。！？；：!?;…"
_OPEN = "（《“〔【[‘「『"
_CLOSE = "）》”〕】]’」』"
_SECTION_RE = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_CLAUSE_RE = re.compile(r"^[（(]\s*[一二三四五六七八九十百]{1,4}\s*[）)]")
_DATE_LINE_RE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_DOCNO_LINE_RE = re.compile(r"^[\u4e00-\u9fff]{1,10}[〔\[［(（]\d{4}[〕\]］)）]\d+号$")
_DOC_TYPES = (
    "方案|通知|函|意见|办法|规定|规划|计划|决定|细则|纲要|条例|措施|要点|公告|通告|报告|指南|批复|决议|实施意见"
)
_TITLE_LINE_RE = re.compile(rf"^[^，。；：！？,;:]{{2,60}}(?:{_DOC_TYPES})》?$")
_ORG_TOKEN_RE = re.compile(r"^\S{2,30}(?:局|委员会|委|厅|政府|部门|办公室|办|中心|集团|公司|院|所)$")
_CHROME_LINE_RE = re.compile(
    r"^(?:(?:发布时间|发布日期|信息来源|来源|浏览次数|浏览|点击数|点击量|阅读次数|作者)\s*[:：].*"
    r"|打印|关闭|打印本页|关闭窗口|返回顶部|分享到?|扫一扫在手机打开当前页|【?字体\s*[:：]?\s*大\s*中\s*小\s*】?)$"
)
_CHROME_INLINE_RE = re.compile(r"【\s*字体\s*[:：]?\s*大\s*中\s*小\s*】")


@dataclass
class MappedText:
    """Text plus, per character, the ``[start, end)`` span of the source text it came from."""

    text: str
    starts: list[int]
    ends: list[int]
    source_len: int

    @classmethod
    def identity(cls, text: str) -> MappedText:
        """Wrap a source text: each character maps to itself."""
        n = len(text)
        return cls(text, list(range(n)), list(range(1, n + 1)), n)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span ``[s, e)`` that normalised ``[start, end)`` came from."""
        if end <= start:
            pos = self.starts[start] if start < len(self.text) else self.source_len
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def sub(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> MappedText:
        """Like ``re.sub``; replaced characters map to the whole matched source span.

        A replacement of the same length as its match maps character by character.
        """
        text, starts, ends = self.text, self.starts, self.ends
        out: list[str] = []
        new_starts: list[int] = []
        new_ends: list[int] = []
        pos = 0
        for m in pattern.finditer(text):
            a, b = m.span()
            out.append(text[pos:a])
            new_starts.extend(starts[pos:a])
            new_ends.extend(ends[pos:a])
            r = repl if isinstance(repl, str) else repl(m)
            if len(r) == b - a:
                new_starts.extend(starts[a:b])
                new_ends.extend(ends[a:b])
            elif r:
                s = starts[a] if a < b else (ends[a - 1] if a else 0)
                e = ends[b - 1] if a < b else s
                new_starts.extend([s] * len(r))
                new_ends.extend([e] * len(r))
            out.append(r)
            pos = b
        out.append(text[pos:])
        new_starts.extend(starts[pos:])
        new_ends.extend(ends[pos:])
        return MappedText("".join(out), new_starts, new_ends, self.source_len)

    def translate(self, table: dict[str, str]) -> MappedText:
        """Replace single characters by strings (``table`` keys are single characters)."""
        if not any(ch in self.text for ch in table):
            return self
        pattern = re.compile("|".join(re.escape(k) for k in table))
        return self.sub(pattern, lambda m: table[m.group()])

    def slice(self, start: int, end: int) -> MappedText:
        """The sub-text ``[start, end)`` with its map."""
        return MappedText(self.text[start:end], self.starts[start:end], self.ends[start:end], self.source_len)

    @classmethod
    def join(cls, parts: Iterable[tuple[MappedText, str]], source_len: int) -> MappedText:
        """Concatenate ``(part, separator_after)`` pairs; a separator maps to the end of its part."""
        text: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for part, sep in parts:
            text.append(part.text)
            starts.extend(part.starts)
            ends.extend(part.ends)
            if sep:
                anchor = part.ends[-1] if part.ends else (ends[-1] if ends else 0)
                text.append(sep)
                starts.extend([anchor] * len(sep))
                ends.extend([anchor] * len(sep))
        return cls("".join(text), starts, ends, source_len)


# ---------------------------------------------------------------- character-level steps
_CRLF_RE = re.compile(r"\r\n")
_LINE_BREAK_RE = re.compile(f"[{_LINE_BREAKS}]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u200b-\u200f\u2060-\u2064\ufeff\ufffe\uffff]")
_ODD_SPACE_RE = re.compile(f"[{_ODD_SPACES}]")
_FULLWIDTH_RE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05\uff0e\uff0b\uff0d\uff0f]")
_AND_RE = re.compile(rf"(?<=[{HAN}])(?: +and *| *and +)(?=[{HAN}])")
_MARKDOWN_RE = re.compile(r"\*\*+")
_HALF_PAREN_RE = re.compile(r"[()]")
_HALF_PUNCT_RE = re.compile(rf"(?<=[{HAN}）》”])[,:;]|[,:;](?=[{HAN}（《“])")
_FULL_PUNCT = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}
_SPACES_RE = re.compile(r" +")


def _control_step(mt: MappedText) -> MappedText:
    mt = mt.sub(_CRLF_RE, "\n")
    mt = mt.sub(_LINE_BREAK_RE, "\n")
    mt = mt.sub(_CONTROL_RE, "")
    return mt.sub(_ODD_SPACE_RE, " ")


def _character_step(mt: MappedText) -> MappedText:
    table = dict(_FONT_STANDINS)
    if _YI_RE.search(mt.text.translate({ord(k): None for k in table})):
        # Real Yi text: the Yi-syllable stand-ins are letters there, not punctuation.
        table = {k: v for k, v in table.items() if not _YI_RE.match(k)}
    table.update({"«": "《", "»": "》"})
    mt = mt.translate(table)
    mt = mt.sub(_FULLWIDTH_RE, lambda m: chr(ord(m.group()) - 0xFEE0))
    mt = mt.sub(_HALF_PAREN_RE, lambda m: _FULL_PUNCT[m.group()])
    return mt.sub(_HALF_PUNCT_RE, lambda m: _FULL_PUNCT[m.group()])


def _noise_step(mt: MappedText) -> MappedText:
    mt = mt.sub(_MARKDOWN_RE, "")
    mt = mt.sub(_CHROME_INLINE_RE, "")
    return mt.sub(_AND_RE, "和")


def _space_repl(m: re.Match[str]) -> str:
    text = m.string
    before = text[m.start() - 1] if m.start() else ""
    after = text[m.end()] if m.end() < len(text) else ""
    if before and after and _HAN_RE.match(before) and _HAN_RE.match(after):
        return " "
    if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
        return " "
    return ""


def _space_step(mt: MappedText) -> MappedText:
    return mt.sub(_SPACES_RE, _space_repl)


# ---------------------------------------------------------------- line-level step
def is_title_line(line: str) -> bool:
    """A document or cover-letter title: ends with a document type (方案, 通知, 函…), no sentence."""
    return bool(_TITLE_LINE_RE.match(line)) and not line.startswith("附件") and not is_structure_start(line)


def is_structure_start(line: str) -> bool:
    """Starts with a section marker (一、) or a clause marker (（一）)."""
    return bool(_SECTION_RE.match(line) or _CLAUSE_RE.match(line))


def _is_signature_line(line: str) -> bool:
    if len(line) > 60 or any(ch in line for ch in "、，。；：,;:"):
        return False
    return all(len(t) <= 20 and _ORG_TOKEN_RE.match(t) for t in line.split(" "))


def _is_bracketed_note(line: str) -> bool:
    return len(line) <= 30 and line[:1] in "（〔【" and line[-1:] in "）〕】"


def _is_heading(line: str) -> bool:
    """A section or clause heading on its own line (一、总体要求 / （一）指导思想)."""
    return len(line) <= 30 and is_structure_start(line) and "。" not in line


def _stands_alone(line: str) -> bool:
    """Lines not joined to a neighbour: headings, titles, dates, numbers, signatures, notes."""
    return _is_heading(line) or bool(
        _DATE_LINE_RE.match(line)
        or _DOCNO_LINE_RE.match(line)
        or (is_title_line(line) and not _unbalanced(line))
        or _is_signature_line(line)
        or _is_bracketed_note(line)
    )


def _depth(line: str, depth: int = 0) -> int:
    """Open brackets and quotes after ``line``, starting from ``depth`` (closers never go below 0)."""
    for ch in line:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
    return depth


def _unbalanced(line: str) -> bool:
    """An opening bracket or quote that the line does not close."""
    return _depth(line) > 0


#: Longer paragraphs are never headings, titles, dates, numbers, signatures or notes, so the join
#: decision needs only their length, last character and bracket depth (kept as lines are added).
_SHORT_PARAGRAPH = 200


class _Paragraph:
    """The output line being built, summarised so that adding a line costs only that line."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.depth = 0
        self.last = ""

    def add(self, text: str) -> None:
        self.depth = _depth(text, self.depth)
        self.length += len(text)
        if text:
            self.last = text[-1]
        if self.length <= _SHORT_PARAGRAPH:
            self.parts.append(text)

    @property
    def text(self) -> str | None:
        """The paragraph, while it is short enough to be a heading, title… (else None)."""
        return "".join(self.parts) if self.length <= _SHORT_PARAGRAPH else None


def _should_join(prev: _Paragraph, nxt: str) -> bool:
    """Whether ``nxt`` continues the sentence that the paragraph ``prev`` broke off."""
    short = prev.text
    if prev.last in _TERMINAL or is_structure_start(nxt) or (short is not None and _is_heading(short)):
        return False
    if prev.depth > 0:
        return True
    if (short is not None and _stands_alone(short)) or _stands_alone(nxt):
        return False
    return prev.last in "，、,“《（" or prev.length >= 20


def _line_step(mt: MappedText) -> MappedText:
    lines: list[MappedText] = []
    pos = 0
    for raw in mt.text.split("\n"):
        a, b = pos, pos + len(raw)
        pos = b + 1
        while a < b and mt.text[a] == " ":
            a += 1
        while b > a and mt.text[b - 1] == " ":
            b -= 1
        if a == b or _CHROME_LINE_RE.match(mt.text[a:b]):
            continue
        lines.append(mt.slice(a, b))
    parts: list[tuple[MappedText, str]] = []
    paragraph = _Paragraph()  # the output line built so far: join decisions look at all of it
    for i, line in enumerate(lines):
        paragraph.add(line.text)
        if i + 1 == len(lines):
            parts.append((line, ""))
            break
        nxt = lines[i + 1].text
        last = paragraph.last
        if not _should_join(paragraph, nxt):
            sep = "\n"
        elif last.isascii() and last.isalnum() and nxt[0].isascii() and nxt[0].isalnum():
            sep = " "
        else:
            sep = ""
        parts.append((line, sep))
        if sep == "\n":
            paragraph = _Paragraph()
        else:
            paragraph.add(sep)
    return MappedText.join(parts, mt.source_len)


def normalize_mapped(text: str) -> MappedText:
    """Normalise ``text`` and keep the map from normalised to original offsets."""
    mt = MappedText.identity(text)
    for step in (_control_step, _character_step, _noise_step, _space_step, _line_step,
                 _character_step, _noise_step, _space_step):  # again: joined lines make new neighbours
        mt = step(mt)
    return mt


def normalize(text: str) -> str:
    """The normalised form of ``text`` (what documents, chunks and quotes are compared in)."""
    return normalize_mapped(text).text
