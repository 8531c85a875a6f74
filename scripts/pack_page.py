"""Regenerate docs/pack-page1.png, the README's picture of the meeting pack's first page.

Usage: .venv/bin/python scripts/pack_page.py [--output docs/pack-page1.png] [--lang en]

Builds the pack for October 2026 on a fresh SQLite demo database (no organisation
settings: the generic title), writes its PDF and renders page one with poppler's pdftoppm.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from data_access.demo import DEMO_LAST_ACTUAL_MONTH, seed_demo  # noqa: E402
from data_access.engine import create_db_engine, upgrade_schema  # noqa: E402
from domain.filters import Filters  # noqa: E402
from reports.pack import build_pack  # noqa: E402
from reports.pdf_pack import build_pdf  # noqa: E402
from services.organisation import Organisation  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
from screenshot import shrink_png  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "pack-page1.png")
    parser.add_argument("--lang", choices=("nl", "en"), default="en")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        engine = create_db_engine(f"sqlite:///{folder}/demo.db")
        upgrade_schema(engine)
        seed_demo(engine)
        pack = build_pack(
            engine,
            filters=Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH),
            lang=args.lang,
            exported_at=dt.datetime(2026, 11, 3, 9, 30),
            organisation=Organisation(),
        )
        engine.dispose()
        pdf = Path(folder) / "pack.pdf"
        pdf.write_bytes(build_pdf(pack))
        stem = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
            check=True,
            timeout=120,
        )
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_bytes(stem.with_suffix(".png").read_bytes())
    shrink_png(args.output)
    print(args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
