"""Role settings (admin only): the effective mapping, and the e-mail lists per role, audited."""

import streamlit as st

from access.roles import (
    MANAGE_ROLES,
    ROLE_PRECEDENCE,
    RoleSettingsError,
    keeps_admin,
    mapping_rows,
    parse_email_text,
)
from data_access.audit import load_audit_trail
from data_access.role_settings import save_role_emails
from ui.auth import (
    auth_configured,
    current_user,
    ensure_allowed,
    require,
    role_settings,
    signed_in_claims,
)
from ui.data import cached, get_engine
from ui.i18n import t
from ui.times import moments, zone

require(MANAGE_ROLES)


def _label(role):
    text = t(f"role.{role}")
    return text[:1].upper() + text[1:]


st.title(t("roles.title"))
st.caption(t("roles.caption"))

if not auth_configured():
    st.info(t("roles.local_mode_note"), icon=":material/lock_open:")

settings = role_settings()

st.subheader(t("roles.claim_heading"))
if settings.claim:
    st.write(t("roles.claim_is", claim=settings.claim))
else:
    st.write(t("roles.claim_none"))
rows = mapping_rows(settings)
if rows:
    st.dataframe(
        [
            {t("roles.col_claim_value"): row["claim_value"], t("roles.col_role"): t(f"role.{row['role']}")}
            for row in rows
        ],
        hide_index=True,
    )
else:
    st.caption(t("roles.no_mapping"))
st.write(t("roles.unknown_viewer") if settings.allow_unknown_as_viewer else t("roles.unknown_refused"))

st.subheader(t("roles.emails_heading"))
st.caption(t("roles.emails_help"))
with st.form("role_emails"):
    typed = {
        role: st.text_area(
            _label(role),
            value="\n".join(settings.emails.get(role, ())),
            key=f"role_emails_{role}",
            height=100,
        )
        for role in ROLE_PRECEDENCE
    }
    submitted = st.form_submit_button(t("roles.save"), type="primary", icon=":material/save:")

if submitted:
    user = current_user()
    ensure_allowed(user, MANAGE_ROLES)
    emails = {role: parse_email_text(text) for role, text in typed.items()}
    try:
        new_settings = settings.with_emails(emails)
    except RoleSettingsError as exc:
        st.error(t("roles.invalid", detail=str(exc)), icon=":material/error:")
    else:
        if not user.local_mode and not keeps_admin(signed_in_claims(), new_settings):
            st.error(t("roles.lockout"), icon=":material/error:")
        else:
            save_role_emails(engine=get_engine(), emails=emails, user=user)
            st.success(t("roles.saved"), icon=":material/check_circle:")

st.subheader(t("roles.history_heading"))
history = cached(load_audit_trail, entity="role_emails")
if history.empty:
    st.caption(t("roles.no_history"))
else:
    st.dataframe(
        history[["at", "user_name", "action", "new_values"]]
        .assign(at=moments(history["at"]))
        .rename(
            columns={
                "at": t("roles.col_at", zone=zone()),
                "user_name": t("roles.col_user"),
                "action": t("roles.col_action"),
                "new_values": t("roles.col_new"),
            }
        ),
        hide_index=True,
    )
