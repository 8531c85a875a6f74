"""The main pages in Dutch show no English number formats (issue 18 point 2): no `1,234`
thousands and no `72.3` decimals in the rendered text (dates such as 31-10-2026 and codes
such as P-001 are not numbers in this sense)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.apptest_helpers import open_app

PAGES = ["views/budget.py", "views/whatif.py", "views/projects.py"]
# An English thousands group (1,234) or decimal point (72.3): digits around "," followed by
# exactly three digits, or a "." between digits; not inside a longer token such as a version,
# an ISO date or a code.
# A "." followed by exactly three digits is a Dutch thousands group (781.519), so the decimal
# point is one followed by one, two or four and more digits (72.3, 1.05, 1.0500).
ENGLISH_NUMBER = re.compile(
    r"(?<![\w.,/-])[-+−±€]?\d{1,3}(,\d{3})+(?![\d,])"
    r"|(?<![\w.,/-])\d+\.(\d{1,2}|\d{4,})(?![\d.])"
)


def _texts(at) -> list[str]:  # type: ignore[no-untyped-def]
    parts = [m.value for m in at.metric] + [str(m.delta or "") for m in at.metric]
    parts += [c.value for c in at.caption] + [m.value for m in at.markdown]
    parts += [s.value for s in at.subheader] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [s.value for s in at.success]
    for table in at.dataframe:
        frame: pd.DataFrame = table.value
        for column in frame.columns:
            if frame[column].dtype == object:  # numeric columns are formatted by the browser
                parts += [str(value) for value in frame[column]]
    return [part for part in parts if part]


@pytest.mark.parametrize("page", PAGES)
def test_dutch_pages_show_no_english_number_format(monkeypatch, demo_sqlite_url, page: str) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=page)
    assert not at.exception
    offending = [text for text in _texts(at) if ENGLISH_NUMBER.search(text)]
    assert offending == []


def test_the_scan_finds_english_formats() -> None:
    for text in ("€ 1,234,567", "FTE 2.0", "72.3%", "+9.8 pp", "1.0500"):
        assert ENGLISH_NUMBER.search(text), text
    for text in ("€ 1.234.567", "€ 781.519", "FTE 2,0", "72,3%", "31-10-2026", "P-001", "2026-10", "+9,8 pp"):
        assert not ENGLISH_NUMBER.search(text), text
