"""Every registered page, for every role: in the navigation exactly when the role may use it,
and refused by the page's own check when reached anyway (hiding is not protection)."""

from __future__ import annotations

import pytest

from access.roles import RIGHTS
from i18n import translate
from tests.apptest_helpers import open_app
from tests.auth_fixtures import PEOPLE, auth_secrets, signed_in
from ui.navigation import PAGES

CASES = [pytest.param(page, role, id=f"{page.path}-{role}") for page in PAGES for role in sorted(RIGHTS)]


@pytest.mark.parametrize(("page", "role"), CASES)
def test_navigation_offers_the_page_only_to_roles_with_the_right(
    monkeypatch, demo_sqlite_url, page, role
) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, secrets=auth_secrets(), user=signed_in(PEOPLE[role]))
    allowed = page.right in RIGHTS[role]
    if allowed:
        at.switch_page(page.path).run()
        assert not at.exception, [e.value for e in at.exception]
        assert not any(translate("auth.not_allowed", "nl") in e.value for e in at.error)
    else:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page.path)


@pytest.mark.parametrize(("page", "role"), CASES)
def test_the_page_checks_the_role_itself(monkeypatch, demo_sqlite_url, page, role) -> None:
    """Run the page file on its own (as if navigation had been bypassed)."""
    at = open_app(
        monkeypatch, demo_sqlite_url, secrets=auth_secrets(), user=signed_in(PEOPLE[role]), script=page.path
    )
    refused = [e.value for e in at.error if e.value == translate("auth.not_allowed", "nl")]
    if page.right in RIGHTS[role]:
        assert not refused and at.title
    else:
        assert refused and not at.title, "the page rendered for a role without the right"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.path)
def test_a_person_without_a_role_is_refused_by_every_page(monkeypatch, demo_sqlite_url, page) -> None:
    stranger = signed_in({"sub": "x", "email": "x@example.com", "roles": ["nothing"]})
    at = open_app(monkeypatch, demo_sqlite_url, secrets=auth_secrets(), user=stranger, script=page.path)
    assert [e.value for e in at.error] == [translate("auth.not_allowed", "nl")] and not at.title


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.path)
def test_not_signed_in_is_refused_by_every_page(monkeypatch, demo_sqlite_url, page) -> None:
    at = open_app(
        monkeypatch, demo_sqlite_url, secrets=auth_secrets(), user={"is_logged_in": False}, script=page.path
    )
    assert [e.value for e in at.error] == [translate("auth.not_allowed", "nl")] and not at.title
