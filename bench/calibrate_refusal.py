"""Calibrate `refusal_threshold` on an evaluation set (retrieval only, no generation).

    python bench/calibrate_refusal.py [--dataset eval/dev.jsonl]

For every question it runs the same steps the answering pipeline runs before calling the model
(follow-up rewrite, scope detection, hybrid retrieval, the system's refusal rules), records the best
evidence's cosine similarity, and prints, for a range of thresholds, the share of unanswerable
questions refused and the share of answerable questions falsely refused — and which rule refused.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.answer.evidence import _bigrams, overlap  # noqa: E402
from qa.answer.rewrite import rewrite  # noqa: E402
from qa.service import build_service  # noqa: E402
from qa.settings import load_settings  # noqa: E402
from qa.types import Turn  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", default=str(ROOT / "eval" / "dev.jsonl"))
    args = ap.parse_args()
    settings = load_settings().replace(refusal_threshold=0.0, figure_support_threshold=0.0)
    service = build_service(settings)
    answerer = service.answerer
    regions = answerer._regions()
    rows = [json.loads(x) for x in Path(args.dataset).read_text(encoding="utf-8").splitlines() if x.strip()]
    records = []
    from qa.answer.support import FigureSupport

    data = service.retriever.load()
    support = FigureSupport((u["text"] for d in data.documents.values() for u in d["units"]), regions)
    for r in rows:
        history = [Turn(t["role"], t["content"]) for t in r.get("history", [])]
        q = rewrite(r["question"], history, regions) if history else r["question"]
        hits, scope = service.retriever.search(q, k=max(10, settings.top_k))
        top = max((h.dense_score or 0.0) for h in hits[: settings.top_k]) if hits else 0.0
        rule = answerer._refusal_reason(q, scope, hits[: settings.top_k])
        cover = max((overlap(_bigrams(q), service.retriever.unit(h.chunk.doc_id, h.chunk.label)["text"])
                     for h in hits[: settings.top_k]), default=0.0)
        texts = [service.retriever.unit(h.chunk.doc_id, h.chunk.label)["text"] for h in hits[: settings.top_k]]
        fig = support.coverage(q, texts) if support.asks_quantity(q) else None
        records.append({"id": r["id"], "answerable": bool(r.get("gold")), "top": top, "rule": rule,
                        "cover": cover, "q": q, "fig": fig, "type": r["type"]})
    ans = [x for x in records if x["answerable"]]
    una = [x for x in records if not x["answerable"]]
    print(f"{len(ans)} answerable, {len(una)} unanswerable questions")
    print("refused by rules other than the threshold (scope, years): "
          f"unanswerable {sum(1 for x in una if x['rule'])}/{len(una)}, "
          f"answerable {sum(1 for x in ans if x['rule'])}/{len(ans)}")
    for x in ans:
        if x["rule"]:
            print(f"  false refusal {x['id']}: {x['rule']}")
    figs = sorted((x["fig"], x["answerable"], x["id"], x["type"]) for x in records if x["fig"] is not None)
    print("figure-support coverage (quantity questions), ascending:")
    print("  " + " ".join(f"{f:.2f}{'A' if a else 'U'}:{i}" for f, a, i, _ in figs))
    for x in una:
        print(f"  unanswerable {x['id']} top={x['top']:.3f} cover={x['cover']:.2f} rule={x['rule']} {x['q']}")
    low = sorted(ans, key=lambda x: x["cover"])[:8]
    print("  lowest coverage among answerable: " + ", ".join(f"{x['id']}={x['cover']:.2f}" for x in low))
    print(f"\n{'threshold':>9} {'refused unanswerable':>21} {'false refusals':>15}")
    tops = sorted({round(x["top"], 3) for x in records})
    candidates = [0.0] + [t for t in tops if t < 0.9] + [0.9]
    for t in sorted(set(round(c, 3) for c in candidates))[::2]:
        ru = sum(1 for x in una if x["rule"] or x["top"] < t) / len(una)
        fr = sum(1 for x in ans if x["rule"] or x["top"] < t) / len(ans)
        print(f"{t:>9.3f} {ru:>21.3f} {fr:>15.3f}")
    print("\nbest-evidence cosine: answerable min "
          f"{min(x['top'] for x in ans):.3f}, unanswerable (not refused by rules) "
          f"{sorted(round(x['top'], 3) for x in una if not x['rule'])}")


if __name__ == "__main__":
    main()
