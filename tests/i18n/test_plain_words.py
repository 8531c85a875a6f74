"""Plain words on every page: walks each page in Dutch and English with AppTest and fails on
any `None`, `nan` or snake_case code (an internal name such as data_processing) in the text
a person sees: titles, headers, markdown, captions, plain text, alerts, metrics, widget
labels and options, tab and expander labels, and every cell of every table."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from access.roles import LOCAL_USER, RIGHTS
from data_access.importer.schema import KINDS
from tests.apptest_helpers import open_app
from tests.auth_fixtures import PEOPLE, auth_secrets, signed_in
from ui.navigation import PAGES

# The import page names the columns a file must have: those names are what a person types.
TEMPLATE_COLUMNS = {column.name for kind in KINDS.values() for column in kind.columns}

# Streamlit's own Markdown directives (icons, coloured badges) are not words on the page.
DIRECTIVE = re.compile(r":material/[a-z_]+:|:[a-z]+-badge\[|:[a-z]+\[")
NONE_OR_NAN = re.compile(r"\b(None|nan|NaN|NaT)\b")
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
# File names a person has to give (the importer's templates) are not internal codes.
FILE_NAME = re.compile(r"\b[\w-]+\.(?:csv|xlsx|json|pptx|pdf|toml|db)\b")
TEXT_PARTS = ("label", "options", "delta")
TEXT_VALUES = {
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "text",
    "error",
    "warning",
    "info",
    "success",
    "exception",
    "latex",
}


def _strings(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return [str(value)]


def _cells(frame: pd.DataFrame, shown: list[str], placeholder: str = "") -> list[str]:
    """The texts of the cells a person sees (the columns in `shown`, or all without an order).

    An empty cell shows the table's `placeholder` (st.dataframe's argument), else "None"."""
    texts = []
    for column in [name for name in frame.columns if not shown or name in shown]:
        for cell in frame[column]:
            if cell is None or (isinstance(cell, float) and pd.isna(cell)) or cell is pd.NaT:
                texts.append(placeholder or "None")
            elif isinstance(cell, str):
                texts.append(cell)
    return texts


def rendered_texts(at) -> list[str]:
    """Every text of the rendered page (see the module docstring)."""
    texts: list[str] = []

    def walk(node) -> None:
        kind = getattr(node, "type", "")
        if kind in TEXT_VALUES:
            texts.extend(_strings(getattr(node, "value", None)))
        elif kind in {"arrow_data_frame", "dataframe", "table"}:
            value = node.value
            if isinstance(value, pd.DataFrame):
                texts.extend(_cells(value, list(node.proto.column_order), node.proto.placeholder))
        elif kind == "metric":
            texts.extend(_strings(node.label) + _strings(node.value) + _strings(getattr(node, "delta", None)))
        else:
            for part in TEXT_PARTS:
                try:
                    texts.extend(_strings(getattr(node, part, None)))
                except Exception:  # noqa: BLE001 - an element without that part
                    continue
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    return texts


def offending(texts: list[str]) -> list[str]:
    bad = []
    for text in texts:
        plain = DIRECTIVE.sub("", FILE_NAME.sub("", text))
        if plain.strip() in TEMPLATE_COLUMNS:
            continue
        if NONE_OR_NAN.search(plain) or SNAKE_CASE.search(plain):
            bad.append(text)
    return bad


def test_the_scan_catches_what_it_should() -> None:
    assert offending(
        ["P-007: data_processing ligt niet bij", "value None", "a nan", "fine text, P-007 Name"]
    ) == [
        "P-007: data_processing ligt niet bij",
        "value None",
        "a nan",
    ]
    assert (
        offending(["Upload budget_lines.csv", "Nonetheless nano", ":green-badge[:material/check_circle: OK]"])
        == []
    )


def test_empty_cells_read_as_the_tables_placeholder() -> None:
    frame = pd.DataFrame({"code": ["P-001", None], "share": [0.5, float("nan")], "hidden": [None, None]})
    assert _cells(frame, ["code", "share"]) == ["P-001", "None", "None"]
    assert _cells(frame, ["code", "share"], "–") == ["P-001", "–", "–"]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("page", [page.path for page in PAGES])
def test_no_none_nan_or_codes_on_any_page(monkeypatch, demo_sqlite_url, page, lang) -> None:
    spec = next(spec for spec in PAGES if spec.path == page)
    if LOCAL_USER.may(spec.right):
        at = open_app(monkeypatch, demo_sqlite_url, page=page, query={"lang": lang})
    else:  # the respondent's page: local mode has no respondent, so sign one in
        person = next(claims for role, claims in PEOPLE.items() if spec.right in RIGHTS[role])
        at = open_app(
            monkeypatch, demo_sqlite_url, query={"lang": lang}, secrets=auth_secrets(), user=signed_in(person)
        )
    texts = rendered_texts(at)
    assert len(texts) > 5, page
    assert offending(texts) == [], page
