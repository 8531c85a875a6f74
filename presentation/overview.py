"""Texts of the single view in a language: the same strings on screen and in the meeting pack.

Pure (no Streamlit): takes a SingleView and a language, returns display texts, so the
Overview and the exported pack cannot disagree on a figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd

from domain.targets import Target
from i18n import translate
from i18n.format import (
    DEFAULT_CURRENCY,
    NOT_AVAILABLE,
    format_day,
    format_fiscal_year,
    format_money_compact,
    format_number,
    format_pct,
    format_signed,
)
from kpis.exceptions import ExceptionItem
from kpis.projects import label_code_list
from kpis.survey_stats import OVERALL

if TYPE_CHECKING:  # the Overview's model, read here, is built in services/
    from services.single_view_model import SingleView, Tile

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
# KPIs on the 0–100 trust index scale: their changes are in index points.
INDEX_POINT_CODES = {"trust_index", "perception_gap"}

# The one status language: a RAG status and the colour name Streamlit draws it in
# (st.badge, st.metric's delta). Gray is "no status" / "not meaningful".
STATUS_COLOURS = {"green": "green", "amber": "orange", "red": "red", None: "gray"}
NEUTRAL = "gray"


# Where a long Dutch compound in a tile title may break on a narrow screen (a soft hyphen):
# at the compound's seam, never mid-word. Only the screen uses these (see `screen_title`).
TITLE_BREAKS = {
    "Budgetrealisatie": "Budget\u00adrealisatie",
    "Financieringsbalans": "Financierings\u00adbalans",
    "Vertrouwensindex": "Vertrouwens\u00adindex",
}


def screen_title(name: str) -> str:
    """A tile title for the screen: long compounds get a soft hyphen at their seam."""
    return TITLE_BREAKS.get(name, name)


@dataclass(frozen=True)
class TileColours:
    """The colours of one tile, all decided here: `badge` (the status against target),
    `line` (the sparkline) and `change` (the change text and its arrow)."""

    badge: str
    line: str
    change: str


def tile_colours(rag: str | None, *, change_meaningful: bool) -> TileColours:
    """Colour means status against target, everywhere on a tile.

    The badge and the sparkline take the status colour (gray without a status); the change
    takes the status colour too, but only when it is meaningful (see `change_meaningful`),
    else it is neutral gray. The month-on-month direction never picks a colour: a rise of a
    red KPI is still red, a fall of a green one still green.
    """
    status = STATUS_COLOURS[rag]
    return TileColours(badge=status, line=status, change=status if change_meaningful else NEUTRAL)


def change_meaningful(tile: Tile, shown: str | None) -> bool:
    """Whether a tile's change says something: available, non-zero at the precision shown
    (`shown` is `change_text`'s result) and, for the trust index, statistically significant
    against the previous wave."""
    if shown is None or not tile.change.available or shown.startswith("±"):
        return False
    if tile.code == "trust_index":
        return tile.note is not None and tile.note[0] == "single.note.trust_significant"
    return True


# The smallest y-span of a sparkline, as a share of the target band (|green − amber|) or,
# without a target, of the value's magnitude: noise of 0.003 on 61.2 stays flat.
MIN_SPAN_OF_BAND = 2.0
MIN_SPAN_OF_VALUE = 0.1


def trend_domain(
    values: tuple[float | None, ...], *, band: float | None = None
) -> tuple[float, float] | None:
    """The y-axis of a sparkline: the data's range widened, around its middle, to at least
    MIN_SPAN_OF_BAND × `band` (the distance between the green and amber thresholds), or to
    MIN_SPAN_OF_VALUE × the largest |value| without a band. None without data."""
    known = [value for value in values if value is not None]
    if not known:
        return None
    low, high = min(known), max(known)
    floor = MIN_SPAN_OF_BAND * abs(band) if band else MIN_SPAN_OF_VALUE * max(abs(low), abs(high))
    span = max(high - low, floor, 1e-9)
    middle = (low + high) / 2.0
    return middle - span / 2.0, middle + span / 2.0


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
    colours: TileColours = TileColours(NEUTRAL, NEUTRAL, NEUTRAL)
    domain: tuple[float, float] | None = None  # the sparkline's y-axis (see trend_domain)


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
        # Index points, said short so the change fits a tile on a projector; the tile's
        # help says they are points on the 0–100 index scale, not percentage points.
        unit = "" if tile.code == "cpi" else " " + translate("unit.points", lang)
        amount = format_signed(tile.change.value, lang, decimals=decimals, suffix=unit)
    return amount.replace("−", "-", 1)


def _detail_values(
    key: str, values: dict, lang: str, names: dict[str, str] | None = None, currency: str = DEFAULT_CURRENCY
) -> dict[str, object]:
    shown: dict[str, object] = {}
    for name, value in values.items():
        if name in {"a", "b"} and isinstance(value, str) and names:
            shown[name] = names.get(value, value)
        elif name in {"actual", "planned", "forecast", "year_budget", "run_rate"}:
            shown[name] = (
                format_money_compact(value, lang, currency=currency) if value is not None else _na(lang)
            )
        elif name == "forecast_ratio":
            shown[name] = format_pct(value, lang, decimals=0) if value is not None else _na(lang)
        elif name in {"spi_rag", "forecast_rag"} and not value:
            shown[name] = translate("rag.none", lang)
        elif name == "forecast_rag":
            shown[name] = translate(f"rag.{value}", lang)
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


def _help(tile: Tile, lang: str) -> str:
    """The tile's help: the catalogue's name, definition and formula; for the trust index
    also the test behind "significant" (the statistics stay off the tile itself)."""
    text = (
        translate(f"catalogue.{tile.code}.name", lang)
        + ": "
        + translate(f"catalogue.{tile.code}.definition", lang)
        + " "
        + translate(f"catalogue.{tile.code}.formula", lang)
    )
    if tile.note is not None and tile.note[0].startswith("single.note.trust_"):
        p_value = tile.note[1].get("p")
        text += " " + translate(
            "single.help.trust_test",
            lang,
            p=format_number(p_value, lang, decimals=3) if p_value is not None else _na(lang),
        )
    if tile.code in INDEX_POINT_CODES:
        text += " " + translate("single.help.index_points", lang)
    return text


def _band(tile: Tile, targets: dict[str, Target] | None) -> float | None:
    target = (targets or {}).get(tile.code)
    return abs(target.green - target.amber) if target is not None else None


def tile_text(
    tile: Tile,
    lang: str,
    *,
    department_names: dict[str, str] | None = None,
    targets: dict[str, Target] | None = None,
    currency: str = DEFAULT_CURRENCY,
) -> TileText:
    """Everything one tile shows, in `lang`. `department_names` (code → name) turns codes
    in a detail into names; `targets` sets the sparkline's minimum span (trend_domain);
    amounts are in `currency` (ISO 4217)."""
    detail = None
    if tile.value.available and tile.detail is not None:
        key, values = tile.detail
        detail = translate(key, lang, **_detail_values(key, values, lang, department_names, currency))
    elif not tile.value.available:
        detail = translate(tile.value.reason or "kpi.na", lang)
    note = None
    if tile.note is not None:
        key, values = tile.note
        note = translate(key, lang, **_detail_values(key, values, lang, currency=currency))
    change = change_text(tile, lang)
    meaningful = change_meaningful(tile, change)
    return TileText(
        code=tile.code,
        name=translate(f"single.tile.{tile.code}", lang),
        help=_help(tile, lang),
        value=value_text(tile, lang),
        change=change,
        change_is_zero=change is not None and change.startswith("±"),
        detail=detail,
        note=note,
        rag=tile.rag,
        trend=tile.trend,
        higher_is_better=tile.code not in {"budget_realisation", "perception_gap"},
        change_is_noise=tile.note is not None and tile.note[0] == "single.note.trust_not_significant",
        colours=tile_colours(tile.rag, change_meaningful=meaningful),
        domain=trend_domain(tile.trend, band=_band(tile, targets)),
    )


def tile_texts(
    view: SingleView,
    lang: str,
    *,
    department_names: dict[str, str] | None = None,
    currency: str = DEFAULT_CURRENCY,
) -> list[TileText]:
    return [
        tile_text(tile, lang, department_names=department_names, targets=view.targets, currency=currency)
        for tile in view.tiles
    ]


def shared_notes(texts: list[TileText], lang: str) -> tuple[list[TileText], list[str]]:
    """The tiles without a note that several of them carry, and each such note once, naming
    its tiles ("… Geldt voor: Gezamenlijk aandeel, Gemengde teams."): the screen says it once
    below the tiles instead of under each (the history's start was the same caption on five
    tiles). A note of one tile stays with it."""
    tiles_of: dict[str, list[str]] = {}
    for text in texts:
        if text.note:
            tiles_of.setdefault(text.note, []).append(text.name)
    shared = {note for note, names in tiles_of.items() if len(names) > 1}
    kept = [replace(text, note=None) if text.note in shared else text for text in texts]
    return kept, [
        translate("single.note.shared", lang, note=note, tiles=", ".join(tiles_of[note]))
        for note in tiles_of
        if note in shared
    ]


def _dimension_name(code: str, names: object, lang: str) -> str:
    """A survey dimension in words: the overall index, or the instrument's name (data), else its code."""
    if code == OVERALL:
        return translate("trust.dim.overall", lang)
    return str(names.get(lang, code)) if isinstance(names, dict) else code


def exception_text(
    item: ExceptionItem,
    lang: str,
    *,
    department_names: dict[str, str] | None = None,
    currency: str = DEFAULT_CURRENCY,
) -> str:
    """One line of the exceptions list in `lang`, amounts in `currency`."""
    names = department_names or {}
    project = item.project or ""
    if item.project and item.values.get("project_name"):
        project = f"{item.project} {item.values['project_name']}"
    values: dict[str, object] = {"project": project, "subject": item.subject}
    for name, value in item.values.items():
        if name in {"cpi", "spi"}:
            values[name] = format_number(value, lang, decimals=2) if value is not None else _na(lang)
        elif name in {"realisation", "ratio"}:
            values[name] = format_pct(value, lang) if value is not None else _na(lang)
        elif name in {"forecast", "year_budget"}:
            values[name] = (
                format_money_compact(value, lang, currency=currency) if value is not None else _na(lang)
            )
        elif name == "area_names":
            values["subject"] = value.get(lang, item.subject) if isinstance(value, dict) else item.subject
        elif name == "year":
            values[name] = format_fiscal_year(
                int(value), lang, start_month=int(item.values.get("fiscal_year_start_month", 1))
            )
        elif name in {"project_name", "rule", "fiscal_year_start_month"}:
            continue
        elif name == "goal":
            values["subject"] = value  # the goal's text rather than its code
        elif name in {"drift_pp", "change"}:
            values[name] = format_signed(value, lang, decimals=1)
        elif name == "p":
            continue  # the test's figures stay in the help texts, not in the line
        elif name == "due":
            values[name] = format_day(value if isinstance(value, dt.date) else None, lang)
        elif name in {"rater", "rated"}:
            values[name] = names.get(str(value), str(value))
        elif name == "owner":
            values[name] = value if value else translate("single.exception.no_owner", lang)
        elif name == "dimension":
            values[name] = _dimension_name(str(value), item.values.get("dimension_names"), lang)
        elif name == "dimension_names":
            continue
        else:
            values[name] = value
    if item.kind == "funding_drift":
        values["subject"] = names.get(item.subject, item.subject)
    if item.kind == "unmixed_team":
        values["subject"] = label_code_list(item.subject, names)
    if item.kind == "over_budget" and item.values.get("rule") == "spend":
        return translate("single.exception.over_budget_spend", lang, **values)
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


def exception_group_key(kind: str) -> str:
    """The widget key of a kind's group on the Overview: it holds whether the group is open."""
    return f"overview_exceptions_{kind}"


def exception_rest_key(kind: str) -> str:
    """The widget key of the switch that shows a kind's exceptions after its first lines as a table."""
    return f"overview_rest_{kind}"


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


# Exception kinds of the Projects page whose subject is a responsibility-area code.
AREA_SUBJECT_KINDS = frozenset({"house_rule_breach", "missing_owner", "double_owner"})


def name_exception_subjects(
    frame: pd.DataFrame,
    *,
    area_names: Mapping[str, str],
    department_names: Mapping[str, str] | None = None,
    goal_names: Mapping[tuple[str, str], str] | None = None,
) -> pd.DataFrame:
    """A copy of `collaboration_exceptions`' frame whose area subjects (ownership kinds) show the
    area's name instead of its internal code, whose missing departments (unmixed teams) their
    names when `department_names` is given, and whose late goals their text when `goal_names`
    (by project and goal code) has it."""
    goals = goal_names or {}
    subjects = [
        area_names.get(subject, subject)
        if kind in AREA_SUBJECT_KINDS
        else label_code_list(subject, department_names)
        if kind == "unmixed_team" and department_names is not None and isinstance(subject, str)
        else goals.get((project, subject), subject)
        if kind == "late_goal"
        else subject
        for kind, project, subject in zip(frame["kind"], frame["project"], frame["subject"], strict=True)
    ]
    return frame.assign(subject=subjects)
