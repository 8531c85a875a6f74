"""A chart's text alternative, derived from the chart itself (pure; no Streamlit).

`describe_chart` reads the Vega-Lite specification (title, and the title of every
positional axis in every layer or sub-chart) and writes one sentence, e.g. "Chart: Budget per
month. Horizontal: Month. Vertical: Amount (EUR)." ui.charts.show_chart puts it in the
chart's `description`, which Vega gives to screen readers as the chart's label.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from i18n import translate


def _title(value: Any) -> str:
    if isinstance(value, Mapping):
        value = value.get("text", "")
    if isinstance(value, list):
        value = " ".join(str(part) for part in value)
    return str(value or "").strip()


def _units(spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for part in spec.get(key, []) or []:
            if isinstance(part, Mapping):
                yield from _units(part)
    if isinstance(spec.get("spec"), Mapping):
        yield from _units(spec["spec"])


def _axis_titles(spec: Mapping[str, Any], channel: str) -> list[str]:
    titles: list[str] = []
    for unit in _units(spec):
        encoding = unit.get("encoding") or {}
        title = _title((encoding.get(channel) or {}).get("title")) if isinstance(encoding, Mapping) else ""
        if title and title not in titles:
            titles.append(title)
    return titles


def describe_chart(spec: Mapping[str, Any], *, lang: str) -> str:
    """One sentence naming the chart's title and what its axes show."""
    titles = [_title(unit.get("title")) for unit in _units(spec)]
    title = next((text for text in titles if text), "")
    parts = [translate("chart.described", lang, title=title) if title else translate("chart.untitled", lang)]
    for channel, key in (("x", "chart.horizontal"), ("y", "chart.vertical")):
        axis = _axis_titles(spec, channel)
        if axis:
            parts.append(translate(key, lang, titles=", ".join(axis)))
    return " ".join(parts)
