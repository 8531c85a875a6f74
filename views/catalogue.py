"""KPI catalogue: every KPI's definition, formula, unit, source and RAG target; editors change targets."""

import datetime as dt

import streamlit as st

from access.roles import EDIT_DATA, READ, NotAllowed
from data_access.survey import load_survey_instrument
from data_access.targets import load_target_changes, load_targets, save_target
from domain.months import add_months
from domain.targets import DEFAULT_TARGETS, Target
from i18n.format import format_month
from kpis.catalogue import (
    BY_CODE,
    CATALOGUE,
    SHOWN_AS,
    catalogue_table,
    target_from_shown,
    target_shown,
    target_text,
    validate_target,
)
from services.instrument import instrument_rows
from ui.auth import current_user, ensure_allowed, require
from ui.data import cached, get_engine
from ui.i18n import currency_name, lang, month, number, t
from ui.maturity_rules import render_maturity_rules
from ui.number_display import PLAIN, localised
from ui.times import moment, moments, zone

FLASH_KEY = "catalogue_flash"
COLUMNS = [
    "group",
    "name",
    "target",
    "direction",
    "unit",
    "definition",
    "formula",
    "source",
    "effective_from",
    "updated_by",
    "updated_at",
]


def shown_number(value: float) -> str:
    return number(value, decimals=0 if float(value).is_integer() else 2)


user = require(READ)
st.title(t("catalogue.title"))
st.caption(t("catalogue.caption"))
flash = st.session_state.pop(FLASH_KEY, None)
if flash:
    st.success(flash, icon=":material/check_circle:")

targets = cached(load_targets)
changes = cached(load_target_changes)
table = catalogue_table(
    targets=targets, changes=changes, translate=t, number=shown_number, currency_name=currency_name()
).assign(
    target=lambda frame: frame["target"].fillna(t("catalogue.no_target_short")),
    updated_by=lambda frame: frame["updated_by"].fillna(t("catalogue.default_target")),
    updated_at=lambda frame: moments(frame["updated_at"]),
)
st.dataframe(
    localised(table, lang(), {"green": PLAIN, "amber": PLAIN}),  # 0,95 in Dutch, still sorting as numbers
    column_order=COLUMNS,
    column_config={
        **{name: st.column_config.Column(t(f"catalogue.col.{name}")) for name in COLUMNS},
        "definition": st.column_config.Column(t("catalogue.col.definition"), width="large"),
        "green": st.column_config.NumberColumn(t("catalogue.col.green")),
        "amber": st.column_config.NumberColumn(t("catalogue.col.amber")),
        "updated_at": st.column_config.Column(t("catalogue.col.updated_at", zone=zone())),
        "effective_from": st.column_config.DateColumn(t("catalogue.col.effective_from"), format="MM-YYYY"),
    },
    hide_index=True,
    height=35 * (len(table) + 1) + 3,
    placeholder="–",
)

render_maturity_rules(user)

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
two_sided = DEFAULT_TARGETS[code].two_sided
shown = target_shown(code, current)
unit = t(f"catalogue.shown.{SHOWN_AS.get(code, 'index')}")
changed = changes[changes["kpi"] == code]
who = (
    t(
        "catalogue.edit.changed_by",
        name=changed.iloc[0]["updated_by"],
        at=moment(changed.iloc[0]["updated_at"]),
    )
    if not changed.empty
    else t("catalogue.default_target")
)
if two_sided:
    st.caption(
        t(
            "catalogue.edit.current_band",
            low_green=shown_number(shown["low_green"]),
            green=shown_number(shown["green"]),
            low_amber=shown_number(shown["low_amber"]),
            amber=shown_number(shown["amber"]),
            unit=unit,
            who=who,
        )
    )
else:
    st.caption(
        t(
            "catalogue.edit.current",
            green=shown_number(shown["green"]),
            amber=shown_number(shown["amber"]),
            who=who,
        )
    )
this_month = dt.date.today().replace(day=1)
# A widget's format function may run outside the script run (AppTest): capture the language.
reader = lang()


def month_label(value: dt.date) -> str:
    return format_month(value, reader)


months = [add_months(this_month, offset) for offset in range(-24, 13)]
with st.form(f"catalogue_edit_{code}"):
    help_text = t(
        "catalogue.edit.help",
        unit=unit,
        direction=t("catalogue.col.direction") + " " + t(f"catalogue.direction.{direction}"),
    )
    step = 1.0 if SHOWN_AS.get(code) == "percent" else 0.01
    inputs: dict[str, float] = {}
    names = ["green", "amber", *(["low_green", "low_amber"] if two_sided else [])]
    for name in names:
        inputs[name] = st.number_input(
            f"{t(f'catalogue.edit.{name}')} ({unit})",
            value=float(shown[name]),  # type: ignore[arg-type]
            step=step,
            format="%.2f",
            key=f"catalogue_{name}_{code}",
            help=t("catalogue.edit.band_help") if name.startswith("low_") else help_text,
        )
    effective_from = st.selectbox(
        t("catalogue.edit.effective_from"),
        options=months,
        index=months.index(this_month),
        format_func=month_label,
        key=f"catalogue_effective_{code}",
        help=t("catalogue.edit.effective_help"),
    )
    if st.form_submit_button(t("catalogue.edit.submit"), type="primary"):
        problems = validate_target(direction=direction, two_sided=two_sided, **inputs)
        if problems:
            st.error(
                "\n\n".join(
                    t("catalogue.error.field", field=t(f"catalogue.edit.{p.field}"), message=t(p.key))
                    for p in problems
                )
            )
        else:
            target = target_from_shown(code, direction=direction, **inputs)
            try:
                writer = current_user()
                ensure_allowed(writer, EDIT_DATA)
                save_target(
                    engine=get_engine(),
                    kpi=code,
                    target=target,
                    user_name=writer.name,
                    effective_from=effective_from,
                )
            except NotAllowed:
                st.error(t("auth.not_allowed"))
            else:
                st.session_state[FLASH_KEY] = t(
                    "catalogue.edit.saved_from",
                    kpi=t(BY_CODE[code].text_key("name")),
                    target=target_text(code, target, number=shown_number, translate=t),
                    month=month(effective_from),
                )
                st.rerun()

st.subheader(t("catalogue.history.header"))
if changed.empty:
    st.caption(t("catalogue.history.none"))
else:
    st.dataframe(
        [
            {
                t("catalogue.col.effective_from"): month(row["effective_from"]),
                t("catalogue.col.target"): target_text(
                    code,
                    Target(
                        green=row["green"],
                        amber=row["amber"],
                        direction=direction,
                        low_green=row["low_green"] if two_sided else None,
                        low_amber=row["low_amber"] if two_sided else None,
                    ),
                    number=shown_number,
                    translate=t,
                ),
                t("catalogue.col.updated_by"): row["updated_by"],
                t("catalogue.col.updated_at", zone=zone()): moment(row["updated_at"]),
            }
            for row in changed.to_dict("records")
        ],
        hide_index=True,
        placeholder="–",
    )

st.subheader(t("catalogue.instrument.header"))
st.caption(t("catalogue.instrument.caption"))
st.dataframe(
    instrument_rows(cached(load_survey_instrument), lang()),
    column_config={
        name: st.column_config.Column(t(f"catalogue.instrument.col.{name}"))
        for name in ("position", "code", "name", "items")
    },
    hide_index=True,
    key="catalogue_instrument",
    placeholder="–",
)
