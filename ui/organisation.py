"""The organisation (name, logo, currency, fiscal year, time zone) at the Streamlit edge.

Pages, charts and downloads ask this one function; where the settings are stored is
services.organisation's business.
"""

from __future__ import annotations

from services.organisation import Organisation, load_organisation


def organisation() -> Organisation:
    """The organisation's settings for this rerun."""
    return load_organisation()
