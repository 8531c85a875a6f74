"""The Overview's sparklines: one small line per tile, in the tile's status colour, on an
axis that never turns noise into a cliff (presentation.overview.trend_domain)."""

from __future__ import annotations

from charts.theme import MUTED, RAG_COLORS

# Streamlit's colour names (presentation.overview.STATUS_COLOURS) as the charts draw them.
HEX = {"green": RAG_COLORS["green"], "orange": RAG_COLORS["amber"], "red": RAG_COLORS["red"], "gray": MUTED}
HEIGHT = 44


def sparkline_spec(
    trend: tuple[float | None, ...], *, domain: tuple[float, float] | None, colour: str
) -> dict | None:
    """A Vega-Lite spec of the trend (oldest first; None months left as gaps), or None
    without two known values. `colour` is a status colour name (green, orange, red, gray)."""
    points = [{"i": index, "v": value} for index, value in enumerate(trend) if value is not None]
    if len(points) < 2:
        return None
    scale: dict = {"zero": False}
    if domain is not None:
        scale["domain"] = [domain[0], domain[1]]
    return {
        "data": {"values": points},
        "height": HEIGHT,
        "mark": {
            "type": "line",
            "point": {"size": 14, "filled": True, "color": HEX.get(colour, MUTED)},
            "strokeWidth": 2,
            "color": HEX.get(colour, MUTED),
        },
        "encoding": {
            "x": {
                "field": "i",
                "type": "quantitative",
                "axis": None,
                "scale": {"domain": [0, len(trend) - 1]},
            },
            "y": {"field": "v", "type": "quantitative", "axis": None, "scale": scale},
            "tooltip": None,
        },
        "config": {"view": {"stroke": None}},
    }
