"""JSONL reading with clear errors (line numbers), shared by `qa search --input`, batch and eval."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from qa.errors import InputError
from qa.validation import safe_text


def read_jsonl(path: str | Path, *, require: tuple[str, ...] = ("id", "question"),
               unique_ids: bool = True) -> Iterator[dict]:
    """The rows of a JSONL file; InputError (with the line number) for a malformed line and, when
    ``unique_ids``, for ids used twice (compared as strings: ``"1"`` and ``1`` are the same id),
    all before the first row is returned.

    Bytes that are not UTF-8 are kept as lone surrogates, so such a row is an error for that row
    (the edge validation refuses its text) instead of stopping the whole file.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"文件不存在 / file not found: {p}")
    rows: list[dict] = []
    lines_of: dict[str, list[int]] = {}
    with open(p, encoding="utf-8-sig", errors="surrogateescape") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{p}:{lineno}: 不是有效的 JSON / invalid JSON: {exc.msg}") from None
            except RecursionError:
                raise InputError(f"{p}:{lineno}: JSON 嵌套过深 / JSON nested too deeply") from None
            if not isinstance(row, dict):
                raise InputError(f"{p}:{lineno}: 每行必须是一个 JSON 对象 / each line must be a JSON object")
            missing = [k for k in require if k not in row]
            if missing:
                raise InputError(f"{p}:{lineno}: 缺少字段 / missing field(s): {', '.join(missing)}")
            if unique_ids and "id" in row:
                lines_of.setdefault(safe_text(str(row["id"])), []).append(lineno)
            rows.append(row)
    dups = {k: v for k, v in lines_of.items() if len(v) > 1}
    if dups:
        listed = "; ".join(f"id {k!r}: 第 {', '.join(map(str, v))} 行 / lines {', '.join(map(str, v))}"
                           for k, v in list(dups.items())[:10])
        raise InputError(f"{p}: 重复的 id / duplicate ids ({len(dups)}): {listed}",
                         hint="每个问题需要唯一的 id（\"1\" 与 1 视为相同）/ give every row its own id "
                              "(\"1\" and 1 are the same id)")
    yield from rows


def read_results(path: str | Path) -> list[dict]:
    """The complete lines of a results file (``qa batch`` / ``qa eval`` output); [] if none.

    A run killed mid-write can leave a partial last line: it is ignored here (and cut off by
    :func:`truncate_partial_line` before a resumed run appends).
    """
    p = Path(path)
    if not p.is_file():
        return []
    rows: list[dict] = []
    with open(p, encoding="utf-8-sig") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict):
                rows.append(row)
    return rows


def truncate_partial_line(path: str | Path) -> None:
    """Cut an unterminated last line (left by a killed writer) so appended lines stay valid JSONL."""
    p = Path(path)
    if not p.is_file():
        return
    data = p.read_bytes()
    if not data or data.endswith(b"\n"):
        return
    cut = data.rfind(b"\n") + 1
    with open(p, "r+b") as fh:
        fh.truncate(cut)


class JsonlWriter:
    """Append-only JSONL writer that flushes every line, so an interrupted run leaves a valid file."""

    def __init__(self, path: str | Path, *, append: bool) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if append:
            truncate_partial_line(self.path)
        self._fh = open(self.path, "a" if append else "w", encoding="utf-8")

    def write(self, row: dict) -> None:
        line = json.dumps(row, ensure_ascii=False)
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from the input row: keep it, JSON-escaped
            line = json.dumps(row, ensure_ascii=True)
        self._fh.write(line + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_writable(path: str | Path) -> None:
    """InputError unless ``path`` can be written (created if missing; nothing is truncated)."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"输出路径是一个文件夹 / the output is a folder: {p}", hint="give a file name")
    existed = p.exists()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise InputError(f"无法写入输出文件 / cannot write the output {p}: {exc.strerror or exc}",
                         hint="choose a writable --output path (check the folder and its permissions)") from None
    if not existed:
        p.unlink(missing_ok=True)
