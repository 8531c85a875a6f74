"""Several app processes on one PostgreSQL: what one process writes, the other shows at its
next rerun, although each keeps its own cache (the data version in the database decides)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from data_access.demo import seed_demo
from data_access.engine import create_db_engine, read_data_version, upgrade_schema
from data_access.importer import export_rows, to_csv
from tests.browser.harness import streamlit_server, wait_for_app
from tests.conftest import ROOT, _drop_pg_database, make_database_url
from tests.reliability.snapshot import overview_figures

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]

DECISION = "Saved through server A"


def _tile_values(page) -> list[str]:
    page.locator("[data-testid='stMetric']").first.wait_for()
    return page.locator("[data-testid='stMetric'] [data-testid='stMetricValue']").all_inner_texts()


def _rerun(page, language: str) -> None:
    """A user's next interaction: switch the language in the sidebar."""
    page.locator("[data-testid='stSidebar']").get_by_text(language, exact=True).click()
    page.wait_for_timeout(300)
    wait_for_app(page)


def test_two_servers_see_each_others_writes_at_the_next_rerun(browser, tmp_path: Path) -> None:
    url = make_database_url("postgresql", tmp_path)
    engine = create_db_engine(url)
    try:
        upgrade_schema(engine)
        seed_demo(engine)
        with (
            streamlit_server(database_url=url, log_dir=tmp_path / "a") as server_a,
            streamlit_server(database_url=url, log_dir=tmp_path / "b") as server_b,
        ):
            assert server_a != server_b
            context_a, context_b = browser.new_context(), browser.new_context()
            page_a, page_b = context_a.new_page(), context_b.new_page()

            # B shows (and caches) the overview and the decisions before anything changes.
            page_b.goto(f"{server_b}/?lang=en")
            wait_for_app(page_b)
            tiles_before = _tile_values(page_b)
            assert tiles_before == [value for _, value, _ in overview_figures(engine)]

            # An import through another process (the command line) changes the plan.
            rows = export_rows(engine=engine, kind="budget_plan")
            changed = [row | {"planned": round(float(row["planned"]) * 1.5, 2)} for row in rows]
            plan_file = tmp_path / "plan.csv"
            plan_file.write_bytes(to_csv("budget_plan", changed))
            version = read_data_version(engine)
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "data_access.importer",
                    "budget_plan",
                    str(plan_file),
                    "--database-url",
                    url,
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, result.stdout + result.stderr
            assert read_data_version(engine) == version + 1

            _rerun(page_b, "Nederlands")
            _rerun(page_b, "English")
            tiles_after = _tile_values(page_b)
            assert tiles_after != tiles_before
            assert tiles_after == [value for _, value, _ in overview_figures(engine)]

            # A decision saved through server A's page appears on server B's page.
            page_b.goto(f"{server_b}/steering?lang=en")
            wait_for_app(page_b)
            assert page_b.locator("td", has_text=DECISION).count() == 0
            page_a.goto(f"{server_a}/steering?lang=en")
            wait_for_app(page_a)
            form = page_a.locator("[data-testid='stForm']", has_text="Record decision")
            form.get_by_label("Title").fill(DECISION)
            form.get_by_role("button", name="Record decision").click()
            page_a.locator("[data-testid='stAlertContentSuccess']").wait_for(timeout=30_000)

            _rerun(page_b, "Nederlands")
            page_b.locator("td", has_text=DECISION).first.wait_for(state="attached", timeout=30_000)
            for context in (context_a, context_b):
                context.close()
    finally:
        engine.dispose()
        _drop_pg_database(url)
