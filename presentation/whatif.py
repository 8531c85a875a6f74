"""What-if results as display text in a language (pure: no Streamlit, no arithmetic).

The numbers come from kpis.scenario; this module only formats them and names the codes.
"""

from __future__ import annotations

import pandas as pd

from domain.scenario import ALL_JOINT, Change, Scenario
from i18n import translate
from i18n.format import (
    DEFAULT_CURRENCY,
    format_day,
    format_money,
    format_money_compact,
    format_number,
    format_pct,
    format_signed,
)
from kpis.common import KpiValue
from kpis.projects import project_label
from kpis.scenario.comparison import ComparisonRow, LeverEffect
from presentation.budget import kpi_text, points, signed_money


def value_text(
    value: KpiValue, unit: str, lang: str, *, currency: str = DEFAULT_CURRENCY, compact: bool = False
) -> str:
    """A KPI value in its unit: ratio as %, eur as an amount in `currency` (in thousands,
    millions or billions when `compact`), pp as points, index, count."""
    money = format_money_compact if compact else format_money
    formatters = {
        "ratio": lambda v: format_pct(v, lang, decimals=1),
        "eur": lambda v: money(v, lang, currency=currency),
        "pp": lambda v: format_number(v, lang, decimals=1) + " " + translate("budget.unit.pp", lang),
        "index": lambda v: format_number(v, lang, decimals=2),
        "count": lambda v: format_number(v, lang, decimals=0),
    }
    return kpi_text(value, formatters[unit], lang)


def delta_text(
    value: KpiValue, unit: str, lang: str, *, currency: str = DEFAULT_CURRENCY, compact: bool = False
) -> str:
    """A delta (scenario − baseline) with its sign; a ratio's delta in percentage points."""
    formatters = {
        "ratio": lambda v: points(v * 100, lang),
        "eur": lambda v: signed_money(v, lang, currency=currency, compact=compact, for_metric=False),
        "pp": lambda v: points(v, lang),
        "index": lambda v: format_signed(v, lang, decimals=2),
        "count": lambda v: format_signed(v, lang, decimals=0),
    }
    return kpi_text(value, formatters[unit], lang)


def comparison_rows(
    rows: list[ComparisonRow], lang: str, *, currency: str = DEFAULT_CURRENCY, compact: bool = False
) -> pd.DataFrame:
    """KPI, baseline, scenario and change columns, one row per ComparisonRow; amounts in
    thousands, millions or billions when `compact` (for a narrow column)."""
    header = [
        translate("whatif.col.kpi", lang),
        translate("whatif.col.baseline", lang),
        translate("whatif.col.scenario", lang),
        translate("whatif.col.delta", lang),
    ]
    data = [
        [
            translate(row.label_key, lang),
            value_text(row.baseline, row.unit, lang, currency=currency, compact=compact),
            value_text(row.scenario, row.unit, lang, currency=currency, compact=compact),
            delta_text(row.delta, row.unit, lang, currency=currency, compact=compact),
        ]
        for row in rows
    ]
    return pd.DataFrame(data, columns=header)


def lever_effect_rows(
    rows: list[ComparisonRow],
    effects: list[LeverEffect],
    *,
    lever_labels: list[str],
    lang: str,
    currency: str = DEFAULT_CURRENCY,
    compact: bool = False,
) -> pd.DataFrame:
    """KPI, then each lever's own change (one column per lever, headed by `lever_labels`), then
    the combined change: the KPIs some lever moves. Empty without effects. Amounts in
    thousands, millions or billions when `compact`."""
    if not effects:
        return pd.DataFrame()
    header = [
        translate("whatif.col.kpi", lang),
        *lever_labels,
        translate("whatif.col.combined", lang),
    ]
    data = []
    for index, row in enumerate(rows):
        own = [effect.rows[index].delta for effect in effects]
        if all(value.available and abs(value.value) < 1e-9 for value in [*own, row.delta]):  # type: ignore[arg-type]
            continue
        data.append(
            [
                translate(row.label_key, lang),
                *[delta_text(value, row.unit, lang, currency=currency, compact=compact) for value in own],
                delta_text(row.delta, row.unit, lang, currency=currency, compact=compact),
            ]
        )
    return pd.DataFrame(data, columns=header)


def lever_label(
    lever: Scenario, *, department_names: dict[str, str], category_names: dict[str, str], lang: str
) -> str:
    """A short column head for one lever group (kpis.scenario.lever_groups): "Marketing −10%",
    "Financieringsverdeling", "Vertraging"."""
    if lever.scale:
        (scale,) = lever.scale
        names = department_names if scale.dimension == "department" else category_names
        return f"{names.get(scale.code, scale.code)} {format_signed(scale.pct, lang, decimals=0, suffix='%')}"
    if lever.split_targets:
        return translate("whatif.lever.split", lang)
    return translate("whatif.lever.delay", lang)


def change_texts(
    changes: list[Change],
    *,
    department_names: dict[str, str],
    category_names: dict[str, str],
    dimension_names: dict[str, str],
    lang: str,
) -> list[str]:
    """Each change as a sentence: "P-003 2 maanden later", "Marketing: resterend budget −10%"."""
    texts = []
    for change in changes:
        params = dict(change.params)
        if "pct" in params:
            params["pct"] = format_signed(float(params["pct"]), lang, decimals=0, suffix="%")  # type: ignore[arg-type]
        if "code" in params:
            names = department_names if change.key.endswith("department") else category_names
            params["name"] = names.get(str(params["code"]), str(params["code"]))
        if "shares" in params:
            shares = params.pop("shares")
            params["shares"] = " / ".join(
                f"{department_names.get(d, d)} {format_pct(s, lang, decimals=0)}"
                for d, s in sorted(shares.items())  # type: ignore[union-attr]
            )
        if params.get("project") == ALL_JOINT:
            params.pop("project")
        if "dimension" in params:
            params["dimension"] = dimension_names.get(str(params["dimension"]), str(params["dimension"]))
            params["target"] = format_number(float(params["target"]), lang, decimals=0)  # type: ignore[arg-type]
        texts.append(translate(change.key, lang, **params))
    return texts


def drift_effect_rows(
    table: pd.DataFrame, *, project_names: dict[str, str], department_names: dict[str, str], lang: str
) -> pd.DataFrame:
    """kpis.scenario.drift_effects (changed rows only) as text; the agreed share is one column
    (a scenario never changes the agreement)."""
    header = [
        translate("whatif.col.project", lang),
        translate("whatif.col.department", lang),
        translate("whatif.col.agreed", lang),
        translate("whatif.col.drift_before", lang),
        translate("whatif.col.drift_after", lang),
    ]
    changed = table[table["changed"].astype(bool)] if not table.empty else table
    data = [
        [
            project_label(p, project_names),
            department_names.get(d, d),
            format_pct(a, lang, decimals=0),
            kpi_text(x, lambda v: points(v, lang), lang),
            kpi_text(y, lambda v: points(v, lang), lang),
        ]
        for p, d, a, x, y in zip(
            changed["project"],
            changed["department"],
            changed["agreed_before"],
            changed["drift_before"],
            changed["drift_after"],
            strict=True,
        )
    ]
    return pd.DataFrame(data, columns=header)


def goal_effect_rows(table: pd.DataFrame, *, project_names: dict[str, str], lang: str) -> pd.DataFrame:
    """kpis.scenario.goal_effects as text."""
    header = [
        translate("whatif.col.project", lang),
        translate("whatif.col.goal", lang),
        translate("whatif.col.target_before", lang),
        translate("whatif.col.target_after", lang),
        translate("whatif.col.status_before", lang),
        translate("whatif.col.status_after", lang),
    ]
    data = [
        [
            project_label(p, project_names),
            code,
            format_day(a, lang),
            format_day(b, lang),
            translate(f"whatif.goal.{s}", lang),
            translate(f"whatif.goal.{t}", lang),
        ]
        for p, code, a, b, s, t in zip(
            table["project"],
            table["code"],
            table["target_before"],
            table["target_after"],
            table["status_before"],
            table["status_after"],
            strict=True,
        )
    ]
    return pd.DataFrame(data, columns=header)


def trust_rows(table: pd.DataFrame, *, dimension_names: dict[str, str], lang: str) -> pd.DataFrame:
    """kpis.scenario.trust_gaps as text (an index hidden for confidentiality shows n/a with why),
    in the instrument's order (that of `dimension_names`)."""
    place = {code: n for n, code in enumerate(dimension_names)}
    table = table.sort_values(
        "dimension", key=lambda s: s.map(lambda d: place.get(d, len(place))), kind="stable"
    )
    header = [
        translate("whatif.col.dimension", lang),
        translate("whatif.col.index", lang),
        translate("whatif.col.target", lang),
        translate("whatif.col.gap", lang),
        translate("whatif.col.note", lang),
    ]
    data = []
    for dimension, index, target, gap in zip(
        table["dimension"], table["index"], table["target"], table["gap"], strict=True
    ):
        reasons = [v.reason for v in (index, gap) if not v.available and v.reason]
        data.append(
            [
                dimension_names.get(dimension, dimension),
                kpi_text(index, lambda v: format_number(v, lang, decimals=1), lang),
                "–" if target is None or pd.isna(target) else format_number(float(target), lang, decimals=0),
                kpi_text(gap, lambda v: format_signed(v, lang, decimals=1), lang),
                translate(reasons[0], lang) if reasons else "",
            ]
        )
    return pd.DataFrame(data, columns=header)
