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

import numpy as np
import pandas as pd

from kpicore.files.formulas import neutralise_formula

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
        frame = _neutralised(frame)
    # Python's csv writer (under pandas) quotes a field holding the delimiter, a quote or a line feed;
    # only a lone carriage return is left unquoted, so then every field is quoted and quoted again here.
    text = frame.to_csv(index=False, lineterminator="\n", float_format=plain_number, quoting=csv.QUOTE_MINIMAL)
    if "\r" in text:
        formatted = frame.to_csv(index=False, lineterminator="\n", float_format=plain_number, quoting=csv.QUOTE_ALL)
        records = csv.reader(io.StringIO(formatted, newline=""))
        text = "".join(_record(fields) for fields in records)
    return text.encode("utf-8-sig" if bom else "utf-8")


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell through ``neutralise_formula``, worked out once per distinct text of a
    column (``kpicore.files.formulas``, the one home of the rule). Numbers stay numbers, negative ones included."""
    for column in frame.columns:
        cells = frame[column]
        if cells.dtype == object or pd.api.types.is_string_dtype(cells):
            codes, distinct = pd.factorize(cells)
            done = np.array([None, *(neutralise_formula(value) for value in distinct)], dtype=object)
            neutralised = pd.Series(done[codes + 1], index=cells.index, dtype=object).where(codes >= 0, cells)
            frame[column] = neutralised.infer_objects()  # as ``Series.map`` infers: all-number cells are numbers
    return frame


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
