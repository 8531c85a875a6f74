"""KPI catalogue: every KPI's definition, formula, unit, source and RAG target; editors change targets."""

import streamlit as st

from access.roles import EDIT_DATA, READ, NotAllowed
from data_access.targets import load_target_changes, load_targets, save_target
from kpis.catalogue import BY_CODE, CATALOGUE, catalogue_table, validate_target
from kpis.targets import DEFAULT_TARGETS, Target
from ui.auth import current_user, ensure_allowed, require
from ui.data import cached, get_engine
from ui.i18n import number, t

FLASH_KEY = "catalogue_flash"
COLUMNS = [
    "group",
    "name",
    "green",
    "amber",
    "direction",
    "unit",
    "definition",
    "formula",
    "source",
    "updated_by",
    "updated_at",
]

user = require(READ)
st.title(t("catalogue.title"))
st.caption(t("catalogue.caption"))
flash = st.session_state.pop(FLASH_KEY, None)
if flash:
    st.success(flash, icon=":material/check_circle:")

targets = cached(load_targets)
changes = cached(load_target_changes)
table = catalogue_table(targets=targets, changes=changes, translate=t)
st.dataframe(
    table,
    column_order=COLUMNS,
    column_config={
        **{name: st.column_config.Column(t(f"catalogue.col.{name}")) for name in COLUMNS},
        "definition": st.column_config.Column(t("catalogue.col.definition"), width="large"),
        "green": st.column_config.NumberColumn(t("catalogue.col.green"), format="%.4g"),
        "amber": st.column_config.NumberColumn(t("catalogue.col.amber"), format="%.4g"),
        "updated_at": st.column_config.DatetimeColumn(
            t("catalogue.col.updated_at"), format="DD-MM-YYYY HH:mm"
        ),
    },
    hide_index=True,
    height=35 * (len(table) + 1) + 3,
)

st.subheader(t("catalogue.details.header"))
code = st.selectbox(
    t("catalogue.edit.kpi"),
    options=[kpi.code for kpi in CATALOGUE],
    key="catalogue_kpi",
    format_func={kpi.code: t(kpi.text_key("name")) for kpi in CATALOGUE}.get,
)
for part in ("definition", "formula", "source"):
    st.markdown(f"**{t(f'catalogue.col.{part}')}**")
    st.text(t(BY_CODE[code].text_key(part)))

st.subheader(t("catalogue.edit.header"))
if not user.may(EDIT_DATA):
    st.info(t("catalogue.edit.read_only"), icon=":material/lock:")
    st.stop()
if code not in DEFAULT_TARGETS:
    st.caption(t("catalogue.no_target"))
    st.stop()
current = targets[code]
direction = DEFAULT_TARGETS[code].direction
changed = changes[changes["kpi"] == code]
who = (
    t(
        "catalogue.edit.changed_by",
        name=changed.iloc[0]["updated_by"],
        at=changed.iloc[0]["updated_at"].strftime("%d-%m-%Y %H:%M"),
    )
    if not changed.empty
    else t("catalogue.default_target")
)
st.caption(
    t(
        "catalogue.edit.current",
        green=number(current.green, decimals=2),
        amber=number(current.amber, decimals=2),
        who=who,
    )
)
with st.form(f"catalogue_edit_{code}"):
    help_text = t(
        "catalogue.edit.help",
        direction=t("catalogue.col.direction") + " " + t(f"catalogue.direction.{direction}"),
    )
    green = st.number_input(
        t("catalogue.edit.green"),
        value=float(current.green),
        step=0.01,
        format="%.4f",
        key=f"catalogue_green_{code}",
        help=help_text,
    )
    amber = st.number_input(
        t("catalogue.edit.amber"),
        value=float(current.amber),
        step=0.01,
        format="%.4f",
        key=f"catalogue_amber_{code}",
        help=help_text,
    )
    if st.form_submit_button(t("catalogue.edit.submit"), type="primary"):
        problems = validate_target(green=green, amber=amber, direction=direction)
        if problems:
            st.error(
                "\n\n".join(
                    t("catalogue.error.field", field=t(f"catalogue.edit.{p.field}"), message=t(p.key))
                    for p in problems
                )
            )
        else:
            try:
                writer = current_user()
                ensure_allowed(writer, EDIT_DATA)
                save_target(
                    engine=get_engine(),
                    kpi=code,
                    target=Target(green=green, amber=amber, direction=direction),
                    user_name=writer.name,
                )
            except NotAllowed:
                st.error(t("auth.not_allowed"))
            else:
                st.session_state[FLASH_KEY] = t(
                    "catalogue.edit.saved",
                    kpi=t(BY_CODE[code].text_key("name")),
                    green=number(green, decimals=2),
                    amber=number(amber, decimals=2),
                )
                st.rerun()
