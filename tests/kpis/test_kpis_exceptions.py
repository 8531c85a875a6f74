"""Exception rules on hand-made frames: each rule fires exactly at its threshold."""

import datetime as dt

import pandas as pd

from domain.targets import DEFAULT_TARGETS
from kpis.common import KpiValue, not_available
from kpis.exceptions import collect_exceptions, count_by_kind

END = dt.date(2026, 10, 31)


def _ev(project, status, cpi, spi, pv=100.0, ac=100.0):
    value = lambda v: KpiValue(v) if v is not None else not_available("x")  # noqa: E731
    return {"project": project, "status": status, "cpi": value(cpi), "spi": value(spi), "pv": pv, "ac": ac}


def test_budget_rules_use_the_amber_thresholds_and_active_projects_only() -> None:
    ev = pd.DataFrame(
        [
            _ev("A", "active", 0.84, 0.95),  # CPI red → over budget
            _ev("B", "active", 0.85, 0.849),  # CPI exactly amber → not; SPI red → behind
            _ev("C", "on_hold", 0.50, 0.50),  # not active → nothing
            _ev("D", "active", 1.0, 1.0, pv=100.0, ac=116.0),  # spend 116% of plan > 115% → over budget
            _ev("E", "active", None, None, pv=0.0, ac=10.0),  # no figures → nothing
        ]
    )
    items = collect_exceptions(as_of_end=END, targets=DEFAULT_TARGETS, ev_table=ev, drift=pd.DataFrame())
    assert [(i.kind, i.project) for i in items] == [
        ("over_budget", "A"),
        ("over_budget", "D"),
        ("behind_schedule", "B"),
    ]


def test_drift_gives_one_line_per_project_for_the_department_paying_least() -> None:
    drift = pd.DataFrame(
        {
            "project": ["P", "P", "Q", "Q"],
            "department": ["IT", "MKT", "IT", "MKT"],
            "drift_pp": [KpiValue(-15.0), KpiValue(15.0), KpiValue(-5.0), KpiValue(5.0)],
            "flagged": [True, True, False, False],
        }
    )
    items = collect_exceptions(as_of_end=END, targets=DEFAULT_TARGETS, ev_table=pd.DataFrame(), drift=drift)
    assert [(i.kind, i.project, i.subject, i.values["drift_pp"]) for i in items] == [
        ("funding_drift", "P", "IT", -15.0)
    ]


def test_drift_lines_keep_project_order_the_first_lowest_on_a_tie_and_skip_unmeasured_rows() -> None:
    drift = pd.DataFrame(
        {
            "project": ["Z", "Z", "A", "A", "A", "M", "M"],
            "department": ["IT", "MKT", "FIN", "IT", "MKT", "IT", "MKT"],
            "drift_pp": [
                KpiValue(-7.0),
                KpiValue(-9.0),
                KpiValue(-12.0),  # A: a tie between FIN and MKT, FIN comes first
                not_available("x"),  # unmeasured: never the chosen row
                KpiValue(-12.0),
                not_available("x"),  # M: flagged but nothing measured, so no line
                not_available("x"),
            ],
            "flagged": [True, True, True, True, True, True, False],
        }
    )
    items = collect_exceptions(as_of_end=END, targets=DEFAULT_TARGETS, ev_table=pd.DataFrame(), drift=drift)
    assert [(i.project, i.subject, i.values["drift_pp"]) for i in items] == [
        ("A", "FIN", -12.0),
        ("Z", "MKT", -9.0),
    ]
    assert all(type(i.values["drift_pp"]) is float for i in items)
    nothing_flagged = drift.assign(flagged=False)
    assert (
        collect_exceptions(
            as_of_end=END, targets=DEFAULT_TARGETS, ev_table=pd.DataFrame(), drift=nothing_flagged
        )
        == []
    )


def test_late_goals_and_overdue_actions_at_the_as_of_date() -> None:
    goals = pd.DataFrame(
        {
            "project": ["A", "A", "B"],
            "code": ["G1", "G2", "G1"],
            "target_date": [dt.date(2026, 6, 30), dt.date(2026, 9, 30), dt.date(2026, 12, 31)],
            "achieved_date": [dt.date(2026, 6, 1), None, None],
        }
    )
    actions = pd.DataFrame(
        {
            "title": ["late", "closed in time", "not due"],
            "meeting_month": [dt.date(2026, 8, 1)] * 3,
            "due_date": [dt.date(2026, 9, 15), dt.date(2026, 9, 15), dt.date(2026, 12, 1)],
            "status": ["open", "done", "open"],
            "closed_on": [None, dt.date(2026, 9, 10), None],
            "owner_person": ["x", "y", "z"],
        }
    )
    items = collect_exceptions(
        as_of_end=END,
        targets=DEFAULT_TARGETS,
        ev_table=pd.DataFrame(),
        drift=pd.DataFrame(),
        goals=goals,
        actions=actions,
    )
    assert [(i.kind, i.project, i.subject) for i in items] == [
        ("late_goal", "A", "G2"),
        ("overdue_action", None, "late"),
    ]
    assert items[1].values["days"] == (END - dt.date(2026, 9, 15)).days
    assert count_by_kind(items) == {"late_goal": 1, "overdue_action": 1}


def test_collaboration_frame_and_trust_drops_pass_through() -> None:
    collaboration = pd.DataFrame(
        {"project": ["P"], "kind": ["house_rule_breach"], "subject": ["data_processing"]}
    )
    drops = pd.DataFrame(
        {
            "scope": ["mirror"],
            "wave_code": ["W2"],
            "rater": ["IT"],
            "rated": ["MKT"],
            "dimension": ["communication"],
            "index": [46.0],
            "change": [-8.7],
            "p_value": [0.012],
        }
    )
    items = collect_exceptions(
        as_of_end=END,
        targets=DEFAULT_TARGETS,
        ev_table=pd.DataFrame(),
        drift=pd.DataFrame(),
        collaboration=collaboration,
        trust_drops=drops,
    )
    assert [i.kind for i in items] == ["house_rule_breach", "trust_drop"]
    assert items[1].values["rater"] == "IT" and items[1].page == "views/trust.py"
