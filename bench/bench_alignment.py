"""Cost of the clause alignment (上下级对照) at index time, next to loading the index it is computed
from (the baseline, measured in the same run). The alignment re-embeds nothing: it uses the index's
own chunk vectors.

    .venv/bin/python bench/bench_alignment.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from qa.compare.store import Alignment, load_alignment, params_from_settings
from qa.index.builder import expected_manifest
from qa.index.store import current_version, load_index
from qa.settings import load_settings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    s = load_settings()
    params = params_from_settings(s)
    t_load, t_align, t_json, t_read = [], [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        data = load_index(Path(s.index_dir), expected_manifest(s))
        t1 = time.perf_counter()
        al = Alignment.compute(data.documents, data.chunks, data.vectors, params)
        t2 = time.perf_counter()
        text = al.to_json()
        t3 = time.perf_counter()
        load_alignment(s.index_dir, params)
        t4 = time.perf_counter()
        t_load.append(t1 - t0)
        t_align.append(t2 - t1)
        t_json.append(t3 - t2)
        t_read.append(t4 - t3)
    n_clauses = len(al.records)
    size = (current_version(s.index_dir) / "alignment.json").stat().st_size
    print(f"{len(data.documents)} documents, {len(data.chunks)} chunks, {n_clauses} clauses; median of {args.repeat}")
    print(f"baseline: load the index          {statistics.median(t_load) * 1000:8.1f} ms")
    print(f"alignment: candidates, all pairs  {statistics.median(t_align) * 1000:8.1f} ms")
    print(f"alignment: serialise              {statistics.median(t_json) * 1000:8.1f} ms  ({len(text) / 1e3:.0f} kB; on disk {size / 1e3:.0f} kB)")
    print(f"alignment: load (qa compare, API) {statistics.median(t_read) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
