"""Reading a ``Snapshot``: the catalogue, the current figures and the settings, in one transaction."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlite_utils import Database

from kpicore.rules import Settings
from kpicore.snapshot import COMPARATOR_COLUMNS, REBASE_COLUMNS, Snapshot
from kpicore.store.database import connect

OBSERVATION_COLUMNS = [
    "version_id", "measure_id", "period", "value", "commentary", "performance_group", "recorded_by", "recorded_at", "source",
]
LONG_LAYOUT = ["measure_id", "period", "value", "commentary", "performance_group"]


def load(path: Path | str | None = None) -> Snapshot:
    """Read the catalogue and the current figures. This is a read-only operation."""
    with connect(path) as db:
        with db.atomic():
            areas = pd.DataFrame(db.query("SELECT * FROM areas ORDER BY position"))
            measures = pd.DataFrame(db.query("SELECT * FROM measures ORDER BY position"))
            targets = pd.DataFrame(
                db.query("SELECT * FROM targets ORDER BY measure_id, from_period"),
                columns=["measure_id", "from_period", "target", "tolerance"],
            )
            observations = pd.DataFrame(
                db.query(
                    f"SELECT {', '.join(OBSERVATION_COLUMNS)} FROM observations "
                    "WHERE value IS NOT NULL ORDER BY measure_id, period"
                ),
                columns=OBSERVATION_COLUMNS,
            )
            comparators = pd.DataFrame(
                db.query("SELECT * FROM comparators ORDER BY measure_id, from_period"), columns=COMPARATOR_COLUMNS
            )
            rebases = pd.DataFrame(
                db.query("SELECT * FROM spc_rebases ORDER BY measure_id, period"), columns=REBASE_COLUMNS
            )
            settings = read_settings(db)
            version = next(db.query("SELECT coalesce(max(version_id), 0) AS v FROM observation_versions"))["v"]
    measures["killer_kpi"] = measures["killer_kpi"].astype(bool)
    for column in ("target", "tolerance"):
        targets[column] = targets[column].astype(float)
    comparators["value"] = comparators["value"].astype(float)
    observations["value"] = observations["value"].astype(float)
    return Snapshot(areas, measures, targets, observations, settings, version, rebases, comparators)


def read_settings(db: Database) -> Settings:
    """The rule settings stored in ``db``; a setting not stored has its default (DESIGN.md 3.4, 3.6)."""
    stored = {row["key"]: row["value"] for row in db.query("SELECT * FROM settings")}
    defaults = vars(Settings())
    return Settings(**{k: type(defaults[k])(stored.get(k, defaults[k])) for k in defaults})


def export_observations(path: Path | str | None = None) -> pd.DataFrame:
    """All current figures in the long layout: ``measure_id, period, value, commentary, performance_group``."""
    return load(path).observations[LONG_LAYOUT]
