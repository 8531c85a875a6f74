"""Regenerate docs/overview.png, the README's screenshot of the Overview (English, 1440x900).

Usage: .venv/bin/python scripts/screenshot.py [--output docs/overview.png] [--lang en]

Serves the app on a free port over a fresh SQLite demo database, opens it in Debian's
Chromium, waits for the page and its charts, and saves a palette PNG to keep the file small.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import (  # noqa: E402 - needs the repository on sys.path
    launch_chromium,
    streamlit_server,
    wait_for_app,
    wait_for_charts,
)

VIEWPORT = {"width": 1440, "height": 900}


def shrink_png(path: Path) -> None:
    """Re-encode as a 256-colour optimised PNG: a dashboard has few colours, the file a fraction."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=0)
    small.save(path, optimize=True)


def take_screenshot(*, output: Path, lang: str) -> None:
    from playwright.sync_api import sync_playwright

    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshot-") as workdir:
        database_url = f"sqlite:///{Path(workdir) / 'alignment.db'}"
        with (
            streamlit_server(database_url=database_url, log_dir=Path(workdir)) as base_url,
            sync_playwright() as playwright,
        ):
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"{base_url}/?lang={lang}")
            wait_for_app(page)
            page.locator("[data-testid='stMetric']").first.wait_for()
            wait_for_charts(page)
            page.wait_for_timeout(2500)  # the tiles' sparklines draw after the script has finished
            page.screenshot(path=str(output))
            browser.close()
    shrink_png(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "overview.png")
    parser.add_argument("--lang", default="en", choices=["en", "nl"])
    args = parser.parse_args()
    take_screenshot(output=args.output, lang=args.lang)
    print(f"wrote {args.output} ({args.output.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
