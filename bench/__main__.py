"""`python -m bench`: the production-scale benchmark; prints a table and writes bench/results.md.

    python -m bench [--lines N] [--changes 10] [--renders 5] [--no-browser] [--no-pg]
                    [--only pages,import,pack]

    python -m bench --only import,pack --lines 100000    (the import and the meeting pack only)

See the docstrings of bench.rerun (AppTest reruns), bench.browser (Chromium) and
bench.importing (the import against the importer of before issue #23, and the meeting
pack at demo and benchmark scale) for what each figure means; the written file repeats it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import sys
import time
from pathlib import Path

import streamlit
from sqlalchemy import text

from bench import browser as br
from bench import importing
from bench.datasets import DATA_DIR, PRODUCTION_LINES, Dataset, ensure_postgres, ensure_sqlite
from bench.rerun import FLOOR, NAIVE, Target, discover_pages, measure_reruns, page_url_path
from bench.stats import median, p90
from data_access.engine import create_db_engine, describe_url

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "bench" / "results.md"
MEMORY_LINES = (100_000, 400_000)
# "A real organisation's size" of issue #23: about 100 projects (97 at 60,000 budget lines).
ORG_LINES = 60_000

TARGET_FLOOR_RATIO = 3.0
TARGET_NAIVE_RATIO = 25.0
TARGET_PEAK_MB = 300.0
TARGET_GROWTH = 0.20
TARGET_FIRST_RENDER_RATIO = 1.3
PARTS = ("pages", "import", "pack")


def _machine() -> list[str]:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if "model name" in line
            ),
            "unknown",
        )
    return [
        f"- Date: {dt.datetime.now().isoformat(timespec='minutes')}",
        f"- Machine: {os.cpu_count()} CPUs ({cpu}), {total_kb / 1024 / 1024:.1f} GiB RAM, {platform.platform()}",
        f"- Python {platform.python_version()}, Streamlit {streamlit.__version__}, SQLite {sqlite3.sqlite_version}",
        f"- Load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:,.1f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "–" if not a or not b else f"{a / b:,.1f} ×"


def _by_name(targets: list[Target]) -> dict[str, Target]:
    return {t.name: t for t in targets}


def _pg_version(url: str) -> str:
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.scalar(text("SHOW server_version")))
    finally:
        engine.dispose()


def _rerun_table(sqlite: list[Target], pg: list[Target] | None) -> list[str]:
    lite, post = _by_name(sqlite), _by_name(pg or [])
    floor, naive = median(lite[FLOOR].times), median(lite[NAIVE].times)
    pg_naive = median(post[NAIVE].times) if NAIVE in post else None
    head = "| Page | median ms | p90 ms | page / floor | naive / page |"
    rule = "| --- | ---: | ---: | ---: | ---: |"
    if pg is not None:
        head += " PostgreSQL median ms | PostgreSQL p90 ms | PostgreSQL naive / page |"
        rule += " ---: | ---: | ---: |"
    rows = [head, rule]
    for target in sqlite:
        m = median(target.times)
        row = f"| {target.name} | {_ms(m)} | {_ms(p90(target.times))} | {_ratio(m, floor)} | "
        row += _ratio(naive, m) if target.name not in (FLOOR, NAIVE) else "–"
        row += " |"
        if pg is not None:
            other = post.get(target.name)
            pm = median(other.times) if other else None
            row += f" {_ms(pm)} | {_ms(p90(other.times) if other else None)} | "
            row += (_ratio(pg_naive, pm) if target.name not in (FLOOR, NAIVE) else "–") + " |"
        if target.errors:
            row += f" errors: {target.errors[0][:120]}"
        rows.append(row)
    return rows


def _browser_rows(runs: dict[str, br.BrowserRun], *, with_rss: bool) -> list[str]:
    """One table row per Chromium target: median, p90, against the floor and the naive app
    (and the server's peak RSS)."""
    floor, naive = median(runs[FLOOR].times), median(runs[NAIVE].times)
    rows = []
    for name, run in runs.items():
        m = median(run.times)
        vs_naive = _ratio(naive, m) if name not in (FLOOR, NAIVE) else "–"
        row = f"| {name} | {_ms(m)} | {_ms(p90(run.times))} | {_ratio(m, floor)} | {vs_naive} |"
        rows.append(row + (f" {run.peak_rss_mb:,.0f} |" if with_rss else ""))
    return rows


def _check(name: str, ok: bool | None, measured: str) -> str:
    verdict = "not measured" if ok is None else ("met" if ok else "**missed**")
    return f"| {name} | {measured} | {verdict} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=PRODUCTION_LINES, help="budget lines (default 1.2M)")
    parser.add_argument(
        "--memory-lines",
        default=",".join(str(n) for n in MEMORY_LINES),
        help="smaller sizes for the memory growth (comma-separated; the main size is added)",
    )
    parser.add_argument(
        "--org-lines",
        type=int,
        default=ORG_LINES,
        help=f"budget lines of the organisation-scale reruns (default {ORG_LINES:,}: about 100 projects; 0 skips)",
    )
    parser.add_argument("--changes", type=int, default=10, help="filter changes per page (default 10)")
    parser.add_argument(
        "--renders", type=int, default=5, help="fresh-server first renders per app (default 5)"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip everything that needs Chromium")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL even when a URL is set")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL") or os.environ.get("TEST_DATABASE_URL"),
        help="PostgreSQL admin URL (default BENCH_PG_URL, else TEST_DATABASE_URL)",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=DATA_DIR, help="where generated SQLite files are kept"
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="the Markdown file to write (default bench/results.md; with --only, bench/results-PARTS.md)",
    )
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"comma-separated parts to run: {', '.join(PARTS)} (default: all)",
    )
    parser.add_argument("--packs", type=int, default=3, help="meeting packs per scale (default 3)")
    args = parser.parse_args(argv)
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    if not parts or parts - set(PARTS):
        parser.error(f"--only takes {', '.join(PARTS)}")
    if args.output is None:
        chosen = [p for p in PARTS if p in parts]
        args.output = (
            DEFAULT_OUTPUT if len(chosen) == len(PARTS) else ROOT / "bench" / f"results-{'-'.join(chosen)}.md"
        )
    started = time.perf_counter()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    lines_out = ["# Benchmark results", "", *_machine()]
    target_rows: list[str] = []
    main_ds = ensure_sqlite(args.lines, data_dir=args.data_dir, log=log)
    lines_out.append(
        f"- Data (SQLite): {main_ds.n_projects:,} projects, {main_ds.budget_lines:,} budget lines, "
        f"{main_ds.survey_answers:,} survey answers"
    )
    if "pages" in parts:
        pages = discover_pages()
        log(f"pages: {', '.join(pages)}")

        log("AppTest reruns on SQLite ...")
        sqlite_targets = measure_reruns(main_ds.url, pages=pages, changes=args.changes, log=log)
        pg_targets = None
        pg_ds: Dataset | None = None
        if args.pg_url and not args.no_pg:
            pg_ds = ensure_postgres(args.pg_url, args.lines, log=log)
            lines_out.append(
                f"- PostgreSQL {_pg_version(pg_ds.url)}: {describe_url(pg_ds.url)}, {pg_ds.budget_lines:,} budget lines"
            )
            log("AppTest reruns on PostgreSQL ...")
            pg_targets = measure_reruns(pg_ds.url, pages=pages, changes=args.changes, seed=12, log=log)
        else:
            lines_out.append("- PostgreSQL: not measured (no BENCH_PG_URL or TEST_DATABASE_URL)")
        org_ds = ensure_sqlite(args.org_lines, data_dir=args.data_dir, log=log) if args.org_lines else None
        org_targets = None
        if org_ds is not None:
            lines_out.append(
                f"- Organisation scale (SQLite): {org_ds.n_projects:,} projects, {org_ds.budget_lines:,} budget lines"
            )
            log(f"AppTest reruns at {org_ds.n_projects} projects ...")
            org_targets = measure_reruns(org_ds.url, pages=pages, changes=args.changes, seed=13, log=log)

        lines_out += [
            "",
            "## Rerun after a filter change (AppTest, cold cache)",
            "",
            f"Each target gets {args.changes} changes of the global filters (as-of month, department and status subsets; "
            "the period start follows the app's own rule), each a value no target used before, so every "
            "rerun misses st.cache_data: this is the cold-cache rerun after a filter change. Targets are "
            "interleaved change by change in one process. The floor is an empty app with one metric; the "
            "naive app reads the whole tables into pandas on every rerun and computes the Overview's KPIs.",
            "",
            *_rerun_table(sqlite_targets, pg_targets),
        ]

        browser_runs: dict[str, br.BrowserRun] = {}
        org_runs: dict[str, br.BrowserRun] = {}
        memory: dict[int, float] = {}
        renders: dict[str, list[float]] = {"empty": [], "overview": []}
        ready: dict[str, list[float]] = {"empty": [], "overview": []}
        if not args.no_browser:
            log_dir = args.data_dir / "logs"
            with br.chromium() as browser:
                log("Chromium reruns ...")
                scripts = [
                    (FLOOR, "bench/floor_app.py", ""),
                    *[(p, "app.py", page_url_path(p)) for p in pages],
                    (NAIVE, "bench/naive_app.py", ""),
                ]
                for name, script, path in scripts:
                    run = br.browser_reruns(
                        browser,
                        script,
                        database_url=main_ds.url,
                        log_dir=log_dir,
                        changes=args.changes,
                        path=path,
                    )
                    browser_runs[name] = run
                    log(f"  {name:<28} median {_ms(median(run.times))} ms, peak {run.peak_rss_mb:.0f} MB")
                if org_ds is not None:
                    log(f"Chromium reruns at {org_ds.n_projects} projects ...")
                    for name, script, path in scripts:
                        org_runs[name] = br.browser_reruns(
                            browser,
                            script,
                            database_url=org_ds.url,
                            log_dir=log_dir,
                            changes=args.changes,
                            path=path,
                        )
                        log(f"  {name:<28} median {_ms(median(org_runs[name].times))} ms")
                overview = pages[0]
                memory[main_ds.budget_lines] = browser_runs[overview].peak_rss_mb
                for size in [int(s) for s in args.memory_lines.split(",") if s.strip()]:
                    ds = ensure_sqlite(size, data_dir=args.data_dir, log=log)
                    run = br.browser_reruns(
                        browser,
                        "app.py",
                        database_url=ds.url,
                        log_dir=log_dir,
                        changes=args.changes,
                        path=page_url_path(overview),
                    )
                    memory[ds.budget_lines] = run.peak_rss_mb
                    log(f"  memory at {ds.budget_lines:,} lines: {run.peak_rss_mb:.0f} MB")
                log("first renders ...")
                for _ in range(args.renders):
                    for key, script in (("empty", "bench/empty_app.py"), ("overview", "app.py")):
                        fr = br.first_render(browser, script, database_url=main_ds.url, log_dir=log_dir)
                        renders[key].append(fr.render_ms / 1000)
                        ready[key].append(fr.ready_ms / 1000)
                        log(
                            f"  first render {key}: {fr.render_ms:,.0f} ms (server ready after {fr.ready_ms:,.0f} ms)"
                        )

            lines_out += [
                "",
                "## Rerun after a filter change in Chromium (cold cache)",
                "",
                f"A fresh server (`python serve.py SCRIPT`) per target; {args.changes} different as-of months are picked in "  # noqa: S608
                "the sidebar select box; one change runs from the Enter key that chooses the next older month to the last message "
                "of the server's answer (script done, no message for 300 ms). The floor app has only that select box and one metric. Peak RSS is "
                "the server's VmHWM after the changes.",
                "",
                "| Page | median ms | p90 ms | page / floor | naive / page | server peak RSS MB |",
                "| --- | ---: | ---: | ---: | ---: | ---: |",
            ]
            lines_out += _browser_rows(browser_runs, with_rss=True)
            smallest = min(memory)
            lines_out += [
                "",
                f"## Server peak memory (Overview, {args.changes} as-of changes in Chromium)",
                "",
                "| budget lines | peak RSS MB | growth from the smallest |",
                "| ---: | ---: | ---: |",
                *[
                    f"| {size:,} | {mb:,.0f} | {(mb / memory[smallest] - 1):+.0%} |"
                    for size, mb in sorted(memory.items())
                ],
                "",
                f"## First render on a fresh server (median of {args.renders})",
                "",
                "From navigation start to the metrics visible and the script done, in a new browser context. "
                "Both servers start with `python serve.py SCRIPT` (as `make run`), which imports the script's "
                "modules (for the app also the Overview's, other pages import theirs at their first run; it prepares the database and computes the default Overview) before the server accepts "
                "connections; that work is in the last column, process start to healthy, not in the render.",
                "",
                "| App | median ms | p90 ms | ratio to empty | server start → ready median ms |",
                "| --- | ---: | ---: | ---: | ---: |",
                f"| empty app, one metric | {_ms(median(renders['empty']))} | {_ms(p90(renders['empty']))} | 1.0 × | "
                f"{_ms(median(ready['empty']))} |",
                f"| Overview | {_ms(median(renders['overview']))} | {_ms(p90(renders['overview']))} | "
                f"{_ratio(median(renders['overview']), median(renders['empty']))} | {_ms(median(ready['overview']))} |",
            ]

        if org_ds is not None and org_targets is not None:
            lines_out += [
                "",
                f"## At an organisation's scale ({org_ds.n_projects:,} projects, {org_ds.budget_lines:,} budget lines)",
                "",
                "The same reruns as above on a database of about a hundred projects, the size of a real "
                "organisation's portfolio: AppTest first, then Chromium (a fresh server per target).",
                "",
                *_rerun_table(org_targets, None),
            ]
            if org_runs:
                org_floor, org_naive = median(org_runs[FLOOR].times), median(org_runs[NAIVE].times)
                lines_out += [
                    "",
                    "| Page (Chromium) | median ms | p90 ms | page / floor | naive / page |",
                    "| --- | ---: | ---: | ---: | ---: |",
                    *_browser_rows(org_runs, with_rss=False),
                ]
                for page in pages:
                    m = median(org_runs[page].times)
                    target_rows.append(
                        _check(
                            f"{page} at {org_ds.n_projects} projects: rerun ≤ {TARGET_FLOOR_RATIO:g} × floor (Chromium)",
                            m <= TARGET_FLOOR_RATIO * org_floor,
                            _ratio(m, org_floor),
                        )
                    )
                    target_rows.append(
                        _check(
                            f"{page} at {org_ds.n_projects} projects: faster than naive (Chromium)",
                            org_naive > m,
                            _ratio(org_naive, m),
                        )
                    )
        lite = _by_name(sqlite_targets)
        app_floor, app_naive = median(lite[FLOOR].times), median(lite[NAIVE].times)
        for page in pages:
            m = median(lite[page].times)
            target_rows.append(
                _check(
                    f"{page}: rerun ≤ {TARGET_FLOOR_RATIO:g} × floor (AppTest)",
                    m <= TARGET_FLOOR_RATIO * app_floor,
                    _ratio(m, app_floor),
                )
            )
            if browser_runs:
                bm = median(browser_runs[page].times)
                bf = median(browser_runs[FLOOR].times)
                target_rows.append(
                    _check(
                        f"{page}: rerun ≤ {TARGET_FLOOR_RATIO:g} × floor (Chromium)",
                        bm <= TARGET_FLOOR_RATIO * bf,
                        _ratio(bm, bf),
                    )
                )
            target_rows.append(
                _check(
                    f"{page}: ≥ {TARGET_NAIVE_RATIO:g} × faster than naive (AppTest)",
                    app_naive >= TARGET_NAIVE_RATIO * m,
                    _ratio(app_naive, m),
                )
            )
            if browser_runs:
                bn = median(browser_runs[NAIVE].times)
                bm = median(browser_runs[page].times)
                target_rows.append(
                    _check(
                        f"{page}: ≥ {TARGET_NAIVE_RATIO:g} × faster than naive (Chromium)",
                        bn >= TARGET_NAIVE_RATIO * bm,
                        _ratio(bn, bm),
                    )
                )
        if memory:
            peak = memory[max(memory)]
            growth = peak / memory[min(memory)] - 1
            target_rows.append(
                _check(f"server peak RSS < {TARGET_PEAK_MB:g} MB", peak < TARGET_PEAK_MB, f"{peak:,.0f} MB")
            )
            target_rows.append(
                _check(
                    f"peak RSS growth {min(memory):,} → {max(memory):,} lines < {TARGET_GROWTH:.0%}",
                    growth < TARGET_GROWTH,
                    f"{growth:+.0%}",
                )
            )
            fr = median(renders["overview"]) / median(renders["empty"])
            target_rows.append(
                _check(
                    f"Overview first render ≤ {TARGET_FIRST_RENDER_RATIO:g} × empty app",
                    fr <= TARGET_FIRST_RENDER_RATIO,
                    f"{fr:.2f} ×",
                )
            )
    if "import" in parts:
        log("import of the budget, before #23 against now ...")
        files = importing.export_files(main_ds.url)
        runs = [importing.measure_import(files, backend="sqlite", data_dir=args.data_dir, log=log)]
        if args.pg_url and not args.no_pg:
            runs.append(
                importing.measure_import(
                    files, backend="postgresql", data_dir=args.data_dir, pg_admin=args.pg_url, log=log
                )
            )
        section, rows = importing.import_section(runs)
        lines_out += section
        target_rows += rows
    if "pack" in parts:
        log("meeting packs ...")
        scales = {"demo": importing.ensure_demo(args.data_dir, log=log), "production": main_ds.url}
        labels = {"demo": "demo data", "production": f"{main_ds.budget_lines:,} budget lines"}
        section, rows = importing.pack_section(
            importing.measure_packs(scales, repeats=args.packs, log=log), labels
        )
        lines_out += section
        target_rows += rows
    lines_out += [
        "",
        "## Targets (medians, SQLite unless named, this run)",
        "",
        "| Target | Measured | Verdict |",
        "| --- | --- | --- |",
        *target_rows,
    ]
    lines_out += [
        "",
        f"Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"the whole run took {time.perf_counter() - started:,.0f} s.",
        "",
    ]
    report = "\n".join(lines_out)
    print(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    log(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
