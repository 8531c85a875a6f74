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


def sparkline_points(
    trend: tuple[float | None, ...], *, domain: tuple[float, float] | None
) -> list[tuple[float, float]] | None:
    """The known months as (x, y) in the SVG's box (y down), or None without two known
    values. Months keep their place, a missing one is a gap the line spans; the y-axis is
    `domain` (values outside are drawn at its edge) or the values' own range."""
    known = [(index, value) for index, value in enumerate(trend) if value is not None]
    if len(known) < 2:
        return None
    low, high = domain if domain is not None else (min(v for _, v in known), max(v for _, v in known))
    span_x = (WIDTH - 2 * PAD_X) / (len(trend) - 1)
    inner = HEIGHT - 2 * PAD_Y

    def y(value: float) -> float:
        if high <= low:
            return HEIGHT / 2
        share = min(max((value - low) / (high - low), 0.0), 1.0)
        return PAD_Y + (1.0 - share) * inner

    return [(PAD_X + index * span_x, y(value)) for index, value in known]


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
