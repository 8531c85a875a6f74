"""Download buttons for tables and the meeting pack (the Streamlit edge of reports/).

Files are made only when the button is clicked (`data` is a callable, run by Streamlit on
a separate thread without Streamlit commands), so a page does not pay for exports nobody
asks for. The callables use pure functions only: no session state, no cache. The export
libraries (openpyxl, python-pptx, fpdf2, vl-convert) are imported only then, through
`ui.warmup.import_locked`, so a server that never exports does not hold them in memory.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from access.roles import READ
from kpis.periods import Filters
from reports.pack import build_pack, file_slug, pack_tables
from ui.auth import require
from ui.data import get_engine
from ui.i18n import lang, t
from ui.survey import survey_min_group
from ui.warmup import import_locked

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PDF_MIME = "application/pdf"


def download_table(frame: pd.DataFrame, *, name: str, key: str) -> None:
    """CSV (in the chosen language's convention) and Excel buttons for a table shown on the page.

    `frame` is the table as shown, filters applied, headers translated; `name` its title.
    """
    require(READ)
    language = lang()
    snapshot = frame.copy()
    slug = file_slug(name)
    row = st.container(horizontal=True)
    with row:
        st.download_button(
            t("reports.download.csv"),
            data=lambda: import_locked("reports.tables").to_csv_bytes(snapshot, lang=language),
            file_name=f"{slug}.csv",
            mime=CSV_MIME,
            key=f"{key}_csv",
            on_click="ignore",
            icon=":material/download:",
            help=t("reports.download.csv_help"),
        )
        st.download_button(
            t("reports.download.excel"),
            data=lambda: import_locked("reports.tables").to_xlsx_bytes({name: snapshot}, lang=language),
            file_name=f"{slug}.xlsx",
            mime=XLSX_MIME,
            key=f"{key}_xlsx",
            on_click="ignore",
            icon=":material/table_view:",
        )


def download_pack(*, filters: Filters, key: str = "pack") -> None:
    """The meeting pack section: PPTX, PDF and Excel of the pack's tables for `filters`."""
    require(READ)
    engine = get_engine()
    language = lang()
    min_group = survey_min_group().value
    stem = f"{file_slug(t('reports.download.title'))}-{filters.as_of:%Y-%m}-{language}"

    def pptx() -> bytes:
        build_pptx = import_locked("reports.pptx_pack").build_pptx
        return build_pptx(build_pack(engine, filters=filters, lang=language, min_group=min_group))

    def pdf() -> bytes:
        build_pdf = import_locked("reports.pdf_pack").build_pdf
        return build_pdf(build_pack(engine, filters=filters, lang=language, min_group=min_group))

    def xlsx() -> bytes:
        to_xlsx_bytes = import_locked("reports.tables").to_xlsx_bytes
        return to_xlsx_bytes(
            pack_tables(build_pack(engine, filters=filters, lang=language, min_group=min_group)),
            lang=language,
        )

    st.subheader(t("reports.download.title"))
    st.caption(t("reports.download.caption"))
    buttons = (
        ("pptx", t("reports.download.pptx"), pptx, PPTX_MIME, ":material/slideshow:"),
        ("pdf", t("reports.download.pdf"), pdf, PDF_MIME, ":material/picture_as_pdf:"),
        ("xlsx", t("reports.download.xlsx"), xlsx, XLSX_MIME, ":material/table_view:"),
    )
    with st.container(horizontal=True):
        for suffix, label, make, mime, icon in buttons:
            st.download_button(
                label,
                data=make,
                file_name=f"{stem}.{suffix}",
                mime=mime,
                key=f"{key}_{suffix}",
                on_click="ignore",
                icon=icon,
            )
