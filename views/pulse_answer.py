"""The trust pulse answer page: the one page a respondent sees. The items about the other
department on a 1–5 scale and an optional comment; a new answer replaces the earlier one
until the wave closes. The answers are never shown back, here or anywhere else."""

import streamlit as st

from access.roles import RESPOND, verified_email
from data_access.pulse import (
    MAX_COMMENT,
    PulseError,
    load_invitations,
    load_pulse_items,
    submit_pulse_answers,
)
from data_access.reference import load_departments
from i18n import names_by_code
from i18n.format import format_day
from ui.auth import current_user, ensure_allowed, require, signed_in_claims
from ui.data import cached, get_engine
from ui.i18n import lang, t
from ui.text import md, tm
from ui.times import today

user = require(RESPOND)

st.title(t("pulse_answer.title"))

engine = get_engine()
language = lang()
# Only an address the identity provider has verified counts (someone could otherwise take an
# invited colleague's place); local mode has no respondents.
email = verified_email(signed_in_claims())
invitations = load_invitations(engine=engine, email=email, today=today()) if email else []
if not invitations:
    st.info(t("pulse_answer.none"), icon=":material/event_busy:")
    st.stop()

if len(invitations) > 1:
    chosen = st.radio(
        t("pulse_answer.which"),
        options=range(len(invitations)),
        format_func=lambda index: md(invitations[index].name),
        key="pulse_answer_wave",
    )
    invitation = invitations[chosen]
else:
    invitation = invitations[0]

departments = cached(load_departments)
department_names = names_by_code(departments, language)
items = load_pulse_items(engine=engine, wave_id=invitation.wave_id, department=invitation.department)

st.subheader(md(invitation.name))
st.caption(t("pulse_answer.closes", closes=format_day(invitation.closes_on, language)))
st.write(t("pulse_answer.intro"))
with st.expander(t("pulse_answer.anonymity_heading")):
    st.write(t("pulse_answer.anonymity"))
if invitation.answered:
    st.info(t("pulse_answer.answered_before"), icon=":material/task_alt:")
if notice := st.session_state.pop("pulse_answer_notice", None):
    st.success(notice, icon=":material/check_circle:")

SCALE = [1, 2, 3, 4, 5]
# After each sending the widgets get new keys, so they are empty again: the page never shows
# an answer back (not even to the person, who may have left the screen open).
ROUND_KEY = "pulse_answer_round"
round_ = st.session_state.setdefault(ROUND_KEY, 0)
with st.form(f"pulse_answer_{invitation.wave_id}_{round_}"):
    chosen_scores = {}
    for row in items.itertuples():
        chosen_scores[row.code] = st.radio(
            md(getattr(row, f"text_{language}")),
            options=SCALE,
            index=None,
            horizontal=True,
            format_func=lambda score: t(f"pulse_answer.scale_{score}"),
            key=f"pulse_item_{invitation.wave_id}_{round_}_{row.code}",
            help=tm(
                "pulse_answer.about",
                department=department_names.get(row.rated_department, row.rated_department),
            ),
        )
    comment = st.text_area(
        t("pulse_answer.comment"), max_chars=MAX_COMMENT, key=f"pulse_comment_{invitation.wave_id}_{round_}"
    )
    submitted = st.form_submit_button(t("pulse_answer.submit"), type="primary", icon=":material/send:")

if submitted:
    person = current_user()
    ensure_allowed(person, RESPOND)
    if verified_email(signed_in_claims()) != email:
        st.error(t("pulse.error_not_invited"), icon=":material/error:")
        st.stop()
    scores = {code: score for code, score in chosen_scores.items() if score is not None}
    if not scores:
        st.error(t("pulse.error_scores"), icon=":material/error:")
    else:
        try:
            submit_pulse_answers(
                engine=engine,
                user=person,
                wave_id=invitation.wave_id,
                scores=scores,
                comment=comment,
                today=today(),
            )
        except PulseError as exc:
            st.error(tm(exc.key, **exc.params), icon=":material/error:")
        else:
            st.session_state[ROUND_KEY] = round_ + 1
            st.session_state["pulse_answer_notice"] = t("pulse_answer.thanks")
            st.rerun()
