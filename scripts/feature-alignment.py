#!/usr/bin/env python3
"""Checks that the dev-dependencies switch on no feature of a crate the normal build also uses.

If they do, `cargo test` after `cargo build` compiles that crate again, and with it everything
above it: Typst, for most crates. Prints each difference and exits 1 if there is any; the fix
is to ask for the same features in Cargo.toml's [dependencies] (see the comment there).
"""
import subprocess
import sys


def features(edges):
    out = subprocess.run(
        ["cargo", "tree", "-e", edges, "--prefix", "none", "-f", "{p} {f}", "--target", "all"],
        check=True, capture_output=True, text=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        parts = line.replace(" (*)", "").split()
        if len(parts) < 2:
            continue
        name = f"{parts[0]} {parts[1]}"
        found.setdefault(name, set()).update(parts[2].split(",") if len(parts) > 2 else [])
    return found


normal = features("normal,build")
with_dev = features("normal,build,dev")
differences = [
    (name, sorted(with_dev[name] - normal[name]))
    for name in sorted(normal)
    if with_dev.get(name, set()) != normal[name]
]
for name, extra in differences:
    print(f"{name}: the dev-dependencies add {', '.join(extra)}")
if differences:
    sys.exit(1)
print(f"feature sets aligned: {len(normal)} crates of the normal build, same features under test")
