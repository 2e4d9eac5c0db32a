"""Reading an XLSX grid: the first sheet's rows as cells, numbers marked when formatted as percentages.

The sheet is read row by row within the file's ``Budget`` (its stated dimensions are ignored: they
can lie). A formula is read as the result Excel saved with it; a formula without one (a file written
by a program, never opened in Excel) is a problem at its cell, not a blank.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from kpicore.files.formulas import restore_formula
from kpicore.files.upload.budget import Budget
from kpicore.files.upload.cells import Grid, Number, Yearless, column_letter
from kpicore.files.upload.parsed import Parsed, add_problem

NO_SAVED_RESULT = (
    "is a formula with no saved result: open the file in Excel and save it, or paste values instead of formulas"
)


def xlsx_grid(parsed: Parsed, data: bytes, budget: Budget) -> tuple[Grid, list[str]]:
    """The first sheet's rows, and the titles of the other sheets that hold anything (they are not read)."""
    grid, formulas, extra_sheets = _read(parsed, data, budget, data_only=False)
    if formulas:
        _saved_results(parsed, data, budget, grid, formulas)
    return grid, extra_sheets


def _open(data: bytes, *, data_only: bool):
    """The workbook, read-only (openpyxl is imported here: reading a CSV never loads it)."""
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)


def _read(parsed: Parsed, data: bytes, budget: Budget, *, data_only: bool) -> tuple[Grid, set, list[str]]:
    """The first sheet's rows, where its formulas are (``(row, position)``) and the other sheets' titles."""
    book = _open(data, data_only=data_only)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        grid, formulas = [], set()
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            row = [None if getattr(c, "data_type", None) == "f" else _cell(c) for c in cells]
            formulas |= {(number, i) for i, c in enumerate(cells) if getattr(c, "data_type", None) == "f"}
            kept = budget.row(parsed, number, row)
            if kept is not None:
                grid.append((number, kept))
        return grid, formulas, [s.title for s in book.worksheets[1:] if s.max_row and s.max_row > 1]
    finally:
        book.close()


def _saved_results(parsed: Parsed, data: bytes, budget: Budget, grid: Grid, formulas: set) -> None:
    """Each formula cell of ``grid`` as the result Excel saved with it; a problem where there is none."""
    book = _open(data, data_only=True)
    rows = dict(grid)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            budget.check_time(number)
            for position in (p for p in range(len(cells)) if (number, p) in formulas and number in rows):
                value = _cell(cells[position])
                if value is None:
                    add_problem(parsed, number, column_letter(position), "", NO_SAVED_RESULT)
                elif position < len(rows[number]):
                    rows[number][position] = value
    finally:
        book.close()


def _percent_format(number_format: str | None) -> bool:
    """Whether an Excel number format scales by 100 (a ``%`` outside quotes and escapes)."""
    fmt = re.sub(r'"[^"]*"|\\.', "", number_format or "")
    return "%" in fmt


def _cell(cell) -> object:
    """A workbook cell's value: text, ``Number`` (77.6 for 0.776 shown as a percentage), a date or ``Yearless``."""
    value = cell.value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (datetime, date)):
        if "y" not in (cell.number_format or "").lower():
            return Yearless(value)
        return value
    if isinstance(value, (int, float)):
        percent = _percent_format(cell.number_format)
        return Number(round(value * 100, 9) if percent else float(value), percent)
    return restore_formula(str(value))
