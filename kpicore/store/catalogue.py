"""Changing the catalogue: areas, measures, effective-dated targets and comparators.

Every write is an administrator's (checked here, inside its one transaction, whatever a page
showed), is validated by the same pandera models as the shipped dataset (``init``), needs a
reason, and is recorded in ``catalogue_events`` field by field: who, when, old → new, why.
Nothing is ever deleted but a mistaken target or comparator entry, and that too is recorded.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
from sqlite_utils import Database

from kpicore.files.catalogue_file import PROPOSE  # a tolerance to propose: the same word as in a file
from kpicore.files.dataset import validate_table
from kpicore.periods import is_month, parse_period, span_text, within
from kpicore.problems import Problem, ValidationFailed
from kpicore.rules import NoProposal, in_force, proposed_tolerance
from kpicore.store.database import connect, now
from kpicore.store.people import as_admin, required_reason
from kpicore.store.read import read_settings
from kpicore.vocab import Polarity, Unit
from schemas import AreaModel, ComparatorModel, MeasureModel, TargetModel

MEASURE_FIELDS = [
    "measure_id", "area_id", "position", "name", "killer_kpi", "unit", "polarity", "frequency",
    "lower_bound", "upper_bound", "dot_threshold", "retired_from",
]
EDITABLE = [f for f in MEASURE_FIELDS if f not in ("measure_id", "retired_from")]
"""Fields ``edit_measure`` may change: everything but the id (never) and retirement (its own step)."""
READING_CHANGES = ("polarity", "unit")
"""Fields whose change alters how the whole history reads: the page asks for confirmation."""
EVENT_COLUMNS = ["event_id", "recorded_at", "recorded_by", "action", "subject", "field", "old", "new", "reason"]


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _record(db: Database, by: str, action: str, subject: str, reason: str, changes: dict[str, tuple]) -> None:
    """One event per changed field (``changes``: field → (old, new)); one without a field if none."""
    stamp = now()
    rows = [
        {"recorded_at": stamp, "recorded_by": by, "action": action, "subject": subject, "field": name,
         "old": _text(old), "new": _text(new), "reason": reason}
        for name, (old, new) in changes.items() if _text(old) != _text(new)
    ] or [{"recorded_at": stamp, "recorded_by": by, "action": action, "subject": subject, "field": None,
           "old": None, "new": None, "reason": reason}]
    db["catalogue_events"].insert_all(rows)


def _refuse(source: str, column: str, value: object, message: str) -> ValidationFailed:
    return ValidationFailed([Problem(source, None, column, "" if value is None else str(value), message)])


SINGLE = ("area", "measure", "target", "comparator")
"""Sources that are one record (a form or a command), whose problems name no row."""


def _checked(model, frame: pd.DataFrame, source: str, checks: dict | None = None, joined=()) -> pd.DataFrame:
    valid, problems = validate_table(model, frame, source, checks, joined)
    if problems:
        raise ValidationFailed([replace(p, row=None) if source in SINGLE else p for p in problems])
    return valid


def _months_accepted(db: Database, frame: pd.DataFrame, source: str) -> None:
    """Refuse an entry from a month outside the months accepted (the settings' years), naming row and column."""
    years = read_settings(db).years
    outside = [i for i, p in frame["from_period"].items() if is_month(p) and not within(p, years)]
    if outside:
        raise ValidationFailed([
            Problem(source, None if source in SINGLE else int(i) + 2, "from_period", str(frame.at[i, "from_period"]),
                    f"is outside the months accepted ({span_text(years)})")
            for i in outside
        ])


def _measure_row(db: Database, measure_id: str) -> dict:
    row = next(db.query("SELECT * FROM measures WHERE measure_id = ?", [measure_id]), None)
    if row is None:
        raise _refuse("catalogue", "measure_id", measure_id, "is not a measure of the catalogue")
    return row


def _area_ids(db: Database) -> set[str]:
    return {r["area_id"] for r in db.query("SELECT area_id FROM areas")}


# --- Areas --------------------------------------------------------------------------------------


def add_area(path: Path | str | None, area_id: str, name: str, *, user: str, reason: str) -> None:
    """Add a thematic area at the end of the council's order."""
    with as_admin(path, user, "add a thematic area") as (db, me):
        reason = required_reason(reason, "add a thematic area")
        if area_id in _area_ids(db):
            raise _refuse("catalogue", "area_id", area_id, "is already an area: choose another id")
        position = next(db.query("SELECT coalesce(max(position), 0) + 1 AS p FROM areas"))["p"]
        frame = pd.DataFrame([{"area_id": area_id, "name": (name or "").strip(), "position": position}])
        row = _checked(AreaModel, frame, "area").iloc[0].to_dict()
        db["areas"].insert({k: (int(v) if k == "position" else v) for k, v in row.items()})
        _record(db, me.email, "add_area", area_id, reason, {"name": (None, row["name"])})


def rename_area(path: Path | str | None, area_id: str, name: str, *, user: str, reason: str) -> None:
    with as_admin(path, user, "rename a thematic area") as (db, me):
        reason = required_reason(reason, "rename a thematic area")
        old = next(db.query("SELECT name FROM areas WHERE area_id = ?", [area_id]), None)
        if old is None:
            raise _refuse("catalogue", "area_id", area_id, "is not an area of the catalogue")
        name = (name or "").strip()
        if not name:
            raise _refuse("catalogue", "name", name, "is required")
        db.execute("UPDATE areas SET name = ? WHERE area_id = ?", [name, area_id])
        _record(db, me.email, "rename_area", area_id, reason, {"name": (old["name"], name)})


def reorder_areas(path: Path | str | None, area_ids: list[str], *, user: str, reason: str) -> None:
    """Put the areas in this order (every area, each once)."""
    with as_admin(path, user, "reorder the thematic areas") as (db, me):
        reason = required_reason(reason, "reorder the thematic areas")
        current = [r["area_id"] for r in db.query("SELECT area_id FROM areas ORDER BY position")]
        if sorted(area_ids) != sorted(current) or len(set(area_ids)) != len(area_ids):
            raise _refuse("catalogue", "area_id", ", ".join(area_ids), "must list every area once: " + ", ".join(current))
        # positions are unique: move out of the way first, then into place
        db.execute("UPDATE areas SET position = -position")
        for position, area_id in enumerate(area_ids, start=1):
            db.execute("UPDATE areas SET position = ? WHERE area_id = ?", [position, area_id])
        _record(db, me.email, "reorder_areas", "areas", reason, {"order": (", ".join(current), ", ".join(area_ids))})


# --- Measures -----------------------------------------------------------------------------------


def _valid_measure(db: Database, row: dict, source: str) -> dict:
    """``row`` checked by ``MeasureModel`` against the areas; a percentage without bounds gets 0–100."""
    row = {field: row.get(field) for field in MEASURE_FIELDS}
    if row.get("unit") == Unit.PERCENT and row.get("lower_bound") is None and row.get("upper_bound") is None:
        row["lower_bound"], row["upper_bound"] = 0.0, 100.0
    frame = pd.DataFrame([row]).astype(object)
    valid = _checked(MeasureModel, frame, source, {"area_id": _area_ids(db)}).iloc[0].to_dict()
    valid["killer_kpi"] = int(bool(valid["killer_kpi"]))
    valid["position"] = int(valid["position"])
    return {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in valid.items()}


def add_measure(path: Path | str | None, measure: dict, *, user: str, reason: str) -> dict:
    """Add a measure (``MEASURE_FIELDS``; position defaults to the end, the D.o.T. threshold to 1.0).

    Returns the stored record."""
    with as_admin(path, user, "add a measure") as (db, me):
        reason = required_reason(reason, "add a measure")
        if db["measures"].count_where("measure_id = ?", [measure.get("measure_id")]):
            raise _refuse("measure", "measure_id", measure.get("measure_id"), "is already a measure: ids never change or repeat")
        row = {"killer_kpi": False, "dot_threshold": 1.0, "retired_from": None, **measure}
        if row.get("position") is None:
            row["position"] = next(db.query("SELECT coalesce(max(position), 0) + 1 AS p FROM measures"))["p"]
        stored = _valid_measure(db, row, "measure")
        db["measures"].insert(stored)
        _record(db, me.email, "add_measure", stored["measure_id"], reason,
                {f: (None, stored[f]) for f in MEASURE_FIELDS if f != "measure_id"})
        return stored


def edit_measure(path: Path | str | None, measure_id: str, changes: dict, *, user: str, reason: str) -> dict:
    """Change any of ``EDITABLE``; the id never changes. A change of polarity is refused while a
    recorded tolerance would then lie on the better side of its target. Returns the stored record."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise _refuse("measure", unknown[0], changes[unknown[0]], f"cannot be edited; editable: {', '.join(EDITABLE)}")
    with as_admin(path, user, "edit a measure") as (db, me):
        reason = required_reason(reason, "edit a measure")
        old = _measure_row(db, measure_id)
        stored = _valid_measure(db, {**old, **changes}, "measure")
        if stored["polarity"] != old["polarity"]:
            _check_targets(db, measure_id, stored["polarity"])
        if stored["position"] != old["position"]:  # swap with the measure at the new position (positions are unique)
            db.execute("UPDATE measures SET position = ? WHERE measure_id = ?", [-old["position"], measure_id])
            db.execute("UPDATE measures SET position = ? WHERE position = ?", [old["position"], stored["position"]])
        db["measures"].update(measure_id, {f: stored[f] for f in EDITABLE})
        _record(db, me.email, "edit_measure", measure_id, reason, {f: (old[f], stored[f]) for f in EDITABLE})
        return stored


def _check_targets(db: Database, measure_id: str, polarity: str) -> None:
    targets = pd.DataFrame(
        list(db.query("SELECT * FROM targets WHERE measure_id = ?", [measure_id])),
        columns=["measure_id", "from_period", "target", "tolerance"],
    )
    if targets.empty:
        return
    _checked(TargetModel, targets.assign(polarity=polarity), f"targets of {measure_id} with polarity {polarity}")


def retire_measure(path: Path | str | None, measure_id: str, from_period: str, *, user: str, reason: str) -> None:
    """No figure is expected from ``from_period``: the measure leaves the form, the returns and the
    templates from then; its history and earlier scorecards are unchanged."""
    with as_admin(path, user, "retire a measure") as (db, me):
        reason = required_reason(reason, "retire a measure")
        old = _measure_row(db, measure_id)
        period = parse_period(from_period)
        db["measures"].update(measure_id, {"retired_from": period})
        _record(db, me.email, "retire_measure", measure_id, reason, {"retired_from": (old["retired_from"], period)})


def reinstate_measure(path: Path | str | None, measure_id: str, *, user: str, reason: str) -> None:
    with as_admin(path, user, "reinstate a measure") as (db, me):
        reason = required_reason(reason, "reinstate a measure")
        old = _measure_row(db, measure_id)
        if old["retired_from"] is None:
            raise _refuse("measure", "measure_id", measure_id, "is not retired")
        db["measures"].update(measure_id, {"retired_from": None})
        _record(db, me.email, "reinstate_measure", measure_id, reason, {"retired_from": (old["retired_from"], None)})


# --- Targets and comparators (effective-dated) -------------------------------------------------


def _with_proposals(db: Database, frame: pd.DataFrame, source: str, polarity: pd.Series) -> pd.DataFrame:
    """Rows whose tolerance is ``PROPOSE`` get the proposed one; where none can be proposed, a problem."""
    frame = frame.copy()
    settings, problems = read_settings(db), []
    for index in frame.index[frame["tolerance"].astype(str) == PROPOSE]:
        target, side = frame.at[index, "target"], polarity.get(frame.at[index, "measure_id"])
        try:
            frame.at[index, "tolerance"] = (
                None if target is None or pd.isna(pd.to_numeric(target, errors="coerce")) or side is None
                else proposed_tolerance(float(target), side, settings)
            )
        except NoProposal as why:
            problems.append(Problem(source, None if source in SINGLE else int(index) + 2, "tolerance", "", str(why)))
    if problems:
        raise ValidationFailed(problems)
    return frame


def _in_force(db: Database, table: str, columns: list[str], measure_id: str, period: str) -> tuple | None:
    """The entry of ``table`` in force at ``period`` by ``rules.in_force`` (its ``columns``, then its
    ``from_period``), or ``None``: what a new entry from ``period`` replaces, recorded as the old value."""
    dated = pd.DataFrame(
        list(db.query(f"SELECT measure_id, from_period, {', '.join(columns)} FROM {table} WHERE measure_id = ?",
                      [measure_id])),
        columns=["measure_id", "from_period", *columns],
    )
    at = pd.DataFrame({"measure_id": [measure_id], "period": [period]})
    found = in_force(at, dated.assign(entry=dated["from_period"]), [*columns, "entry"]).iloc[0]
    if pd.isna(found["entry"]):
        return None
    return tuple(None if pd.isna(v) else v for v in found[[*columns, "entry"]])


def set_targets(path: Path | str | None, targets: pd.DataFrame, *, user: str, reason: str, source: str = "targets") -> list[dict]:
    """Set targets from their months, all or nothing: ``measure_id, from_period, target, tolerance``.

    A blank target ends the target from that month (no tolerance then); a tolerance of
    ``PROPOSE`` is proposed (5% on the worse side); a blank tolerance means no amber band. A
    tolerance on the better side is refused. An entry for a month that already has one corrects
    it. Each change is recorded old → new, old being what was in force at that month. Problems name
    the row (the frame's index + 2, as in a file) and column. Returns the stored rows with the old values."""
    with as_admin(path, user, "set targets") as (db, me):
        reason = required_reason(reason, "set targets")
        polarity = pd.Series({r["measure_id"]: r["polarity"] for r in db.query("SELECT measure_id, polarity FROM measures")})
        frame = targets[["measure_id", "from_period", "target", "tolerance"]].reset_index(drop=True).astype(object)
        _months_accepted(db, frame, source)
        frame = _with_proposals(db, frame, source, polarity)
        frame["polarity"] = frame["measure_id"].map(polarity).fillna(Polarity.HIGHER.value)
        valid = _checked(TargetModel, frame, source, {"measure_id": set(polarity.index)}, ("polarity",))
        stored = []
        for row in valid.drop(columns="polarity").to_dict("records"):
            row = {k: (None if pd.isna(v) else v) for k, v in row.items()}
            old = _in_force(db, "targets", ["target", "tolerance"], row["measure_id"], row["from_period"])
            corrects = old is not None and old[2] == row["from_period"]
            db["targets"].upsert(row, pk=("measure_id", "from_period"))
            action = "end_target" if row["target"] is None else ("correct_target" if corrects else "set_target")
            _record(db, me.email, action, f"{row['measure_id']} {row['from_period']}", reason, {
                "target": (old[0] if old else None, row["target"]),
                "tolerance": (old[1] if old else None, row["tolerance"]),
            })
            stored.append({**row, "old_target": old[0] if old else None, "old_tolerance": old[1] if old else None})
        return stored


def set_target(path, measure_id: str, from_period: str, target: float | None, tolerance=PROPOSE, *, user: str, reason: str) -> dict:
    """Set (or, with ``target=None``, end) one measure's target from ``from_period`` (``set_targets``)."""
    row = {"measure_id": measure_id, "from_period": from_period, "target": target,
           "tolerance": None if target is None else tolerance}
    return set_targets(path, pd.DataFrame([row]), user=user, reason=reason, source="target")[0]


def end_target(path, measure_id: str, from_period: str, *, user: str, reason: str) -> dict:
    """No target in force from ``from_period`` (until a later one is set)."""
    return set_target(path, measure_id, from_period, None, user=user, reason=reason)


def remove_target(path, measure_id: str, from_period: str, *, user: str, reason: str) -> None:
    """Remove a mistaken target entry (recorded, with what it held)."""
    with as_admin(path, user, "remove a target entry") as (db, me):
        reason = required_reason(reason, "remove a target entry")
        period = parse_period(from_period)
        old = db.execute("SELECT target, tolerance FROM targets WHERE measure_id = ? AND from_period = ?",
                         [measure_id, period]).fetchone()
        if old is None:
            raise _refuse("target", "from_period", period, f"{measure_id} has no target entry from this month")
        db.execute("DELETE FROM targets WHERE measure_id = ? AND from_period = ?", [measure_id, period])
        _record(db, me.email, "remove_target", f"{measure_id} {period}", reason,
                {"target": (old[0], None), "tolerance": (old[1], None)})


def set_comparators(path, comparators: pd.DataFrame, *, user: str, reason: str, source: str = "comparators") -> list[dict]:
    """Set comparators from their months, all or nothing: ``measure_id, from_period, value, label``
    (a value, a label such as "England 2021-22", or both). Returns the stored rows with old values."""
    with as_admin(path, user, "set comparators") as (db, me):
        reason = required_reason(reason, "set comparators")
        known = {r["measure_id"] for r in db.query("SELECT measure_id FROM measures")}
        frame = comparators[["measure_id", "from_period", "value", "label"]].reset_index(drop=True).astype(object)
        frame["label"] = frame["label"].map(lambda v: (str(v).strip() or None) if isinstance(v, str) else v)
        _months_accepted(db, frame, source)
        valid = _checked(ComparatorModel, frame, source, {"measure_id": known})
        stored = []
        for row in valid.to_dict("records"):
            row = {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}
            old = _in_force(db, "comparators", ["value", "label"], row["measure_id"], row["from_period"])
            corrects = old is not None and old[2] == row["from_period"]
            db["comparators"].upsert(row, pk=("measure_id", "from_period"))
            _record(db, me.email, "correct_comparator" if corrects else "set_comparator",
                    f"{row['measure_id']} {row['from_period']}", reason,
                    {"value": (old[0] if old else None, row["value"]), "label": (old[1] if old else None, row["label"])})
            stored.append({**row, "old_value": old[0] if old else None, "old_label": old[1] if old else None})
        return stored


def set_comparator(path, measure_id: str, from_period: str, value: float | None, label: str | None, *, user: str, reason: str) -> dict:
    row = {"measure_id": measure_id, "from_period": from_period, "value": value, "label": label}
    return set_comparators(path, pd.DataFrame([row]), user=user, reason=reason, source="comparator")[0]


# --- History ------------------------------------------------------------------------------------


def history(path: Path | str | None = None, subject: str | None = None) -> pd.DataFrame:
    """The catalogue's changes, newest first: ``event_id, recorded_at, recorded_by, action, subject,
    field, old, new, reason``. ``subject`` (a measure or area id) keeps its own changes only."""
    with connect(path) as db:
        rows = db.query(
            "SELECT * FROM catalogue_events WHERE :subject IS NULL OR subject = :subject "
            "OR subject LIKE :subject || ' %' ORDER BY event_id DESC",
            {"subject": subject},
        )
        return pd.DataFrame(list(rows), columns=EVENT_COLUMNS)


def as_json(record: dict) -> str:
    """A stored record as it is shown in a report (numbers plain, missing as null)."""
    return json.dumps({k: _text(v) for k, v in record.items()}, ensure_ascii=False)
