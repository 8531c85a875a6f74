"""The KPI catalogue: every KPI the app shows, with its unit, direction and data source.

Names, definitions, formulas and sources are i18n keys (`catalogue.<code>.name`, `.definition`,
`.formula`, `.source`) so both languages live in i18n/messages/catalogue.toml. A KPI with a
RAG target has the same code as in kpis.targets.DEFAULT_TARGETS.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from kpis.steering import Problem
from kpis.targets import DEFAULT_TARGETS, Target

Unit = Literal["ratio", "eur", "points", "index", "index_points", "days", "count"]
Group = Literal["budget", "collaboration", "trust", "insight", "steering"]


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI: `code`, the `group` it belongs to, its `unit`, and whether higher or lower is better."""

    code: str
    group: Group
    unit: Unit
    direction: Literal["higher", "lower"]

    @property
    def has_target(self) -> bool:
        return self.code in DEFAULT_TARGETS

    def text_key(self, part: str) -> str:
        """The i18n key of `part`: name, definition, formula or source."""
        return f"catalogue.{self.code}.{part}"


CATALOGUE: tuple[KpiDefinition, ...] = (
    KpiDefinition("budget_realisation", "budget", "ratio", "lower"),
    KpiDefinition("budget_variance", "budget", "eur", "lower"),
    KpiDefinition("cpi", "budget", "ratio", "higher"),
    KpiDefinition("spi", "budget", "ratio", "higher"),
    KpiDefinition("eac", "budget", "eur", "lower"),
    KpiDefinition("forecast_ratio", "budget", "ratio", "lower"),
    KpiDefinition("vac", "budget", "eur", "higher"),
    KpiDefinition("funding_drift_pp", "budget", "points", "lower"),
    KpiDefinition("joint_share", "collaboration", "ratio", "higher"),
    KpiDefinition("funding_balance", "collaboration", "ratio", "higher"),
    KpiDefinition("mixed_teams", "collaboration", "ratio", "higher"),
    KpiDefinition("fte_balance", "collaboration", "ratio", "higher"),
    KpiDefinition("ownership_clarity", "collaboration", "ratio", "higher"),
    KpiDefinition("trust_index", "trust", "index", "higher"),
    KpiDefinition("perception_gap", "trust", "index_points", "lower"),
    KpiDefinition("response_rate", "trust", "ratio", "higher"),
    KpiDefinition("goals_on_time", "insight", "ratio", "higher"),
    KpiDefinition("goal_progress", "insight", "ratio", "higher"),
    KpiDefinition("time_to_first_insight", "insight", "days", "lower"),
    KpiDefinition("insight_per_euro", "insight", "ratio", "higher"),
    KpiDefinition("follow_through", "steering", "ratio", "higher"),
    KpiDefinition("overdue_actions", "steering", "count", "lower"),
)
BY_CODE: dict[str, KpiDefinition] = {kpi.code: kpi for kpi in CATALOGUE}
TEXT_PARTS = ("name", "definition", "formula", "source")

# How each KPI and exception rule treats cancelled and on-hold projects: the i18n key
# `catalogue.<code>.projects` says it in words (shown in the catalogue table's "projects"
# column). In short: money already spent always counts (budget realisation, CPI, funding
# drift, forecast); the rules that judge a project's progress or set-up (SPI, CPI and spend
# exceptions, behind schedule, insight goals, teams, ownership) leave cancelled projects out,
# because cancelling is a decision already taken; on-hold projects leave the budget and
# schedule exceptions (they spend less by design) but keep their goals, teams and owners.
STATUS_RULE_CODES = (
    "budget_realisation",
    "cpi",
    "spi",
    "forecast_ratio",
    "funding_drift_pp",
    "funding_balance",
    "joint_share",
    "mixed_teams",
    "ownership_clarity",
    "goals_on_time",
)


def validate_target(*, green: object, amber: object, direction: str) -> list[Problem]:
    """Problems with RAG thresholds: both finite numbers, green at least as strict as amber.

    For "higher is better" green ≥ amber; for "lower is better" green ≤ amber.
    """
    problems: list[Problem] = []
    for name, value in (("green", green), ("amber", amber)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            problems.append(Problem(name, "catalogue.error.not_finite"))
    if problems:
        return problems
    ordered = green >= amber if direction == "higher" else green <= amber  # type: ignore[operator]
    if not ordered:
        problems.append(Problem("green", f"catalogue.error.order_{direction}"))
    return problems


def catalogue_table(
    *,
    targets: dict[str, Target],
    changes: pd.DataFrame,
    translate: Callable[[str], str],
) -> pd.DataFrame:
    """One row per KPI: code, group, name, definition, formula, unit, source, projects (how
    cancelled and on-hold projects count; empty where status plays no part), direction, green,
    amber (None without a target), updated_by, updated_at (None while the default applies).

    `targets` as from data_access.targets.load_targets; `changes` has kpi, updated_by,
    updated_at; `translate` turns an i18n key into text in the reader's language.
    """
    changed = {row.kpi: (row.updated_by, row.updated_at) for row in changes.itertuples(index=False)}
    rows = []
    for kpi in CATALOGUE:
        target = targets.get(kpi.code)
        by, at = changed.get(kpi.code, (None, None))
        rows.append(
            {
                "code": kpi.code,
                "group": translate(f"catalogue.group.{kpi.group}"),
                **{part: translate(kpi.text_key(part)) for part in ("name", "definition", "formula")},
                "unit": translate(f"catalogue.unit.{kpi.unit}"),
                "source": translate(kpi.text_key("source")),
                "projects": translate(kpi.text_key("projects")) if kpi.code in STATUS_RULE_CODES else "",
                "direction": translate(f"catalogue.direction.{kpi.direction}"),
                "green": target.green if target else None,
                "amber": target.amber if target else None,
                "updated_by": by,
                "updated_at": at,
            }
        )
    return pd.DataFrame(rows)
