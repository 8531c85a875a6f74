"""The Overview's sparklines: one small line per tile, in the tile's status colour, on an
axis that never turns noise into a cliff (presentation.overview.trend_domain).

They are drawn as a small inline SVG, not as Vega-Lite charts: ten Vega views were the
largest part of what the browser does for the Overview (its first render on a fresh server
took about 370 ms longer with them at 2,000 projects, bench/NOTES.md, stop 36), and a line
of six points needs no chart library. The browser scales the width to the tile; the line
and its points keep their thickness and shape (non-scaling strokes; each point is a
zero-length stroke with round caps, so it stays round however the width is scaled).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from html import escape

from charts.theme import MUTED, RAG_COLORS

# Streamlit's colour names (presentation.overview.STATUS_COLOURS) as the charts draw them.
HEX = {"green": RAG_COLORS["green"], "orange": RAG_COLORS["amber"], "red": RAG_COLORS["red"], "gray": MUTED}
HEIGHT = 44  # px, the line's box; the width is the tile's
WIDTH = 200  # viewBox units across (about the pixels of a tile at 1440 px)
PAD_X = 4.0  # room for the first and last point
PAD_Y = 4.0
LINE_WIDTH = 2
POINT_WIDTH = 4.2  # the points' diameter in px


def trend_shares(
    trend: Sequence[float | None], *, domain: tuple[float, float] | None = None
) -> list[tuple[float, float]] | None:
    """Where each known month of a trend sits in a sparkline's box, as (across, up) shares
    from 0 to 1: across by the month's place (a missing month is a gap the line spans), up on
    the axis `domain` (values outside drawn at its edge) or the values' own range (a flat
    trend in the middle). None without two known, finite values. The Overview's images and
    the pack's slides and PDF draw their lines from this."""
    known = [
        (index, value) for index, value in enumerate(trend) if value is not None and math.isfinite(value)
    ]
    if len(known) < 2:
        return None
    low, high = domain if domain is not None else (min(v for _, v in known), max(v for _, v in known))
    steps = len(trend) - 1

    def up(value: float) -> float:
        return 0.5 if high <= low else min(max((value - low) / (high - low), 0.0), 1.0)

    return [(index / steps, up(value)) for index, value in known]


def sparkline_points(
    trend: tuple[float | None, ...], *, domain: tuple[float, float] | None
) -> list[tuple[float, float]] | None:
    """The known months as (x, y) in the SVG's box (y down), or None without two known
    values (`trend_shares` placed inside the padding)."""
    shares = trend_shares(trend, domain=domain)
    if shares is None:
        return None
    return [
        (PAD_X + across * (WIDTH - 2 * PAD_X), PAD_Y + (1.0 - up) * (HEIGHT - 2 * PAD_Y))
        for across, up in shares
    ]


def sparkline_svg(
    trend: tuple[float | None, ...], *, domain: tuple[float, float] | None, colour: str
) -> str | None:
    """The sparkline as an SVG document, or None without two known values. `colour` is a
    status colour name (green, orange, red, gray)."""
    points = sparkline_points(trend, domain=domain)
    if points is None:
        return None
    stroke = HEX.get(colour, MUTED)
    line = " ".join(f"{'M' if number == 0 else 'L'}{x:.2f} {y:.2f}" for number, (x, y) in enumerate(points))
    dots = " ".join(f"M{x:.2f} {y:.2f}h0" for x, y in points)
    common = f'fill="none" stroke="{stroke}" vector-effect="non-scaling-stroke" stroke-linecap="round"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none">'
        f'<path d="{line}" {common} stroke-width="{LINE_WIDTH}" stroke-linejoin="round"/>'
        f'<path d="{dots}" {common} stroke-width="{POINT_WIDTH}"/></svg>'
    )


def sparkline_html(
    trend: tuple[float | None, ...], *, domain: tuple[float, float] | None, colour: str, label: str
) -> str | None:
    """The sparkline as an image the width of its tile, `label` its alternative text; None
    without two known values. An image, not inline SVG: st.html's sanitiser keeps HTML only."""
    svg = sparkline_svg(trend, domain=domain, colour=colour)
    if svg is None:
        return None
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    return (
        f'<img class="tile-sparkline" src="{source}" alt="{escape(label)}" '
        f'style="display:block;width:100%;height:{HEIGHT}px">'
    )
