"""Figures and their versions: every change is a new version with who, when, source and reason.

Figures are never updated in place: each change is a new row of
``observation_versions`` and the ``observations`` view shows the latest of each
measure and month. ``record_figures`` is the one way a figure is written.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlite_utils import Database

from kpicore import access, figure_checks
from kpicore.periods import label
from kpicore.problems import Problem, ValidationFailed
from kpicore.revisions import COMPARED, compare_with_current
from kpicore.store.database import connect, now, records, writing
from kpicore.store.people import account_in
from kpicore.store.read import read_settings

SOURCES = ("form", "upload", "cli")
"""Where a submitted figure came from, as recorded with each version."""


class StaleFigures(RuntimeError):
    """Figures changed after the preview they were confirmed on; nothing was written.

    ``moved`` lists each one: ``measure_id, period``, the value seen in the preview
    (``None`` when there was none) and the current version's ``value, recorded_by, recorded_at``.
    """

    def __init__(self, moved: list[dict]):
        self.moved = moved
        lines = "; ".join(_moved_line(m) for m in moved[:10])
        more = f"; and {len(moved) - 10} more" if len(moved) > 10 else ""
        super().__init__(
            f"{len(moved)} figure(s) changed since your preview: {lines}{more}. "
            "Nothing was saved: look at the figures again before saving"
        )


def _moved_line(moved: dict) -> str:
    seen = "no figure" if moved["seen_value"] is None else f"{moved['seen_value']:g}"
    return (
        f"{moved['measure_id']} {label(moved['period'])} was {seen} in your preview, now {moved['value']:g} "
        f"(recorded by {moved['recorded_by']} at {moved['recorded_at']})"
    )


Seen = dict[tuple[str, str], tuple[int | None, float | None]]
"""The version and value of each figure (``measure_id, period``) a person saw; ``(None, None)`` where there was none."""


def current_versions(path: Path | str | None, keys: pd.DataFrame | None = None) -> pd.DataFrame:
    """The current version of every figure (or of the ``measure_id, period`` pairs in ``keys``)."""
    with connect(path) as db:
        return _current(db, keys)


def _current(db: Database, keys: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["version_id", "measure_id", "period", *COMPARED, "recorded_by", "recorded_at"]
    sql = f"SELECT {', '.join(columns)} FROM observations"
    params: list = []
    if keys is not None:
        ids = sorted(set(keys["measure_id"]))
        sql += f" WHERE measure_id IN ({', '.join('?' * len(ids))})"
        params = ids
    frame = pd.DataFrame(list(db.query(sql, params)), columns=columns)
    if keys is not None:
        frame = frame.merge(keys[["measure_id", "period"]].drop_duplicates(), on=["measure_id", "period"])
    frame["value"] = frame["value"].astype(float)
    return frame


def seen_versions(current: pd.DataFrame, keys: pd.DataFrame) -> Seen:
    """What a person previewing ``keys`` sees: the current version of each, ``None`` where there is none."""
    versions = {
        (m, p): (int(v), float(x))
        for m, p, v, x in zip(current["measure_id"], current["period"], current["version_id"], current["value"])
    }
    return {(m, p): versions.get((m, p), (None, None)) for m, p in zip(keys["measure_id"], keys["period"])}


def _moved(compared: pd.DataFrame, current: pd.DataFrame, seen: Seen) -> list[dict]:
    """The figures whose current version is not the one the person saw."""
    now = current.set_index(["measure_id", "period"])
    moved = []
    for measure_id, period, version in zip(compared["measure_id"], compared["period"], compared["version_id"]):
        version = None if pd.isna(version) else int(version)
        expected, before = seen.get((measure_id, period), (None, None))
        if version == expected:
            continue
        row = now.loc[(measure_id, period)]
        moved.append({
            "measure_id": measure_id, "period": period, "seen_value": before, "value": float(row["value"]),
            "recorded_by": row["recorded_by"], "recorded_at": row["recorded_at"],
        })
    return moved


def _checked(db: Database, frame: pd.DataFrame, user: str, source: str, today) -> pd.DataFrame:
    """The figures checked against the catalogue, ownership and locks as they stand in ``db``."""
    me = account_in(db, user)
    access.require_submit(me, frame["measure_id"].astype(str))
    measures = pd.DataFrame(list(db.query(
        "SELECT measure_id, unit, lower_bound, upper_bound, frequency, retired_from FROM measures"
    )))
    locked = {r["period"] for r in db.query("SELECT period FROM locked_periods")}
    valid, problems = figure_checks.validate(
        frame, measures, account=me, locked_periods=locked, today=today, source=source, settings=read_settings(db)
    )
    if problems:
        raise ValidationFailed(problems)
    return valid


def record_figures(
    path: Path | str | None,
    figures: pd.DataFrame,
    *,
    user: str,
    source: str,
    reason: str | None = None,
    seen: Seen | None = None,
    today=None,
) -> dict[str, int]:
    """Write submitted figures, all or nothing, as new versions where something changed.

    ``figures`` has the long layout (``measure_id, period, value`` and optionally
    ``commentary, performance_group``); each row is the whole figure as it
    should now read. First, outside the write lock, the figures are checked
    against ``schemas.SubmissionModel`` and the catalogue (``ValidationFailed``).
    Then, in one write transaction, the person's role and ownership
    (``PermissionDenied``) and locked months (an administrator with a reason
    only) are checked again as they now stand, each figure is compared with the
    current one, and with ``seen`` (the version of each figure the person
    previewed) any figure that moved since is refused
    (``StaleFigures``, naming each; a command-line import passes no ``seen``: it
    has no preview). A revision needs a reason. A figure identical to the current
    one is not written again. Returns the counts of ``new``, ``revised`` and
    ``unchanged`` figures.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}")
    reason = (reason or "").strip() or None
    frame = figures.reset_index(drop=True)
    with connect(path) as db:
        valid = _checked(db, frame, user, source, today)
    with writing(path) as db:
        me = account_in(db, user)
        access.require_submit(me, valid["measure_id"].astype(str))
        locked = {r["period"] for r in db.query("SELECT period FROM locked_periods")}
        access.require_locked_write(me, set(valid["period"]) & locked, reason)
        current = _current(db, valid)
        compared = compare_with_current(valid, current)
        if seen is not None and (moved := _moved(compared, current, seen)):
            raise StaleFigures(moved)
        changed = compared[compared["status"] != "unchanged"]
        revised = int((changed["status"] == "revised").sum())
        if revised and not reason:
            raise ValidationFailed(
                [Problem(source, None, "reason", "", f"a reason is required to revise {revised} figure(s) already recorded")]
            )
        stamp = now()
        db["observation_versions"].insert_all(
            records(
                changed[list(figure_checks.FIELDS)].assign(recorded_by=me.email, recorded_at=stamp, source=source, reason=reason)
            )
        )
    return {"new": len(changed) - revised, "revised": revised, "unchanged": len(compared) - len(changed)}


WITHDRAWAL = "withdrawal"
"""The source of a version that withdraws a figure (no value): it leaves every report; its history stays."""


def withdraw_figure(path: Path | str | None, measure_id: str, period: str, *, user: str, reason: str | None) -> None:
    """Withdraw a recorded figure: a new version with no value, commentary or group, so the figure
    leaves every report while every earlier version stays in the history. Administrators only, with a
    reason. The way to remove a mistaken figure, including one an earlier release stored for a month
    no report can show (``0000-01``); a figure given again later is new."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([Problem(WITHDRAWAL, None, "reason", "", "a reason is required to withdraw a figure")])
    with writing(path) as db:
        me = account_in(db, user)
        access.require_admin(me, "withdraw a figure")
        current = next(db.query(
            "SELECT value FROM observations WHERE measure_id = ? AND period = ?", [measure_id, period]
        ), None)
        if current is None or current["value"] is None:
            raise ValueError(f"{measure_id} has no figure for {label(period)} to withdraw")
        db["observation_versions"].insert({
            "measure_id": measure_id, "period": period, "value": None, "commentary": None, "performance_group": None,
            "recorded_by": me.email, "recorded_at": now(), "source": WITHDRAWAL, "reason": reason,
        })


def history(path: Path | str | None = None, measure_id: str | None = None, period: str | None = None) -> pd.DataFrame:
    """Every version of every figure (or of one measure and/or month), newest first.

    Columns: ``version_id, measure_id, measure, period, change`` (``new``, ``revised`` or
    ``withdrawn``; a figure given after a withdrawal is ``new`` again), ``old_value, value, old_commentary, commentary,
    old_performance_group, performance_group, recorded_by, recorded_at, source, reason``.
    """
    sql = """
        SELECT * FROM (
            SELECT v.version_id, v.measure_id, m.name AS measure, v.period,
                CASE WHEN v.value IS NULL THEN 'withdrawn'
                     WHEN lag(v.value) OVER w IS NULL THEN 'new' ELSE 'revised' END AS change,
                lag(v.value) OVER w AS old_value, v.value,
                lag(v.commentary) OVER w AS old_commentary, v.commentary,
                lag(v.performance_group) OVER w AS old_performance_group, v.performance_group,
                v.recorded_by, v.recorded_at, v.source, v.reason
            FROM observation_versions v JOIN measures m USING (measure_id)
            WHERE (:measure IS NULL OR v.measure_id = :measure) AND (:period IS NULL OR v.period = :period)
            WINDOW w AS (PARTITION BY v.measure_id, v.period ORDER BY v.version_id)
        ) ORDER BY version_id DESC
    """
    columns = [
        "version_id", "measure_id", "measure", "period", "change", "old_value", "value", "old_commentary",
        "commentary", "old_performance_group", "performance_group", "recorded_by", "recorded_at", "source", "reason",
    ]
    with connect(path) as db:
        rows = list(db.query(sql, {"measure": measure_id, "period": period}))
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("old_value", "value"):
        frame[column] = frame[column].astype(float)
    return frame
