"""The long layout's plain rows, read column by column: a history of 200,000 figures in a second.

A row is **plain** when nothing about it can be a problem: no cell past the header's, its measure
and its month each read without a problem (decided once per distinct cell by the very functions a
row-by-row read calls, ``MeasureResolver.resolve`` and ``long_rows.period_of``), and its value is
text that is a plain number (``77.6``, ``-3``, ``1e3``, ``77.6%`` for a percentage measure), finite.
Plain rows become figures exactly as ``long_rows.read_long_row`` would make them; every other row
(a blank row, a problem, an Excel number or date in the value cell, a value written with spaces) is
read by ``read_long_row`` itself, in row order, so the figures and problems are those of a
row-by-row read (``tests/test_import_plain_rows.py`` compares the two on every test file).
"""

from __future__ import annotations

import re
from operator import itemgetter

import numpy as np
import pandas as pd

from kpicore.files.upload.budget import Budget
from kpicore.files.upload.cells import Grid, blank, shown
from kpicore.files.upload.header import Header
from kpicore.files.upload.limits import UPLOAD_LIMITS
from kpicore.files.upload.long_rows import group_of, period_of, read_long_row
from kpicore.files.upload.measures import MeasureResolver
from kpicore.files.upload.parsed import FIGURE_COLUMNS, Parsed
from kpicore.files.upload.rows import measure_row
from kpicore.vocab import Unit

# The numbers ``numbers.parse_number`` reads without a problem when written with nothing around them:
# ASCII digits, an optional sign, point and exponent, and an optional ``%``; no spaces, commas or words.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?%?")


def read_long_rows(
    parsed: Parsed, header: Header, body: Grid, resolver: MeasureResolver, budget: Budget
) -> pd.DataFrame:
    """Every figure of a long-layout ``body``: plain rows column by column, the others row by row."""
    budget.check_time(body[0][0] if body else None)
    plain, figures = _plain(header, body, resolver)
    records: list[dict] = []
    for index in np.flatnonzero(~plain):
        number, cells = body[index]
        budget.check_time(number)
        row = measure_row(parsed, header, resolver, number, cells)
        if row is not None:
            records += read_long_row(parsed, header, row)
    budget.check_time(body[-1][0] if body else None)
    if records:  # in row order, as one frame built the same way as a row-by-row read's
        figures = {c: figures[c] + [r[c] for r in records] for c in FIGURE_COLUMNS}
        order = sorted(range(len(figures["row"])), key=figures["row"].__getitem__)
        figures = {c: [values[i] for i in order] for c, values in figures.items()}
    if not figures["row"]:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    return pd.DataFrame(figures, columns=FIGURE_COLUMNS)


def _column(header: Header, body: Grid, key: str) -> list:
    """The cells of one known column, ``None`` where a row ends before it or the file has no such column."""
    position = header.columns.get(key)
    if position is None:
        return [None] * len(body)
    rows = [cells for _, cells in body]
    if min(map(len, rows), default=0) > position:  # every row reaches the column
        return list(map(itemgetter(position), rows))
    return [cells[position] if position < len(cells) else None for cells in rows]


def _plain(header: Header, body: Grid, resolver: MeasureResolver) -> tuple[np.ndarray, dict[str, list]]:
    """Which rows are plain, and their figures (in row order) as a list per column of ``FIGURE_COLUMNS``."""
    width = len(header.cells)
    fits = np.fromiter((len(cells) <= width for _, cells in body), dtype=bool, count=len(body))
    measure_ok, measure_id, measure_column, measure_text, unit = _measures(header, body, resolver)
    period_ok, period, period_text = _periods(_column(header, body, "period"))
    values, texts, percent, numeric = _values(_column(header, body, "value"), unit)
    plain = fits & np.array(measure_ok, dtype=bool) & np.array(period_ok, dtype=bool) & numeric
    every = bool(plain.all())
    rows = range(len(body)) if every else np.flatnonzero(plain).tolist()

    def kept(column: list | tuple) -> list:
        return list(column) if every else [column[i] for i in rows]

    count = len(rows)
    commentary, commentary_given = _commentary(header, body, kept, count)
    groups = kept(_column(header, body, "performance_group"))
    figures = {
        "row": kept([number for number, _ in body]),
        "measure_column": kept(measure_column),
        "measure_text": kept(measure_text),
        "period_column": [header.names.get("period")] * count,
        "period_text": kept(period_text),
        "value_column": [header.names.get("value")] * count,
        "value_text": kept(texts),
        "measure_id": kept(measure_id),
        "period": kept(period),
        "value": values[plain].tolist(),
        "percent": percent[plain].tolist(),
        "commentary": commentary,
        "performance_group": _once(groups, group_of),
        "commentary_given": commentary_given,
        "group_given": [not given for given in _once(groups, blank)],
    }
    return plain, figures


def _commentary(header: Header, body: Grid, kept, count: int) -> tuple[list, list]:
    """Each kept row's commentary as ``read_long_row`` reads it (blank is none, else stripped), and whether given."""
    if "commentary" not in header.columns:
        return [None] * count, [False] * count
    cells = kept(_column(header, body, "commentary"))
    given = [not blank(c) for c in cells]
    return [shown(c).strip() if g else None for c, g in zip(cells, given, strict=True)], given


def _measures(header: Header, body: Grid, resolver: MeasureResolver) -> list[tuple]:
    """Each row's measure, resolved once per distinct pair of measure cells: the columns
    ``ok, measure_id, column, text, unit``."""
    keys = [key for key in ("measure_id", "measure") if key in header.columns]
    pairs = list(zip(*(_column(header, body, key) for key in keys), strict=True))

    def resolved(pair: tuple) -> tuple:
        measure_id, column, text, problem = resolver.resolve(dict(zip(keys, pair, strict=True)), header.names)
        return problem is None, measure_id, column, text, resolver.unit(measure_id) if problem is None else None

    return _columns(_once(pairs, resolved), 5)


def _periods(cells: list) -> list[tuple]:
    """Each row's month, read once per distinct cell by ``period_of``: the columns ``ok, period, text``."""
    def read(cell: object) -> tuple:
        period, problem = period_of(cell)
        return problem is None, period, shown(cell)

    return _columns(_once(cells, read), 3)


def _columns(rows: list[tuple], width: int) -> list[list]:
    """Rows of ``width`` values as ``width`` columns."""
    return [[row[k] for row in rows] for k in range(width)]


def _once(items: list, function) -> list:
    """``function`` of each item, called once per distinct item. A cell is text, ``None``, a bool, a date,
    ``Number`` or ``Yearless``: no two of different kinds are equal, so equal cells are the same cell."""
    known = {item: function(item) for item in set(items)}
    return [known[item] for item in items]


def _values(cells: list, units: tuple) -> tuple[np.ndarray, list, np.ndarray, np.ndarray]:
    """``(value, text, percent, plain)`` of each row's value cell; ``plain`` where it is text that is a plain,
    finite number no longer than a number may be (a percentage only for a percentage measure)."""
    limit = UPLOAD_LIMITS.max_number_chars
    texts = [cell if isinstance(cell, str) else "" for cell in cells]
    match = _PLAIN_NUMBER.fullmatch
    plain = np.fromiter(
        (len(text) <= limit and match(text) is not None for text in texts), dtype=bool, count=len(texts)
    )
    percent = np.fromiter((text.endswith("%") for text in texts), dtype=bool, count=len(texts))
    values = np.full(len(texts), np.nan)
    if plain.any():
        values[plain] = [float(texts[i].removesuffix("%")) for i in np.flatnonzero(plain).tolist()]
    plain &= np.isfinite(values)
    percentage = Unit.PERCENT.value
    plain &= ~percent | np.array([u == percentage for u in units], dtype=bool)
    return values, texts, percent, plain
