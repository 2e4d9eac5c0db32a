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

The files themselves (templates, reading, what a blank cell means) are ``files.catalogue_file``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from kpicore import access, store
from kpicore.files.catalogue_file import (  # the file's side: templates and reading, re-exported in __all__
    COMPARATOR_TEMPLATE_COLUMNS,
    COMPARATORS,
    NO_TOLERANCE,
    PROPOSE,
    READ,
    TARGET_TEMPLATE_COLUMNS,
    TARGETS,
    File,
    comparators_template,
    read_file,
    targets_template,
)
from kpicore.files.dataset import FILES, validate_table, write_dataset
from kpicore.files.upload.limits import UPLOAD_LIMITS, Limits
from kpicore.periods import label
from kpicore.problems import Problem, ValidationFailed, listed
from kpicore.rules import NoProposal, comparators_in_force, proposed_tolerance, targets_in_force
from kpicore.snapshot import Snapshot
from kpicore.store import catalogue as store_catalogue
from kpicore.store.people import required_reason
from kpicore.workflows.preview import Previewed
from schemas import ComparatorModel, TargetModel

__all__ = [
    "COMPARATORS", "COMPARATOR_CHANGE_COLUMNS", "COMPARATOR_TEMPLATE_COLUMNS", "NO_TOLERANCE", "PROPOSE",
    "STATUSES", "TARGETS", "TARGET_CHANGE_COLUMNS", "TARGET_TEMPLATE_COLUMNS", "CataloguePlan", "commit_comparators",
    "commit_targets", "comparators_template", "dataset_tables", "export_dataset", "plan_comparators_file",
    "plan_targets_file", "targets_template",
]
TARGET_CHANGE_COLUMNS = [
    "row", "measure_id", "measure", "from_period", "status", "old_target", "target", "old_tolerance", "tolerance",
    "proposed",
]
COMPARATOR_CHANGE_COLUMNS = [
    "row", "measure_id", "measure", "from_period", "status", "old_value", "value", "old_label", "label",
]
STATUSES = ("new", "changed", "unchanged")
@dataclass(frozen=True)
class CataloguePlan(Previewed):
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

    def summary(self) -> str:
        return self.summarised(("new", "changed", "unchanged"), self.kind)

# --- Checking and comparing ---------------------------------------------------------------------


def plan_targets_file(
    path: Path | str | None, name: str, data: bytes, *, user: str, limits: Limits = UPLOAD_LIMITS
) -> CataloguePlan:
    """Read a targets file (``measure_id`` or ``measure``, ``from_period``, ``target``, ``tolerance``), check
    it and preview what it would change for ``user`` (an administrator: ``PermissionDenied`` otherwise).
    Nothing is written."""
    return _plan(path, name, data, user, TARGETS, _targets_frame, limits)


def plan_comparators_file(
    path: Path | str | None, name: str, data: bytes, *, user: str, limits: Limits = UPLOAD_LIMITS
) -> CataloguePlan:
    """Read a comparators file (``measure_id`` or ``measure``, ``from_period``, ``value``, ``label``), check
    it and preview what it would change for ``user`` (an administrator). Nothing is written."""
    return _plan(path, name, data, user, COMPARATORS, _comparators_frame, limits)


def _plan(path, name: str, data: bytes, user: str, kind: str, check: Callable, limits: Limits) -> CataloguePlan:
    access.require_admin(store.account(path, user), f"set {kind}")
    snapshot = store.load(path)
    file = read_file(name, data, snapshot.measures, kind, limits=limits)
    columns = TARGET_CHANGE_COLUMNS if kind == TARGETS else COMPARATOR_CHANGE_COLUMNS
    empty = pd.DataFrame(columns=columns)
    problems = list(file.parsed.problems)
    rows = [r for r in file.records if r["ok"]]
    changes, found = check(snapshot, file, rows) if rows else (empty, [])
    problems += found
    if problems:
        problems = listed(sorted(problems, key=_order), limits.max_problems, name)
        return CataloguePlan(name, kind, problems, empty, file.parsed.notes)
    notes = file.parsed.notes + _later_entries(snapshot, changes, kind)
    return CataloguePlan(name, kind, [], changes[columns].reset_index(drop=True), notes)


def _order(problem: Problem) -> tuple:
    return (problem.row or 0, problem.column or "", problem.message)


def _duplicates(file: File, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
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


def _told(problem: Problem, file: File, frame: pd.DataFrame) -> Problem:
    """A problem found on a frame row (index + 2), told as the file's row, column heading and cell as typed."""
    index = (problem.row or 2) - 2
    if problem.row is None or index not in frame.index:
        return problem
    line = frame.loc[index]
    key = problem.column if problem.column in READ[file.parsed.layout] else None
    column = file.names.get(key, problem.column) if key else file.names.get("measure_id", file.names.get("measure"))
    value = line[f"{key}_text"] if key else line["measure_id"]
    return replace(problem, row=int(line["row"]), column=column, value=value)


def _targets_frame(snapshot: Snapshot, file: File, rows: list[dict]) -> tuple[pd.DataFrame, list[Problem]]:
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


def _comparators_frame(snapshot: Snapshot, file: File, rows: list[dict]) -> tuple[pd.DataFrame, list[Problem]]:
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
