"""Reading a scorecard-layout row: one figure for each month column with a value; blank cells are no figure."""

from __future__ import annotations

from kpicore.files.upload.cells import blank
from kpicore.files.upload.header import Header
from kpicore.files.upload.numbers import read_figure
from kpicore.files.upload.parsed import Parsed
from kpicore.files.upload.rows import Row


def read_scorecard_row(parsed: Parsed, header: Header, row: Row) -> list[dict]:
    """The row's figures as records, oldest month first, recording any cell that is not a figure."""
    records = []
    for period, (position, shown) in sorted(header.months.items()):
        cell = row.at(position)
        if blank(cell):
            continue
        figure = read_figure(parsed, row.number, shown, cell, row.unit)
        if figure is not None:
            records.append(row.measure | figure | {
                "period_column": shown, "period_text": shown, "period": period,
                "commentary": None, "performance_group": None, "commentary_given": False, "group_given": False,
            })
    return records
