"""The meeting pack for a month: content from the same pure functions as the screen, and a CLI.

    python -m reports.pack --month 2026-10 --out pack/ [--lang nl|en] [--from 2026-01]
                           [--departments IT,MKT] [--statuses active,on_hold] [--database-url URL]

writes pack.pptx, pack.pdf, tables.xlsx and one CSV per table into --out, without a browser
(for a scheduled job). The database URL comes from --database-url, else DATABASE_URL, the
secrets file or the embedded SQLite file, as for the app; the schema is not changed.

It prints its steps on stderr. `build_pack` makes the content model once (the PPTX, the PDF
and the workbook are all laid out from it, see `pack_files`):
- page one, the month: the "since the last meeting" sentences (presentation.summary, as on the Overview), the
  Overview's KPI tiles with status, change and trend (the same texts as the screen, from
  presentation.overview) and the year-end forecast against the budget
  (kpis.budget.forecast_year_end, as on the Budget page);
- the Alignment health pages right after it (reports.pack_health: the maturity radar beside a
  year earlier, trust beside delivery with its reading; the profile's figures in the workbook);
- the charts of reports.pack_charts (budget with the forecast, funding drift, trust mirror and
  perception gap, goal timeline, ownership matrix), rendered to PNG once;
- the exceptions grouped by kind, biggest first, the full list in the spreadsheet;
- the budget and insight-goal tables, the month's decisions and actions, headers translated.
`progress(step, steps, label)` is told of each step. Survey comments are never loaded; trust
figures pass the confidentiality gate of kpis.trust.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from data_access.budget import load_budget_by_month, load_funding_shares, load_project_progress
from data_access.engine import DatabaseUnavailable, check_connection, create_db_engine, resolve_database_url
from data_access.projects import load_insight_goals, load_responsibility_areas
from data_access.reference import load_departments
from data_access.steering import load_actions, load_decisions
from domain.confidentiality import DEFAULT_MIN_GROUP
from domain.filters import Filters
from domain.months import fiscal_year_days, fiscal_year_start
from domain.targets import rag
from i18n import LANGUAGES, names_by_code, translate
from i18n.format import (
    DEFAULT_CURRENCY,
    currency_symbol,
    format_fiscal_year,
    format_money_compact,
    format_month,
    format_number,
    format_pct,
)
from kpis.budget import earned_value_table, forecast_year_end
from kpis.exceptions import OWNERSHIP_KINDS, ExceptionItem
from kpis.funding import funding_drift
from kpis.goals import goal_timeline
from kpis.steering import actions_for_meeting
from presentation.overview import exception_text, tile_texts
from presentation.summary import meeting_summary
from reports.content import ExceptionGroupText, ForecastText, KpiTile, Pack, PackTable
from reports.pack_charts import (
    budget_chart,
    funding_drift_chart,
    goals_chart,
    ownership_chart,
    trust_mirror_chart,
)
from reports.pack_health import health_charts, health_table
from services.health_page import compute_health
from services.organisation import Organisation, load_organisation
from services.single_view import compute_single_view, previous_meeting_filters
from services.single_view_model import SingleView

# What the slides and the PDF show of one kind of exception; the rest is in the spreadsheet.
EXCEPTION_LINES_PER_KIND = 5
# Insight goals on the slides and in the PDF, what needs attention first (goal statuses in
# this order); the spreadsheet has them all.
SLIDE_GOALS = 20
ATTENTION_ORDER = {"overdue": 0, "reached_late": 1, "open": 2, "reached_on_time": 3}

# progress(step, steps, label): called before each step of making the pack.
Progress = Callable[[int, int, str], None]
PACK_STEPS = ("figures", "details", "charts", "slides", "pdf", "tables")


def filters_text(filters: Filters, *, lang: str, department_names: dict[str, str] | None = None) -> list[str]:
    """The filters in words for the title page: period, then every filter that narrows."""
    names = department_names or {}
    lines = [
        translate(
            "reports.filter.period",
            lang,
            start=format_month(filters.period_start, lang),
            end=format_month(filters.as_of, lang),
        )
    ]
    if filters.departments:
        values = ", ".join(names.get(code, code) for code in filters.departments)
        lines.append(translate("reports.filter.departments", lang, values=values))
    if filters.statuses:
        values = ", ".join(translate(f"status.{status}", lang) for status in filters.statuses)
        lines.append(translate("reports.filter.statuses", lang, values=values))
    if filters.projects:
        lines.append(translate("reports.filter.projects", lang, values=", ".join(filters.projects)))
    if filters.categories:
        lines.append(translate("reports.filter.categories", lang, values=", ".join(filters.categories)))
    return lines


def overview_tiles(
    view: SingleView, *, lang: str, department_names: dict[str, str], currency: str = DEFAULT_CURRENCY
) -> tuple[list[KpiTile], list[str]]:
    """The Overview's KPI tiles and exceptions exactly as the screen shows them (same texts)."""
    tiles = [
        KpiTile(
            name=text.name,
            value_text=text.value,
            rag=text.rag,  # type: ignore[arg-type]
            change_text=text.change,
            note=" ".join(part for part in (text.detail, text.note) if part) or None,
            trend=text.trend,
            definition=text.help,
        )
        for text in tile_texts(view, lang, department_names=department_names, currency=currency)
    ]
    exceptions = [
        exception_text(item, lang, department_names=department_names, currency=currency)
        for item in view.exceptions
    ]
    if view.hidden_survey_groups:
        exceptions.append(translate("reports.exception.hidden_groups", lang, count=view.hidden_survey_groups))
    return tiles, exceptions


def _previous_view(engine: Engine, *, filters: Filters, min_group: int) -> SingleView | None:
    """The single view of the month before the as-of month (None before the first month of data)."""
    before = previous_meeting_filters(engine=engine, filters=filters)
    return compute_single_view(engine=engine, filters=before, min_group=min_group) if before else None


def exception_kind_name(kind: str, lang: str) -> str:
    """The heading of an exception kind: the Overview's (single.kind.*), so screen and pack agree."""
    if kind == "hidden_groups":
        return translate("reports.exception_kind.hidden_groups", lang)
    return translate(f"single.kind.{kind}", lang)


def _magnitude(item: ExceptionItem, slippage: Mapping[tuple[str, str], float]) -> float:
    """How big an exception is within its kind (larger first): the figure that triggered it."""
    values = item.values
    if item.kind == "over_budget":  # the rule is CPI below target: the lowest CPI first
        return -float(values.get("cpi") or 0.0)
    if item.kind == "behind_schedule":
        return -float(values.get("spi") or 0.0)
    if item.kind == "funding_drift":
        return abs(float(values.get("drift_pp") or 0.0))
    if item.kind == "trust_drop":
        return -float(values.get("change") or 0.0)
    if item.kind == "overdue_action":
        return float(values.get("days") or 0.0)
    if item.kind == "late_goal":
        return slippage.get((item.project or "", item.subject), 0.0)
    return 0.0


def exception_lines(
    view: SingleView,
    *,
    lang: str,
    department_names: Mapping[str, str],
    project_names: Mapping[str, str],
    area_names: Mapping[str, str] | None = None,
    currency: str = DEFAULT_CURRENCY,
) -> list[tuple[str, str]]:
    """Every exception as (kind, line): grouped by kind in the list's order, the biggest first
    within a kind, each line naming the project (code and name), the area by its name and
    the triggering figure."""
    areas = area_names or {}
    slippage: dict[tuple[str, str], float] = {}
    if view.timeline is not None and not view.timeline.empty:
        for row in view.timeline.itertuples():
            if pd.notna(row.slippage_days):
                slippage[(str(row.project), str(row.code))] = float(row.slippage_days)
    kinds = list(dict.fromkeys(item.kind for item in view.exceptions))
    lines: list[tuple[str, str]] = []
    for kind in kinds:
        items = [item for item in view.exceptions if item.kind == kind]
        items.sort(key=lambda item: -_magnitude(item, slippage))  # stable: ties keep project order
        for item in items:
            named = item
            if item.project:
                name = project_names.get(item.project)
                named = replace(item, project=f"{item.project} {name}" if name else item.project)
            if kind in OWNERSHIP_KINDS and item.subject in areas:
                named = replace(named, subject=areas[item.subject])
            text = exception_text(named, lang, department_names=dict(department_names), currency=currency)
            days = slippage.get((item.project or "", item.subject))
            if kind == "late_goal" and days:
                text += " " + translate("reports.exception.days_late", lang, days=format_number(days, lang))
            lines.append((kind, text))
    if view.hidden_survey_groups:
        lines.append(
            (
                "hidden_groups",
                translate("reports.exception.hidden_groups", lang, count=view.hidden_survey_groups),
            )
        )
    return lines


def exception_groups(
    lines: Sequence[tuple[str, str]], *, lang: str, per_kind: int = EXCEPTION_LINES_PER_KIND
) -> list[ExceptionGroupText]:
    """The groups page one's exceptions section shows: a heading per kind with its count,
    the first `per_kind` lines, and how many more (those are in the spreadsheet)."""
    groups = []
    for kind in dict.fromkeys(kind for kind, _ in lines):
        of_kind = [text for k, text in lines if k == kind]
        groups.append(
            ExceptionGroupText(
                title=translate(
                    "reports.exception_group",
                    lang,
                    kind=exception_kind_name(kind, lang),
                    count=len(of_kind),
                ),
                lines=of_kind[:per_kind],
                more=max(0, len(of_kind) - per_kind),
            )
        )
    return groups


def _forecast_text(  # type: ignore[no-untyped-def]
    forecast, *, year: int | str, targets: Mapping, lang: str, currency: str = DEFAULT_CURRENCY
) -> ForecastText:
    """Page one's year-end forecast: kpis.budget.forecast_year_end in words."""

    def money(amount: float) -> str:
        return format_money_compact(amount, lang, currency=currency)

    plan = forecast.planned_full_year
    lines = [translate("reports.forecast.budget", lang, year=year, amount=money(plan))]
    ratio = forecast.eac_based / plan if plan else None
    lines.append(
        translate(
            "reports.forecast.eac",
            lang,
            amount=money(forecast.eac_based),
            variance=("+" if forecast.eac_variance >= 0 else "−") + money(abs(forecast.eac_variance)),
            pct=format_pct(ratio, lang, decimals=1) if ratio is not None else translate("kpi.na", lang),
        )
    )
    if forecast.run_rate.available:
        lines.append(translate("reports.forecast.run_rate", lang, amount=money(forecast.run_rate.value)))
    lines.append(translate("reports.forecast.actual", lang, amount=money(forecast.actual_ytd)))
    target = targets.get("forecast_ratio")
    return ForecastText(
        heading=translate("reports.forecast.heading", lang, year=year),
        lines=lines,
        rag=rag(ratio, target) if target is not None and ratio is not None else None,
    )


def _goals_table(
    goals: pd.DataFrame, *, filters: Filters, lang: str, project_names: Mapping[str, str]
) -> pd.DataFrame:
    """The insight goals due in the as-of (fiscal) year, every header translated: project (code
    and name), goal (code and text), measure, target and achieved value and date; what needs
    attention first: overdue (not reached, due by the as-of month's end), then reached late,
    then still open, then reached on time, each by target date."""
    first, last = fiscal_year_days(filters.as_of, filters.fiscal_year_start_month)
    targets = pd.to_datetime(goals["target_date"])
    due = goals[(targets >= pd.Timestamp(first)) & (targets <= pd.Timestamp(last))]
    status = goal_timeline(due, as_of_end=filters.as_of_end)["status"]  # the Projects page's rule
    due = (
        due.assign(_attention=status.map(ATTENTION_ORDER), _target=targets[due.index])
        .sort_values(["_attention", "_target", "project", "code"], kind="stable")
        .drop(columns=["_attention", "_target"])
    )
    columns = {
        "project": "reports.col.project",
        "goal": "reports.col.goal",
        "measure": "reports.col.measure",
        "target_value": "reports.col.target_value",
        "achieved_value": "reports.col.achieved_value",
        "target_date": "reports.col.target_date",
        "achieved_date": "reports.col.achieved_date",
    }
    return (
        due.assign(
            project=[f"{code} {project_names.get(code, '')}".strip() for code in due["project"]],
            goal=[f"{code}: {text}" for code, text in zip(due["code"], due["goal"], strict=True)],
        )[list(columns)]
        .rename(columns={name: translate(key, lang) for name, key in columns.items()})
        .reset_index(drop=True)
    )


def _bounded(title: str, frame: pd.DataFrame, rows: int, note_key: str, lang: str) -> PackTable:
    """A table whose slides show its first `rows` rows, with a note saying so, when it has more."""
    if len(frame) <= rows:
        return PackTable(title=title, frame=frame)
    note = translate(note_key, lang, shown=rows, total=len(frame), sheet=title)
    return PackTable(title=title, frame=frame, slide_rows=rows, note=note)


def build_pack(
    engine: Engine,
    *,
    filters: Filters,
    lang: str,
    exported_at: dt.datetime | None = None,
    min_group: int = DEFAULT_MIN_GROUP,
    view: SingleView | None = None,
    previous_view: SingleView | None = None,
    organisation: Organisation | None = None,
    progress: Progress | None = None,
    render: bool = True,
) -> Pack:
    """The meeting pack for `filters` in `lang` (see the module docstring for what it holds).

    `progress` is told of the steps "figures", "details" and "charts" (the rest belong to
    `pack_files`); `render` False leaves the charts' PNGs empty (the builders render them then).
    """
    from reports.render import render_charts, start_warm_up

    if render:
        start_warm_up()  # the chart engine starts while the figures are computed

    def tr(key: str, **params: object) -> str:
        return translate(key, lang, **params)

    def step(name: str) -> None:
        if progress is not None:
            progress(PACK_STEPS.index(name) + 1, len(PACK_STEPS), tr(f"reports.step.{name}"))

    organisation = organisation or load_organisation(engine=engine)
    step("figures")
    departments = load_departments(engine=engine)
    names = names_by_code(departments, lang)
    view = view or compute_single_view(engine=engine, filters=filters, min_group=min_group)
    currency = organisation.currency
    tiles, _ = overview_tiles(view, lang=lang, department_names=names, currency=currency)
    health = compute_health(engine=engine, filters=filters, min_group=min_group)

    step("details")
    projects = load_project_progress(engine=engine, filters=filters)
    project_names = dict(zip(projects["project"], projects["name"], strict=True))
    areas = load_responsibility_areas(engine=engine)
    area_names = names_by_code(areas, lang)
    lines = exception_lines(
        view,
        lang=lang,
        department_names=names,
        project_names=project_names,
        area_names=area_names,
        currency=currency,
    )
    counts: dict[str, int] = {}
    for kind, _text in lines:
        if kind != "hidden_groups":
            counts[kind] = counts.get(kind, 0) + 1

    year_frame = load_budget_by_month(engine=engine, filters=filters, by=("project",), span="year")
    all_frame = load_budget_by_month(engine=engine, filters=filters, by=("project",), span="all")
    ev_table = earned_value_table(all_frame, projects, as_of=filters.as_of)
    forecast = forecast_year_end(
        year_frame, ev_table, as_of=filters.as_of, fiscal_year_start_month=filters.fiscal_year_start_month
    )
    tolerance = view.targets["funding_drift_pp"].green if "funding_drift_pp" in view.targets else 10.0
    spend = load_budget_by_month(
        engine=engine, filters=filters, by=("project", "department"), span="all", department_filter="funders"
    )
    drift = funding_drift(
        spend[spend["month"] <= filters.as_of],
        load_funding_shares(engine=engine, filters=filters, as_of=filters.as_of),
        tolerance=tolerance,
    )

    by_month = load_budget_by_month(engine=engine, filters=filters)
    budget_table = by_month.rename(
        columns={
            "month": tr("reports.col.month"),
            "planned": tr("reports.col.planned", currency=currency_symbol(currency, lang)),
            "actual": tr("reports.col.actual", currency=currency_symbol(currency, lang)),
        }
    )
    goals_table = _goals_table(
        load_insight_goals(engine=engine, filters=filters),
        filters=filters,
        lang=lang,
        project_names=project_names,
    )
    decisions = load_decisions(engine=engine, meeting_month=filters.as_of)
    decisions = decisions.assign(project=decisions["project"].fillna(""))[
        ["project", "title", "description"]
    ].rename(
        columns={
            "project": tr("reports.col.project"),
            "title": tr("reports.col.decision"),
            "description": tr("reports.col.description"),
        }
    )
    all_actions = load_actions(engine=engine, up_to_month=filters.as_of)
    actions = actions_for_meeting(all_actions, meeting_month=filters.as_of)[
        ["meeting_month", "title", "owner_department", "owner_person", "due_date", "status"]
    ].rename(columns={"owner_department": "department", "owner_person": "owner"})
    actions = actions.assign(
        meeting_month=actions["meeting_month"].map(lambda month: format_month(month, lang, short=True)),
        department=actions["department"].map(lambda code: names.get(code, code)),
        status=actions["status"].map(lambda status: tr(f"reports.action_status.{status}")),
    ).rename(
        columns={
            "meeting_month": tr("reports.col.meeting"),
            "title": tr("reports.col.action"),
            "department": tr("reports.col.department"),
            "owner": tr("reports.col.owner"),
            "due_date": tr("reports.col.due"),
            "status": tr("reports.col.status"),
        }
    )
    exceptions_table = pd.DataFrame(
        {
            tr("reports.col.kind"): [exception_kind_name(kind, lang) for kind, _ in lines],
            tr("reports.col.exception"): [text for _, text in lines],
        }
    )

    step("charts")
    charts = [
        chart
        for chart in (
            budget_chart(year_frame, forecast.eac_based, filters=filters, lang=lang, currency=currency),
            funding_drift_chart(
                drift, tolerance=tolerance, department_names=names, project_names=project_names, lang=lang
            ),
            trust_mirror_chart(view, lang=lang, department_names=names),
            goals_chart(view, filters=filters, lang=lang),
            ownership_chart(engine, filters=filters, lang=lang, area_names=area_names),
        )
        if chart is not None
    ]
    health_pages = health_charts(health, lang=lang, department_names=names)
    if render:
        charts = render_charts(charts, lang=lang, currency=currency)
        health_pages = render_charts(health_pages, lang=lang, currency=currency)
    return Pack(
        title=organisation.display_name(lang),
        as_of=filters.as_of,
        lang=lang,
        exported_at=exported_at or dt.datetime.now(dt.UTC).replace(microsecond=0),
        filters_text=filters_text(filters, lang=lang, department_names=names),
        kpis=tiles,
        charts=charts,
        health=health_pages,
        tables=[
            PackTable(title=tr("reports.table.budget_month"), frame=budget_table),
            _bounded(tr("reports.table.goals"), goals_table, SLIDE_GOALS, "reports.table.goals_more", lang),
        ],
        exceptions=[text for _, text in lines],
        decisions=PackTable(title=tr("reports.section.decisions"), frame=decisions),
        actions=PackTable(title=tr("reports.section.actions"), frame=actions),
        summary=meeting_summary(
            current=view,
            previous=previous_view or _previous_view(engine, filters=filters, min_group=min_group),
            actions=all_actions,
            lang=lang,
            department_names=names,
            currency=currency,
        ),
        forecast=_forecast_text(
            forecast,
            year=format_fiscal_year(
                filters.year_start.year, lang, start_month=filters.fiscal_year_start_month
            ),
            targets=view.targets,
            lang=lang,
            currency=currency,
        ),
        exception_groups=exception_groups(lines, lang=lang),
        spreadsheet_tables=[
            PackTable(title=tr("reports.table.exceptions"), frame=exceptions_table),
            health_table(health, lang=lang),
        ],
        logo_path=organisation.logo_path,
        kpi_notes="\n".join(tile.definition for tile in tiles if tile.definition),
        time_zone=organisation.time_zone,
        currency=currency,
    )


def pack_tables(pack: Pack) -> dict[str, pd.DataFrame]:
    """Every table of the pack by title, for the Excel workbook and the CSV files."""
    return {table.title: table.frame for table in pack.all_tables()}


def file_slug(title: str) -> str:
    """A safe file name part from a title: `Budget per maand` → `budget-per-maand`."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug or "table"


def pack_files(pack: Pack, *, progress: Progress | None = None) -> dict[str, bytes]:
    """The pack's files from one model: pack.pptx, pack.pdf, tables.xlsx and a CSV per table.

    `progress` is told of the steps "slides", "pdf" and "tables" (see `build_pack`).
    """
    # The export libraries only here: the app imports this module for its first render.
    from reports.pdf_pack import build_pdf
    from reports.pptx_pack import build_pptx
    from reports.tables import money_number_format, to_csv_bytes, to_xlsx_bytes

    def step(name: str) -> None:
        if progress is not None:
            progress(PACK_STEPS.index(name) + 1, len(PACK_STEPS), pack.text(f"reports.step.{name}"))

    step("slides")
    files = {"pack.pptx": build_pptx(pack)}
    step("pdf")
    files["pack.pdf"] = build_pdf(pack)
    step("tables")
    tables = pack_tables(pack)
    money = money_number_format(pack.currency, pack.lang)
    symbol = currency_symbol(pack.currency, pack.lang)
    money_columns = {
        pack.text(f"reports.col.{name}", currency=symbol): money for name in ("planned", "actual")
    }
    files["tables.xlsx"] = to_xlsx_bytes(tables, lang=pack.lang, number_formats=money_columns)
    for title, frame in tables.items():
        files[f"{file_slug(title)}.csv"] = to_csv_bytes(frame, lang=pack.lang)
    return files


def write_pack(pack: Pack, out_dir: Path, *, progress: Progress | None = None) -> list[Path]:
    """Write pack.pptx, pack.pdf, tables.xlsx and one CSV per table into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in pack_files(pack, progress=progress).items():
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    return written


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a month in the form YYYY-MM: {text!r}") from exc


def _codes(text: str) -> tuple[str, ...]:
    return tuple(code.strip() for code in text.split(",") if code.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reports.pack",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--month", type=_month, required=True, help="the as-of month, YYYY-MM")
    parser.add_argument(
        "--from",
        dest="start",
        type=_month,
        help="period start, YYYY-MM (default: the start of the fiscal year)",
    )
    parser.add_argument("--out", type=Path, default=Path("pack"), help="output folder (default: pack/)")
    parser.add_argument("--lang", choices=LANGUAGES, default="nl")
    parser.add_argument("--departments", type=_codes, default=(), help="department codes, comma separated")
    parser.add_argument("--statuses", type=_codes, default=(), help="project statuses, comma separated")
    parser.add_argument("--database-url", help="SQLAlchemy URL; default as for the app")
    args = parser.parse_args(argv)
    from reports.pdf_pack import FontMissing

    try:
        fiscal_month = load_organisation().fiscal_year_start_month
        filters = Filters(
            as_of=args.month,
            period_start=args.start or fiscal_year_start(args.month, fiscal_month),
            departments=args.departments,
            statuses=args.statuses,
            fiscal_year_start_month=fiscal_month,
        )
    except ValueError as exc:
        parser.error(str(exc))
    url = args.database_url or resolve_database_url().url
    try:
        engine = create_db_engine(url)
        check_connection(engine)
        started = time.perf_counter()

        def progress(step: int, steps: int, label: str) -> None:
            print(f"[{step}/{steps}] {label} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)

        pack = build_pack(engine, filters=filters, lang=args.lang, progress=progress)
        written = write_pack(pack, args.out, progress=progress)
        print(
            f"{translate('reports.step.done', args.lang)} ({time.perf_counter() - started:.1f} s)",
            file=sys.stderr,
        )
    except (DatabaseUnavailable, FontMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"error: the database could not be read ({type(exc).__name__})", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
