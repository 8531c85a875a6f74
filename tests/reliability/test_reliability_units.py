"""The outage message and the retry backoff, without a browser."""

from __future__ import annotations

import pytest

from i18n import translate
from tests.apptest_helpers import open_app
from ui.outage import MAX_DELAY_S, retry_delay


def test_retry_delay_doubles_up_to_the_cap() -> None:
    assert [retry_delay(n) for n in range(6)] == [1.0, 2.0, 4.0, 8.0, MAX_DELAY_S, MAX_DELAY_S]
    assert retry_delay(-1) == 1.0


def test_unreachable_database_shows_the_message_and_retry_not_a_trace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = open_app(monkeypatch, "postgresql+psycopg://alice:s3cret-pw@127.0.0.1:1/align", query={"lang": "en"})
    assert not at.exception
    assert [e.value for e in at.error] == [translate("db.unavailable_title", "en")]
    assert translate("reliability.nothing_saved", "en") in [i.value for i in at.info]
    assert any(b.label == translate("reliability.retry_now", "en") for b in at.button)
    shown = " ".join(str(c.value) for c in at.caption)
    assert "s3cret-pw" not in shown and "127.0.0.1:1" in shown


def test_warmup_finds_the_frame_and_page_imports() -> None:
    from runtime.warmup import ROOT, imported_modules, warm_imports

    names = imported_modules(ROOT / "app.py")
    assert "data_access.engine" in names and "ui.outage" in names and "streamlit" in names
    warm_imports()  # idempotent, and every page's imports resolve
    import sys

    for page in (ROOT / "views").glob("*.py"):
        assert all(name in sys.modules for name in imported_modules(page)), page.name
