"""The pack's texts: the filters, tiles, exceptions, forecast and goals in words.

The same texts as the screen (presentation.overview, the Overview's exception kinds), laid
out for the pack: exceptions grouped by kind and biggest first, the year-end forecast as
page one shows it, the insight goals what needs attention first. reports.pack puts them
into the content model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd

from domain.filters import Filters
from domain.months import fiscal_year_days
from domain.targets import rag
from i18n import translate
from i18n.format import DEFAULT_CURRENCY, format_money_compact, format_month, format_number, format_pct
from kpis.exceptions import OWNERSHIP_KINDS, ExceptionItem
from kpis.goals import goal_timeline
from presentation.overview import exception_text, tile_texts
from reports.content import ExceptionGroupText, ForecastText, KpiTile, PackTable
from services.single_view_model import SingleView

# What the slides and the PDF show of one kind of exception; the rest is in the spreadsheet.
EXCEPTION_LINES_PER_KIND = 5
# Insight goals on the slides and in the PDF, what needs attention first (goal statuses in
# this order); the spreadsheet has them all.
SLIDE_GOALS = 20
ATTENTION_ORDER = {"overdue": 0, "reached_late": 1, "open": 2, "reached_on_time": 3}


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


def forecast_text(  # type: ignore[no-untyped-def]
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


def goals_table(
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


def bounded_table(title: str, frame: pd.DataFrame, rows: int, note_key: str, lang: str) -> PackTable:
    """A table whose slides show its first `rows` rows, with a note saying so, when it has more."""
    if len(frame) <= rows:
        return PackTable(title=title, frame=frame)
    note = translate(note_key, lang, shown=rows, total=len(frame), sheet=title)
    return PackTable(title=title, frame=frame, slide_rows=rows, note=note)
