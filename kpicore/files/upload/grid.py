"""Reading a grid of cells, header to figures: the header row, the layout, then every row below it."""

from __future__ import annotations

import pandas as pd

from kpicore.files.upload.budget import Budget
from kpicore.files.upload.cells import Grid
from kpicore.files.upload.header import Header, find_header, read_header, refuse_headerless
from kpicore.files.upload.layout import LONG, decide_layout
from kpicore.files.upload.long_rows import read_long_row
from kpicore.files.upload.measures import MeasureResolver
from kpicore.files.upload.parsed import FIGURE_COLUMNS, Parsed, add_problem
from kpicore.files.upload.plain_rows import read_long_rows
from kpicore.files.upload.rows import measure_row
from kpicore.files.upload.scorecard_rows import read_scorecard_row


def read_grid(parsed: Parsed, grid: Grid, measures: pd.DataFrame, budget: Budget | None = None) -> None:
    """Fill ``parsed`` with the figures of ``grid`` and every problem found, against the catalogue ``measures``;
    ``Refused`` once the file has taken the time its ``budget`` allows."""
    header_at = find_header(grid)
    if header_at is None:
        refuse_headerless(parsed, grid)
        return
    header = read_header(parsed, *grid[header_at])
    if not decide_layout(parsed, header):
        return
    body = grid[header_at + 1:]
    resolver, budget = MeasureResolver(measures), budget or Budget(parsed.limits)
    if parsed.layout == LONG:
        parsed.figures = read_long_rows(parsed, header, body, resolver, budget)
    else:
        parsed.figures = pd.DataFrame(_read_rows(parsed, header, body, resolver, budget), columns=FIGURE_COLUMNS)
    if parsed.figures.empty and not parsed.problems:
        add_problem(
            parsed, None, None, "",
            "has no figures: every value cell is blank" if body else "has a header but no rows of figures",
        )


def _read_rows(parsed: Parsed, header: Header, body: Grid, resolver: MeasureResolver, budget: Budget) -> list[dict]:
    """Every figure below the header, as records, read row by row by the layout's row reader (the long layout's
    plain rows are read column by column: ``plain_rows``)."""
    read_row = read_long_row if parsed.layout == LONG else read_scorecard_row
    records: list[dict] = []
    for number, cells in body:
        budget.check_time(number)
        row = measure_row(parsed, header, resolver, number, cells)
        if row is not None:
            records += read_row(parsed, header, row)
    return records
