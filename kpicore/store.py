"""The SQLite store: the only module that reads or writes the database.

A connection is opened per operation (Streamlit runs each session in its own
thread), with foreign keys on and WAL journaling. Figures are never updated in
place: each change is a new row of ``observation_versions`` with who, when,
source and reason, and the ``observations`` view shows the latest of each.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from kpicore.dataset import DATA_DIR, read_dataset
from kpicore.rules import Settings
from kpicore.vocab import Role

LOCAL_ADMIN = "admin@localhost"
DEFAULT_DB = DATA_DIR / "kpi.sqlite"

migrations = Migrations("kpicore")


@migrations()
def m001_catalogue_and_observations(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE areas (
            area_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            position INTEGER NOT NULL UNIQUE
        );
        CREATE TABLE measures (
            measure_id TEXT PRIMARY KEY,
            area_id TEXT NOT NULL REFERENCES areas(area_id),
            position INTEGER NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE,
            killer_kpi INTEGER NOT NULL CHECK (killer_kpi IN (0, 1)),
            unit TEXT NOT NULL CHECK (unit IN ('percent', 'count', 'rate', 'days')),
            polarity TEXT NOT NULL CHECK (polarity IN ('higher', 'lower', 'neutral')),
            frequency TEXT NOT NULL CHECK (frequency IN ('monthly', 'quarterly')),
            lower_bound REAL,
            upper_bound REAL,
            dot_threshold REAL NOT NULL DEFAULT 1.0,
            comparator_value REAL,
            comparator_label TEXT
        );
        CREATE TABLE targets (
            measure_id TEXT NOT NULL REFERENCES measures(measure_id),
            from_period TEXT NOT NULL,
            target REAL NOT NULL,
            tolerance REAL,
            PRIMARY KEY (measure_id, from_period)
        );
        CREATE TABLE observation_versions (
            version_id INTEGER PRIMARY KEY,
            measure_id TEXT NOT NULL REFERENCES measures(measure_id),
            period TEXT NOT NULL,
            value REAL,
            commentary TEXT,
            performance_group TEXT CHECK (performance_group IN ('Good', 'Fair', 'Poor')),
            recorded_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            source TEXT NOT NULL,
            reason TEXT
        );
        CREATE INDEX observation_versions_by_month
            ON observation_versions (measure_id, period, version_id);
        CREATE VIEW observations AS
            SELECT * FROM observation_versions AS o
            WHERE version_id = (
                SELECT max(version_id) FROM observation_versions
                WHERE measure_id = o.measure_id AND period = o.period
            );
        CREATE TABLE users (
            email TEXT PRIMARY KEY,
            name TEXT,
            role TEXT NOT NULL CHECK (role IN ('viewer', 'data_owner', 'admin'))
        );
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value REAL NOT NULL
        );
        """
    )


def default_path() -> Path:
    """The database named by ``KPI_DB``, or ``data/kpi.sqlite`` in the project."""
    return Path(os.environ.get("KPI_DB") or DEFAULT_DB)


@contextmanager
def connect(path: Path | str | None = None) -> Iterator[Database]:
    """Open the database for one operation: foreign keys on, WAL, migrations applied."""
    path = Path(path or default_path())
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}: run `python -m kpicore init` first")
    db = Database(path)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
        db.enable_wal()
        migrations.apply(db)
        yield db
    finally:
        db.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _records(frame: pd.DataFrame) -> list[dict]:
    return [
        {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def initialise(
    path: Path | str | None = None,
    data_dir: Path = DATA_DIR,
    *,
    force: bool = False,
    user: str = LOCAL_ADMIN,
) -> dict[str, int]:
    """Create the database at ``path`` and load the dataset in ``data_dir``.

    The dataset is validated first; on any problem ``ValidationFailed`` is raised
    and nothing is written. The database is built in a temporary file beside
    ``path`` and moved into place in one step, so a failure never leaves half a
    database. An existing database is replaced only with ``force``.
    """
    path = Path(path or default_path())
    if path.exists() and not force:
        raise FileExistsError(f"a database already exists at {path} (use --force to replace it)")
    tables = read_dataset(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".init-", suffix=".sqlite")
    os.close(handle)
    try:
        db = Database(temporary)
        db.execute("PRAGMA foreign_keys = ON")
        migrations.apply(db)
        now = _now()
        with db.atomic():
            db["areas"].insert_all(_records(tables["areas"]))
            db["measures"].insert_all(_records(tables["measures"]))
            db["targets"].insert_all(_records(tables["targets"]))
            observations = tables["observations"].assign(
                recorded_by=user, recorded_at=now, source="init", reason="Loaded from the shipped dataset"
            )
            db["observation_versions"].insert_all(_records(observations))
            db["users"].insert({"email": LOCAL_ADMIN, "name": "Local administrator", "role": Role.ADMIN.value})
            defaults = Settings()
            db["settings"].insert_all(
                [{"key": key, "value": value} for key, value in vars(defaults).items()]
            )
        db.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return {name: len(frame) for name, frame in tables.items()}


@dataclass(frozen=True)
class Snapshot:
    """Everything the scorecard is computed from, read in one transaction."""

    areas: pd.DataFrame
    measures: pd.DataFrame
    targets: pd.DataFrame
    observations: pd.DataFrame
    settings: Settings
    data_version: int


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
                    "SELECT measure_id, period, value, commentary, performance_group, "
                    "recorded_by, recorded_at, source FROM observations "
                    "WHERE value IS NOT NULL ORDER BY measure_id, period"
                ),
                columns=[
                    "measure_id", "period", "value", "commentary", "performance_group",
                    "recorded_by", "recorded_at", "source",
                ],
            )
            stored = {row["key"]: row["value"] for row in db.query("SELECT * FROM settings")}
            version = next(db.query("SELECT coalesce(max(version_id), 0) AS v FROM observation_versions"))["v"]
    measures["killer_kpi"] = measures["killer_kpi"].astype(bool)
    for column in ("target", "tolerance"):
        targets[column] = targets[column].astype(float)
    observations["value"] = observations["value"].astype(float)
    defaults = vars(Settings())
    settings = Settings(**{k: type(defaults[k])(stored.get(k, defaults[k])) for k in defaults})
    return Snapshot(areas, measures, targets, observations, settings, version)


def export_observations(path: Path | str | None = None) -> pd.DataFrame:
    """All current figures in the long layout: ``measure_id, period, value, commentary, performance_group``."""
    observations = load(path).observations
    return observations[["measure_id", "period", "value", "commentary", "performance_group"]]


def backup(destination: Path | str, path: Path | str | None = None) -> Path:
    """Write a consistent copy of the live database to ``destination`` (SQLite's online backup)."""
    source_path = Path(path or default_path())
    if not source_path.exists():
        raise FileNotFoundError(f"no database at {source_path}")
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(destination)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()
    return destination
