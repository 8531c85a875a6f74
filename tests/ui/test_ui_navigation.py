"""Every page keeps its URL: a renamed page file must not move the page's address."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access.roles import LOCAL_USER
from tests.apptest_helpers import LOCAL_SECRETS, ROOT
from ui.navigation import PAGES

URLS = {
    "views/overview.py": "",
    "views/budget.py": "budget",
    "views/projects.py": "projects",
    "views/trust.py": "trust",
    "views/health.py": "health",
    "views/whatif.py": "whatif",
    "views/steering.py": "steering",
    "views/catalogue.py": "catalogue",
    "views/pulse.py": "pulse",
    "views/pulse_answer.py": "pulse_answer",
    "views/import_data.py": "import",
    "views/role_settings.py": "role_settings",
    "views/organisation.py": "organisation",
}


def test_every_page_keeps_its_url_path() -> None:
    assert {spec.path: spec.url_path for spec in PAGES} == URLS


def test_streamlit_serves_each_page_at_its_url_path(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    """The paths st.navigation itself registered in a run, not only the registry's."""
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets = dict(LOCAL_SECRETS)
    at.run()
    assert not at.exception
    # AppTest keeps the pages of its last run (what a browser's URL resolves against).
    registered = {
        str(Path(info["script_path"]).relative_to(ROOT)): info["url_pathname"]
        for info in at._registered_pages.values()  # noqa: SLF001
    }
    shown = {spec.path for spec in PAGES if LOCAL_USER.may(spec.right)}
    assert registered == {path: url for path, url in URLS.items() if path in shown}


def _scroll_scripts(at: AppTest) -> list[str]:
    return [
        element.proto.body
        for element in at.sidebar.get("html")
        if "scrollTo" in element.proto.body and element.proto.unsafe_allow_javascript
    ]


def test_every_page_sends_the_one_script_that_opens_pages_at_their_top(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    # ui.navigation.scroll_to_top_on_page_change: a constant, once per run, on every page;
    # what it does in the browser: tests/browser/test_meeting_browser.py.
    from tests.apptest_helpers import open_app

    at = open_app(monkeypatch, demo_sqlite_url)
    overview = _scroll_scripts(at)
    assert len(overview) == 1 and "pushState" in overview[0] and "stMain" in overview[0]
    for page in ("views/budget.py", "views/projects.py"):
        at.switch_page(page).run()
        assert _scroll_scripts(at) == overview
