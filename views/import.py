"""Import: templates and column documentation, upload, dry-run preview, apply, import log."""

from collections.abc import Callable
from typing import Any

import streamlit as st

from access.roles import EDIT_DATA, NotAllowed
from data_access.importer import (
    IMPORT_KINDS,
    KINDS,
    WORKBOOK,
    column_docs,
    issue_message,
    issues_csv,
    issues_frame,
    limits_from_env,
    load_import_log,
    preview_frame,
    progress_fraction,
    refuse_oversized,
    results_frame,
    run_import,
    template_csv,
    template_xlsx,
)
from ui.auth import current_user, ensure_allowed, require
from ui.data import clear_caches, get_engine
from ui.i18n import lang, number, t
from ui.text import md
from ui.times import moments, zone

PREVIEW_KEY = "_import_preview"
RESULT_KEY = "_import_result"

user = require(EDIT_DATA)
limits = limits_from_env()

st.title(t("importer.title"))
st.caption(t("importer.caption"))

kind = st.selectbox(
    t("importer.kind_label"),
    options=list(IMPORT_KINDS),
    format_func=lambda k: t(f"importer.kind.{k}"),
    key="import_kind",
)

with st.expander(t("importer.templates"), expanded=False):
    st.caption(
        t(
            "importer.formats",
            max_mb=limits.max_mb,
            max_rows=number(limits.max_rows),
            max_cell=number(limits.max_cell),
        )
    )
    if kind == WORKBOOK:
        st.caption(t("importer.kind.workbook"))
    else:
        csv_col, xlsx_col = st.columns(2)
        csv_col.download_button(
            t("importer.template_csv"),
            data=template_csv(kind),
            file_name=f"{kind}.csv",
            mime="text/csv",
            key="template_csv",
            icon=":material/download:",
        )
        xlsx_col.download_button(
            t("importer.template_xlsx"),
            data=template_xlsx(kind, lang=lang()),
            file_name=f"{kind}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="template_xlsx",
            icon=":material/download:",
        )
        st.markdown(t(f"importer.replaces.{KINDS[kind].replaces or 'upsert'}"))
        st.dataframe(column_docs(kind=kind, lang=lang()), hide_index=True, width="stretch")

uploaded = st.file_uploader(t("importer.upload"), type=["csv", "txt", "xlsx"], key="import_file")


def _progress_bar() -> tuple[Any, Callable[[str, int, int], None]]:
    """A progress bar and the callback run_import tells rows read, validated and written."""
    bar = st.progress(0.0)

    def tell(step: str, done: int, total: int) -> None:
        text = t(f"importer.progress.{step}", done=number(done), total=number(total))
        bar.progress(progress_fraction(step, done, total), text=text)

    return bar, tell


def _apply(kind: str, name: str, data: bytes) -> None:
    try:
        ensure_allowed(current_user(), EDIT_DATA)
    except NotAllowed:
        st.session_state[RESULT_KEY] = "not_allowed"
        return
    bar, tell = _progress_bar()
    report = run_import(
        engine=get_engine(),
        kind=kind,
        file_name=name,
        data=data,
        dry_run=False,
        user_name=current_user().name,
        progress=tell,
    )
    bar.empty()
    if report.applied:
        clear_caches()
    st.session_state[RESULT_KEY] = report
    st.session_state.pop(PREVIEW_KEY, None)


result = st.session_state.pop(RESULT_KEY, None)
if result == "not_allowed":
    st.error(t("auth.not_allowed"))
elif result is not None:
    if result.applied:
        st.success(
            t(
                "importer.applied",
                inserted=result.total("inserted"),
                updated=result.total("updated"),
                unchanged=result.total("unchanged"),
                removed=result.total("removed"),
            ),
            icon=":material/check_circle:",
        )
    else:
        st.error(t("importer.rejected", errors=result.error_count))
        st.dataframe(issues_frame(result, lang()), hide_index=True, width="stretch")

ISSUE_COLUMNS = {
    name: t(f"importer.col.{name}")
    for name in ("file", "sheet", "row", "column", "value", "severity", "message")
}
COUNT_COLUMNS = {
    name: t(f"importer.col.{name}")
    for name in ("kind", "rows", "inserted", "updated", "unchanged", "removed")
}

if uploaded is not None:
    cache_key = (uploaded.file_id, kind, lang())
    preview = st.session_state.get(PREVIEW_KEY)
    if preview is None or preview[0] != cache_key:
        report = refuse_oversized(file_name=uploaded.name, size=uploaded.size, kind=kind, limits=limits)
        if report is None:
            bar, tell = _progress_bar()
            report = run_import(
                engine=get_engine(),
                kind=kind,
                file_name=uploaded.name,
                data=uploaded.getvalue(),
                dry_run=True,
                user_name=user.name,
                limits=limits,
                progress=tell,
            )
            bar.empty()
        st.session_state[PREVIEW_KEY] = (cache_key, report)
    else:
        report = preview[1]

    st.subheader(t("importer.preview_title"))
    if report.results:
        st.dataframe(
            results_frame(report, lang()), hide_index=True, width="stretch", column_config=COUNT_COLUMNS
        )
    if report.errors:
        st.error(t("importer.preview_errors", errors=report.error_count), icon=":material/error:")
    elif report.warnings:
        st.warning(t("importer.warnings", count=len(report.warnings)), icon=":material/warning:")
    else:
        st.info(t("importer.preview_ok", rows=report.total("rows")), icon=":material/fact_check:")
    for note in (i for i in report.issues if i.severity == "info"):
        st.caption(md(issue_message(note, lang())))
    if report.issues:
        shown_columns = ISSUE_COLUMNS | ({} if report.kind == WORKBOOK else {"sheet": None})
        st.dataframe(
            issues_frame(report, lang()), hide_index=True, width="stretch", column_config=shown_columns
        )
        st.download_button(
            t("importer.download_report"),
            data=issues_csv(report, lang()),
            file_name=f"{uploaded.name}.report.csv",
            mime="text/csv",
            key="download_report",
            icon=":material/download:",
        )
    for kind_result in report.results:
        if kind_result.preview:
            st.caption(t("importer.first_rows", kind=t(f"importer.kind.{kind_result.kind}")))
            st.dataframe(preview_frame(kind_result, lang()), hide_index=True, width="stretch")
    if report.ok:
        st.button(
            t("importer.apply"),
            type="primary",
            key="import_apply",
            icon=":material/upload:",
            on_click=_apply,
            args=(kind, uploaded.name, uploaded.getvalue()),
        )

st.subheader(t("importer.log_title"))
import_log = load_import_log(engine=get_engine())
if import_log.empty:
    st.caption(t("importer.log_empty"))
else:
    st.dataframe(
        import_log.assign(at=moments(import_log["at"])),
        hide_index=True,
        width="stretch",
        column_config={
            "at": t("importer.col.at", zone=zone()),
            "user_name": t("importer.col.user"),
            "kind": t("importer.col.kind"),
            "file_name": t("importer.col.file"),
            "file_size": t("importer.col.size"),
            "sha256": t("importer.col.sha256"),
            "inserted": t("importer.col.inserted"),
            "updated": t("importer.col.updated"),
            "outcome": t("importer.col.outcome"),
            "message": t("importer.col.message"),
        },
    )
