"""Opening the database: where it is, cheap connections, the write transaction, backups.

A connection is opened per operation (Streamlit runs each session in its own
thread) with foreign keys on and a busy timeout, both per connection in SQLite.
Migrations are applied once per database file per process (``migrate``), not on
every connection: ``init``, the app's start-up and the command line bring a file
up to date, and the first connection to a file this process has not seen yet
does so too, so a database from any earlier release upgrades in place.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlite_utils import Database

from kpicore.files.dataset import DATA_DIR
from kpicore.store.migrations import migrations

DEFAULT_DB = DATA_DIR / "kpi.sqlite"
BUSY_TIMEOUT_MS = 5000
"""How long a connection waits for another writer before giving up."""

_migrated: set[tuple[str, int, int]] = set()
_migrating = threading.Lock()


def default_path() -> Path:
    """The database named by ``KPI_DB``, or ``data/kpi.sqlite`` in the project."""
    return Path(os.environ.get("KPI_DB") or DEFAULT_DB)


def _open(path: Path) -> Database:
    db = Database(path)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return db


def _identity(path: Path) -> tuple[str, int, int]:
    """A file's path and inode: a database replaced at the same path (``init --force``) is a new file."""
    stat = path.stat()
    return (str(path.resolve()), stat.st_dev, stat.st_ino)


def migrate(path: Path | str | None = None) -> list[str]:
    """Apply every pending migration to the database at ``path`` and turn on WAL journaling.

    Idempotent; returns the names of the migrations it applied. Each migration
    runs in its own transaction (sqlite-utils ``Migrations``), so a failure
    leaves the database at the last complete step.
    """
    path = _existing(path)
    with _migrating:
        db = _open(path)
        try:
            db.enable_wal()
            pending = [m.name for m in migrations.pending(db)]
            migrations.apply(db)
        finally:
            db.close()
        _migrated.add(_identity(path))
    return pending


def _existing(path: Path | str | None) -> Path:
    path = Path(path or default_path())
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}: run `python -m kpicore init` first")
    return path


@contextmanager
def connect(path: Path | str | None = None) -> Iterator[Database]:
    """Open the database for one operation: foreign keys on, a busy timeout, schema up to date."""
    path = _existing(path)
    if _identity(path) not in _migrated:
        migrate(path)
    db = _open(path)
    try:
        yield db
    finally:
        db.close()


@contextmanager
def writing(path: Path | str | None) -> Iterator[Database]:
    """One write transaction: ``BEGIN IMMEDIATE`` takes the write lock before anything is read,
    so what is checked is what is written over; any exception rolls everything back."""
    with connect(path) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.rollback()
            raise
        db.conn.commit()


def now() -> str:
    """The current time as stored with every change: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as dicts for ``insert_all``, with missing values as ``None``."""
    return [
        {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


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
