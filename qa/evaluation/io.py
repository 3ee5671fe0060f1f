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
