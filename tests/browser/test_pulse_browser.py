"""A trust pulse end to end in Chromium (issue 21): twelve people sign in through the local
OpenID provider (oidc-provider-mock) on a phone-sized screen, each answers the wave on the one
page they can see; the CIO sees the response rate, closes the wave and finds its results on
the Trust page with the small group (four IT respondents, below the threshold of five) hidden.

The wave itself is opened through data_access (the form is covered by tests/views/test_app_pulse.py);
everything the respondents and the CIO do happens in the browser.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from domain.months import last_closed_month
from i18n import translate
from i18n.format import format_pct
from tests.auth_fixtures import PEOPLE, auth_secrets, to_toml
from tests.browser.harness import free_port, streamlit_server, wait_for_app
from tests.browser.test_accessibility_browser import axe_violations, blocking
from tests.browser.test_signin_browser import (
    SignInSetup,
    _database,
    _require_provider,
    _wait_for,
    main_title,
    open_page,
    sign_in,
)

pytestmark = pytest.mark.browser

MARKETING = [f"mkt{n}" for n in range(8)]
IT = [f"it{n}" for n in range(4)]  # fewer than five: their view of marketing stays hidden
RESPONDENTS = {
    sub: {
        "sub": sub,
        "email": f"{sub}@example.com",
        "name": f"Person {sub}",
        "roles": ["alignment-respondent"],
    }
    for sub in MARKETING + IT
}
ITEMS = ["ABI-IT-1", "BEN-IT-1", "ABI-MKT-1", "BEN-MKT-1"]
CODE = "PULSE-B"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def pulse_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInSetup]:
    """The provider with the CIO and twelve respondents; the app over a demo database with an
    open pulse wave for them."""
    _require_provider()
    from data_access.demo import seed_demo
    from data_access.engine import create_db_engine, upgrade_schema
    from data_access.pulse import open_pulse_wave
    from tests.pulse_fixtures import CIO

    workdir = tmp_path_factory.mktemp("pulse")
    provider_port, app_port = free_port(), free_port()
    provider_url = f"http://localhost:{provider_port}"
    command = [sys.executable, "-m", "oidc_provider_mock", "--port", str(provider_port)]
    for claims in [PEOPLE["cio"], *RESPONDENTS.values()]:
        command += ["--user-claims", json.dumps(claims)]
    provider_log = workdir / "provider.log"
    with provider_log.open("wb") as log:
        provider = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(f"{provider_url}/.well-known/openid-configuration", provider, provider_log)
        secrets_file = workdir / "secrets.toml"
        secrets_file.write_text(
            to_toml(
                auth_secrets(
                    redirect_uri=f"http://localhost:{app_port}/oauth2callback",
                    server_metadata_url=f"{provider_url}/.well-known/openid-configuration",
                )
            )
        )
        database_url, cleanup = _database(workdir)
        try:
            engine = create_db_engine(database_url)
            upgrade_schema(engine)
            seed_demo(engine)
            today = dt.date.today()
            open_pulse_wave(
                engine=engine,
                user=CIO,
                code=CODE,
                name="Pulse in the browser",
                opens_on=last_closed_month(today),
                closes_on=today + dt.timedelta(days=7),
                reminder="Please answer",
                item_codes=ITEMS,
                invitations={
                    "MKT": [RESPONDENTS[s]["email"] for s in MARKETING],
                    "IT": [RESPONDENTS[s]["email"] for s in IT],
                },
            )
            engine.dispose()
            with streamlit_server(
                database_url=database_url, log_dir=workdir, port=app_port, secrets_file=secrets_file
            ):
                yield SignInSetup(
                    base_url=f"http://localhost:{app_port}",
                    provider_url=provider_url,
                    log_path=workdir / f"streamlit-{app_port}.log",
                    database_url=database_url,
                    secrets=[],
                )
        finally:
            cleanup()
    finally:
        provider.terminate()
        provider.wait(timeout=10)


def _answer(page, setup: SignInSetup, sub: str, first: int) -> None:
    sign_in(page, setup, sub, ready="[data-testid='stMain'] h1")
    assert main_title(page) == translate("pulse_answer.title", "nl")
    items = page.locator("[data-testid='stMain'] [data-testid='stRadio']")
    assert items.count() == 2  # the two items about the other department
    for index in range(items.count()):
        score = (first + index) % 5 + 1
        items.nth(index).locator("[role='radiogroup'] label").nth(score - 1).click()
    page.locator("[data-testid='stMain'] textarea").fill(f"Comment of someone in {sub[:3]}")
    page.get_by_role("button", name=translate("pulse_answer.submit", "nl")).click()
    page.get_by_text(translate("pulse_answer.thanks", "nl")).wait_for()
    wait_for_app(page)
    # The answer is not shown back: every item is empty again.
    assert page.locator("[data-testid='stMain'] input[type='radio']:checked").count() == 0
    assert page.locator("[data-testid='stMain'] textarea").input_value() == ""


def test_twelve_people_answer_and_the_cio_closes_and_sees_the_results(browser, pulse_app, output_dir) -> None:
    from data_access.engine import create_db_engine
    from data_access.models import PulseParticipant, SurveyResponse, SurveyWave

    for number, sub in enumerate(MARKETING + IT):
        context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
        context.set_default_timeout(120_000)
        page = context.new_page()
        try:
            _answer(page, pulse_app, sub, number)
            if number == 0:
                page.screenshot(path=str(output_dir / "pulse-answer-phone.png"), full_page=True)
                assert blocking(axe_violations(page)) == []  # the questionnaire on a phone
                # The respondent has one page: no menu, no figures, and typed URLs do not open others.
                assert page.locator("[data-testid='stSidebarNav']").count() == 0
                for path in ("views/trust.py", "views/pulse.py", "views/overview.py"):
                    open_page(page, pulse_app, path)
                    assert main_title(page) == translate("pulse_answer.title", "nl")
                    assert page.locator("[data-testid='stMetric']").count() == 0
        finally:
            context.close()

    engine = create_db_engine(pulse_app.database_url)
    with engine.connect() as conn:
        answered = conn.scalar(select(func.count()).where(PulseParticipant.answered.is_(True)))
    assert answered == 12

    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="nl-NL")
    context.set_default_timeout(120_000)
    page = context.new_page()
    try:
        sign_in(page, pulse_app, PEOPLE["cio"]["sub"])
        open_page(page, pulse_app, "views/pulse.py")
        values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
        assert [v.strip() for v in values] == [format_pct(1.0, "nl")] * 2
        page.get_by_text(translate("pulse.close_confirm", "nl")).click()
        wait_for_app(page)
        page.get_by_role("button", name=translate("pulse.close", "nl")).click()
        page.get_by_text(translate("pulse.closed", "nl", name="Pulse in the browser")).wait_for()
        page.screenshot(path=str(output_dir / "pulse-closed.png"), full_page=True)

        as_of = last_closed_month(dt.date.today()).strftime("%Y-%m")
        page.goto(f"{pulse_app.base_url}/trust?asof={as_of}")
        wait_for_app(page)
        # The mirror (first tab): IT's four respondents are hidden, marketing's eight are not.
        page.get_by_text(translate("trust.mirror.hidden", "nl", department="IT")).wait_for()
        assert page.get_by_text(translate("trust.mirror.hidden", "nl", department="Marketing")).count() == 0
        page.get_by_role("tab", name=translate("trust.tab.trend", "nl")).click()
        wait_for_app(page)
        page.get_by_text(translate("trust.latest", "nl", wave=CODE)).wait_for()
        page.get_by_text(translate("survey.hidden_groups", "nl", count=1)).wait_for()
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=str(output_dir / "pulse-trust.png"), full_page=True)
    finally:
        context.close()

    with engine.connect() as conn:
        respondents = conn.scalar(
            select(func.count(func.distinct(SurveyResponse.respondent_ref)))
            .join(SurveyWave, SurveyWave.id == SurveyResponse.wave_id)
            .where(SurveyWave.code == CODE)
        )
        register = conn.scalar(select(func.count()).select_from(PulseParticipant))
    engine.dispose()
    assert respondents == 12 and register == 0
