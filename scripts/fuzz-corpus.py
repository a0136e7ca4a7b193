#!/usr/bin/env python3
"""Writes the seeds of the fuzz targets: every brief of the repository with the files it names.

    python3 scripts/fuzz-corpus.py fuzz/corpus/bundles

Each seed is a brief followed by its files, each introduced by a line `%% NAME` (the form
fuzz/fuzz_targets/bundle.rs reads): the figures' data and pictures, a logo, bibliography files
and a `.csl` style, found as the quoted paths in the brief that lie beside it. The briefs are
those of briefs/, tests/fixtures/ (with their folders), tests/errors/ and tests/warnings/.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FILES = re.compile(r'"([A-Za-z0-9_./-]+\.(?:csv|png|jpe?g|svg|json|bib|bibtex|ya?ml|csl))"')
NAME = re.compile(r"^[a-z0-9._-]+(/[a-z0-9._-]+){0,3}$")


def bundle(brief: pathlib.Path) -> bytes:
    text = brief.read_bytes()
    out = bytearray(text)
    seen = set()
    for name in FILES.findall(text.decode("utf-8", "replace")):
        path = (brief.parent / name).resolve()
        if name in seen or not NAME.match(name) or ".." in name.split("/"):
            continue
        if not path.is_file() or ROOT not in path.parents:
            continue
        seen.add(name)
        out += b"\n%% " + name.encode() + b"\n" + path.read_bytes()
    return bytes(out)


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus/bundles")
    out.mkdir(parents=True, exist_ok=True)
    briefs = sorted(
        [*ROOT.glob("briefs/*.toml"), *ROOT.glob("tests/fixtures/**/*.toml"),
         *ROOT.glob("tests/errors/*.toml"), *ROOT.glob("tests/warnings/*.toml")]
    )
    for brief in briefs:
        name = str(brief.relative_to(ROOT)).replace("/", "-")
        (out / name).write_bytes(bundle(brief))
    with_files = sum(1 for p in out.iterdir() if b"\n%% " in p.read_bytes())
    print(f"{len(briefs)} seeds in {out}, {with_files} with files")


if __name__ == "__main__":
    main()
