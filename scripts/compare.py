#!/usr/bin/env python3
"""Measures `brief` side by side with itself and with the Typst CLI, in one run, and prints
every figure as a ratio against a baseline taken in the same run (these machines are shared and
noisy, so absolute times mean little).

    python3 scripts/compare.py [--briefs 30] [--repeat 3] [--memory]

Needs a release build (`cargo build --release --bins --examples`). The comparison with `typst
compile` runs when the Typst CLI is on PATH (`cargo install typst-cli --version 0.15.1
--locked`); it compiles the projects `brief typ` ejects, one process per brief, as a CI job
without brief would. `--memory` also measures peak memory over 100 and 1,000 briefs (needs
GNU time: apt-get install time).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRIEF = os.path.join(ROOT, "target", "release", "brief")
MAKE = os.path.join(ROOT, "target", "release", "examples", "make_briefs")


def run(cmd, **kw):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def timed(cmd_or_fn, repeat):
    """Median wall time of `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        if callable(cmd_or_fn):
            cmd_or_fn()
        else:
            run(cmd_or_fn)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make(count, folder, *flags):
    os.makedirs(folder, exist_ok=True)
    run([MAKE, str(count), folder, *flags])
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".toml"))


def peak_kib(cmd):
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], check=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(out.stderr.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--briefs", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    for binary in (BRIEF, MAKE):
        if not os.path.exists(binary):
            sys.exit(f"{binary} is missing: run `cargo build --release --bins --examples` first")
    work = tempfile.mkdtemp(prefix="brief-compare-")
    rows = []
    try:
        n = args.briefs
        briefs = make(n, os.path.join(work, "batch"))
        out = os.path.join(work, "out")

        typst = shutil.which("typst")
        if typst:
            projects = []
            for path in briefs:
                project = os.path.join(work, "typ", os.path.basename(path)[:-5])
                run([BRIEF, "typ", path, "-o", project])
                projects.append(project)

            def typst_all(system_fonts):
                flags = [] if system_fonts else ["--ignore-system-fonts"]
                for project in projects:
                    run([typst, "compile", *flags, "--font-path", project,
                         os.path.join(project, "main.typ"), os.path.join(project, "out.pdf")])

            t_typst = timed(lambda: typst_all(False), args.repeat)
            t_typst_system = timed(lambda: typst_all(True), args.repeat)
            t_batch = timed([BRIEF, "pdf", *briefs, "--out-dir", out], args.repeat)
            rows.append((f"{n} briefs: {n} x typst compile --ignore-system-fonts / one brief pdf",
                         t_typst / t_batch, ">= 4"))
            rows.append((f"{n} briefs: {n} x typst compile (system fonts too) / one brief pdf",
                         t_typst_system / t_batch, "context"))
            one_typst = timed([typst, "compile", "--ignore-system-fonts", "--font-path", projects[0],
                               os.path.join(projects[0], "main.typ"), os.path.join(work, "one-typst.pdf")],
                              args.repeat * 3)
            one_brief = timed([BRIEF, "pdf", briefs[0], "-o", os.path.join(work, "one.pdf")], args.repeat * 3)
            rows.append(("1 brief: brief pdf / typst compile", one_brief / one_typst, "<= 1"))
        else:
            print("typst is not on PATH: skipping the comparison with the Typst CLI", file=sys.stderr)

        hundred = make(100, os.path.join(work, "hundred"))
        t1 = timed([BRIEF, "pdf", *hundred, "--out-dir", out, "--jobs", "1"], args.repeat)
        t2 = timed([BRIEF, "pdf", *hundred, "--out-dir", out, "--jobs", "2"], args.repeat)
        rows.append(("100 briefs: --jobs 1 / --jobs 2", t1 / t2, ">= 1.6"))

        small = make(1, os.path.join(work, "t200"), "--events", "200", "--actors", "300")
        large = make(1, os.path.join(work, "t2000"), "--events", "2000", "--actors", "300")
        t_small = timed([BRIEF, "pdf", small[0], "-o", os.path.join(work, "t200.pdf")], args.repeat)
        t_large = timed([BRIEF, "pdf", large[0], "-o", os.path.join(work, "t2000.pdf")], args.repeat)
        rows.append(("timeline: 2,000 events / 200 events (10x the events)", t_large / t_small, "<= 10"))

        if args.memory:
            thousand = make(1000, os.path.join(work, "thousand"))
            m100 = peak_kib([BRIEF, "pdf", *hundred, "--out-dir", out, "--quiet"])
            m1000 = peak_kib([BRIEF, "pdf", os.path.join(work, "thousand"), "--out-dir", out, "--quiet"])
            rows.append(("peak memory: 1,000 briefs / 100 briefs", m1000 / m100, "~ 1"))
            rows.append((f"peak memory for 1,000 briefs, MiB (of 400)", m1000 / 1024, "< 400"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    width = max(len(r[0]) for r in rows)
    for name, ratio, goal in rows:
        print(f"{name:<{width}}  {ratio:7.2f}   (goal {goal})")


if __name__ == "__main__":
    main()
