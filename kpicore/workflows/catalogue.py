"""Year-end in one go: a file of targets (or comparators) checked, previewed, then written all or nothing.

The same two steps as ``submission``, for the catalogue's effective-dated entries:

1. ``targets_template`` / ``comparators_template`` give a CSV or Excel file with a row per measure in
   use at a month, pre-filled with what is in force then, so that an administrator edits only what
   changes. ``plan_targets_file`` / ``plan_comparators_file`` read an edited file (the upload
   package's file-type sniffing, grid reading, header finding and measure names), check it with the
   catalogue's pandera models exactly as ``store.catalogue`` does, and compare each row with what is in
   force at its month: a ``CataloguePlan`` with every problem (row and column as the spreadsheet shows
   them, and the value) or the preview (``new``, ``changed``, ``unchanged``). Nothing is written.
2. ``commit_targets`` / ``commit_comparators`` write the new and changed rows through
   ``store.catalogue.set_targets`` / ``set_comparators``: one transaction, one reason, all or nothing,
   refused if the plan has problems or if what was in force changed since the preview.

In a targets file a blank tolerance is the proposed one (5% of the target on the worse side), ``none``
is no tolerance (no amber band), and a blank target ends the target from that month. Columns other than
the ones read (``measure``, ``unit``, ``polarity``, a note) are ignored; ``measure`` (the exact name) may
stand in for ``measure_id``. Months are ``2023-04``, ``Apr-23``, ``Apr 2023`` or an Excel date.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import openpyxl
import pandas as pd

from kpicore import access, store
from kpicore.files.csv_writer import plain_number, write_csv
from kpicore.files.dataset import FILES, validate_table, write_dataset
from kpicore.files.formulas import neutralise_formulas
from kpicore.files.upload.cells import blank, header_name, shown
from kpicore.files.upload.file_type import refusal, suffix
from kpicore.files.upload.header import Header, find_header
from kpicore.files.upload.long_rows import period_of
from kpicore.files.upload.measures import MeasureResolver
from kpicore.files.upload.numbers import read_figure
from kpicore.files.upload.parsed import Parsed, add_problem

# The upload reader's two grid readers (CSV text, a workbook's first sheet), used as they are.
from kpicore.files.upload.reader import csv_grid, workbook_grid
from kpicore.files.upload.rows import Row, measure_row
from kpicore.periods import label
from kpicore.problems import Problem, ValidationFailed
from kpicore.rules import NoProposal, comparators_in_force, proposed_tolerance, targets_in_force
from kpicore.snapshot import Snapshot
from kpicore.store import catalogue as store_catalogue
from kpicore.store.people import required_reason
from schemas import ComparatorModel, TargetModel

TARGETS, COMPARATORS = "targets", "comparators"
NO_TOLERANCE = "none"
"""A targets file's tolerance cell saying "no tolerance" (a blank cell is the proposed one)."""
PROPOSE = store_catalogue.PROPOSE
TARGET_TEMPLATE_COLUMNS = ["measure_id", "measure", "unit", "polarity", "from_period", "target", "tolerance"]
COMPARATOR_TEMPLATE_COLUMNS = ["measure_id", "measure", "unit", "from_period", "value", "label"]
TARGET_CHANGE_COLUMNS = [
    "row", "measure_id", "measure", "from_period", "status", "old_target", "target", "old_tolerance", "tolerance",
    "proposed",
]
COMPARATOR_CHANGE_COLUMNS = [
    "row", "measure_id", "measure", "from_period", "status", "old_value", "value", "old_label", "label",
]
STATUSES = ("new", "changed", "unchanged")
_READ = {
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


@dataclass(frozen=True)
class CataloguePlan:
    """What a targets or comparators file would change, or why it cannot."""

    name: str
    kind: str
    """``targets`` or ``comparators``."""
    problems: list[Problem]
    changes: pd.DataFrame
    """One row per row of the file read: ``TARGET_CHANGE_COLUMNS`` or ``COMPARATOR_CHANGE_COLUMNS``
    (``row`` is the file's row; ``old_*`` is what is in force at ``from_period`` before the change;
    ``proposed`` marks a tolerance proposed for a blank cell)."""
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, status: str) -> int:
        return int((self.changes["status"] == status).sum())

    @property
    def to_write(self) -> pd.DataFrame:
        """The rows that would be written (new or changed)."""
        return self.changes[self.changes["status"] != "unchanged"]

    def summary(self) -> str:
        if self.problems:
            return f"Refused: {len(self.problems)} problem(s) in {self.name}; nothing was written."
        return (
            f"{self.name}: {self.count('new')} new, {self.count('changed')} changed, "
            f"{self.count('unchanged')} unchanged {self.kind}."
        )


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
class _File:
    """What a file holds once read: its rows (with the cells as typed), problems, notes and headings."""

    parsed: Parsed
    records: list[dict] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    """Each column read, as its heading was typed (for messages)."""


def _read(name: str, data: bytes, measures: pd.DataFrame, kind: str) -> _File:
    """The rows of a targets or comparators file, each cell read, every unreadable cell a problem."""
    file = _File(Parsed(name, layout=kind))
    problem = refusal(suffix(name), data)
    if problem:
        add_problem(file.parsed, None, None, "", problem)
        return file
    grid = csv_grid(file.parsed, data) if suffix(name) == "csv" else workbook_grid(file.parsed, data)
    if grid is None:
        return file
    at = find_header(grid)
    if at is None:
        add_problem(file.parsed, None, None, "", (
            f"has no header row with a measure_id (or measure) column: use the {kind} template, with the "
            f"columns {_NEEDS[kind]}"
        ))
        return file
    header = _header(file, kind, *grid[at])
    if header is None:
        return file
    resolver = MeasureResolver(measures)
    for number, cells in grid[at + 1:]:
        row = measure_row(file.parsed, header, resolver, number, cells)
        if row is not None:
            file.records.append(_read_row(file, header, row, kind))
    if not file.records and not file.parsed.problems:
        add_problem(file.parsed, None, None, "", f"has a header but no rows of {kind}")
    return file


def _header(file: _File, kind: str, number: int, cells: list) -> Header | None:
    """The header's columns that are read; ``None`` (after recording why) when one needed is missing."""
    header = Header(number, cells)
    wanted = ("measure_id", "measure", *_READ[kind])
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


def _unquoted(cell: object) -> object:
    """A text cell without the ``'`` a spreadsheet-safe file puts before ``= + - @`` (``'-10.5``: ``-10.5``)."""
    if isinstance(cell, str) and cell.strip()[:2] in {"'" + c for c in "=+-@"}:
        return cell.strip()[1:]
    return cell


def _read_row(file: _File, header: Header, row: Row, kind: str) -> dict:
    """One row's cells read: ``row, measure_id, from_period`` and the kind's values (``None`` where unreadable,
    with a problem), and what each cell held as typed (``<column>_text``)."""
    record = {"row": row.number, "measure_id": row.measure["measure_id"], "ok": True}
    cells = {key: _unquoted(row.at(header.columns[key])) if key in header.columns else None for key in _READ[kind]}
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


def _month(file: _File, header: Header, row: Row, cell: object, record: dict) -> str | None:
    if blank(cell):
        problem = "is required: the first month this applies to, e.g. 2023-04 or Apr-23"
        period = None
    else:
        period, problem = period_of(cell)
    if problem:
        add_problem(file.parsed, row.number, header.names["from_period"], shown(cell), problem)
        record["ok"] = False
    return period


def _number(file: _File, header: Header, row: Row, key: str, cell: object, record: dict) -> float | None:
    if key not in header.columns or blank(cell):
        return None
    figure = read_figure(file.parsed, row.number, header.names[key], cell, row.unit)
    if figure is None:
        record["ok"] = False
        return None
    return figure["value"]


def _tolerance(file: _File, header: Header, row: Row, cell: object, record: dict) -> object:
    """A tolerance cell: blank (or ``propose``) is ``PROPOSE``, ``none`` is no tolerance, else the number."""
    text = "" if blank(cell) else shown(cell).strip().lower()
    if text in ("", PROPOSE, "proposed"):
        return PROPOSE
    if text in (NO_TOLERANCE, "no tolerance"):
        return None
    return _number(file, header, row, "tolerance", cell, record)


# --- Checking and comparing ---------------------------------------------------------------------


def plan_targets_file(path: Path | str | None, name: str, data: bytes, *, user: str) -> CataloguePlan:
    """Read a targets file (``measure_id`` or ``measure``, ``from_period``, ``target``, ``tolerance``), check
    it and preview what it would change for ``user`` (an administrator: ``PermissionDenied`` otherwise).
    Nothing is written."""
    return _plan(path, name, data, user, TARGETS, _targets_frame)


def plan_comparators_file(path: Path | str | None, name: str, data: bytes, *, user: str) -> CataloguePlan:
    """Read a comparators file (``measure_id`` or ``measure``, ``from_period``, ``value``, ``label``), check
    it and preview what it would change for ``user`` (an administrator). Nothing is written."""
    return _plan(path, name, data, user, COMPARATORS, _comparators_frame)


def _plan(path, name: str, data: bytes, user: str, kind: str, check: Callable) -> CataloguePlan:
    access.require_admin(store.account(path, user), f"set {kind}")
    snapshot = store.load(path)
    file = _read(name, data, snapshot.measures, kind)
    columns = TARGET_CHANGE_COLUMNS if kind == TARGETS else COMPARATOR_CHANGE_COLUMNS
    empty = pd.DataFrame(columns=columns)
    problems = list(file.parsed.problems)
    rows = [r for r in file.records if r["ok"]]
    changes, found = check(snapshot, file, rows) if rows else (empty, [])
    problems += found
    if problems:
        return CataloguePlan(name, kind, sorted(problems, key=_order), empty, file.parsed.notes)
    notes = file.parsed.notes + _later_entries(snapshot, changes, kind)
    return CataloguePlan(name, kind, [], changes[columns].reset_index(drop=True), notes)


def _order(problem: Problem) -> tuple:
    return (problem.row or 0, problem.column or "", problem.message)


def _duplicates(file: _File, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Rows giving the same measure and month twice: a problem on each, and left out of further checks."""
    twice = frame.duplicated(["measure_id", "from_period"], keep=False)
    problems = []
    for index in frame.index[twice]:
        line = frame.loc[index]
        same = frame[twice & (frame["measure_id"] == line["measure_id"]) & (frame["from_period"] == line["from_period"])]
        others = ", ".join(str(r) for r in same["row"] if r != line["row"])
        problems.append(Problem(
            file.parsed.name, int(line["row"]), file.names["from_period"], line["from_period_text"],
            f"this measure and month appear more than once (also row {others}): give one entry per measure and month",
        ))
    return frame[~twice], problems


def _told(problem: Problem, file: _File, frame: pd.DataFrame) -> Problem:
    """A problem found on a frame row (index + 2), told as the file's row, column heading and cell as typed."""
    index = (problem.row or 2) - 2
    if problem.row is None or index not in frame.index:
        return problem
    line = frame.loc[index]
    key = problem.column if problem.column in _READ[file.parsed.layout] else None
    column = file.names.get(key, problem.column) if key else file.names.get("measure_id", file.names.get("measure"))
    value = line[f"{key}_text"] if key else line["measure_id"]
    return replace(problem, row=int(line["row"]), column=column, value=value)


def _targets_frame(snapshot: Snapshot, file: _File, rows: list[dict]) -> tuple[pd.DataFrame, list[Problem]]:
    frame, problems = _duplicates(file, pd.DataFrame(rows).astype(object))
    polarity = snapshot.measures.set_index("measure_id")["polarity"]
    frame["proposed"] = frame["tolerance"].map(lambda v: isinstance(v, str) and v == PROPOSE)
    for index in frame.index[frame["proposed"]]:
        target = frame.at[index, "target"]
        try:
            frame.at[index, "tolerance"] = None if target is None else proposed_tolerance(
                float(target), polarity[frame.at[index, "measure_id"]], snapshot.settings
            )
        except NoProposal as why:
            problems.append(Problem(file.parsed.name, int(frame.at[index, "row"]), file.names.get("tolerance", "tolerance"),
                                    frame.at[index, "tolerance_text"], str(why)))
            frame = frame.drop(index)
    frame["proposed"] = frame["proposed"] & frame["target"].notna()
    checked = frame[["measure_id", "from_period", "target", "tolerance"]].assign(
        polarity=frame["measure_id"].map(polarity)
    )
    _, found = validate_table(TargetModel, checked, file.parsed.name, {"measure_id": set(polarity.index)}, ("polarity",))
    problems += [_told(p, file, frame) for p in _relevant(found, frame)]
    if problems:
        return frame, problems
    return _compare_targets(snapshot, frame), []


def _relevant(found: list[Problem], frame: pd.DataFrame) -> list[Problem]:
    """Leave out "on the worse side" where there is no target: "a tolerance needs a target" says it."""
    no_target = {int(i) + 2 for i in frame.index[frame["target"].isna()]}
    return [p for p in found if not (p.row in no_target and p.message.startswith("the tolerance must lie"))]


def _same(old: object, new: object) -> bool:
    if pd.isna(old) or pd.isna(new):
        return bool(pd.isna(old) and pd.isna(new))
    if isinstance(old, str) or isinstance(new, str):
        return str(old) == str(new)
    return abs(float(old) - float(new)) < 1e-9


def _status(old: tuple, new: tuple) -> str:
    if all(_same(o, n) for o, n in zip(old, new)):
        return "unchanged"
    return "new" if all(pd.isna(o) for o in old) else "changed"


def _compare_targets(snapshot: Snapshot, frame: pd.DataFrame) -> pd.DataFrame:
    force = targets_in_force(frame[["measure_id"]].assign(period=frame["from_period"]), snapshot.targets)
    frame = frame.assign(old_target=force["target"].to_numpy(), old_tolerance=force["tolerance"].to_numpy())
    # With no target in force and none given, the tolerance is beside the point.
    frame["status"] = [
        "unchanged" if pd.isna(ot) and pd.isna(t) else _status((ot, otol), (t, tol))
        for ot, otol, t, tol in zip(frame["old_target"], frame["old_tolerance"], frame["target"], frame["tolerance"])
    ]
    for column in ("target", "tolerance", "old_target", "old_tolerance"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame.assign(measure=frame["measure_id"].map(snapshot.measures.set_index("measure_id")["name"]))


def _comparators_frame(snapshot: Snapshot, file: _File, rows: list[dict]) -> tuple[pd.DataFrame, list[Problem]]:
    frame, problems = _duplicates(file, pd.DataFrame(rows).astype(object))
    force = comparators_in_force(frame[["measure_id"]].assign(period=frame["from_period"]), snapshot.comparators)
    frame = frame.assign(old_value=force["comparator_value"].to_numpy(), old_label=force["comparator_label"].to_numpy())
    empty = frame["value"].isna() & frame["label"].isna()
    for index in frame.index[empty & (frame["old_value"].notna() | frame["old_label"].notna())]:
        line = frame.loc[index]
        problems.append(Problem(
            file.parsed.name, int(line["row"]), file.names.get("value", file.names.get("label")), "",
            f"is blank, but a comparator is in force at {label(line['from_period'])} "
            f"({_shown_comparator(line['old_value'], line['old_label'])}): a comparator cannot be removed by file; "
            "give a value, a label or both",
        ))
    checked = frame[~empty][["measure_id", "from_period", "value", "label"]]
    _, found = validate_table(ComparatorModel, checked, file.parsed.name, {"measure_id": set(snapshot.measures["measure_id"])})
    problems += [_told(p, file, frame) for p in found]
    if problems:
        return frame, problems
    frame["status"] = [
        "unchanged" if e else _status((ov, ol), (v, lb))
        for e, ov, ol, v, lb in zip(empty, frame["old_value"], frame["old_label"], frame["value"], frame["label"])
    ]
    for column in ("value", "old_value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame.assign(measure=frame["measure_id"].map(snapshot.measures.set_index("measure_id")["name"])), []


def _shown_comparator(value: object, text: object) -> str:
    return ", ".join(s for s in ("" if pd.isna(value) else f"{value:g}", "" if pd.isna(text) else str(text)) if s)


def _later_entries(snapshot: Snapshot, changes: pd.DataFrame, kind: str) -> list[str]:
    """A note when a row written would be in force only until an entry already recorded for a later month."""
    dated = snapshot.targets if kind == TARGETS else snapshot.comparators
    written = changes[changes["status"] != "unchanged"]
    later = written.merge(dated[["measure_id", "from_period"]], on="measure_id", suffixes=("", "_later"))
    later = later[later["from_period_later"] > later["from_period"]].drop_duplicates("measure_id")
    if later.empty:
        return []
    listed = ", ".join(f"{m} (from {label(p)})" for m, p in zip(later["measure_id"][:5], later["from_period_later"][:5]))
    return [
        f"{len(later)} row(s) apply only until a later entry already recorded: {listed}"
        f"{', …' if len(later) > 5 else ''}."
    ]


# --- The whole catalogue as a dataset -----------------------------------------------------------

DATASET_COLUMNS = {
    "areas": ["area_id", "name", "position"],
    "measures": store_catalogue.MEASURE_FIELDS,
    "targets": ["measure_id", "from_period", "target", "tolerance"],
    "comparators": ["measure_id", "from_period", "value", "label"],
    "observations": ["measure_id", "period", "value", "commentary", "performance_group"],
}


def dataset_tables(snapshot: Snapshot) -> dict[str, pd.DataFrame]:
    """The catalogue and the current figures as the tables of the shipped dataset (``data/``)."""
    measures = snapshot.measures if "retired_from" in snapshot.measures else snapshot.measures.assign(retired_from=None)
    frames = {
        "areas": snapshot.areas, "measures": measures, "targets": snapshot.targets,
        "comparators": snapshot.comparators, "observations": snapshot.observations,
    }
    return {name: frames[name][columns].reset_index(drop=True) for name, columns in DATASET_COLUMNS.items()}


def export_dataset(path: Path | str | None, directory: Path, *, force: bool = False) -> dict[str, int]:
    """Write the database's catalogue and current figures to ``directory`` in the ``data/`` layout, so that
    ``init --data DIRECTORY`` rebuilds the same catalogue elsewhere. Existing dataset files are replaced only
    with ``force``. Returns the rows written per file."""
    directory = Path(directory)
    existing = [f"{name}.csv" for name in FILES if (directory / f"{name}.csv").exists()]
    if existing and not force:
        raise FileExistsError(f"{directory} already holds {', '.join(existing)} (use --force to replace them)")
    tables = dataset_tables(store.load(path))
    directory.mkdir(parents=True, exist_ok=True)
    write_dataset(tables, directory)
    return {name: len(frame) for name, frame in tables.items()}


# --- Writing ------------------------------------------------------------------------------------


def commit_targets(path: Path | str | None, plan: CataloguePlan, *, user: str, reason: str) -> dict[str, int]:
    """Write a checked targets plan's new and changed rows in one transaction with one reason (all or
    nothing). Returns the count of each status."""
    return _commit(path, plan, TARGETS, user, reason)


def commit_comparators(path: Path | str | None, plan: CataloguePlan, *, user: str, reason: str) -> dict[str, int]:
    """Write a checked comparators plan's new and changed rows in one transaction with one reason."""
    return _commit(path, plan, COMPARATORS, user, reason)


def _commit(path, plan: CataloguePlan, kind: str, user: str, reason: str) -> dict[str, int]:
    if plan.kind != kind:
        raise ValueError(f"this is a plan of {plan.kind}, not of {kind}")
    if plan.problems:
        raise ValidationFailed(plan.problems)
    required_reason(reason, f"set {kind}")
    rows = plan.to_write.reset_index(drop=True)
    if len(rows):
        _refuse_if_stale(path, plan, rows)
        if kind == TARGETS:
            frame = rows[["measure_id", "from_period", "target", "tolerance"]].astype(object)
            store_catalogue.set_targets(path, frame.where(frame.notna(), None), user=user, reason=reason, source=plan.name)
        else:
            frame = rows[["measure_id", "from_period", "value", "label"]].astype(object)
            store_catalogue.set_comparators(path, frame.where(frame.notna(), None), user=user, reason=reason, source=plan.name)
    else:
        access.require_admin(store.account(path, user), f"set {kind}")
    return {status: plan.count(status) for status in STATUSES}


def _refuse_if_stale(path, plan: CataloguePlan, rows: pd.DataFrame) -> None:
    """Refuse when what was in force at a row's month changed since the preview (another administrator)."""
    snapshot = store.load(path)
    at = rows[["measure_id"]].assign(period=rows["from_period"])
    if plan.kind == TARGETS:
        force = targets_in_force(at, snapshot.targets)
        now = list(zip(force["target"], force["tolerance"]))
        then = list(zip(rows["old_target"], rows["old_tolerance"]))
    else:
        force = comparators_in_force(at, snapshot.comparators)
        now = list(zip(force["comparator_value"], force["comparator_label"]))
        then = list(zip(rows["old_value"], rows["old_label"]))
    stale = [
        Problem(plan.name, int(row), "from_period", str(period),
                "what is in force at this month changed since the preview: check the file again")
        for row, period, old, new in zip(rows["row"], rows["from_period"], then, now)
        if not all(_same(a, b) for a, b in zip(old, new))
    ]
    if stale:
        raise ValidationFailed(stale)
