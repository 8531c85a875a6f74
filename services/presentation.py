"""Texts of the single view in a language: the same strings on screen and in the meeting pack.

Pure (no Streamlit): takes a SingleView and a language, returns display texts, so the
Overview and the exported pack cannot disagree on a figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from i18n import translate
from i18n.format import (
    NOT_AVAILABLE,
    format_day,
    format_eur_compact,
    format_number,
    format_pct,
    format_signed,
)
from kpis.exceptions import ExceptionItem
from services.single_view import SingleView, Tile

# KPIs whose value is a share shown as a percentage; their change is in percentage points.
PERCENT_DECIMALS = {
    "budget_realisation": 1,
    "funding_balance": 0,
    "joint_share": 0,
    "mixed_teams": 0,
    "ownership_clarity": 0,
    "goals_on_time": 0,
    "follow_through": 0,
}
NUMBER_DECIMALS = {"cpi": 2, "trust_index": 1, "perception_gap": 1}


@dataclass(frozen=True)
class TileText:
    code: str
    name: str
    help: str
    value: str
    change: str | None
    detail: str | None
    note: str | None
    rag: str | None
    trend: tuple[float | None, ...]
    higher_is_better: bool
    change_is_noise: bool = False  # a trust change that is not statistically significant
    change_is_zero: bool = False  # rounds to zero: shown without an arrow colour


def _na(lang: str) -> str:
    return translate("kpi.na", lang) if lang else NOT_AVAILABLE


def value_text(tile: Tile, lang: str) -> str:
    """The tile's value as shown: a percentage, an index or points; n/a when missing."""
    if not tile.value.available:
        return _na(lang)
    if tile.code in PERCENT_DECIMALS:
        return format_pct(tile.value.value, lang, decimals=PERCENT_DECIMALS[tile.code])
    return format_number(tile.value.value, lang, decimals=NUMBER_DECIMALS.get(tile.code, 1))


def change_text(tile: Tile, lang: str) -> str | None:
    """The change since the previous month (or wave) with its unit, e.g. `-0,1 pp`; None when n/a.

    A leading ASCII minus, so that the screen's arrow points down for a fall.
    """
    if not tile.change.available:
        return None
    if tile.code in PERCENT_DECIMALS:
        amount = format_signed(tile.change.value * 100.0, lang, decimals=1, suffix=" pp")
    else:
        decimals = NUMBER_DECIMALS.get(tile.code, 1)
        unit = "" if tile.unit == "index" and tile.code == "cpi" else " " + translate("unit.points", lang)
        amount = format_signed(tile.change.value, lang, decimals=decimals, suffix=unit)
    return amount.replace("−", "-", 1)


def _detail_values(key: str, values: dict, lang: str) -> dict[str, object]:
    shown: dict[str, object] = {}
    for name, value in values.items():
        if name in {"actual", "planned"}:
            shown[name] = format_eur_compact(value, lang)
        elif name in {"balance"}:
            shown[name] = format_pct(value, lang) if value is not None else _na(lang)
        elif name in {"spi", "index_a", "index_b"}:
            shown[name] = (
                format_number(value, lang, decimals=2 if name == "spi" else 1)
                if value is not None
                else _na(lang)
            )
        elif name in {"largest", "tolerance"}:
            shown[name] = format_number(value, lang, decimals=1) if value is not None else _na(lang)
        elif name == "p":
            shown[name] = format_number(value, lang, decimals=3) if value is not None else _na(lang)
        elif name == "history_date":
            shown[name] = format_day(value, lang)
        elif name == "spi_rag":
            shown[name] = translate(f"rag.{value}", lang) if value else translate("rag.none", lang)
        else:
            shown[name] = value
    return shown


def tile_text(tile: Tile, lang: str) -> TileText:
    """Everything one tile shows, in `lang`."""
    detail = None
    if tile.value.available and tile.detail is not None:
        key, values = tile.detail
        detail = translate(key, lang, **_detail_values(key, values, lang))
    elif not tile.value.available:
        detail = translate(tile.value.reason or "kpi.na", lang)
    note = None
    if tile.note is not None:
        key, values = tile.note
        note = translate(key, lang, **_detail_values(key, values, lang))
    change = change_text(tile, lang)
    return TileText(
        code=tile.code,
        name=translate(f"single.tile.{tile.code}", lang),
        help=translate(f"catalogue.{tile.code}.name", lang)
        + ": "
        + translate(f"catalogue.{tile.code}.definition", lang)
        + " "
        + translate(f"catalogue.{tile.code}.formula", lang),
        value=value_text(tile, lang),
        change=change,
        change_is_zero=change is not None and change.startswith("±"),
        detail=detail,
        note=note,
        rag=tile.rag,
        trend=tile.trend,
        higher_is_better=tile.code not in {"budget_realisation", "perception_gap"},
        change_is_noise=tile.note is not None and tile.note[0] == "single.note.trust_not_significant",
    )


def tile_texts(view: SingleView, lang: str) -> list[TileText]:
    return [tile_text(tile, lang) for tile in view.tiles]


def exception_text(item: ExceptionItem, lang: str, *, department_names: dict[str, str] | None = None) -> str:
    """One line of the exceptions list in `lang`."""
    names = department_names or {}
    values: dict[str, object] = {"project": item.project or "", "subject": item.subject}
    for name, value in item.values.items():
        if name in {"cpi", "spi"}:
            values[name] = format_number(value, lang, decimals=2) if value is not None else _na(lang)
        elif name == "realisation":
            values[name] = format_pct(value, lang) if value is not None else _na(lang)
        elif name in {"drift_pp", "change"}:
            values[name] = format_signed(value, lang, decimals=1)
        elif name == "p":
            values[name] = format_number(value, lang, decimals=3)
        elif name == "due":
            values[name] = format_day(value if isinstance(value, dt.date) else None, lang)
        elif name in {"rater", "rated"}:
            values[name] = names.get(str(value), str(value))
        elif name == "dimension":
            values[name] = translate(f"trust.dim.{value}", lang)
        else:
            values[name] = value
    if item.kind == "funding_drift":
        values["subject"] = names.get(item.subject, item.subject)
    if item.kind == "unmixed_team":
        values["subject"] = ", ".join(
            names.get(code.strip(), code.strip()) for code in item.subject.split(",")
        )
    if item.kind == "trust_drop":
        key = (
            "single.exception.trust_drop_mirror" if "rater" in item.values else "single.exception.trust_drop"
        )
        return translate(key, lang, **values)
    return translate(f"single.exception.{item.kind}", lang, **values)


EXCEPTION_LINES_PER_KIND = 10


@dataclass(frozen=True)
class ExceptionGroup:
    """The exceptions of one kind as the Overview lists them: the first `lines` one per line
    with a link each, the `rest` in one table (hundreds of elements would slow every rerun)."""

    kind: str
    lines: list[ExceptionItem]
    rest: list[ExceptionItem]

    @property
    def count(self) -> int:
        return len(self.lines) + len(self.rest)


def exception_groups(items: list[ExceptionItem], *, per_kind: int | None = None) -> list[ExceptionGroup]:
    """`items` grouped by kind in list order, each split after `per_kind` items
    (default EXCEPTION_LINES_PER_KIND)."""
    per_kind = EXCEPTION_LINES_PER_KIND if per_kind is None else per_kind
    kinds = list(dict.fromkeys(item.kind for item in items))
    groups = []
    for kind in kinds:
        of_kind = [item for item in items if item.kind == kind]
        groups.append(ExceptionGroup(kind, of_kind[:per_kind], of_kind[per_kind:]))
    return groups
