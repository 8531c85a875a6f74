"""Screenshots of every page, in Dutch and English, at 1280x720 (a projector) and 1440x900.

Usage: .venv/bin/python scripts/screenshots.py [--out docs/screens] [--asof 2026-09]
       [--sizes 1280x720,1440x900] [--langs nl,en] [--pages overview,budget,...]
       [--database-url sqlite:///...] [--port N]

Serves the app (tests/browser/harness.py: `streamlit run` on a free or given port, over a
fresh SQLite demo database unless --database-url names one), opens each page in Debian's
Chromium, waits for the script and the charts, and saves what fits in the window (what a
meeting room sees without scrolling) as <page>-<lang>-<width>x<height>.png, a palette PNG.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from access.roles import RESPOND  # noqa: E402 - needs the repository on sys.path
from scripts.screenshot import shrink_png  # noqa: E402 - needs the repository on sys.path
from tests.browser.harness import (  # noqa: E402
    launch_chromium,
    streamlit_server,
    wait_for_app,
    wait_for_visible_charts,
)
from ui.navigation import PAGES as NAVIGATION  # noqa: E402

# Page name -> URL path, from the app's own page registry (a new page is shot from its first
# commit): the default page is "overview"; the respondents' questionnaire is left out (local
# mode has no respondent).
PAGES = {
    ("overview" if spec.default else spec.url_path): spec.url_path
    for spec in NAVIGATION
    if spec.right != RESPOND
}
SIZES = ("1280x720", "1440x900")
LANGS = ("nl", "en")


def _size(text: str) -> dict[str, int]:
    width, height = text.lower().split("x")
    return {"width": int(width), "height": int(height)}


def take_screenshots(
    *,
    base_url: str,
    out: Path,
    asof: str,
    sizes: list[str],
    langs: list[str],
    pages: list[str],
    scroll_to: str | None = None,
) -> list[Path]:
    """Every page × language × size as a PNG in `out`; -> the files written. With
    `scroll_to` (a CSS selector), the first element it matches is scrolled to the top first:
    a section below the fold, such as the Overview's exceptions."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for size in sizes:
                context = browser.new_context(viewport=_size(size))
                page = context.new_page()
                for lang in langs:
                    for name in pages:
                        page.goto(f"{base_url}/{PAGES[name]}?lang={lang}&asof={asof}")
                        wait_for_app(page)
                        wait_for_visible_charts(page, timeout_ms=60_000)
                        page.wait_for_timeout(1500)  # sparklines and fonts settle after the script
                        suffix = ""
                        if scroll_to:
                            page.locator(scroll_to).first.evaluate("e => e.scrollIntoView({block: 'start'})")
                            page.wait_for_timeout(500)
                            suffix = "-scrolled"
                        path = out / f"{name}-{lang}-{size}{suffix}.png"
                        page.screenshot(path=str(path))
                        shrink_png(path)
                        written.append(path)
                        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
                context.close()
        finally:
            browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens")
    parser.add_argument("--asof", default="2026-09")
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--langs", default=",".join(LANGS))
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument(
        "--scroll-to",
        default=None,
        help="a CSS selector scrolled to the top before each shot (-scrolled.png)",
    )
    args = parser.parse_args()
    pages = [name for name in args.pages.split(",") if name]
    unknown = set(pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {sorted(unknown)}; known: {sorted(PAGES)}")
    with tempfile.TemporaryDirectory(prefix="screenshots-") as workdir:
        database_url = args.database_url or f"sqlite:///{Path(workdir) / 'alignment.db'}"
        with streamlit_server(
            database_url=database_url, log_dir=Path(workdir), port=args.port, timeout_s=120
        ) as base_url:
            take_screenshots(
                base_url=base_url,
                out=args.out,
                asof=args.asof,
                sizes=args.sizes.split(","),
                langs=args.langs.split(","),
                pages=pages,
                scroll_to=args.scroll_to,
            )


if __name__ == "__main__":
    main()
