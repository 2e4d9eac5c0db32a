"""Reading a long-layout row: one figure, its month, and optionally commentary and a performance group."""

from __future__ import annotations

from kpicore.files.upload.cells import YEARLESS_PROBLEM, Number, Yearless, blank, shown
from kpicore.files.upload.header import Header
from kpicore.files.upload.numbers import read_figure
from kpicore.files.upload.parsed import Parsed, add_problem
from kpicore.files.upload.rows import Row
from kpicore.periods import parse_period
from kpicore.vocab import PerformanceGroup


def read_long_row(parsed: Parsed, header: Header, row: Row) -> list[dict]:
    """The row's figure as a record (none when its value is blank), recording any problem with its cells."""
    commentary_cell, group_cell = _optional(header, row, "commentary"), _optional(header, row, "performance_group")
    value_cell, period_cell = row.at(header.columns["value"]), row.at(header.columns["period"])
    if blank(value_cell):
        if not (blank(commentary_cell) and blank(group_cell)):
            add_problem(
                parsed, row.number, header.names["value"], "",
                "is required on a row with commentary or a performance group",
            )
        return []
    period, period_problem = period_of(period_cell)
    if period_problem:
        add_problem(parsed, row.number, header.names["period"], shown(period_cell), period_problem)
    figure = read_figure(parsed, row.number, header.names["value"], value_cell, row.unit)
    if figure is None or period_problem:
        return []
    return [row.measure | figure | {
        "period_column": header.names["period"], "period_text": shown(period_cell), "period": period,
        "commentary": None if blank(commentary_cell) else shown(commentary_cell).strip(),
        "performance_group": group_of(group_cell),
        "commentary_given": not blank(commentary_cell), "group_given": not blank(group_cell),
    }]


def _optional(header: Header, row: Row, key: str) -> object:
    """The cell of an optional column (commentary, performance group); ``None`` when the file has no such column."""
    return row.at(header.columns[key]) if key in header.columns else None


def group_of(cell: object) -> str | None:
    """A performance group as typed, spelt as the vocabulary spells it when it is one (``good``: ``Good``)."""
    group = None if blank(cell) else shown(cell).strip()
    return {g.value.lower(): g.value for g in PerformanceGroup}.get((group or "").lower(), group)


def period_of(cell: object) -> tuple[str | None, str | None]:
    """``(period, problem)`` of the month of a figure: ``2022-11``, ``Nov-22``, ``Nov 2022`` or an Excel date."""
    if blank(cell):
        return None, "is required: the month of the figure, e.g. 2022-11 or Nov-22"
    if isinstance(cell, Yearless):
        return None, YEARLESS_PROBLEM
    if isinstance(cell, Number):
        return None, "is a number, not a month: write the month as 2022-11, Nov-22 or Nov 2022"
    try:
        return parse_period(cell), None
    except ValueError:
        return None, "is not a month: write it as 2022-11, Nov-22 or Nov 2022 (or an Excel date)"
