"""The alignment as part of the index: ``alignment.json`` in the index version folder.

:func:`alignment_files` is handed to :func:`qa.index.store.write_index` by the index builder, so
every ``qa index build/update/add/remove`` recomputes the alignment from the assembled index (the
clause vectors are the index's own chunk vectors: nothing is embedded again) and it is switched
atomically with the rest of the version. :func:`load_alignment` reads it back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qa.compare.aligner import Aligner, clause_records, decide
from qa.compare.model import AlignParams, Candidate, ClauseRecord
from qa.errors import IndexError_, InputError

ALIGNMENT_FILE = "alignment.json"
FORMAT = 1
REBUILD_HINT = "运行 `qa index update` 生成条款对照 / run `qa index update` to compute the alignment"


def params_from_settings(settings: Any) -> AlignParams:
    d = AlignParams()
    return AlignParams(float(getattr(settings, "align_threshold", d.threshold)),
                       float(getattr(settings, "align_extra_threshold", d.extra_threshold)),
                       float(getattr(settings, "align_extra_ratio", d.extra_ratio)), d.weights)


class Alignment:
    """Clause records, the scored candidates of every (clause, other document) pair, and the links
    decided with ``params``."""

    def __init__(self, records: list[ClauseRecord], candidates: dict[str, dict[str, list[Candidate]]],
                 params: AlignParams) -> None:
        self.records = {r.key: r for r in records}
        self.candidates = candidates
        self.params = params
        self._by_doc: dict[str, list[ClauseRecord]] = {}
        for r in records:
            self._by_doc.setdefault(r.doc_id, []).append(r)

    # -- building ------------------------------------------------------------
    @classmethod
    def compute(cls, documents: dict[str, dict[str, Any]], chunks, vectors, params: AlignParams) -> Alignment:
        records, vecs = clause_records(documents, chunks, vectors)
        return cls(records, Aligner(records, vecs, weights=params.weights).candidates(), params)

    def with_params(self, params: AlignParams) -> Alignment:
        return Alignment(list(self.records.values()), self.candidates, params)

    # -- reading -------------------------------------------------------------
    @property
    def doc_ids(self) -> list[str]:
        return sorted(self._by_doc)

    def clauses(self, doc_id: str) -> list[ClauseRecord]:
        return list(self._by_doc.get(doc_id, []))

    def record(self, key: str) -> ClauseRecord:
        return self.records[key]

    def find(self, doc_id: str, label: str) -> ClauseRecord:
        """A clause by document and label; the label may be written without brackets ("五", "(五)")."""
        want = _norm_label(label)
        for r in self._by_doc.get(doc_id, []):
            if r.label == label or _norm_label(r.label) == want:
                return r
        labels = "、".join(r.label for r in self._by_doc.get(doc_id, []))
        raise InputError(f"文件 {doc_id} 中没有条款 '{label}' / no clause '{label}' in {doc_id}",
                         hint=f"可用的条款 / clauses: {labels}")

    def scored(self, key: str, doc_id: str) -> list[Candidate]:
        return list(self.candidates.get(key, {}).get(doc_id, []))

    def counterparts(self, key: str, doc_id: str) -> list[Candidate]:
        """The counterparts of clause ``key`` in document ``doc_id`` (best first; [] = none)."""
        return decide(self.scored(key, doc_id), self.params)

    def unmatched(self, doc_id: str, other: str) -> list[ClauseRecord]:
        """Clauses of ``doc_id`` with no counterpart in ``other``."""
        return [r for r in self.clauses(doc_id) if not self.counterparts(r.key, other)]

    # -- (de)serialising -----------------------------------------------------
    def to_json(self) -> str:
        links = {k: {d: [c.key for c in decide(cs, self.params)] for d, cs in per.items()}
                 for k, per in self.candidates.items()}
        body = {"format": FORMAT, "params": self.params.to_dict(),
                "clauses": [r.to_dict() for r in self.records.values()],
                "candidates": {k: {d: [c.to_dict() for c in cs] for d, cs in per.items()}
                               for k, per in self.candidates.items()},
                "links": links}
        return json.dumps(body, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str, params: AlignParams | None = None) -> Alignment:
        body = json.loads(text)
        if body.get("format") != FORMAT:
            raise IndexError_(f"条款对照格式版本不符 / alignment format {body.get('format')} (expected {FORMAT})",
                              hint=REBUILD_HINT)
        records = [ClauseRecord.from_dict(d) for d in body["clauses"]]
        cands = {k: {d: [Candidate(**c) for c in cs] for d, cs in per.items()}
                 for k, per in body["candidates"].items()}
        stored = body.get("params", {})
        if params is None:
            base = AlignParams()
            params = AlignParams(float(stored.get("threshold", base.threshold)),
                                 float(stored.get("extra_threshold", base.extra_threshold)),
                                 float(stored.get("extra_ratio", base.extra_ratio)),
                                 tuple(stored.get("weights", base.weights)))
        return cls(records, cands, params)


def _norm_label(label: str) -> str:
    return label.strip().replace("(", "（").replace(")", "）").strip("（）、 ")


def alignment_files(settings: Any) -> Callable[[Any], dict[str, str]]:
    """The ``extra_files`` hook of :func:`qa.index.store.write_index`: the alignment of the index."""
    params = params_from_settings(settings)

    def files(data: Any) -> dict[str, str]:
        alignment = Alignment.compute(data.documents, data.chunks, data.vectors, params)
        return {ALIGNMENT_FILE: alignment.to_json()}

    return files


def load_alignment(index_dir: str | Path, params: AlignParams | None = None) -> Alignment:
    """The alignment stored with the index now in ``index_dir`` (thresholds: ``params``, else those
    it was built with)."""
    from qa.index.store import current_version

    folder = current_version(index_dir) or Path(index_dir)
    path = folder / ALIGNMENT_FILE
    if not path.is_file():
        raise IndexError_(f"索引中没有条款对照 / the index has no clause alignment ({path})", hint=REBUILD_HINT)
    try:
        return Alignment.from_json(path.read_text(encoding="utf-8"), params)
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise IndexError_(f"条款对照文件损坏 / corrupt alignment {path}: {exc}", hint=REBUILD_HINT) from None
