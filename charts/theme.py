"""The organisation's colours, shared by the screen charts and the exported pack."""

from __future__ import annotations

from i18n.format import DEFAULT_CURRENCY, currency_symbol

PRIMARY = "#0F5C6E"  # deep teal, as in .streamlit/config.toml
TEXT = "#1F2933"
MUTED = "#6B7785"
GRID = "#E4E8EC"

RAG_COLORS = {"green": "#2E7D32", "amber": "#E0A100", "red": "#C62828"}

# Departments are data: colours are handed out in code order, the known ones kept stable.
KNOWN_DEPARTMENT_COLORS = {"MKT": "#D9731A", "IT": "#0F5C6E"}
DEPARTMENT_PALETTE = ["#7B5EA7", "#3C8D5A", "#B5485D", "#4F7CAC", "#8C6D46", "#5E6B75"]


def department_colors(codes: list[str]) -> dict[str, str]:
    """A stable colour per department code; unknown departments take palette colours in order."""
    colors: dict[str, str] = {}
    spare = iter(DEPARTMENT_PALETTE * (len(codes) // len(DEPARTMENT_PALETTE) + 1))
    for code in sorted(codes):
        colors[code] = KNOWN_DEPARTMENT_COLORS.get(code) or next(spare)
    return colors


# Number and time conventions for Vega (d3-format / d3-time-format locale definitions), put in
# every chart's `config.locale` by ui.charts.show_chart and handed to vl-convert by
# reports.render: `1.234,5` and `okt 2026` in Dutch, `1,234.5` and `Oct 2026` in English.
# The currency here is the euro; vega_locale puts the organisation's currency in its place
# ("$" in a d3 format means this symbol).
NUMBER_LOCALES: dict[str, dict[str, object]] = {
    "nl": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€\u00a0", ""], "minus": "−"},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""], "minus": "−"},
}
TIME_LOCALES: dict[str, dict[str, object]] = {
    "nl": {
        "dateTime": "%a %e %B %Y %H:%M:%S",
        "date": "%d-%m-%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
        "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
        "months": [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        "shortMonths": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    },
    "en": {
        "dateTime": "%a %e %b %X %Y",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        "months": [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    },
}

# Month axes: `okt 2026` / `Oct 2026` (a two-digit year reads as a day).
MONTH_AXIS_FORMAT = "%b %Y"
# Money axes: `€ 1,2 mln`, `€ 500k`, `€ 0` in Dutch; `€1.2m`, `€500k` in English (the
# organisation's currency symbol in place of €: `CHF 1,2 mln`, `CHF 1.2m`). The
# expression finds the language from the locale's decimal mark, so the chart builders need no
# language; the millions and billions suffixes follow i18n.format.format_money_compact.
MONEY_LABEL_EXPR = (
    "abs(datum.value) >= 1e9"
    " ? format(datum.value / 1e9, '$,.2~f') + (format(0.5, '.1f') == '0,5' ? '\u00a0mld' : 'bn')"
    " : abs(datum.value) >= 1e6"
    " ? format(datum.value / 1e6, '$,.1~f') + (format(0.5, '.1f') == '0,5' ? '\u00a0mln' : 'm')"
    " : abs(datum.value) >= 1e3 ? format(datum.value / 1e3, '$,.0f') + 'k'"
    " : format(datum.value, '$,.0f')"
)


def money_prefix(lang: str, currency: str = DEFAULT_CURRENCY) -> str:
    """What a d3 `$` format puts before an amount, as i18n.format.format_money_compact does:
    the symbol, then a no-break space in Dutch or after a symbol ending in a letter."""
    symbol = currency_symbol(currency, lang)
    return symbol + ("\u00a0" if lang == "nl" or symbol[-1:].isalpha() else "")


def vega_locale(lang: str, *, currency: str = DEFAULT_CURRENCY) -> dict[str, dict[str, object]]:
    """The `config.locale` of a Vega-Lite spec for `lang` ("nl" or "en"; Dutch otherwise),
    its currency the organisation's (ISO 4217)."""
    key = lang if lang in NUMBER_LOCALES else "nl"
    number = {**NUMBER_LOCALES[key], "currency": [money_prefix(key, currency), ""]}
    return {"number": number, "time": TIME_LOCALES[key]}


def with_locale(spec: dict[str, object], lang: str, *, currency: str = DEFAULT_CURRENCY) -> dict[str, object]:
    """A copy of the Vega-Lite spec (a dict) with the language's number and time locale."""
    config = dict(spec.get("config") or {})  # type: ignore[call-overload]
    config["locale"] = vega_locale(lang, currency=currency)
    return {**spec, "config": config}
