"""Text from data is shown as text (issue 17.3): hostile project names, goals, RAG reasons,
department, category and survey-wave names and scenario names rendered through the real pages;
no element's Markdown source may hold them unescaped (no bold, KaTeX, colour, image, link, HTML).
"""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import Engine, create_engine, insert, select, update

from access.roles import LOCAL_USER
from data_access.models import CostCategory, Department, Project, SavedScenario, SurveyWave
from domain.scenario import Scenario
from domain.scenario_link import to_json
from tests.apptest_helpers import each_tab, open_app, open_tab
from ui.text import md

HOSTILE = "**bold** $x^2$ :red[x] ![i](http://x.invalid/i.png) [a](data:text/html,<b>h</b>) <b>h</b>"
RAW = ("**bold**", "$x^2$", ":red[x]", "![i](", "[a](data:", "<b>")


def test_md_escapes_every_construct() -> None:
    shown = md(HOSTILE + "\n# heading")
    assert all(raw not in shown for raw in RAW)
    assert "\n" not in shown and shown.replace("\\", "") == HOSTILE + " # heading"


@pytest.fixture(scope="module")
def hostile_url(demo_sqlite_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> str:
    with demo_sqlite_engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    target = tmp_path_factory.mktemp("hostile") / "hostile.db"
    shutil.copy(demo_sqlite_engine.url.database or "", target)
    url = f"sqlite:///{target}"
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in (Department, CostCategory):
            codes = list(conn.execute(select(table.code)).scalars())
            for n, code in enumerate(codes):
                conn.execute(
                    update(table)
                    .where(table.code == code)
                    .values(name_nl=f"{HOSTILE[:90]}{n}", name_en=f"{HOSTILE[:90]}{n}")
                )
        for n, code in enumerate(conn.execute(select(Project.code)).scalars().all()):
            conn.execute(
                update(Project)
                .where(Project.code == code)
                .values(name=f"{HOSTILE} {n}", goal=HOSTILE, rag_reason=HOSTILE)
            )
        conn.execute(update(SurveyWave).values(name=HOSTILE[:90]))
        conn.execute(
            insert(SavedScenario).values(
                name=HOSTILE,
                author=LOCAL_USER.name,
                created_at=__import__("datetime").datetime(2026, 1, 1),
                params=to_json(Scenario(delays={"P-001": 2})),
            )
        )
    engine.dispose()
    return url


def _sources(at) -> list[str]:  # noqa: ANN001 - an AppTest
    """The Markdown source of every element and every label on the page."""
    found: list[str] = []
    for kind in (
        "markdown",
        "caption",
        "subheader",
        "header",
        "title",
        "success",
        "info",
        "warning",
        "error",
    ):
        found += [str(e.value) for e in getattr(at, kind)]
    for kind in (
        "metric",
        "number_input",
        "selectbox",
        "multiselect",
        "radio",
        "text_input",
        "button",
        "toggle",
        "expander",
        "tabs",
    ):
        found += [str(getattr(e, "label", "")) for e in getattr(at, kind)]
    found += [str(o) for r in at.radio for o in r.options]
    return found


def _assert_inert(at) -> None:  # noqa: ANN001
    assert not at.exception, [e.value for e in at.exception]
    bad = [s for s in _sources(at) if any(raw in s for raw in RAW)]
    assert not bad, bad


@pytest.mark.parametrize(
    "page",
    [
        "views/overview.py",
        "views/projects.py",
        "views/whatif.py",
        "views/trust.py",
        "views/health.py",
        "views/budget.py",
        "views/steering.py",
    ],
)
def test_hostile_data_text_is_shown_as_text_on_every_page(
    monkeypatch: pytest.MonkeyPatch, hostile_url: str, page: str
) -> None:
    at = open_app(monkeypatch, hostile_url, page=page)
    for _ in each_tab(at, page):
        _assert_inert(at)
    if page == "views/projects.py":
        open_tab(at, "project")
        at.selectbox(key="projects_detail").set_value("P-001").run()
        _assert_inert(at)
        assert any("bold" in s for s in _sources(at)), "the project detail was not shown"
    if page == "views/whatif.py":
        assert _has(at, "wi_open")
        at.selectbox(key="wi_open").select_index(0).run()
        at.button(key="whatif_open").click().run()
        _assert_inert(at)
        assert at.success, "the saved scenario was not opened"


def _has(at, key: str) -> bool:  # noqa: ANN001
    try:
        at.selectbox(key=key)
    except KeyError:
        return False
    return True
