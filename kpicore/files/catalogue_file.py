"""A targets or comparators file: its template (a row per measure in use, pre-filled with what is in
force) and reading an edited one (CSV or Excel) into rows, every unreadable cell a problem with the row
and column the spreadsheet shows. Checking and comparing are the workflow's (``workflows.catalogue``).

In a targets file a blank tolerance is the proposed one (5% of the target on the worse side), ``none``
is no tolerance (no amber band), and a blank target ends the target from that month. Columns other than
the ones read (``measure``, ``unit``, ``polarity``, a note) are ignored; ``measure`` (the exact name) may
stand in for ``measure_id``. Months are ``2023-04``, ``Apr-23``, ``Apr 2023`` or an Excel date.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import openpyxl
import pandas as pd

from kpicore.files.csv_writer import plain_number, write_csv
from kpicore.files.formulas import neutralise_formulas
from kpicore.files.upload.cells import blank, header_name, shown
from kpicore.files.upload.file_type import refusal, suffix
from kpicore.files.upload.header import Header, find_header
from kpicore.files.upload.limits import UPLOAD_LIMITS, Limits
from kpicore.files.upload.long_rows import period_of
from kpicore.files.upload.measures import MeasureResolver
from kpicore.files.upload.numbers import read_figure
from kpicore.files.upload.parsed import Parsed, add_problem, finish

# The upload reader's two grid readers (CSV text, a workbook's first sheet), used as they are.
from kpicore.files.upload.reader import csv_grid, workbook_grid
from kpicore.files.upload.rows import Row, measure_row
from kpicore.periods import label
from kpicore.rules import comparators_in_force, targets_in_force
from kpicore.snapshot import Snapshot

TARGETS, COMPARATORS = "targets", "comparators"
NO_TOLERANCE = "none"
"""A targets file's tolerance cell saying "no tolerance" (a blank cell is the proposed one)."""
PROPOSE = "propose"
"""A tolerance to propose (5% of the target on the worse side): a blank cell, or the word."""
TARGET_TEMPLATE_COLUMNS = ["measure_id", "measure", "unit", "polarity", "from_period", "target", "tolerance"]
COMPARATOR_TEMPLATE_COLUMNS = ["measure_id", "measure", "unit", "from_period", "value", "label"]
READ = {
    TARGETS: ("from_period", "target", "tolerance"),
    COMPARATORS: ("from_period", "value", "label"),
}
_REQUIRED = {TARGETS: ("from_period", "target"), COMPARATORS: ("from_period",)}
_NEEDS = {
    TARGETS: "measure_id (or measure), from_period, target and (optional) tolerance",
    COMPARATORS: "measure_id (or measure), from_period, and value or label (or both)",
}
_TEMPLATE_ONLY = {"unit", "polarity", "note", "area", "area_id"}
_NOTES = {
    TARGETS: (
        "Targets from {month}. Change only what changes; rows left as they are are not written. "
        "target: in the measure's unit; blank = no target from this month. "
        "tolerance: a number on the worse side of the target; blank = proposed (5% of the target on the "
        "worse side); none = no tolerance (no amber band). "
        "from_period: 2023-04, Apr-23 or Apr 2023. The header is the next row."
    ),
    COMPARATORS: (
        "Comparators from {month}. Change only what changes; rows left as they are are not written. "
        "value: in the measure's unit; label: where it comes from (e.g. England 2022-23); give either or both "
        "(a row with both blank is skipped when the measure has no comparator). "
        "from_period: 2023-04, Apr-23 or Apr 2023. The header is the next row."
    ),
}



# --- Templates ----------------------------------------------------------------------------------


def targets_template(snapshot: Snapshot, period: str, file_format: str) -> bytes:
    """A targets file (``csv`` or ``xlsx``): a note on the first row, then ``TARGET_TEMPLATE_COLUMNS``, one
    row per measure in use at ``period``, pre-filled with the target and tolerance in force then
    (``none`` where a target has no tolerance)."""
    measures = snapshot.active_measures(period)
    force = targets_in_force(pd.DataFrame({"measure_id": measures["measure_id"], "period": period}), snapshot.targets)
    tolerance = [
        None if pd.isna(target) else (NO_TOLERANCE if pd.isna(tol) else float(tol))
        for target, tol in zip(force["target"], force["tolerance"])
    ]
    frame = pd.DataFrame({
        "measure_id": measures["measure_id"].to_numpy(), "measure": measures["name"].to_numpy(),
        "unit": measures["unit"].to_numpy(), "polarity": measures["polarity"].to_numpy(), "from_period": period,
        "target": force["target"].to_numpy(dtype=float), "tolerance": tolerance,
    })
    return _template(frame, _NOTES[TARGETS].format(month=label(period)), file_format, "Targets")


def comparators_template(snapshot: Snapshot, period: str, file_format: str) -> bytes:
    """A comparators file (``csv`` or ``xlsx``): a note, then ``COMPARATOR_TEMPLATE_COLUMNS``, one row per
    measure in use at ``period``, pre-filled with the comparator in force then."""
    measures = snapshot.active_measures(period)
    at = pd.DataFrame({"measure_id": measures["measure_id"], "period": period})
    force = comparators_in_force(at, snapshot.comparators)
    frame = pd.DataFrame({
        "measure_id": measures["measure_id"].to_numpy(), "measure": measures["name"].to_numpy(),
        "unit": measures["unit"].to_numpy(), "from_period": period,
        "value": force["comparator_value"].to_numpy(dtype=float),
        "label": [None if pd.isna(v) else v for v in force["comparator_label"]],
    })
    return _template(frame, _NOTES[COMPARATORS].format(month=label(period)), file_format, "Comparators")


def _template(frame: pd.DataFrame, note: str, file_format: str, title: str) -> bytes:
    if file_format == "csv":
        text = frame.assign(**{
            c: frame[c].map(lambda v: plain_number(v) if isinstance(v, float) and pd.notna(v) else v)
            for c in frame.columns if frame[c].dtype == object
        })
        return write_csv(pd.DataFrame(columns=[note]), bom=True) + write_csv(text)
    if file_format != "xlsx":
        raise ValueError(f"unknown format '{file_format}': csv or xlsx")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([note])
    sheet["A1"].font = openpyxl.styles.Font(italic=True)
    sheet.append(list(frame.columns))
    for cell in sheet[2]:
        cell.font = openpyxl.styles.Font(bold=True)
        cell.number_format = "@"
    for record in neutralise_formulas(frame).itertuples(index=False):
        sheet.append([None if (not isinstance(v, str) and pd.isna(v)) else v for v in record])
    period_column = list(frame.columns).index("from_period") + 1
    for (cell,) in sheet.iter_rows(min_row=3, min_col=period_column, max_col=period_column):
        cell.number_format = "@"
    sheet.freeze_panes = "C3"
    for letter, width in zip("ABCDEFG", (40, 60, 10, 10, 12, 12, 20)):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Reading a file -----------------------------------------------------------------------------


@dataclass
class File:
    """What a file holds once read: its rows (with the cells as typed), problems, notes and headings."""

    parsed: Parsed
    records: list[dict] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    """Each column read, as its heading was typed (for messages)."""


def read_file(name: str, data: bytes, measures: pd.DataFrame, kind: str, *, limits: Limits = UPLOAD_LIMITS) -> File:
    """The rows of a targets or comparators file, each cell read, every unreadable cell a problem, within
    ``limits`` (the upload's); text a spreadsheet-safe file quoted (``'-10.5``) read as it was before."""
    file = File(Parsed(name, layout=kind, limits=limits))
    problem = refusal(suffix(name), data, limits)
    if problem:
        add_problem(file.parsed, None, None, "", problem)
        return file
    grid = csv_grid(file.parsed, data) if suffix(name) == "csv" else workbook_grid(file.parsed, data)
    if grid is not None:
        _read_grid(file, grid, measures, kind)
    finish(file.parsed)
    return file


def _read_grid(file: File, grid: list, measures: pd.DataFrame, kind: str) -> None:
    at = find_header(grid)
    if at is None:
        add_problem(file.parsed, None, None, "", (
            f"has no header row with a measure_id (or measure) column: use the {kind} template, with the "
            f"columns {_NEEDS[kind]}"
        ))
        return
    header = _header(file, kind, *grid[at])
    if header is None:
        return
    resolver = MeasureResolver(measures)
    for number, cells in grid[at + 1:]:
        row = measure_row(file.parsed, header, resolver, number, cells)
        if row is not None:
            file.records.append(_read_row(file, header, row, kind))
    if not file.records and not file.parsed.problems:
        add_problem(file.parsed, None, None, "", f"has a header but no rows of {kind}")


def _header(file: File, kind: str, number: int, cells: list) -> Header | None:
    """The header's columns that are read; ``None`` (after recording why) when one needed is missing."""
    header = Header(number, cells)
    wanted = ("measure_id", "measure", *READ[kind])
    ignored = []
    for position, cell in enumerate(cells):
        key = header_name(cell)
        if key in header.columns:
            add_problem(file.parsed, number, shown(cell), shown(cell), "this column appears twice")
        elif key in wanted:
            header.columns[key] = position
        elif not blank(cell) and key not in _TEMPLATE_ONLY:
            ignored.append(shown(cell))
    header.names = file.names = {key: shown(cells[position]) for key, position in header.columns.items()}
    missing = [c for c in _REQUIRED[kind] if c not in header.columns]
    if kind == COMPARATORS and not {"value", "label"} & set(header.columns):
        missing.append("value")
    for column in missing:
        add_problem(file.parsed, number, column, "", f"this column is missing: a {kind} file needs {_NEEDS[kind]}")
    if ignored:
        file.parsed.notes.append(f"Columns not read: {', '.join(ignored)}.")
    return None if missing or file.parsed.problems else header


def _read_row(file: File, header: Header, row: Row, kind: str) -> dict:
    """One row's cells read: ``row, measure_id, from_period`` and the kind's values (``None`` where unreadable,
    with a problem), and what each cell held as typed (``<column>_text``)."""
    record = {"row": row.number, "measure_id": row.measure["measure_id"], "ok": True}
    cells = {key: row.at(header.columns[key]) if key in header.columns else None for key in READ[kind]}
    for key, cell in cells.items():
        record[f"{key}_text"] = shown(cell).strip()
    record["from_period"] = _month(file, header, row, cells["from_period"], record)
    if kind == TARGETS:
        record["target"] = _number(file, header, row, "target", cells["target"], record)
        record["tolerance"] = _tolerance(file, header, row, cells["tolerance"], record)
    else:
        record["value"] = _number(file, header, row, "value", cells["value"], record)
        record["label"] = None if blank(cells["label"]) else shown(cells["label"]).strip()
    return record


def _month(file: File, header: Header, row: Row, cell: object, record: dict) -> str | None:
    if blank(cell):
        problem = "is required: the first month this applies to, e.g. 2023-04 or Apr-23"
        period = None
    else:
        period, problem = period_of(cell)
    if problem:
        add_problem(file.parsed, row.number, header.names["from_period"], shown(cell), problem)
        record["ok"] = False
    return period


def _number(file: File, header: Header, row: Row, key: str, cell: object, record: dict) -> float | None:
    if key not in header.columns or blank(cell):
        return None
    figure = read_figure(file.parsed, row.number, header.names[key], cell, row.unit)
    if figure is None:
        record["ok"] = False
        return None
    return figure["value"]


def _tolerance(file: File, header: Header, row: Row, cell: object, record: dict) -> object:
    """A tolerance cell: blank (or ``propose``) is ``PROPOSE``, ``none`` is no tolerance, else the number."""
    text = "" if blank(cell) else shown(cell).strip().lower()
    if text in ("", PROPOSE, "proposed"):
        return PROPOSE
    if text in (NO_TOLERANCE, "no tolerance"):
        return None
    return _number(file, header, row, "tolerance", cell, record)
