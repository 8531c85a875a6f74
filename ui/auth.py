"""The current user and role: the one place pages ask who is signed in.

Without an `[auth]` section in secrets.toml the app runs in local mode (LOCAL_USER, full
rights, a visible label). With it, the person signs in through OpenID Connect (`st.login`)
and their role follows from their claims and the role settings (access.roles).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from access.auth_config import auth_problems, provider_names
from access.roles import (
    ANONYMOUS,
    LOCAL_USER,
    RoleSettings,
    RoleSettingsError,
    User,
    as_invited_respondent,
    check_allowed,
    parse_role_settings,
    user_from_claims,
    verified_email,
)
from data_access.role_settings import load_role_emails
from i18n import LANGUAGES
from ui.data import cached
from ui.i18n import LANG_KEY, t


def _secrets_section(name: str) -> Mapping[str, Any]:
    """A top-level section of st.secrets as a plain dict; empty when absent or no secrets file."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        section = st.secrets.get(name)
    except (FileNotFoundError, KeyError):
        return {}
    if section is None or not isinstance(section, Mapping):
        return {}
    return _plain(section)


def _plain(section: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _plain(value) if isinstance(value, Mapping) else value for key, value in section.items()}


def auth_settings() -> Mapping[str, Any]:
    """The `[auth]` section (empty: local mode). Never render it: it holds secrets."""
    return _secrets_section("auth")


def auth_configured() -> bool:
    return bool(auth_settings())


def configuration_problems() -> list[str]:
    """What is wrong with the sign-in settings (by setting name, never a value)."""
    settings = auth_settings()
    return auth_problems(settings) if settings else []


def role_settings() -> RoleSettings:
    """The effective role settings: `[roles]` from secrets, e-mail lists as saved by an admin."""
    settings = parse_role_settings(_secrets_section("roles"))
    saved = cached(load_role_emails)
    return settings if saved is None else settings.with_emails(saved)


def signed_in_claims() -> dict[str, Any]:
    """The signed-in person's claims (empty when not signed in or in local mode)."""
    if not auth_configured() or not st.user.get("is_logged_in", False):
        return {}
    return {key: value for key, value in st.user.to_dict().items() if key != "tokens"}


def current_user() -> User:
    """Who is using the app, decided on the server on every run.

    Local mode: LOCAL_USER. Signed in: the role from their claims (NO_ROLE when refused).
    Not signed in: ANONYMOUS, who may nothing.
    """
    if not auth_configured():
        return LOCAL_USER
    claims = signed_in_claims()
    if not claims:
        return ANONYMOUS
    user = user_from_claims(claims, role_settings())
    if user.has_role:
        return user
    return as_invited_respondent(user, invited=_invited_to_a_pulse(claims))


def _invited_to_a_pulse(claims: Mapping[str, Any]) -> bool:
    """Whether the verified address is on an open pulse wave's list (not cached: a wave that
    closes takes the right away at once). Asked only for people without a role."""
    from data_access.pulse import is_invited
    from ui.data import get_engine
    from ui.times import today

    email = verified_email(claims)
    return email is not None and is_invited(engine=get_engine(), email=email, today=today())


def require(right: str) -> User:
    """Stop the page unless the current user has `right` (checked on the server)."""
    user = current_user()
    if not user.may(right):
        st.error(t("auth.not_allowed"), icon=":material/block:")
        st.stop()
    return user


def ensure_allowed(user: User, right: str) -> None:
    """For write paths: raise NotAllowed unless `user` has `right`."""
    check_allowed(user, right)


def plain_text(value: str) -> str:
    """`value` with Markdown escaped, for names that come from the identity provider."""
    from ui.text import md

    return md(value)


def code_text(value: str) -> str:
    """`value` as inline code: shown literally, never as a link or formatting."""
    return "`" + value.replace("`", "'") + "`"


def render_language_switch() -> None:
    """The language choice where the global filters are not shown (sign-in, refused, respondents)."""
    st.radio(
        t("filters.language"),
        options=list(LANGUAGES),
        key=LANG_KEY,
        format_func=lambda code: {"nl": "Nederlands", "en": "English"}[code],
        horizontal=True,
    )


def render_configuration_error(problems: list[str]) -> None:
    st.title(t("auth.config_error_title"))
    st.error(t("auth.config_error"), icon=":material/gpp_bad:")
    for problem in problems:
        st.text(problem)
    st.stop()


def render_sign_in() -> None:
    """The sign-in page: one button per configured identity provider; stops the run."""
    with st.sidebar:
        render_language_switch()
    st.title(t("auth.sign_in_title"))
    st.write(t("auth.sign_in_intro"))
    providers = provider_names(auth_settings())
    if not providers:
        st.button(t("auth.sign_in"), on_click=st.login, type="primary", icon=":material/login:")
    for provider in providers:
        st.button(
            t("auth.sign_in_with", provider=provider),
            key=f"login_{provider}",
            on_click=st.login,
            args=(provider,),
            type="primary",
            icon=":material/login:",
        )
    st.stop()


def render_refused(user: User) -> None:
    """The page for a signed-in person without a role; stops the run."""
    with st.sidebar:
        render_language_switch()
    st.title(t("auth.refused_title"))
    st.error(t("auth.refused"), icon=":material/block:")
    st.caption(t("auth.signed_in_as", name=code_text(user.name)))
    st.button(t("auth.sign_out"), on_click=st.logout, icon=":material/logout:")
    st.stop()


def render_user_badge(user: User) -> None:
    """In the sidebar: local-mode label, or who is signed in with which role and a sign-out button."""
    if user.local_mode:
        st.caption(f":material/lock_open: {t('auth.local_mode')}")
        return
    st.caption(f":material/person: {plain_text(user.display_name or user.name)} · {t(f'role.{user.role}')}")
    st.button(t("auth.sign_out"), key="sign_out", on_click=st.logout, icon=":material/logout:")


def gate() -> User:
    """The sign-in gate: a user with a role, or a stopped run with the right page shown."""
    problems = configuration_problems()
    if problems:
        render_configuration_error(problems)
    try:
        user = current_user()
    except RoleSettingsError as exc:
        render_configuration_error([str(exc)])
    if not user.signed_in:
        render_sign_in()
    if not user.has_role:
        render_refused(user)
    return user
