"""Import: templates and column documentation, upload, dry-run preview, apply, import log."""

import streamlit as st

from access.roles import EDIT_DATA
from data_access.importer import (
    IMPORT_KINDS,
    KINDS,
    WORKBOOK,
    column_docs,
    issue_message,
    issues_csv,
    issues_frame,
    limits_from_env,
    preview_frame,
    refuse_oversized,
    results_frame,
    run_import,
    template_csv,
    template_xlsx,
)
from data_access.importer.mapping import mapping_json
from ui.auth import require
from ui.data import get_engine
from ui.i18n import lang, number, t
from ui.import_steps import PREVIEW_KEY, RESULT_KEY, apply_import, mapping_step, progress_bar, show_import_log
from ui.text import md, tm

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
    mapping, mapping_name = mapping_step(kind, uploaded, limits)
    cache_key = (uploaded.file_id, kind, lang(), None if mapping is None else mapping_json(mapping))
    preview = st.session_state.get(PREVIEW_KEY)
    if preview is None or preview[0] != cache_key:
        report = refuse_oversized(file_name=uploaded.name, size=uploaded.size, kind=kind, limits=limits)
        if report is None:
            bar, tell = progress_bar()
            report = run_import(
                engine=get_engine(),
                kind=kind,
                file_name=uploaded.name,
                data=uploaded.getvalue(),
                dry_run=True,
                user_name=user.name,
                limits=limits,
                progress=tell,
                mapping=mapping,
                mapping_name=mapping_name,
            )
            bar.empty()
        st.session_state[PREVIEW_KEY] = (cache_key, report)
    else:
        report = preview[1]

    st.subheader(t("importer.preview_title"))
    if report.mapping_name:
        st.caption(tm("importer.mapping.used", name=report.mapping_name))
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
            on_click=apply_import,
            args=(kind, uploaded.name, uploaded.getvalue(), mapping, mapping_name),
        )

show_import_log()
