"""The alignment section of the evaluation: precision/recall against the gold, with the product's
thresholds and with thresholds fitted on each city and reported on the other (``qa compare eval``,
``qa eval``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qa.compare.gold import cross_fit, load_gold, per_city, score
from qa.compare.model import AlignParams, Candidate, clause_key
from qa.compare.store import load_alignment, params_from_settings


def baselines(settings: Any, gold: list, alignment: Any) -> dict[str, Any]:
    """Two simple aligners measured on the same gold: the clause with the same label, and the
    clause with the most similar embedding alone (best cosine, no threshold)."""
    from qa.compare.aligner import Aligner, clause_records
    from qa.index.builder import expected_manifest
    from qa.index.store import load_index

    same = {}
    for key, rec in alignment.records.items():
        same[key] = {d: ([Candidate(clause_key(d, rec.label), 1.0, 0, 0, 0, 0, 0)]
                         if clause_key(d, rec.label) in alignment.records else []) for d in alignment.doc_ids}
    data = load_index(Path(settings.index_dir), expected_manifest(settings))
    records, vectors = clause_records(data.documents, data.chunks, data.vectors)
    cos_only = Aligner(records, vectors, weights=(1.0, 0.0, 0.0, 0.0)).candidates()
    accept_best = AlignParams(0.0, 2.0, 1.0)
    return {"same label": score(same, gold, accept_best).to_dict(),
            "embedding only (best cosine)": score(cos_only, gold, accept_best).to_dict()}


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
        "baselines": baselines(settings, gold, alignment),
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
    lines.append("baselines (same gold, both cities):")
    for name, d in report.get("baselines", {}).items():
        lines.append(f"  {name:<32} {_line(d)}")
    errors = [e for d in report["product"].values() for e in d["errors"]]
    if errors:
        lines.append("disagreements (product thresholds):")
        lines += [f"  {e}" for e in dict.fromkeys(errors)]
    return "\n".join(lines)
