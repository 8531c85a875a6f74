"""The organisation (name, logo, currency, fiscal year, time zone) at the Streamlit edge.

Pages, charts and downloads ask this one function; where the settings are stored is
services.organisation's business. The saved row is read through the cache keyed by the
data version, which every save moves on: each session sees a change at its next rerun.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data_access.engine import DatabaseUnavailable
from data_access.organisation import load_organisation_settings
from data_access.organisation_settings import OrganisationSettings
from services.organisation import Organisation, describe_organisation
from ui.data import cached, run_version

# Session state: (the run's data version, the settings with their sources). Pages ask for the
# organisation once per amount they format (about 200 times on an Overview rerun); it is
# worked out once per run and data version.
RUN_ORGANISATION_KEY = "_organisation_this_run"


def stored_settings() -> OrganisationSettings | None:
    """What an admin saved on the page "Organisation" (None: nothing), through the cache."""
    return cached(load_organisation_settings)


def organisation_with_sources() -> tuple[Organisation, dict[str, str]]:
    """The organisation's settings and where each comes from (stored, environment, secrets, default)."""
    try:
        version = run_version()
        in_run = get_script_run_ctx(suppress_warning=True) is not None
        known = st.session_state.get(RUN_ORGANISATION_KEY) if in_run else None
        if known is not None and known[0] == version:
            return known[1]
        described = describe_organisation(stored=stored_settings())
    except DatabaseUnavailable:
        # The page says the database is unavailable; names and formats still work.
        return describe_organisation(stored=None)
    if in_run:
        st.session_state[RUN_ORGANISATION_KEY] = (version, described)
    return described


def organisation() -> Organisation:
    """The organisation's settings for this rerun."""
    return organisation_with_sources()[0]


def show_logo() -> None:
    """The organisation's logo at the top of the sidebar on every page (none set: nothing)."""
    import streamlit as st

    logo = organisation().logo_path
    if logo is not None:
        st.logo(str(logo), size="large")
