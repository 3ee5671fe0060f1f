"""JSONL reading with clear errors (line numbers), shared by `qa search --input`, batch and eval."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from qa.errors import InputError


def read_jsonl(path: str | Path, *, require: tuple[str, ...] = ("id", "question")) -> Iterator[dict]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"文件不存在 / file not found: {p}")
    with open(p, encoding="utf-8-sig") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{p}:{lineno}: 不是有效的 JSON / invalid JSON: {exc.msg}") from None
            if not isinstance(row, dict):
                raise InputError(f"{p}:{lineno}: 每行必须是一个 JSON 对象 / each line must be a JSON object")
            missing = [k for k in require if k not in row]
            if missing:
                raise InputError(f"{p}:{lineno}: 缺少字段 / missing field(s): {', '.join(missing)}")
            yield row


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
        self._fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
