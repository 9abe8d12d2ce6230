"""Set the repository and ref that Colab clones, in the one place they live, and re-derive the rest.

`notebooks/_colab_setup.ipy` holds COURSE_REPO and COURSE_REF. This script rewrites them there,
syncs every notebook's first code cell to it, and rewrites every "Open in Colab" badge (README,
notebook title cells, CONVENTIONS) to open the notebooks at that same repository and ref:
    python scripts/colab_links.py --repo https://github.com/me/my-fork --ref v0.2.0
    python scripts/colab_links.py --check      # exit 1 if any link or cell disagrees
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbtools import REPO_ROOT, SETUP_SNIPPET, course_notebooks, sync_setup_cell

SETTING = re.compile(r'^(COURSE_(?:REPO|REF)) = "([^"]*)"', re.MULTILINE)
BADGE = re.compile(r"https://colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob/([\w./-]+?)/notebooks/")
GITHUB = re.compile(r"^https://github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?$")
LINKED_FILES = ("README.md", "notebooks/CONVENTIONS.md")


def read_setting(snippet: str | None = None) -> tuple[str, str]:
    """(COURSE_REPO, COURSE_REF) as the setup cell states them."""
    values = dict(SETTING.findall(snippet if snippet is not None else SETUP_SNIPPET.read_text()))
    if set(values) != {"COURSE_REPO", "COURSE_REF"}:
        raise ValueError(f"{SETUP_SNIPPET.name} must set COURSE_REPO and COURSE_REF; found {sorted(values)}")
    return values["COURSE_REPO"], values["COURSE_REF"]


def github_slug(repo: str) -> str:
    """'owner/name' of a https://github.com/owner/name URL (Colab opens GitHub notebooks only)."""
    match = GITHUB.match(repo)
    if not match:
        raise ValueError(f"COURSE_REPO must look like https://github.com/<owner>/<name>, got {repo!r}")
    return match.group(1)


def badge_prefix(repo: str, ref: str) -> str:
    """The Colab URL prefix that opens notebooks of `repo` at `ref`."""
    return f"https://colab.research.google.com/github/{github_slug(repo)}/blob/{ref}/notebooks/"


def _texts() -> dict[str, str]:
    """Every text holding badges: linked files and notebook markdown cells, by a readable name."""
    texts = {name: (REPO_ROOT / name).read_text() for name in LINKED_FILES}
    for path in course_notebooks():
        nb = nbformat.read(path, as_version=4)
        texts[f"notebooks/{path.name}"] = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return texts


def mismatches() -> list[str]:
    """Places whose badge or setup cell disagrees with the setup snippet's repository and ref."""
    repo, ref = read_setting()
    want = badge_prefix(repo, ref)
    problems = []
    for name, text in _texts().items():
        found = [m.group(0) for m in BADGE.finditer(text)]
        if not found:
            problems.append(f"{name}: no Open-in-Colab badge")
        problems += [f"{name}: badge opens {url}, expected {want}" for url in found if url != want]
    from nbtools import setup_cell_source

    for path in course_notebooks():
        first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        if first.source != setup_cell_source():
            problems.append(f"notebooks/{path.name}: first code cell differs from {SETUP_SNIPPET.name}")
    return problems


def rewrite(repo: str, ref: str) -> None:
    """Set repository and ref in the setup snippet, then re-derive setup cells and badges."""
    want = badge_prefix(repo, ref)
    snippet = SETUP_SNIPPET.read_text()
    snippet = SETTING.sub(lambda m: f'{m.group(1)} = "{repo if m.group(1) == "COURSE_REPO" else ref}"', snippet)
    SETUP_SNIPPET.write_text(snippet)
    for name in LINKED_FILES:
        path = REPO_ROOT / name
        path.write_text(BADGE.sub(want, path.read_text()))
    for path in course_notebooks():
        sync_setup_cell(path)
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = BADGE.sub(want, cell.source)
        nbformat.write(nb, path)


def main() -> int:
    """Rewrite (with --repo/--ref) or check (--check) the Colab links."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", help="https://github.com/<owner>/<name>")
    parser.add_argument("--ref", help="branch or tag the setup cell clones and the badges open")
    parser.add_argument("--check", action="store_true", help="only report disagreements")
    args = parser.parse_args()
    if not args.check:
        repo, ref = read_setting()
        rewrite(args.repo or repo, args.ref or ref)
    problems = mismatches()
    repo, ref = read_setting()
    print("\n".join(problems) if problems else f"Colab links agree: {repo} @ {ref}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
