"""Projects: the portfolio table, funding split, team mix, ownership and the house rule, insight goals."""

import streamlit as st

from access.roles import EDIT_DATA, READ, NotAllowed
from charts.projects import fte_chart, funding_split_chart, goal_timeline_chart, ownership_matrix_chart
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
    save_house_rule,
)
from data_access.reference import load_departments
from i18n import names_by_code
from kpis.funding import resolve_agreed_shares
from kpis.goals import (
    GOAL_STATUSES,
    count_reached,
    first_insight_days,
    goal_timeline,
    goals_per_million,
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
    label_codes,
    ownership_chart_projects,
    project_detail,
    project_table,
    total_spend,
)
from kpis.teams import count_mixed, fte_balance_median, mixed_teams_share, team_mix
from services.links import PROJECTS, PROJECTS_TABS
from services.presentation import name_exception_subjects
from ui.auth import current_user, ensure_allowed, require
from ui.charts import show_chart
from ui.components import rag_badge
from ui.data import cached, get_engine
from ui.filters import apply_focus, current_filters
from ui.i18n import currency_name, currency_symbol, day, eur_compact, lang, month, number, pct, t
from ui.links import bound_tabs
from ui.number_display import DECIMAL_1, PERCENT_1, PLAIN, WHOLE, localised
from ui.text import md, tm

FLASH_KEY = "projects_house_rule_saved"
DATE_FORMAT = "DD-MM-YYYY" if lang() == "nl" else "D MMM YYYY"

require(READ)
filters = current_filters()

st.title(t("projects.title"))
st.caption(t("projects.caption", as_of=month(filters.as_of)))
if FLASH_KEY in st.session_state:
    st.success(t("projects.house_rule.saved", count=st.session_state.pop(FLASH_KEY)))

projects = cached(load_projects, filters=filters)
funding = cached(load_funding_split, filters=filters, as_of=filters.as_of)
team = cached(load_team_by_department, filters=filters, as_of=filters.as_of)
ownership = ownership_status(cached(load_ownership, filters=filters, as_of=filters.as_of))
timeline = goal_timeline(cached(load_insight_goals, filters=filters), as_of_end=filters.as_of_end)
spend = cached(load_actual_spend_by_project, filters=filters)
areas = cached(load_responsibility_areas)
departments = cached(load_departments)
funding_totals = cached(load_funding_by_project, filters=filters, as_of=filters.as_of)

split = resolve_agreed_shares(funding)
mix = team_mix(team, funding)

area_names = names_by_code(areas, lang())
department_names = names_by_code(departments, lang())
own_labels = {s: t(f"projects.own.{s}") for s in OWNERSHIP_STATUSES}
goal_labels = {s: t(f"projects.goal.{s}") for s in GOAL_STATUSES}
kind_labels = {
    k: t(f"projects.kind.{k}")
    for k in ("house_rule_breach", "missing_owner", "double_owner", "unmixed_team", "late_goal")
}


def _value(kpi, formatter):
    return formatter(kpi.value) if kpi.available else t("kpi.na")


def _why(kpi, detail):
    st.caption(detail if kpi.available else t(kpi.reason))


joint = joint_share(funding_totals)
mixed = mixed_teams_share(mix)
balance = fte_balance_median(mix)
clarity = ownership_clarity(ownership)
on_time = goals_on_time(timeline, as_of_end=filters.as_of_end)
delivered = value_progress(timeline, as_of_end=filters.as_of_end)
first_insight = median_days_to_first_insight(timeline)
per_million = goals_per_million(timeline, spend)

tabs = bound_tabs(PROJECTS, {code: t(f"projects.tab.{code}") for code in PROJECTS_TABS}, key="projects_tab")
portfolio_tab, funding_tab, teams_tab, ownership_tab, goals_tab = (
    tabs[code] for code in ("portfolio", "funding", "teams", "ownership", "goals")
)

with portfolio_tab:
    row1 = st.columns(4, border=True)
    with row1[0]:
        st.metric(t("kpi.joint_share"), _value(joint, pct), help=t("kpi.joint_share.help"))
        _why(
            joint,
            t(
                "projects.funding.joint_share_detail",
                joint=count_joint_projects(funding_totals),
                total=len(funding_totals),
            ),
        )
    with row1[1]:
        st.metric(t("projects.kpi.mixed_teams"), _value(mixed, pct), help=t("projects.kpi.mixed_teams.help"))
        mixed_count, staffed = count_mixed(mix)
        _why(mixed, t("projects.kpi.mixed_detail", mixed=mixed_count, staffed=staffed))
    with row1[2]:
        st.metric(
            t("projects.kpi.fte_balance"), _value(balance, pct), help=t("projects.kpi.fte_balance.help")
        )
        if not balance.available:
            st.caption(t(balance.reason))
    with row1[3]:
        st.metric(
            t("projects.kpi.ownership_clarity"),
            _value(clarity, pct),
            help=t("projects.kpi.ownership_clarity.help"),
        )
        _why(clarity, t("projects.kpi.ownership_detail", issues=len(ownership_issues(ownership))))

    row2 = st.columns(4, border=True)
    with row2[0]:
        st.metric(t("kpi.goals_on_time"), _value(on_time, pct), help=t("projects.kpi.goals_on_time.help"))
        reached_on_time, due = count_goals(timeline, as_of_end=filters.as_of_end)
        _why(
            on_time,
            t("projects.kpi.goals_detail", on_time=reached_on_time, due=due, late=len(late_goals(timeline))),
        )
    with row2[1]:
        st.metric(
            t("projects.kpi.value_progress"),
            _value(delivered, pct),
            help=t("projects.kpi.value_progress.help"),
        )
        if not delivered.available:
            st.caption(t(delivered.reason))
    with row2[2]:
        st.metric(
            t("projects.kpi.first_insight"),
            _value(first_insight, lambda v: t("projects.unit.days", days=number(v))),
            help=t("projects.kpi.first_insight.help"),
        )
        _why(
            first_insight, t("projects.kpi.first_insight_detail", projects=len(first_insight_days(timeline)))
        )
    with row2[3]:
        st.metric(
            t("projects.kpi.goals_per_million", currency=currency_symbol()),
            _value(per_million, lambda v: number(v, decimals=2)),
            help=t("projects.kpi.goals_per_million.help", currency_name=currency_name()),
        )
        _why(
            per_million,
            t(
                "projects.kpi.spend_detail",
                reached=count_reached(timeline),
                spend=eur_compact(total_spend(spend)),
            ),
        )
    if projects.empty:
        st.info(t("projects.empty"))
        st.stop()
    labels = {
        **{s: t(f"status.{s}") for s in ("proposed", "active", "on_hold", "done", "cancelled")},
        **{r: t(f"rag.{r}") for r in ("green", "amber", "red", "none")},
        **own_labels,
        "mixed.True": t("projects.mixed.True"),
        "mixed.False": t("projects.mixed.False"),
    }
    table = project_table(
        projects, funding=funding, team=team, mix=mix, ownership=ownership, timeline=timeline, labels=labels
    )
    search_col, joint_col, issues_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    search = search_col.text_input(t("projects.filter.search"), key="projects_search")
    joint_only = joint_col.toggle(t("projects.filter.joint_only"), key="projects_joint_only")
    issues_only = issues_col.toggle(t("projects.filter.issues_only"), key="projects_issues_only")
    shown = filter_project_table(table, search=search, joint_only=joint_only, issues_only=issues_only)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=min(36 * (len(shown) + 1) + 3, 880),
        placeholder="–",
        key="projects_table",
        column_order=[
            "code",
            "name",
            "status",
            "rag",
            "rag_reason",
            "split",
            "joint",
            "team",
            "mixed",
            "fte_balance",
            "ownership",
            "next_goal",
            "next_goal_date",
            "late_goals",
        ],
        column_config={
            "code": st.column_config.TextColumn(t("projects.col.code"), pinned=True),
            "name": st.column_config.TextColumn(t("projects.col.name")),
            "status": st.column_config.TextColumn(t("projects.col.status")),
            "rag": st.column_config.TextColumn(t("projects.col.rag")),
            "rag_reason": st.column_config.TextColumn(t("projects.col.rag_reason"), width="medium"),
            "split": st.column_config.TextColumn(t("projects.col.split"), help=t("projects.col.split.help")),
            "joint": st.column_config.CheckboxColumn(
                t("projects.col.joint"), help=t("projects.col.joint.help")
            ),
            "team": st.column_config.TextColumn(t("projects.col.team"), help=t("projects.col.team.help")),
            "mixed": st.column_config.TextColumn(
                t("projects.col.mixed"), help=t("projects.kpi.mixed_teams.help")
            ),
            "fte_balance": st.column_config.ProgressColumn(
                t("projects.col.fte_balance"),
                help=t("projects.kpi.fte_balance.help"),
                format="percent",
                min_value=0.0,
                max_value=1.0,
            ),
            "ownership": st.column_config.TextColumn(
                t("projects.col.ownership"), help=t("projects.kpi.ownership_clarity.help")
            ),
            "next_goal": st.column_config.TextColumn(t("projects.col.next_goal"), width="medium"),
            "next_goal_date": st.column_config.DateColumn(
                t("projects.col.next_goal_date"), format=DATE_FORMAT
            ),
            "late_goals": st.column_config.NumberColumn(t("projects.col.late_goals"), format="%d"),
        },
    )
    st.caption(t("projects.table.help"))

with tabs["project"]:
    names = dict(zip(projects["code"], projects["name"], strict=True))
    apply_focus("projects_detail", list(projects["code"]))
    code = st.selectbox(
        t("projects.detail.pick"),
        options=list(projects["code"]),
        key="projects_detail",
        format_func=lambda c: f"{c} · {names.get(c, '')}",
    )
    detail = project_detail(code, split=split, team=team, ownership=ownership, timeline=timeline)
    chosen = projects[projects["code"] == code].iloc[0]
    with st.container(border=True):
        st.subheader(tm("projects.detail.heading", code=code, name=chosen["name"]))
        badge_col, text_col = st.columns([1, 5])
        with badge_col:
            rag_badge(chosen["rag"] if isinstance(chosen["rag"], str) else None)
        with text_col:
            st.markdown(md(chosen["rag_reason"]) if isinstance(chosen["rag_reason"], str) else "")
        status_text = t(f"status.{chosen['status']}")
        planned = t(
            "projects.detail.planned", start=day(chosen["planned_start"]), end=day(chosen["planned_end"])
        )
        st.caption(f"{status_text} · {planned}")
        if isinstance(chosen["goal"], str):
            st.markdown(md(chosen["goal"]))
        fund_col, team_col = st.columns(2)
        with fund_col:
            st.markdown(f"**{t('projects.detail.funding')}**")
            st.dataframe(
                localised(
                    detail.funding,
                    lang(),
                    {"committed": WHOLE, "committed_share": PERCENT_1, "agreed": PERCENT_1},
                ),
                hide_index=True,
                column_config={
                    "department": st.column_config.TextColumn(t("projects.col.department")),
                    "committed": st.column_config.NumberColumn(
                        t("projects.col.committed_eur", currency=currency_symbol())
                    ),
                    "committed_share": st.column_config.NumberColumn(t("projects.col.committed_share")),
                    "agreed": st.column_config.NumberColumn(t("projects.col.agreed")),
                },
            )
        with team_col:
            st.markdown(f"**{t('projects.detail.team')}**")
            if detail.team.empty:
                st.caption(t("projects.detail.no_team"))
            else:
                st.dataframe(
                    localised(detail.team, lang(), {"fte": DECIMAL_1}),
                    hide_index=True,
                    column_config={
                        "department": st.column_config.TextColumn(t("projects.col.department")),
                        "members": st.column_config.NumberColumn(t("projects.col.members"), format="%d"),
                        "fte": st.column_config.NumberColumn(t("projects.col.fte")),
                    },
                )
        st.markdown(f"**{t('projects.detail.ownership')}**")
        if detail.ownership.empty:
            st.caption(t("projects.detail.no_ownership"))
        else:
            st.dataframe(
                label_codes(label_codes(detail.ownership, own_labels, ["status"]), area_names, ["area"]),
                hide_index=True,
                column_config={
                    "area": st.column_config.TextColumn(t("projects.col.area")),
                    "owner_codes": st.column_config.TextColumn(t("projects.col.owners")),
                    "expected": st.column_config.TextColumn(t("projects.col.expected")),
                    "status": st.column_config.TextColumn(t("projects.col.issue")),
                },
            )
        st.markdown(f"**{t('projects.detail.goals')}**")
        if detail.goals.empty:
            st.caption(t("projects.detail.no_goals"))
        else:
            st.dataframe(
                localised(
                    label_codes(detail.goals, goal_labels, ["status"]),
                    lang(),
                    {"target_value": PLAIN, "achieved_value": PLAIN},
                ),
                hide_index=True,
                placeholder="–",
                column_config={
                    "code": st.column_config.TextColumn(t("projects.col.code")),
                    "goal": st.column_config.TextColumn(t("projects.col.goal"), width="medium"),
                    "measure": st.column_config.TextColumn(t("projects.col.measure")),
                    "target_value": st.column_config.NumberColumn(t("projects.col.target_value")),
                    "target_date": st.column_config.DateColumn(
                        t("projects.col.next_goal_date"), format=DATE_FORMAT
                    ),
                    "achieved_value": st.column_config.NumberColumn(t("projects.col.achieved_value")),
                    "achieved_date": st.column_config.DateColumn(
                        t("projects.col.achieved_date"), format=DATE_FORMAT
                    ),
                    "progress_display": st.column_config.ProgressColumn(
                        t("projects.col.progress"),
                        help=t("projects.kpi.value_progress.help"),
                        format="percent",
                        min_value=0.0,
                        max_value=1.0,
                    ),
                    "status": st.column_config.TextColumn(t("projects.col.status")),
                    "slippage_days": st.column_config.NumberColumn(t("projects.col.slippage"), format="%d"),
                },
            )
        project_fte = cached(load_fte_by_month, filters=filters, project=code)
        if not project_fte.empty:
            show_chart(
                fte_chart(
                    project_fte,
                    title=t("projects.chart.fte"),
                    month_title=t("projects.col.month"),
                    fte_title=t("projects.col.fte"),
                    department_title=t("projects.col.department"),
                ),
                width="stretch",
            )


def _chart_caption(selection: ChartSelection, key: str) -> None:
    """Say which projects a per-project chart shows when it cannot show them all."""
    if selection.limited:
        st.caption(t(key, shown=len(selection.shown), total=number(selection.total)))


with funding_tab:
    st.caption(t("projects.funding.definition"))
    funding_selection = funding_chart_projects(split)
    _chart_caption(funding_selection, "projects.chart.limited_funding")
    show_chart(
        funding_split_chart(
            split[split["project"].isin(funding_selection.shown)],
            title=t("projects.chart.funding"),
            share_title=t("projects.chart.share"),
            project_title=t("projects.col.code"),
            department_title=t("projects.col.department"),
            agreed_title=t("projects.col.agreed"),
        ),
        width="stretch",
    )

with teams_tab:
    fte = cached(load_fte_by_month, filters=filters)
    if not fte.empty:
        show_chart(
            fte_chart(
                fte,
                title=t("projects.chart.fte"),
                month_title=t("projects.col.month"),
                fte_title=t("projects.col.fte"),
                department_title=t("projects.col.department"),
            ),
            width="stretch",
        )
    st.subheader(t("projects.teams.unmixed"))
    unmixed = mix[mix["mixed"].eq(False)] if not mix.empty else mix
    if unmixed.empty:
        st.success(t("projects.teams.all_mixed"))
    else:
        st.dataframe(
            localised(
                unmixed[["project", "members", "fte", "missing_departments", "fte_balance"]],
                lang(),
                {"fte": DECIMAL_1, "fte_balance": PERCENT_1},
            ),
            hide_index=True,
            column_config={
                "project": st.column_config.TextColumn(t("projects.col.name")),
                "members": st.column_config.NumberColumn(t("projects.col.members"), format="%d"),
                "fte": st.column_config.NumberColumn(t("projects.col.fte")),
                "missing_departments": st.column_config.TextColumn(t("projects.teams.missing")),
                "fte_balance": st.column_config.NumberColumn(t("projects.col.fte_balance")),
            },
            key="projects_unmixed",
        )

with ownership_tab:
    if not ownership.empty:
        ownership_selection = ownership_chart_projects(ownership)
        _chart_caption(ownership_selection, "projects.chart.limited_ownership")
        show_chart(
            ownership_matrix_chart(
                ownership[ownership["project"].isin(ownership_selection.shown)],
                area_names=area_names,
                status_names=own_labels,
                title=t("projects.chart.ownership"),
                project_title=t("projects.col.code"),
                area_title=t("projects.col.area"),
                owner_title=t("projects.col.owners"),
                expected_title=t("projects.col.expected"),
                status_title=t("projects.col.issue"),
                none_label=t("projects.own.none"),
                several_label=t("projects.own.several"),
            ),
            width="stretch",
        )
    st.subheader(t("projects.ownership.issues"))
    issues = ownership_issues(ownership)
    if issues.empty:
        st.success(t("projects.ownership.no_issues"))
    else:
        st.dataframe(
            label_codes(label_codes(issues, own_labels, ["status"]), area_names, ["area"]),
            hide_index=True,
            key="projects_ownership_issues",
            column_config={
                "project": st.column_config.TextColumn(t("projects.col.name")),
                "area": st.column_config.TextColumn(t("projects.col.area")),
                "status": st.column_config.TextColumn(t("projects.col.issue")),
                "owner_codes": st.column_config.TextColumn(t("projects.col.owners")),
                "expected": st.column_config.TextColumn(t("projects.col.expected")),
            },
        )

    st.subheader(t("projects.house_rule.title"))
    st.caption(t("projects.house_rule.caption"))
    user = current_user()
    if not user.may(EDIT_DATA):
        st.info(t("projects.house_rule.read_only"))
    else:
        options = ["", *departments["code"]]
        with st.form("projects_house_rule"):
            chosen_rule = {}
            for area in areas.itertuples():
                current = area.expected_department if isinstance(area.expected_department, str) else ""
                chosen_rule[area.code] = st.selectbox(
                    area_names[area.code],
                    options=options,
                    index=options.index(current) if current in options else 0,
                    key=f"house_rule_{area.code}",
                    format_func=lambda c: department_names.get(c, t("projects.house_rule.no_rule")),
                )
            if st.form_submit_button(t("projects.house_rule.save")):
                try:
                    ensure_allowed(user, EDIT_DATA)
                    changed = save_house_rule(
                        engine=get_engine(),
                        user=user,
                        expected={code: dept or None for code, dept in chosen_rule.items()},
                    )
                except NotAllowed as exc:
                    st.error(t(str(exc)))
                else:
                    st.session_state[FLASH_KEY] = changed
                    st.rerun()

with goals_tab:
    goal_selection = goal_chart_projects(timeline)
    _chart_caption(goal_selection, "projects.chart.limited_goals")
    show_chart(
        goal_timeline_chart(
            timeline[timeline["project"].isin(goal_selection.shown)] if not timeline.empty else timeline,
            as_of_end=filters.as_of_end,
            status_names=goal_labels,
            title=t("projects.chart.goals"),
            goal_title=t("projects.col.goal"),
            date_title=t("projects.col.date"),
            target_title=t("projects.col.next_goal_date"),
            achieved_title=t("projects.col.achieved_date"),
            status_title=t("projects.col.status"),
            slippage_title=t("projects.col.slippage"),
            as_of_title=t("projects.col.as_of"),
        ),
        width="stretch",
    )
    st.subheader(t("projects.goals.late"))
    late = late_goals(timeline)
    if late.empty:
        st.success(t("projects.goals.none_late"))
    else:
        st.dataframe(
            label_codes(late, goal_labels, ["status"]),
            hide_index=True,
            key="projects_late_goals",
            column_config={
                "project": st.column_config.TextColumn(t("projects.col.name")),
                "code": st.column_config.TextColumn(t("projects.col.code")),
                "goal": st.column_config.TextColumn(t("projects.col.goal"), width="large"),
                "status": st.column_config.TextColumn(t("projects.col.status")),
                "target_date": st.column_config.DateColumn(
                    t("projects.col.next_goal_date"), format=DATE_FORMAT
                ),
                "slippage_days": st.column_config.NumberColumn(t("projects.col.slippage"), format="%d"),
            },
        )

with st.expander(t("projects.exceptions")):
    st.dataframe(
        label_codes(
            name_exception_subjects(
                collaboration_exceptions(mix, ownership, timeline), area_names=area_names
            ),
            kind_labels,
            ["kind"],
        ),
        hide_index=True,
        key="projects_exceptions",
        column_config={
            "project": st.column_config.TextColumn(t("projects.col.name")),
            "kind": st.column_config.TextColumn(t("projects.col.kind")),
            "subject": st.column_config.TextColumn(t("projects.col.subject")),
        },
    )
