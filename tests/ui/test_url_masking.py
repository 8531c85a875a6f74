"""Database URLs are shown only through `mask_url` (issue 17.2): every form of password, and
unparsable URLs never echoed, on the page, on the command line and in messages."""

from __future__ import annotations

import logging

import pytest

from data_access.engine import DatabaseUnavailable, create_db_engine, mask_url
from data_access.setup_db import main as setup_main
from tests.apptest_helpers import open_app

SECRET = "S3cr3t"
FORMS = {
    "authority": f"postgresql+psycopg://app:{SECRET}@db.example:5432/alignment",
    "query password": f"postgresql+psycopg://app@db.example/alignment?password={SECRET}&sslmode=require",
    "query sslpassword": f"postgresql+psycopg://app@db.example/alignment?sslmode=require&sslpassword={SECRET}",
    "both": f"postgresql+psycopg://app:{SECRET}@db.example/alignment?password={SECRET}",
    "unencoded at and colon": f"postgresql+psycopg://app:{SECRET}@x:y@db.example:5432/alignment",
    "unencoded slash": f"postgresql+psycopg://app:{SECRET}/x@db.example/alignment",
    "encoded": f"postgresql+psycopg://app:{SECRET}%40x%3Ay@db.example/alignment",
    "no user": f"postgresql+psycopg://:{SECRET}@db.example/alignment",
    "unparsable": f"postgresql+psycopg//app:{SECRET}@db.example/alignment",
    "garbage": f"not a url {SECRET}",
}


@pytest.mark.parametrize("form", FORMS)
def test_mask_url_never_shows_the_password(form: str) -> None:
    shown = mask_url(FORMS[form])
    assert SECRET not in shown
    assert "x:y" not in shown and "%40x" not in shown


def test_mask_url_keeps_what_helps_and_says_when_a_url_is_invalid() -> None:
    assert mask_url(FORMS["authority"]) == "postgresql+psycopg://app:***@db.example:5432/alignment"
    assert mask_url(FORMS["query password"]) == (
        "postgresql+psycopg://app@db.example/alignment?password=***&sslmode=require"
    )
    assert (
        mask_url(FORMS["unencoded at and colon"]) == "postgresql+psycopg://app:***@db.example:5432/alignment"
    )
    assert mask_url("sqlite:////tmp/a@b/alignment.db") == "sqlite:////tmp/a@b/alignment.db"
    assert mask_url(FORMS["garbage"]) == "(not a valid database URL)"
    assert mask_url(FORMS["unparsable"]) == "(not a valid database URL)"
    assert (
        mask_url(f"postgresql://app:{SECRET}@h/d?x=1&token={SECRET}&y")
        == "postgresql://app:***@h/d?x=1&token=***&y"
    )


@pytest.mark.parametrize("form", ["unencoded at and colon", "unparsable", "garbage"])
def test_an_invalid_url_is_refused_without_echoing_it(form: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DatabaseUnavailable) as caught:
        create_db_engine(FORMS[form])
    chain = [caught.value, caught.value.__cause__, caught.value.__context__]
    assert all(SECRET not in str(e) for e in chain if e is not None)
    assert caught.value.__suppress_context__ or caught.value.__cause__ is None
    assert SECRET not in caplog.text


@pytest.mark.parametrize("form", ["authority", "query password", "unencoded at and colon", "garbage"])
def test_the_command_line_never_prints_the_password(form: str, capsys: pytest.CaptureFixture[str]) -> None:
    url = (
        FORMS[form].replace("db.example", "127.0.0.1:1") if form != "unencoded at and colon" else FORMS[form]
    )
    url = url.replace(":1:5432", ":1")
    assert setup_main(["--database-url", url]) == 1
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    assert "error:" in captured.err


@pytest.mark.parametrize("form", ["query password", "unencoded at and colon"])
def test_the_database_unavailable_page_never_shows_the_password(
    monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    url = FORMS[form].replace("db.example:5432", "127.0.0.1:1").replace("db.example", "127.0.0.1:1")
    at = open_app(monkeypatch, url, check=False)
    texts = [str(getattr(e, "value", "")) for e in (*at.error, *at.caption, *at.markdown, *at.info, *at.text)]
    # Either the database is unavailable, or the start-up check refuses the setting by name.
    assert any(
        "unavailable" in t.lower() or "niet bereikbaar" in t.lower() or t.startswith("DATABASE_URL ")
        for t in texts
    ), texts
    assert all(SECRET not in t for t in texts)
    assert not at.exception
