"""Download buttons for tables and the meeting pack (the Streamlit edge of reports/).

Files are made only when asked for: a table's files when its button is clicked (`data` is
a callable, run by Streamlit on a separate thread without Streamlit commands), the pack when
"Make the meeting pack" is clicked (its steps shown in a status box), so a page does not pay
for exports nobody asks for. The callables use pure functions only: no session state, no cache. The export
libraries (openpyxl, python-pptx, fpdf2, vl-convert) are imported only then, through
`runtime.warmup.import_locked`, so a server that never exports does not hold them in memory.
"""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from access.roles import READ
from domain.filters import Filters
from reports.content import Progress
from reports.pack_files import file_slug, pack_files
from runtime.warmup import import_locked
from services.single_view import compute_meeting_views
from ui.auth import require
from ui.data import cached, get_engine
from ui.i18n import lang, number, t
from ui.survey import survey_min_group

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


PACK_FILES = (
    ("pptx", "pack.pptx", "reports.download.pptx", PPTX_MIME, ":material/slideshow:"),
    ("pdf", "pack.pdf", "reports.download.pdf", PDF_MIME, ":material/picture_as_pdf:"),
    ("xlsx", "tables.xlsx", "reports.download.xlsx", XLSX_MIME, ":material/table_view:"),
)


def download_pack(*, filters: Filters, key: str = "pack") -> None:
    """The meeting pack section: one button makes the pack (its steps shown as they run),
    then PPTX, PDF and the Excel workbook download from that one build.

    The files are kept in the session for these filters and this language only, so a
    changed filter never offers a stale pack.
    """
    require(READ)
    engine = get_engine()
    language = lang()
    min_group = survey_min_group().value
    stem = f"{file_slug(t('reports.download.title'))}-{filters.as_of:%Y-%m}-{language}"
    state_key = f"{key}_files"
    wanted = (filters, language, min_group)

    st.subheader(t("reports.download.title"))
    st.caption(t("reports.download.caption"))
    if st.button(t("reports.download.make"), key=f"{key}_make", icon=":material/play_arrow:", type="primary"):
        started = time.perf_counter()
        with st.status(t("reports.download.make"), expanded=True) as status:
            bar = st.progress(0.0)

            def progress(step: int, steps: int, label: str) -> None:
                bar.progress((step - 1) / steps, text=f"{step}/{steps} · {label}")
                status.update(label=label)

            try:
                files = _make_pack(
                    engine, filters=filters, language=language, min_group=min_group, progress=progress
                )
            except RuntimeError as exc:  # FontMissing: the message says what to install
                status.update(label=t("reports.download.make"), state="error")
                st.error(str(exc))
                return
            bar.progress(1.0)
            seconds = number(time.perf_counter() - started, decimals=1)
            status.update(
                label=t("reports.download.ready", seconds=seconds), state="complete", expanded=False
            )
        st.session_state[state_key] = (wanted, files)
    made = st.session_state.get(state_key)
    if not made or made[0] != wanted:
        st.session_state.pop(state_key, None)  # a pack for other filters is not kept
        return
    files = made[1]
    with st.container(horizontal=True):
        for suffix, name, label, mime, icon in PACK_FILES:
            st.download_button(
                t(label),
                data=files[name],
                file_name=f"{stem}.{suffix}",
                mime=mime,
                key=f"{key}_{suffix}",
                on_click="ignore",
                icon=icon,
            )


def _make_pack(
    engine: Engine, *, filters: Filters, language: str, min_group: int, progress: Progress
) -> dict[str, bytes]:
    """The pack's PPTX, PDF and workbook from one model (the Overview's view, already computed)."""
    import_locked("reports.render").start_warm_up()  # alongside the imports below
    import_locked("reports.pptx_pack")
    import_locked("reports.pdf_pack")
    import_locked("reports.tables")
    # The Overview's views, from the app's cache (the same ones the page just showed).
    views = cached(compute_meeting_views, filters=filters, min_group=min_group)
    view, previous = views.current, views.previous
    # Only here: the pack's charts need Altair, which the Overview's own server never loads.
    pack = import_locked("reports.pack").build_pack(
        engine,
        filters=filters,
        lang=language,
        min_group=min_group,
        view=view,
        previous_view=previous,
        progress=progress,
    )
    files = pack_files(pack, progress=progress)
    return {name: files[name] for _, name, *_ in PACK_FILES}
