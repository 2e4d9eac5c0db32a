"""Reading an XLSX grid: the first sheet's rows as cells, numbers marked when formatted as percentages."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import openpyxl

from kpicore.files.upload.cells import Grid, Number, Yearless


def xlsx_grid(data: bytes) -> tuple[Grid, list[str]]:
    """The first sheet's rows, and the titles of the other sheets that hold anything (they are not read)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        grid = []
        for cells in sheet.iter_rows():
            row_number = next((c.row for c in cells if getattr(c, "row", None)), None)
            if row_number is None:
                continue
            grid.append((row_number, [_cell(c) for c in cells]))
        return grid, [s.title for s in book.worksheets[1:] if s.max_row and s.max_row > 1]
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
    return str(value)
