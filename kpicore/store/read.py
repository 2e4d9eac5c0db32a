"""Reading a ``Snapshot``: the catalogue, the current figures and the settings, in one transaction.

The current figures are read with one query of their own (``FIGURE_VERSIONS``, ``current_figures``), not
through the ``observations`` view, and every table comes back as cursor tuples built into a frame column by
column: no dictionary per row. ``load`` is what every page and the ``scorecard`` command start from.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kpicore.rules import Settings
from kpicore.snapshot import COMPARATOR_COLUMNS, REBASE_COLUMNS, Snapshot
from kpicore.store.database import connect

if TYPE_CHECKING:
    from sqlite_utils import Database

OBSERVATION_COLUMNS = [
    "version_id", "measure_id", "period", "value", "commentary", "performance_group", "recorded_by", "recorded_at", "source",
]
LONG_LAYOUT = ["measure_id", "period", "value", "commentary", "performance_group"]
TARGET_COLUMNS = ["measure_id", "from_period", "target", "tolerance"]

FIGURE_VERSIONS = "SELECT {columns} FROM observation_versions ORDER BY measure_id, period, version_id"
"""Every version of every figure, each measure and month's versions together, oldest first: one scan of
the index on ``measure_id, period, version_id`` (no sort, no subquery per row, unlike the ``observations``
view); ``current_figures`` keeps the current ones."""


def current_figures(versions: pd.DataFrame) -> pd.DataFrame:
    """The current figure of each measure and month from ``versions`` in ``FIGURE_VERSIONS`` order: its
    latest version, unless that version withdrew it (no value). The rows of the ``observations`` view
    that have a value, in (measure_id, period) order, numbered from 0."""
    measure_id, period = versions["measure_id"], versions["period"]
    current = (measure_id.ne(measure_id.shift(-1)) | period.ne(period.shift(-1))) & versions["value"].notna()
    return versions if current.all() else versions[current].reset_index(drop=True)


def load(path: Path | str | None = None, columns: list[str] = OBSERVATION_COLUMNS) -> Snapshot:
    """Read the catalogue and the current figures (their ``columns``: every one unless told; ``measure_id``,
    ``period`` and ``value`` always). This is a read-only operation."""
    columns = [c for c in OBSERVATION_COLUMNS if c in {"measure_id", "period", "value", *columns}]
    with connect(path) as db:
        with db.atomic():
            areas = _frame(db, "SELECT * FROM areas ORDER BY position")
            measures = _frame(db, "SELECT * FROM measures ORDER BY position")
            targets = _frame(db, f"SELECT {', '.join(TARGET_COLUMNS)} FROM targets ORDER BY measure_id, from_period")
            observations = current_figures(_frame(db, FIGURE_VERSIONS.format(columns=", ".join(columns))))
            comparators = _frame(
                db, f"SELECT {', '.join(COMPARATOR_COLUMNS)} FROM comparators ORDER BY measure_id, from_period"
            )
            rebases = _frame(db, f"SELECT {', '.join(REBASE_COLUMNS)} FROM spc_rebases ORDER BY measure_id, period")
            settings = read_settings(db)
            (version,) = db.execute("SELECT coalesce(max(version_id), 0) FROM observation_versions").fetchone()
    measures["killer_kpi"] = measures["killer_kpi"].astype(bool)
    for column in ("target", "tolerance"):
        targets[column] = targets[column].astype(float)
    comparators["value"] = comparators["value"].astype(float)
    observations["value"] = observations["value"].astype(float)
    return Snapshot(areas, measures, targets, observations, settings, version, rebases, comparators)


def _frame(db: Database, sql: str) -> pd.DataFrame:
    """The rows of ``sql`` as a frame with the query's column names (tuples, not a dictionary per row)."""
    cursor = db.execute(sql)
    columns = [description[0] for description in cursor.description]
    return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def read_settings(db: Database) -> Settings:
    """The rule settings stored in ``db``; a setting not stored has its default (DESIGN.md 3.4, 3.6)."""
    stored = {row["key"]: row["value"] for row in db.query("SELECT * FROM settings")}
    defaults = vars(Settings())
    return Settings(**{k: type(defaults[k])(stored.get(k, defaults[k])) for k in defaults})


def export_observations(path: Path | str | None = None) -> pd.DataFrame:
    """All current figures in the long layout: ``measure_id, period, value, commentary, performance_group``."""
    return load(path).observations[LONG_LAYOUT]
