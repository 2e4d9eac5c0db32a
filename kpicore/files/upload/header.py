"""Finding the header row (the first with a ``measure_id`` or ``measure`` column) and naming its columns."""

from __future__ import annotations

from dataclasses import dataclass, field

from kpicore.files.upload.cells import YEARLESS_PROBLEM, Grid, Yearless, all_blank, blank, header_name, month, shown
from kpicore.files.upload.parsed import Parsed, add_problem
from kpicore.periods import label

HEADER_SEARCH_ROWS = 10
KNOWN_COLUMNS = ("measure_id", "measure", "period", "value", "commentary", "performance_group")
# Columns a template or the scorecard download carries for people to read; never read back.
_INFORMATIONAL = {
    "unit", "area", "area_id", "killer_kpi", "dot", "change", "distance", "target", "tolerance", "comparator",
    "comparator_note", "suggested_performance_group", "status", "status_period", "last_value", "last_period",
}


@dataclass
class Header:
    """The header row: where each known column and each month column is, and the columns not read."""

    row: int
    cells: list
    columns: dict[str, int] = field(default_factory=dict)
    """Position of each of ``KNOWN_COLUMNS`` present."""
    months: dict[str, tuple[int, str]] = field(default_factory=dict)
    """Each month column's period: its position and its heading as shown."""
    ignored: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    """Each known column's heading as the person typed it, for messages."""


def find_header(grid: Grid) -> int | None:
    """Where the header row is in ``grid``: the first of its first rows with a measure_id or measure column."""
    return next(
        (i for i, (_, cells) in enumerate(grid[:HEADER_SEARCH_ROWS])
         if {"measure_id", "measure"} & {header_name(c) for c in cells}),
        None,
    )


def refuse_headerless(parsed: Parsed, grid: Grid) -> None:
    """Record why a grid without a header row cannot be read: empty, ``;``-separated, or not a template."""
    if all(all_blank(cells) for _, cells in grid):
        add_problem(parsed, None, None, "", "is empty: there is nothing to read")
        return
    first = next((n for n, cells in grid if not all_blank(cells)), 1)
    found = ", ".join(shown(c) for c in dict(grid)[first] if not blank(c))[:120]
    if ";" in found and "," not in found:
        message = "has columns separated by ';': save it as comma-separated CSV (CSV UTF-8)"
    else:
        message = (
            "has no header row with a measure_id (or measure) column: use a template, with the header "
            "measure_id, period, value (long layout) or measure_id and one column per month (scorecard layout)"
        )
    add_problem(parsed, first, None, found, message)


def read_header(parsed: Parsed, row: int, cells: list) -> Header:
    """Name every column of the header row, recording a column given twice or a month without a year."""
    header = Header(row, cells)
    for position, cell in enumerate(cells):
        if not blank(cell):
            _read_heading(parsed, header, position, cell)
    header.names = {key: shown(cells[position]) for key, position in header.columns.items()}
    return header


def _read_heading(parsed: Parsed, header: Header, position: int, cell: object) -> None:
    key = header_name(cell)
    if isinstance(cell, Yearless):
        add_problem(parsed, header.row, shown(cell), shown(cell), YEARLESS_PROBLEM)
    elif key in KNOWN_COLUMNS:
        if key in header.columns:
            add_problem(parsed, header.row, shown(cell), shown(cell), "this column appears twice")
        header.columns[key] = position
    elif (period := month(cell)) is not None:
        if period in header.months:
            add_problem(
                parsed, header.row, shown(cell), shown(cell),
                f"is a second column for {label(period)} (the first is '{header.months[period][1]}'): "
                "give one column per month",
            )
        header.months[period] = (position, shown(cell))
    elif key not in _INFORMATIONAL and not key.startswith("band_"):
        header.ignored.append(shown(cell))
