"""Budget tables for display in a language (pure: no Streamlit, no arithmetic): the variance
tables as numbers with display formats (so they sort by value), the others as text.

Amounts are rounded per cell for display only; totals come from the unrounded figures,
so a total may differ by a euro from the sum of the rounded cells (the page says so).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import pandas as pd

from domain.targets import Target, rag
from i18n import translate
from i18n.format import (
    DEFAULT_CURRENCY,
    currency_symbol,
    format_money,
    format_money_compact,
    format_number,
    format_signed,
    half_up,
    money_column_pattern,
)
from kpis.budget import EarnedValue, realisation, variance, variance_pct
from kpis.common import KpiValue

# Plain symbols that common fonts carry (colour emoji are missing on many Linux desktops).
RAG_SYMBOLS = {"green": "✓", "amber": "⚠", "red": "✗"}


def rag_label(value: str | None, lang: str) -> str:
    """The RAG word with a symbol, so colour is never the only cue: `✗ Actie nodig`."""
    if value is None:
        return "– " + translate("rag.none", lang)
    return f"{RAG_SYMBOLS[value]} {translate(f'rag.{value}', lang)}"


def kpi_text(value: KpiValue, formatter: Callable[[float], str], lang: str) -> str:
    """A KpiValue formatted, or the language's "n/a"."""
    return formatter(value.value) if value.available else translate("kpi.na", lang)


def money(amount: float | None, lang: str, *, currency: str = DEFAULT_CURRENCY) -> str:
    return format_money(amount, lang, currency=currency)


def signed_money(
    amount: float,
    lang: str,
    *,
    compact: bool = False,
    currency: str = DEFAULT_CURRENCY,
    for_metric: bool = True,
) -> str:
    """An amount with a leading sign, `+€ 322k` / `-CHF 1.250`, so a metric delta points the
    right way (Streamlit reads the ASCII minus). With `for_metric=False`, for a table, signed
    as format_signed signs other changes: `+€ 1.234`, `−€ 1.234`, `±€ 0`."""
    text = (format_money_compact if compact else format_money)(abs(amount), lang, currency=currency)
    rounded = float(half_up(amount, 0))
    if for_metric:
        return ("-" if rounded < 0 else "+") + text
    return ("+" if rounded > 0 else "−" if rounded < 0 else "±") + text


def signed_pct(ratio_value: float, lang: str) -> str:
    """A ratio as a signed percentage: 0.123 -> `+12,3%`."""
    return format_signed(ratio_value * 100, lang, decimals=1, suffix="%")


def index_text(value: float, lang: str) -> str:
    return format_number(value, lang, decimals=2)


def points(value: float, lang: str) -> str:
    """Percentage points with their sign, rounded first so that −0.04 reads `±0,0 pp`."""
    value = float(half_up(value, 1))
    return format_signed(value, lang, decimals=1, suffix=" " + translate("budget.unit.pp", lang))


def _reason(values: list[KpiValue], lang: str) -> str:
    reasons = [translate(v.reason, lang) for v in values if not v.available and v.reason]
    return reasons[0] if reasons else ""


class VarianceTables(NamedTuple):
    """The variance table's rows (sortable numbers, ordered by the names they show) and its
    total as a one-row table of the same columns, shown apart so it never sorts into the rows."""

    rows: pd.DataFrame
    total: pd.DataFrame


def _ratio(value: KpiValue) -> float:
    return float(value.value) if value.available else math.nan


def variance_rows(
    table: pd.DataFrame,
    *,
    by: str,
    names: dict[str, str],
    total: dict[str, float],
    lang: str,
    target: Target,
    currency: str = DEFAULT_CURRENCY,
) -> VarianceTables:
    """kpis.budget.variance_table for display: money and ratios as numbers (formatted by
    `variance_column_formats`, so a column sorts by value), rows ordered by name, and the
    (unrounded) total apart."""
    header = variance_header(by, lang, currency=currency)
    rows = [
        {
            "name": names.get(code, code),
            "planned": float(p),
            "actual": float(a),
            "variance": float(v),
            "variance_pct": _ratio(vp),
            "realisation": _ratio(r),
            "rag": rag_label(g, lang),
            "note": _reason([r], lang),
        }
        for code, p, a, v, vp, r, g in zip(
            table[by],
            table["planned"],
            table["actual"],
            table["variance"],
            table["variance_pct"],
            table["realisation"],
            table["rag"],
            strict=True,
        )
    ]
    rows.sort(key=lambda row: str(row["name"]).casefold())
    overall = realisation(**total)
    total_row = {
        "name": translate("budget.total", lang),
        "planned": float(total["planned"]),
        "actual": float(total["actual"]),
        "variance": float(variance(**total)),
        "variance_pct": _ratio(variance_pct(**total)),
        "realisation": _ratio(overall),
        "rag": rag_label(rag(overall.value, target), lang),
        "note": _reason([overall], lang),
    }
    return VarianceTables(
        rows=pd.DataFrame(rows, columns=list(header)).rename(columns=header),
        total=pd.DataFrame([total_row], columns=list(header)).rename(columns=header),
    )


def variance_header(by: str, lang: str, *, currency: str = DEFAULT_CURRENCY) -> dict[str, str]:
    return {
        "name": translate(f"budget.group.{by}", lang),
        "planned": money_header(translate("budget.col.planned", lang), lang, currency=currency),
        "actual": money_header(translate("budget.col.actual", lang), lang, currency=currency),
        "variance": translate("budget.col.variance", lang, currency=currency_symbol(currency, lang)),
        "variance_pct": translate("budget.col.variance_pct", lang),
        "realisation": translate("budget.col.realisation", lang),
        "rag": translate("budget.col.rag", lang),
        "note": translate("budget.col.note", lang),
    }


# Display formats of numeric columns (st.column_config.NumberColumn): whole amounts grouped
# as the app's language groups them (i18n.format.money_column_pattern: `1.234.567` in Dutch
# in any browser), the currency's symbol in the column header (`Begroot (€)`), so a negative
# amount reads `-855` in both languages; "percent" is formatted by the browser in its language,
# `step` fixing one decimal. A missing figure (NaN) shows as an empty cell.
PERCENT_FORMAT = {"format": "percent", "step": 0.001}


def money_format(lang: str) -> dict[str, object]:
    """NumberColumn keyword arguments for whole amounts in `lang`."""
    return {"format": money_column_pattern(lang), "step": 1.0}


def money_header(text: str, lang: str, *, currency: str = DEFAULT_CURRENCY) -> str:
    """A money column's header with the currency's symbol: `Begroot (€)`, `Planned (CHF)`."""
    return f"{text} ({currency_symbol(currency, lang)})"


def variance_column_formats(
    by: str, lang: str, *, currency: str = DEFAULT_CURRENCY
) -> dict[str, dict[str, object]]:
    """Column header -> NumberColumn keyword arguments for `variance_rows`' tables."""
    header = variance_header(by, lang, currency=currency)
    money_cells = money_format(lang)
    return {
        header["planned"]: money_cells,
        header["actual"]: money_cells,
        header["variance"]: money_cells,
        header["variance_pct"]: PERCENT_FORMAT,
        header["realisation"]: PERCENT_FORMAT,
    }


def earned_value_rows(
    table: pd.DataFrame,
    *,
    names: dict[str, str],
    lang: str,
    cpi_target: Target,
    spi_target: Target,
    portfolio: EarnedValue | None = None,
    currency: str = DEFAULT_CURRENCY,
) -> pd.DataFrame:
    """kpis.budget.earned_value_table as text: one row per project, then the portfolio row."""
    header = {
        "project": translate("budget.group.project", lang),
        "status": translate("budget.col.status", lang),
        "pct_complete": translate("budget.col.pct_complete", lang),
        "bac": "BAC",
        "pv": "PV",
        "ev": "EV",
        "ac": "AC",
        "cpi": "CPI",
        "spi": "SPI",
        "eac": "EAC",
        "vac": "VAC",
        "note": translate("budget.col.note", lang),
    }
    targets = (cpi_target, spi_target)
    rows = [
        _ev_row(
            f"{code} · {names.get(code, '')}".rstrip(" ·"),
            translate(f"status.{status}", lang),
            figures,
            lang,
            targets,
            currency,
        )
        for code, status, figures in zip(table["project"], table["status"], table["ev_figures"], strict=True)
    ]
    if portfolio is not None:
        rows.append(_ev_row(translate("budget.portfolio", lang), "", portfolio, lang, targets, currency))
    return pd.DataFrame(rows, columns=list(header)).rename(columns=header)


def _ev_row(
    label: str,
    status: str,
    figures: EarnedValue,
    lang: str,
    targets: tuple[Target, Target],
    currency: str = DEFAULT_CURRENCY,
) -> dict[str, str]:
    pct_complete = figures.pct_complete
    return {
        "project": label,
        "status": status,
        "pct_complete": translate("kpi.na", lang)
        if pct_complete is None
        else format_number(pct_complete, lang, decimals=1) + "%",
        "bac": money(figures.bac, lang, currency=currency),
        "pv": money(figures.pv, lang, currency=currency),
        "ev": kpi_text(figures.ev, lambda x: money(x, lang, currency=currency), lang),
        "ac": money(figures.ac, lang, currency=currency),
        "cpi": _index_with_rag(figures.cpi, targets[0], lang),
        "spi": _index_with_rag(figures.spi, targets[1], lang),
        "eac": kpi_text(figures.eac, lambda x: money(x, lang, currency=currency), lang),
        "vac": kpi_text(figures.vac, lambda x: money(x, lang, currency=currency), lang),
        "note": _reason([figures.ev, figures.cpi, figures.spi, figures.eac], lang),
    }


def _index_with_rag(value: KpiValue, target: Target, lang: str) -> str:
    if not value.available:
        return translate("kpi.na", lang)
    return f"{RAG_SYMBOLS[rag(value.value, target)]} {index_text(value.value, lang)}"


def drift_rows(
    drift: pd.DataFrame,
    *,
    department_names: dict[str, str],
    project_names: dict[str, str] | None,
    lang: str,
    target: Target,
    currency: str = DEFAULT_CURRENCY,
) -> pd.DataFrame:
    """kpis.budget.funding_drift (or the portfolio table, without `project`) for display: the
    amount and the shares as numbers (formatted by `drift_column_formats`, so they sort by
    value; a share that cannot be measured is empty), the drift and its status as text."""
    # The drift and its rating right after whose they are: at 1280 pixels, after the amount and
    # both shares, the rating was out of sight in the per-project table. The drift's header is
    # short; its cells carry the unit ("+1,4 pp"), the chart's axis keeps the words.
    header = {
        "project": translate("budget.group.project", lang),
        "department": translate("budget.group.department", lang),
        "drift_pp": translate("budget.col.drift_short", lang),
        "rag": translate("budget.col.rag", lang),
        "actual_share": translate("budget.col.actual_share", lang),
        "agreed_share": translate("budget.col.agreed_share", lang),
        "actual": money_header(translate("budget.col.actual_to_date", lang), lang, currency=currency),
        "note": translate("budget.col.note", lang),
    }
    if project_names is None:
        header.pop("project")
    rows = []
    for record in drift.to_dict("records"):
        drift_value: KpiValue = record["drift_pp"]
        row = {
            "department": department_names.get(record["department"], record["department"]),
            "actual": float(record["actual"]),
            "actual_share": _ratio(record["actual_share"]),
            "agreed_share": float(record["agreed_share"]),
            "drift_pp": kpi_text(drift_value, lambda x: points(x, lang), lang),
            "rag": rag_label(rag(abs(drift_value.value), target) if drift_value.available else None, lang),
            "note": translate("budget.drift.flagged", lang)
            if record["flagged"]
            else _reason([drift_value], lang),
        }
        if project_names is not None:
            code = record["project"]
            row["project"] = f"{code} · {project_names.get(code, '')}".rstrip(" ·")
        rows.append(row)
    return pd.DataFrame(rows, columns=list(header)).rename(columns=header)


def drift_column_formats(lang: str, *, currency: str = DEFAULT_CURRENCY) -> dict[str, dict[str, object]]:
    """Column header -> NumberColumn keyword arguments for `drift_rows`' tables."""
    return {
        money_header(translate("budget.col.actual_to_date", lang), lang, currency=currency): money_format(
            lang
        ),
        translate("budget.col.actual_share", lang): PERCENT_FORMAT,
        translate("budget.col.agreed_share", lang): PERCENT_FORMAT,
    }
