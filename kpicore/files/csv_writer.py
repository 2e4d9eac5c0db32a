"""The one CSV writer: every CSV the product writes (downloads, the command line, the dataset, templates).

UTF-8, ``\\n`` line ends, no index; numbers plain (``77.6``, ``52``, never
``52.0`` or ``7.76e1``), ``true``/``false`` for booleans, blank for missing.
Every field holding a carriage return, a line feed, a double quote or a comma is
quoted (``"..."``, a quote inside doubled), so a line break inside a cell never
starts a new record: Python's ``csv`` writer leaves a lone carriage return
unquoted when the line end is ``\\n``, so the quoting is done here.
Text is neutralised against formula injection, on every line of a cell, unless
the file is the project's own data (``for_spreadsheets=False``).
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from kpicore.files.formulas import neutralise_formulas

DELIMITER = ","
_NEEDS_QUOTES = ("\r", "\n", '"', DELIMITER)
"""A field holding any of these is quoted."""


def write_csv(frame: pd.DataFrame, *, for_spreadsheets: bool = True, bom: bool = False) -> bytes:
    """``frame`` as CSV bytes. ``bom`` adds the byte-order mark Excel needs to read UTF-8 (templates)."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == bool:
            frame[column] = frame[column].map({True: "true", False: "false"})
    if for_spreadsheets:
        frame = neutralise_formulas(frame)
    # pandas formats every field (numbers, blanks); quoted all, they read back exactly as written.
    formatted = io.StringIO()
    frame.to_csv(formatted, index=False, lineterminator="\n", float_format=plain_number, quoting=csv.QUOTE_ALL)
    records = csv.reader(io.StringIO(formatted.getvalue(), newline=""))
    text = "".join(_record(fields) for fields in records)
    return text.encode("utf-8-sig" if bom else "utf-8")


def _record(fields: list[str]) -> str:
    if fields == [""]:  # a lone blank field is quoted, or the line would be blank (as Python's csv writes it)
        return '""\n'
    return DELIMITER.join(_field(field) for field in fields) + "\n"


def _field(text: str) -> str:
    """``text`` quoted when it holds a line break, a quote or the delimiter; as it is otherwise."""
    if any(character in text for character in _NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


def plain_number(value: float) -> str:
    """77.6 as ``77.6`` and 52.0 as ``52``, to at most six decimals; never ``-0``."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
