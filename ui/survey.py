"""Survey settings and display helpers at the Streamlit edge."""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from domain.confidentiality import MinGroupSetting, resolve_min_group
from ui.i18n import t

MIN_GROUP_ENV = "SURVEY_MIN_GROUP"


def _secret_min_group() -> object:
    try:
        section = st.secrets.get("survey")
    except Exception:  # noqa: BLE001 - no secrets file at all is a normal local setup
        return None
    return section.get("min_group_size") if section else None


def survey_min_group() -> MinGroupSetting:
    """The confidentiality threshold: env SURVEY_MIN_GROUP, else secrets [survey] min_group_size,
    else 5. A value below 3 (or not a number) is refused; the default 5 applies instead."""
    return resolve_min_group(os.environ.get(MIN_GROUP_ENV), _secret_min_group())


def with_reason_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with `reason` (an i18n key or empty) replaced by its text in the chosen language."""
    return frame.assign(reason=[t(key) if isinstance(key, str) and key else "" for key in frame["reason"]])
