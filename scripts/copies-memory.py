#!/usr/bin/env python3
"""Measures the peak memory of numbered copies (`brief pdf --recipients`) against the length of
the list: memory should stay flat, so that 2,000 copies take no more than 1.2 times the peak
of 200.

    python3 scripts/copies-memory.py [--copies 200 2000] [--bin PATH] [--keep-going]

Each run makes copies of briefs/belarus.toml for a CSV list of N recipients into a fresh
folder, under `/usr/bin/time -v` (GNU time), and prints N, the wall time and the maximum
resident set size; then the ratio of the largest list's peak to the smallest's. The binary
defaults to target/release/brief (`cargo build --release`); `--bin` takes another, such as a
dev build (its dependencies are optimised, so the figures are close). The runs are one after
the other and take minutes: run it on an idle machine, never beside a build.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIMIT = 1.2


def measure(binary, n, work):
    folder = os.path.join(work, f"n{n}")
    os.makedirs(folder)
    shutil.copy(os.path.join(ROOT, "briefs", "belarus.toml"), folder)
    shutil.copy(os.path.join(ROOT, "briefs", "belarus-references.json"), folder)
    with open(os.path.join(folder, "list.csv"), "w", encoding="utf-8") as f:
        f.write("name,organisation,note\n")
        for i in range(1, n + 1):
            f.write(f"Recipient {i},Ministry {i},seat {i}\n")
    cmd = ["/usr/bin/time", "-v", binary, "pdf", "belarus.toml", "--recipients", "list.csv",
           "--out-dir", "out", "--quiet"]
    done = subprocess.run(cmd, cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{n} copies failed:\n{done.stderr}")
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", done.stderr).group(1)
    made = len([f for f in os.listdir(os.path.join(folder, "out")) if f.endswith(".pdf")])
    assert made == n, f"{made} copies of {n}"
    # The copies are not needed once counted; the next run gets the disk space back.
    shutil.rmtree(folder)
    return peak, wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, nargs="+", default=[200, 2000])
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser.add_argument("--bin", default=os.path.join(target, "release", "brief"))
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)

    work = tempfile.mkdtemp(prefix="brief-copies-memory-")
    try:
        peaks = {}
        print(f"{'copies':>7} {'wall':>10} {'peak RSS':>12}")
        for n in sorted(args.copies):
            peak, wall = measure(binary, n, work)
            peaks[n] = peak
            print(f"{n:>7} {wall:>10} {peak / 1024:>9.1f} MB", flush=True)
        low, high = min(peaks), max(peaks)
        ratio = peaks[high] / peaks[low]
        verdict = "flat" if ratio <= LIMIT else f"GROWS (more than {LIMIT}x)"
        print(f"peak of {high} / peak of {low}: {ratio:.2f} ({verdict})")
        sys.exit(0 if ratio <= LIMIT else 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
