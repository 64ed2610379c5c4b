"""Reading a large official list: time and peak memory of our streaming readers against parsing
the whole document into a tree first (defusedxml.ElementTree.fromstring, the usual way).

    python bench/bench_list_read.py [--mb 25]

The EU and UK XML samples of tests/fixtures/lists are repeated to about --mb megabytes (the
real EU file is about that size). "ours" reads the entries (ListEntity objects, which are most
of its memory); "tree" only parses the document, building nothing from it. Each measurement
runs in a fresh process, so that its peak (VmHWM) is its own.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LISTS = ROOT / "tests/fixtures/lists"
SAMPLES = {  # format: (sample, how an entry opens, how it closes)
    "eu-xml": ("eu_fsf_sample.xml", b"<sanctionEntity ", b"</sanctionEntity>"),
    "uk-xml": ("uk_sanctions_list_sample.xml", b"<Designation>", b"</Designation>"),
}


def enlarged(fmt: str, megabytes: float) -> bytes:
    """The sample with its entries repeated until the document is about `megabytes` long."""
    file, opens, closes = SAMPLES[fmt]
    raw = (LISTS / file).read_bytes()
    start, end = raw.index(opens), raw.rindex(closes) + len(closes)
    entries = raw[start:end]
    return raw[:start] + entries * int(megabytes * 1e6 / len(entries) + 1) + raw[end:]


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(fmt: str, path: str, how: str) -> None:
    """In this (fresh) process: read the file at `path` `how` ("ours" or "tree"); print
    seconds, peak MB before and after."""
    import defusedxml.ElementTree as SafeET

    from monitor.lists.formats import FORMATS

    raw = Path(path).read_bytes()
    before = peak_mb()
    start = time.perf_counter()
    if how == "ours":
        count = len(FORMATS[fmt][1](raw))
    else:
        count = sum(1 for _ in SafeET.fromstring(raw).iter())
    print(time.perf_counter() - start, before, peak_mb(), count)


def run(fmt: str, path: Path, how: str) -> tuple[float, float, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", fmt, how, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=25.0, help="document size (default 25)")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        fmt, how, path = args.one
        measure(fmt, path, how)
        return
    print(f"documents of ~{args.mb:g} MB; peak memory added by the read, in a fresh process each")
    print(f"{'format':<8} {'ours s':>7} {'ours MB':>8} {'tree s':>7} {'tree MB':>8} {'memory':>8}")
    for fmt in SAMPLES:
        with tempfile.NamedTemporaryFile(suffix=".xml") as f:
            f.write(enlarged(fmt, args.mb))
            f.flush()
            ours_s, before, ours_peak = run(fmt, Path(f.name), "ours")
            tree_s, tree_before, tree_peak = run(fmt, Path(f.name), "tree")
        ours_mb, tree_mb = ours_peak - before, tree_peak - tree_before
        print(
            f"{fmt:<8} {ours_s:>7.2f} {ours_mb:>8.0f} {tree_s:>7.2f} {tree_mb:>8.0f} "
            f"{tree_mb / max(ours_mb, 1):>7.1f}x"
        )


if __name__ == "__main__":
    main()
