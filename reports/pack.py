"""The meeting pack for a month: content from the same pure functions as the screen, and a CLI.

    python -m reports.pack --month 2026-10 --out pack/ [--lang nl|en] [--from 2026-01]
                           [--departments IT,MKT] [--statuses active,on_hold] [--database-url URL]

writes pack.pptx, pack.pdf, tables.xlsx and one CSV per table into --out, without a browser
(for a scheduled job). The database URL comes from --database-url, else DATABASE_URL, the
secrets file or the embedded SQLite file, as for the app; the schema is not changed.

`build_pack` is a demonstration of the content for now: the Overview's four KPIs (the same
loaders, KPI functions and formatters as views/overview.py, so the figures are identical),
a planned-against-actual chart per month, the budget and insight-goal tables, exceptions
derived from the tiles' RAG, and the as-of month's decisions and actions. Survey comments
are never loaded; the trust figure passes the confidentiality gate of kpis.trust.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from charts.projects import goal_timeline_chart
from charts.reports import monthly_budget_chart
from charts.trust import mirror_chart
from data_access.budget import load_budget_by_month
from data_access.engine import DatabaseUnavailable, check_connection, create_db_engine, resolve_database_url
from data_access.projects import load_insight_goals
from data_access.reference import load_departments
from data_access.steering import load_actions, load_decisions
from i18n import LANGUAGES, translate
from i18n.format import format_month
from kpis.confidentiality import DEFAULT_MIN_GROUP, shown_rows
from kpis.periods import Filters
from kpis.projects import GOAL_STATUSES
from kpis.steering import actions_for_meeting
from kpis.trust import OVERALL
from reports.content import KpiTile, Pack, PackChart, PackTable
from services.presentation import exception_text, tile_texts
from services.single_view import SingleView, compute_single_view


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
    view: SingleView, *, lang: str, department_names: dict[str, str]
) -> tuple[list[KpiTile], list[str]]:
    """The Overview's KPI tiles and exceptions exactly as the screen shows them (same texts)."""
    tiles = [
        KpiTile(
            name=text.name,
            value_text=text.value,
            rag=text.rag,
            change_text=text.change,
            note=" ".join(part for part in (text.detail, text.note) if part) or None,
        )
        for text in tile_texts(view, lang)
    ]
    exceptions = [exception_text(item, lang, department_names=department_names) for item in view.exceptions]
    if view.hidden_survey_groups:
        exceptions.append(translate("reports.exception.hidden_groups", lang, count=view.hidden_survey_groups))
    return tiles, exceptions


def _mirror_chart(view: SingleView, *, lang: str, department_names: dict[str, str]) -> PackChart | None:
    """How each department rates the others and itself, latest wave, overall (suppressed cells absent)."""
    if view.mirror is None or view.mirror.empty:
        return None
    latest = view.mirror[
        (view.mirror["wave_id"] == view.mirror["wave_id"].max()) & (view.mirror["dimension"] == OVERALL)
    ]
    shown = shown_rows(latest)
    if shown.empty:
        return None
    texts = {
        name: translate(f"trust.col.{name}", lang)
        for name in ("index", "ci_low", "ci_high", "respondents", "rater", "rated")
    }
    labels = {code: department_names.get(code, code) for code in set(latest["rater"]) | set(latest["rated"])}
    wave = str(latest["wave_code"].iloc[0]) if "wave_code" in latest else ""
    return PackChart(
        title=translate("reports.chart.mirror", lang, wave=wave),
        chart=mirror_chart(latest, department_labels=labels, texts=texts),
    )


def _goal_chart(view: SingleView, *, filters: Filters, lang: str) -> PackChart | None:
    """The insight goals due in the as-of year on a timeline (target, achieved, slippage)."""
    if view.timeline is None or view.timeline.empty:
        return None
    this_year = view.timeline[pd.to_datetime(view.timeline["target_date"]).dt.year == filters.as_of.year]
    if this_year.empty:
        return None
    return PackChart(
        title=translate("reports.chart.goals", lang, year=filters.as_of.year),
        chart=goal_timeline_chart(
            this_year,
            as_of_end=filters.as_of_end,
            status_names={s: translate(f"projects.goal.{s}", lang) for s in GOAL_STATUSES},
            title=translate("projects.chart.goals", lang),
            goal_title=translate("projects.col.goal", lang),
            date_title=translate("projects.col.date", lang),
            target_title=translate("projects.col.next_goal_date", lang),
            achieved_title=translate("projects.col.achieved_date", lang),
            status_title=translate("projects.col.status", lang),
            slippage_title=translate("projects.col.slippage", lang),
            as_of_title=translate("projects.col.as_of", lang),
        ),
    )


def build_pack(
    engine: Engine,
    *,
    filters: Filters,
    lang: str,
    exported_at: dt.datetime | None = None,
    min_group: int = DEFAULT_MIN_GROUP,
    view: SingleView | None = None,
) -> Pack:
    """The meeting pack for `filters` in `lang` (see the module docstring for what it holds)."""

    def tr(key: str, **params: object) -> str:
        return translate(key, lang, **params)

    departments = load_departments(engine=engine)
    names = dict(zip(departments["code"], departments[f"name_{lang}"], strict=True))
    view = view or compute_single_view(engine=engine, filters=filters, min_group=min_group)
    tiles, exceptions = overview_tiles(view, lang=lang, department_names=names)

    by_month = load_budget_by_month(engine=engine, filters=filters)
    chart = monthly_budget_chart(
        by_month,
        month_title=tr("reports.chart.month"),
        amount_title=tr("reports.chart.amount"),
        series_title=tr("reports.chart.series"),
        planned_label=tr("reports.chart.planned"),
        actual_label=tr("reports.chart.actual"),
    )
    budget_table = by_month.rename(
        columns={
            "month": tr("reports.col.month"),
            "planned": tr("reports.col.planned"),
            "actual": tr("reports.col.actual"),
        }
    )
    goals = load_insight_goals(engine=engine, filters=filters)
    due_this_year = pd.to_datetime(goals["target_date"]).dt.year == filters.as_of.year
    goals_table = goals[due_this_year].rename(
        columns={
            "project": tr("reports.col.project"),
            "code": tr("reports.col.goal"),
            "target_date": tr("reports.col.target_date"),
            "achieved_date": tr("reports.col.achieved_date"),
            "target_value": tr("reports.col.target_value"),
            "achieved_value": tr("reports.col.achieved_value"),
        }
    )
    decisions = load_decisions(engine=engine, meeting_month=filters.as_of)[
        ["project", "title", "description"]
    ].rename(
        columns={
            "project": tr("reports.col.project"),
            "title": tr("reports.col.decision"),
            "description": tr("reports.col.description"),
        }
    )
    actions = actions_for_meeting(
        load_actions(engine=engine, up_to_month=filters.as_of), meeting_month=filters.as_of
    )[["meeting_month", "title", "owner_department", "owner_person", "due_date", "status"]].rename(
        columns={"owner_department": "department", "owner_person": "owner"}
    )
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
    return Pack(
        title=tr("reports.title"),
        as_of=filters.as_of,
        lang=lang,
        exported_at=exported_at or dt.datetime.now().replace(microsecond=0),
        filters_text=filters_text(filters, lang=lang, department_names=names),
        kpis=tiles,
        charts=[
            PackChart(title=tr("reports.chart.budget_month"), chart=chart),
            *(
                extra
                for extra in (
                    _mirror_chart(view, lang=lang, department_names=names),
                    _goal_chart(view, filters=filters, lang=lang),
                )
                if extra is not None
            ),
        ],
        tables=[
            PackTable(title=tr("reports.table.budget_month"), frame=budget_table),
            PackTable(title=tr("reports.table.goals"), frame=goals_table),
        ],
        exceptions=exceptions,
        decisions=PackTable(title=tr("reports.section.decisions"), frame=decisions),
        actions=PackTable(title=tr("reports.section.actions"), frame=actions),
    )


def pack_tables(pack: Pack) -> dict[str, pd.DataFrame]:
    """Every table of the pack by title, for the Excel workbook and the CSV files."""
    return {table.title: table.frame for table in pack.all_tables()}


def file_slug(title: str) -> str:
    """A safe file name part from a title: `Budget per maand` → `budget-per-maand`."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug or "table"


def write_pack(pack: Pack, out_dir: Path) -> list[Path]:
    """Write pack.pptx, pack.pdf, tables.xlsx and one CSV per table into `out_dir`."""
    # The export libraries only here: the app imports this module for its first render.
    from reports.pdf_pack import build_pdf
    from reports.pptx_pack import build_pptx
    from reports.tables import to_csv_bytes, to_xlsx_bytes

    out_dir.mkdir(parents=True, exist_ok=True)
    tables = pack_tables(pack)
    files = {
        "pack.pptx": build_pptx(pack),
        "pack.pdf": build_pdf(pack),
        "tables.xlsx": to_xlsx_bytes(tables, lang=pack.lang),
    }
    for title, frame in tables.items():
        files[f"{file_slug(title)}.csv"] = to_csv_bytes(frame, lang=pack.lang)
    written = []
    for name, data in files.items():
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
    parser.add_argument("--from", dest="start", type=_month, help="period start, YYYY-MM (default: January)")
    parser.add_argument("--out", type=Path, default=Path("pack"), help="output folder (default: pack/)")
    parser.add_argument("--lang", choices=LANGUAGES, default="nl")
    parser.add_argument("--departments", type=_codes, default=(), help="department codes, comma separated")
    parser.add_argument("--statuses", type=_codes, default=(), help="project statuses, comma separated")
    parser.add_argument("--database-url", help="SQLAlchemy URL; default as for the app")
    args = parser.parse_args(argv)
    from reports.pdf_pack import FontMissing

    try:
        filters = Filters(
            as_of=args.month,
            period_start=args.start or dt.date(args.month.year, 1, 1),
            departments=args.departments,
            statuses=args.statuses,
        )
    except ValueError as exc:
        parser.error(str(exc))
    url = args.database_url or resolve_database_url().url
    try:
        engine = create_db_engine(url)
        check_connection(engine)
        pack = build_pack(engine, filters=filters, lang=args.lang)
        written = write_pack(pack, args.out)
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
