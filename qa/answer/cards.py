"""Document cards: the cover-letter facts of each indexed document, answered without the model.

A card holds the issuing bodies, the document number (文号), the signature date (落款日期), the web
publication date where the source page gives one (发布时间), the recipients (主送单位), the copies (抄送), the
attachment (附件：…), the documents it is based on (根据《…》), the approval it was issued with (已经市政府同意),
and notes such as （本文有删减）. They are read from the document's cover letter
(or preamble) as the index stores it, plus the source file's own header for the publication date; a
metadata question is answered from the card with the cover letter cited — deterministic, instant, and
never a quote of the wrong lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from qa.answer.evidence import _SIGNATURE, cover_numbers
from qa.types import IndexedDocument, IndexedUnit

_DATE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_PUBLISHED = re.compile(r"发布(?:时间|日期)[：:]\s*(20\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})")
_NOTE = re.compile(r"^[（(]([^（）()]{2,12})[）)]$")
_BASIS_SENTENCE = re.compile(r"根据[^。]*")
_BASIS_END = re.compile(r"(?:(?<=要求)|(?<=部署)|(?<=精神))(?=[，,])|[，,](?=制定|我|现|特|结合)")
_TITLE_REF = re.compile(r"《[^《》]{4,60}》(?:（[^（）]*〔\d{4}〕[^（）]*）)?")
#: "为贯彻落实X，…，制定本方案": what the document says it was made for (a preamble that cites no document by title)
_PURPOSE = re.compile(r"为[^。为]{4,240}?[，,]\s*(?:特)?制定本(?:方案|规划|意见|办法)")
_ATTACHMENT = re.compile(r"附件[：:]\s*(\S.*)$")
_APPROVAL = re.compile(r"(?:已)?经[^，。；,\n]{1,14}?(?:同意|批准|审议通过)")
_ABRIDGED = re.compile(r"删减|删节|节选|摘要")
_RELEASE = re.compile(r"公开")  # "（此件公开发布）", "（此件不予公开）": how the document is released
#: what the cover letter tells its recipients to do ("现予以印发，请…执行", "现将《X》印发给你们，请…")
_DIRECTIVE = re.compile(r"现(?:予以|将\s*《[^《》]{2,80}》)?\s*印发(?:给你们)?[\s，,]*请[^。]*。")
_ISSUER_SUFFIX = re.compile(r"(?:局|委员会|厅|委|政府|办公室|中心)$")


@dataclass(frozen=True)
class CardFact:
    """One fact of a card and where it stands (for the citation)."""

    value: str
    quote: str  # the line of the unit that states it
    label: str  # the unit it stands in: 通知 / 函 / 序言
    source_doc: str = ""  # the document it is stated in, when another document states it ('' = this one)


@dataclass(frozen=True)
class DocumentCard:
    doc_id: str
    title: str
    region: str
    issuers: CardFact | None = None
    doc_number: CardFact | None = None
    signed: CardFact | None = None
    published: CardFact | None = None
    recipients: CardFact | None = None
    cc: CardFact | None = None  # "抄送：…", a line of its own in a cover letter
    attachment: CardFact | None = None  # "附件：…", the text the cover letter sends with it
    basis: CardFact | None = None
    purpose: CardFact | None = None  # "为贯彻落实X，…，制定本方案": what it was made for, in the preamble's words
    approval: CardFact | None = None  # "已经市政府同意"
    abridged: CardFact | None = None  # "本文有删减": the published text is not the full document
    release: CardFact | None = None  # "此件公开发布": how the document is released
    directive: CardFact | None = None  # "现予以印发，请遵照执行": what the recipients are told to do with it
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _fmt_date(y: str, m: str, d: str) -> str:
    return f"{int(y)}年{int(m)}月{int(d)}日"


def card_of_document(doc: Any) -> DocumentCard:
    """The card of a parsed document (``qa.corpus`` Document), as `qa corpus inspect` shows it."""
    indexed = IndexedDocument(doc.doc_id, doc.title, doc.region,
                              tuple(IndexedUnit(u.label, u.text, kind=u.kind) for u in doc.units), issuer=doc.issuer)
    return build_card(indexed, head=doc.original[:3000])


def build_card(doc: IndexedDocument, root: Path | None = None, head: str | None = None) -> DocumentCard:
    """The card of one indexed document. ``head``: the start of the source file (read from ``doc.path`` when
    not given), where a web page states its 发布时间."""
    cover = next((u for u in doc.units if u.kind == "cover"), None)
    preamble = next((u for u in doc.units if u.kind == "preamble"), None)
    card: dict[str, Any] = {}
    notes: list[str] = []
    if cover is not None:
        label = cover.label
        lines = [x.strip() for x in cover.text.split("\n") if x.strip()]
        # the document's own number stands on a line of its own (numbers inside sentences are cited ones)
        numbers = cover_numbers(cover.text)
        if numbers:
            number = next(ln for ln in lines if re.sub(r"\s+", "", ln) == numbers[0])
            card["doc_number"] = CardFact(numbers[0], number, label)
        dates = [ln for ln in lines if _DATE.fullmatch(ln.replace(" ", ""))]
        if dates:
            card["signed"] = CardFact(_fmt_date(*_DATE.search(dates[-1]).groups()), dates[-1], label)
        recipient = next((ln for ln in lines if ln.endswith(("：", ":")) and "附件" not in ln
                          and not ln.startswith("抄送")), None)
        cc = next((ln for ln in lines if re.match(r"抄送[：:]", ln)), None)
        attached = next((m for ln in lines if (m := _ATTACHMENT.match(ln))), None)
        if attached:
            card["attachment"] = CardFact(attached.group(1).rstrip("。"), attached.group(0), label)
        if cc:
            card["cc"] = CardFact(re.sub(r"^抄送[：:]\s*", "", cc).rstrip("。"), cc, label)
        if recipient:
            card["recipients"] = CardFact(recipient.rstrip("：:"), recipient, label)
        signature = [ln for ln in lines if _SIGNATURE.match(ln)]
        if signature:
            names = [n for ln in signature for n in ln.split() if _ISSUER_SUFFIX.search(n)]
            card["issuers"] = CardFact("、".join(dict.fromkeys(names)), "\n".join(signature), label)
        notes = [m.group(1) for ln in lines if (m := _NOTE.match(ln))]
        for field_name, kind in (("abridged", _ABRIDGED), ("release", _RELEASE)):  # notes of one kind each
            note = next(((ln, m.group(1)) for ln in lines if (m := _NOTE.match(ln)) and kind.search(m.group(1))), None)
            if note:
                card[field_name] = CardFact(note[1], note[0], label)
        directive = _DIRECTIVE.search(cover.text)
        if directive:
            said = re.sub(r"\s+", "", directive.group(0))
            card["directive"] = CardFact(said.rstrip("。"), directive.group(0), label)
        approval = _APPROVAL.search(cover.text)
        if approval:
            line = next((ln for ln in lines if approval.group(0) in ln), approval.group(0))
            card["approval"] = CardFact(approval.group(0), line, label)
    for unit in (cover, preamble):
        if unit is None or "basis" in card:
            continue
        sentence = _BASIS_SENTENCE.search(unit.text)
        if sentence is None or not _TITLE_REF.search(sentence.group(0)):
            continue
        # the basis as the document words it: from 根据 to the end of what it names ("…决策部署")
        phrase = sentence.group(0)[2:]
        cut = _BASIS_END.search(phrase)
        card["basis"] = CardFact(phrase[:cut.start()] if cut else phrase, sentence.group(0), unit.label)
    for unit in (preamble, cover):
        made = _PURPOSE.search(unit.text) if unit is not None and "purpose" not in card else None
        if made:
            card["purpose"] = CardFact(made.group(0), made.group(0), unit.label)
    if "issuers" not in card and doc.issuer and cover is not None:
        if doc.issuer in cover.text:
            card["issuers"] = CardFact(doc.issuer, doc.issuer, cover.label)
    if head is None:
        path = Path(doc.path)
        if root is not None and not path.is_absolute():
            path = root / path
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:3000] if doc.path else ""
        except OSError:
            head = ""
    published = _PUBLISHED.search(head)
    if published and cover is not None:
        card["published"] = CardFact(_fmt_date(*published.groups()), published.group(0), cover.label)
    return DocumentCard(doc.doc_id, doc.title, doc.region, notes=tuple(notes), **card)


_REFERENCE = r"(?:(?P<issuer>[^，。；、《》]{{2,24}}?)(?:联合)?印发)?《(?:关于印发)?[〈<]?{title}[〉>]?(?:的通知)?》（(?P<number>[^（）]*〔\d{{4}}〕[^（）]*号)）"


def with_references(cards: dict[str, DocumentCard], docs: Sequence[IndexedDocument]) -> dict[str, DocumentCard]:
    """Cards completed from other documents that cite them: a plan without a cover letter gets its 文号
    and issuer from a document that writes "省生态环境厅等七部印发《关于印发〈X〉的通知》（川环发〔2023〕15号）"
    (the fact is cited to the sentence of the document that states it)."""
    out = dict(cards)
    for doc_id, card in cards.items():
        if (card.doc_number is not None and card.issuers is not None) or len(card.title) < 4:
            continue
        pattern = re.compile(_REFERENCE.format(title=re.escape(card.title)))
        for other_doc in docs:
            other = other_doc.doc_id
            if other == doc_id:
                continue
            for unit in other_doc.units:
                m = pattern.search(unit.text)
                if m is None:
                    continue
                sentence = next((x for x in re.split(r"(?<=。)", unit.text) if m.group(0) in x), m.group(0))
                updates: dict[str, CardFact] = {}
                if card.doc_number is None:
                    updates["doc_number"] = CardFact(m.group("number"), sentence, unit.label, other)
                issuer = (m.group("issuer") or "").strip()
                issuer = re.sub(r"^.*(?:）|和|及)", "", issuer)
                if card.issuers is None and issuer:
                    updates["issuers"] = CardFact(issuer, sentence, unit.label, other)
                if updates:
                    card = DocumentCard(**{**{f: getattr(card, f) for f in card.__dataclass_fields__}, **updates})
                    out[doc_id] = card
                break
            if out[doc_id].doc_number is not None and out[doc_id].issuers is not None:
                break
    return out
