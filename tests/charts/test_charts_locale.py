"""Charts speak the UI language: month names and number marks from the chart's locale, on
screen (config.locale in the spec) and offline (vl-convert, as in the pack)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import vl_convert

from charts.theme import vega_locale, with_locale
from charts.whatif import scenario_chart
from reports.render import chart_png, png_size
from ui.charts import vega_lite_spec


def _chart():  # type: ignore[no-untyped-def]
    months = pd.to_datetime(["2026-09-01", "2026-10-01", "2026-11-01"] * 3)
    series = pd.DataFrame(
        {
            "month": months,
            "series": ["baseline"] * 3 + ["scenario"] * 3 + ["actual"] * 3,
            "cumulative": [1.2e6, 2.5e6, 3.7e6] * 3,
        }
    )
    labels = {"baseline": "B", "scenario": "S", "actual": "A"}
    return scenario_chart(series, labels=labels, title="t", x_title="x", y_title="y", legend_title="l")


def _labels(spec: str, lang: str) -> list[str]:
    locale = vega_locale(lang)
    svg = vl_convert.vegalite_to_svg(spec, format_locale=locale["number"], time_format_locale=locale["time"])
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


@pytest.mark.parametrize(
    ("lang", "month", "money", "english_only"),
    [("nl", "okt 2026", "€\u00a01,5\u00a0mln", "Oct"), ("en", "Oct 2026", "€1.5m", "okt")],
)
def test_axes_follow_the_language(lang: str, month: str, money: str, english_only: str) -> None:
    labels = _labels(_chart().to_json(), lang)
    assert month in labels
    assert money in labels
    assert not any(english_only in label for label in labels)
    assert not any(re.search(r"\d[GM]$", label) for label in labels)  # no SI "G" for money


def test_the_spec_carries_the_locale_for_the_browser() -> None:
    spec = vega_lite_spec(_chart(), description=None, lang="nl", currency="EUR")
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["config"]["locale"]["time"]["shortMonths"][9] == "okt"
    assert (
        vega_lite_spec(_chart(), description=None, lang="en", currency="EUR")["config"]["locale"]["number"][
            "decimal"
        ]
        == "."
    )
    # the locale in the spec alone (no vl-convert option) is enough for Vega
    svg = vl_convert.vegalite_to_svg(with_locale(_chart().to_dict(), "nl"))
    assert "okt 2026" in re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_pack_png_renders_in_either_language() -> None:
    for lang in ("nl", "en"):
        width, height = png_size(chart_png(_chart(), lang=lang, scale=1))
        assert width > 100 and height > 100


@pytest.mark.parametrize(("lang", "money"), [("nl", "CHF\u00a01,5\u00a0mln"), ("en", "CHF\u00a01.5m")])
def test_money_axes_and_the_spec_carry_the_organisations_currency(lang: str, money: str) -> None:
    spec = vega_lite_spec(_chart(), description=None, lang=lang, currency="CHF")
    assert spec["config"]["locale"]["number"]["currency"] == ["CHF\u00a0", ""]
    labels = _labels_in(_chart().to_json(), lang, "CHF")
    assert money in labels
    assert not any("€" in label for label in labels)
    # A large negative amount: the minus before the symbol, billions as the tiles say them
    # (mld / bn, never an SI "G").
    months = pd.to_datetime(["2026-09-01", "2026-10-01"])
    falling = pd.DataFrame(
        {"month": months, "series": ["baseline"] * 2, "cumulative": [0.0, -1_483_200_000.0]}
    )
    chart = scenario_chart(
        falling,
        labels={"baseline": "B", "scenario": "S", "actual": "A"},
        title="t",
        x_title="x",
        y_title="y",
        legend_title="l",
    )
    svg = vl_convert.vegalite_to_svg(
        chart.to_json(), format_locale=vega_locale(lang, currency="CHF")["number"]
    )
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert not any(re.search(r"\d[G]$", label) for label in texts)
    assert any(label.startswith("−CHF") for label in texts), texts
    billions = "\u00a0mld" if lang == "nl" else "bn"
    assert any(label.startswith("−CHF") and label.endswith(billions) for label in texts), texts


def test_the_pack_png_takes_the_currency() -> None:
    assert chart_png(_chart(), lang="en", currency="CHF") != chart_png(_chart(), lang="en")


def _labels_in(spec: str, lang: str, currency: str) -> list[str]:
    locale = vega_locale(lang, currency=currency)
    svg = vl_convert.vegalite_to_svg(spec, format_locale=locale["number"], time_format_locale=locale["time"])
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)
