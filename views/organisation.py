"""Organisation settings (admin only): name, logo, currency, fiscal year start and time zone,
where each value comes from, and the audit trail of changes."""

import streamlit as st

from access.roles import MANAGE_ROLES
from data_access.audit import load_audit_trail
from data_access.organisation import AUDIT_ENTITY, OrganisationSettingsInvalid, save_organisation_settings
from data_access.organisation_settings import OrganisationSettings
from services.organisation import (
    cleaned_settings,
    currency_codes,
    currency_label,
    describe_audit_change,
    describe_logo,
    month_name,
    time_zone_names,
)
from ui.auth import current_user, ensure_allowed, require
from ui.data import cached, get_engine
from ui.i18n import lang, t
from ui.organisation import organisation_with_sources, stored_settings
from ui.text import md
from ui.times import moments, zone

require(MANAGE_ROLES)

SAVED_FLAG = "organisation_settings_saved"

st.title(t("orgsettings.title"))
st.caption(t("orgsettings.caption"))

current, sources = organisation_with_sources()
stored = stored_settings() or OrganisationSettings()

if st.session_state.pop(SAVED_FLAG, False):
    st.success(t("orgsettings.saved"), icon=":material/check_circle:")

effective = {
    "name": current.name or t("orgsettings.value_generic_name", name=current.display_name(lang())),
    "logo": (
        describe_logo(stored.logo, lang())
        if sources["logo"] == "stored" and stored.logo
        else (current.logo_path.name if current.logo_path else t("orgsettings.logo_none"))
    ),
    "currency": currency_label(current.currency, lang()),
    "fiscal_year_start_month": month_name(current.fiscal_year_start_month, lang()),
    "time_zone": current.time_zone,
}

st.subheader(t("orgsettings.sources_heading"))
st.dataframe(
    [
        {
            t("orgsettings.col_setting"): t(f"orgsettings.{setting}"),
            t("orgsettings.col_value"): value,
            t("orgsettings.col_source"): t(f"orgsettings.source.{sources[setting]}"),
        }
        for setting, value in effective.items()
    ],
    hide_index=True,
)


def _unset(setting):
    return f"{t('orgsettings.not_set')} → {effective[setting]}"


def _index(options, value):
    return options.index(value) if value in options else 0


with st.form("organisation_settings"):
    name = st.text_input(
        t("orgsettings.name"), value=stored.name or "", help=t("orgsettings.name_help"), key="org_name"
    )
    st.markdown(f"**{t('orgsettings.logo')}**")
    if current.logo_path is not None:
        st.image(str(current.logo_path), width=160, caption=t("orgsettings.logo_alt"))
    else:
        st.caption(t("orgsettings.logo_none"))
    upload = st.file_uploader(t("orgsettings.logo_upload"), type=["png", "jpg", "jpeg"], key="org_logo")
    remove = st.checkbox(t("orgsettings.logo_remove"), disabled=stored.logo is None, key="org_logo_remove")
    currencies = [None, *currency_codes()]
    currency = st.selectbox(
        t("orgsettings.currency"),
        currencies,
        index=_index(currencies, stored.currency),
        format_func=lambda code: _unset("currency") if code is None else currency_label(code, lang()),
        help=t("orgsettings.currency_help"),
        key="org_currency",
    )
    months = [None, *range(1, 13)]
    fy_start = st.selectbox(
        t("orgsettings.fiscal_year_start_month"),
        months,
        index=_index(months, stored.fiscal_year_start_month),
        format_func=lambda m: _unset("fiscal_year_start_month") if m is None else month_name(m, lang()),
        key="org_fiscal_year_start_month",
    )
    zones = [None, *time_zone_names()]
    time_zone = st.selectbox(
        t("orgsettings.time_zone"),
        zones,
        index=_index(zones, stored.time_zone),
        format_func=lambda z: _unset("time_zone") if z is None else z,
        help=t("orgsettings.time_zone_help"),
        key="org_time_zone",
    )
    submitted = st.form_submit_button(t("orgsettings.save"), type="primary", icon=":material/save:")

if submitted:
    user = current_user()
    ensure_allowed(user, MANAGE_ROLES)
    logo = upload.getvalue() if upload is not None else (None if remove else stored.logo)
    settings = cleaned_settings(
        name=name, logo=logo, currency=currency, fiscal_year_start_month=fy_start, time_zone=time_zone
    )
    try:
        save_organisation_settings(engine=get_engine(), settings=settings, user=user)
    except OrganisationSettingsInvalid as exc:
        st.error(
            "\n".join(
                [t("orgsettings.not_saved"), *(f"- {md(issue.message(lang()))}" for issue in exc.issues)]
            ),
            icon=":material/error:",
        )
    else:
        st.session_state[SAVED_FLAG] = True
        st.rerun()

st.subheader(t("orgsettings.history_heading"))
history = cached(load_audit_trail, entity=AUDIT_ENTITY)
if history.empty:
    st.caption(t("orgsettings.no_history"))
else:
    shown_at = moments(history["at"])
    at_heading = t("orgsettings.col_at", zone=zone())
    rows = []
    for at, row in zip(shown_at, history.itertuples(index=False), strict=True):
        was, became = describe_audit_change(row.old_values, row.new_values, lang())
        rows.append(
            {
                at_heading: at,
                t("orgsettings.col_user"): row.user_name,
                t("orgsettings.col_action"): t(f"orgsettings.action.{row.action}"),
                t("orgsettings.col_old"): was,
                t("orgsettings.col_new"): became,
            }
        )
    st.dataframe(rows, hide_index=True)
