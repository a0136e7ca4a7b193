#!/usr/bin/env python3
"""Measures `brief watch` on the Belarus brief, in one run, as ratios against a baseline taken in
the same run (these machines are shared and noisy, so absolute times mean little):

- rebuild after editing one field (the title, alternately) against the watch's own cold first
  build, and against a cold `brief pdf` process; goal: 0.25x or less;
- from a save to the rewritten PDF (what a reader waits for), against the cold build;
- with --memory, the peak memory (VmHWM) after 500 rebuilds of alternating edits against the
  peak after 10; goal: 1.5x or less;
- with --serve, from a save to the preview's new state and the new picture of page 1 served
  (what the page fetches; the page polls every 0.15 s on top); goal: 0.5 s or less.

    python3 scripts/watch-bench.py [--edits 20] [--memory] [--serve] [--brief PATH]

Needs a build of brief (release for figures worth quoting: `cargo build --release`; the
default is $CARGO_TARGET_DIR/release/brief, else target/release/brief). Linux only (/proc).
"""

import argparse
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BUILT = re.compile(r"^(built|failed) .*?([0-9.]+) s[);]")


class Watch:
    def __init__(self, brief, folder, name, serve=False):
        self.proc = subprocess.Popen(
            [brief, "watch", name] + (["--serve"] if serve else []),
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, NO_COLOR="1"),
        )
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))

    def next_build(self):
        """(wall time the line arrived, seconds the build says it took, the line)."""
        while True:
            at, line = self.lines.get(timeout=120)
            match = BUILT.match(line)
            if match:
                if match.group(1) != "built":
                    sys.exit(f"a build failed: {line}")
                return at, float(match.group(2)), line

    def peak_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.send_signal(2)
        self.proc.wait(timeout=30)


def save(path, text):
    """As an editor that writes a new file and renames it over the old one."""
    temporary = path + ".swp"
    with open(temporary, "w") as f:
        f.write(text)
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--brief", default=os.path.join(TARGET, "release", "brief"))
    args = parser.parse_args()
    if not os.path.exists(args.brief):
        sys.exit(f"{args.brief} is missing: cargo build --release (or pass --brief)")

    folder = tempfile.mkdtemp()
    try:
        path = os.path.join(folder, "belarus.toml")
        original = open(os.path.join(ROOT, "briefs", "belarus.toml")).read()
        shutil.copy(os.path.join(ROOT, "briefs", "belarus.toml"), path)
        title = re.search(r'^title = "(.*)"$', original, re.M).group(1)

        def edited(i):
            return original.replace(f'title = "{title}"', f'title = "{title} ({i % 2})"', 1)

        # A cold build in a fresh process, as `brief pdf` does it.
        cold_runs = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([args.brief, "pdf", "belarus.toml", "-q"], cwd=folder, check=True)
            cold_runs.append(time.perf_counter() - start)
        cold_process = statistics.median(cold_runs)

        watch = Watch(args.brief, folder, "belarus.toml")
        _, cold_watch, _ = watch.next_build()
        rebuilds, latencies = [], []
        after_10 = None
        for i in range(args.edits):
            start = time.perf_counter()
            save(path, edited(i))
            arrived, took, _ = watch.next_build()
            rebuilds.append(took)
            latencies.append(arrived - start)
            if i + 1 == 10:
                after_10 = watch.peak_kib()
        rebuild = statistics.median(rebuilds)
        latency = statistics.median(latencies)
        print(f"cold build (first build of the watch): {cold_watch:.3f} s")
        print(f"cold `brief pdf` process:              {cold_process:.3f} s")
        print(f"rebuild after editing the title:       {rebuild:.3f} s (median of {args.edits})")
        print(f"  ratio to the watch's cold build:     {rebuild / cold_watch:.2f}x (goal <= 0.25x)")
        print(f"  ratio to a cold process:             {rebuild / cold_process:.2f}x")
        print(f"save to rewritten PDF:                 {latency:.3f} s (median)")
        print(f"  ratio to the cold build:             {latency / cold_watch:.2f}x")

        if args.memory:
            done = args.edits
            while done < 10:
                save(path, edited(done))
                watch.next_build()
                done += 1
            if after_10 is None:
                after_10 = watch.peak_kib()
            while done < 500:
                save(path, edited(done))
                watch.next_build()
                done += 1
            after_500 = watch.peak_kib()
            print(f"peak memory after 10 builds:           {after_10 / 1024:.1f} MiB")
            print(f"peak memory after 500 builds:          {after_500 / 1024:.1f} MiB")
            print(f"  ratio:                               {after_500 / after_10:.2f}x (goal <= 1.5x)")
        watch.stop()

        if args.serve:
            import json
            import urllib.request

            watch = Watch(args.brief, folder, "belarus.toml", serve=True)
            at, line = watch.lines.get(timeout=60)
            address = line.split("serving the preview at ", 1)[1].rstrip("/")
            watch.next_build()

            def state():
                with urllib.request.urlopen(address + "/state") as response:
                    return json.load(response)

            latencies = []
            for i in range(args.edits):
                before = state()["pages_generation"]
                start = time.perf_counter()
                save(path, edited(i))
                while state()["pages_generation"] == before:
                    time.sleep(0.005)
                with urllib.request.urlopen(address + "/page/1.svg") as response:
                    response.read()
                latencies.append(time.perf_counter() - start)
            preview = statistics.median(latencies)
            print(f"save to updated preview (state + page 1): {preview:.3f} s (median; the page")
            print(f"  polls every 0.15 s on top: at most {preview + 0.15:.3f} s; goal <= 0.5 s)")
            watch.stop()
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
