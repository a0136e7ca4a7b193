#!/usr/bin/env python3
"""Measures numbered copies (`brief pdf --recipients`) against separate builds of the brief, in
one run, and prints the figures as ratios against the baseline (the machines are shared and
noisy, so absolute times mean little).

    python3 scripts/copies.py [--copies 50] [--repeat 3] [--bin PATH]

Three ways to get N numbered copies of briefs/belarus.toml:
  copies   one `brief pdf --recipients LIST` run (the copies share one layout);
  batch    one `brief pdf --jobs 1` run over N briefs that differ in their number only (one
           process, fonts loaded once, but each brief typeset in full);
  separate N `brief pdf` runs, one process per copy (the baseline: what a script would do).
The binary defaults to target/release/brief (`cargo build --release`); `--bin` takes another,
such as a dev build, whose dependencies are optimised too.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser.add_argument("--bin", default=os.path.join(target, "release", "brief"))
    args = parser.parse_args()
    n = args.copies

    work = tempfile.mkdtemp(prefix="brief-copies-")
    try:
        brief = os.path.join(work, "belarus.toml")
        shutil.copy(os.path.join(ROOT, "briefs", "belarus.toml"), brief)
        shutil.copy(os.path.join(ROOT, "briefs", "belarus-references.json"), work)
        with open(brief, encoding="utf-8") as f:
            text = f.read()
        listing = os.path.join(work, "list.csv")
        with open(listing, "w", encoding="utf-8") as f:
            f.write("name,organisation,note\n")
            for i in range(1, n + 1):
                f.write(f"Recipient {i},Ministry {i},\n")
        variants = os.path.join(work, "variants")
        os.makedirs(variants)
        for i in range(1, n + 1):
            with open(os.path.join(variants, f"copy-{i:03}.toml"), "w", encoding="utf-8") as f:
                f.write(f'number = "{i}"\n' + text)

        def copies():
            run([args.bin, "pdf", brief, "--recipients", listing,
                 "--out-dir", os.path.join(work, "copies")])

        def batch():
            run([args.bin, "pdf", variants, "--jobs", "1", "--quiet",
                 "--out-dir", os.path.join(work, "batch")])

        def separate():
            out = os.path.join(work, "separate")
            os.makedirs(out, exist_ok=True)
            for i in range(1, n + 1):
                run([args.bin, "pdf", brief, "-o", os.path.join(out, f"{i}.pdf")])

        copies()  # warm the file cache
        base = timed(separate, args.repeat)
        t_batch = timed(batch, args.repeat)
        t_copies = timed(copies, args.repeat)
        print(f"{n} copies of briefs/belarus.toml, median of {args.repeat} runs ({args.bin})")
        print(f"  separate  {n} processes        {base:7.2f} s   1.00")
        print(f"  batch     1 process, --jobs 1  {t_batch:7.2f} s   {t_batch / base:.2f}")
        print(f"  copies    --recipients         {t_copies:7.2f} s   {t_copies / base:.2f}"
              f"   ({base / t_copies:.1f}x faster than separate, "
              f"{t_batch / t_copies:.1f}x faster than the batch)")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
