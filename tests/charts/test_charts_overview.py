"""The Overview's sparklines, built directly: gaps stay gaps, the status colour is drawn, the
axis keeps the tile's domain and the months' positions, and one known value draws nothing."""

from __future__ import annotations

import altair as alt

from charts.overview import HEX, sparkline_spec
from charts.theme import MUTED, RAG_COLORS


def test_gaps_are_left_out_and_months_keep_their_place() -> None:
    spec = sparkline_spec((10.0, None, 12.0, 11.0), domain=(0.0, 20.0), colour="orange")
    assert spec is not None
    assert spec["data"]["values"] == [{"i": 0, "v": 10.0}, {"i": 2, "v": 12.0}, {"i": 3, "v": 11.0}]
    assert spec["encoding"]["x"]["scale"]["domain"] == [0, 3]
    assert spec["encoding"]["y"]["scale"] == {"zero": False, "domain": [0.0, 20.0]}
    assert spec["mark"]["color"] == spec["mark"]["point"]["color"] == RAG_COLORS["amber"]


def test_colour_names_and_an_unknown_one() -> None:
    assert HEX["green"] == RAG_COLORS["green"] and HEX["red"] == RAG_COLORS["red"]
    spec = sparkline_spec((1.0, 2.0), domain=None, colour="purple")
    assert spec is not None and spec["mark"]["color"] == MUTED
    assert "domain" not in spec["encoding"]["y"]["scale"]


def test_fewer_than_two_known_values_draw_nothing() -> None:
    assert sparkline_spec((), domain=None, colour="green") is None
    assert sparkline_spec((None, 5.0, None), domain=None, colour="green") is None


def test_the_spec_is_valid_vega_lite() -> None:
    spec = sparkline_spec((3.0, 4.0, 2.5), domain=(0.0, 5.0), colour="green")
    chart = alt.Chart.from_dict(spec)  # validates against the Vega-Lite schema
    assert chart.to_dict()["mark"]["type"] == "line"
