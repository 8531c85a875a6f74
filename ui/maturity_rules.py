"""The maturity rules on the KPI catalogue page: the rules in force, and a form for editors."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import streamlit as st

from access.roles import EDIT_DATA, NotAllowed, User
from data_access.maturity_rules import RuleError, load_maturity_rule_versions, save_maturity_rules
from domain.maturity import MEASURES, rules_in_force
from domain.months import add_months
from i18n import translate
from i18n.format import format_month
from presentation.health import rule_text
from ui.auth import current_user, ensure_allowed
from ui.data import cached, get_engine
from ui.i18n import lang, t
from ui.times import moment, zone

FLASH_KEY = "maturity_rules_flash"


def _shown(value: float, unit: str) -> float:
    """A threshold as typed: ratios as percentages (80 for 80 %)."""
    return round(value * 100, 4) if unit == "ratio" else value


def _stored(value: float, unit: str) -> float:
    return value / 100 if unit == "ratio" else value


def render_maturity_rules(user: User) -> None:
    """The rules of the Alignment health profile in force this month; editors may add a version."""
    st.subheader(t("health.rules.title"))
    st.caption(t("health.rules.caption"))
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    language = lang()
    this_month = dt.date.today().replace(day=1)
    versions = cached(load_maturity_rule_versions)
    rules = rules_in_force(versions, as_of=this_month)
    st.dataframe(
        pd.DataFrame(
            {
                t("health.col.criterion"): [t(f"health.criterion.{rule.criterion}") for rule in rules.rules],
                t("health.col.measure"): [t(f"health.measure.{rule.code}") for rule in rules.rules],
                t("health.col.rule"): [rule_text(rule, language) for rule in rules.rules],
                t("health.col.direction"): [t(f"health.direction.{rule.direction}") for rule in rules.rules],
            }
        ),
        hide_index=True,
        key="maturity_rules_table",
    )
    if versions:
        with st.expander(t("health.rules.versions", count=len(versions))):
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("catalogue.col.effective_from"): format_month(version.effective_from, language),
                            t("health.col.measure"): t(f"health.measure.{code}"),
                            t("health.col.rule"): rule_text(
                                replace(rules.rule(code), thresholds=tuple(values)), language
                            ),
                            t("catalogue.col.updated_by"): version.updated_by or "",
                            t("catalogue.col.updated_at", zone=zone()): moment(version.updated_at),
                        }
                        for version in reversed(versions)
                        for code, values in version.thresholds.items()
                        if code in MEASURES
                    ]
                ),
                hide_index=True,
                key="maturity_rules_versions",
            )
    if not user.may(EDIT_DATA) or not st.toggle(t("health.rules.edit"), key="maturity_rules_edit"):
        return
    code = st.selectbox(
        t("health.rules.measure"),
        options=list(MEASURES),
        # A format function may run outside the script run (AppTest): the captured language.
        format_func=lambda value: translate(f"health.measure.{value}", language),
        key="maturity_rules_measure",
    )
    with st.form(f"maturity_rules_edit_{code}"):
        rule = rules.rule(code)
        columns = st.columns(4)
        typed = [
            column.number_input(
                t("health.level", level=level),
                value=float(_shown(threshold, rule.unit)),
                key=f"maturity_rules_{code}_t{level}",
            )
            for level, (column, threshold) in enumerate(zip(columns, rule.thresholds, strict=True), start=2)
        ]
        months = [add_months(this_month, offset) for offset in range(-24, 13)]
        effective_from = st.selectbox(
            t("catalogue.edit.effective_from"),
            options=months,
            index=months.index(this_month),
            format_func=lambda value: format_month(value, language),
            key=f"maturity_rules_month_{code}",
        )
        if st.form_submit_button(t("health.rules.save"), type="primary"):
            try:
                writer = current_user()
                ensure_allowed(writer, EDIT_DATA)
                save_maturity_rules(
                    engine=get_engine(),
                    thresholds={code: [_stored(value, rule.unit) for value in typed]},
                    user=writer,
                    effective_from=effective_from,
                )
            except NotAllowed:
                st.error(t("auth.not_allowed"))
            except RuleError as error:
                st.error("\n\n".join(t(key) for keys in error.problems.values() for key in keys))
            else:
                st.session_state[FLASH_KEY] = t(
                    "health.rules.saved",
                    measure=t(f"health.measure.{code}"),
                    month=format_month(effective_from, language),
                )
                st.rerun()
