"""At the top of every run: a bad or missing deployment setting stops the app with its name."""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from services.settings import AUTH_ENV, HANDLED_IN_APP, problems
from ui.i18n import t


def _secrets() -> dict[str, Any]:
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        return st.secrets.to_dict()
    except (FileNotFoundError, KeyError):
        return {}


def settings_problems() -> list[str]:
    """services.settings.problems for this process, plus sign-in variables not in effect (the
    app was started with `streamlit run` instead of serve.py, which hands them to Streamlit)."""
    secrets = _secrets()
    found = problems(os.environ, secrets, skip=HANDLED_IN_APP, auth_section=False)
    auth = secrets.get("auth") or {}
    for name, key in AUTH_ENV.items():
        value = os.environ.get(name, "").strip()
        if value and str(auth.get(key, "")).strip() != value:
            found.append(f"{name} is set but not in effect: start the app with serve.py")
    return found


def stop_on_bad_settings() -> None:
    found = settings_problems()
    if not found:
        return
    st.title(t("settings.error_title"))
    st.error(t("settings.error"), icon=":material/settings_alert:")
    for problem in found:
        st.text(problem)  # names only, never a value
    st.stop()
