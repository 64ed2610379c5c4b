"""The start-up of `match`: one article through the default rules, with every built-in
language loaded, cold (nothing cached) against warm (the built-in data and the compiled index
read back from the cache folder), each in a fresh process, in the same run.

    python bench/bench_startup.py [--runs 3]

Reported per phase (the rules and built-in data read, the index built or read back, the
article matched) and in all, as the median of the runs, with the ratio warm / cold; the
interpreter's start and the package's imports are reported apart (the same in both).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys, time
t0 = time.perf_counter()
from monitor.config import load_config
from monitor.models import Article
from monitor.pipeline import Pipeline
t1 = time.perf_counter()
config = load_config(sys.argv[1])
t2 = time.perf_counter()
pipeline = Pipeline.from_cache(config)
t3 = time.perf_counter()
result = pipeline.match(Article("seed", "Rusia dan Iran Sepakat Lawan Sanksi AS Bersama-sama", ""))
t4 = time.perf_counter()
assert result.fired, "the founding article must alert"
print(json.dumps({"imports": t1 - t0, "config": t2 - t1, "index": t3 - t2, "match": t4 - t3,
                  "languages": len(config.languages)}))
"""


def probe(cache: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "rules.yaml")],
        env={**os.environ, "MONITOR_CACHE": str(cache)},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return dict(json.loads(out.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cold, warm = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            cold.append(probe(Path(folder)))  # an empty cache: everything built
            warm.append(probe(Path(folder)))  # what the cold run left
    phases = ("config", "index", "match")

    def median(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(f"start-up of match, {int(cold[0]['languages'])} languages, median of {args.runs}:")
    print(f"  {'':<8} {'cold':>8} {'warm':>8} {'warm/cold':>10}")
    for key in phases:
        c, w = median(cold, key), median(warm, key)
        print(f"  {key:<8} {c:>7.3f}s {w:>7.3f}s {w / c:>10.3f}")
    total_c = statistics.median(sum(r[k] for k in phases) for r in cold)
    total_w = statistics.median(sum(r[k] for k in phases) for r in warm)
    print(f"  {'in all':<8} {total_c:>7.3f}s {total_w:>7.3f}s {total_w / total_c:>10.3f}")
    print(f"  imports (both): {median(cold + warm, 'imports'):.3f}s")


if __name__ == "__main__":
    main()
