"""The Overview's sparklines, drawn as SVG: gaps stay gaps, months keep their place, the status
colour is drawn, the axis is the tile's domain, one known value draws nothing, and the image
carries its alternative text."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import pytest

from charts.overview import (
    HEIGHT,
    HEX,
    PAD_X,
    PAD_Y,
    WIDTH,
    sparkline_html,
    sparkline_points,
    sparkline_svg,
    trend_shares,
)
from charts.theme import MUTED, RAG_COLORS

SVG = "{http://www.w3.org/2000/svg}"


def _paths(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg"
    return root.findall(f"{SVG}path")


def _coordinates(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"[ML](-?[\d.]+) (-?[\d.]+)", d)]


def test_gaps_are_left_out_and_months_keep_their_place() -> None:
    points = sparkline_points((10.0, None, 12.0, 11.0), domain=(0.0, 20.0))
    assert points is not None
    step = (WIDTH - 2 * PAD_X) / 3
    assert [x for x, _ in points] == pytest.approx([PAD_X, PAD_X + 2 * step, PAD_X + 3 * step])
    inner = HEIGHT - 2 * PAD_Y
    assert [y for _, y in points] == pytest.approx(
        [PAD_Y + 0.5 * inner, PAD_Y + 0.4 * inner, PAD_Y + 0.45 * inner]
    )


def test_the_axis_is_the_domain_or_the_values_range() -> None:
    own = sparkline_points((1.0, 3.0, 2.0), domain=None)
    assert own is not None
    assert [y for _, y in own] == pytest.approx([HEIGHT - PAD_Y, PAD_Y, HEIGHT / 2])  # lowest at the bottom
    flat = sparkline_points((5.0, 5.0), domain=None)
    assert flat is not None and [y for _, y in flat] == [HEIGHT / 2, HEIGHT / 2]
    outside = sparkline_points((-5.0, 50.0), domain=(0.0, 10.0))
    assert outside is not None and [y for _, y in outside] == pytest.approx([HEIGHT - PAD_Y, PAD_Y])


def test_the_line_and_its_points_in_the_status_colour() -> None:
    svg = sparkline_svg((10.0, None, 12.0, 11.0), domain=(0.0, 20.0), colour="orange")
    assert svg is not None
    line, dots = _paths(svg)
    expected = sparkline_points((10.0, None, 12.0, 11.0), domain=(0.0, 20.0))
    assert expected is not None
    drawn = [value for point in _coordinates(line.get("d", "")) for value in point]
    assert drawn == pytest.approx([value for point in expected for value in point], abs=0.005)
    assert dots.get("d", "").count("h0") == 3  # one round dot per known month
    assert line.get("stroke") == dots.get("stroke") == RAG_COLORS["amber"]
    assert line.get("vector-effect") == "non-scaling-stroke"


def test_colour_names_and_an_unknown_one() -> None:
    assert HEX["green"] == RAG_COLORS["green"] and HEX["red"] == RAG_COLORS["red"]
    svg = sparkline_svg((1.0, 2.0), domain=None, colour="purple")
    assert svg is not None and {path.get("stroke") for path in _paths(svg)} == {MUTED}


def test_fewer_than_two_known_values_draw_nothing() -> None:
    assert sparkline_svg((), domain=None, colour="green") is None
    assert sparkline_svg((None, 5.0, None), domain=None, colour="green") is None
    assert sparkline_html((None, 5.0), domain=None, colour="green", label="x") is None


def test_the_image_carries_the_svg_and_its_text_as_text() -> None:
    label = 'Trend of "R&D" <b>over</b> 6 months'
    html = sparkline_html((3.0, 4.0, 2.5), domain=(0.0, 5.0), colour="green", label=label)
    assert html is not None
    source = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert source is not None
    assert base64.b64decode(source.group(1)).decode() == sparkline_svg(
        (3.0, 4.0, 2.5), domain=(0.0, 5.0), colour="green"
    )
    assert 'alt="Trend of &quot;R&amp;D&quot; &lt;b&gt;over&lt;/b&gt; 6 months"' in html
    assert "<b>" not in html


def test_shares_leave_out_missing_and_non_finite_months_for_screen_and_pack() -> None:
    # One geometry for the Overview's images and the pack's slides and PDF.
    assert trend_shares((1.0, float("nan"), None, 3.0)) == [(0.0, 0.0), (1.0, 1.0)]
    assert trend_shares((2.0, 2.0, 2.0)) == [(0.0, 0.5), (0.5, 0.5), (1.0, 0.5)]
    assert trend_shares((float("inf"), 4.0)) is None
