"""The Projects page's model: its KPIs, the portfolio table, the chart inputs and the lists.

`projects_page` composes the data_access loaders with the pure functions of kpis.projects
and kpis.portfolio; `project_drill_down` gives the one project picked on the page from the
model's frames and that project's FTE by month (`project_fte`, loaded only then). No
Streamlit here: views/projects.py lays the model out, the tests read the figures from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from data_access.projects import (
    load_actual_spend_by_project,
    load_fte_by_month,
    load_funding_by_project,
    load_funding_split,
    load_insight_goals,
    load_ownership,
    load_projects,
    load_responsibility_areas,
    load_team_by_department,
)
from data_access.reference import load_departments
from domain.filters import Filters
from i18n.format import DEFAULT_CURRENCY
from kpis.funding import resolve_agreed_shares
from kpis.goals import (
    GOAL_STATUSES,
    count_reached,
    first_insight_days,
    goal_timeline,
    goals_per_million,
    late_goal_texts,
    late_goals,
    median_days_to_first_insight,
    value_progress,
)
from kpis.ownership import OWNERSHIP_STATUSES, ownership_clarity, ownership_issues, ownership_status
from kpis.portfolio import count_goals, count_joint_projects, goals_on_time, joint_share
from kpis.projects import (
    ChartSelection,
    collaboration_exceptions,
    filter_project_table,
    funding_chart_projects,
    goal_chart_projects,
    label_code_lists,
    label_codes,
    labels_of_projects,
    ownership_chart_projects,
    project_detail,
    project_table,
    total_spend,
)
from kpis.teams import count_mixed, fte_balance_median, mixed_teams_share, team_mix
from presentation.charts import ChartInput
from presentation.metrics import Metric, kpi_metric_text
from presentation.overview import name_exception_subjects
from presentation.words import Words

EXCEPTION_KINDS = ("house_rule_breach", "missing_owner", "double_owner", "unmixed_team", "late_goal")


@dataclass(frozen=True)
class HouseRuleArea:
    """One responsibility area of the house-rule form: its code, name and expected department."""

    code: str
    name: str
    expected: str  # "" when no rule


@dataclass(frozen=True)
class _Data:
    projects: pd.DataFrame
    funding: pd.DataFrame
    team: pd.DataFrame
    ownership: pd.DataFrame
    timeline: pd.DataFrame
    areas: pd.DataFrame
    area_names: dict[str, str]


@dataclass(frozen=True)
class ProjectsPage:
    caption: str
    metrics: tuple[Metric, ...]  # two rows of four
    table: pd.DataFrame  # the portfolio table before the search and toggles
    project_labels: Mapping[str, str]  # code → "code · name", for the picker
    funding_chart: ChartInput
    fte_chart: ChartInput | None  # None when nobody is booked
    unmixed: pd.DataFrame
    ownership_chart: ChartInput | None  # None without ownership rows
    ownership_issues: pd.DataFrame
    goal_chart: ChartInput
    late_goals: pd.DataFrame
    exceptions: pd.DataFrame
    house_rule: tuple[HouseRuleArea, ...]
    department_options: tuple[str, ...]  # "" (no rule) then every department code
    department_names: Mapping[str, str]
    data: _Data  # what the drill-down reuses
    lang: str

    def shown_table(self, *, search: str, joint_only: bool, issues_only: bool) -> pd.DataFrame:
        """The portfolio table's rows that the search box and the two toggles keep."""
        return filter_project_table(self.table, search=search, joint_only=joint_only, issues_only=issues_only)


@dataclass(frozen=True)
class ProjectDrillDown:
    """One project: heading, RAG, plan, goal text and its funding, team, ownership and goals."""

    code: str
    name: str
    rag: str | None
    rag_reason: str | None
    status_line: str
    goal: str | None
    funding: pd.DataFrame
    team: pd.DataFrame
    ownership: pd.DataFrame
    goals: pd.DataFrame
    fte_chart: ChartInput | None


def _fte_texts(words: Words, department_names: Mapping[str, str]) -> dict[str, object]:
    return {
        "title": words.t("projects.chart.fte"),
        "month_title": words.t("projects.col.month"),
        "fte_title": words.t("projects.col.fte"),
        "department_title": words.t("projects.col.department"),
        "department_names": department_names,
    }


def _ownership_rows(
    frame: pd.DataFrame,
    *,
    status_labels: Mapping[str, str],
    area_names: Mapping[str, str],
    department_names: Mapping[str, str],
) -> pd.DataFrame:
    """Ownership rows (status, area, owner_codes, expected) in words: the status and the area
    by name, the owners and the expected department by their departments' names."""
    named = label_codes(label_codes(frame, status_labels, ["status"]), area_names, ["area"])
    return label_code_lists(
        label_codes(named, department_names, ["expected"]), department_names, ["owner_codes"]
    )


def _limited(selection: ChartSelection, key: str, words: Words) -> str | None:
    if not selection.limited:
        return None
    return words.t(key, shown=len(selection.shown), total=words.number(selection.total))


def _names(frame: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    return dict(zip(frame[key], frame[value], strict=True))


def _data(engine: Engine, filters: Filters, lang: str) -> _Data:
    areas = load_responsibility_areas(engine=engine)
    return _Data(
        projects=load_projects(engine=engine, filters=filters),
        funding=load_funding_split(engine=engine, filters=filters, as_of=filters.as_of),
        team=load_team_by_department(engine=engine, filters=filters, as_of=filters.as_of),
        ownership=ownership_status(load_ownership(engine=engine, filters=filters, as_of=filters.as_of)),
        timeline=goal_timeline(
            load_insight_goals(engine=engine, filters=filters), as_of_end=filters.as_of_end
        ),
        areas=areas,
        area_names=_names(areas, "code", f"name_{lang}"),
    )


def projects_page(
    *, engine: Engine, filters: Filters, lang: str, currency: str = DEFAULT_CURRENCY
) -> ProjectsPage:
    """The Projects page for `filters` (as-of month included) in `lang`, amounts in `currency`."""
    words = Words(lang, currency)
    data = _data(engine, filters, lang)
    projects, funding, team, ownership, timeline = (
        data.projects,
        data.funding,
        data.team,
        data.ownership,
        data.timeline,
    )
    spend = load_actual_spend_by_project(engine=engine, filters=filters)
    departments = load_departments(engine=engine)
    funding_totals = load_funding_by_project(engine=engine, filters=filters, as_of=filters.as_of)
    split = resolve_agreed_shares(funding)
    mix = team_mix(team, funding)
    department_names = _names(departments, "code", f"name_{lang}")
    own_labels = {status: words.t(f"projects.own.{status}") for status in OWNERSHIP_STATUSES}
    goal_labels = {status: words.t(f"projects.goal.{status}") for status in GOAL_STATUSES}
    kind_labels = {kind: words.t(f"projects.kind.{kind}") for kind in EXCEPTION_KINDS}

    joint = joint_share(funding_totals)
    mixed = mixed_teams_share(mix)
    balance = fte_balance_median(mix)
    clarity = ownership_clarity(ownership)
    on_time = goals_on_time(timeline, as_of_end=filters.as_of_end)
    delivered = value_progress(timeline, as_of_end=filters.as_of_end)
    first_insight = median_days_to_first_insight(timeline)
    per_million = goals_per_million(timeline, spend)
    mixed_count, staffed = count_mixed(mix)
    reached_on_time, due = count_goals(timeline, as_of_end=filters.as_of_end)
    issues = ownership_issues(ownership)
    late = late_goals(timeline)
    pct = words.pct

    metrics = (
        kpi_metric_text(
            words.t("kpi.joint_share"),
            joint,
            pct,
            lang,
            help_text=words.t("kpi.joint_share.help"),
            detail=words.t(
                "projects.funding.joint_share_detail",
                joint=count_joint_projects(funding_totals),
                total=len(funding_totals),
            ),
        ),
        kpi_metric_text(
            words.t("projects.kpi.mixed_teams"),
            mixed,
            pct,
            lang,
            help_text=words.t("projects.kpi.mixed_teams.help"),
            detail=words.t("projects.kpi.mixed_detail", mixed=mixed_count, staffed=staffed),
        ),
        kpi_metric_text(
            words.t("projects.kpi.fte_balance"),
            balance,
            pct,
            lang,
            help_text=words.t("projects.kpi.fte_balance.help"),
        ),
        kpi_metric_text(
            words.t("projects.kpi.ownership_clarity"),
            clarity,
            pct,
            lang,
            help_text=words.t("projects.kpi.ownership_clarity.help"),
            detail=words.t("projects.kpi.ownership_detail", issues=len(issues)),
        ),
        kpi_metric_text(
            words.t("kpi.goals_on_time"),
            on_time,
            pct,
            lang,
            help_text=words.t("projects.kpi.goals_on_time.help"),
            detail=words.t("projects.kpi.goals_detail", on_time=reached_on_time, due=due, late=len(late)),
        ),
        kpi_metric_text(
            words.t("projects.kpi.value_progress"),
            delivered,
            pct,
            lang,
            help_text=words.t("projects.kpi.value_progress.help"),
        ),
        kpi_metric_text(
            words.t("projects.kpi.first_insight"),
            first_insight,
            lambda value: words.t("projects.unit.days", days=words.number(value)),
            lang,
            help_text=words.t("projects.kpi.first_insight.help"),
            detail=words.t("projects.kpi.first_insight_detail", projects=len(first_insight_days(timeline))),
        ),
        kpi_metric_text(
            words.t("projects.kpi.goals_per_million", currency=words.currency_symbol()),
            per_million,
            lambda value: words.number(value, decimals=2),
            lang,
            help_text=words.t("projects.kpi.goals_per_million.help", currency_name=words.currency_name()),
            detail=words.t(
                "projects.kpi.spend_detail",
                reached=count_reached(timeline),
                spend=words.money_compact(total_spend(spend)),
            ),
        ),
    )

    labels = {
        **{
            status: words.t(f"status.{status}")
            for status in ("proposed", "active", "on_hold", "done", "cancelled")
        },
        **{value: words.t(f"rag.{value}") for value in ("green", "amber", "red", "none")},
        **own_labels,
        "mixed.True": words.t("projects.mixed.True"),
        "mixed.False": words.t("projects.mixed.False"),
    }
    table = (
        projects
        if projects.empty
        else project_table(
            projects,
            funding=funding,
            team=team,
            mix=mix,
            ownership=ownership,
            timeline=timeline,
            labels=labels,
            department_names=department_names,
        )
    )

    funding_selection = funding_chart_projects(split)
    fte = load_fte_by_month(engine=engine, filters=filters)
    ownership_chart = None
    if not ownership.empty:
        ownership_selection = ownership_chart_projects(ownership)
        ownership_chart = ChartInput(
            ownership[ownership["project"].isin(ownership_selection.shown)],
            {
                "area_names": data.area_names,
                "status_names": own_labels,
                "title": words.t("projects.chart.ownership"),
                "project_title": words.t("projects.col.code"),
                "area_title": words.t("projects.col.area"),
                "owner_title": words.t("projects.col.owners"),
                "expected_title": words.t("projects.col.expected"),
                "status_title": words.t("projects.col.issue"),
                "none_label": words.t("projects.own.none"),
                "several_label": words.t("projects.own.several"),
                "department_names": department_names,
            },
            _limited(ownership_selection, "projects.chart.limited_ownership", words),
        )
    goal_selection = goal_chart_projects(timeline)
    project_labels = labels_of_projects(dict(zip(projects["code"], projects["name"], strict=True)))
    return ProjectsPage(
        caption=words.t("projects.caption", as_of=words.month(filters.as_of)),
        metrics=metrics,
        table=table,
        project_labels=project_labels,
        funding_chart=ChartInput(
            split[split["project"].isin(funding_selection.shown)],
            {
                "title": words.t("projects.chart.funding"),
                "share_title": words.t("projects.chart.share"),
                "project_title": words.t("projects.col.code"),
                "department_title": words.t("projects.col.department"),
                "agreed_title": words.t("projects.col.agreed"),
                "department_names": department_names,
            },
            _limited(funding_selection, "projects.chart.limited_funding", words),
        ),
        fte_chart=None if fte.empty else ChartInput(fte, _fte_texts(words, department_names)),
        unmixed=label_code_lists(
            label_codes(
                (mix[mix["mixed"].eq(False)] if not mix.empty else mix).reindex(
                    columns=["project", "members", "fte", "missing_departments", "fte_balance"]
                ),
                project_labels,
                ["project"],
            ),
            department_names,
            ["missing_departments"],
        ),
        ownership_chart=ownership_chart,
        ownership_issues=issues
        if issues.empty
        else label_codes(
            _ownership_rows(
                issues,
                status_labels=own_labels,
                area_names=data.area_names,
                department_names=department_names,
            ),
            project_labels,
            ["project"],
        ),
        goal_chart=ChartInput(
            timeline[timeline["project"].isin(goal_selection.shown)] if not timeline.empty else timeline,
            {
                "as_of_end": filters.as_of_end,
                "status_names": goal_labels,
                "title": words.t("projects.chart.goals"),
                "goal_title": words.t("projects.col.goal"),
                "date_title": words.t("projects.col.date"),
                "target_title": words.t("projects.col.next_goal_date"),
                "achieved_title": words.t("projects.col.achieved_date"),
                "status_title": words.t("projects.col.status"),
                "slippage_title": words.t("projects.col.slippage"),
                "as_of_title": words.t("projects.col.as_of"),
                "project_labels": project_labels,
                "project_title": words.t("projects.col.name"),
            },
            _limited(goal_selection, "projects.chart.limited_goals", words),
        ),
        late_goals=late
        if late.empty
        else label_codes(label_codes(late, goal_labels, ["status"]), project_labels, ["project"]),
        exceptions=label_codes(
            label_codes(
                name_exception_subjects(
                    collaboration_exceptions(mix, ownership, timeline),
                    area_names=data.area_names,
                    department_names=department_names,
                    goal_names=late_goal_texts(timeline),
                ),
                kind_labels,
                ["kind"],
            ),
            project_labels,
            ["project"],
        ),
        house_rule=tuple(
            HouseRuleArea(
                area.code,
                data.area_names[area.code],
                area.expected_department if isinstance(area.expected_department, str) else "",
            )
            for area in data.areas.itertuples()
        ),
        department_options=("", *departments["code"]),
        department_names=department_names,
        data=data,
        lang=lang,
    )


def project_fte(*, engine: Engine, filters: Filters, code: str) -> pd.DataFrame:
    """Project `code`'s FTE by month and department."""
    return load_fte_by_month(engine=engine, filters=filters, project=code)


def project_drill_down(page: ProjectsPage, *, code: str, fte: pd.DataFrame) -> ProjectDrillDown:
    """The Projects page's detail of project `code`; `fte` is project_fte's frame."""
    words = Words(page.lang)
    data = page.data
    own_labels = {status: words.t(f"projects.own.{status}") for status in OWNERSHIP_STATUSES}
    goal_labels = {status: words.t(f"projects.goal.{status}") for status in GOAL_STATUSES}
    detail = project_detail(
        code,
        split=resolve_agreed_shares(data.funding),
        team=data.team,
        ownership=data.ownership,
        timeline=data.timeline,
    )
    chosen = data.projects[data.projects["code"] == code].iloc[0]
    planned = words.t(
        "projects.detail.planned",
        start=words.day(chosen["planned_start"]),
        end=words.day(chosen["planned_end"]),
    )
    return ProjectDrillDown(
        code=code,
        name=chosen["name"],
        rag=chosen["rag"] if isinstance(chosen["rag"], str) else None,
        rag_reason=chosen["rag_reason"] if isinstance(chosen["rag_reason"], str) else None,
        status_line=words.t(f"status.{chosen['status']}") + " · " + planned,
        goal=chosen["goal"] if isinstance(chosen["goal"], str) else None,
        funding=label_codes(detail.funding, page.department_names, ["department"]),
        team=label_codes(detail.team, page.department_names, ["department"]),
        ownership=detail.ownership
        if detail.ownership.empty
        else _ownership_rows(
            detail.ownership,
            status_labels=own_labels,
            area_names=data.area_names,
            department_names=page.department_names,
        ),
        goals=detail.goals if detail.goals.empty else label_codes(detail.goals, goal_labels, ["status"]),
        fte_chart=None if fte.empty else ChartInput(fte, _fte_texts(words, page.department_names)),
    )
