"""What-if: scenario levers against the baseline, side by side; stored data never changes."""

from dataclasses import replace

import streamlit as st

from access.roles import READ, SAVE_SCENARIO
from charts.whatif import delta_chart, scenario_chart
from data_access.reference import load_categories, load_departments, load_projects_list
from data_access.scenarios import (
    load_remaining_by_category,
    load_saved_scenarios,
    load_scenario_baseline,
    may_delete,
)
from data_access.survey import load_survey_dimensions
from data_access.targets import load_targets
from kpis.scenario import (
    ALL_JOINT,
    apply_scenario,
    compare,
    default_split,
    describe_changes,
    drift_effects,
    figures,
    goal_effects,
    needs_categories,
    plan_delta,
    plan_series,
    trust_gaps,
)
from services.instrument import dimension_codes
from services.instrument import dimension_names as dimension_names_in
from ui import whatif as state
from ui.auth import require
from ui.charts import show_chart
from ui.data import cached, get_engine
from ui.filters import current_filters
from ui.i18n import currency, currency_symbol, lang, month, t
from ui.text import md, tm
from ui.times import local_day
from ui.whatif_health import render_health_levels
from ui.whatif_tables import (
    change_texts,
    comparison_rows,
    drift_effect_rows,
    goal_effect_rows,
    lever_effect_rows,
    lever_label,
    trust_rows,
)

user = require(READ)
filters = current_filters()
tolerance = cached(load_targets, as_of=filters.as_of)["funding_drift_pp"].green

department_rows = cached(load_departments)
departments = list(department_rows["code"])
department_names = dict(zip(department_rows["code"], department_rows[f"name_{lang()}"], strict=True))
category_rows = cached(load_categories)
category_names = dict(zip(category_rows["code"], category_rows[f"name_{lang()}"], strict=True))
project_rows = cached(load_projects_list)
project_names = dict(zip(project_rows["code"].tolist(), project_rows["name"].tolist(), strict=True))
instrument = cached(load_survey_dimensions)
dimensions = dimension_codes(instrument)
dimension_names = dimension_names_in(instrument, lang())

baseline = cached(load_scenario_baseline, filters=filters, with_categories=False)
default_shares = default_split(baseline.funding)
state.sync_from_url(
    known={
        "projects": set(project_names),
        "departments": set(departments),
        "categories": set(category_names),
        "dimensions": set(dimensions),
    },
    departments=departments,
    dimensions=dimensions,
    default_shares=default_shares,
)

st.title(t("whatif.title"))
st.caption(t("whatif.caption", as_of=month(filters.as_of)))
st.info(t("whatif.stored_data_unchanged"), icon=":material/shield:")

notice = st.session_state.pop(state.NOTICE, None)
if notice:
    kind, key, params = notice
    {"warning": st.warning, "error": st.error, "success": st.success}[kind](tm(key, **params))


def _height(table, most=12):
    return 38 + 35 * min(max(len(table), 1), most)


ANSWER_PX = 520  # the answer column beside the levers on a 1280-pixel projector
VALUE_CHAR_PX, HEAD_CHAR_PX, CELL_PADDING_PX, FIRST_MIN_PX = 6.6, 6.4, 20, 180


def _figure_widths(table, width):
    """Each figure column as wide as its longest text (a large amount in a long currency code
    such as CHF needs more than a euro amount), at least `width`."""
    return {
        name: max(
            width,
            round(
                max(len(str(name)) * HEAD_CHAR_PX, *(len(str(v)) * VALUE_CHAR_PX for v in table[name]))
                + CELL_PADDING_PX
            ),
        )
        for name in list(table.columns)[1:]
    }


def _fitting(build, width=92):
    """The table with whole amounts when its figure columns fit beside the KPI names, else
    with amounts in thousands, millions or billions (never cut off on a projector)."""
    table = build(compact=False)
    if table.empty or FIRST_MIN_PX + sum(_figure_widths(table, width).values()) <= ANSWER_PX:
        return table
    return build(compact=True)


def _compact(table, first_width=250, width=92):
    """Column widths that fit the answer beside the levers on a 1280-pixel projector: figure
    columns as wide as their texts, the first (KPI) column what is left (at least 180 px)."""
    first = table.columns[0]
    widths = _figure_widths(table, width)
    first_width = max(FIRST_MIN_PX, min(first_width, ANSWER_PX - sum(widths.values())))
    return {first: st.column_config.TextColumn(width=first_width)} | {
        name: st.column_config.TextColumn(width=px) for name, px in widths.items()
    }


# Each project's label made once a run: both project lists format every one of their options.
project_labels = {ALL_JOINT: t("whatif.all_joint")} | {
    code: f"{code} · {name}" for code, name in project_names.items() if code != ALL_JOINT
}


levers_col, answer_col = st.columns([1, 2], gap="medium")
with levers_col, st.container(border=True):
    st.subheader(t("whatif.levers"))
    st.button(
        t("whatif.reset"),
        on_click=state.on_reset,
        args=(departments, dimensions, default_shares),
        icon=":material/restart_alt:",
        key="whatif_reset",
        width="stretch",
    )
    st.markdown(f"**{t('whatif.lever.split')}**")
    st.multiselect(
        t("whatif.lever.split_projects"),
        options=[ALL_JOINT, *project_names],
        key=state.SPLIT_PROJECTS,
        format_func=project_labels.__getitem__,
        placeholder=t("whatif.none"),
        help=t("whatif.lever.split_help"),
    )
    st.multiselect(
        t("whatif.lever.split_departments"),
        options=departments,
        key=state.SPLIT_DEPARTMENTS,
        format_func=lambda code: department_names.get(code, code),
        placeholder=t("whatif.none"),
        help=t("whatif.lever.split_departments_help"),
    )
    share_cols = st.columns(2)
    chosen = set(st.session_state.get(state.SPLIT_DEPARTMENTS) or [])
    for number, code in enumerate(d for d in departments if d in chosen):
        with share_cols[number % 2]:
            st.number_input(
                tm("whatif.lever.share", department=department_names[code]),
                min_value=0.0,
                max_value=100.0,
                step=5.0,
                format="%.0f",
                key=state.share_key(code),
            )
    st.markdown(f"**{t('whatif.lever.scale')}**", help=t("whatif.lever.scale_help"))
    for choice_key, pct_key, label, names in (
        (state.CUT_DEPARTMENT, state.CUT_DEPARTMENT_PCT, "whatif.lever.scale_department", department_names),
        (state.CUT_CATEGORY, state.CUT_CATEGORY_PCT, "whatif.lever.scale_category", category_names),
    ):
        left, right = st.columns([3, 2])
        left.selectbox(
            t(label),
            options=[state.NONE, *names],
            key=choice_key,
            format_func=lambda code, names=names: names.get(code, t("whatif.none")),
        )
        right.number_input(
            t("whatif.lever.scale_pct"),
            min_value=-100.0,
            max_value=200.0,
            step=5.0,
            format="%.0f",
            key=pct_key,
        )
    st.markdown(f"**{t('whatif.lever.delay')}**")
    st.multiselect(
        t("whatif.lever.delay_projects"),
        options=list(project_names),
        key=state.DELAY_PROJECTS,
        format_func=project_labels.__getitem__,
        placeholder=t("whatif.none"),
    )
    st.number_input(t("whatif.lever.delay_months"), min_value=1, max_value=36, step=1, key=state.DELAY_MONTHS)
    st.markdown(f"**{t('whatif.lever.trust')}**")
    trust_cols = st.columns(2)
    for number, dimension in enumerate(dimensions):
        with trust_cols[number % 2]:
            st.number_input(
                md(dimension_names[dimension]),
                min_value=0.0,
                max_value=100.0,
                step=5.0,
                format="%.0f",
                key=state.trust_key(dimension),
                placeholder=t("whatif.none"),
            )

scenario, split_invalid = state.levers_scenario(departments=departments, dimensions=dimensions)
state.write_url(scenario)

if needs_categories(scenario):
    baseline = replace(baseline, remaining_by_category=cached(load_remaining_by_category, filters=filters))
scenario_frames = apply_scenario(baseline, scenario)
baseline_figures = state.baseline_figures(baseline, filters=filters, tolerance=tolerance)
# No lever that changes a frame (none, or trust targets only): the scenario's frames are the
# baseline's, so its figures are the baseline's (computed once).
scenario_figures = baseline_figures if scenario_frames is baseline else figures(scenario_frames, tolerance)
rows = compare(baseline_figures, scenario_figures, tolerance=tolerance)


def _change_texts(changes):
    return change_texts(
        changes,
        department_names=department_names,
        category_names=category_names,
        dimension_names=dimension_names,
        lang=lang(),
    )


with answer_col:
    if split_invalid:
        st.error(t("whatif.lever.split_invalid"))
    st.subheader(t("whatif.comparison"))
    comparison = _fitting(lambda compact: comparison_rows(rows, lang(), currency=currency(), compact=compact))
    st.dataframe(
        comparison,
        hide_index=True,
        key="whatif_comparison",
        height=_height(comparison, most=20),
        column_config=_compact(comparison),
    )
    st.caption(t("whatif.comparison_note"))
    render_health_levels(
        filters, scenario=scenario, baseline=baseline, baseline_figures=baseline_figures, tolerance=tolerance
    )

    st.subheader(t("whatif.changes"))
    texts = _change_texts(describe_changes(scenario))
    if texts:
        st.markdown("\n".join(f"- {md(text)}" for text in texts))
    else:
        st.caption(t("whatif.no_changes"))

    effects = state.lever_effects(
        baseline, scenario, baseline_figures=baseline_figures, filters=filters, tolerance=tolerance
    )
    if effects:
        st.subheader(t("whatif.effects"))
        lever_labels = [
            lever_label(
                effect.scenario,
                department_names=department_names,
                category_names=category_names,
                lang=lang(),
            )
            for effect in effects
        ]
        effect_table = _fitting(
            lambda compact: lever_effect_rows(
                rows, effects, lever_labels=lever_labels, lang=lang(), currency=currency(), compact=compact
            ),
            width=82,
        )
        st.dataframe(
            effect_table,
            hide_index=True,
            key="whatif_effects",
            height=_height(effect_table),
            column_config=_compact(effect_table, first_width=200, width=82),
        )
        st.caption(t("whatif.effects_note"))

series_labels = {name: t(f"whatif.series.{name}") for name in ("baseline", "scenario", "actual")}
series = plan_series(baseline, scenario_frames, start=filters.period_start)
show_chart(
    scenario_chart(
        series,
        labels=series_labels,
        title=t("whatif.chart.title"),
        x_title=t("budget.chart.month"),
        y_title=t("whatif.chart.amount", currency=currency_symbol()),
        legend_title=t("budget.chart.series"),
    ),
    width="stretch",
    key="whatif_chart",
)
show_chart(
    delta_chart(
        plan_delta(series),
        title=t("whatif.chart.delta_title"),
        x_title=t("budget.chart.month"),
        y_title=t("whatif.chart.delta"),
    ),
    width="stretch",
    key="whatif_delta_chart",
)

st.subheader(t("whatif.drift"))
drift_table = drift_effect_rows(
    drift_effects(baseline_figures, scenario_figures, tolerance=tolerance),
    project_names=project_names,
    department_names=department_names,
    lang=lang(),
)
if drift_table.empty:
    st.caption(t("whatif.drift_none"))
else:
    st.dataframe(drift_table, hide_index=True, key="whatif_drift", height=_height(drift_table))
st.caption(t("whatif.drift_note"))

st.subheader(t("whatif.goals"))
goals_table = goal_effect_rows(
    goal_effects(baseline, scenario_frames), project_names=project_names, lang=lang()
)
if goals_table.empty:
    st.caption(t("whatif.goals_none"))
else:
    st.dataframe(goals_table, hide_index=True, key="whatif_goals", height=_height(goals_table))

st.subheader(t("whatif.trust"))
st.dataframe(
    trust_rows(
        trust_gaps(baseline.trust, scenario.trust_targets), dimension_names=dimension_names, lang=lang()
    ),
    hide_index=True,
    key="whatif_trust",
)
st.caption(t("whatif.trust_note"))

st.subheader(t("whatif.saved"))
saved = load_saved_scenarios(engine=get_engine())
save_col, open_col = st.columns(2, gap="large")
with save_col:
    st.text_input(t("whatif.save.name"), key=state.SAVE_NAME, max_chars=200)
    st.button(
        t("whatif.save.button"),
        on_click=state.on_save,
        disabled=scenario.is_empty or not user.may(SAVE_SCENARIO.right),
        icon=":material/save:",
        key="whatif_save",
    )
    if scenario.is_empty:
        st.caption(t("whatif.save.empty"))
with open_col:
    if saved.empty:
        st.caption(t("whatif.saved_none"))
    else:
        labels = {
            int(i): t("whatif.saved_label", name=n, author=a, date=local_day(c))
            for i, n, a, c in zip(
                saved["id"], saved["name"], saved["author"], saved["created_at"], strict=True
            )
        }
        authors = dict(zip(saved["id"].astype(int), saved["author"], strict=True))
        choice = st.selectbox(
            t("whatif.open.choose"),
            options=list(labels),
            key=state.OPEN_CHOICE,
            format_func=lambda i: labels.get(i, str(i)),
            index=None,
            placeholder=t("whatif.none"),
        )
        open_btn, delete_btn = st.columns(2)
        with open_btn:
            st.button(
                t("whatif.open.button"),
                on_click=state.on_open,
                args=(departments, dimensions, default_shares),
                disabled=choice is None,
                icon=":material/folder_open:",
                key="whatif_open",
            )
        with delete_btn:
            st.button(
                t("whatif.delete.button"),
                on_click=state.on_delete,
                disabled=choice is None or not may_delete(user, authors.get(choice, "")),
                icon=":material/delete:",
                key="whatif_delete",
            )
        if choice is not None:
            st.caption(t("whatif.open.link", link=f"?scenario={choice}"))
