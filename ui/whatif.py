"""The What-if page's state at the Streamlit edge: lever widgets <-> Scenario <-> URL.

The levers live in session state under the keys below (the page draws the widgets).
A shared link carries either `scn=<encoded scenario>` or `scenario=<saved id or name>`;
a link the page does not understand gives a notice and the empty scenario.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from access.roles import NotAllowed
from data_access.scenarios import (
    ScenarioNameTaken,
    delete_scenario,
    load_saved_scenario,
    save_scenario,
)
from domain.filters import Filters
from domain.scenario import ScaleLever, Scenario, ScenarioError, lever_groups, restrict
from domain.scenario_link import decode, encode, to_json
from kpis.scenario.comparison import LeverEffect, ScenarioFigures, figures, lever_effect
from kpis.scenario.transforms import BaselineFrames
from ui.auth import current_user
from ui.data import data_version, get_engine

SPLIT_PROJECTS = "wi_split_projects"
# The departments of the new split: a share input is shown only for these (one input per
# department does not fit with sixty of them).
SPLIT_DEPARTMENTS = "wi_split_departments"
DELAY_PROJECTS = "wi_delay_projects"
DELAY_MONTHS = "wi_delay_months"
CUT_DEPARTMENT = "wi_cut_department"
CUT_DEPARTMENT_PCT = "wi_cut_department_pct"
CUT_CATEGORY = "wi_cut_category"
CUT_CATEGORY_PCT = "wi_cut_category_pct"
SAVE_NAME = "wi_save_name"
OPEN_CHOICE = "wi_open"
MARKER = "_wi_url_marker"
SAVED = "_wi_saved"
NOTICE = "_wi_notice"
CURRENT = "_wi_current"
BASELINE_FIGURES = "_wi_baseline_figures"
LEVER_EFFECTS = "_wi_lever_effects"
NONE = ""


def baseline_figures(baseline: BaselineFrames, *, filters: Filters, tolerance: float) -> ScenarioFigures:
    """The baseline's figures, kept for this session while the filters and the data stay the
    same, so a lever change recomputes only the scenario side."""
    key = (filters, data_version(), tolerance)
    memo = st.session_state.get(BASELINE_FIGURES)
    if memo is None or memo[0] != key:
        memo = (key, figures(baseline, tolerance))
        st.session_state[BASELINE_FIGURES] = memo
    return memo[1]


def lever_effects(
    baseline: BaselineFrames,
    scenario: Scenario,
    *,
    baseline_figures: ScenarioFigures,
    filters: Filters,
    tolerance: float,
) -> list[LeverEffect]:
    """kpis.scenario.lever_effects, each lever's effect kept for this session while the
    filters, the data and that lever stay the same: moving one lever recomputes only its own
    effect (and the combined one), not every other lever's."""
    groups = lever_groups(scenario)
    if len(groups) < 2:
        return []
    key = (filters, data_version(), tolerance)
    memo = st.session_state.get(LEVER_EFFECTS)
    if memo is None or memo[0] != key:
        memo = (key, {})
        st.session_state[LEVER_EFFECTS] = memo
    effects = memo[1]
    wanted = {to_json(group): group for group in groups}
    for name in set(effects) - set(wanted):
        del effects[name]
    for name, group in wanted.items():
        if name not in effects:
            effects[name] = lever_effect(
                baseline, group, tolerance=tolerance, baseline_figures=baseline_figures
            )
    return [effects[name] for name in wanted]


def split_departments(shares: dict[str, float], *, departments: list[str]) -> list[str]:
    """The departments with a share in `shares`, in the order of `departments`: the ones the
    split lever shows an input for."""
    return [d for d in departments if float(shares.get(d, 0.0)) > 0]


def share_key(department: str) -> str:
    return f"wi_share_{department}"


def trust_key(dimension: str) -> str:
    return f"wi_trust_{dimension}"


def set_levers(
    scenario: Scenario, *, departments: list[str], dimensions: list[str], default_shares: dict[str, float]
) -> None:
    """Put a scenario into the lever widgets (one share set for every split project, one
    delay for every delayed project: the largest, one cut per dimension: the last)."""
    state = st.session_state
    state[SPLIT_PROJECTS] = sorted(scenario.split_targets)
    shares = next(iter(scenario.split_targets.values()), None) or default_shares
    state[SPLIT_DEPARTMENTS] = split_departments(shares, departments=departments)
    for department in departments:
        state[share_key(department)] = round(float(shares.get(department, 0.0)) * 100, 1)
    state[DELAY_PROJECTS] = sorted(scenario.delays)
    state[DELAY_MONTHS] = max(scenario.delays.values(), default=2)
    state[CUT_DEPARTMENT], state[CUT_DEPARTMENT_PCT] = NONE, -10.0
    state[CUT_CATEGORY], state[CUT_CATEGORY_PCT] = NONE, -10.0
    for lever in scenario.scale:
        if lever.dimension == "department":
            state[CUT_DEPARTMENT], state[CUT_DEPARTMENT_PCT] = lever.code, float(lever.pct)
        else:
            state[CUT_CATEGORY], state[CUT_CATEGORY_PCT] = lever.code, float(lever.pct)
    for dimension in dimensions:
        target = scenario.trust_targets.get(dimension)
        state[trust_key(dimension)] = None if target is None else float(target)


def levers_scenario(*, departments: list[str], dimensions: list[str]) -> tuple[Scenario, bool]:
    """The Scenario the lever widgets describe, and whether the split shares are invalid
    (they must sum to 100%; an invalid split is left out)."""
    state = st.session_state
    split: dict[str, dict[str, float]] = {}
    chosen = [d for d in departments if d in set(state.get(SPLIT_DEPARTMENTS) or [])]
    shares = {d: float(state.get(share_key(d)) or 0.0) for d in chosen}
    split_invalid = False
    if state.get(SPLIT_PROJECTS):
        if abs(sum(shares.values()) - 100.0) > 0.1:
            split_invalid = True
        else:
            target = {d: round(s / 100.0, 4) for d, s in shares.items() if s > 0}
            split = {project: dict(target) for project in state[SPLIT_PROJECTS]}
    scale = []
    if state.get(CUT_DEPARTMENT) and state.get(CUT_DEPARTMENT_PCT):
        scale.append(ScaleLever("department", state[CUT_DEPARTMENT], float(state[CUT_DEPARTMENT_PCT])))
    if state.get(CUT_CATEGORY) and state.get(CUT_CATEGORY_PCT):
        scale.append(ScaleLever("category", state[CUT_CATEGORY], float(state[CUT_CATEGORY_PCT])))
    months = int(state.get(DELAY_MONTHS) or 0)
    delays = {project: months for project in state.get(DELAY_PROJECTS) or []} if months else {}
    trust = {d: float(state[trust_key(d)]) for d in dimensions if state.get(trust_key(d)) is not None}
    scenario = Scenario(split_targets=split, scale=tuple(scale), delays=delays, trust_targets=trust)
    return scenario, split_invalid


def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value if value else None


def sync_from_url(
    *,
    known: dict[str, set[str]],
    departments: list[str],
    dimensions: list[str],
    default_shares: dict[str, float],
) -> None:
    """When the URL's scenario parameters are new to this session (a shared link, a fresh
    browser), load them into the levers; a notice for what cannot be read."""
    marker = (_param("scenario"), _param("scn"))
    if st.session_state.get(MARKER) == marker and SPLIT_PROJECTS in st.session_state:
        return
    st.session_state[MARKER] = marker
    saved_key, encoded = marker
    scenario, notice = Scenario(), None
    if marker == (None, None) and CURRENT in st.session_state:
        # Back from another page (navigation drops the page's URL parameters): keep the levers.
        set_levers(
            st.session_state[CURRENT],
            departments=departments,
            dimensions=dimensions,
            default_shares=default_shares,
        )
        return
    st.session_state[SAVED] = None
    if saved_key:
        try:
            found = load_saved_scenario(engine=get_engine(), key=saved_key)
        except ScenarioError:
            found, notice = None, "whatif.notice.saved_unreadable"
        if found is None:
            notice = notice or "whatif.notice.saved_missing"
        else:
            scenario = found[3]
            st.session_state[SAVED] = found
    elif encoded:
        try:
            scenario = decode(encoded)
        except ScenarioError:
            notice = "whatif.notice.url_invalid"
    scenario, dropped = restrict(
        scenario,
        projects=known["projects"],
        departments=known["departments"],
        categories=known["categories"],
        dimensions=known["dimensions"],
    )
    if dropped and notice is None:
        notice = "whatif.notice.url_unknown"
    if notice:
        st.session_state[NOTICE] = ("warning", notice, {})
    set_levers(scenario, departments=departments, dimensions=dimensions, default_shares=default_shares)


def write_url(scenario: Scenario) -> None:
    """Keep the scenario in the URL: `scenario=<id>` while the levers match the opened saved
    scenario, else `scn=<encoded>` (nothing for the empty scenario)."""
    saved = st.session_state.get(SAVED)
    wanted: dict[str, str | None] = {"scenario": None, "scn": None}
    if saved is not None and saved[3] == scenario:
        wanted["scenario"] = str(saved[0])
    elif not scenario.is_empty:
        wanted["scn"] = encode(scenario)
    for name, value in wanted.items():
        if value is None:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != value:
            st.query_params[name] = value
    st.session_state[MARKER] = (wanted["scenario"], wanted["scn"])
    st.session_state[CURRENT] = scenario


def _notice(kind: str, key: str, **params: Any) -> None:
    st.session_state[NOTICE] = (kind, key, params)


def on_save() -> None:
    """Button callback: save the current levers under the typed name (checked on the server)."""
    scenario = st.session_state.get(CURRENT) or Scenario()
    name = st.session_state.get(SAVE_NAME, "")
    user = current_user()
    try:
        new_id = save_scenario(engine=get_engine(), user=user, name=name, scenario=scenario)
    except ScenarioNameTaken:
        _notice("error", "whatif.save.name_taken")
        return
    except NotAllowed:
        _notice("error", "auth.not_allowed")
        return
    except ValueError as exc:
        _notice("error", str(exc))
        return
    found = load_saved_scenario(engine=get_engine(), key=str(new_id))
    st.session_state[SAVED] = found
    st.session_state[SAVE_NAME] = ""
    _notice("success", "whatif.save.done", name=found[1] if found else name)


def on_open(departments: list[str], dimensions: list[str], default_shares: dict[str, float]) -> None:
    """Button callback: put the chosen saved scenario into the levers."""
    choice = st.session_state.get(OPEN_CHOICE)
    if choice is None:
        return
    try:
        found = load_saved_scenario(engine=get_engine(), key=str(choice))
    except ScenarioError:
        _notice("error", "whatif.notice.saved_unreadable")
        return
    if found is None:
        _notice("error", "whatif.notice.saved_missing")
        return
    st.session_state[SAVED] = found
    set_levers(found[3], departments=departments, dimensions=dimensions, default_shares=default_shares)
    _notice("success", "whatif.open.done", name=found[1])


def on_reset(departments: list[str], dimensions: list[str], default_shares: dict[str, float]) -> None:
    """Button callback: every lever back to none (the baseline); an opened saved scenario is closed."""
    st.session_state[SAVED] = None
    set_levers(Scenario(), departments=departments, dimensions=dimensions, default_shares=default_shares)


def on_delete() -> None:
    """Button callback: delete the chosen saved scenario (author or editor only, on the server)."""
    choice = st.session_state.get(OPEN_CHOICE)
    if choice is None:
        return
    try:
        deleted = delete_scenario(engine=get_engine(), user=current_user(), scenario_id=int(choice))
    except NotAllowed:
        _notice("error", "whatif.delete.not_allowed")
        return
    saved = st.session_state.get(SAVED)
    if saved is not None and saved[0] == int(choice):
        st.session_state[SAVED] = None
    st.session_state[OPEN_CHOICE] = None
    _notice(
        "success" if deleted else "error", "whatif.delete.done" if deleted else "whatif.notice.saved_missing"
    )
