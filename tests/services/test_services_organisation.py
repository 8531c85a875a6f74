"""Validation of the organisation settings (issue 18.1): one pure function, translated messages."""

from __future__ import annotations

import json

import pytest

from data_access.organisation_settings import (
    LOGO_MAX_BYTES,
    OrganisationSettings,
    logo_media_type,
    validate_settings,
)
from services.organisation import (
    cleaned_settings,
    currency_codes,
    currency_label,
    describe_audit_change,
    describe_audit_values,
    month_name,
    time_zone_names,
)
from tests.data_access.test_data_access_organisation import image_bytes


def _issues(**values: object) -> list[tuple[str, str, str]]:
    issues = validate_settings(OrganisationSettings(**values))  # type: ignore[arg-type]
    return [(issue.field, issue.message("en"), issue.message("nl")) for issue in issues]


def test_valid_settings_have_no_issues() -> None:
    assert validate_settings(OrganisationSettings()) == ()
    good = cleaned_settings(
        name="  Acme  ",
        logo=image_bytes("PNG"),
        currency="chf",
        fiscal_year_start_month=7,
        time_zone="Asia/Tokyo",
    )
    assert (good.name, good.currency, good.logo_media_type) == ("Acme", "CHF", "image/png")
    assert validate_settings(good) == ()
    assert validate_settings(OrganisationSettings(logo=image_bytes("JPEG"))) == ()


def test_unknown_currency_names_the_value() -> None:
    [(field, en, nl)] = _issues(currency="XYZ")
    assert field == "currency"
    assert en == 'Unknown currency "XYZ": choose an ISO 4217 code, for example EUR, CHF or USD.'
    assert nl.startswith('Onbekende valuta "XYZ"')


@pytest.mark.parametrize("month", [0, 13, -1])
def test_month_outside_1_to_12(month: int) -> None:
    [(field, en, nl)] = _issues(fiscal_year_start_month=month)
    assert field == "fiscal_year_start_month"
    assert en == f"The fiscal year must start in a month from 1 to 12, not {month}."
    assert f"niet {month}" in nl


def test_unknown_time_zone() -> None:
    [(field, en, _nl)] = _issues(time_zone="Mars/Olympus")
    assert field == "time_zone" and '"Mars/Olympus"' in en


def test_name_longer_than_120_characters() -> None:
    assert _issues(name="x" * 120) == []
    [(field, en, _nl)] = _issues(name="x" * 121)
    assert field == "name" and "120" in en


@pytest.mark.parametrize(
    ("logo", "expected"),
    [
        (b"GIF89a" + b"\x00" * 64, "The logo is not a PNG or JPEG file."),
        (b"%PDF-1.7 not an image", "The logo is not a PNG or JPEG file."),
        (
            b"\x89PNG\r\n\x1a\n" + b"garbage" * 20,
            "The logo cannot be read: the file is damaged or incomplete.",
        ),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 30, "The logo cannot be read: the file is damaged or incomplete."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * LOGO_MAX_BYTES, "The logo is 1025 kB; at most 1024 kB."),
    ],
    ids=["gif", "pdf", "png-garbage", "jpeg-truncated", "oversized"],
)
def test_bad_logos_are_refused_with_a_clear_message(logo: bytes, expected: str) -> None:
    assert [(f, en) for f, en, _nl in _issues(logo=logo)] == [("logo", expected)]


def test_a_gif_renamed_png_is_still_a_gif() -> None:
    gif = image_bytes("GIF")
    assert logo_media_type(gif) is None
    assert logo_media_type(image_bytes("PNG")) == "image/png"
    assert logo_media_type(image_bytes("JPEG")) == "image/jpeg"


def test_a_truncated_png_is_unreadable() -> None:
    png = image_bytes("PNG", size=(64, 64))
    [(field, en, _nl)] = _issues(logo=png[: len(png) // 2])
    assert field == "logo" and "cannot be read" in en


def test_several_issues_are_all_reported() -> None:
    fields = [f for f, _en, _nl in _issues(currency="ZZZ", fiscal_year_start_month=13, time_zone="Nowhere")]
    assert fields == ["currency", "fiscal_year_start_month", "time_zone"]


def test_an_audit_row_in_plain_words() -> None:
    values = json.dumps(
        {
            "name": "Acme",
            "logo": {"bytes": 2048, "sha256": "abcdef0123456789"},
            "logo_media_type": "image/png",
            "currency": "CHF",
            "fiscal_year_start_month": 4,
            "time_zone": None,
        }
    )
    assert describe_audit_values(values, "en") == (
        "Name: Acme; Logo: 2 kB (SHA-256 abcdef012345…); Currency: CHF – Swiss Franc; "
        "Fiscal year starts in: April; Time zone: (not set here)"
    )
    assert "Valuta: CHF – Zwitserse frank; Boekjaar begint in: april" in describe_audit_values(values, "nl")
    assert describe_audit_values(None, "nl") == describe_audit_values(float("nan"), "nl") == ""


def test_an_audit_change_names_only_what_changed() -> None:
    before = json.dumps({"name": "Acme", "logo": None, "currency": "EUR", "fiscal_year_start_month": 1})
    after = json.dumps({"name": "Acme", "logo": None, "currency": "CHF", "fiscal_year_start_month": 4})
    assert describe_audit_change(before, after, "en") == (
        "Currency: EUR – Euro; Fiscal year starts in: January",
        "Currency: CHF – Swiss Franc; Fiscal year starts in: April",
    )
    assert describe_audit_change(None, after, "en") == ("", describe_audit_values(after, "en"))
    assert describe_audit_change(after, after, "nl") == ("geen wijziging", "geen wijziging")


def test_choices_name_every_currency_and_month_in_the_language() -> None:
    codes = currency_codes()
    assert {"EUR", "CHF", "USD", "JPY", "GBP"} <= set(codes) and len(codes) > 150
    assert currency_label("CHF", "nl") == "CHF – Zwitserse frank"
    assert currency_label("CHF", "en") == "CHF – Swiss Franc"
    assert [month_name(m, "nl") for m in (1, 4, 7)] == ["januari", "april", "juli"]
    assert month_name(10, "en") == "October"
    assert "Europe/Zurich" in time_zone_names() and "UTC" in time_zone_names()
