"""The meeting pack in the organisation's currency (CHF) and fiscal year (from April)."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from domain.filters import Filters
from reports.pack import build_pack
from reports.tables import money_number_format, to_xlsx_bytes
from services.organisation import Organisation

SWISS = Organisation(currency="CHF", fiscal_year_start_month=4)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_pack_speaks_swiss_francs_and_the_fiscal_year(demo_sqlite_engine, lang: str) -> None:
    filters = Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH, fiscal_year_start_month=4)
    pack = build_pack(demo_sqlite_engine, filters=filters, lang=lang, organisation=SWISS, render=False)
    assert pack.currency == "CHF"
    assert pack.forecast is not None
    page_one = [pack.forecast.heading, *pack.forecast.lines, *pack.summary]
    page_one += [tile.value_text for tile in pack.kpis] + [tile.note or "" for tile in pack.kpis]
    assert any("CHF" in line for line in pack.forecast.lines)
    assert not [line for line in page_one if "€" in line]
    start = (
        DEMO_LAST_ACTUAL_MONTH.year if DEMO_LAST_ACTUAL_MONTH.month >= 4 else DEMO_LAST_ACTUAL_MONTH.year - 1
    )
    label = ("bj " if lang == "nl" else "FY ") + f"{start}/{(start + 1) % 100:02d}"
    assert label in pack.forecast.heading
    budget_chart = pack.charts[0]
    assert label in budget_chart.title
    assert "CHF" in budget_chart.chart.to_json() and "€" not in budget_chart.chart.to_json()
    headers = [str(column) for table in pack.tables for column in table.frame.columns]
    assert ("Begroot (CHF)" if lang == "nl" else "Planned (CHF)") in headers
    assert not [header for header in headers if "€" in header]


def test_excel_money_columns_carry_the_currency() -> None:
    assert money_number_format("CHF", "en") == '"CHF "#,##0;"−CHF "#,##0'
    assert money_number_format("EUR", "nl") == '"€ "#,##0;"−€ "#,##0'
    assert money_number_format("EUR", "en") == '"€"#,##0;"−€"#,##0'
    frame = pd.DataFrame({"Planned (CHF)": [1_234_567.0], "Count": [3]})
    data = to_xlsx_bytes(
        {"Budget": frame}, lang="en", number_formats={"Planned (CHF)": money_number_format("CHF", "en")}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Budget"]
    assert sheet["A1"].value == "Planned (CHF)"
    assert sheet["A2"].value == 1_234_567
    assert sheet["A2"].number_format == '"CHF "#,##0;"−CHF "#,##0'
    assert sheet["B2"].number_format == "#,##0"
