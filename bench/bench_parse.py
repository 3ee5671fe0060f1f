"""Parse time against input size: `parse_text` on 0.1, 1 and 10 MB of text (UTF-8 bytes).

The text is the worst case the issue found (lines of 100 characters without punctuation, which the
normaliser joins into one paragraph) mixed with ordinary policy text (sections, clauses, sentences).
Parsing must be linear: the time per MB stays flat as the input grows (target: < 10 s per MB).

    python bench/bench_parse.py            # 0.1, 1 and 10 MB
    python bench/bench_parse.py 0.1 1      # chosen sizes, in MB
"""

from __future__ import annotations

import random
import resource
import sys
import time

from qa.corpus import parse_text

HAN = "政策文件节能减排推进绿色低碳发展加强生态环境保护建设工业园区污水处理能源消费比重目标"


def unpunctuated(rng: random.Random, n_lines: int) -> str:
    return "\n".join("".join(rng.choice(HAN) for _ in range(100)) for _ in range(n_lines))


def policy(rng: random.Random, n_sections: int) -> str:
    cn = "一二三四五六七八九十"
    out = ["四川省节能减排综合工作方案", "川府发〔2022〕12号"]
    for s in range(n_sections):
        out.append(f"{cn[s % 10]}、重点任务")
        for c in range(5):
            out.append(f"（{cn[c]}）推进重点领域节能。" + "".join(rng.choice(HAN) for _ in range(80)) + "，到2025年达到58%左右。")
    return "\n".join(out)


def sample(mb: float, seed: int = 0) -> str:
    rng = random.Random(seed)
    target = int(mb * 1_000_000)
    parts, size = [], 0
    while size < target:
        part = unpunctuated(rng, 50) if len(parts) % 2 else policy(rng, 3)
        parts.append(part)
        size += len(part.encode("utf-8")) + 1
    return "\n".join(parts)


def main(sizes: list[float]) -> None:
    print(f"{'MB':>6} {'chars':>10} {'seconds':>8} {'s per MB':>9} {'units':>7}")
    for mb in sizes:
        text = sample(mb)
        t0 = time.perf_counter()
        doc = parse_text(text, "bench")
        dt = time.perf_counter() - t0
        real_mb = len(text.encode("utf-8")) / 1_000_000
        print(f"{real_mb:6.2f} {len(text):10d} {dt:8.2f} {dt / real_mb:9.2f} {len(doc.units):7d}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS) {peak:.0f} MB")


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [0.1, 1.0, 10.0])
