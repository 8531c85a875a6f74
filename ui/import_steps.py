"""The import page's steps: the column-mapping step, the progress bar, applying an import
and the import log (Streamlit; the importer itself is data_access.importer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from access.roles import EDIT_DATA, NotAllowed
from data_access.import_mappings import (
    MappingNameTaken,
    load_import_mappings,
    recognise_import_mapping,
    save_import_mapping,
)
from data_access.importer import (
    KINDS,
    WORKBOOK,
    Limits,
    load_import_log,
    progress_fraction,
    run_import,
)
from data_access.importer.mapping import (
    first_sheet,
    mapped_preview,
    mapping_json,
    matches_template,
    resolve_mapping,
    suggest_mapping,
)
from ui import auth
from ui.data import clear_caches, get_engine
from ui.i18n import lang, number, t
from ui.text import tm
from ui.times import moments, zone

PREVIEW_KEY = "_import_preview"
RESULT_KEY = "_import_result"
SHEET_KEY = "_import_sheet"
MAPPING_NOTE_KEY = "_import_mapping_note"


def progress_bar() -> tuple[Any, Callable[[str, int, int], None]]:
    """A progress bar and the callback run_import tells rows read, validated and written."""
    bar = st.progress(0.0)

    def tell(step: str, done: int, total: int) -> None:
        text = t(f"importer.progress.{step}", done=number(done), total=number(total))
        bar.progress(progress_fraction(step, done, total), text=text)

    return bar, tell


def _save_mapping(kind: str, header: list[str], mapping: dict[str, str], name_key: str) -> None:
    try:
        auth.ensure_allowed(auth.current_user(), EDIT_DATA)
        name = st.session_state.get(name_key, "")
        save_import_mapping(
            engine=get_engine(),
            user=auth.current_user(),
            name=name,
            kind=kind,
            header=header,
            mapping=mapping,
        )
    except NotAllowed:
        st.session_state[MAPPING_NOTE_KEY] = ("error", t("auth.not_allowed"))
    except MappingNameTaken as exc:
        st.session_state[MAPPING_NOTE_KEY] = ("error", t(str(exc)))
    except ValueError as exc:
        st.session_state[MAPPING_NOTE_KEY] = ("error", t(str(exc)))
    else:
        st.session_state[MAPPING_NOTE_KEY] = (
            "success",
            tm("importer.mapping.saved", name=" ".join(name.split())),
        )


def mapping_step(kind: str, uploaded: Any, limits: Limits) -> tuple[dict[str, str] | None, str | None]:
    """The column-mapping step when the file's columns are not the template's: the mapping
    chosen (and the saved mapping's name when it is used unchanged), else (None, None)."""
    if kind == WORKBOOK:
        return None, None
    cached = st.session_state.get(SHEET_KEY)
    if cached is None or cached[0] != (uploaded.file_id, kind):
        cached = ((uploaded.file_id, kind), first_sheet(uploaded.getvalue(), uploaded.name, limits, kind))
        st.session_state[SHEET_KEY] = cached
    sheet = cached[1]
    kind_def = KINDS[kind]
    if sheet is None or not sheet.header or matches_template(kind_def, sheet.header):
        return None, None
    saved = load_import_mappings(engine=get_engine(), kind=kind)
    recognised = recognise_import_mapping(engine=get_engine(), kind=kind, header=sheet.header)
    st.subheader(t("importer.mapping.title"))
    st.caption(t("importer.mapping.caption"))
    names: list[str | None] = [None, *(m.name for m in saved)]
    chosen_name = st.selectbox(
        t("importer.mapping.saved_label"),
        options=names,
        index=names.index(recognised.name) if recognised is not None else 0,
        format_func=lambda n: n if n else t("importer.mapping.new"),
        key=f"import_mapping_saved_{uploaded.file_id}_{kind}_{len(saved)}",
    )
    if recognised is not None and chosen_name == recognised.name:
        st.info(tm("importer.mapping.recognised", name=recognised.name), icon=":material/link:")
    chosen = next((m for m in saved if m.name == chosen_name), None)
    base = (
        resolve_mapping(sheet.header, chosen.mapping)
        if chosen is not None
        else suggest_mapping(kind_def, sheet.header)
    )
    options = ["", *(h for h in sheet.header if h.strip())]
    mapping: dict[str, str] = {}
    grid = st.columns(3)
    for index, column in enumerate(kind_def.columns):
        label = t("importer.mapping.required", column=column.name) if column.required else column.name
        picked = grid[index % 3].selectbox(
            label,
            options=options,
            index=options.index(base[column.name]) if column.name in base else 0,
            format_func=lambda c: c if c else t("importer.mapping.not_mapped"),
            help=column.nl if lang() == "nl" else column.en,
            key=f"import_map_{uploaded.file_id}_{kind}_{chosen_name}_{column.name}",
        )
        if picked:
            mapping[column.name] = picked
    st.caption(t("importer.mapping.preview"))
    st.dataframe(mapped_preview(sheet, mapping), hide_index=True, width="stretch")
    note = st.session_state.pop(MAPPING_NOTE_KEY, None)
    if note is not None:
        (st.success if note[0] == "success" else st.error)(note[1])
    name_key = f"import_mapping_name_{uploaded.file_id}_{kind}"
    name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    name_col.text_input(t("importer.mapping.name_label"), key=name_key, max_chars=200)
    button_col.button(
        t("importer.mapping.save"),
        key="import_mapping_save",
        icon=":material/save:",
        on_click=_save_mapping,
        args=(kind, list(sheet.header), dict(mapping)),
        kwargs={"name_key": name_key},
    )
    unchanged = chosen is not None and mapping_json(mapping) == mapping_json(base)
    return mapping, (chosen.name if unchanged else None)


def apply_import(
    kind: str, name: str, data: bytes, mapping: dict[str, str] | None = None, mapping_name: str | None = None
) -> None:
    try:
        auth.ensure_allowed(auth.current_user(), EDIT_DATA)
    except NotAllowed:
        st.session_state[RESULT_KEY] = "not_allowed"
        return
    bar, tell = progress_bar()
    report = run_import(
        engine=get_engine(),
        kind=kind,
        file_name=name,
        data=data,
        dry_run=False,
        user_name=auth.current_user().name,
        progress=tell,
        mapping=mapping,
        mapping_name=mapping_name,
    )
    bar.empty()
    if report.applied:
        clear_caches()
    st.session_state[RESULT_KEY] = report
    st.session_state.pop(PREVIEW_KEY, None)


def show_import_log() -> None:
    """The import log, newest first, times in the organisation's zone."""
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
