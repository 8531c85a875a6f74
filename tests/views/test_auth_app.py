"""AppTest: the sign-in gate, local mode, refused people, and the role settings page."""

from __future__ import annotations

import pytest

from access.roles import READ, RIGHTS
from data_access.audit import load_audit_trail
from data_access.role_settings import load_role_emails
from i18n import translate
from tests.apptest_helpers import open_app
from tests.auth_fixtures import CLIENT_SECRET, COOKIE_SECRET, PEOPLE, STRANGER, auth_secrets, signed_in


def _texts(at) -> str:
    parts = [
        e.value
        for kind in ("title", "error", "caption", "markdown", "text", "info", "success")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def fresh_url(tmp_path) -> str:
    """A fresh demo database per test (tests here write role settings)."""
    from data_access.demo import seed_demo
    from data_access.engine import create_db_engine, upgrade_schema

    url = f"sqlite:///{tmp_path / 'auth.db'}"
    engine = create_db_engine(url)
    upgrade_schema(engine)
    seed_demo(engine)
    engine.dispose()
    return url


def test_local_mode_is_labelled_and_has_full_rights(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url)
    assert any("Lokale modus" in c.value for c in at.sidebar.caption)
    assert at.title[0].value == "Overzicht"
    at.switch_page("views/role_settings.py").run()
    assert not at.exception and at.title[0].value == "Rollen"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_not_signed_in_sees_only_the_sign_in_page(monkeypatch, demo_sqlite_url, lang) -> None:
    at = open_app(
        monkeypatch,
        demo_sqlite_url,
        secrets=auth_secrets(),
        user={"is_logged_in": False},
        query={"lang": lang},
    )
    assert [b.label for b in at.button] == [translate("auth.sign_in", lang)]
    assert at.title[0].value == translate("auth.sign_in_title", lang)
    assert not at.metric and not at.sidebar.selectbox, "data or filters shown before sign-in"
    assert at.sidebar.radio(key="lang").value == lang
    at.switch_page("views/role_settings.py").run()  # asking for a page directly changes nothing
    assert at.title[0].value == translate("auth.sign_in_title", lang) and not at.text_area


def test_named_providers_get_one_button_each(monkeypatch, demo_sqlite_url) -> None:
    secrets = auth_secrets(keycloak={"client_id": "a", "client_secret": "b", "server_metadata_url": "u"})
    at = open_app(monkeypatch, demo_sqlite_url, secrets=secrets, user={"is_logged_in": False})
    assert [b.label for b in at.button] == ["Aanmelden met keycloak"]


@pytest.mark.parametrize(
    ("cookie_secret", "problem"),
    [("CHANGE-ME", "example value"), ("too-short", "shorter than 32"), (None, "missing")],
)
def test_bad_cookie_secret_stops_the_app_without_showing_it(
    monkeypatch, demo_sqlite_url, cookie_secret, problem
) -> None:
    secrets = auth_secrets()
    if cookie_secret is None:
        del secrets["auth"]["cookie_secret"]
    else:
        secrets["auth"]["cookie_secret"] = cookie_secret
    at = open_app(monkeypatch, demo_sqlite_url, secrets=secrets, user=signed_in(PEOPLE["admin"]))
    shown = _texts(at)
    assert problem in shown and "cookie_secret" in shown
    assert not at.button and not at.metric
    assert CLIENT_SECRET not in shown and (cookie_secret is None or cookie_secret not in shown)


def test_person_without_a_role_is_refused_with_a_clear_page(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(
        monkeypatch, demo_sqlite_url, secrets=auth_secrets(), user=signed_in(STRANGER), query={"lang": "en"}
    )
    assert at.title[0].value == "No access"
    assert "`sam@example.com`" in _texts(at)
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.metric and not at.sidebar.selectbox


def test_unknown_people_may_read_when_the_settings_allow_it(monkeypatch, demo_sqlite_url) -> None:
    secrets = auth_secrets()
    secrets["roles"]["allow_unknown_as_viewer"] = True
    at = open_app(monkeypatch, demo_sqlite_url, secrets=secrets, user=signed_in(STRANGER))
    assert at.title[0].value == "Overzicht" and at.metric
    assert any("Sam Stranger" in c.value and "lezer" in c.value for c in at.sidebar.caption)


def test_invalid_role_settings_stop_the_app(monkeypatch, demo_sqlite_url) -> None:
    secrets = auth_secrets()
    secrets["roles"]["mapping"]["alignment-boss"] = "boss"
    at = open_app(monkeypatch, demo_sqlite_url, secrets=secrets, user=signed_in(PEOPLE["cio"]))
    assert "unknown role 'boss'" in _texts(at) and not at.metric


@pytest.mark.parametrize("role", sorted(RIGHTS))
def test_signed_in_sidebar_shows_name_role_and_sign_out(monkeypatch, demo_sqlite_url, role) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, secrets=auth_secrets(), user=signed_in(PEOPLE[role]))
    # A respondent's one page is the pulse questionnaire (issue 21); everyone else starts at the overview.
    home = "Overzicht" if READ in RIGHTS[role] else translate("pulse_answer.title", "nl")
    assert at.title[0].value == home
    caption = next(c.value for c in at.sidebar.caption if PEOPLE[role]["name"] in c.value)
    assert translate(f"role.{role}", "nl") in caption
    assert [b.label for b in at.sidebar.button] == ["Afmelden"]


def _role_settings(monkeypatch, url, role, **kwargs):
    return open_app(
        monkeypatch,
        url,
        secrets=auth_secrets(),
        user=signed_in(PEOPLE[role]),
        page="views/role_settings.py",
        **kwargs,
    )


def test_admin_edits_an_email_list_and_the_change_is_audited(monkeypatch, fresh_url) -> None:
    from data_access.engine import create_db_engine

    at = _role_settings(monkeypatch, fresh_url, "admin")
    assert at.text_area(key="role_emails_admin").value == "ada@example.com"
    at.text_area(key="role_emails_editor").set_value("New.Editor@example.com\n")
    at.button[0].click().run()
    assert not at.exception and at.success, _texts(at)

    engine = create_db_engine(fresh_url)
    assert load_role_emails(engine=engine) == {
        "admin": ["ada@example.com"],
        "editor": ["new.editor@example.com"],
    }
    trail = load_audit_trail(engine=engine, entity="role_emails")
    assert list(trail["user_name"]) == ["ada@example.com"]

    # The new list takes effect: that person now signs in as editor.
    newcomer = {"sub": "nn", "email": "new.editor@example.com", "name": "New Editor"}
    at2 = open_app(monkeypatch, fresh_url, secrets=auth_secrets(), user=signed_in(newcomer))
    assert any("redacteur" in c.value for c in at2.sidebar.caption)
    engine.dispose()


def test_admin_cannot_remove_their_own_admin_role(monkeypatch, fresh_url) -> None:
    from data_access.engine import create_db_engine

    at = _role_settings(monkeypatch, fresh_url, "admin")
    at.text_area(key="role_emails_admin").set_value("")
    at.text_area(key="role_emails_viewer").set_value("ada@example.com")
    at.button[0].click().run()
    assert at.error and "beheerder" in at.error[0].value
    engine = create_db_engine(fresh_url)
    assert load_role_emails(engine=engine) is None
    engine.dispose()


def test_invalid_address_is_refused_with_the_reason(monkeypatch, fresh_url) -> None:
    at = _role_settings(monkeypatch, fresh_url, "admin")
    at.text_area(key="role_emails_viewer").set_value("not an address")
    at.button[0].click().run()
    assert at.error and "not an e-mail address" in at.error[0].value


def test_secrets_never_reach_the_page(monkeypatch, demo_sqlite_url) -> None:
    """With a client secret, a cookie secret and a database URL with a password among the
    secrets, no page shows any of them to any role (the whole rendered tree is searched)."""
    from tests.auth_fixtures import DB_PASSWORD

    secrets = auth_secrets() | {"connections": {"sql": {"url": f"postgresql+psycopg://u:{DB_PASSWORD}@db/x"}}}
    for role in sorted(RIGHTS):
        at = open_app(monkeypatch, demo_sqlite_url, secrets=secrets, user=signed_in(PEOPLE[role]))
        home = b"Overzicht" if READ in RIGHTS[role] else translate("pulse_answer.title", "nl").encode()
        assert at.metric or READ not in RIGHTS[role]
        pages = ["views/role_settings.py"] if role == "admin" else []
        for page in [None, *pages]:
            if page:
                at.switch_page(page).run()
            dumped = b"".join(
                node.proto.SerializeToString()
                for node in _walk(at._tree)
                if getattr(node, "proto", None) is not None
            )
            assert (home if page is None else b"Rollen") in dumped, "the page did not render"
            for secret in (DB_PASSWORD, CLIENT_SECRET, COOKIE_SECRET):
                assert secret.encode() not in dumped, f"{role} sees a secret on {page or 'the overview'}"


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)
