"""Running the app under Streamlit's AppTest against a given database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def open_app(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    *,
    query: dict[str, str] | None = None,
    page: str | None = None,
    user: dict | None = None,
) -> AppTest:
    """Run app.py once against `database_url` (optionally switching to `page`), ready to inspect."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if user is not None:
        at.user = user  # type: ignore[attr-defined]
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}
