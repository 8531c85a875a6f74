"""Real sign-in in Chromium against a local OpenID provider (oidc-provider-mock on loopback).

Each person signs in through the provider's page and must see exactly the pages their role
may use; a page outside their rights is refused even when its URL is typed; the admin's write
lands in the audit trail under their name; no secret appears on any page or in the server log.
To cover a new page, add it to ui/navigation.PAGES (it is checked here automatically); to
cover a new write, add a probe to WRITE_PROBES.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from access.roles import RIGHTS
from i18n import translate
from tests.auth_fixtures import CLIENT_SECRET, COOKIE_SECRET, PEOPLE, STRANGER, auth_secrets, to_toml
from tests.browser.harness import free_port, streamlit_server, wait_for_app
from ui.navigation import PAGES

pytestmark = pytest.mark.browser

ROLES_IN_BROWSER = ["viewer", "editor", "cio", "admin", "respondent"]


def _require_provider() -> None:
    import importlib.util

    if importlib.util.find_spec("oidc_provider_mock") is None:
        message = "oidc-provider-mock is missing (pip install -r requirements-dev.txt)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _wait_for(url: str, process: subprocess.Popen, log: Path, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OpenID provider exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the OpenID provider did not answer at {url}")


@dataclass
class SignInSetup:
    base_url: str
    provider_url: str
    log_path: Path
    database_url: str
    secrets: list[str]
    seen_pages: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def signin_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInSetup]:
    """The provider with one predefined user per role, and the app signed in against it."""
    _require_provider()
    workdir = tmp_path_factory.mktemp("signin")
    provider_port, app_port = free_port(), free_port()
    provider_url = f"http://localhost:{provider_port}"
    command = [sys.executable, "-m", "oidc_provider_mock", "--port", str(provider_port)]
    for claims in [*PEOPLE.values(), STRANGER]:
        command += ["--user-claims", json.dumps(claims)]
    provider_log = workdir / "provider.log"
    with provider_log.open("wb") as log:
        provider = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(f"{provider_url}/.well-known/openid-configuration", provider, provider_log)
        secrets = auth_secrets(
            redirect_uri=f"http://localhost:{app_port}/oauth2callback",
            server_metadata_url=f"{provider_url}/.well-known/openid-configuration",
        )
        secrets_file = workdir / "secrets.toml"
        secrets_file.write_text(to_toml(secrets))
        database_url, cleanup = _database(workdir)
        secret_strings = [CLIENT_SECRET, COOKIE_SECRET]
        password = make_url(database_url).password
        if password:
            secret_strings += [f":{password}@", database_url]
        try:
            with streamlit_server(
                database_url=database_url,
                log_dir=workdir,
                port=app_port,
                secrets_file=secrets_file,
                extra_args=["--logger.level=info"],
            ):
                yield SignInSetup(
                    base_url=f"http://localhost:{app_port}",
                    provider_url=provider_url,
                    log_path=workdir / f"streamlit-{app_port}.log",
                    database_url=database_url,
                    secrets=secret_strings,
                )
        finally:
            cleanup()
    finally:
        provider.terminate()
        provider.wait(timeout=10)


def _database(workdir: Path) -> tuple[str, Callable[[], None]]:
    """PostgreSQL when TEST_DATABASE_URL is set (always under CI: a URL with a password), else SQLite."""
    if os.environ.get("TEST_DATABASE_URL"):
        from tests.conftest import _create_pg_database, _drop_pg_database

        url = _create_pg_database()
        return url, lambda: _drop_pg_database(url)
    if os.environ.get("CI") == "true":
        pytest.fail("TEST_DATABASE_URL is not set under CI")
    return f"sqlite:///{workdir / 'alignment.db'}", lambda: None


SIGNED_IN = "[data-testid='stSidebarUserContent'], [data-testid='stMain'] h1"


def sign_in(page, setup: SignInSetup, subject: str, *, ready: str = SIGNED_IN) -> None:
    """Sign in as the provider's predefined user `subject`, through the provider's own page;
    `ready` is what shows once the app is signed in (a phone's collapsed sidebar shows only the
    page's title)."""
    page.goto(f"{setup.base_url}/")
    wait_for_app(page)
    page.get_by_role("button", name=translate("auth.sign_in", "nl")).click()
    page.wait_for_url(f"{setup.provider_url}/**")
    page.locator(f"button[name='sub'][value='{subject}']").click()
    page.wait_for_url(f"{setup.base_url}/**")
    wait_for_app(page)
    page.locator(ready).first.wait_for()
    wait_for_app(page)
    setup.seen_pages.append(page.content())


def _url_path(path: str) -> str:
    spec = next((spec for spec in PAGES if spec.path == path), None)
    return (spec.url if spec and spec.url else None) or Path(path).stem


def open_page(page, setup: SignInSetup, path: str) -> None:
    page.goto(f"{setup.base_url}/{_url_path(path)}")
    wait_for_app(page)
    page.wait_for_timeout(500)
    wait_for_app(page)
    setup.seen_pages.append(page.content())


def main_title(page) -> str:
    titles = page.locator("[data-testid='stMain'] h1").all_inner_texts()
    return titles[0].strip() if titles else ""


def save_role_emails_as_admin(page, setup: SignInSetup) -> None:
    open_page(page, setup, "views/role_settings.py")
    area = page.get_by_label(translate("role.editor", "nl").capitalize())
    area.fill("new.editor@example.com")
    page.get_by_role("button", name=translate("roles.save", "nl")).click()
    page.get_by_text(translate("roles.saved", "nl")).wait_for()


# page path -> action that performs a write on it (only run for roles with the page's right)
WRITE_PROBES: dict[str, Callable] = {"views/role_settings.py": save_role_emails_as_admin}


@pytest.fixture
def fresh_page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="nl-NL")
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("role", ROLES_IN_BROWSER)
def test_each_role_sees_and_may_do_what_its_rights_say(fresh_page, signin_app, output_dir, role) -> None:
    page, person = fresh_page, PEOPLE[role]
    sign_in(page, signin_app, person["sub"])
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    assert person["name"] in sidebar and translate(f"role.{role}", "nl") in sidebar
    page.screenshot(path=str(output_dir / f"signin-{role}.png"), full_page=True)

    allowed = [spec for spec in PAGES if spec.right in RIGHTS[role]]
    nav = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    nav_titles = [line.strip().splitlines()[-1] for line in nav]
    # Streamlit shows no navigation menu for a single page.
    expected_nav = [translate(spec.title_key, "nl") for spec in allowed] if len(allowed) > 1 else []
    assert nav_titles == expected_nav

    for spec in PAGES:
        open_page(page, signin_app, spec.path)
        title = translate(spec.heading, "nl")
        if spec in allowed:
            assert main_title(page) == title and page.locator("[data-testid='stException']").count() == 0
            if spec.path in WRITE_PROBES:
                WRITE_PROBES[spec.path](page, signin_app)
        else:
            # Typing the URL of a page outside one's rights does not open it.
            assert main_title(page) != title, f"{role} reached {spec.path}"
            assert page.locator("textarea, [data-testid='stFormSubmitButton']").count() == 0
            page.screenshot(path=str(output_dir / f"signin-{role}-refused-{_url_path(spec.path)}.png"))


def test_admin_write_is_audited_under_their_name(signin_app) -> None:
    from data_access.audit import load_audit_trail
    from data_access.engine import create_db_engine

    engine = create_db_engine(signin_app.database_url)
    trail = load_audit_trail(engine=engine, entity="role_emails")
    engine.dispose()
    assert "ada@example.com" in set(trail["user_name"])
    assert set(trail["user_name"]) <= {"ada@example.com"}, "someone without the right wrote"


def test_a_person_without_a_role_is_refused(fresh_page, signin_app, output_dir) -> None:
    sign_in(fresh_page, signin_app, STRANGER["sub"])
    assert main_title(fresh_page) == translate("auth.refused_title", "nl")
    assert fresh_page.locator("[data-testid='stMetric']").count() == 0
    fresh_page.screenshot(path=str(output_dir / "signin-refused.png"))


def test_no_secret_on_any_page_or_in_the_log(signin_app) -> None:
    """Runs last in this module: every page seen above and the server log so far."""
    assert len(signin_app.seen_pages) >= len(ROLES_IN_BROWSER), "the sign-in tests did not run first"
    log_text = signin_app.log_path.read_text(errors="replace")
    for secret in signin_app.secrets:
        assert all(secret not in html for html in signin_app.seen_pages), "a secret reached a page"
        assert secret not in log_text, "a secret reached the server log"
