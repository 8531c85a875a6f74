"""Charts to PNG without a browser or network (vl-convert renders Vega-Lite offline)."""

from __future__ import annotations

import struct
import threading
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

import altair as alt
import vl_convert

from charts.theme import vega_locale
from reports.content import PackChart

# The languages whose conventions vl-convert is given (charts.theme's, as on screen).
LOCALES = {"nl": "nl-NL", "en": "en-GB"}
# 1.5 × the chart's 860 px: about 110 dpi across a slide or an A4 page, sharp when
# projected or zoomed in, and half the pixels (and time in the PDF) of 2 ×.
PRINT_SCALE = 1.5


WARM_UP_SPEC = '{"mark": "point", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a", "type": "quantitative"}}}'
_warm_up_lock = threading.Lock()
_warm_up_thread: threading.Thread | None = None


def start_warm_up() -> threading.Thread:
    """Start vl-convert's JavaScript engine on a background thread, once per process.

    Its first conversion takes a second or more (several on a busy machine); vl-convert
    releases the GIL meanwhile, so the pack's queries and imports run alongside it.
    """
    global _warm_up_thread
    with _warm_up_lock:
        if _warm_up_thread is None:
            _warm_up_thread = threading.Thread(
                target=lambda: vl_convert.vegalite_to_png(WARM_UP_SPEC, allowed_base_urls=[]),
                name="vl-convert-warm-up",
                daemon=True,
            )
            _warm_up_thread.start()
        return _warm_up_thread


@lru_cache(maxsize=32)
def _png_from_spec(spec: str, scale: float, lang: str, currency: str = "EUR") -> bytes:
    locale = vega_locale(lang, currency=currency)
    return vl_convert.vegalite_to_png(
        spec,
        scale=scale,
        format_locale=locale["number"],
        time_format_locale=locale["time"],
        allowed_base_urls=[],
    )


def chart_png(
    chart: alt.TopLevelMixin, *, lang: str = "nl", scale: float = PRINT_SCALE, currency: str = "EUR"
) -> bytes:
    """The chart as PNG bytes, numbers and month names in `lang`'s convention, amounts in
    `currency` (ISO 4217).

    No external URL may be fetched (the data is inline). The same spec rendered twice is
    rendered once per process.
    """
    return _png_from_spec(chart.to_json(), scale, lang if lang in LOCALES else "nl", currency)


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def render_charts(charts: Sequence[PackChart], *, lang: str, currency: str = "EUR") -> list[PackChart]:
    """The charts with their PNG rendered, once for the slides and the PDF together.

    One after the other (measured: threads gain nothing, vl-convert has one engine).
    """
    start_warm_up().join()
    return [replace(item, png=chart_png(item.chart, lang=lang, currency=currency)) for item in charts]


def png_of(item: PackChart, *, lang: str, currency: str = "EUR") -> bytes:
    """The chart's PNG: the one rendered with the pack, else rendered now."""
    return item.png or chart_png(item.chart, lang=lang, currency=currency)
