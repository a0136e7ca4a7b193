#!/usr/bin/env python3
"""Lists the longest functions of src/ (unit tests aside) and fails if one is over the limit.

    python3 scripts/function-lengths.py [--most N] [--limit LINES]

A function runs from its `fn` line to the line of its closing brace, found by counting braces
outside strings, chars and comments; a `#[cfg(test)]` module is skipped whole. Long functions
hide their steps: one over the limit (120 lines) is split into named steps.
"""
import argparse
import pathlib
import re
import sys

FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?(extern\s+\"[^\"]*\"\s+)?fn\s+(\w+)")


def code_only(line, state):
    """The line with strings, chars and comments blanked; `state` carries a block comment or a
    raw/plain string across lines."""
    out = []
    i = 0
    while i < len(line):
        if state["in"] == "block":
            end = line.find("*/", i)
            if end < 0:
                return "".join(out)
            i = end + 2
            state["in"] = None
            continue
        if state["in"] == "str":
            c = line[i]
            if c == "\\":
                i += 2
                continue
            if c == '"':
                state["in"] = None
            i += 1
            continue
        if state["in"] == "raw":
            end = line.find('"' + "#" * state["hashes"], i)
            if end < 0:
                return "".join(out)
            i = end + 1 + state["hashes"]
            state["in"] = None
            continue
        c = line[i]
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            state["in"] = "block"
            i += 2
            continue
        m = re.match(r'b?r(#*)"', line[i:])
        if m and (i == 0 or not (line[i - 1].isalnum() or line[i - 1] == "_")):
            state["in"] = "raw"
            state["hashes"] = len(m.group(1))
            i += m.end()
            continue
        if c == '"':
            state["in"] = "str"
            i += 1
            continue
        m = re.match(r"b?'(\\.|\\u\{[0-9a-fA-F]+\}|[^\\'])'", line[i:])
        if m:
            i += m.end()
            continue
        out.append(c)
        i += 1
    return "".join(out)


def functions(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    state = {"in": None, "hashes": 0}
    depth = 0
    open_fns = []  # (name, start line, depth at which its body opened)
    skip_until = None  # depth at which a #[cfg(test)] module closes
    pending_test = False
    found = []
    for number, raw in enumerate(lines, 1):
        code = code_only(raw, state)
        if skip_until is None and re.match(r"\s*#\[cfg\(test\)\]", code):
            pending_test = True
        m = FN.match(code)
        if m and skip_until is None:
            open_fns.append([m.group(7), number, None])
        for c in code:
            if c == "{":
                depth += 1
                if pending_test and skip_until is None:
                    skip_until = depth
                    pending_test = False
                for f in open_fns:
                    if f[2] is None:
                        f[2] = depth
                        break
            elif c == "}":
                if skip_until is not None and depth == skip_until:
                    skip_until = None
                for f in list(open_fns):
                    if f[2] == depth:
                        found.append((number - f[1] + 1, f"{path}:{f[1]}", f[0]))
                        open_fns.remove(f)
                depth -= 1
            elif c == ";":
                # A declaration without a body (a trait's method).
                open_fns = [f for f in open_fns if f[2] is not None]
        if skip_until is not None:
            open_fns = [f for f in open_fns if f[2] is not None and f[2] < skip_until]
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--most", type=int, default=10)
    parser.add_argument("--limit", type=int, default=120)
    args = parser.parse_args()
    root = pathlib.Path(__file__).resolve().parent.parent / "src"
    found = []
    for path in sorted(root.rglob("*.rs")):
        found.extend((n, str(pathlib.Path(w).relative_to(root.parent)), name)
                     for n, w, name in functions(path))
    found.sort(reverse=True)
    for n, where, name in found[: args.most]:
        print(f"{n:5} {where} {name}")
    over = [f for f in found if f[0] > args.limit]
    if over:
        print(f"{len(over)} function(s) over {args.limit} lines", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
