"""The meeting pack's Alignment health pages: the maturity radar and trust beside delivery,
right after the month page, and the profile's figures as a workbook sheet."""

from __future__ import annotations

from collections.abc import Mapping

from charts.health import radar_chart, trust_delivery_chart
from domain.maturity import CRITERIA
from i18n import translate
from i18n.format import format_month
from kpis.maturity import profile_table
from kpis.trust_delivery import MIN_WAVES
from presentation.health import (
    level_text,
    overall_text,
    profile_figures,
    reading_texts,
    trust_delivery_frames,
)
from reports.content import PackChart, PackTable
from reports.pack_charts import _print_size
from services.health_page import HealthView


def _criteria_lines(view: HealthView, lang: str) -> list[str]:
    return [
        f"{translate(f'health.criterion.{code}', lang)}: {level_text(view.profile.criterion(code).level, lang)}"
        f" ({translate(f'health.confidence.{view.profile.criterion(code).confidence}', lang)});"
        f" {format_month(view.year_earlier, lang, short=True)}: {level_text(view.earlier.criterion(code).level, lang)}"
        for code in CRITERIA
    ]


def health_charts(view: HealthView, *, lang: str, department_names: Mapping[str, str]) -> list[PackChart]:
    """The radar (as-of month beside a year earlier) and, when there are waves, trust beside delivery."""
    now, earlier = format_month(view.as_of, lang), format_month(view.year_earlier, lang)
    names = {code: translate(f"health.criterion.{code}", lang) for code in CRITERIA}
    radar = radar_chart(
        profile_table(view.profile, view.earlier),
        names=names,
        series={"now": now, "earlier": earlier},
        texts={
            "title": translate("health.radar.title", lang),
            "level": translate("health.col.level", lang),
            "legend": translate("health.radar.series", lang),
            "criterion": translate("health.col.criterion", lang),
        },
    )
    overall = overall_text(view.profile, lang)
    lines = _criteria_lines(view, lang)
    charts = [
        PackChart(
            title=translate("health.pack.profile", lang),
            chart=_print_size(radar, width=440, height=315),
            note=overall,
            alt_text=f"{overall} " + " ".join(lines),
            notes="\n".join([translate("health.caption", lang, as_of=now, earlier=earlier), *lines]),
        )
    ]
    if view.trust_delivery.empty:
        return charts
    frames = trust_delivery_frames(view, lang, department_names)
    reading = " ".join(reading_texts(view, lang))
    chart = trust_delivery_chart(
        frames.trust,
        frames.delivery,
        texts={
            "title": translate("health.td.title", lang),
            "wave": translate("health.td.wave", lang),
            "index": translate("health.td.index", lang),
            "delivery": translate("health.td.delivery", lang),
            "series": translate("health.td.series", lang),
            "waves": frames.waves,
        },
    )
    charts.append(
        PackChart(
            title=translate("health.pack.trust_delivery", lang),
            chart=chart,
            note=reading,
            alt_text=reading,
            notes=translate("health.td.caption", lang, needed=MIN_WAVES),
        )
    )
    return charts


def health_table(view: HealthView, *, lang: str) -> PackTable:
    """The profile's measures with values, levels and rules (a sheet of the workbook)."""
    return PackTable(title=translate("health.pack.profile", lang), frame=profile_figures(view, lang))
