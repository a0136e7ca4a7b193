#!/usr/bin/env python3
"""Benchmark of the build cache (`brief pdf --cache DIR`), in one run:

1. cold:      N distinct briefs typeset into an empty cache (the baseline);
2. unchanged: the same briefs again, every PDF copied from the cache;
3. one edit:  one brief edited, so that only it is typeset.

Each figure is reported with its ratio to the cold build of the same run. The briefs are
variants of briefs/belarus.toml (a ten-page paper), each with its own title and text so that
no two share Typst's work.

    cargo build --release
    python3 scripts/cache-bench.py --binary target/release/brief [--count 300] [--jobs N]
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def variant(text: str, i: int) -> str:
    lines = text.splitlines(keepends=True)
    out = []
    for line in lines:
        if line.startswith("title = ") and not out_has_title(out):
            line = line.rstrip("\n").rstrip('"') + f' (variant {i})"\n'
        out.append(line)
        if line.startswith('body = """'):
            out.append(f"Variant {i} of the analysis. ")
    return "".join(out)


def out_has_title(lines) -> bool:
    return any(l.startswith("title = ") for l in lines)


def build(binary, briefs, out, cache, jobs):
    command = [binary, "pdf", str(briefs), "--out-dir", str(out), "--cache", str(cache), "--quiet"]
    if jobs:
        command += ["--jobs", str(jobs)]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "CI": "1"})
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"brief failed:\n{result.stderr}")
    return elapsed, result.stderr.strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / "target" / "release" / "brief"))
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--jobs", type=int)
    args = parser.parse_args()

    example = (ROOT / "briefs" / "belarus.toml").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        briefs, out, cache = tmp / "briefs", tmp / "out", tmp / "cache"
        briefs.mkdir()
        # The example's bibliography file, beside the briefs that name it.
        shutil.copy(ROOT / "briefs" / "belarus-references.json", briefs)
        for i in range(args.count):
            (briefs / f"brief-{i:04}.toml").write_text(variant(example, i), encoding="utf-8")

        cold, cold_line = build(args.binary, briefs, out, cache, args.jobs)
        warm, warm_line = build(args.binary, briefs, out, cache, args.jobs)
        edited_path = briefs / f"brief-{args.count // 2:04}.toml"
        edited_path.write_text(
            edited_path.read_text(encoding="utf-8").replace("of the analysis.", "of the analysis, revised.", 1),
            encoding="utf-8",
        )
        edit, edit_line = build(args.binary, briefs, out, cache, args.jobs)

    print(f"{args.count} briefs, binary {args.binary}")
    print(f"cold       {cold:8.2f} s   1.000   {cold_line}")
    print(f"unchanged  {warm:8.2f} s   {warm / cold:.3f}   {warm_line}")
    print(f"one edited {edit:8.2f} s   {edit / cold:.3f}   {edit_line}")


if __name__ == "__main__":
    main()
