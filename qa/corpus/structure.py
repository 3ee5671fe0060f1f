"""Clause-aware structure of a normalised policy document.

A document's normalised text (one paragraph per line, see :mod:`qa.corpus.normalize`) is cut into

* the *front*: everything before the first section heading (一、) or clause (（一）): an optional
  cover letter (通知 / 函), the title line, and the preamble (序言);
* *sections* (一、总体要求): the heading line is a header, not a unit; body text under a section
  before its first clause is a unit labelled by the section (``二、``);
* *clauses* (（五）…): one unit each, sub-items (1. 2.) included; where the numbering restarts per
  section the label carries the section: ``三、（一）``.

Headers are the title line and the section heading lines (:attr:`Document.header_spans`). Units and
headers partition the normalised text: between them there is only line breaks, so nothing is lost.
A document without any section or clause becomes one unit per paragraph (``第1段`` …) and a warning.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from qa.corpus.normalize import (
    _DATE_LINE_RE,
    _DOCNO_LINE_RE,
    MappedText,
    _is_signature_line,
    is_title_line,
    normalize_mapped,
)
from qa.errors import CorpusError

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SECTION_LINE_RE = re.compile(r"^([一二三四五六七八九十]{1,3})、(.*)$")
_CLAUSE_LINE_RE = re.compile(r"^（([一二三四五六七八九十百]{1,4})）(.*)$")
_MAX_HEADING = 40
_OPENERS = "（〔【["
_CLOSERS = "）〕】]"
_ROLE_RE = re.compile(
    r"(?:等部门|等单位|等)?按?(?:职责分工负责|职责负责|分工负责|负责落实|牵头负责|牵头|配合|负责|参与)$"
)
_REGION_RE = re.compile(r"^(.{1,8}?(?:省|自治区|市|自治州|州|盟|地区|县|区))")


@dataclass(frozen=True)
class Unit:
    """One citable unit: a clause, a section body, the cover letter, the preamble or a paragraph."""

    label: str  # （五） | 三、（一） | 二、 | 通知 | 函 | 序言 | 第3段
    kind: str  # cover | preamble | section | clause | paragraph
    section: str  # e.g. "三、推进节能降碳重点工程" ('' if none)
    heading: str  # clause heading (text up to the first '。', or the heading line)
    departments: tuple[str, ...]  # from the trailing （…按职责分工负责） parenthesis
    text: str  # normalised text, == Document.text[start:end]
    start: int
    end: int
    original: str  # the raw source text this unit came from


@dataclass(frozen=True)
class Document:
    """A parsed document: metadata, normalised and original text, units."""

    doc_id: str
    path: str
    title: str
    issuer: str
    doc_number: str
    date: str  # ISO yyyy-mm-dd, '' if none
    region: str
    content_hash: str  # sha256 of the raw file bytes (of the UTF-8 text for parse_text)
    text: str  # normalised full text
    original: str  # raw decoded text
    units: tuple[Unit, ...]
    warnings: tuple[str, ...] = ()
    #: ``(start, end)`` of the header lines (title, section headings) that belong to no unit.
    header_spans: tuple[tuple[int, int], ...] = field(default=())

    @property
    def clauses(self) -> tuple[Unit, ...]:
        """The units of kind ``clause``."""
        return tuple(u for u in self.units if u.kind == "clause")


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


@dataclass
class _Draft:
    """A unit under construction (offsets only; text is cut at the end)."""

    label: str
    kind: str
    section: str
    heading: str
    start: int
    end: int
    section_label: str = ""


# ---------------------------------------------------------------- small helpers
def cn_to_int(numeral: str) -> int | None:
    """Chinese numeral (一 … 九十九, 一百) to int; None if it is not a well-formed numeral."""
    if numeral == "一百":
        return 100
    if not numeral or any(ch not in _CN_DIGITS and ch != "十" for ch in numeral):
        return None
    if "十" not in numeral:
        return _CN_DIGITS[numeral] if len(numeral) == 1 else None
    tens, _, ones = numeral.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _split_lines(text: str) -> list[_Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def _section_parts(line: str) -> tuple[str, str, int] | None:
    """``(label, heading, header_length)`` if ``line`` is a section heading line, else None."""
    m = _SECTION_LINE_RE.match(line)
    if not m or cn_to_int(m.group(1)) is None:
        return None
    rest = m.group(2)
    cut = rest.find("。")
    heading = rest if cut < 0 else rest[:cut]
    if not heading.strip() or len(heading) > _MAX_HEADING or "，" in heading:
        return None
    header_len = len(line) if cut < 0 else len(m.group(1)) + 1 + cut + 1
    return f"{m.group(1)}、", heading.strip(), header_len


def _clause_parts(line: str) -> tuple[str, int, str] | None:
    """``(numeral, number, heading)`` if ``line`` starts a clause, else None."""
    m = _CLAUSE_LINE_RE.match(line)
    if not m:
        return None
    number = cn_to_int(m.group(1))
    if number is None:
        return None
    rest = m.group(2).strip()
    cut = min((i for i in (rest.find("。"), rest.find("；")) if i >= 0), default=-1)
    heading = rest if cut < 0 else rest[:cut]
    if len(heading) > _MAX_HEADING:
        heading = heading[:_MAX_HEADING] + "…"
    return m.group(1), number, heading


def _is_structural(line: str) -> bool:
    return _section_parts(line) is not None or _clause_parts(line) is not None


# ---------------------------------------------------------------- departments
def _split_top_level(text: str, sep: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def _clean_department(name: str) -> str:
    name = name.strip(" 　，、。")
    # 市发展改革委（市发展改革委（市能源局）） → 市发展改革委（市能源局）
    name = re.sub(r"^(.+?)（\1（(.+)））$", r"\1（\2）", name)
    while name and name[-1] in _CLOSERS and name.count(name[-1]) > name.count(_OPENERS[_CLOSERS.index(name[-1])]):
        name = name[:-1]
    while name and name[0] in _OPENERS and name.count(name[0]) > name.count(_CLOSERS[_OPENERS.index(name[0])]):
        name = name[1:]
    return re.sub(r"等$", "", name).strip()


def trailing_parenthesis(text: str) -> str | None:
    """The inside of the responsibility parenthesis at the end of a clause, if any."""
    body = text.rstrip()
    if not body or body[-1] not in _CLOSERS:
        return None
    for p in range(len(body) - 1, -1, -1):
        if body[p] not in _OPENERS:
            continue
        before = body[:p].rstrip(" ")
        if before and before[-1] not in "。；！？\n":
            continue
        inner = body[p + 1 : -1]
        if re.search(r"负责|牵头|配合", inner):
            return inner
    return None


def parse_departments(text: str) -> tuple[str, ...]:
    """Departments named in the trailing '（…按职责分工负责）' / '（…牵头，…配合）' of a clause."""
    inner = trailing_parenthesis(text)
    if inner is None:
        return ()
    names: list[str] = []
    for part in re.split(r"[，,；;。]", inner):
        part = part.strip()
        role = _ROLE_RE.search(part)
        if not role:
            continue
        for name in _split_top_level(part[: role.start()], "、"):
            name = _clean_department(name)
            if name and name not in names:
                names.append(name)
    return tuple(names)


# ---------------------------------------------------------------- metadata
def _iso_date(line: str) -> str:
    m = re.match(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", line)
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else ""


def _region(title: str, issuer: str) -> str:
    for name in (title, issuer):
        name = re.sub(r"^关于(?:印发)?《?", "", name)
        m = _REGION_RE.match(name)
        if m and not name.startswith(("关于", "《")):
            return m.group(1)
    return ""


def _issuer(cover: list[_Line]) -> str:
    for i, line in enumerate(cover):
        pos = line.text.find("关于")
        if pos < 0 or not is_title_line(line.text):
            continue
        if pos > 0:
            return line.text[:pos]
        if pos == 0 and i > 0 and _is_signature_line(cover[i - 1].text):
            return cover[i - 1].text
    names = [t for line in cover if _is_signature_line(line.text) for t in line.text.split(" ")]
    return "、".join(dict.fromkeys(names))


# ---------------------------------------------------------------- the parser
@dataclass
class _Front:
    title: str = ""
    title_line: _Line | None = None
    cover: list[_Line] = field(default_factory=list)
    preamble: list[_Line] = field(default_factory=list)


def _split_front(front: list[_Line]) -> _Front:
    """Cover letter, title line and preamble of the lines before the first section/clause."""
    titles = [i for i, line in enumerate(front) if is_title_line(line.text) and not line.text.startswith("关于")]
    if not titles:
        titles = [i for i, line in enumerate(front) if is_title_line(line.text)]
    if not titles and front and len(front[0].text) <= _MAX_HEADING and not re.search("[。，；]", front[0].text):
        titles = [0]
    if not titles:
        return _Front(preamble=list(front))
    t = titles[-1]
    return _Front(front[t].text, front[t], front[:t], front[t + 1 :])


def _cover_label(cover: list[_Line]) -> str:
    return "函" if any(re.search(r"函》?$", line.text) for line in cover) else "通知"


def _body_drafts(lines: list[_Line], warnings: list[str]) -> tuple[list[_Draft], list[tuple[int, int]]]:
    """Units and header spans of the body (lines from the first section/clause on)."""
    drafts: list[_Draft] = []
    headers: list[tuple[int, int]] = []
    section_label = section = ""
    numbers: list[int] = []
    for line in lines:
        sec = _section_parts(line.text)
        if sec:
            section_label, heading, header_len = sec
            section = f"{section_label}{heading}"
            headers.append((line.start, line.start + header_len))
            if header_len < len(line.text):
                drafts.append(_Draft(section_label, "section", section, heading, line.start + header_len, line.end))
            else:
                drafts.append(_Draft(section_label, "section", section, heading, -1, -1))  # opened lazily
            continue
        cl = _clause_parts(line.text)
        if cl:
            numeral, number, heading = cl
            numbers.append(number)
            drafts.append(_Draft(f"（{numeral}）", "clause", section, heading, line.start, line.end, section_label))
            continue
        current = drafts[-1]
        if current.start < 0:
            current.start = line.start
        current.end = line.end
    drafts = [d for d in drafts if d.start >= 0]
    restarts = any(b <= a for a, b in zip(numbers, numbers[1:], strict=False))
    gaps = [(a, b) for a, b in zip(numbers, numbers[1:], strict=False) if b != a + 1 and b != 1]
    for a, b in gaps:
        warnings.append(f"clause numbering jumps from {a} to {b}")
    if restarts:
        for d in drafts:
            if d.kind == "clause":
                d.label = f"{d.section_label}{d.label}"
    return drafts, headers


def _unique_labels(drafts: list[_Draft]) -> None:
    seen: dict[str, int] = {}
    for d in drafts:
        n = seen.get(d.label, 0) + 1
        seen[d.label] = n
        if n > 1:
            d.label = f"{d.label}#{n}"


def _front_drafts(front: _Front) -> tuple[list[_Draft], list[tuple[int, int]]]:
    drafts: list[_Draft] = []
    headers: list[tuple[int, int]] = []
    if front.cover:
        heading = next((ln.text for ln in front.cover if "关于" in ln.text and is_title_line(ln.text)), "")
        label = _cover_label(front.cover)
        drafts.append(_Draft(label, "cover", "", heading, front.cover[0].start, front.cover[-1].end))
    if front.title_line is not None:
        headers.append((front.title_line.start, front.title_line.end))
    if front.preamble:
        drafts.append(_Draft("序言", "preamble", "", "", front.preamble[0].start, front.preamble[-1].end))
    return drafts, headers


def _paragraph_drafts(lines: list[_Line]) -> tuple[list[_Draft], list[tuple[int, int]], str]:
    headers: list[tuple[int, int]] = []
    title = ""
    if len(lines) > 1 and (is_title_line(lines[0].text) or (
            len(lines[0].text) <= _MAX_HEADING and not re.search("[。，；]", lines[0].text))):
        title = lines[0].text
        headers.append((lines[0].start, lines[0].end))
        lines = lines[1:]
    drafts = [_Draft(f"第{i}段", "paragraph", "", "", ln.start, ln.end) for i, ln in enumerate(lines, 1)]
    return drafts, headers, title


def parse_text(text: str, doc_id: str, path: str = "") -> Document:
    """Parse a decoded document into a :class:`Document` (raises :class:`CorpusError` if empty)."""
    name = path or doc_id
    if not isinstance(text, str):
        raise CorpusError(name, f"expected text, got {type(text).__name__}")
    mapped = normalize_mapped(text)
    norm = mapped.text
    lines = _split_lines(norm)
    if not lines:
        raise CorpusError(name, "the document is empty (no text after normalisation)",
                          hint="check that the file has a text layer and is not only web-page chrome")
    warnings: list[str] = []
    first = next((i for i, ln in enumerate(lines) if _is_structural(ln.text)), None)
    front = _Front()
    if first is None:
        drafts, headers, title = _paragraph_drafts(lines)
        warnings.append(f"{name}: no sections (一、) or clauses (（一）) found; "
                        f"split into {len(drafts)} paragraph unit(s)")
    else:
        front = _split_front(lines[:first])
        drafts, headers = _front_drafts(front)
        body, body_headers = _body_drafts(lines[first:], warnings)
        drafts += body
        headers += body_headers
        title = front.title
        if not title:
            warnings.append(f"{name}: no title line found; using the file name")
    _unique_labels(drafts)
    units = tuple(_make_unit(d, norm, text, mapped) for d in drafts)
    issuer = _issuer(front.cover)
    cover_lines = [ln.text for ln in front.cover]
    doc_number = next((t for t in cover_lines if _DOCNO_LINE_RE.match(t)), "")
    date = next((_iso_date(t) for t in reversed(cover_lines) if _DATE_LINE_RE.match(t)), "")
    title = title or doc_id
    return Document(
        doc_id=doc_id, path=path, title=title, issuer=issuer, doc_number=doc_number, date=date,
        region=_region(title, issuer), content_hash=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        text=norm, original=text, units=units, warnings=tuple(warnings), header_spans=tuple(headers),
    )


def _make_unit(d: _Draft, norm: str, original: str, mapped: MappedText) -> Unit:
    body = norm[d.start : d.end]
    s, e = mapped.source_span(d.start, d.end)
    departments = parse_departments(body) if d.kind in ("clause", "section") else ()
    return Unit(d.label, d.kind, d.section, d.heading, departments, body, d.start, d.end, original[s:e])
