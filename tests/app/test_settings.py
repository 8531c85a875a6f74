"""Deployment settings from the environment (or secrets.toml), checked at start by name only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from services.settings import SETTINGS, markdown_table, problems, read_secrets, runtime_secrets_file
from tests.apptest_helpers import open_app
from tests.conftest import ROOT

SECRET_LOOKING = "s3cr3t-value-that-must-never-be-shown"
GOOD_AUTH = {
    "ALIGNMENT_AUTH_REDIRECT_URI": "https://dash.example.org/alignment/oauth2callback",
    "ALIGNMENT_AUTH_COOKIE_SECRET": "c" * 40,
    "ALIGNMENT_AUTH_CLIENT_ID": "alignment",
    "ALIGNMENT_AUTH_CLIENT_SECRET": SECRET_LOOKING,
    "ALIGNMENT_AUTH_SERVER_METADATA_URL": "https://login.example.org/.well-known/openid-configuration",
}


def test_a_complete_good_environment_has_no_problem(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG")
    env = GOOD_AUTH | {
        "DATABASE_URL": "postgresql+psycopg://u:pw@db/alignment",
        "ORG_NAME": "Example BV",
        "ORG_LOGO": str(logo),
        "ORG_CURRENCY": "chf",
        "ORG_FISCAL_YEAR_START": "4",
        "ORG_TIME_ZONE": "Europe/Zurich",
        "SURVEY_MIN_GROUP": "7",
        "IMPORT_MAX_MB": "40",
        "IMPORT_MAX_ROWS": "100000",
        "IMPORT_MAX_CELL": "500",
        "STREAMLIT_SERVER_BASE_URL_PATH": "alignment",
        "STREAMLIT_SERVER_COOKIE_SECRET": "k" * 32,
        "SEED_DEMO": "0",
    }
    assert problems(env, {}) == []
    assert problems({}, {}) == []  # nothing set: local mode on the embedded database


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("DATABASE_URL", f"mysql://u:{SECRET_LOOKING}@db/x"),
        ("DATABASE_URL", SECRET_LOOKING),
        ("SURVEY_MIN_GROUP", "2"),
        ("SURVEY_MIN_GROUP", SECRET_LOOKING),
        ("IMPORT_MAX_MB", "0"),
        ("IMPORT_MAX_ROWS", SECRET_LOOKING),
        ("ORG_LOGO", f"/nowhere/{SECRET_LOOKING}.png"),
        ("ORG_NAME", "two\nlines"),
        ("ORG_NAME", "x" * 121),
        ("ORG_LOGO", "/etc/hostname.svg"),
        ("ORG_CURRENCY", "EURO"),
        ("ORG_FISCAL_YEAR_START", "13"),
        ("ORG_FISCAL_YEAR_START", "April"),
        ("ORG_TIME_ZONE", "Mars/Olympus_Mons"),
        ("STREAMLIT_SERVER_BASE_URL_PATH", "my app"),
        ("STREAMLIT_SERVER_COOKIE_SECRET", "short"),
        ("ALIGNMENT_AUTH_REDIRECT_URI", "https://dash.example.org/alignment/"),
        ("ALIGNMENT_AUTH_COOKIE_SECRET", SECRET_LOOKING[:20]),
        ("SEED_DEMO", "maybe"),
    ],
)
def test_a_bad_setting_is_named_and_its_value_never_shown(name: str, bad: str) -> None:
    env = (GOOD_AUTH if name.startswith("ALIGNMENT_AUTH") else {}) | {name: bad}
    found = problems(env, {})
    assert len(found) == 1 and found[0].startswith(name), found
    assert bad not in found[0] and SECRET_LOOKING not in found[0]


def test_the_secrets_file_is_still_read_and_the_environment_wins() -> None:
    secrets = {"survey": {"min_group_size": 2}, "connections": {"sql": {"url": "sqlite:///x.db"}}}
    assert problems({}, secrets) == [
        "SURVEY_MIN_GROUP (or [survey] min_group_size) must be a whole number of at least 3"
    ]
    assert problems({"SURVEY_MIN_GROUP": "6"}, secrets) == []


def test_sign_in_from_the_environment_needs_every_part() -> None:
    partial = {key: value for key, value in GOOD_AUTH.items() if key != "ALIGNMENT_AUTH_CLIENT_SECRET"}
    found = problems(partial, {})
    assert len(found) == 1 and found[0].startswith(
        "ALIGNMENT_AUTH_CLIENT_SECRET (or [auth] client_secret) is missing"
    )
    # ... unless the secrets file has that part.
    assert problems(partial, {"auth": {"client_secret": "from-the-file"}}) == []


def test_runtime_secrets_file_puts_the_environment_sign_in_over_the_secrets_file(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[auth]\nclient_id = "old"\n[roles]\nclaim = "roles"\n[roles.mapping]\n"g-cio" = "cio"\n'
    )
    assert runtime_secrets_file({}, [secrets]) is None
    path = runtime_secrets_file(GOOD_AUTH, [secrets])
    assert path is not None
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        written = tomllib.loads(path.read_text())
        assert written["auth"]["client_id"] == "alignment"
        assert written["auth"]["client_secret"] == SECRET_LOOKING
        assert written["roles"] == {"claim": "roles", "mapping": {"g-cio": "cio"}}
        assert read_secrets([path]) == written
    finally:
        path.unlink()
        path.parent.rmdir()


def test_serve_refuses_to_start_naming_the_setting(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in {s.env for s in SETTINGS}}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}", "IMPORT_MAX_CELL": SECRET_LOOKING}
    result = subprocess.run(
        [
            sys.executable,
            "serve.py",
            "app.py",
            "--server.port=8698",
            f"--secrets.files={tmp_path / 'none.toml'}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "configuration error: IMPORT_MAX_CELL must be a whole number" in result.stderr
    assert SECRET_LOOKING not in result.stderr + result.stdout


def test_the_app_stops_on_a_bad_setting_naming_it(monkeypatch, demo_sqlite_url) -> None:
    monkeypatch.setenv("ORG_LOGO", f"/nowhere/{SECRET_LOOKING}.png")
    at = open_app(monkeypatch, demo_sqlite_url)
    assert at.title[0].value == "De app is verkeerd ingesteld"
    shown = " ".join(text.value for text in at.text)
    assert "ORG_LOGO" in shown and SECRET_LOOKING not in shown
    assert not at.metric


def test_environment_sign_in_without_serve_py_is_reported(monkeypatch, demo_sqlite_url) -> None:
    for key, value in GOOD_AUTH.items():
        monkeypatch.setenv(key, value)
    at = open_app(monkeypatch, demo_sqlite_url)
    shown = " ".join(text.value for text in at.text)
    assert "ALIGNMENT_AUTH_CLIENT_ID is set but not in effect" in shown and SECRET_LOOKING not in shown


def test_the_readme_table_is_the_settings_list() -> None:
    assert markdown_table() in (ROOT / "README.md").read_text()


def test_a_database_url_with_an_unencoded_at_is_named_without_its_value() -> None:
    secret = "pa@ss:w0rd-SECRET"
    found = problems({"DATABASE_URL": f"postgresql+psycopg://user:{secret}@db.example:5432/x"}, {})
    assert [p for p in found if p.startswith("DATABASE_URL ")], found
    assert all("SECRET" not in p for p in found)
    not_a_port = problems({"DATABASE_URL": "postgresql+psycopg://user@db.example:port/x"}, {})
    assert [p for p in not_a_port if p.startswith("DATABASE_URL ")], not_a_port
