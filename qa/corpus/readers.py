"""Reading files: formats (.txt .md .html .docx .pdf), encodings, and whole folders.

Every failure is a :class:`CorpusError` naming the file and the reason; :func:`load_corpus` collects
them and goes on with the other files.
"""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qa.corpus.structure import Document, parse_text
from qa.errors import CorpusError

TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"}
_CONVERT_HINTS = {
    ".doc": "save it as .docx (Word: File → Save As → .docx)",
    ".wps": "save it as .docx",
    ".rtf": "save it as .docx or .txt",
    ".xls": "export the text to .txt",
    ".xlsx": "export the text to .txt",
    ".ofd": "export it to PDF with a text layer",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAX_CONTROL_SHARE = 0.02
_MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    """Hard limits on what one document may cost to read (settings ``max_file_mb`` …).

    A file over a limit is a :class:`CorpusError` raised before the expensive step (the size
    before reading, the zip directory before unzipping, the page count before extracting), so a
    bomb is rejected within seconds and bounded memory; nothing of it reaches the index.
    """

    max_file_bytes: int = 50 * _MB
    max_chars: int = 2_000_000
    max_pdf_pages: int = 2000
    max_unpacked_bytes: int = 200 * _MB
    max_archive_ratio: float = 100.0

    @classmethod
    def from_settings(cls, settings) -> Limits:
        return cls(max_file_bytes=int(settings.max_file_mb * _MB), max_chars=settings.max_document_chars,
                   max_pdf_pages=settings.max_pdf_pages, max_unpacked_bytes=int(settings.max_unpacked_mb * _MB),
                   max_archive_ratio=settings.max_archive_ratio)

    def check_chars(self, n: int, name: str) -> None:
        if n > self.max_chars:
            raise CorpusError(name, f"文本超过 {self.max_chars} 字的上限 / more than {self.max_chars} characters of text",
                              hint="拆分该文件，或调大 max_document_chars / split the file or raise max_document_chars")


DEFAULT_LIMITS = Limits()


@dataclass
class CorpusLoad:
    """The result of loading a folder: parsed documents (sorted by doc_id) and per-file problems."""

    documents: list[Document] = field(default_factory=list)
    problems: list[CorpusError] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """The warnings of all documents (each names its file)."""
        return [w for d in self.documents for w in d.warnings]


# ---------------------------------------------------------------- decoding
def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\x0c")
    return controls > max(2, _MAX_CONTROL_SHARE * len(text))


def _plausible_share(text: str) -> float:
    """Share of characters that ordinary Chinese/English text is made of."""
    if not text:
        return 0.0
    ok = sum(1 for ch in text if (" " <= ch <= "~") or ch in "\n\r\t" or "\u4e00" <= ch <= "\u9fff"
             or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or "\u2000" <= ch <= "\u206f")
    return ok / len(text)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: the byte order whose decoding looks like text."""
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data:
        return None
    best, best_share = None, 0.9
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        share = _plausible_share(text)
        if share > best_share:
            best, best_share = text, share
    return best


def decode_bytes(data: bytes, name: str) -> str:
    """Decode file bytes: BOM, then UTF-8, UTF-16 (no BOM), GB18030, then charset-normalizer."""
    if not data.strip():
        raise CorpusError(name, "the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise CorpusError(name, f"starts with a {encoding} byte-order mark but is not valid {encoding}: {exc}",
                                  hint="re-save the file as UTF-8") from None
            return _checked(text, name)
    candidates: list[Callable[[], str | None]] = [
        lambda: _try(data, "utf-8"), lambda: _utf16_without_bom(data), lambda: _try(data, "gb18030"),
        lambda: _charset_normalizer(data),
    ]
    if b"\x00" in data and _utf16_without_bom(data) is None:
        raise CorpusError(name, "looks like a binary file (NUL bytes), not text",
                          hint="supported: .txt .md .html .docx .pdf")
    decoded_but_binary = False
    for candidate in candidates:
        text = candidate()
        if text is not None and not _looks_binary(text):
            return text
        decoded_but_binary = decoded_but_binary or text is not None
    if decoded_but_binary:
        raise CorpusError(name, "looks like a binary file (control characters), not text",
                          hint="supported: .txt .md .html .docx .pdf")
    raise CorpusError(name, "cannot decode the text (tried UTF-8, UTF-16, GB18030/GBK and detection)",
                      hint="re-save the file as UTF-8")


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _charset_normalizer(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - dependency of the project
        return None
    best = from_bytes(data).best()
    return None if best is None else str(best)


def _checked(text: str, name: str) -> str:
    if _looks_binary(text):
        raise CorpusError(name, "looks like a binary file, not text", hint="supported: .txt .md .html .docx .pdf")
    return text


# ---------------------------------------------------------------- formats
_MD_RULES = (
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),  # headings
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),  # quotes
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links / images → their text
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"^\s*(?:[-*_]\s*){3,}$", re.M), ""),  # rules
)


def markdown_to_text(text: str) -> str:
    """Drop markdown syntax that is not document text (#, >, links, bold, rules)."""
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return text


def html_to_text(data: bytes, name: str) -> str:
    """Visible text of an HTML page; head, script, style, nav, header, footer dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_bytes(data, name), "html.parser")
    for tag in soup(["head", "script", "style", "nav", "noscript", "header", "footer", "iframe", "form", "template"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    return soup.get_text("\n")


def _check_archive(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a zip bomb from its directory alone: total unpacked size and each part's ratio."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise CorpusError(name, f"not a valid .docx file ({type(exc).__name__}: {exc})",
                          hint="open it in Word and save it again as .docx") from None
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        raise CorpusError(name, f"解压后 {total // _MB} MB，超过 {limits.max_unpacked_bytes // _MB} MB 的上限 / "
                          "unpacks to more than max_unpacked_mb", hint="拆分该文件，或调大 max_unpacked_mb")
    for i in infos:
        ratio = i.file_size / max(1, i.compress_size)
        if i.file_size > _MB and ratio > limits.max_archive_ratio:
            raise CorpusError(name, f"{i.filename} 压缩比 {ratio:.0f}:1，超过 {limits.max_archive_ratio:.0f}:1 的上限"
                              f"（疑似压缩炸弹）/ compression ratio above max_archive_ratio (a zip bomb?)",
                              hint="用 Word 重新保存，或调大 max_archive_ratio / re-save it in Word")


def docx_to_text(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """Paragraph and table text of a .docx file, in document order."""
    _check_archive(data, name, limits)
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - dependency of the project
        raise CorpusError(name, f"python-docx is not installed ({exc})", hint="pip install python-docx") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise CorpusError(name, f"not a valid .docx file ({type(exc).__name__}: {exc})",
                          hint="open it in Word and save it again as .docx") from None
    except Exception as exc:  # zipfile.BadZipFile, lxml errors …
        raise CorpusError(name, f"not a valid .docx file ({type(exc).__name__}: {exc})",
                          hint="open it in Word and save it again as .docx") from None
    parts: list[str] = []
    chars = 0
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = ["".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                             for cell in row if cell.tag.endswith("}tc")]
                    parts.append(" ".join(c for c in cells if c))
        if parts:
            chars += len(parts[-1]) + 1
            limits.check_chars(chars, name)
    return "\n".join(parts)


def pdf_to_text(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """Text layer of a PDF (pages separated by blank lines)."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - dependency of the project
        raise CorpusError(name, f"pypdf is not installed ({exc})", hint="pip install pypdf") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise CorpusError(name, "the PDF is encrypted", hint="save an unprotected copy") from None
        if len(reader.pages) > limits.max_pdf_pages:
            raise CorpusError(name, f"{len(reader.pages)} 页，超过 {limits.max_pdf_pages} 页的上限 / more than "
                              "max_pdf_pages pages", hint="拆分该文件，或调大 max_pdf_pages")
        pages, chars = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            chars += len(pages[-1]) + 2
            limits.check_chars(chars, name)
    except CorpusError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise CorpusError(name, f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # pypdf raises many kinds on broken files
        raise CorpusError(name, f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise CorpusError(name, "the PDF has no text layer (scanned image?)",
                          hint="run OCR on it first (e.g. ocrmypdf) or supply the text as .txt")
    return text


def read_text(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> tuple[str, bytes]:
    """The decoded text of a supported file and its raw bytes (raises :class:`CorpusError`)."""
    p = Path(path)
    name = str(p)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        hint = _CONVERT_HINTS.get(suffix, "supported: .txt .md .html .docx .pdf")
        raise CorpusError(name, f"unsupported file type '{suffix or '(none)'}'", hint=hint)
    try:
        size = p.stat().st_size
        if size > limits.max_file_bytes:
            raise CorpusError(name, f"文件 {size // _MB} MB，超过 {limits.max_file_bytes // _MB} MB 的上限 / file larger "
                              "than max_file_mb", hint="拆分该文件，或调大 max_file_mb")
        data = p.read_bytes()
    except FileNotFoundError:
        raise CorpusError(name, "file not found") from None
    except IsADirectoryError:
        raise CorpusError(name, "is a folder, not a file", hint="use `qa corpus list FOLDER`") from None
    except OSError as exc:
        raise CorpusError(name, f"cannot read the file ({exc.strerror or exc})") from None
    if not data.strip():
        raise CorpusError(name, "the file is empty")
    if suffix == ".docx":
        text = docx_to_text(data, name, limits)
    elif suffix == ".pdf":
        text = pdf_to_text(data, name, limits)
    elif suffix in HTML_SUFFIXES:
        text = html_to_text(data, name)
    else:
        text = decode_bytes(data, name)
        text = markdown_to_text(text) if suffix in MARKDOWN_SUFFIXES else text
    limits.check_chars(len(text), name)
    return text, data


def parse_file(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read and parse one file; raises :class:`CorpusError` (empty, binary, undecodable, unsupported,
    over a limit)."""
    text, data = read_text(path, limits)
    doc = parse_text(text, Path(path).stem, str(path))
    return dataclasses.replace(doc, content_hash=hashlib.sha256(data).hexdigest())


def iter_corpus_files(folder: str | Path) -> list[Path]:
    """Files of a folder (recursively), hidden files and folders skipped, sorted."""
    root = Path(folder)
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def load_corpus(folder: str | Path, *, progress: bool | None = None, limits: Limits = DEFAULT_LIMITS) -> CorpusLoad:
    """Parse every file of ``folder``; a bad file becomes a problem and the others go on.

    Documents are sorted by ``doc_id``; two files with the same stem are a problem (ids must be
    unique). A progress bar is shown when ``progress`` (default: stderr is a terminal and >20 files).
    """
    root = Path(folder)
    result = CorpusLoad()
    if not root.is_dir():
        result.problems.append(CorpusError(str(root), "corpus folder not found",
                                           hint="set corpus_dir in qa.toml or QA_CORPUS_DIR"))
        return result
    files = iter_corpus_files(root)
    if progress is None:
        progress = len(files) > 20 and sys.stderr.isatty()
    iterable = files
    if progress:
        from tqdm import tqdm

        iterable = tqdm(files, desc="parsing", unit="file", file=sys.stderr)
    seen: dict[str, Path] = {}
    for path in iterable:
        try:
            doc = parse_file(path, limits)
        except CorpusError as exc:
            result.problems.append(exc)
            continue
        if doc.doc_id in seen:
            result.problems.append(CorpusError(str(path), f"same document id '{doc.doc_id}' as {seen[doc.doc_id]}",
                                               hint="rename one of the files"))
            continue
        seen[doc.doc_id] = path
        result.documents.append(doc)
    if not files:
        result.problems.append(CorpusError(str(root), "the corpus folder has no files"))
    result.documents.sort(key=lambda d: d.doc_id)
    return result
