"""Every page in Dutch shows no English number format, and in English no Dutch one (issue 18
point 2): no `1,234` thousands and no `72.3` decimals in the Dutch texts, no `1.234` and no
`72,3` in the English ones. Scanned: metrics, markdown, captions, headers, alerts, widget
labels and shown values, and tables' displayed values (a styled table's display texts; a
plain table's text columns; numeric columns formatted by the browser cannot be read here).
Dates such as 31-10-2026 and codes such as P-001 are not numbers in this sense."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit import dataframe_util

from tests.apptest_helpers import open_app

PAGES = [
    "views/overview.py",
    "views/budget.py",
    "views/projects.py",
    "views/trust.py",
    "views/health.py",
    "views/whatif.py",
    "views/steering.py",
    "views/catalogue.py",
    "views/import_data.py",
    "views/role_settings.py",
]
# An English thousands group (1,234) or decimal point (72.3): digits around "," followed by
# exactly three digits, or a "." between digits; not inside a longer token such as a version,
# an ISO date or a code.
# A "." followed by exactly three digits is a Dutch thousands group (781.519), so the decimal
# point is one followed by one, two or four and more digits (72.3, 1.05, 1.0500).
ENGLISH_NUMBER = re.compile(
    r"(?<![\w.,/-])[-+−±€]?\d{1,3}(,\d{3})+(?![\d,])"
    r"|(?<![\w.,/-])\d+\.(\d{1,2}|\d{4,})(?![\d.])"
)
# The mirror image: a Dutch thousands group (1.234.567) or decimal comma (72,3).
DUTCH_NUMBER = re.compile(
    r"(?<![\w.,/-])[-+−±€]?\d{1,3}(\.\d{3})+(?![\d.])"
    r"|(?<![\w.,/-])\d+,(\d{1,2}|\d{4,})(?![\d,])"
)


def _table_texts(table) -> list[str]:  # type: ignore[no-untyped-def]
    """What a table shows as text: a styled table's display values, else its text columns."""
    shown = list(table.proto.column_order)  # columns left out of column_order are not shown
    config = json.loads(table.proto.columns or "{}")
    # A column with a display format of its own (euro, percent, localized) is formatted by
    # the browser in its language, whatever the styler's text: nothing to read here.
    formatted = {name for name, c in config.items() if c.get("type_config", {}).get("format")}
    arrow = table.proto.arrow_data if hasattr(table.proto, "arrow_data") else None
    if arrow is not None and arrow.HasField("styler") and arrow.styler.display_values:
        frame = dataframe_util.convert_arrow_bytes_to_pandas_df(arrow.styler.display_values)
        columns = [c for c in frame.columns if (not shown or c in shown) and c not in formatted]
        return [str(value) for column in columns for value in frame[column] if isinstance(value, str)]
    frame: pd.DataFrame = table.value
    return [
        str(value)
        for column in frame.columns
        if (not shown or column in shown)
        and frame[column].dtype == object  # numeric columns are formatted by the browser
        for value in frame[column]
    ]


def texts(at) -> list[str]:  # type: ignore[no-untyped-def]
    parts = (
        [m.value for m in at.metric] + [str(m.delta or "") for m in at.metric] + [m.label for m in at.metric]
    )
    parts += [c.value for c in at.caption] + [m.value for m in at.markdown]
    parts += [h.value for h in (*at.title, *at.header, *at.subheader)]
    parts += [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [s.value for s in at.success]
    for widget in (*at.selectbox, *at.radio, *at.multiselect):
        parts += [widget.label, *[str(o) for o in widget.options]]
    for widget in (*at.text_input, *at.number_input, *at.date_input, *at.checkbox, *at.toggle, *at.slider):
        parts.append(widget.label)
    for widget in at.text_input:
        parts.append(str(widget.value or ""))
    for table in at.dataframe:
        parts += _table_texts(table)
    return [part for part in parts if part]


def offending(found: list[str], pattern: re.Pattern[str]) -> list[str]:
    return [text for text in found if pattern.search(text)]


@pytest.mark.parametrize("page", PAGES)
def test_dutch_pages_show_no_english_number_format(monkeypatch, demo_sqlite_url, page: str) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=page)
    assert not at.exception
    found = texts(at)
    assert len(found) > 5  # the scan reads the page
    assert offending(found, ENGLISH_NUMBER) == []


@pytest.mark.parametrize("page", PAGES)
def test_english_pages_show_no_dutch_number_format(monkeypatch, demo_sqlite_url, page: str) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=page)
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    found = texts(at)
    assert len(found) > 5
    assert offending(found, DUTCH_NUMBER) == []


def test_the_scan_finds_english_formats() -> None:
    for text in ("€ 1,234,567", "FTE 2.0", "72.3%", "+9.8 pp", "1.0500"):
        assert ENGLISH_NUMBER.search(text), text
    for text in ("€ 1.234.567", "€ 781.519", "FTE 2,0", "72,3%", "31-10-2026", "P-001", "2026-10", "+9,8 pp"):
        assert not ENGLISH_NUMBER.search(text), text


def test_the_scan_finds_dutch_formats() -> None:
    for text in ("€ 1.234.567", "FTE 2,0", "72,3%", "+9,8 pp", "1,0500"):
        assert DUTCH_NUMBER.search(text), text
    for text in ("€ 1,234,567", "FTE 2.0", "72.3%", "31 Oct 2026", "P-001", "2026-10", "+9.8 pp"):
        assert not DUTCH_NUMBER.search(text), text


def test_a_planted_english_number_on_a_dutch_page_is_found(monkeypatch, demo_sqlite_url) -> None:
    """Honesty check: the same scan over a Dutch page that shows one `%.1f`-formatted number
    in a styled table and one in a caption reports both."""
    at = open_app(monkeypatch, demo_sqlite_url, page="views/trust.py")
    clean = offending(texts(at), ENGLISH_NUMBER)
    assert clean == []

    def planted() -> None:
        import pandas as pd
        import streamlit as st

        frame = pd.DataFrame({"index": [72.345]})
        st.dataframe(frame.style.format({"index": "{:.1f}".format}))
        st.caption("Index 72.3")

    from streamlit.testing.v1 import AppTest

    probe = AppTest.from_function(planted).run()
    assert sorted(offending(texts(probe), ENGLISH_NUMBER)) == ["72.3", "Index 72.3"]


def test_localised_columns_keep_numbers_and_show_the_language() -> None:
    from ui.number_display import DECIMAL_1, PERCENT_1, SIGNED_1, localised

    frame = pd.DataFrame({"index": [72.345, None], "gap": [-1.25, 3.0], "rate": [0.5, 0.1234]})
    columns = {"index": DECIMAL_1, "gap": SIGNED_1, "rate": PERCENT_1}
    nl = localised(frame, "nl", columns)
    assert nl.data["index"].dtype == float and nl.data.equals(frame)  # still sorts as numbers
    shown = nl._translate(False, False)  # the texts st.dataframe sends as display values
    texts = [[cell["display_value"] for cell in row[1:]] for row in shown["body"]]
    assert texts == [["72,3", "−1,3", "50,0%"], ["", "+3,0", "12,3%"]]
    from ui.number_display import PLAIN, WHOLE

    money = localised(
        pd.DataFrame({"a": [1200000.0], "b": [85.0], "c": [85.5]}), "nl", {"a": WHOLE, "b": PLAIN, "c": PLAIN}
    )
    assert [c["display_value"] for c in money._translate(False, False)["body"][0][1:]] == [
        "1.200.000",
        "85",
        "85,50",
    ]
    en = localised(frame, "en", columns)._translate(False, False)
    assert [cell["display_value"] for cell in en["body"][0][1:]] == ["72.3", "−1.3", "50.0%"]


def test_catalogue_thresholds_are_numbers_shown_in_the_language(monkeypatch, demo_sqlite_url) -> None:
    """The catalogue's green and amber columns keep their numbers (they sort as numbers) and
    show them in the reader's language: a decimal threshold reads 0,95 in Dutch, 0.95 in English."""
    at = open_app(monkeypatch, demo_sqlite_url, page="views/catalogue.py")
    table = next(d for d in at.dataframe if "green" in d.value.columns)
    assert pd.api.types.is_float_dtype(table.value["green"])
    decimals = [v for v in table.value["green"].dropna() if not float(v).is_integer()]
    assert decimals, "the demo's targets have a decimal threshold (CPI, SPI)"
    styled = dataframe_util.convert_arrow_bytes_to_pandas_df(table.proto.arrow_data.styler.display_values)
    shown = dict(zip(table.value["code"], styled["green"], strict=True))
    values = dict(zip(table.value["code"], table.value["green"], strict=True))
    code = next(c for c, v in values.items() if pd.notna(v) and not float(v).is_integer())
    assert shown[code] == f"{values[code]:.2f}".replace(".", ",")
    at.radio(key="lang").set_value("en").run()
    table = next(d for d in at.dataframe if "green" in d.value.columns)
    styled = dataframe_util.convert_arrow_bytes_to_pandas_df(table.proto.arrow_data.styler.display_values)
    assert dict(zip(table.value["code"], styled["green"], strict=True))[code] == f"{values[code]:.2f}"
