"""Write the real test files of this folder: `python tests/files/make_files.py`.

The files are committed; this script documents how they were made and remakes
them identically (no dates or random numbers in them). Test owners:
``owner@council.gov.uk`` owns ``OWNED``; ``end-to-end-contact-decisions-made-within``
belongs to somebody else.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "data"
OWNED = [
    "initial-contact-decisions-made-within",
    "audits-completed-to-accepted-standard",
    "children-s-services-audits-rated-r-i",
]
NOT_OWNED = "end-to-end-contact-decisions-made-within"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x1f\x15\xc4\x89\x00\x00\x00"


def rows_csv(rows: list[list[object]], *, bom: bool = False, newline: str = "\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


LONG = ["measure_id", "period", "value", "commentary", "performance_group"]
VALID = [
    LONG,
    ["initial-contact-decisions-made-within", "2022-12", "78.1", "Two vacancies in the front door team", "Poor"],
    ["audits-completed-to-accepted-standard", "2022-12", "47", "", ""],
    ["children-s-services-audits-rated-r-i", "2022-12", "70%", "", "Fair"],
]

FILES: dict[str, bytes] = {
    "long-valid.csv": rows_csv(VALID),
    # Names instead of ids (with stray spaces), the council's month forms, a BOM and CRLF.
    "long-valid-bom.csv": rows_csv([
        ["measure", "period", "value"],
        ["  % of Initial contact decisions made within 24 hours ", "Dec-22", "78.1%"],
        ["Number of audits completed to accepted standard and uploaded", "Dec 2022", "47"],
    ], bom=True, newline="\r\n"),
    # Blank cells are "no figure", not zero.
    "scorecard-valid.csv": rows_csv([
        ["measure_id", "measure", "2022-12", "Jan-23"],
        ["initial-contact-decisions-made-within", "% of Initial contact decisions made within 24 hours", "78.1", ""],
        ["audits-completed-to-accepted-standard", "", "", "44"],
    ]),
    "unknown-measure.csv": rows_csv([
        LONG[:3],
        ["initial-contact-decisions-made-within", "2022-12", "78.1"],
        ["initial-contact-decisions-made-in-24h", "2022-12", "78.1"],
        ["% of initial contact decisions made within 24 hours", "2022-12", "78.1"],
    ]),
    "not-a-number.csv": rows_csv([LONG[:3], *[[OWNED[0], "2022-12", v] for v in ("n/a", "seventy", "12..5", "7 8")]]),
    "nan-inf.csv": rows_csv([LONG[:3], *[[OWNED[0], p, v] for p, v in (("2022-10", "NaN"), ("2022-12", "inf"), ("2023-01", "-Infinity"))]]),
    "ambiguous-numbers.csv": rows_csv([
        LONG[:3],
        [OWNED[1], "2022-12", "1,234.5"],
        [OWNED[1], "2023-01", "1.234,5"],
        [OWNED[0], "2022-12", "1,5"],
        [OWNED[0], "2023-01", "77.6"],
    ]),
    "out-of-bounds.csv": rows_csv([
        LONG[:3], [OWNED[0], "2022-12", "100.1"], [OWNED[0], "2023-01", "-1"], [OWNED[1], "2022-12", "-3"],
    ]),
    "fractional-count.csv": rows_csv([LONG[:3], [OWNED[1], "2022-12", "47.5"], [OWNED[0], "2022-12", "78.1"]]),
    "duplicate-rows.csv": rows_csv([
        LONG[:3],
        [OWNED[0], "2022-12", "78.1"],
        [OWNED[1], "2022-12", "47"],
        ["% of Initial contact decisions made within 24 hours", "Dec-22", "79.0"],
    ]),
    "unreadable-period.csv": rows_csv([
        LONG[:3], [OWNED[0], "Smarch-22", "78.1"], [OWNED[0], "2022-13", "78.1"], [OWNED[0], "", "78.1"],
        [OWNED[0], "22/12/2022", "78.1"],
    ]),
    "future-month.csv": rows_csv([LONG[:3], [OWNED[0], "2022-12", "78.1"], [OWNED[0], "2099-01", "78.1"]]),
    "empty.csv": b"",
    "header-only.csv": rows_csv([LONG]),
    "png-named.csv": PNG,
    "csv-named.xlsx": rows_csv(VALID),
    "latin1.csv": "measure_id,period,value,commentary\ninitial-contact-decisions-made-within,2022-12,78.1,Caf\u00e9\n".encode("latin-1"),
    "not-owned.csv": rows_csv([LONG[:3], [OWNED[0], "2022-12", "78.1"], [NOT_OWNED, "2022-12", "80.2"]]),
    # An unquoted thousands separator splits the number into two cells.
    "extra-cells.csv": b"measure_id,period,value\naudits-completed-to-accepted-standard,2022-12,1,234\n",
    "wrong-quarter.csv": rows_csv([LONG[:3], [OWNED[2], "2022-11", "70"], [OWNED[2], "2022-12", "70"]]),
    "percent-on-a-count.csv": rows_csv([LONG[:3], [OWNED[1], "2022-12", "47%"]]),
    # One file with a problem of (nearly) every kind, to show that every problem is listed at once.
    "many-problems.csv": rows_csv([
        LONG,
        [OWNED[0], "2022-12", "1,234.5", "", ""],
        ["no-such-measure", "2022-12", "50", "", ""],
        [OWNED[1], "2022-12", "47.5", "", ""],
        [OWNED[0], "Smarch-22", "78", "", ""],
        [OWNED[0], "2023-01", "NaN", "", ""],
        [OWNED[0], "2023-02", "120", "", "Brilliant"],
        [OWNED[0], "2099-01", "78", "", ""],
        [NOT_OWNED, "2022-12", "80", "", ""],
        [OWNED[1], "2023-01", "44", "", ""],
        [OWNED[1], "Jan-23", "45", "", ""],
    ]),
}


def measures() -> list[dict]:
    with open(DATA / "measures.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def large_file() -> bytes:
    """Every measure for the 60 months before the shipped data (5,000 rows), with one bad value deep inside."""
    months = [f"{year}-{month:02d}" for year in range(2016, 2022) for month in range(1, 13)]
    months = [m for m in months if "2016-11" <= m <= "2021-10"]
    rows: list[list[object]] = [LONG[:3]]
    for i, measure in enumerate(measures()):
        for j, month in enumerate(months):
            if measure["frequency"] == "quarterly" and int(month[5:]) % 3:
                continue
            value = str(40 + (i + j) % 20) if measure["unit"] == "count" else f"{50 + ((i * 7 + j) % 400) / 10:.1f}"
            rows.append([measure["measure_id"], month, value])
    rows[4321][2] = "61,5"
    return rows_csv(rows)


def xlsx(rows: list[list[object]], formats: dict[tuple[int, int], str]) -> bytes:
    """A workbook whose cells hold ``rows`` with number formats keyed by (row, column), 1-based."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Figures"
    for row in rows:
        sheet.append(row)
    for (row, column), number_format in formats.items():
        sheet.cell(row=row, column=column).number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return _stable_zip(buffer.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same workbook with fixed timestamps, so that remaking the files changes nothing."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2022-12-01T00:00:00Z", content)
            entry = zipfile.ZipInfo(info.filename, date_time=(2022, 12, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def excel_files() -> dict[str, bytes]:
    dec, jan = datetime(2022, 12, 1), datetime(2023, 1, 15)
    long_rows = [
        LONG,
        [OWNED[0], dec, 0.781, "Two vacancies in the front door team", "Poor"],
        [OWNED[1], jan, 47, None, None],
        [OWNED[2], dec, 0.7, None, "fair"],
    ]
    long_formats = {(2, 2): "mmm-yy", (3, 2): "dd/mm/yyyy", (4, 2): "yyyy-mm-dd", (2, 3): "0.0%", (4, 3): "0%"}
    scorecard_rows = [
        ["measure_id", "measure", dec, jan],
        [OWNED[0], "% of Initial contact decisions made within 24 hours", 0.781, None],
        [OWNED[1], "Number of audits completed to accepted standard and uploaded", None, 44],
    ]
    scorecard_formats = {(1, 3): "mmm-yy", (1, 4): "mmm-yy", (2, 3): "0.0%"}
    bad_rows = [
        ["Figures for December", None, None],
        LONG[:3],
        [OWNED[1], dec, 0.47],
        [OWNED[0], datetime(2026, 11, 22), 78.1],
        [OWNED[0], jan, datetime(2022, 12, 1)],
        [OWNED[0], "2023-02", "1,5"],
        [OWNED[0], 44896, 78.1],
    ]
    bad_formats = {(3, 2): "mmm-yy", (3, 3): "0%", (4, 2): "d-mmm", (5, 2): "mmm-yy", (5, 3): "dd/mm/yyyy"}
    return {
        "percent-and-dates.xlsx": xlsx(long_rows, long_formats),
        "scorecard-percent-dates.xlsx": xlsx(scorecard_rows, scorecard_formats),
        "bad-cells.xlsx": xlsx(bad_rows, bad_formats),
        "xlsx-named.csv": xlsx(long_rows, long_formats),
    }


def main() -> None:
    files = {**FILES, **excel_files(), "large-one-bad-row.csv": large_file()}
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(files)} files to {HERE}")


if __name__ == "__main__":
    main()
