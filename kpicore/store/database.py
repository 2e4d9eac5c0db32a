"""Opening the database: where it is, cheap connections, the write transaction, backups.

A connection is opened per operation (Streamlit runs each session in its own
thread) with foreign keys on and a busy timeout, both per connection in SQLite.
A writer that finds another change being saved waits for it, up to the busy timeout
(``KPI_BUSY_TIMEOUT`` seconds, default 30); then ``Busy`` says so, and nothing was written.
Migrations are applied once per database file per process (``migrate``), not on
every connection: ``init``, the app's start-up and the command line bring a file
up to date, and the first connection to a file this process has not seen yet
does so too, so a database from any earlier release upgrades in place.
"""

from __future__ import annotations

import math
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlite_utils import Database

from kpicore.files import DATA_DIR
from kpicore.store.migrations import migrations

DEFAULT_DB = DATA_DIR / "kpi.sqlite"
DEFAULT_BUSY_TIMEOUT = 30.0
"""Seconds a connection waits for another writer before giving up (``KPI_BUSY_TIMEOUT`` changes it)."""
SQLITE_BUSY = 5

_migrated: set[tuple[str, int, int]] = set()
_migrating = threading.Lock()
_committed = 0


class Busy(RuntimeError):
    """Another change held the write lock for longer than the busy timeout; nothing was written."""

    def __init__(self, seconds: float):
        super().__init__(f"another change is being saved; waited {seconds:g} s; nothing was written, try again")


def default_path() -> Path:
    """The database named by ``KPI_DB``, or ``data/kpi.sqlite`` in the project."""
    return Path(os.environ.get("KPI_DB") or DEFAULT_DB)


def busy_timeout() -> float:
    """How long, in seconds, a writer waits for another to finish: ``KPI_BUSY_TIMEOUT``, else 30."""
    text = os.environ.get("KPI_BUSY_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_BUSY_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds >= 0):
        raise ValueError(f"KPI_BUSY_TIMEOUT must be a number of seconds (such as 30), not '{text}'")
    return seconds


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite giving up on a lock another connection holds."""
    return isinstance(error, sqlite3.OperationalError) and (getattr(error, "sqlite_errorcode", 0) & 0xFF) == SQLITE_BUSY


@contextmanager
def busy_is_refused() -> Iterator[float]:
    """Turn SQLite's "database is locked", after the whole wait, into ``Busy``; yields the wait in seconds."""
    seconds = busy_timeout()
    try:
        yield seconds
    except sqlite3.OperationalError as error:
        if is_busy(error):
            raise Busy(seconds) from error
        raise


def commits() -> int:
    """How many write transactions this process has committed (the command line says whether any was)."""
    return _committed


def _open(path: Path) -> Database:
    seconds = busy_timeout()
    db = Database(sqlite3.connect(path, timeout=seconds))
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA busy_timeout = {round(seconds * 1000)}")
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
    with _migrating, busy_is_refused():
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
    with busy_is_refused():
        db = _open(path)
        try:
            yield db
        finally:
            db.close()


@contextmanager
def writing(path: Path | str | None) -> Iterator[Database]:
    """One write transaction: ``BEGIN IMMEDIATE`` takes the write lock before anything is read,
    so what is checked is what is written over; any exception rolls everything back.

    ``BEGIN IMMEDIATE`` waits for another writer up to the busy timeout (in WAL mode too), then
    raises ``Busy``."""
    global _committed
    with connect(path) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.rollback()
            raise
        db.conn.commit()
        _committed += 1


def now() -> str:
    """The current time as stored with every change: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as dicts for ``insert_all``, with missing values as ``None``."""
    return [
        {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def backup(destination: Path | str, path: Path | str | None = None, *, force: bool = False) -> Path:
    """Write a consistent copy of the live database to ``destination`` (SQLite's online backup), as one
    self-contained file (no ``-wal`` beside it).

    The copy is made in a temporary file beside ``destination`` and moved into place in one step. An
    existing file is replaced only with ``force``; a folder, the live database itself or a place that
    cannot be written is refused (``ValueError``, ``FileExistsError``) and nothing is written there."""
    source_path = _existing(path)
    destination = Path(destination)
    _check_destination(destination, source_path, force=force)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}-", suffix=".tmp")
    except OSError as error:
        raise ValueError(f"cannot write a backup to {destination}: {error.strerror or error}") from None
    os.close(handle)
    try:
        with busy_is_refused() as seconds:
            source = sqlite3.connect(source_path, timeout=seconds)
            try:
                copy_into(source, Path(temporary))
            finally:
                source.close()
        if force:
            os.replace(temporary, destination)
        else:
            os.link(temporary, destination)  # never over a file that appeared meanwhile
    except FileExistsError:
        raise FileExistsError(f"{destination} already exists: use --force to replace it") from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return destination


def _check_destination(destination: Path, source: Path, *, force: bool) -> None:
    if destination.is_dir():
        raise ValueError(f"{destination} is a folder: give the backup's file name, such as {destination / 'kpi-backup.sqlite'}")
    if destination.exists() and destination.resolve() == source.resolve():
        raise ValueError(f"{destination} is the live database: give another file name")
    if destination.exists() and not force:
        raise FileExistsError(f"{destination} already exists: use --force to replace it")
    parent = next((p for p in destination.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise ValueError(f"cannot write a backup to {destination}: {parent} is not a folder")


def copy_into(source: sqlite3.Connection, destination: Path) -> None:
    """Copy what ``source`` reads (one consistent snapshot) into the file ``destination``, made a
    self-contained rollback-journal database (no ``-wal`` file needed to read it)."""
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
