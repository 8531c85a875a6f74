"""The benchmark at toy scale, so `make bench` cannot rot: a row per page with numeric medians."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.rerun import FLOOR, NAIVE, discover_pages, filter_values, page_url_path
from bench.stats import median, p90
from tests.browser.harness import CHROMIUM_PATH
from tests.processes import BUSY_FACTOR, run_group

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--lines", "15000", "--changes", "2", "--no-pg", "--org-lines", "15000"]


def _table_rows(report: str, heading: str) -> dict[str, list[str]]:
    section = report.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] not in ("Page", "---"):
            rows[cells[0]] = cells[1:]
    return rows


def _number(cell: str) -> float:
    assert re.fullmatch(r"[\d,]+\.?\d*( ×)?", cell), cell
    return float(cell.replace(",", "").replace(" ×", ""))


def test_pages_come_from_the_navigation() -> None:
    pages = discover_pages()
    assert "views/overview.py" in pages
    assert all(Path(page).exists() for page in pages)
    assert page_url_path("views/overview.py") == ""


def test_stats() -> None:
    times = [float(i) for i in range(1, 11)]
    assert median(times) == 5.5
    assert p90(times) == 9.0
    assert median([]) is None


def test_filter_values_are_distinct(tmp_path: Path) -> None:
    from bench.datasets import ensure_sqlite

    dataset = ensure_sqlite(15000, data_dir=tmp_path)
    values = filter_values(dataset.url, 40)
    keys = {(v["f_as_of"], tuple(v["f_departments"]), tuple(v["f_statuses"])) for v in values}
    assert len(keys) == 40
    assert all(v["f_as_of"].day == 1 for v in values)


def test_bench_reports_every_page_with_numbers(tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    argv = [*SMALL, "--no-browser", "--only", "pages", "--data-dir", str(tmp_path), "--output", str(output)]
    assert main(argv) == 0
    report = output.read_text()
    rows = _table_rows(report, "## Rerun after a filter change (AppTest")
    assert set(rows) == {FLOOR, NAIVE, *discover_pages()}
    for name, cells in rows.items():
        assert "errors" not in cells[-1], (name, cells)
        assert _number(cells[0]) > 0 and _number(cells[1]) >= _number(cells[0])
    org = _table_rows(report, "## At an organisation's scale")
    assert set(org) == {FLOOR, NAIVE, *discover_pages()}
    assert all("errors" not in cells[-1] and _number(cells[0]) > 0 for cells in org.values())
    assert "## Targets" in report


@pytest.mark.browser
def test_bench_browser_parts(tmp_path: Path) -> None:
    if not CHROMIUM_PATH.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM_PATH} is missing under CI")
        pytest.skip(f"{CHROMIUM_PATH} is missing")
    output = tmp_path / "results.md"
    argv = [*SMALL, "--changes", "1", "--renders", "1", "--memory-lines", ""]
    # A process of its own: Playwright's sync API refuses to run where AppTest left an event loop.
    # Its group (with the serve.py servers it starts) is stopped however this ends, timeout too.
    log = tmp_path / "bench.log"
    code = run_group(
        [sys.executable, "-m", "bench", *argv, "--data-dir", str(tmp_path), "--output", str(output)],
        cwd=ROOT,
        timeout_s=300 * BUSY_FACTOR,
        log_path=log,
    )
    assert code == 0, log.read_text()[-4000:]
    report = output.read_text()
    rows = _table_rows(report, "## Rerun after a filter change in Chromium")
    assert set(rows) == {FLOOR, NAIVE, *discover_pages()}
    assert all(_number(cells[0]) > 0 and _number(cells[-1]) > 0 for cells in rows.values())
    org = _table_rows(report.split("## At an organisation's scale", 1)[1], "| Page (Chromium)")
    assert set(org) == {FLOOR, NAIVE, *discover_pages()}
    assert "projects: faster than naive (Chromium) |" in report
    renders = _table_rows(report, "## First render")
    assert _number(renders["Overview"][0]) > 0


def test_bench_import_and_pack_parts(tmp_path: Path) -> None:
    """`--only import,pack`: both importers over the four steps, both scales' packs, verdicts."""
    output = tmp_path / "results.md"
    argv = ["--lines", "3000", "--no-pg", "--only", "import,pack", "--packs", "1"]
    assert main([*argv, "--data-dir", str(tmp_path), "--output", str(output)]) == 0
    report = output.read_text()
    assert "## Rerun after a filter change" not in report
    steps = _table_rows(report, "### sqlite:")
    steps.pop("Step")
    assert set(steps) == {"check plan", "apply plan", "check actuals", "apply actuals", "**all four**"}
    for name, cells in steps.items():
        assert _number(cells[0]) > 0 and _number(cells[1]) > 0, name
    floor = re.search(r"insert plan ([\d.,]+) s and update actuals ([\d.,]+) s, ([\d.,]+) s in all", report)
    assert floor is not None, report
    assert all(_number(value) > 0 for value in floor.groups())
    assert "at most" in report and "× is possible with these writes" in report
    packs = _table_rows(report, "## Meeting pack")
    packs.pop("Data")
    assert len(packs) == 2 and "demo data" in packs
    assert all(_number(cells[2]) > 0 for cells in packs.values())
    targets = report.split("## Targets", 1)[1]
    assert "faster than before #23" in targets and "the demo's" in targets
    assert "| met |" in targets or "| **missed** |" in targets
