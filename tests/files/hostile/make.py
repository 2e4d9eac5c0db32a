"""The hostile corpus: files made to break the upload reader, each with its expected outcome in ``expected.csv``.

``python tests/files/hostile/make.py`` rewrites the small files committed beside this script. The big
ones (decompression bombs, a 210 MB CSV, a million-column header) are never committed: ``tests/test_hostile.py``
makes them at test time with ``generate(folder)`` into pytest's temporary folder (``tmp_path_factory``,
under the system's temporary directory, e.g. ``/tmp/pytest-of-root/pytest-N/hostile0``). Everything is
deterministic: no dates, no random numbers, zip entries dated 2022-12-01.

Figures are for 2022-12, the month after the shipped data ends, so an accepted file adds new figures only.
``LITERAL`` is the commentary an accepted file must store, byte for byte.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
MONTH = "2022-12"
A, B, C = (
    "initial-contact-decisions-made-within",
    "audits-completed-to-accepted-standard",
    "children-s-services-audits-rated-r-i",
)
HEADER = ["measure_id", "period", "value", "commentary"]
SHEET = "xl/worksheets/sheet1.xml"
DATED = (2022, 12, 1, 0, 0, 0)
MB = 1024 * 1024


class Formula(str):
    """A workbook cell written as a formula (any other text starting with ``=`` is written as text)."""


# --- building blocks ------------------------------------------------------------------------------


def rows_csv(rows: list[list[object]], *, newline: str = "\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


def figures(*commentary: str) -> list[list[object]]:
    """The header and one figure per commentary, for the owned measures in turn."""
    return [HEADER] + [[m, MONTH, f"{50 + i}", text] for i, (m, text) in enumerate(zip((A, B, C), commentary))]


def stable_zip(entries: dict[str, bytes], *, level: int = 9) -> bytes:
    """A zip of ``entries`` in order, deflated, every entry dated the same day."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name, date_time=DATED)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content, compresslevel=level)
    return out.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def workbook(rows: list[list[object]], *, more_sheets: dict[str, list[list[object]]] | None = None) -> bytes:
    """An ``.xlsx`` of ``rows`` on its first sheet (text as text; ``Formula`` cells as formulas)."""
    book = openpyxl.Workbook()
    _fill(book.active, rows)
    for title, extra in (more_sheets or {}).items():
        _fill(book.create_sheet(title), extra)
    buffer = io.BytesIO()
    book.save(buffer)
    entries = parts(buffer.getvalue())
    entries["docProps/core.xml"] = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2022-12-01T00:00:00Z",
                                          entries["docProps/core.xml"])
    return stable_zip(entries)


def _fill(sheet, rows: list[list[object]]) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(r, c, value)
            if isinstance(value, str) and not isinstance(value, Formula):
                cell.data_type = "s"


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    entries = parts(data)
    entries[name] = content
    return stable_zip(entries)


def _edit_sheet(data: bytes, edit: Callable[[bytes], bytes]) -> bytes:
    return replace_part(data, SHEET, edit(parts(data)[SHEET]))


def _streamed_zip(entries: dict[str, bytes], big_name: str, pieces: Callable[[], object]) -> bytes:
    """A zip of ``entries`` with ``big_name`` written from ``pieces()`` (byte strings) without holding it whole."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name, date_time=DATED)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name == big_name:
                with archive.open(info, "w", force_zip64=False) as stream:
                    for piece in pieces():
                        stream.write(piece)
            else:
                archive.writestr(info, content)
    return out.getvalue()


# --- workbooks that attack ------------------------------------------------------------------------


def valid_workbook() -> bytes:
    return workbook(figures("one"))


def spaces_bomb(uncompressed: int) -> bytes:
    """The valid workbook with ``uncompressed`` bytes of spaces inside its sheet (about 1000:1)."""
    data = valid_workbook()
    entries = parts(data)
    head, tail = entries[SHEET].split(b"</sheetData>")

    def pieces():
        yield head
        block = b" " * MB
        for _ in range(uncompressed // MB):
            yield block
        yield b"</sheetData>" + tail

    return _streamed_zip(entries, SHEET, pieces)


def understated_bomb(uncompressed: int) -> bytes:
    """A spaces bomb whose zip says its sheet is 1000 bytes unzipped (the central directory's size changed)."""
    data = bytearray(spaces_bomb(uncompressed))
    entry = data.rindex(b"PK\x01\x02", 0, data.index(SHEET.encode(), data.index(b"PK\x01\x02")) + 1)
    assert data[entry + 24:entry + 28] == uncompressed.to_bytes(4, "little") or True
    data[entry + 24:entry + 28] = (1000).to_bytes(4, "little")
    return bytes(data)


def rows_bomb(rows: int) -> bytes:
    """A sheet of ``rows`` real rows, no header, under 10 MB zipped and compressed about ten times (no ratio
    catches it): only counting rows while reading stops it."""
    data = valid_workbook()
    entries = parts(data)
    head = entries[SHEET].split(b"<sheetData>")[0]

    def pieces():
        yield head + b"<sheetData>"
        for start in range(1, rows + 1, 10_000):
            yield b"".join(
                b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r) for r in range(start, min(start + 10_000, rows + 1))
            )
        yield b"</sheetData></worksheet>"

    return _streamed_zip(entries, SHEET, pieces)


def many_entries(count: int) -> bytes:
    entries = parts(valid_workbook())
    entries |= {f"xl/media/pad{i}.bin": b"" for i in range(count)}
    return stable_zip(entries)


def lying_dimension() -> bytes:
    """A sheet of two rows and 3000 empty ones that says it spans every cell Excel has (A1:XFD1048576):
    read as it says, each row would be 16,384 cells."""
    empty = b"".join(b'<row r="%d"/>' % r for r in range(3, 3003))

    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
        return xml.replace(b"</sheetData>", empty + b"</sheetData>")

    return _edit_sheet(valid_workbook(), edit)


def far_row() -> bytes:
    """The valid workbook with one more figure at Excel's last row, 1,048,576."""
    row = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>%s</t></is></c></row>' % A.encode()
    return _edit_sheet(valid_workbook(), lambda xml: xml.replace(b"</sheetData>", row + b"</sheetData>"))


def wide_row(columns: int = 16_384) -> bytes:
    """A header row of ``columns`` month headings (Excel's widest sheet)."""
    return workbook([["measure_id"] + [f"{2000 + i // 12}-{i % 12 + 1:02}" for i in range(columns - 1)]])


def billion_laughs() -> bytes:
    """A sheet whose one text cell is an entity that expands to 10^9 ``lol``."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    doctype = b"<!DOCTYPE worksheet [" + entities + b"]>"

    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or b"") + doctype, xml, count=1)
        return xml.replace(b"<t>one</t>", b"<t>&lol9;</t>")

    return _edit_sheet(valid_workbook(), edit)


def cached_formula() -> bytes:
    """A formula with its saved result (3), as Excel leaves it."""
    data = workbook([HEADER[:3], [A, MONTH, Formula("=SUM(1,2)")]])
    return _edit_sheet(data, lambda xml: xml.replace(b"<f>SUM(1,2)</f><v />", b"<f>SUM(1,2)</f><v>3</v>"))


def macro_workbook() -> bytes:
    """A macro-enabled workbook (``.xlsm`` content, a ``vbaProject.bin``) named ``.xlsx``."""
    entries = parts(valid_workbook())
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    entries["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Module1\"\nSub Auto_Open()\n"
    return stable_zip(entries)


def empty_workbook() -> bytes:
    return workbook([])


# --- the corpus -----------------------------------------------------------------------------------


LITERAL = {
    "utf8-no-bom.csv": ["£5k over budget, café closed"],
    "utf8-bom.csv": ["£5k over budget"],
    "utf16-le-bom.csv": ["£5k over budget, naïve"],
    "utf16-be-bom.csv": ["£5k over budget, naïve"],
    "csv-formulas.csv": ["=cmd|' /C calc'!A0", "@SUM(1+1)", "-1"],
    "xlsx-formula-text.xlsx": ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1"],
    "html-script.csv": ["<script>alert('x')</script><b>bold</b>", "<img src=x onerror=alert(1)>"],
    "sql-commentary.csv": ["'); DROP TABLE observations;--", "1' OR '1'='1"],
    "crlf-in-commentary.csv": ["first line\r\nsecond line", "a\nb\rc"],
    "tab-in-commentary.csv": ["starts with a tab", "has\ta tab"],  # commentary is stored stripped of outer spaces
    "bidi-and-emoji.csv": ["\u202eevil\u202c 🙂 ‮", "zero\u200bwidth"],
    "long-commentary-2000.csv": ["z" * 2000],
    "several-sheets.xlsx": ["one"],
    "lying-dimension.xlsx": ["one"],
    "formula-cached.xlsx": [None],
    "neutralised-export.csv": ["=SUM(1)", "-fell by 3", "'plain apostrophe"],
}


def _csv(rows: list[list[object]], encoding: str = "utf-8", newline: str = "\n") -> Callable[[], bytes]:
    return lambda: rows_csv(rows, newline=newline).encode(encoding)


def _nul_after_8k() -> bytes:
    filler = "".join(f"{A},2021-{m:02},1,ok\n" for m in range(1, 13)) * 100
    return f"{rows_csv([HEADER])}{filler}{B},{MONTH},1,a\x00b\n".encode()


SMALL: dict[str, Callable[[], bytes]] = {
    # 1. numbers
    "number-20kb.csv": _csv([HEADER[:3], [A, MONTH, "1" * 20_000 + "x"]]),
    "number-9000-digits.csv": _csv([HEADER[:3], [A, MONTH, "1" * 9_000 + "x"]]),
    "unicode-digits.csv": _csv([HEADER[:3], [A, MONTH, "٧٧"]]),
    "underscore-number.csv": _csv([HEADER[:3], [A, MONTH, "1_000"]]),
    # 2. workbooks
    "lying-dimension.xlsx": lying_dimension,
    "far-row.xlsx": far_row,
    "many-entries.xlsx": lambda: many_entries(1500),
    # 3. failures inside the readers
    "truncated.xlsx": lambda: valid_workbook()[:1500],
    "billion-laughs.xlsx": billion_laughs,
    "broken-styles.xlsx": lambda: replace_part(valid_workbook(), "xl/styles.xml", b"<styleSheet><oops"),
    "not-a-workbook-zip.xlsx": lambda: stable_zip({"hello.txt": b"not a workbook"}),
    # 4. encodings
    "utf8-no-bom.csv": _csv(figures(*LITERAL["utf8-no-bom.csv"])),
    "utf8-bom.csv": lambda: b"\xef\xbb\xbf" + _csv(figures(*LITERAL["utf8-bom.csv"]))(),
    "utf16-le-bom.csv": lambda: b"\xff\xfe" + _csv(figures(*LITERAL["utf16-le-bom.csv"]), "utf-16-le", "\r\n")(),
    "utf16-be-bom.csv": lambda: b"\xfe\xff" + _csv(figures(*LITERAL["utf16-be-bom.csv"]), "utf-16-be")(),
    "utf16-no-bom.csv": _csv(figures("no byte order mark"), "utf-16-le"),
    "latin1-pound.csv": _csv(figures("£5k over budget"), "latin-1"),
    "invalid-utf8.csv": lambda: _csv(figures("fine"))() + f"{B},{MONTH},1,bad \xff\xfe bytes\n".encode("latin-1"),
    "bom-only.csv": lambda: b"\xef\xbb\xbf",
    "nul-after-8k.csv": _nul_after_8k,
    "control-chars.csv": _csv(figures("\x1b[31mred\x1b[0m terminal colours")),
    # 4. formulas, sizes
    "formula-no-cache.xlsx": lambda: workbook([HEADER[:3], [A, MONTH, Formula("=SUM(1,2)")], [B, MONTH, Formula("=1/0")]]),
    "formula-cached.xlsx": cached_formula,
    "long-cell.csv": _csv([HEADER, [A, MONTH, "1", "y" * 10_001]]),
    "long-commentary-2000.csv": _csv(figures(*LITERAL["long-commentary-2000.csv"])),
    "long-measure-name.csv": _csv([HEADER[:3], ["measure " * 1000, MONTH, "1"]]),
    "many-problems.csv": _csv([HEADER[:3]] + [[A, MONTH, f"bad{i}"] for i in range(1000)]),
    # hostile text, accepted and stored literally
    "csv-formulas.csv": lambda: rows_csv([HEADER] + [
        [A, MONTH, "+1", "=cmd|' /C calc'!A0"], [B, MONTH, "4", "@SUM(1+1)"], [C, MONTH, "-0", "-1"],
    ]).encode(),
    "xlsx-formula-text.xlsx": lambda: workbook(figures(*LITERAL["xlsx-formula-text.xlsx"])),
    "html-script.csv": _csv(figures(*LITERAL["html-script.csv"])),
    "sql-commentary.csv": _csv(figures(*LITERAL["sql-commentary.csv"])),
    "sql-measure.csv": _csv([HEADER[:3], ["x'); DROP TABLE observations;--", MONTH, "1"]]),
    "crlf-in-commentary.csv": lambda: rows_csv(figures(*LITERAL["crlf-in-commentary.csv"]), newline="\r\n").encode(),
    "tab-in-commentary.csv": _csv(figures("\tstarts with a tab", "has\ta tab")),
    "bidi-and-emoji.csv": _csv(figures(*LITERAL["bidi-and-emoji.csv"])),
    "neutralised-export.csv": _csv(figures("'=SUM(1)", "'-fell by 3", "'plain apostrophe")),
    # workbooks of every shape
    "macro-named-xlsx.xlsx": macro_workbook,
    "empty-workbook.xlsx": empty_workbook,
    "several-sheets.xlsx": lambda: workbook(figures("one"), more_sheets={"Notes": [["a"], ["b"]], "Old": [["c"], ["d"]]}),
    "wide-row.xlsx": wide_row,
    "long-cell.xlsx": lambda: workbook([HEADER, [A, MONTH, 1, "w" * 20_000]]),
}

BIG: dict[str, Callable[[], bytes]] = {
    "csv-field-150k.csv": _csv([HEADER, [A, MONTH, "1", "x" * 150_000]]),
    "months-110k.csv": _csv([["measure_id"] + [f"{1900 + i % 120}-{i % 12 + 1:02}" for i in range(110_000)], [A] + ["1"] * 110_000]),
    "million-columns.csv": lambda: ("measure_id," + ",".join(f"c{i}" for i in range(1_000_000)) + "\n").encode(),
    "spaces-bomb-1gb.xlsx": lambda: spaces_bomb(1024 * MB),
    "ratio-bomb-50mb.xlsx": lambda: spaces_bomb(50 * MB),
    "rows-bomb-1m.xlsx": lambda: rows_bomb(1_000_000),
    "huge-210mb.csv": lambda: (rows_csv([HEADER[:3]]) + f"{A},{MONTH},1\n" * (210 * MB // 46)).encode(),
    "many-rows-9mb.csv": lambda: (rows_csv([HEADER[:3]]) + f"{A},{MONTH},x\n" * 200_000).encode(),
}


def generate(folder: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Write the big files (or those of ``names``) into ``folder``; their paths by name."""
    paths = {}
    for name, make in BIG.items():
        if names is None or name in names:
            paths[name] = folder / name
            paths[name].write_bytes(make())
    return paths


def main() -> None:
    for name, make in SMALL.items():
        (HERE / name).write_bytes(make())


if __name__ == "__main__":
    main()
