"""The meeting pack's content: `build_pack` makes the content model (reports.content.Pack) once.

The PPTX, the PDF and the workbook are all laid out from that one model (reports.pack_files),
in the page order of reports.content.pack_sections; the command line is reports.cli
(`python -m reports.pack --month 2026-10 --out pack/`, as before). The pack holds:
- page one, the month: the "since the last meeting" sentences (presentation.summary, as on
  the Overview), the Overview's KPI tiles with status, change and trend (the same texts as
  the screen, from presentation.overview) and the year-end forecast against the budget
  (kpis.budget.forecast_year_end, as on the Budget page);
- the Alignment health pages right after it (reports.pack_health: the maturity radar beside
  a year earlier, trust beside delivery with its reading);
- the charts of reports.pack_charts (budget with the forecast, funding drift, trust mirror and
  perception gap, goal timeline, ownership matrix), rendered to PNG once;
- the exceptions grouped by kind, biggest first (reports.pack_text), the first lines of each
  kind on the pages;
- the budget and insight-goal tables (the goals that need attention first, at most
  reports.pack_text.SLIDE_GOALS on the pages), the month's decisions and actions, headers
  translated;
- for the workbook and the CSV files only: the full exceptions list and the alignment
  maturity profile's figures.
`progress(step, steps, label)` is told of each step. Survey comments are never loaded; trust
figures pass the confidentiality gate of kpis.trust.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from data_access.budget import load_budget_by_month, load_funding_shares, load_project_progress
from data_access.projects import load_insight_goals, load_responsibility_areas
from data_access.reference import load_departments
from data_access.steering import load_actions, load_decisions
from domain.confidentiality import DEFAULT_MIN_GROUP
from domain.filters import Filters
from i18n import names_by_code, translate
from i18n.format import (
    currency_symbol,
    format_fiscal_year,
    format_month,
)
from kpis.budget import earned_value_table, forecast_year_end
from kpis.funding import funding_drift
from kpis.steering import actions_for_meeting
from presentation.summary import meeting_summary
from reports.content import PACK_STEPS, Pack, PackTable, Progress
from reports.pack_charts import (
    budget_chart,
    funding_drift_chart,
    goals_chart,
    ownership_chart,
    trust_mirror_chart,
)
from reports.pack_health import health_charts, health_table
from reports.pack_text import (
    SLIDE_GOALS,
    bounded_table,
    exception_groups,
    exception_kind_name,
    exception_lines,
    filters_text,
    forecast_text,
    goals_table,
    overview_tiles,
)
from services.health_page import compute_health
from services.organisation import Organisation, load_organisation
from services.single_view import compute_single_view, previous_meeting_filters
from services.single_view_model import SingleView


def _previous_view(engine: Engine, *, filters: Filters, min_group: int) -> SingleView | None:
    """The single view of the month before the as-of month (None before the first month of data)."""
    before = previous_meeting_filters(engine=engine, filters=filters)
    return compute_single_view(engine=engine, filters=before, min_group=min_group) if before else None


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
    goal_rows = goals_table(
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
            goals_chart(view, filters=filters, lang=lang, project_names=project_names),
            ownership_chart(
                engine, filters=filters, lang=lang, area_names=area_names, department_names=names
            ),
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
            bounded_table(
                tr("reports.table.goals"), goal_rows, SLIDE_GOALS, "reports.table.goals_more", lang
            ),
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
        forecast=forecast_text(
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


if __name__ == "__main__":  # `python -m reports.pack ...`: the command line lives in reports.cli
    from reports.cli import main

    raise SystemExit(main())
