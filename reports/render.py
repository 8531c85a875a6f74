"""Charts to PNG without a browser or network (vl-convert renders Vega-Lite offline)."""

from __future__ import annotations

import struct
from functools import lru_cache

import altair as alt
import vl_convert

LOCALES = {"nl": "nl-NL", "en": "en-GB"}


@lru_cache(maxsize=32)
def _png_from_spec(spec: str, scale: float, locale: str) -> bytes:
    return vl_convert.vegalite_to_png(
        spec, scale=scale, format_locale=locale, time_format_locale=locale, allowed_base_urls=[]
    )


def chart_png(chart: alt.TopLevelMixin, *, lang: str = "nl", scale: float = 2.0) -> bytes:
    """The chart as PNG bytes, numbers and month names in `lang`'s convention.

    No external URL may be fetched (the data is inline). The same spec rendered twice is
    rendered once per process.
    """
    return _png_from_spec(chart.to_json(), scale, LOCALES.get(lang, LOCALES["nl"]))


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)
