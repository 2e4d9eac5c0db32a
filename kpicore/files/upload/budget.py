"""What one file may take while it is read: the clock, its rows, columns and cells, and the text of a cell.

Reading stops at the first limit broken (``Refused``, told as the file's one problem, with the limit's
name); a cell too long or holding a control character is a problem at its row and column, and the
other cells are still read so that every such cell is listed.
"""

from __future__ import annotations

import re
import time

from kpicore.files.upload.cells import blank, column_letter
from kpicore.files.upload.limits import Limits
from kpicore.files.upload.parsed import Parsed, add_problem

# What a spreadsheet cannot hold (XML 1.0 forbids them; openpyxl refuses to write them): NUL and the
# other C0 controls but tab, line feed and carriage return. A terminal's escape sequences start with one.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NAMES = {0: "NUL", 0x1B: "ESC"}


class Refused(Exception):
    """A limit broken while reading: reading stops, and this is the file's problem."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None, value: str = ""):
        super().__init__(message)
        self.message, self.row, self.column, self.value = message, row, column, value

    def record(self, parsed: Parsed) -> None:
        add_problem(parsed, self.row, self.column, self.value, self.message)


class Budget:
    """The limits of one file and the clock started when its reading began."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_parse_seconds
        self.cells = 0

    def check_time(self, row: int | None = None) -> None:
        """Stop reading (``Refused``) once the file has taken its time."""
        if time.monotonic() > self.deadline:
            at = f" (stopped at row {row})" if row is not None else ""
            raise Refused(
                f"took longer than {self.limits.max_parse_seconds:g} seconds to read{at}, the most one file may "
                "take (max_parse_seconds): split it into smaller files", row,
            )

    def row(self, parsed: Parsed, number: int, cells: list) -> list | None:
        """Row ``number``'s cells, checked against the limits: ``None`` for a blank row past the last row
        allowed; ``Refused`` past the rows, columns, cells or time allowed. Each text cell too long or
        holding a control character is recorded as a problem."""
        self.check_time(number)
        limits = self.limits
        if len(cells) > limits.max_columns:
            cells = self._within_columns(number, cells)
        if number > limits.max_rows:
            if all(blank(c) for c in cells):
                return None
            raise Refused(
                f"has more than {limits.max_rows} rows: row {number} is past the most one file may hold "
                "(max_rows): split it into smaller files", number,
            )
        self.cells += len(cells)
        if self.cells > limits.max_cells:
            raise Refused(
                f"has more than {limits.max_cells} cells (reached at row {number}), the most one file may hold "
                "(max_cells): split it into smaller files", number,
            )
        for position, cell in enumerate(cells):
            if isinstance(cell, str):
                self._check_text(parsed, number, position, cell)
        return cells

    def _within_columns(self, number: int, cells: list) -> list:
        """The row's first ``max_columns`` cells; ``Refused`` when a cell past them is not blank."""
        limit = self.limits.max_columns
        beyond = next((i for i in range(limit, len(cells)) if not blank(cells[i])), None)
        if beyond is not None:
            raise Refused(
                f"has more than {limit} columns: column {column_letter(beyond)} is past the most one file may "
                "hold (max_columns)", number, column_letter(beyond), str(cells[beyond]),
            )
        return cells[:limit]

    def _check_text(self, parsed: Parsed, number: int, position: int, text: str) -> None:
        if len(text) > self.limits.max_cell_chars:
            add_problem(parsed, number, column_letter(position), text, (
                f"is {len(text)} characters long: a cell may hold at most {self.limits.max_cell_chars} characters "
                "(max_cell_chars)"
            ))
        elif found := CONTROL.search(text):
            code = ord(found.group())
            add_problem(parsed, number, column_letter(position), text, (
                f"contains a control character (U+{code:04X} {_NAMES.get(code, '')}".rstrip() + ") that a "
                "spreadsheet cannot hold: remove it (it may have come from another system's export)"
            ))
