"""What an admin may save as the organisation's settings, and every reason it cannot be
saved: checked here, below the pages, so the data layer refuses what the form would refuse."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from i18n import translate

NAME_MAX = 120
LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = {
    "image/png": (b"\x89PNG\r\n\x1a\n", "PNG", ".png"),
    "image/jpeg": (b"\xff\xd8\xff", "JPEG", ".jpg"),
}


@dataclass(frozen=True)
class OrganisationSettings:
    """What an admin saved (table organisation_settings); None is "not set here"."""

    name: str | None = None
    logo: bytes | None = field(default=None, repr=False)
    logo_media_type: str | None = None
    currency: str | None = None
    fiscal_year_start_month: int | None = None
    time_zone: str | None = None
    updated_at: dt.datetime | None = None
    updated_by: str | None = None


@dataclass(frozen=True)
class SettingIssue:
    """One reason a setting cannot be saved: the field, a message key and its parameters."""

    field: str
    key: str
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str) -> str:
        return translate(self.key, lang, **dict(self.params))


def logo_media_type(data: bytes) -> str | None:
    """ "image/png" or "image/jpeg" from the file's first bytes (never its name); None otherwise."""
    for media_type, (magic, _format, _suffix) in LOGO_TYPES.items():
        if data.startswith(magic):
            return media_type
    return None


def _decodes_as(data: bytes, media_type: str) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != LOGO_TYPES[media_type][1]:
                return False
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:  # noqa: BLE001 - any decoder failure means "not a usable image"
        return False
    return True


def validate_settings(settings: OrganisationSettings) -> tuple[SettingIssue, ...]:
    """Every reason `settings` cannot be saved (empty: it can).

    A name of at most 120 characters; a currency Babel knows (ISO 4217); a month 1–12; an
    IANA time zone; a logo that is PNG or JPEG by its magic bytes, at most 1 MB and decodable.
    """
    issues: list[SettingIssue] = []
    if settings.name is not None and len(settings.name) > NAME_MAX:
        issues.append(SettingIssue("name", "orgsettings.error.name_too_long", (("limit", NAME_MAX),)))
    if settings.currency is not None and not known_currency(settings.currency):
        issues.append(
            SettingIssue("currency", "orgsettings.error.currency", (("value", settings.currency[:20]),))
        )
    month = settings.fiscal_year_start_month
    if month is not None and (isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12):
        issues.append(
            SettingIssue("fiscal_year_start_month", "orgsettings.error.month", (("value", str(month)[:20]),))
        )
    if settings.time_zone is not None and not known_zone(settings.time_zone):
        issues.append(
            SettingIssue("time_zone", "orgsettings.error.time_zone", (("value", settings.time_zone[:60]),))
        )
    if settings.logo is not None:
        media_type = logo_media_type(settings.logo)
        if len(settings.logo) > LOGO_MAX_BYTES:
            issues.append(
                SettingIssue(
                    "logo",
                    "orgsettings.error.logo_too_large",
                    (("size_kb", -(-len(settings.logo) // 1024)), ("limit_kb", LOGO_MAX_BYTES // 1024)),
                )
            )
        elif media_type is None:
            issues.append(SettingIssue("logo", "orgsettings.error.logo_type"))
        elif not _decodes_as(settings.logo, media_type):
            issues.append(SettingIssue("logo", "orgsettings.error.logo_unreadable"))
    return tuple(issues)


def known_currency(code: str) -> bool:
    from babel.numbers import list_currencies

    return code in list_currencies()


def known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
