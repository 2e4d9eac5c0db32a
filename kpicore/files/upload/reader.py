"""Reading a file: refuse what cannot be read, turn the rest into a grid of cells, and read the grid."""

from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd

from kpicore.files.upload.cells import Grid
from kpicore.files.upload.file_type import refusal, suffix
from kpicore.files.upload.grid import read_grid
from kpicore.files.upload.parsed import Parsed, add_problem
from kpicore.files.upload.xlsx_grid import xlsx_grid


def read(name: str, data: bytes, measures: pd.DataFrame) -> Parsed:
    """Read ``data`` (a file called ``name``) into figures against the catalogue ``measures``."""
    parsed = Parsed(name)
    file_suffix = suffix(name)
    problem = refusal(file_suffix, data)
    if problem:
        add_problem(parsed, None, None, "", problem)
        return parsed
    grid = csv_grid(parsed, data) if file_suffix == "csv" else workbook_grid(parsed, data)
    if grid is not None:
        read_grid(parsed, grid, measures)
    return parsed


def csv_grid(parsed: Parsed, data: bytes) -> Grid | None:
    """The rows of CSV text (UTF-8, with or without a byte order mark), or ``None`` after recording why not."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        add_problem(
            parsed, row, None, data[error.start:error.start + 8].decode("latin-1"),
            "is not UTF-8 text: in Excel, save it as 'CSV UTF-8 (Comma delimited)'",
        )
        return None
    return [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]


def workbook_grid(parsed: Parsed, data: bytes) -> Grid | None:
    """The first sheet's rows (noting any other sheet not read), or ``None`` after recording why not."""
    try:
        grid, extra_sheets = xlsx_grid(data)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        add_problem(
            parsed, None, None, "", f"is not a readable Excel workbook ({type(error).__name__}): save it again as .xlsx"
        )
        return None
    if extra_sheets:
        parsed.notes.append(f"Only the first sheet was read; not read: {', '.join(extra_sheets)}.")
    return grid
