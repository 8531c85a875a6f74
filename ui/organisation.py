"""The organisation (name, logo, currency, fiscal year, time zone) at the Streamlit edge.

Pages, charts and downloads ask this one function; where the settings are stored is
services.organisation's business. The saved row is read through the cache keyed by the
data version, which every save moves on: each session sees a change at its next rerun.
"""

from __future__ import annotations

from data_access.engine import DatabaseUnavailable
from data_access.organisation import load_organisation_settings
from services.organisation import Organisation, OrganisationSettings, describe_organisation
from ui.data import cached


def stored_settings() -> OrganisationSettings | None:
    """What an admin saved on the page "Organisation" (None: nothing), through the cache."""
    return cached(load_organisation_settings)


def organisation_with_sources() -> tuple[Organisation, dict[str, str]]:
    """The organisation's settings and where each comes from (stored, environment, secrets, default)."""
    try:
        stored = stored_settings()
    except DatabaseUnavailable:
        stored = None  # the page says the database is unavailable; names and formats still work
    return describe_organisation(stored=stored)


def organisation() -> Organisation:
    """The organisation's settings for this rerun."""
    return organisation_with_sources()[0]


def show_logo() -> None:
    """The organisation's logo at the top of the sidebar on every page (none set: nothing)."""
    import streamlit as st

    logo = organisation().logo_path
    if logo is not None:
        st.logo(str(logo), size="large")
