"""Reading a file: refuse what cannot be read, turn the rest into a grid of cells, and read the grid.

Everything is read within the file's ``Limits`` (``budget``); whatever goes wrong inside a reader
(a CSV the ``csv`` module cannot split, a workbook openpyxl cannot open) is a problem of the file,
never an exception out of ``read``.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain

import pandas as pd

from kpicore.files.formulas import restore_formula
from kpicore.files.upload.budget import CONTROL as _CONTROL
from kpicore.files.upload.budget import Budget, Refused
from kpicore.files.upload.cells import Grid
from kpicore.files.upload.file_type import encoding, refusal, suffix
from kpicore.files.upload.grid import read_grid
from kpicore.files.upload.limits import UPLOAD_LIMITS, Limits
from kpicore.files.upload.parsed import FIGURE_COLUMNS, Parsed, add_problem, finish
from kpicore.files.upload.workbook_zip import zip_refusal
from kpicore.files.upload.xlsx_grid import xlsx_grid

_CHUNK = 1024 * 1024
_SAVE_AS = "in Excel, save it as 'CSV UTF-8 (Comma delimited)'"


def read(name: str, data: bytes, measures: pd.DataFrame, *, limits: Limits = UPLOAD_LIMITS) -> Parsed:
    """Read ``data`` (a file called ``name``) into figures against the catalogue ``measures``, within ``limits``."""
    parsed = Parsed(name, limits=limits)
    budget = Budget(limits)
    file_suffix = suffix(name)
    problem = refusal(file_suffix, data, limits)
    if problem:
        add_problem(parsed, None, None, "", problem)
        return parsed
    with _cells_only_freed_by_count():
        grid = csv_grid(parsed, data, budget) if file_suffix == "csv" else workbook_grid(parsed, data, budget)
        if grid is not None:
            try:
                read_grid(parsed, grid, measures, budget)
            except Refused as refused:
                parsed.figures = pd.DataFrame(columns=FIGURE_COLUMNS)
                refused.record(parsed)
    return finish(parsed)


@contextmanager
def _cells_only_freed_by_count() -> Iterator[None]:
    """Python's cycle collector paused while a file's cells are made (a list per row, no cycles among them):
    it would otherwise walk every cell made so far again and again, a third of the time of a large read.
    Memory is still freed as usual; the collector runs again afterwards (if it was running before)."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def csv_grid(parsed: Parsed, data: bytes, budget: Budget | None = None) -> Grid | None:
    """The rows of CSV text (UTF-8, with or without a byte order mark, or UTF-16 with one), or ``None``
    after recording why not: text that is not in its encoding, a limit broken, a cell refused."""
    text_encoding = encoding(data)
    if not _decodes(parsed, data, text_encoding):
        return None
    budget = budget or Budget(parsed.limits)
    try:
        if (grid := _clean_csv(data, text_encoding, budget)) is not None:
            return grid
    except Refused as refused:
        refused.record(parsed)
        return None
    before, grid, number = len(parsed.problems), [], 0
    text = io.TextIOWrapper(io.BytesIO(data), encoding=text_encoding, newline="")
    try:
        for number, cells in enumerate(csv.reader(text), start=1):
            kept = budget.row(parsed, number, [restore_formula(c) for c in cells])
            if kept is not None:
                grid.append((number, kept))
    except Refused as refused:
        refused.record(parsed)
        return None
    except csv.Error as error:
        add_problem(parsed, number + 1, None, "", _csv_error(error, parsed.limits))
        return None
    return grid if len(parsed.problems) == before else None


CLEAN_CSV_BYTES = 64 * 1024 * 1024
"""A CSV up to this size is first read whole, and checked against the limits all at once."""


def _clean_csv(data: bytes, text_encoding: str, budget: Budget) -> Grid | None:
    """The rows of a CSV that nothing in ``Budget.row`` would stop or note, read at once; ``None`` for any other
    (too large to read whole, past a limit, a cell too long or with a control character, not splittable as
    CSV): that one is read row by row, so that each problem is found where it is."""
    limits = budget.limits
    if len(data) > CLEAN_CSV_BYTES:
        return None
    text = data.decode(text_encoding)
    if _CONTROL.search(text):
        return None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return None
    widths = list(map(len, rows))
    if len(rows) > limits.max_rows or max(widths, default=0) > limits.max_columns or sum(widths) > limits.max_cells:
        return None
    if max(map(len, chain.from_iterable(rows)), default=0) > limits.max_cell_chars:
        return None
    if "'" in text:  # a spreadsheet-safe quote on some cell: unquote those rows' cells
        rows = [[restore_formula(c) for c in cells] if "'" in "".join(cells) else cells for cells in rows]
    budget.check_time(len(rows))
    return list(enumerate(rows, start=1))


def _csv_error(error: csv.Error, limits: Limits) -> str:
    if "field larger than field limit" in str(error):
        return (
            f"has a cell of more than {csv.field_size_limit()} characters: a cell may hold at most "
            f"{limits.max_cell_chars} characters (max_cell_chars); is a quote mark (\") left unclosed?"
        )
    return f"cannot be read as CSV ({error}): save it again as CSV UTF-8"


def _decodes(parsed: Parsed, data: bytes, text_encoding: str) -> bool:
    """Whether ``data`` is text in ``text_encoding``; if not, the row and bytes where it stops being so are recorded.
    Decoded a megabyte at a time, so the whole text is never held twice."""
    decoder = codecs.getincrementaldecoder(text_encoding)()
    for start in range(0, len(data), _CHUNK):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(data[start:start + _CHUNK], final=start + _CHUNK >= len(data))
        except UnicodeDecodeError as error:
            at = max(0, start - pending + error.start)
            row = data[:at].count(b"\n") + 1
            what = "UTF-8" if text_encoding.startswith("utf-8") else "UTF-16"
            found = data[at:at + 8].splitlines()[0].decode("latin-1")
            add_problem(parsed, row, None, found, f"is not {what} text: {_SAVE_AS}")
            return False
    return True


def workbook_grid(parsed: Parsed, data: bytes, budget: Budget | None = None) -> Grid | None:
    """The first sheet's rows (noting any other sheet not read), or ``None`` after recording why not:
    a zip that breaks the limits, a limit broken while reading, or anything openpyxl fails on."""
    budget = budget or Budget(parsed.limits)
    problem = zip_refusal(data, parsed.limits)
    if problem:
        add_problem(parsed, None, None, "", problem)
        return None
    before = len(parsed.problems)
    try:
        grid, extra_sheets = xlsx_grid(parsed, data, budget)
    except Refused as refused:
        refused.record(parsed)
        return None
    except Exception as error:  # whatever openpyxl raises on a damaged or hostile file
        add_problem(parsed, None, None, "", _unreadable(error))
        return None
    if extra_sheets:
        parsed.notes.append(f"Only the first sheet was read; not read: {', '.join(extra_sheets)}.")
    return grid if len(parsed.problems) == before else None


def _unreadable(error: Exception) -> str:
    """A workbook openpyxl could not read, in words; XML entities (a 'billion laughs' attack) said as such."""
    text = str(error)
    if "entit" in text.lower() or "DTD" in text or "amplification" in text:
        return (
            "is not a readable Excel workbook: it declares XML entities, which Excel never writes "
            "(refused for safety); save it again from Excel as .xlsx"
        )
    return f"is not a readable Excel workbook ({type(error).__name__}): save it again from Excel as .xlsx"
