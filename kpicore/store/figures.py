"""Figures and their versions: every change is a new version with who, when, source and reason.

Figures are never updated in place: each change is a new row of
``observation_versions`` and the ``observations`` view shows the latest of each
measure and month. ``record_figures`` is the one way a figure is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd
from sqlite_utils import Database

from kpicore import access, figure_checks
from kpicore.periods import label
from kpicore.problems import Problem, ValidationFailed
from kpicore.revisions import COMPARED, compare_with_current
from kpicore.snapshot import Snapshot
from kpicore.store.database import connect, now, writing
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


CURRENT_COLUMNS = ["version_id", "measure_id", "period", *COMPARED, "recorded_by", "recorded_at"]
"""What is read of a figure's current version."""


def current_versions(path: Path | str | None, keys: pd.DataFrame | None = None) -> pd.DataFrame:
    """The current version of every figure (or of the ``measure_id, period`` pairs in ``keys``)."""
    with connect(path) as db:
        return _current(db, keys)


def _current(db: Database, keys: pd.DataFrame | None) -> pd.DataFrame:
    """The current versions of ``keys`` (every figure when ``None``); for keys, read by ``figures_around``."""
    if keys is None:
        frame = pd.DataFrame(list(db.query(f"SELECT {', '.join(CURRENT_COLUMNS)} FROM observations")), columns=CURRENT_COLUMNS)
        frame["value"] = frame["value"].astype(float)
        return frame
    return _of_keys(figures_around(db, keys, reach=0), keys)


def _of_keys(around: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``around`` whose ``measure_id, period`` is one of ``keys``."""
    wanted = keys[["measure_id", "period"]].drop_duplicates()
    return around.merge(wanted, on=["measure_id", "period"]).reset_index(drop=True)


_AROUND = """
    SELECT {columns} FROM json_each(:spans) AS s JOIN observations AS o
        ON o.measure_id = s.value ->> 0 AND o.period <= s.value ->> 2 AND o.period >= {start}
"""
_REACH_BACK = """coalesce((
    SELECT c.period FROM observations AS c
    WHERE c.measure_id = s.value ->> 0 AND c.period < s.value ->> 1 AND c.value IS NOT NULL
    ORDER BY c.period DESC LIMIT 1 OFFSET :reach - 1
), '')"""


def figures_around(db: Database, keys: pd.DataFrame, reach: int) -> pd.DataFrame:
    """The current version of every figure, withdrawn ones included, of each measure in ``keys``
    (``measure_id, period``) from its earliest month in ``keys`` to its latest, and its ``reach`` latest
    reported figures before that: what comparing ``keys`` with the record and judging their bands
    (``rules.bands`` looks back over ``Settings.persistence`` reported figures) needs.

    Read through the ``observation_versions_by_month`` index, measure by measure: what it costs follows
    the measures and months of ``keys``, not the history stored."""
    spans = keys.groupby("measure_id", sort=False)["period"].agg(["min", "max"]) if len(keys) else None
    if spans is None:
        return pd.DataFrame(columns=CURRENT_COLUMNS)
    payload = json.dumps([[m, lo, hi] for m, lo, hi in zip(spans.index, spans["min"], spans["max"])])
    start = _REACH_BACK if reach > 0 else "s.value ->> 1"
    sql = _AROUND.format(columns=", ".join(f"o.{c}" for c in CURRENT_COLUMNS), start=start)
    rows = db.conn.execute(sql, {"spans": payload, "reach": reach}).fetchall()
    frame = pd.DataFrame(rows, columns=CURRENT_COLUMNS)
    frame["value"] = frame["value"].astype(float)
    return frame


def submission_view(path: Path | str | None, keys: pd.DataFrame) -> tuple[Snapshot, pd.DataFrame]:
    """What planning a submission of ``keys`` (``measure_id, period``) reads, in one transaction: a
    ``Snapshot`` of the catalogue and settings whose observations are only the reported figures that the
    bands of ``keys`` look back over (``figures_around``), and the current version of each key.
    Neither grows with the history stored, only with the measures and months submitted."""
    with connect(path) as db, db.atomic():
        snapshot = _catalogue(db)
        around = figures_around(db, keys, reach=snapshot.settings.persistence)
    reported = around[around["value"].notna()].sort_values(["measure_id", "period"], ignore_index=True)
    return replace(snapshot, observations=reported), _of_keys(around, keys)


def catalogue_snapshot(path: Path | str | None) -> Snapshot:
    """The catalogue and settings as a ``Snapshot`` without figures (reading a file needs only the measures)."""
    with connect(path) as db, db.atomic():
        return _catalogue(db)


def _table(db: Database, sql: str) -> pd.DataFrame:
    """A query's rows as a frame, by the cursor (no dict per row)."""
    cursor = db.conn.execute(sql)
    return pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def _catalogue(db: Database) -> Snapshot:
    areas = _table(db, "SELECT * FROM areas ORDER BY position")
    measures = _table(db, "SELECT * FROM measures ORDER BY position")
    targets = _table(db, "SELECT measure_id, from_period, target, tolerance FROM targets ORDER BY measure_id, from_period")
    version = next(db.query("SELECT coalesce(max(version_id), 0) AS v FROM observation_versions"))["v"]
    measures["killer_kpi"] = measures["killer_kpi"].astype(bool)
    for column in ("target", "tolerance"):
        targets[column] = targets[column].astype(float)
    observations = pd.DataFrame({"measure_id": pd.Series(dtype=object), "period": pd.Series(dtype=object),
                                 "value": pd.Series(dtype=float)})
    return Snapshot(areas, measures, targets, observations, read_settings(db), version)


def seen_versions(current: pd.DataFrame, keys: pd.DataFrame) -> Seen:
    """What a person previewing ``keys`` sees: the current version of each, ``None`` where there is none."""
    versions = {
        (m, p): (int(v), float(x))
        for m, p, v, x in zip(*(current[c].tolist() for c in ("measure_id", "period", "version_id", "value")))
    }
    return {key: versions.get(key, (None, None)) for key in zip(keys["measure_id"].tolist(), keys["period"].tolist())}


def moved_since(current: pd.DataFrame, seen: Seen, keys: Iterable[tuple[str, str]]) -> list[dict]:
    """The figures among ``keys`` (``measure_id, period``) whose current version, in ``current``, is not
    the one the person saw: each with the value seen and the current ``value, recorded_by, recorded_at``."""
    columns = ("measure_id", "period", "version_id", "value", "recorded_by", "recorded_at")
    now = {(m, p): rest for m, p, *rest in zip(*(current[c].tolist() for c in columns))}
    moved = []
    for key in dict.fromkeys(keys):
        version, value, recorded_by, recorded_at = now.get(key, (None, None, None, None))
        expected, before = seen.get(key, (None, None))
        if (None if version is None else int(version)) == expected:
            continue
        moved.append({
            "measure_id": key[0], "period": key[1], "seen_value": before, "value": float(value),
            "recorded_by": recorded_by, "recorded_at": recorded_at,
        })
    return moved


def _checked(db: Database, frame: pd.DataFrame, user: str, source: str, today) -> pd.DataFrame:
    """The figures checked against the catalogue, ownership and locks as they stand in ``db``."""
    me = account_in(db, user)
    access.require_submit(me, frame["measure_id"].astype(str).unique().tolist())
    measures = _table(db, "SELECT measure_id, unit, lower_bound, upper_bound, frequency, retired_from FROM measures")
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
        access.require_submit(me, valid["measure_id"].astype(str).unique().tolist())
        locked = {r["period"] for r in db.query("SELECT period FROM locked_periods")}
        access.require_locked_write(me, set(valid["period"]) & locked, reason)
        current = _current(db, valid)
        compared = compare_with_current(valid, current)
        if seen is not None and (moved := moved_since(current, seen, zip(compared["measure_id"].tolist(), compared["period"].tolist()))):
            raise StaleFigures(moved)
        changed = compared[compared["status"] != "unchanged"]
        revised = int((changed["status"] == "revised").sum())
        if revised and not reason:
            raise ValidationFailed(
                [Problem(source, None, "reason", "", f"a reason is required to revise {revised} figure(s) already recorded")]
            )
        db.conn.executemany(_INSERT, _version_rows(changed, me.email, now(), source, reason))
    return {"new": len(changed) - revised, "revised": revised, "unchanged": len(compared) - len(changed)}


_VERSION_COLUMNS = [*figure_checks.FIELDS, "recorded_by", "recorded_at", "source", "reason"]
_INSERT = (
    f"INSERT INTO observation_versions ({', '.join(_VERSION_COLUMNS)}) VALUES ({', '.join('?' * len(_VERSION_COLUMNS))})"
)


def _version_rows(changed: pd.DataFrame, email: str, stamp: str, source: str, reason: str | None) -> list[tuple]:
    """The new versions as rows of ``_VERSION_COLUMNS`` for one ``executemany`` (a missing value as ``None``)."""
    columns = [changed[c].astype(object).where(changed[c].notna(), None).tolist() for c in figure_checks.FIELDS]
    return [(*figure, email, stamp, source, reason) for figure in zip(*columns)]


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
