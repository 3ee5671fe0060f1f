"""Index build speed with the torch embedder vs the OpenVINO export, same run, same corpus.

    python bench/bench_embed.py [--rounds 2] [--dataset eval/test.jsonl]

For each engine (``embedding_backend`` torch, then openvino) the real `IndexBuilder` builds the index
of corpus/ into a temporary folder, ``--rounds`` times interleaved (torch, openvino, torch, …; the
best round counts, so a burst of load from other processes hurts neither side more). Prints:

1. index build chunks/s (parse + chunk + embed + write; wall clock, and CPU seconds per chunk, which
   other processes on a shared machine disturb less), the model load time, and the speed-up;
2. cosine parity of the two engines on every chunk of the corpus (min / mean) and on the questions
   of the dataset (query prompt);
3. clause Recall@1/@5 on the dataset's answerable questions (hybrid and dense retrieval, the same
   scoring as bench/bench_retrieval.py) for: torch index + torch queries (before), openvino index +
   openvino queries (after), and a torch-built index queried with openvino (an index built before the
   switch keeps working).

`run_build_speed()` is what bench/perf_table.py reuses for its index row.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from qa.index.builder import IndexBuilder  # noqa: E402
from qa.index.embedders import make_embedder  # noqa: E402
from qa.settings import load_settings  # noqa: E402

BACKENDS = ("torch", "openvino")


def _load(settings, backend: str):
    emb = make_embedder(settings.replace(embedding_backend=backend))
    t = time.perf_counter()
    emb.load()
    return emb, time.perf_counter() - t


def run_build_speed(settings, rounds: int = 2, workdir: Path | None = None) -> dict:
    """Build the index with each engine ``rounds`` times, interleaved; best round per engine."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix="qa-bench-embed-"))
    res: dict[str, dict] = {}
    embedders = {}
    for b in BACKENDS:
        embedders[b], load_s = _load(settings, b)
        res[b] = {"load_s": load_s, "wall_s": float("inf"), "cpu_s": float("inf"), "n_chunks": 0,
                  "index_dir": str(workdir / b)}
    for _ in range(rounds):
        for b in BACKENDS:
            s = settings.replace(embedding_backend=b, index_dir=res[b]["index_dir"])
            t, c = time.perf_counter(), time.process_time()
            rep = IndexBuilder(s, embedders[b], progress=False).build()
            wall, cpu = time.perf_counter() - t, time.process_time() - c
            r = res[b]
            r["wall_s"], r["cpu_s"], r["n_chunks"] = min(r["wall_s"], wall), min(r["cpu_s"], cpu), rep.n_chunks
    for r in res.values():
        r["chunks_per_s"] = r["n_chunks"] / r["wall_s"]
        r["cpu_ms_per_chunk"] = 1000 * r["cpu_s"] / r["n_chunks"]
    res["embedders"] = embedders
    return res


def _vectors(index_dir: str) -> np.ndarray:
    return np.load(Path(index_dir) / "vectors.npy")


def recall(settings, embedder, index_dir: str, questions, mode: str) -> dict:
    from bench_retrieval import score

    from qa.index.retriever import Retriever

    r = Retriever(settings.replace(index_dir=index_dir, retrieval_mode=mode), embedder)
    golds = [{(g["doc_title"], g["clause"]) for g in q["gold"]} for q in questions]
    ranked = []
    for q in questions:
        hits, _ = r.search(q["standalone"], k=10)
        ranked.append([{(h.chunk.doc_title, h.chunk.label)} for h in hits])
    return score(ranked, golds)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--dataset", default=str(ROOT / "eval" / "test.jsonl"))
    args = ap.parse_args(argv)
    from bench_retrieval import load_questions

    from qa.corpus import load_corpus

    settings = load_settings()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared with other work: compare rows of "
          "this run, not with other runs)")
    res = run_build_speed(settings, args.rounds)
    embedders = res.pop("embedders")
    t, o = res["torch"], res["openvino"]
    print(f"\n## Index build of corpus/ ({t['n_chunks']} chunks, best of {args.rounds} interleaved rounds)")
    print(f"{'engine':<34} {'chunks/s':>9} {'CPU ms/chunk':>13} {'build s':>8} {'load s':>7}")
    for name, r in (("torch fp32 (before)", t), (f"openvino {_precision()} (after, default)", o)):
        print(f"{name:<34} {r['chunks_per_s']:>9.1f} {r['cpu_ms_per_chunk']:>13.0f} {r['wall_s']:>8.1f} "
              f"{r['load_s']:>7.1f}")
    print(f"speed-up: {o['chunks_per_s'] / t['chunks_per_s']:.2f}x wall, "
          f"{t['cpu_ms_per_chunk'] / o['cpu_ms_per_chunk']:.2f}x CPU time")

    vt, vo = _vectors(t["index_dir"]), _vectors(o["index_dir"])
    cos = (vt * vo).sum(axis=1)
    loaded = load_corpus(settings.corpus_dir)
    regions = sorted({a for d in loaded.documents for a in (d.region, d.region[:-1])})
    questions = load_questions(Path(args.dataset), regions)
    qs = [q["standalone"] for q in questions]
    qcos = (embedders["torch"].embed_queries(qs) * embedders["openvino"].embed_queries(qs)).sum(axis=1)
    print("\n## Parity of the two engines (cosine)")
    print(f"every corpus chunk ({cos.size}): min {cos.min():.5f}  mean {cos.mean():.5f}  "
          f"(chunks below 0.99: {int((cos < 0.99).sum())})")
    print(f"questions of {Path(args.dataset).name} ({qcos.size}): min {qcos.min():.5f}  mean {qcos.mean():.5f}")

    print(f"\n## Clause recall on {len(questions)} answerable questions of {Path(args.dataset).name}")
    print(f"{'index / queries':<36} {'mode':<7} {'R@1':>6} {'R@5':>6} {'MRR':>6}")
    combos = (("torch / torch (before)", "torch", t), ("openvino / openvino (after)", "openvino", o),
              ("torch index / openvino queries", "openvino", t))
    for mode in ("hybrid", "dense"):
        for name, b, r in combos:
            m = recall(settings, embedders[b], r["index_dir"], questions, mode)
            print(f"{name:<36} {mode:<7} {m['R@1']:6.3f} {m['R@5']:6.3f} {m['MRR']:6.3f}")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


def _precision() -> str:
    from qa.models.openvino_export import precision

    return precision()


if __name__ == "__main__":
    main()
