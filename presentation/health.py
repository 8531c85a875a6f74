"""The Alignment health page model as text in one language: values, rules, levels, the
reading, and the tables and chart frames the page and the meeting pack show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from domain.maturity import HIGHER, MeasureRule
from i18n import translate
from i18n.format import format_month, format_number, format_pct
from kpis.maturity import NO_DATA, CriterionScore, Profile, profile_table
from kpis.trust_delivery import DELIVERY, DIRECTION_COLUMNS

if TYPE_CHECKING:  # the page model, read here, is built in services/
    from services.health_page import HealthView


def value_text(value: float | None, unit: str, lang: str) -> str:
    """A measure's value or threshold as the page shows it: ratios as %, the rest as numbers."""
    if value is None or pd.isna(value):
        return translate("health.level.none", lang)
    if unit == "ratio":
        return format_pct(value, lang)
    return format_number(value, lang, decimals=1 if unit != "count" or not float(value).is_integer() else 0)


def rule_text(rule: MeasureRule, lang: str) -> str:
    """The thresholds to levels 2–5 with their direction: `≥ 40 · 50 · 60 · 70` or `≤ 15 · 10 · 6 · 3`."""
    if rule.direction == HIGHER:
        return "≥ " + " · ".join(value_text(v, rule.unit, lang) for v in rule.thresholds)
    return "≤ " + " · ".join(value_text(v, rule.unit, lang) for v in reversed(rule.thresholds))


def level_text(level: int | None, lang: str) -> str:
    return (
        translate("health.level", lang, level=level)
        if level is not None
        else translate("health.level.none", lang)
    )


def overall_text(profile: Profile, lang: str) -> str:
    """One sentence: the overall level, the weakest criteria and the confidence."""
    if profile.level is None:
        return translate("health.overall.none", lang)
    return translate(
        "health.overall",
        lang,
        level=profile.level,
        weakest=", ".join(translate(f"health.criterion.{code}", lang) for code in profile.weakest),
        confidence=translate(f"health.confidence.{profile.confidence}", lang),
    )


def reading_texts(view: HealthView, lang: str) -> list[str]:
    """The plain-language reading of trust beside delivery, formatted for `lang`."""
    texts = []
    for key, params in view.reading:
        shown = dict(params)
        if "measure" in shown:
            shown["measure"] = translate(f"health.td.{shown['measure']}", lang)
        for name in ("r", "low", "high"):
            if name in shown:
                shown[name] = format_number(shown[name], lang, decimals=2)
        if "change" in shown:
            shown["change"] = format_number(shown["change"], lang, decimals=1)
        texts.append(translate(key, lang, **shown))
    return texts


@dataclass(frozen=True)
class TrustDeliveryFrames:
    """The two panels of trust beside delivery in long form (wave, series, value), with the
    wave labels in order and the table of figures, all translated for one language."""

    waves: list[str]
    trust: pd.DataFrame
    delivery: pd.DataFrame
    figures: pd.DataFrame


def trust_delivery_frames(
    view: HealthView, lang: str, department_names: Mapping[str, str]
) -> TrustDeliveryFrames:
    """`view.trust_delivery` and `view.directions` as the chart and its table show them."""
    table = view.trust_delivery
    waves = [
        f"{code} ({format_month(day, lang, short=True)})"
        for code, day in zip(table["wave_code"], table["month"], strict=True)
    ]
    wave_of = dict(zip(table["wave_id"], waves, strict=True))
    directions = view.directions if not view.directions.empty else pd.DataFrame(columns=DIRECTION_COLUMNS)
    trust = pd.concat(
        [
            pd.DataFrame(
                {"wave": waves, "series": translate("health.td.trust", lang), "value": table["trust"]}
            ),
            pd.DataFrame(
                {
                    "wave": [wave_of[wave] for wave in directions["wave_id"]],
                    "series": [
                        translate(
                            "health.td.direction",
                            lang,
                            rater=department_names.get(rater, rater),
                            rated=department_names.get(rated, rated),
                        )
                        for rater, rated in zip(directions["rater"], directions["rated"], strict=True)
                    ],
                    "value": directions["index"],
                }
            ),
        ],
        ignore_index=True,
    ).dropna(subset=["value"])
    delivery = pd.concat(
        [
            pd.DataFrame({"wave": waves, "series": translate(f"health.td.{m}", lang), "value": table[m]})
            for m in DELIVERY
        ],
        ignore_index=True,
    ).dropna(subset=["value"])
    figures = pd.DataFrame(
        {
            translate("health.td.wave", lang): waves,
            translate("health.td.trust", lang): [format_number(v, lang, decimals=1) for v in table["trust"]],
            **{
                translate(f"health.td.{m}", lang): [format_number(v, lang, decimals=2) for v in table[m]]
                for m in DELIVERY
            },
        }
    )
    return TrustDeliveryFrames(waves=waves, trust=trust, delivery=delivery, figures=figures)


def profile_figures(view: HealthView, lang: str) -> pd.DataFrame:
    """Every measure of the as-of month's profile as text: criterion, its level and
    confidence, measure, value, level and rule (the pack's table and workbook sheet)."""
    rows = []
    for score in view.profile.criteria:
        for measure in score.measures:
            rows.append(
                {
                    translate("health.col.criterion", lang): translate(
                        f"health.criterion.{score.criterion}", lang
                    ),
                    translate("health.col.level", lang): level_text(score.level, lang),
                    translate("health.col.confidence", lang): translate(
                        f"health.confidence.{score.confidence}", lang
                    ),
                    translate("health.col.measure", lang): translate(
                        f"health.measure.{measure.rule.code}", lang
                    ),
                    translate("health.col.value", lang): value_text(
                        measure.value.value, measure.rule.unit, lang
                    )
                    if measure.value.available
                    else translate(measure.value.reason or NO_DATA, lang),
                    translate("health.col.rule", lang): rule_text(measure.rule, lang),
                }
            )
    return pd.DataFrame(rows)


def measure_table(score: CriterionScore, lang: str) -> pd.DataFrame:
    """The figures behind one criterion: measure, value (or why there is none), level, the
    thresholds and their direction, one row per measure."""
    return pd.DataFrame(
        {
            translate("health.col.measure", lang): [
                translate(f"health.measure.{m.rule.code}", lang) for m in score.measures
            ],
            translate("health.col.value", lang): [
                value_text(m.value.value, m.rule.unit, lang)
                if m.value.available
                else translate(m.value.reason or NO_DATA, lang)
                for m in score.measures
            ],
            translate("health.col.level", lang): [
                format_number(m.level, lang) if m.level is not None else "–" for m in score.measures
            ],
            translate("health.col.rule", lang): [rule_text(m.rule, lang) for m in score.measures],
            translate("health.col.direction", lang): [
                translate(f"health.direction.{m.rule.direction}", lang) for m in score.measures
            ],
        }
    )


def levels_table(view: HealthView, lang: str) -> pd.DataFrame:
    """The radar's figures: each criterion's level now and a year earlier, and its confidence."""
    profile = profile_table(view.profile, view.earlier)
    return pd.DataFrame(
        {
            translate("health.col.criterion", lang): [
                translate(f"health.criterion.{code}", lang) for code in profile["criterion"]
            ],
            format_month(view.as_of, lang): [level_text(level, lang) for level in profile["level"]],
            format_month(view.year_earlier, lang): [
                level_text(None if pd.isna(level) else int(level), lang) for level in profile["earlier_level"]
            ],
            translate("health.col.confidence", lang): [
                translate(f"health.confidence.{key}", lang) for key in profile["confidence"]
            ],
        }
    )


def criterion_label(view: HealthView, criterion: str, lang: str) -> str:
    """`Communications: Level 3 · high`: a criterion's level and confidence in one line."""
    score = view.profile.criterion(criterion)
    return (
        f"{translate(f'health.criterion.{criterion}', lang)}: {level_text(score.level, lang)}"
        f" · {translate(f'health.confidence.{score.confidence}', lang)}"
    )


def confidence_line(view: HealthView, criterion: str, lang: str) -> str:
    """How many measures had data, and the level a year earlier."""
    score, earlier = view.profile.criterion(criterion), view.earlier.criterion(criterion)
    return (
        translate(
            "health.confidence",
            lang,
            confidence=translate(f"health.confidence.{score.confidence}", lang),
            measured=score.measured,
            total=len(score.measures),
        )
        + f" · {format_month(view.year_earlier, lang)}: {level_text(earlier.level, lang)}"
    )
