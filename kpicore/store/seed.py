"""Creating a new database from the shipped dataset (``python -m kpicore init``).

Replacing a database (``--force``) never silently destroys work: if the old one holds anything
``init`` does not write (submitted figures, users, locked months, re-bases, administrators'
changes), a consistent backup of it is made beside it first, and ``initialise`` says where.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from kpicore.access import LOCAL_ADMIN
from kpicore.files.dataset import DATA_DIR, read_dataset
from kpicore.rules import Settings
from kpicore.store.database import backup, default_path, migrate, now, records
from kpicore.vocab import Role

NOT_FROM_INIT = {
    # what init does not write: (one, many) -> how many the database holds (tables it lacks hold none)
    ("submitted figure version", "submitted figure versions"):
        ("observation_versions", "SELECT count(*) FROM observation_versions WHERE source IS NOT 'init'"),
    ("user besides the local administrator", "users besides the local administrator"):
        ("users", f"SELECT count(*) FROM users WHERE email IS NOT '{LOCAL_ADMIN}'"),
    ("locked month", "locked months"): ("locked_periods", "SELECT count(*) FROM locked_periods"),
    ("SPC re-base", "SPC re-bases"): ("spc_rebases", "SELECT count(*) FROM spc_rebases"),
    ("administrator's change", "administrators' changes"): ("admin_events", "SELECT count(*) FROM admin_events"),
}


@dataclass(frozen=True)
class Initialised:
    """What ``initialise`` did: the rows it loaded from each dataset file and, when it replaced a
    database holding work ``init`` does not write, where that database was backed up first."""

    counts: dict[str, int]
    backup: Path | None = None
    kept: dict[str, int] = field(default_factory=dict)
    """What the backup holds that ``init`` does not write (``NOT_FROM_INIT``, plural labels), only
    what it has; empty when the old file could not be read as a database and was copied as it was."""

    @property
    def backup_note(self) -> str | None:
        """``Backed up the existing database (...) to PATH before replacing it.``, or ``None``."""
        if self.backup is None:
            return None
        held = ", ".join(
            f"{self.kept[many]} {one if self.kept[many] == 1 else many}"
            for one, many in NOT_FROM_INIT if self.kept.get(many)
        )
        return (
            f"Backed up the existing database ({held or 'not readable as a database: copied as it was'}) "
            f"to {self.backup} before replacing it."
        )


def initialise(
    path: Path | str | None = None,
    data_dir: Path = DATA_DIR,
    *,
    force: bool = False,
    user: str = LOCAL_ADMIN,
) -> Initialised:
    """Create the database at ``path`` and load the dataset in ``data_dir``.

    The dataset is validated first; on any problem ``ValidationFailed`` is raised
    and nothing is written. The database is built in a temporary file beside
    ``path`` and moved into place in one step, so a failure never leaves half a
    database. An existing database is replaced only with ``force``, and if it
    holds anything ``init`` does not write it is first backed up beside it
    (``Initialised.backup``; see ``back_up_before_replacing``).
    """
    path = Path(path or default_path())
    if path.exists() and not force:
        raise FileExistsError(f"a database already exists at {path} (use --force to replace it)")
    tables = read_dataset(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".init-", suffix=".sqlite")
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; the database is an ordinary file
    try:
        migrate(temporary)
        db = Database(temporary)
        db.execute("PRAGMA foreign_keys = ON")
        stamp = now()
        with db.atomic():
            db["areas"].insert_all(records(tables["areas"]))
            db["measures"].insert_all(records(tables["measures"]))
            db["targets"].insert_all(records(tables["targets"]))
            db["comparators"].insert_all(records(tables["comparators"]))
            observations = tables["observations"].assign(
                recorded_by=user, recorded_at=stamp, source="init", reason="Loaded from the shipped dataset"
            )
            db["observation_versions"].insert_all(records(observations))
            db["users"].insert({"email": LOCAL_ADMIN, "name": "Local administrator", "role": Role.ADMIN.value})
            db["settings"].insert_all([{"key": key, "value": value} for key, value in vars(Settings()).items()])
        db.close()
        kept = back_up_before_replacing(path) if path.exists() else None
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    counts = {name: len(frame) for name, frame in tables.items()}
    return Initialised(counts, *kept) if kept else Initialised(counts)


def back_up_before_replacing(path: Path) -> tuple[Path, dict[str, int]] | None:
    """Back up the database at ``path`` beside it, as ``NAME.backup-YYYYMMDD-HHMMSS.sqlite`` (UTC; never
    over an existing file), if it holds anything ``init`` does not write; return the backup and what it holds.

    The backup is SQLite's online backup (consistent, with what is still in the WAL) and what it holds
    is counted in the backup itself, so the two agree; a backup holding nothing is removed again. A
    file that cannot be read as a database is copied byte for byte and kept."""
    destination = new_file_beside(path)
    try:
        try:
            backup(destination, path, force=True)  # the empty file just made for it
        except sqlite3.DatabaseError:
            shutil.copyfile(path, destination)
            return destination, {}
        kept = not_from_init(destination)
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    if not kept:
        destination.unlink()
        return None
    return destination, kept


def not_from_init(path: Path) -> dict[str, int]:
    """How much of each kind of ``NOT_FROM_INIT`` the database at ``path`` holds (only kinds it has)."""
    connection = sqlite3.connect(path)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        counts = {
            many: connection.execute(sql).fetchone()[0] for (_, many), (table, sql) in NOT_FROM_INIT.items()
            if table in tables
        }
    finally:
        connection.close()
    return {many: n for many, n in counts.items() if n}


def new_file_beside(path: Path) -> Path:
    """An empty new file named for a backup of ``path`` now, ``NAME.backup-YYYYMMDD-HHMMSS.sqlite`` (UTC),
    created exclusively so that nothing is overwritten (``init --force`` and ``restore`` back up to it)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    for n in itertools.count(1):
        candidate = path.with_name(f"{path.name}.backup-{stamp}{'' if n == 1 else f'-{n}'}.sqlite")
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return candidate
    raise AssertionError("unreachable")
