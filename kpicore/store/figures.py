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
from kpicore.problems import Problem, ValidationFailed
from kpicore.revisions import COMPARED, compare_with_current
from kpicore.store.database import connect, now, records, writing
from kpicore.store.people import account_in

SOURCES = ("form", "upload", "cli")
"""Where a submitted figure came from, as recorded with each version."""


class StaleFigures(RuntimeError):
    """Figures changed after the preview they were confirmed on; nothing was written."""


def current_versions(path: Path | str | None, keys: pd.DataFrame | None = None) -> pd.DataFrame:
    """The current version of every figure (or of the ``measure_id, period`` pairs in ``keys``)."""
    with connect(path) as db:
        return _current(db, keys)


def _current(db: Database, keys: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["version_id", "measure_id", "period", *COMPARED]
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


def record_figures(
    path: Path | str | None,
    figures: pd.DataFrame,
    *,
    user: str,
    source: str,
    reason: str | None = None,
    based_on: int | None = None,
    today=None,
) -> dict[str, int]:
    """Write submitted figures, all or nothing, as new versions where something changed.

    ``figures`` has the long layout (``measure_id, period, value`` and optionally
    ``commentary, performance_group``); each row is the whole figure as it
    should now read. Inside one write transaction this checks the person's role
    and ownership (``PermissionDenied``), the figures against
    ``schemas.SubmissionModel`` (``ValidationFailed``), locked months (an
    administrator with a reason only), that a revision has a reason, and with
    ``based_on`` (the ``data_version`` the person previewed) that none of these
    figures changed since (``StaleFigures``). A figure identical to the current
    one is not written again. Returns the counts of ``new``, ``revised`` and
    ``unchanged`` figures.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}")
    reason = (reason or "").strip() or None
    frame = figures.reset_index(drop=True)
    with writing(path) as db:
        me = account_in(db, user)
        access.require_submit(me, frame["measure_id"].astype(str))
        measures = pd.DataFrame(list(db.query("SELECT measure_id, unit, lower_bound, upper_bound, frequency, retired_from FROM measures")))
        locked = {r["period"] for r in db.query("SELECT period FROM locked_periods")}
        valid, problems = figure_checks.validate(
            frame, measures, account=me, locked_periods=locked, today=today, source=source
        )
        if problems:
            raise ValidationFailed(problems)
        access.require_locked_write(me, set(valid["period"]) & locked, reason)
        compared = compare_with_current(valid, _current(db, valid))
        if based_on is not None and compared["version_id"].gt(based_on).any():
            raise StaleFigures("some of these figures changed since your preview: check the preview again")
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


def history(path: Path | str | None = None, measure_id: str | None = None, period: str | None = None) -> pd.DataFrame:
    """Every version of every figure (or of one measure and/or month), newest first.

    Columns: ``version_id, measure_id, measure, period, change`` (``new`` or
    ``revised``), ``old_value, value, old_commentary, commentary,
    old_performance_group, performance_group, recorded_by, recorded_at, source, reason``.
    """
    sql = """
        SELECT * FROM (
            SELECT v.version_id, v.measure_id, m.name AS measure, v.period,
                CASE WHEN lag(v.version_id) OVER w IS NULL THEN 'new' ELSE 'revised' END AS change,
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
