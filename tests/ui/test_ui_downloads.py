"""The table download buttons at the Streamlit edge: both formats offered, READ required."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from access.roles import User


def _page() -> None:
    import pandas as pd

    from ui.downloads import download_table

    frame = pd.DataFrame({"Project": ["=1+1"], "Bedrag": [-120.5]})
    download_table(frame, name="Budget per project", key="budget")


def test_table_downloads_offer_csv_and_excel() -> None:
    at = AppTest.from_function(_page, default_timeout=60).run()
    assert not at.exception
    buttons = at.get("download_button")
    assert [button.proto.label for button in buttons] == ["CSV (; en decimale komma)", "Excel"]
    assert all(button.proto.ignore_rerun for button in buttons)


def test_table_downloads_need_the_read_right(monkeypatch) -> None:
    monkeypatch.setattr("ui.auth.current_user", lambda: User(name="x", email=None, role="nobody"))
    at = AppTest.from_function(_page, default_timeout=60).run()
    assert not at.exception
    assert not at.get("download_button")
    assert at.error


def _pack_page() -> None:
    import datetime as dt

    from domain.filters import Filters
    from ui.downloads import download_pack

    download_pack(filters=Filters.year_to_date(dt.date(2026, 10, 1)))


def test_the_pack_needs_the_read_right(monkeypatch) -> None:
    monkeypatch.setattr("ui.auth.current_user", lambda: User(name="x", email=None, role="nobody"))
    at = AppTest.from_function(_pack_page, default_timeout=60).run()
    assert not at.exception
    assert not at.button and not at.get("download_button")
    assert at.error
