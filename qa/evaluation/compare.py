"""`qa eval --compare RUN_A RUN_B`: what changed between two runs, question by question."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from qa.errors import InputError
from qa.evaluation.metrics import METRIC_LABELS, Outcome
from qa.evaluation.report import fmt, fmt_delta, text_table

#: Per-question outcomes whose flips are listed: name → how to read it from an Outcome.
FLIP_CHECKS = {
    "key facts": lambda o: o.key_fact,
    "refusal": lambda o: o.refusal_ok,
    "retrieval@5": lambda o: o.retrieval_hit,
}


@dataclass(frozen=True)
class Flip:
    """One question whose outcome of one check changed between the runs."""

    id: str
    type: str
    check: str
    before: bool
    after: bool

    @property
    def improved(self) -> bool:
        return self.after and not self.before


def load_metrics(run: str, reports_dir: str | Path) -> dict:
    """metrics.json of a run, given its name (under ``reports_dir``) or its folder."""
    folder = Path(run) if Path(run).is_dir() and not (Path(reports_dir) / run).is_dir() else Path(reports_dir) / run
    path = folder / "metrics.json"
    if not path.is_file():
        raise InputError(f"没有找到评测结果 / no metrics.json for run '{run}' ({path})",
                         hint="先运行 `qa eval --run NAME` / run `qa eval --run NAME` first")
    return json.loads(path.read_text(encoding="utf-8"))


def metric_deltas(a: Mapping, b: Mapping) -> list[tuple[str, float | None, float | None]]:
    """(metric, value in A, value in B) for every headline metric."""
    return [(key, a.get(key), b.get(key)) for key in METRIC_LABELS]


def flips(a: Mapping, b: Mapping) -> list[Flip]:
    """Questions (in both runs) whose key-fact, refusal or retrieval outcome changed."""
    before = {q["id"]: Outcome.from_dict(q) for q in a["system"]["questions"]}
    out: list[Flip] = []
    for q in b["system"]["questions"]:
        new = Outcome.from_dict(q)
        old = before.get(new.id)
        if old is None:
            continue
        for check, read in FLIP_CHECKS.items():
            x, y = read(old), read(new)
            if x is not None and y is not None and x != y:
                out.append(Flip(new.id, new.type, check, bool(x), bool(y)))
    return out


def format_comparison(name_a: str, name_b: str, a: Mapping, b: Mapping) -> str:
    """The comparison as text: overall deltas, per-type deltas, flipped questions."""
    sa, sb = a["system"], b["system"]
    rows = [[METRIC_LABELS[k], fmt(k, x), fmt(k, y), fmt_delta(k, x, y)]
            for k, x, y in metric_deltas(sa["overall"], sb["overall"])]
    for field in ("total_ms", "first_token_ms", "retrieve_ms"):
        x, y = sa["latency"][field]["p50"], sb["latency"][field]["p50"]
        delta = "" if x is None or y is None else f"{y - x:+,.0f} ms"
        rows.append([f"{field} p50", _ms(x), _ms(y), delta])
    parts = [f"Comparing {name_a} → {name_b}", "",
             text_table(["metric", name_a, name_b, "Δ"], rows), ""]
    type_rows = []
    for t in sorted(set(sa["by_type"]) | set(sb["by_type"])):
        ma, mb = sa["by_type"].get(t, {}), sb["by_type"].get(t, {})
        cells = [t]
        for k in ("recall_at_5", "key_fact_accuracy", "refusal_accuracy", "false_refusal_rate"):
            cells.append(fmt_delta(k, ma.get(k), mb.get(k)) or "—")
        type_rows.append(cells)
    parts += ["Per type (Δ):",
              text_table(["type", "Recall@5", "Key facts", "Refusal acc", "False refusal"], type_rows), ""]
    changed = flips(a, b)
    if not changed:
        parts.append("No question changed outcome.")
    else:
        better = sum(f.improved for f in changed)
        parts.append(f"Questions that changed outcome ({better} better, {len(changed) - better} worse):")
        parts += [f"  {'+' if f.improved else '-'} {f.id:<8} {f.type:<15} {f.check:<12} "
                  f"{_mark(f.before)} → {_mark(f.after)}" for f in sorted(changed, key=lambda f: (f.id, f.check))]
    return "\n".join(parts)


def _mark(ok: bool) -> str:
    return "ok" if ok else "FAIL"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms"
