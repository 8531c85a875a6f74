"""The pack's files from one content model: pack.pptx, pack.pdf, tables.xlsx and a CSV per table."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from i18n.format import currency_symbol
from reports.content import PACK_STEPS, Pack, Progress


def pack_tables(pack: Pack) -> dict[str, pd.DataFrame]:
    """Every table of the pack by title, for the Excel workbook and the CSV files."""
    return {table.title: table.frame for table in pack.all_tables()}


def file_slug(title: str) -> str:
    """A safe file name part from a title: `Budget per maand` → `budget-per-maand`."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug or "table"


def pack_files(pack: Pack, *, progress: Progress | None = None) -> dict[str, bytes]:
    """The pack's files from one model: pack.pptx, pack.pdf, tables.xlsx and a CSV per table.

    `progress` is told of the steps "slides", "pdf" and "tables" (see `build_pack`).
    """
    # The export libraries only here: the app imports this module for its first render.
    from reports.pdf_pack import build_pdf
    from reports.pptx_pack import build_pptx
    from reports.tables import money_number_format, to_csv_bytes, to_xlsx_bytes

    def step(name: str) -> None:
        if progress is not None:
            progress(PACK_STEPS.index(name) + 1, len(PACK_STEPS), pack.text(f"reports.step.{name}"))

    step("slides")
    files = {"pack.pptx": build_pptx(pack)}
    step("pdf")
    files["pack.pdf"] = build_pdf(pack)
    step("tables")
    tables = pack_tables(pack)
    money = money_number_format(pack.currency, pack.lang)
    symbol = currency_symbol(pack.currency, pack.lang)
    money_columns = {
        pack.text(f"reports.col.{name}", currency=symbol): money for name in ("planned", "actual")
    }
    files["tables.xlsx"] = to_xlsx_bytes(tables, lang=pack.lang, number_formats=money_columns)
    for title, frame in tables.items():
        files[f"{file_slug(title)}.csv"] = to_csv_bytes(frame, lang=pack.lang)
    return files


def write_pack(pack: Pack, out_dir: Path, *, progress: Progress | None = None) -> list[Path]:
    """Write pack.pptx, pack.pdf, tables.xlsx and one CSV per table into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in pack_files(pack, progress=progress).items():
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    return written
