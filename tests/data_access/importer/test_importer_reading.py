"""Issue #23, reading at database speed: a CSV file without quotes is split in one go
(`reading._read_plain`); it must give exactly what the csv module's record-by-record reader
(`reading._read_records`) gives: the same header, cells, row numbers and refusals.

Every file here is read both ways: the bad-file corpus, the files the importer tests write,
hand-made edge cases (blank rows, BOM, CRLF and lone CR, semicolons, ragged rows, hostile
text, huge cells, Unicode whitespace) and a few thousand random files.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from data_access.importer import export, reading
from data_access.importer.reading import MAX_BLANK_RUN, MAX_COLUMNS, FileRejected, Limits
from data_access.importer.schema import KIND_ORDER
from tests.app.test_hostile_text import HOSTILE
from tests.data_access.importer.test_importer_bad_files import CORPUS

LIMITS = Limits()


def by_records(data: bytes, limits: Limits) -> object:
    """The table (or the refusal) as the record-by-record reader gives it."""
    try:
        text, encoding = reading.decode(data)
        if not text or text.isspace():
            raise FileRejected("importer.error.empty_file")
        separator = reading.detect_separator(text)
        sheet = reading._read_records(text, separator, limits)
    except FileRejected as exc:
        return ("refused", exc.key, exc.params)
    return (encoding, separator, sheet.header, sheet.rows)


def as_read(data: bytes, limits: Limits) -> object:
    """The table (or the refusal) as `read_csv` gives it (the fast path when it can)."""
    try:
        table = reading.read_csv(data, limits)
    except FileRejected as exc:
        return ("refused", exc.key, exc.params)
    sheet = table.sheets[0]
    return (table.encoding, table.separator, sheet.header, sheet.rows)


def took_fast_path(data: bytes, limits: Limits) -> bool:
    text, _ = reading.decode(data)
    try:
        return reading._read_plain(text, reading.detect_separator(text), limits) is not None
    except FileRejected:
        return True


def assert_same(data: bytes, limits: Limits = LIMITS) -> None:
    assert as_read(data, limits) == by_records(data, limits), data[:200]


HEADER = "project,month,department,category,planned"
EDGE_CASES: dict[str, str | bytes] = {
    "plain": f"{HEADER}\nP-1,2026-01,IT,hardware,10\nP-1,2026-02,IT,hardware,20\n",
    "no_final_line_end": f"{HEADER}\nP-1,2026-01,IT,hardware,10",
    "crlf": f"{HEADER}\r\nP-1,2026-01,IT,hardware,10\r\nP-2,2026-01,IT,hardware,1\r\n",
    "lone_cr": f"{HEADER}\rP-1,2026-01,IT,hardware,10\rP-2,2026-01,IT,hardware,1\r",
    "mixed_line_ends": f"{HEADER}\r\n\rP-1,2026-01,IT,hardware,10\r\r\n\nP-2,x,y,z,1\n\r",
    "bom": "\ufeff" + f"{HEADER}\nP-1,2026-01,IT,hardware,10\n",
    "blank_rows": f"\n\n{HEADER}\n\nP-1,2026-01,IT,hardware,10\n ,, ,\t,\n\n;\nP-2,2026-01,IT,hardware,1\n\n\n",
    "whitespace_only_rows": f"{HEADER}\n   \n\t\nP-1,2026-01,IT,hardware,10\n\u00a0,\u2003\n\x0c\n",
    "semicolons": "project;month;department;category;planned\nP-1;2026-01;IT;hardware;1.234,56\n;;;;\n",
    "semicolon_with_commas": "a;b;c\n1,5;2,5;3\n",
    "ragged": f"{HEADER}\nP-1,2026-01\nP-1,2026-01,IT,hardware,10,extra,,\n,\nP-3\n",
    "hostile": f"{HEADER}\n=cmd|' /C calc'!A0,+1,-1,@SUM(1),{HOSTILE.replace(',', ' ')}\n",
    "control_characters": f"{HEADER}\nP-1\x0b,2026-01\x1c,IT\x1d,hardware\u2028,10\u0085\n",
    "huge_cell": f"{HEADER}\n{'x' * 100_000},2026-01,IT,hardware,10\n",
    "only_header": f"{HEADER}\n",
    "blank_then_nothing": "\n ,\n;\n",
    "windows_1252": f"{HEADER}\nP-1,2026-01,Financiën,hardware,10\n".encode("cp1252"),
    "quoted": f'{HEADER}\n"P-1","2026-01","IT, Data","hardware","1,5"\n',
    "quoted_newline": f'{HEADER}\n"P-1\n2",2026-01,IT,hardware,10\nP-3,2026-01,IT,hardware,1\n',
    "unbalanced_quote": f'{HEADER}\n"P-1,2026-01,IT,hardware,10\n',
    "quote_inside": f'{HEADER}\nP"1,2026-01,IT,hardware,10\n',
    "too_many_columns": f"{HEADER}\n" + ",".join(["x"] * (MAX_COLUMNS + 1)) + "\n",
    "too_many_blank_rows": f"{HEADER}\nP-1,2026-01,IT,hardware,10\n" + ",\n" * (MAX_BLANK_RUN + 5) + "a,b\n",
    "exactly_the_blank_run_allowed": f"{HEADER}\nP-1,2026-01,IT,hardware,10\n"
    + " ;\r\n" * MAX_BLANK_RUN
    + "a,b\n",
    "many_scattered_blank_rows": f"{HEADER}\n" + "P-1,2026-01,IT,hardware,10\n\n" * (MAX_BLANK_RUN + 5),
}


CHUNKS = (reading.PLAIN_CHUNK, 64, 7)  # small chunks: runs and lines across chunk ends


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("case", sorted(EDGE_CASES))
def test_edge_cases_read_the_same_both_ways(case: str, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "PLAIN_CHUNK", chunk)
    content = EDGE_CASES[case]
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    assert_same(data)


def test_plain_files_take_the_fast_path_and_quoted_ones_do_not() -> None:
    fast = ("plain", "crlf", "lone_cr", "blank_rows", "semicolons", "ragged", "hostile", "huge_cell")
    for case in fast:
        assert took_fast_path(str(EDGE_CASES[case]).encode(), LIMITS), case
    for case in ("quoted", "quoted_newline", "unbalanced_quote", "too_many_columns", "too_many_blank_rows"):
        assert not took_fast_path(str(EDGE_CASES[case]).encode(), LIMITS), case


# The corpus's CSV files (its Excel files have a reader of their own).
CSV_CORPUS = sorted(
    case
    for case, (_, _, data, _) in CORPUS.items()
    if not data.startswith((reading.XLSX_MAGIC, reading.XLS_MAGIC))
)


@pytest.mark.parametrize("case", CSV_CORPUS)
def test_the_bad_file_corpus_reads_the_same_both_ways(case: str) -> None:
    _, name, data, _ = CORPUS[case]
    assert_same(data)


@pytest.mark.parametrize("kind", KIND_ORDER)
def test_each_kinds_template_reads_the_same_both_ways(kind: str) -> None:
    data = export.template_csv(kind)
    assert_same(data)


@pytest.mark.parametrize("chunk", CHUNKS)
def test_row_limits_give_the_same_refusal(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "PLAIN_CHUNK", chunk)
    rows = f"{HEADER}\n" + "P-1,2026-01,IT,hardware,10\n" * 30
    for limits in (Limits(max_rows=10), Limits(max_rows=29), Limits(max_rows=30), Limits(max_rows=31)):
        assert_same(rows.encode(), limits)
    assert by_records(rows.encode(), Limits(max_rows=10))[0] == "refused"  # type: ignore[index]
    blanks_first = "\n" * 20 + rows
    assert_same(blanks_first.encode(), Limits(max_rows=40))


ALPHABET = [
    "a",
    "P-1",
    "10",
    ",",
    ",",
    ";",
    " ",
    "\t",
    "\n",
    "\n",
    "\r",
    "\r\n",
    "\u00a0",
    "\u2028",
    "é",
    "=",
]


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("seed", range(20))
def test_random_files_read_the_same_both_ways(seed: int, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "PLAIN_CHUNK", chunk)
    rng = random.Random(seed)
    for _ in range(100):
        pieces: list[Any] = rng.choices(ALPHABET, k=rng.randint(1, 200))
        if rng.random() < 0.1:
            pieces.insert(rng.randint(0, len(pieces)), '"')
        data = "".join(pieces).encode("utf-8")
        assert_same(data)
        assert_same(data, Limits(max_rows=3))
