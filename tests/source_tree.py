"""The app's own source files, found rather than listed: every top-level script and every
folder with Python in it, except the tests, docs and deployment files. Scans that walk the
code (security, translations) use this, so a new package is scanned from its first commit."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {"tests", "docs", "deploy"}


def code_roots() -> list[Path]:
    roots = sorted(ROOT.glob("*.py"))
    for path in sorted(ROOT.iterdir()):
        wanted = path.is_dir() and not path.name.startswith(".") and path.name not in SKIPPED_DIRS
        if wanted and any(path.rglob("*.py")):
            roots.append(path)
    return roots


def code_files() -> list[Path]:
    files: list[Path] = []
    for path in code_roots():
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files
