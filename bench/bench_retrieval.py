"""Retrieval benchmark: quality on the evaluation set, build cost, query latency, ANN recall.

    python bench/bench_retrieval.py                 # everything, with the configured (real) embedder
    python bench/bench_retrieval.py --skip-scale    # quality table only
    QA_EMBEDDING_MODEL=hash:256 python bench/bench_retrieval.py   # wiring check with the fake embedder

Prints:
1. clause-level Recall@1, Recall@5 and MRR on eval/dev.jsonl's answerable questions for: this
   retriever (hybrid, char-BM25 and jieba-BM25 variants, RRF), dense only, keyword only, and a naive
   baseline (500-character RecursiveCharacterTextSplitter chunks, same embedder, dense only; a hit
   counts if the chunk overlaps the gold clause); plus whether every region-specific
   (disambiguation) question retrieves that region's clause first;
2. build time and peak memory for the five documents and for a synthetic corpus 200× larger;
3. query latency p50/p95 (embedding + search) for both, and HNSW recall@10 against exact search.

The synthetic corpus re-uses each real chunk's vector with small noise (re-normalised) and its text
with the region names and figures varied: embedding 65k chunks with the real model on 2 cores would
take over an hour, so the large build time is reported without embedding, and the embedding time
is projected from the measured rate.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.answer.rewrite import rewrite  # noqa: E402
from qa.corpus import load_corpus  # noqa: E402
from qa.index.builder import IndexBuilder  # noqa: E402
from qa.index.embedders import make_embedder  # noqa: E402
from qa.index.keyword import BM25  # noqa: E402
from qa.index.retriever import Retriever  # noqa: E402
from qa.index.store import DocEntry, write_index  # noqa: E402
from qa.settings import load_settings  # noqa: E402
from qa.types import Chunk, Turn  # noqa: E402


class PeakRSS:
    """Samples this process's RSS every 20 ms; .peak_mb after the block."""

    def __enter__(self):
        self.proc = psutil.Process()
        self.start_mb = self.proc.memory_info().rss / 2**20
        self.peak = self.start_mb
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss / 2**20)
            time.sleep(0.02)

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak_mb = self.peak


def load_questions(path: Path, regions: list[str]):
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for r in rows:
        if not r.get("gold"):
            continue
        q = r["question"]
        if r.get("history"):
            q = rewrite(q, [Turn(t["role"], t["content"]) for t in r["history"]], regions)
        out.append({**r, "standalone": q})
    return out


def score(ranked: list[list[set[tuple[str, str]]]], golds: list[set[tuple[str, str]]]) -> dict:
    """ranked[i] = list over ranks of the set of (title, clause) each hit covers."""
    r1 = r5 = mrr = 0.0
    for hits, gold in zip(ranked, golds, strict=True):
        found1 = set().union(*hits[:1]) & gold if hits else set()
        found5 = set().union(*hits[:5]) & gold if hits else set()
        r1 += len(found1) / len(gold)
        r5 += len(found5) / len(gold)
        rank = next((i for i, h in enumerate(hits, 1) if h & gold), None)
        mrr += 1 / rank if rank else 0
    n = len(golds)
    return {"R@1": r1 / n, "R@5": r5 / n, "MRR": mrr / n}


def quality(settings, questions, docs) -> None:
    golds = [{(g["doc_title"], g["clause"]) for g in q["gold"]} for q in questions]
    rows = []
    base = Retriever(settings, make_embedder(settings))
    data = base.load()
    jieba_bm25 = BM25("jieba").fit([c.embed_text for c in data.chunks])
    char_bm25 = data.bm25
    variants = [("hybrid RRF, char BM25 (ours)", "hybrid", char_bm25),
                ("hybrid RRF, jieba BM25", "hybrid", jieba_bm25),
                ("dense only", "dense", char_bm25),
                ("keyword only, char BM25", "keyword", char_bm25),
                ("keyword only, jieba BM25", "keyword", jieba_bm25)]
    region_first = {}
    for name, mode, bm in variants:
        r = Retriever(settings.replace(retrieval_mode=mode), base.embedder)
        r._data, r._scope, r._rows_by_doc = data, base._scope, base._rows_by_doc
        data.bm25 = bm
        ranked, firsts = [], []
        for q in questions:
            hits, _ = r.search(q["standalone"], k=10)
            ranked.append([{(h.chunk.doc_title, h.chunk.label)} for h in hits])
            if q["type"] == "disambiguation":
                gold_docs = {g["doc_title"] for g in q["gold"]}
                firsts.append(bool(hits) and hits[0].chunk.doc_title in gold_docs
                              and (hits[0].chunk.doc_title, hits[0].chunk.label) in golds[questions.index(q)])
        rows.append((name, score(ranked, golds)))
        region_first[name] = (sum(firsts), len(firsts))
    data.bm25 = char_bm25
    rows.append(("naive 500-char chunks, dense only", naive_baseline(settings, base.embedder, questions, docs, golds)))
    print(f"\n## Clause-level retrieval on {len(questions)} answerable questions of eval/dev.jsonl")
    print(f"{'retriever':<38} {'R@1':>6} {'R@5':>6} {'MRR':>6}  region-specific: gold clause first")
    for name, m in rows:
        rf = region_first.get(name)
        rf_s = f"{rf[0]}/{rf[1]}" if rf else "-"
        print(f"{name:<38} {m['R@1']:6.3f} {m['R@5']:6.3f} {m['MRR']:6.3f}  {rf_s}")


def naive_baseline(settings, embedder, questions, docs, golds) -> dict:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    spans, texts = [], []
    for d in docs:
        pos = 0
        for piece in splitter.split_text(d.text):
            start = d.text.find(piece, max(0, pos - 60))
            start = start if start >= 0 else d.text.find(piece)
            pos = start + len(piece)
            clauses = {(d.title, u.label) for u in d.units if u.start < pos and u.end > start}
            spans.append(clauses)
            texts.append(piece)
    vecs = embedder.embed_passages(texts, batch_size=16)
    ranked = []
    for q in questions:
        qv = embedder.embed_queries([q["standalone"]])[0]
        order = np.argsort(-(vecs @ qv))[:10]
        ranked.append([spans[i] for i in order])
    return score(ranked, golds)


def latency(retriever, questions, repeat: int = 3) -> tuple[float, float]:
    retriever.search("预热 warm-up", k=10)
    times = []
    for _ in range(repeat):
        for q in questions:
            t = time.perf_counter()
            retriever.search(q, k=10)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def synthetic_entries(data, factor: int, rng) -> list[DocEntry]:
    """`factor` variants of every document: noisy vectors, region names and figures varied."""
    regions = ["绵阳市", "德阳市", "乐山市", "南充市", "宜宾市", "泸州市", "达州市", "广元市", "遂宁市", "内江市"]
    entries = data.entries()
    out = []
    for v in range(factor):
        for doc_id, e in entries.items():
            new_id = f"{doc_id}__v{v:03d}"
            region = regions[v % len(regions)]
            title = e.meta.get("title", "")
            new_title = f"{title}（第{v}版·{region}）"
            chunks = [Chunk(**{**c.to_dict(), "departments": c.departments, "chunk_id": f"{c.chunk_id}-{v}",
                               "doc_id": new_id, "doc_title": new_title, "region": region,
                               "text": c.text.replace("2025年", f"{2025 + v % 6}年")})
                      for c in e.chunks]
            noise = rng.normal(0, 0.02, size=e.vectors.shape).astype(np.float32)
            vecs = e.vectors + noise
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            units = [{**u, "text": u["text"][:200]} for u in e.units]
            out.append(DocEntry(new_id, {**e.meta, "title": new_title, "region": region}, units, chunks, vecs))
    return out


def scale(settings, questions, factor: int) -> None:
    print("\n## Build cost and query latency")
    tmp = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    small = settings.replace(index_dir=str(tmp / "small"))
    emb = make_embedder(small)
    emb.load()
    gc.collect()
    with PeakRSS() as mem:
        t = time.perf_counter()
        rep = IndexBuilder(small, emb, progress=False).build()
        build_s = time.perf_counter() - t
    rate = rep.n_chunks / build_s
    r_small = Retriever(small, emb)
    qs = [q["standalone"] for q in questions]
    p50, p95 = latency(r_small, qs)
    print(f"{'corpus':<34} {'chunks':>7} {'build s':>9} {'peak RSS MB':>12} {'query p50 ms':>13} {'p95 ms':>7}")
    print(f"{'5 documents (real embedding)':<34} {rep.n_chunks:>7} {build_s:>9.1f} {mem.peak_mb:>12.0f} "
          f"{p50:>13.1f} {p95:>7.1f}")
    data = r_small.load()
    rng = np.random.default_rng(0)
    entries = synthetic_entries(data, factor, rng)
    n_big = sum(len(e.chunks) for e in entries)
    base = {"embedding_model": settings.embedding_model, "chunker_version": data.manifest["chunker_version"],
            "keyword_tokenizer": settings.keyword_tokenizer, "chunk_max_tokens": settings.chunk_max_tokens,
            "dim": data.manifest["dim"], "embedder_name": emb.name}
    retrievers = {}
    # the same large corpus with exact search and with HNSW (as ann_threshold chooses above its size)
    for name, threshold in (("flat", n_big + 1), ("hnsw", 0)):
        big = settings.replace(index_dir=str(tmp / f"big-{name}"), ann_threshold=threshold)
        gc.collect()
        with PeakRSS() as mem:
            t = time.perf_counter()
            write_index(Path(big.index_dir), entries, base, ann_threshold=big.ann_threshold,
                        keyword_tokenizer=big.keyword_tokenizer)
            big_s = time.perf_counter() - t
        r_big = Retriever(big, emb)
        p50b, p95b = latency(r_big, qs)
        kind = r_big.status()["index_type"]
        label = f"{factor}x synthetic, {kind}"
        print(f"{label:<34} {n_big:>7} {big_s:>9.1f} {mem.peak_mb:>12.0f} {p50b:>13.1f} {p95b:>7.1f}")
        retrievers[name] = r_big
    del entries
    gc.collect()
    print(f"  (large builds exclude embedding: {n_big} chunks at the measured {rate:.1f} chunks/s would take "
          f"{n_big / rate / 60:.0f} min to embed on this machine)")
    flat, hnsw = retrievers["flat"].load(), retrievers["hnsw"].load()
    qv = emb.embed_queries(qs)
    _, e_ids = flat.faiss_index.search(qv, 10)
    _, a_ids = hnsw.faiss_index.search(qv, 10)
    rec = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(a_ids, e_ids, strict=True)])
    print(f"  HNSW recall@10 against exact search on the large corpus: {rec:.3f} ({len(qs)} queries)")
    rss = psutil.Process().memory_info().rss / 2**20
    print(f"  process RSS with both large indexes loaded: {rss:.0f} MB "
          f"(vectors {flat.vectors.nbytes / 2**20:.0f} MB each, memory-mapped)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", default=str(ROOT / "eval" / "dev.jsonl"))
    ap.add_argument("--factor", type=int, default=200)
    ap.add_argument("--skip-scale", action="store_true")
    args = ap.parse_args()
    settings = load_settings()
    tmp = Path(tempfile.mkdtemp(prefix="qa-bench-q-"))
    settings = settings.replace(index_dir=str(tmp / "index"))
    loaded = load_corpus(settings.corpus_dir)
    emb = make_embedder(settings)
    print(f"embedder: {settings.embedding_model}; corpus: {len(loaded.documents)} documents")
    IndexBuilder(settings, emb, progress=False).build()
    regions = sorted({a for d in loaded.documents for a in (d.region, d.region[:-1])})
    questions = load_questions(Path(args.dataset), regions)
    quality(settings, questions, loaded.documents)
    if not args.skip_scale:
        scale(settings, questions, args.factor)


if __name__ == "__main__":
    main()
