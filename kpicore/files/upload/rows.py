"""A row of figures below the header: its cells, and the measure it is for."""

from __future__ import annotations

from dataclasses import dataclass

from kpicore.files.upload.cells import all_blank, blank, shown
from kpicore.files.upload.header import Header
from kpicore.files.upload.measures import MeasureResolver
from kpicore.files.upload.parsed import Parsed, add_problem


@dataclass(frozen=True)
class Row:
    """A row whose measure is known: its row number, its cells, the measure (and where it was named) and unit."""

    number: int
    cells: list
    measure: dict
    """``row, measure_column, measure_text, measure_id``: the start of each figure's record."""
    unit: str

    def at(self, position: int) -> object:
        """The cell at ``position``; ``None`` past the row's last cell."""
        return _at(self.cells, position)


def measure_row(parsed: Parsed, header: Header, resolver: MeasureResolver, number: int, cells: list) -> Row | None:
    """The row ``number`` with its measure; ``None`` for a blank row, or after recording why it cannot be read."""
    if all_blank(cells) or _has_extra_cells(parsed, header, number, cells):
        return None
    given = {key: _at(cells, header.columns[key]) for key in ("measure_id", "measure") if key in header.columns}
    measure_id, column, text, problem = resolver.resolve(given, header.names)
    if problem:
        add_problem(parsed, number, column, text, problem)
        return None
    measure = {"row": number, "measure_column": column, "measure_text": text, "measure_id": measure_id}
    return Row(number, cells, measure, resolver.unit(measure_id))


def _at(cells: list, position: int) -> object:
    return cells[position] if position < len(cells) else None


def _has_extra_cells(parsed: Parsed, header: Header, number: int, cells: list) -> bool:
    """More filled cells than header columns, recorded as a problem: usually a comma inside a number or text."""
    width = len(header.cells)
    beyond = [c for c in cells[width:] if not blank(c)]
    if beyond:
        add_problem(
            parsed, number, None, ",".join(shown(c) for c in cells),
            f"has {width + len(beyond)} cells but the header has {width}: is there a comma in "
            "a number (1,234.5) or in text? Write numbers without separators and put text in quotes",
        )
    return bool(beyond)
