"""The KPI catalogue: every KPI the app shows, with its unit, direction and data source.

Names, definitions, formulas and sources are i18n keys (`catalogue.<code>.name`, `.definition`,
`.formula`, `.source`) so both languages live in i18n/messages/catalogue.toml. A KPI with a
RAG target has the same code as in domain.targets.DEFAULT_TARGETS.

Targets
- Effective-dated: a target change takes effect from a month (default: the month it is
  made in) and a month is judged by the targets in force at its close, so changing a target
  never recolours the replay or the pack of an earlier month (domain.targets.targets_in_force).
- Entered and shown in the unit the tile shows (`SHOWN_AS`): a share as a percentage (80 %
  is typed as 80, stored as 0.8), CPI/SPI as an index (0.95), the trust index and the
  perception gap in index points, funding drift in percentage points.
- Two-sided (a band) where both directions are bad: budget realisation is green from 95 to
  105 % and amber from 90 to 115 %; below or above that it is red (a large underspend means
  work not done). The catalogue shows the band as "95–105 %".
- forecast_ratio (year-end forecast / year budget): green at or under 100 %, amber up to 105 %.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from domain.steering import Problem
from domain.targets import DEFAULT_TARGETS, Target

Unit = Literal["ratio", "share", "eur", "points", "index_points", "index", "days", "count"]
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
    KpiDefinition("budget_realisation", "budget", "share", "lower"),
    KpiDefinition("forecast_ratio", "budget", "share", "lower"),
    KpiDefinition("budget_variance", "budget", "eur", "lower"),
    KpiDefinition("cpi", "budget", "ratio", "higher"),
    KpiDefinition("spi", "budget", "ratio", "higher"),
    KpiDefinition("eac", "budget", "eur", "lower"),
    KpiDefinition("vac", "budget", "eur", "higher"),
    KpiDefinition("funding_drift_pp", "budget", "points", "lower"),
    KpiDefinition("joint_share", "collaboration", "share", "higher"),
    KpiDefinition("funding_balance", "collaboration", "share", "higher"),
    KpiDefinition("mixed_teams", "collaboration", "share", "higher"),
    KpiDefinition("fte_balance", "collaboration", "share", "higher"),
    KpiDefinition("ownership_clarity", "collaboration", "share", "higher"),
    KpiDefinition("trust_index", "trust", "index", "higher"),
    KpiDefinition("perception_gap", "trust", "index_points", "lower"),
    KpiDefinition("response_rate", "trust", "share", "higher"),
    KpiDefinition("goals_on_time", "insight", "share", "higher"),
    KpiDefinition("goal_progress", "insight", "share", "higher"),
    KpiDefinition("time_to_first_insight", "insight", "days", "lower"),
    KpiDefinition("insight_per_euro", "insight", "ratio", "higher"),
    KpiDefinition("follow_through", "steering", "share", "higher"),
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


Shown = Literal["percent", "index", "points", "pp"]

# How each target's tile shows its value, and so the unit an editor types a threshold in.
SHOWN_AS: dict[str, Shown] = {
    "budget_realisation": "percent",
    "forecast_ratio": "percent",
    "cpi": "index",
    "spi": "index",
    "funding_drift_pp": "pp",
    "funding_balance": "percent",
    "joint_share": "percent",
    "mixed_teams": "percent",
    "ownership_clarity": "percent",
    "trust_index": "points",
    "perception_gap": "points",
    "goals_on_time": "percent",
    "follow_through": "percent",
}
THRESHOLDS = ("green", "amber", "low_green", "low_amber")


def shown_scale(code: str) -> float:
    """Stored value × scale = the value in the tile's unit (100 for a percentage, else 1)."""
    return 100.0 if SHOWN_AS.get(code) == "percent" else 1.0


def target_shown(code: str, target: Target) -> dict[str, float | None]:
    """The thresholds of `target` in the unit the tile shows: green, amber, low_green,
    low_amber (the floors None for a one-sided target). 0.8 → 80 for a percentage."""
    scale = shown_scale(code)
    return {
        name: (round(value * scale, 10) if value is not None else None)
        for name in THRESHOLDS
        for value in [getattr(target, name)]
    }


def target_from_shown(
    code: str,
    *,
    green: float,
    amber: float,
    direction: Literal["higher", "lower"],
    low_green: float | None = None,
    low_amber: float | None = None,
) -> Target:
    """A Target from thresholds typed in the tile's unit (80 → 0.8 for a percentage)."""
    scale = shown_scale(code)

    def stored(value: float | None) -> float | None:
        return round(value / scale, 10) if value is not None else None

    return Target(
        green=stored(green),  # type: ignore[arg-type]
        amber=stored(amber),  # type: ignore[arg-type]
        direction=direction,
        low_green=stored(low_green),
        low_amber=stored(low_amber),
    )


def validate_target(
    *,
    green: object,
    amber: object,
    direction: str,
    low_green: object = None,
    low_amber: object = None,
    two_sided: bool = False,
) -> list[Problem]:
    """Problems with RAG thresholds: both finite numbers, green at least as strict as amber.

    For "higher is better" green ≥ amber; for "lower is better" green ≤ amber. A two-sided
    target (a band) also needs finite floors with low_amber ≤ low_green ≤ green.
    """
    problems: list[Problem] = []
    named = [("green", green), ("amber", amber)]
    if two_sided:
        named += [("low_green", low_green), ("low_amber", low_amber)]
    for name, value in named:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            problems.append(Problem(name, "catalogue.error.not_finite"))
    if problems:
        return problems
    ordered = green >= amber if direction == "higher" else green <= amber  # type: ignore[operator]
    if not ordered:
        problems.append(Problem("green", f"catalogue.error.order_{direction}"))
    if two_sided and not (low_amber <= low_green <= green):  # type: ignore[operator]
        problems.append(Problem("low_green", "catalogue.error.order_band"))
    return problems


def target_text(
    code: str, target: Target, *, number: Callable[[float], str], translate: Callable[[str], str]
) -> str:
    """The green range of a target in the tile's unit, e.g. "≥ 80 %", "≤ 10 pp", "95–105 %"
    (`number` formats a number in the reader's language, `translate` gives the unit)."""
    shown = target_shown(code, target)
    shown_as = SHOWN_AS.get(code, "index")
    unit = "" if shown_as == "index" else translate(f"catalogue.shown.{shown_as}")
    suffix = f" {unit}" if unit else ""
    if target.two_sided:
        return f"{number(shown['low_green'])}–{number(shown['green'])}{suffix}"  # type: ignore[arg-type]
    sign = "≥" if target.direction == "higher" else "≤"
    return f"{sign} {number(shown['green'])}{suffix}"  # type: ignore[arg-type]


def catalogue_table(
    *,
    targets: dict[str, Target],
    changes: pd.DataFrame,
    translate: Callable[[str], str],
    number: Callable[[float], str] = lambda value: f"{value:g}",
    currency_name: str | None = None,
) -> pd.DataFrame:
    """One row per KPI: code, group, name, definition, formula, unit, source, projects (how
    cancelled and on-hold projects count; empty where status plays no part), direction, green,
    amber, low_green, low_amber (in the unit the tile shows: 80 for 80 %; None without a
    target or floor), target (the green range as text, e.g. "95–105 %"; None without a
    target), effective_from, updated_by, updated_at (None while the default applies).

    `targets` as from data_access.targets.load_targets; `changes` has kpi, updated_by,
    updated_at (and effective_from), the latest recorded first; `translate` turns an i18n
    key into text in the reader's language, `number` formats a number for it;
    `currency_name` (the organisation's currency, e.g. `Swiss francs`) is the unit of money KPIs.
    """
    changed: dict[str, tuple] = {}
    for row in changes.to_dict("records"):
        changed.setdefault(row["kpi"], (row["updated_by"], row["updated_at"], row.get("effective_from")))
    rows = []
    for kpi in CATALOGUE:
        target = targets.get(kpi.code)
        by, at, effective = changed.get(kpi.code, (None, None, None))
        shown = target_shown(kpi.code, target) if target else dict.fromkeys(THRESHOLDS)
        rows.append(
            {
                "code": kpi.code,
                "group": translate(f"catalogue.group.{kpi.group}"),
                **{part: translate(kpi.text_key(part)) for part in ("name", "definition", "formula")},
                "unit": currency_name
                if kpi.unit == "eur" and currency_name
                else translate(f"catalogue.unit.{kpi.unit}"),
                "source": translate(kpi.text_key("source")),
                "projects": translate(kpi.text_key("projects")) if kpi.code in STATUS_RULE_CODES else "",
                # A band (two-sided target): both directions are bad, so neither is "better".
                "direction": translate(
                    "catalogue.direction.band"
                    if target is not None and target.two_sided
                    else f"catalogue.direction.{kpi.direction}"
                ),
                **shown,
                "target": target_text(kpi.code, target, number=number, translate=translate)
                if target
                else None,
                "effective_from": effective,
                "updated_by": by,
                "updated_at": at,
            }
        )
    return pd.DataFrame(rows)
