#!/usr/bin/env python3
"""Writes the GitHub Actions examples of README.md and docs/ as workflows for actionlint to check.

Each ```yaml block becomes a workflow in DIR/.github/workflows: a whole workflow as it is, a
job (or jobs) under `jobs:`, and steps in a job of their own. `uses: policy-briefs/brief@...`
becomes `uses: ./` and action.yml is copied beside them, so actionlint checks the examples'
inputs against the action as it is. Usage: readme-workflows.py DIR; then `actionlint` in DIR.
"""

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACTION = re.compile(r"uses: policy-briefs/brief@\S+")


def workflow(block: str) -> str:
    block = ACTION.sub("uses: ./", block)
    first = block.lstrip("\n").splitlines()[0]
    if not first.startswith(" "):
        return block
    header = "on: [push, pull_request]\njobs:\n"
    if first.lstrip().startswith("- "):
        # Steps, indented as in a job: give them one.
        return header + "  example:\n    runs-on: ubuntu-latest\n    steps:\n" + block
    return header + block


def main() -> None:
    out = Path(sys.argv[1])
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    blocks = [
        block
        for page in pages
        for block in re.findall(
            r"^```yaml\n(.*?)^```", page.read_text(encoding="utf-8"), flags=re.S | re.M
        )
    ]
    if not blocks:
        sys.exit("readme-workflows: README.md and docs/ have no ```yaml block")
    workflows = out / ".github" / "workflows"
    workflows.mkdir(parents=True, exist_ok=True)
    for number, block in enumerate(blocks, 1):
        (workflows / f"readme-{number}.yml").write_text(workflow(block), encoding="utf-8")
    shutil.copy(ROOT / "action.yml", out / "action.yml")
    # actionlint looks for the project's root, a folder holding .git, above the workflows.
    (out / ".git").mkdir(exist_ok=True)
    print(f"{len(blocks)} examples from README.md and docs/ in {workflows}")


if __name__ == "__main__":
    main()
