"""Putting a backup back (``python -m kpicore restore FILE``), safely while the app has the database open.

The given file is never opened in place: it is copied into a temporary folder beside the live
database, and the copy is checked (a SQLite database, intact, of this dashboard, not from a newer
release) and upgraded if it is from an earlier release. The restore is recorded in the copy's
administrators' log. Then SQLite's online backup API copies it INTO the live database in one write
transaction: every other connection, in this process or another, sees all of the old contents or
all of the new, never a mix, and never an old ``-wal`` file replayed over new contents (a file copy
under open connections would do both). While that transaction is open, the live contents as they
were are backed up beside the live database, so the backup holds exactly what was replaced.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from kpicore import access
from kpicore.store.database import (
    Busy,
    busy_timeout,
    connect,
    copy_into,
    default_path,
    migrate,
    now,
    writing,
)
from kpicore.store.migrations import migrations
from kpicore.store.people import account_in
from kpicore.store.seed import new_file_beside

SQLITE_HEADER = b"SQLite format 3\x00"
COUNTED = {
    # what the output says the restored database holds: label -> SQL
    "current figures": "SELECT count(*) FROM observations WHERE value IS NOT NULL",
    "figure versions": "SELECT count(*) FROM observation_versions",
    "measures": "SELECT count(*) FROM measures",
    "users": "SELECT count(*) FROM users",
    "locked months": "SELECT count(*) FROM locked_periods",
}
_BUSY_STATUSES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED: a backup step could not take a lock


@dataclass(frozen=True)
class Restored:
    """What ``restore`` did: the backup of the database as it was, what the restored one holds, and
    the migrations applied to the copy (a file from an earlier release)."""

    source: Path
    backup: Path
    counts: dict[str, int]
    upgraded: list[str] = field(default_factory=list)


def restore(source: Path | str, *, user: str, path: Path | str | None = None) -> Restored:
    """Replace the live database's contents with the backup ``source`` (administrators only).

    Refused, with nothing written: a person who is not an administrator (``PermissionDenied``);
    anything but an intact database of this dashboard (``ValueError``, saying what it is); the write
    lock not free within the busy timeout (``Busy``)."""
    source, live = Path(source), Path(path or default_path())
    with connect(live) as db:  # the live database exists and is at the current schema
        me = account_in(db, user)
        access.require_admin(me, "restore the database")
    _check_file(source, live)
    with tempfile.TemporaryDirectory(dir=live.parent, prefix=".restore-") as folder:
        copy = Path(folder) / "restoring.sqlite"
        shutil.copyfile(source, copy)
        if Path(f"{source}-wal").is_file():  # what SQLite itself would read as part of the file
            shutil.copyfile(f"{source}-wal", f"{copy}-wal")
        upgraded = _checked_copy(copy, source)
        backup = new_file_beside(live)
        try:
            _record(copy, me.email, source, backup)
            counts = _counts(copy)
            _replace_contents(live, copy, backup)
        except BaseException:
            backup.unlink(missing_ok=True)
            raise
    return Restored(source, backup, counts, upgraded)


def _check_file(source: Path, live: Path) -> None:
    if not source.exists():
        raise ValueError(f"no file at {source}")
    if source.is_dir():
        raise ValueError(f"{source} is a folder: give the backup's file")
    if source.resolve() == live.resolve():
        raise ValueError(f"{source} is the live database: give a backup of it")
    with source.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise ValueError(f"{source} is not a SQLite database")


def _checked_copy(copy: Path, source: Path) -> list[str]:
    """Check the copy is an intact database of this dashboard and bring it to the current schema;
    the migrations it needed."""
    connection = sqlite3.connect(copy)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied = [] if migrations.migrations_table not in tables else [
            row[0] for row in connection.execute(
                f"SELECT name FROM {migrations.migrations_table} WHERE migration_set = ?", [migrations.name])
        ]
    except sqlite3.DatabaseError as error:
        raise ValueError(f"{source} is damaged ({error}): it cannot be restored") from None
    finally:
        connection.close()
    if problems != ["ok"]:
        raise ValueError(f"{source} is damaged ({problems[0]}): it cannot be restored")
    if not applied:
        raise ValueError(f"{source} is not a database of this dashboard (it has no record of this dashboard's schema)")
    known = [m.name for m in migrations.pending(Database(memory=True))]
    newer = [name for name in applied if name not in known]
    if newer:
        raise ValueError(f"{source} is from a newer release of this dashboard ({newer[0]}): upgrade the app first")
    upgraded = migrate(copy)
    _check_schema(copy, source)
    return upgraded


def _schema(connection: sqlite3.Connection) -> dict[str, list[str]]:
    names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")]
    return {name: [row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')] for name in names}


def _check_schema(copy: Path, source: Path) -> None:
    """Every table and column this release has (a file altered by hand, or half another app's, is refused)."""
    expected = Database(memory=True)
    migrations.apply(expected)
    connection = sqlite3.connect(copy)
    try:
        want, have = _schema(expected.conn), _schema(connection)
        missing = [f"{table}.{column}" for table, columns in want.items() for column in columns
                   if column not in have.get(table, [])]
        orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
        expected.close()
    if missing:
        raise ValueError(f"{source} is not a database of this dashboard: it lacks {', '.join(missing[:5])}")
    if orphans:
        raise ValueError(f"{source} is damaged: {len(orphans)} row(s) refer to rows that are not there")


def _record(copy: Path, by: str, source: Path, backup: Path) -> None:
    """The restore's entry in the restored database's administrators' log (part of what is restored)."""
    with writing(copy) as db:
        db["admin_events"].insert({
            "recorded_at": now(), "recorded_by": by, "action": "restore", "subject": str(source.resolve()),
            "detail": f"the database before the restore was backed up to {backup}",
        })


def _counts(copy: Path) -> dict[str, int]:
    connection = sqlite3.connect(copy)
    try:
        return {label: connection.execute(sql).fetchone()[0] for label, sql in COUNTED.items()}
    finally:
        connection.close()


def _replace_contents(live: Path, copy: Path, backup: Path) -> None:
    """Copy ``copy`` into ``live`` with the online backup API, in steps inside one write transaction on
    ``live``; after the first step (the lock taken, nothing visible to others yet) back up ``live``'s
    committed contents to ``backup``. Any failure rolls the live database back untouched."""
    seconds = busy_timeout()
    source = sqlite3.connect(copy)
    target = sqlite3.connect(live, timeout=seconds)
    reader = sqlite3.connect(live, timeout=seconds)
    started, backed_up = time.monotonic(), []
    _same_page_size(source, target)
    pages = source.execute("PRAGMA page_count").fetchone()[0]

    def progress(status: int, remaining: int, total: int) -> None:
        if status in _BUSY_STATUSES:
            if time.monotonic() - started >= seconds:
                raise Busy(seconds)
            return
        if not backed_up:
            if remaining == 0:
                raise AssertionError("the restore finished in one step: the database before it was not backed up")
            copy_into(reader, backup)  # what other connections still read: the contents being replaced
            backed_up.append(backup)

    try:
        source.backup(target, pages=max(1, min(1024, pages // 4)), progress=progress, sleep=0.05)
    finally:
        reader.close()
        target.close()
        source.close()


def _same_page_size(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """The backup API cannot copy into a WAL database with another page size: make the copy's match."""
    size = target.execute("PRAGMA page_size").fetchone()[0]
    if source.execute("PRAGMA page_size").fetchone()[0] != size:
        source.execute("PRAGMA journal_mode = DELETE")
        source.execute(f"PRAGMA page_size = {size}")
        source.execute("VACUUM")
