"""A KPI tile's texts (label, value, delta, help, badge, caption) in a language, pure.

`ui.metrics.kpi_metric` draws one; the page models hold them, so a test reads the value a
page shows without running the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.targets import Rag
from i18n import translate
from kpis.common import KpiValue


@dataclass(frozen=True)
class Metric:
    """What one metric tile shows: `value` is the formatted figure (or "n/a"), `badge` the
    RAG status drawn under it (none when None), `caption` the line below (the reason when n/a)."""

    label: str
    value: str
    help: str | None = None
    delta: str | None = None
    delta_color: str = "normal"
    badge: Rag | None = None
    caption: str | None = None


def kpi_metric_text(
    label: str,
    kpi: KpiValue,
    formatter: Callable[[float], str],
    lang: str,
    *,
    help_text: str | None = None,
    delta: str | None = None,
    badge: Rag | None = None,
    detail: str | None = None,
    delta_color: str = "normal",
) -> Metric:
    """`kpi` as a tile: its formatted value, delta and `detail` when available, else "n/a"
    with the reason why as the caption (no delta)."""
    if not kpi.available:
        return Metric(
            label,
            translate("kpi.na", lang),
            help=help_text,
            delta_color=delta_color,
            badge=badge,
            caption=translate(kpi.reason, lang),
        )
    return Metric(
        label,
        formatter(kpi.value),
        help=help_text,
        delta=delta,
        delta_color=delta_color,
        badge=badge,
        caption=detail or None,
    )
