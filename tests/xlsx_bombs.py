"""Hostile workbooks made at test time: a valid small workbook with one part swapped for another."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def base_workbook(rows: list[list[object]] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows or [["code", "name_nl", "name_en"], ["MKT", "Marketing", "Marketing"]]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_member(data: bytes, name: str, chunks: object) -> bytes:
    """`data` (a workbook) with member `name` replaced by the bytes of `chunks` (bytes or an iterable)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename == name:
                continue
            target.writestr(info, source.read(info.filename))
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as handle:
            for chunk in [chunks] if isinstance(chunks, bytes) else chunks:  # type: ignore[union-attr]
                handle.write(chunk)
    return out.getvalue()


def sheet_xml(body: bytes, *, dimension: bytes = b"") -> bytes:
    return SHEET_HEAD + dimension + b"<sheetData>" + body + b"</sheetData></worksheet>"


def _raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip file from (name, raw deflate data, crc32, uncompressed size) members."""
    out = io.BytesIO()
    central = []
    for name, payload, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(payload), size, len(encoded), 0)
        )
        out.write(encoded + payload)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(payload),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0)
    )
    return out.getvalue()


def one_huge_cell(size: int = 2 * 1024**3) -> bytes:
    """A workbook whose one cell expands to `size` bytes (2 GiB by default; about 2 MB on disk).

    The deflate stream repeats one fully flushed compressed block, so making it is quick.
    """
    head = SHEET_HEAD + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    tail = b"</t></is></c></row></sheetData></worksheet>"
    block = b"A" * (16 * 1024 * 1024)
    repeats = size // len(block)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    middle = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    members = []
    source = zipfile.ZipFile(io.BytesIO(base_workbook()))
    for info in source.infolist():
        if info.filename == SHEET:
            payload = first + middle * repeats + last
            members.append((SHEET, payload, crc, len(head) + repeats * len(block) + len(tail)))
            continue
        raw = source.read(info.filename)
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        members.append((info.filename, packer.compress(raw) + packer.flush(), zlib.crc32(raw), len(raw)))
    return _raw_zip(members)


def empty_rows(count: int) -> bytes:
    """A header row, then `count` empty rows (each a <row> element with its number)."""
    body = b'<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>' + b"".join(
        b'<row r="%d"/>' % n for n in range(2, count + 2)
    )
    return with_member(base_workbook(), SHEET, sheet_xml(body))
