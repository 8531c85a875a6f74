"""Trust pulse (CIO, CMO, admin): open a short wave, follow its response rate, send reminders,
close it. Results appear on the Trust page once a wave is closed; answers are never shown here."""

import datetime as dt

import streamlit as st

from access.roles import RUN_PULSE, parse_email_text
from data_access.pulse import (
    MAX_ITEMS,
    PulseError,
    close_pulse_wave,
    load_instrument_items,
    load_not_answered,
    load_pulse_response_rates,
    load_pulse_waves,
    open_pulse_wave,
)
from data_access.reference import load_departments
from i18n import names_by_code
from i18n.format import format_day, format_pct
from ui.auth import current_user, ensure_allowed, require
from ui.data import cached, clear_caches, get_engine
from ui.i18n import lang, t
from ui.text import md, tm
from ui.times import today

require(RUN_PULSE)

st.title(t("pulse.title"))
st.caption(t("pulse.caption"))

engine = get_engine()
language = lang()
departments = cached(load_departments)
department_names = names_by_code(departments, language)
items = cached(load_instrument_items)
item_labels = {  # a multiselect shows its options as plain text
    row.code: f"{row.code} · {department_names.get(row.rated_department, row.rated_department)} · "
    f"{getattr(row, f'text_{language}')}"
    for row in items.itertuples()
}


def _error(exc: PulseError) -> None:
    st.error(tm(exc.key, **exc.params), icon=":material/error:")


waves = load_pulse_waves(engine=engine)
open_waves = waves[waves["status"] == "open"]

st.subheader(t("pulse.open_heading"))
if open_waves.empty:
    st.caption(t("pulse.none_open"))
for wave in open_waves.itertuples():
    with st.container(border=True):
        st.markdown(f"**{md(wave.name)}** · {md(wave.code)}")
        st.caption(
            t(
                "pulse.window",
                opens=format_day(wave.opens_on, language),
                closes=format_day(wave.closes_on, language),
            )
        )
        rates = load_pulse_response_rates(engine=engine, wave_id=int(wave.id))
        columns = st.columns(max(len(rates), 1))
        for column, rate in zip(columns, rates.itertuples(), strict=False):
            share = rate.answered / rate.invited if rate.invited else 0.0
            column.metric(
                tm("pulse.rate_label", department=department_names.get(rate.department, rate.department)),
                format_pct(share, language),
                t("pulse.rate_detail", answered=rate.answered, invited=rate.invited),
                delta_color="off",
            )
        with st.expander(t("pulse.reminder_heading")):
            st.caption(t("pulse.reminder_help"))
            st.text(wave.reminder or t("pulse.no_reminder"))
            missing = load_not_answered(engine=engine, wave_id=int(wave.id))
            st.code("\n".join(missing) or "–", language=None)
        confirm = st.checkbox(t("pulse.close_confirm"), key=f"pulse_close_confirm_{wave.id}")
        if st.button(
            t("pulse.close"), key=f"pulse_close_{wave.id}", disabled=not confirm, icon=":material/lock:"
        ):
            user = current_user()
            ensure_allowed(user, RUN_PULSE)
            try:
                close_pulse_wave(engine=engine, user=user, wave_id=int(wave.id))
            except PulseError as exc:
                _error(exc)
            else:
                clear_caches()
                st.session_state["pulse_notice"] = tm("pulse.closed", name=wave.name)
                st.rerun()

if notice := st.session_state.pop("pulse_notice", None):
    st.success(notice, icon=":material/check_circle:")

st.subheader(t("pulse.new_heading"))
with st.form("pulse_open"):
    code = st.text_input(t("pulse.code"), max_chars=40, key="pulse_code")
    name = st.text_input(t("pulse.name"), max_chars=100, key="pulse_name")
    start = today()
    window = st.date_input(
        t("pulse.window_label"),
        value=(start, start + dt.timedelta(days=14)),
        key="pulse_window",
        format="DD-MM-YYYY",
    )
    chosen = st.multiselect(
        t("pulse.items", limit=MAX_ITEMS),
        options=list(item_labels),
        format_func=lambda code: item_labels[code],
        key="pulse_items",
        placeholder=t("pulse.items_placeholder"),
    )
    reminder = st.text_area(t("pulse.reminder"), key="pulse_reminder", height=80)
    st.caption(t("pulse.invitees_help"))
    typed = {
        code: st.text_area(
            tm("pulse.invitees", department=department_names[code]), key=f"pulse_invitees_{code}", height=100
        )
        for code in departments["code"]
    }
    submitted = st.form_submit_button(t("pulse.open"), type="primary", icon=":material/send:")

if submitted:
    user = current_user()
    ensure_allowed(user, RUN_PULSE)
    days = list(window) if isinstance(window, tuple | list) else [window]
    if len(days) != 2:
        st.error(t("pulse.error_window"), icon=":material/error:")
    else:
        try:
            open_pulse_wave(
                engine=engine,
                user=user,
                code=code,
                name=name,
                opens_on=days[0],
                closes_on=days[1],
                reminder=reminder,
                item_codes=chosen,
                invitations={d: parse_email_text(text) for d, text in typed.items()},
            )
        except PulseError as exc:
            _error(exc)
        else:
            st.session_state["pulse_notice"] = tm("pulse.opened", name=name.strip())
            st.rerun()

closed = waves[waves["status"] == "closed"]
if not closed.empty:
    st.subheader(t("pulse.closed_heading"))
    st.caption(t("pulse.closed_help"))
    st.dataframe(
        [
            {
                t("pulse.col_code"): row.code,
                t("pulse.col_name"): row.name,
                t("pulse.col_opens"): format_day(row.opens_on, language),
                t("pulse.col_closes"): format_day(row.closes_on, language),
            }
            for row in closed.itertuples()
        ],
        hide_index=True,
    )
