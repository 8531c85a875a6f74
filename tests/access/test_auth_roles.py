"""Pure role logic: claims and settings -> role, settings parsing, sign-in settings checks."""

from __future__ import annotations

import pytest

from access.auth_config import auth_problems, provider_names
from access.roles import (
    ANONYMOUS,
    EDIT_DATA,
    LOCAL_USER,
    MANAGE_ROLES,
    NO_ROLE,
    READ,
    READ_COMMENTS,
    RESPOND,
    RIGHTS,
    ROLE_PRECEDENCE,
    RUN_PULSE,
    NotAllowed,
    RoleSettings,
    RoleSettingsError,
    User,
    check_allowed,
    keeps_admin,
    mapping_rows,
    normalise_email_lists,
    parse_email_text,
    parse_role_settings,
    resolve_role,
    user_from_claims,
)
from ui.navigation import PAGES, PageSpec, visible_pages

SETTINGS = parse_role_settings(
    {
        "claim": "groups",
        "mapping": {"grp-cio": "cio", "grp-cmo": "cmo", "grp-edit": "editor", "grp-all": "viewer"},
        "emails": {"admin": ["Root@Example.com"], "viewer": ["guest@example.com"]},
    }
)


def test_rights_follow_the_issue() -> None:
    assert RIGHTS["viewer"] == {READ}
    assert RIGHTS["editor"] == {READ, EDIT_DATA}
    assert RIGHTS["cio"] == RIGHTS["cmo"] == {READ, EDIT_DATA, READ_COMMENTS, RUN_PULSE}
    assert RUN_PULSE in RIGHTS["admin"]
    # A respondent answers pulses and may nothing else (issue 21).
    assert RIGHTS["respondent"] == {RESPOND}
    assert all(RESPOND not in RIGHTS[r] for r in RIGHTS if r != "respondent")
    assert ROLE_PRECEDENCE[-1] == "respondent"
    assert MANAGE_ROLES in RIGHTS["admin"] and all(
        MANAGE_ROLES not in RIGHTS[r] for r in RIGHTS if r != "admin"
    )
    assert set(ROLE_PRECEDENCE) == set(RIGHTS)


@pytest.mark.parametrize(
    ("claims", "role"),
    [
        ({"groups": ["grp-all"]}, "viewer"),
        ({"groups": ["grp-all", "grp-edit"]}, "editor"),
        ({"groups": ["grp-edit", "grp-cmo", "grp-cio"]}, "cio"),
        ({"groups": ["grp-cmo", "grp-all"]}, "cmo"),
        ({"groups": "grp-cio"}, "cio"),  # a single string value counts too
        ({"groups": ["grp-all"], "email": "ROOT@example.com"}, "admin"),  # e-mail list, case-insensitive
        ({"groups": ["other"], "email": "guest@example.com"}, "viewer"),
        ({"groups": ["cio"]}, None),  # a role's name is not a mapped value
        ({"roles": ["grp-cio"]}, None),  # another claim than the configured one
        ({"email": "stranger@example.com"}, None),
        ({}, None),
    ],
)
def test_resolve_role(claims: dict, role: str | None) -> None:
    assert resolve_role(claims, SETTINGS) == role


def test_unverified_email_does_not_count() -> None:
    assert resolve_role({"email": "root@example.com", "email_verified": False}, SETTINGS) is None
    assert resolve_role({"email": "root@example.com", "email_verified": True}, SETTINGS) == "admin"


def test_unknown_user_becomes_viewer_only_when_the_settings_say_so() -> None:
    lenient = parse_role_settings({"allow_unknown_as_viewer": True})
    assert resolve_role({"email": "stranger@example.com"}, lenient) == "viewer"
    assert resolve_role({"email": "stranger@example.com"}, parse_role_settings({})) is None


def test_claim_none_uses_emails_only() -> None:
    settings = RoleSettings(claim=None, mapping={"x": "cio"}, emails={"editor": ("a@b.nl",)})
    assert resolve_role({"roles": ["x"], "email": "a@b.nl"}, settings) == "editor"


@pytest.mark.parametrize(
    "section",
    [
        {"mapping": {"grp": "superuser"}},
        {"emails": {"owner": ["a@b.nl"]}},
        {"emails": {"viewer": ["not-an-address"]}},
        {"emails": {"viewer": "a@b.nl"}},
        {"claim": ""},
        {"allow_unknown_as_viewer": "yes"},
        {"mapping": ["grp"]},
    ],
)
def test_invalid_role_settings_are_refused(section: dict) -> None:
    with pytest.raises(RoleSettingsError):
        parse_role_settings(section)


def test_defaults_and_normalised_emails() -> None:
    assert parse_role_settings(None) == RoleSettings(claim="roles", mapping={}, emails={})
    assert normalise_email_lists({"viewer": [" B@x.nl ", "a@x.nl", "b@x.nl", ""], "cio": []}) == {
        "viewer": ("a@x.nl", "b@x.nl")
    }
    assert parse_email_text("a@x.nl\n\n b@x.nl ; c@x.nl,d@x.nl\n") == ["a@x.nl", "b@x.nl", "c@x.nl", "d@x.nl"]


def test_with_emails_replaces_the_lists_and_keeps_the_rest() -> None:
    changed = SETTINGS.with_emails({"editor": ["New@x.nl"]})
    assert changed.emails == {"editor": ("new@x.nl",)}
    assert changed.mapping == SETTINGS.mapping and changed.claim == "groups"


def test_keeps_admin_guards_against_self_lockout() -> None:
    me = {"email": "root@example.com"}
    assert keeps_admin(me, SETTINGS)
    assert not keeps_admin(me, SETTINGS.with_emails({"viewer": ["root@example.com"]}))


def test_user_from_claims() -> None:
    user = user_from_claims({"sub": "u1", "email": "Guest@example.com", "name": "Gast"}, SETTINGS)
    assert (user.name, user.display_name, user.role) == ("Guest@example.com", "Gast", "viewer")
    refused = user_from_claims({"sub": "u2"}, SETTINGS)
    assert refused.name == "u2" and refused.role == NO_ROLE and refused.signed_in and not refused.has_role
    assert not any(refused.may(right) for right in (READ, EDIT_DATA, READ_COMMENTS, MANAGE_ROLES))


def test_anonymous_and_local_users() -> None:
    assert not ANONYMOUS.signed_in and not ANONYMOUS.may(READ)
    assert LOCAL_USER.signed_in and LOCAL_USER.may(MANAGE_ROLES)


def test_check_allowed() -> None:
    check_allowed(User("e@x.nl", "e@x.nl", "editor"), EDIT_DATA)
    with pytest.raises(NotAllowed):
        check_allowed(User("v@x.nl", "v@x.nl", "viewer"), EDIT_DATA)
    with pytest.raises(NotAllowed):
        check_allowed(ANONYMOUS, READ)


def test_mapping_rows_sorted_by_precedence() -> None:
    assert [row["role"] for row in mapping_rows(SETTINGS)] == ["cio", "cmo", "editor", "viewer"]


GOOD_AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 40,
    "client_id": "dashboard",
    "client_secret": "s3cret",
    "server_metadata_url": "https://idp/.well-known/openid-configuration",
}


def test_good_auth_settings_have_no_problems() -> None:
    assert auth_problems(GOOD_AUTH) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"cookie_secret": None}, "cookie_secret is missing"),
        ({"cookie_secret": "CHANGE-ME"}, "cookie_secret is still the example value"),
        ({"cookie_secret": "short-secret"}, "cookie_secret is shorter than 32"),
        ({"client_secret": "CHANGE-ME"}, "[auth] client_secret is still the example value"),
        ({"redirect_uri": ""}, "redirect_uri is missing"),
        ({"keycloak": {"client_id": "CHANGE-ME"}}, "[auth.keycloak] client_id is still the example value"),
    ],
)
def test_auth_problems_name_the_setting_not_the_value(change: dict, expected: str) -> None:
    auth = {key: value for key, value in (GOOD_AUTH | change).items() if value is not None}
    problems = auth_problems(auth)
    assert any(expected in problem for problem in problems), problems
    assert not any("s3cret" in problem or "short-secret" in problem for problem in problems)


def test_provider_names() -> None:
    assert provider_names(GOOD_AUTH | {"client_kwargs": {"scope": "openid"}}) == []
    assert provider_names(
        {"cookie_secret": "x", "entra": {"client_id": "a"}, "okta": {"client_id": "b"}}
    ) == [
        "entra",
        "okta",
    ]


def test_visible_pages_follow_rights() -> None:
    pages = (
        PageSpec("a.py", "k", "i", READ),
        PageSpec("b.py", "k", "i", EDIT_DATA),
        PageSpec("c.py", "k", "i", MANAGE_ROLES),
    )
    assert [p.path for p in visible_pages(User("v", None, "viewer"), pages)] == ["a.py"]
    assert [p.path for p in visible_pages(User("e", None, "editor"), pages)] == ["a.py", "b.py"]
    assert [p.path for p in visible_pages(LOCAL_USER, pages)] == ["a.py", "b.py", "c.py"]
    assert visible_pages(ANONYMOUS, pages) == []


def test_registry_entries_are_valid() -> None:
    from i18n import load_catalog
    from tests.apptest_helpers import ROOT

    assert sum(page.default for page in PAGES) == 1
    for page in PAGES:
        assert (ROOT / page.path).is_file(), page.path
        assert page.title_key in load_catalog(), page.title_key
        assert any(page.right in rights for rights in RIGHTS.values()), page.right


def test_claim_false_means_emails_only() -> None:
    assert parse_role_settings({"claim": False}).claim is None


def test_an_invited_person_without_a_role_becomes_a_respondent_and_nobody_else_changes() -> None:
    from access.roles import RESPOND, as_invited_respondent, verified_email

    nobody = User(name="n@example.com", email="n@example.com", role=NO_ROLE)
    assert as_invited_respondent(nobody, invited=True).role == "respondent"
    assert as_invited_respondent(nobody, invited=True).may(RESPOND)
    assert as_invited_respondent(nobody, invited=False).role == NO_ROLE
    viewer = User(name="v@example.com", email="v@example.com", role="viewer")
    assert as_invited_respondent(viewer, invited=True) == viewer
    assert as_invited_respondent(ANONYMOUS, invited=True) == ANONYMOUS
    assert as_invited_respondent(LOCAL_USER, invited=True) == LOCAL_USER
    assert verified_email({"email": " A@Example.com "}) == "a@example.com"
    assert verified_email({"email": "a@example.com", "email_verified": False}) is None
    assert verified_email({"sub": "x"}) is None
