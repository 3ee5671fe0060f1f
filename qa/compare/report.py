"""The alignment section of the evaluation: precision/recall against the gold, with the product's
thresholds and with thresholds fitted on each city and reported on the other (``qa compare eval``,
``qa eval``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qa.compare.gold import cross_fit, load_gold, per_city
from qa.compare.store import load_alignment, params_from_settings


def alignment_report(settings: Any, gold_path: str | Path) -> dict[str, Any]:
    gold = load_gold(gold_path)
    params = params_from_settings(settings)
    alignment = load_alignment(settings.index_dir, params)
    product = per_city(alignment.candidates, gold, params)
    return {
        "gold": str(gold_path),
        "params": params.to_dict(),
        "product": {k: v.to_dict() for k, v in product.items()},
        "cross_fit": [cf.to_dict() for cf in cross_fit(alignment.candidates, gold, params)],
    }


def _line(d: dict[str, Any]) -> str:
    none = f", 无对应 {d['none_right']}/{d['none_gold']}" if d["none_gold"] else ""
    return (f"precision {d['precision']:.1%} ({d['correct']}/{d['predicted']})  recall {d['recall']:.1%} "
            f"({d['correct']}/{d['gold']})  F1 {d['f1']:.3f}{none}  [{d['clauses']} clauses]")


def format_alignment_report(report: dict[str, Any]) -> str:
    p = report["params"]
    lines = [f"== 条款对照 alignment vs {report['gold']}",
             f"product thresholds: threshold {p['threshold']}, extra {p['extra_threshold']}, "
             f"ratio {p['extra_ratio']}, weights {p['weights']}"]
    for name, d in report["product"].items():
        lines.append(f"  {name:<32} {_line(d)}")
    for cf in report["cross_fit"]:
        q = cf["params"]
        lines.append(f"fitted on {cf['fitted_on']} (threshold {q['threshold']}, extra {q['extra_threshold']}, "
                     f"ratio {q['extra_ratio']}):")
        lines.append(f"  {'on the fit city':<32} {_line(cf['on_fit'])}")
        for city, d in cf["held_out"].items():
            lines.append(f"  {'held out ' + city:<32} {_line(d)}")
        lines.append(f"  {'both':<32} {_line(cf['both'])}")
    errors = [e for d in report["product"].values() for e in d["errors"]]
    if errors:
        lines.append("disagreements (product thresholds):")
        lines += [f"  {e}" for e in dict.fromkeys(errors)]
    return "\n".join(lines)
