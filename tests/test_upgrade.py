"""A database written by an earlier release opens, upgrades in place and keeps everything in it.

``tests/files/release-2026-11-28.sqlite`` was written by the release before the catalogue change
(migrations m001-m003; ``tests/files/make_release_fixture.py`` says how). Each test opens a COPY:
opening a database migrates it, and even reading it in place leaves ``-wal``/``-shm`` files beside it.
Everything the old release stored is read with plain ``sqlite3`` first, then compared with what the
current code reads after the upgrade. Only what existed in the old release is compared, so a later
migration may add tables and columns; dropping one of these (other than the catalogue's columns of
``measures``) or changing a row fails here.
"""

import hashlib
import math
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from kpicore import store
from kpicore.store.migrations import migrations

FIXTURE = Path(__file__).resolve().parent / "files" / "release-2026-11-28.sqlite"
RELEASE_MIGRATIONS = ["m001_catalogue_and_observations", "m002_owners_locks_and_audit", "m003_spc_rebases"]
KEPT = {
    # table: the columns that identify a row, to read rows in a stable order
    "areas": ["area_id"],
    "measures": ["measure_id"],
    "targets": ["measure_id", "from_period"],
    "observation_versions": ["version_id"],
    "users": ["email"],
    "settings": ["key"],
    "measure_owners": ["measure_id", "email"],
    "locked_periods": ["period"],
    "admin_events": ["event_id"],
    "spc_rebases": ["measure_id", "period"],
}
CATALOGUE_MAY_CHANGE = {"measures"}
"""Tables whose columns a migration may move elsewhere (the comparator left ``measures``): compared on
the columns both releases have. Every other table must keep every column it had."""
VERSION_COLUMNS = [
    "measure_id", "period", "value", "commentary", "performance_group", "recorded_by", "recorded_at", "source", "reason",
]


def all_migrations() -> list[str]:
    return [m.name for m in migrations.pending(Database(memory=True))]


def columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def read_rows(path: Path, tables: dict[str, list[str]]) -> dict[str, list[dict]]:
    """Every row of each table, only the given columns, ordered by the table's key (plain ``sqlite3``)."""
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        return {
            table: [
                dict(row)
                for row in connection.execute(
                    f"SELECT {', '.join(names)} FROM {table} ORDER BY {', '.join(KEPT[table])}"
                )
            ]
            for table, names in tables.items()
        }
    finally:
        connection.close()


def plain(value):
    """A value as ``sqlite3`` returns it: pandas' missing values as ``None``, numpy numbers as Python's."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def frame_rows(frame, names: list[str]) -> list[dict]:
    return [{name: plain(row[name]) for name in names} for row in frame.to_dict("records")]


def pending(path: Path) -> list[str]:
    db = Database(path)
    try:
        return [m.name for m in migrations.pending(db)]
    finally:
        db.close()


@pytest.fixture
def release(tmp_path):
    """A copy of the old release's database and everything in it, read before the current code opens it.

    Afterwards, the shipped fixture must be byte for byte what it was."""
    digest = hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    path = tmp_path / "kpi.sqlite"
    shutil.copyfile(FIXTURE, path)
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        old_columns = {table: columns(connection, table) for table in KEPT}
        applied = [row["name"] for row in connection.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
        view = [
            dict(row)
            for row in connection.execute(
                "SELECT * FROM observations WHERE value IS NOT NULL ORDER BY measure_id, period"
            )
        ]
    finally:
        connection.close()
    before = read_rows(path, old_columns)
    yield {
        "path": path, "columns": old_columns, "rows": before, "applied": applied, "pending": pending(path), "view": view,
    }
    assert hashlib.sha256(FIXTURE.read_bytes()).hexdigest() == digest, "the shipped fixture was modified"


def test_the_fixture_is_the_old_release_with_something_in_every_table(release):
    assert release["applied"] == RELEASE_MIGRATIONS
    assert release["pending"] == [name for name in all_migrations() if name not in RELEASE_MIGRATIONS]
    rows = release["rows"]
    assert all(rows[table] for table in KEPT), [table for table in KEPT if not rows[table]]
    sources = {row["source"] for row in rows["observation_versions"]}
    assert sources == {"init", "cli"}
    assert {row["role"] for row in rows["users"]} == {"admin", "data_owner", "viewer"}
    assert any(row["comparator_value"] is not None for row in rows["measures"])
    assert not Path(f"{FIXTURE}-wal").exists() and not Path(f"{FIXTURE}-shm").exists()


def test_opening_upgrades_in_place_and_keeps_every_row(release):
    path = release["path"]
    inode = path.stat().st_ino
    store.load(path)  # the first open of this file in this process applies the pending migrations
    assert path.stat().st_ino == inode, "the database was rebuilt, not upgraded in place"
    with sqlite3.connect(path) as connection:
        now_columns = {table: columns(connection, table) for table in KEPT}
        applied = [row[0] for row in connection.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert applied == all_migrations()
    assert pending(path) == []
    compared = {}
    for table, names in release["columns"].items():
        if table in CATALOGUE_MAY_CHANGE:
            compared[table] = [name for name in names if name in now_columns[table]]
        else:
            assert set(names) <= set(now_columns[table]), f"{table} lost columns {set(names) - set(now_columns[table])}"
            compared[table] = names
    assert "measure_id" in compared["measures"] and "name" in compared["measures"]
    before = {table: [{k: row[k] for k in compared[table]} for row in rows] for table, rows in release["rows"].items()}
    assert read_rows(path, compared) == before


def test_the_current_code_reads_every_version_person_lock_and_rebase(release):
    path, rows = release["path"], release["rows"]
    history = store.history(path)
    assert sorted(frame_rows(history, ["version_id", *VERSION_COLUMNS]), key=lambda r: r["version_id"]) == [
        {k: row[k] for k in ["version_id", *VERSION_COLUMNS]} for row in rows["observation_versions"]
    ]
    snapshot = store.load(path)
    names = list(snapshot.observations.columns)
    assert frame_rows(snapshot.observations, names) == [{k: row[k] for k in names} for row in release["view"]]
    assert snapshot.data_version == max(row["version_id"] for row in rows["observation_versions"])
    assert frame_rows(snapshot.rebases, list(snapshot.rebases.columns)) == [
        {k: row[k] for k in snapshot.rebases.columns} for row in rows["spc_rebases"]
    ]
    users = store.users(path)
    assert sorted(frame_rows(users, ["email", "name", "role"]), key=lambda r: r["email"]) == rows["users"]
    assert frame_rows(store.owners(path), ["measure_id", "email"]) == rows["measure_owners"]
    assert store.account(path, "owner@council.gov.uk").measures == {r["measure_id"] for r in rows["measure_owners"]}
    assert frame_rows(store.locks(path), ["period", "locked_by", "locked_at", "reason"]) == rows["locked_periods"]
    events = store.admin_events(path)
    assert frame_rows(events, list(events.columns))[::-1] == rows["admin_events"]


def test_a_second_open_applies_nothing_and_changes_nothing(release):
    path = release["path"]
    assert store.migrate(path) == release["pending"]
    with sqlite3.connect(path) as connection:
        now_columns = {table: columns(connection, table) for table in KEPT}
        applied = list(connection.execute("SELECT * FROM _sqlite_migrations ORDER BY id"))
    after_first = read_rows(path, now_columns)
    assert store.migrate(path) == []  # as a new process opening it would
    assert pending(path) == []
    with sqlite3.connect(path) as connection:
        assert list(connection.execute("SELECT * FROM _sqlite_migrations ORDER BY id")) == applied
    assert read_rows(path, now_columns) == after_first


def test_the_comparators_move_into_their_effective_dated_table_with_every_value(release):
    """m004 moved each measure's comparator out of ``measures``: the same value and label, in force from
    the first month with any figure, so every old scorecard shows the same comparator."""
    old = {
        row["measure_id"]: (row["comparator_value"], row["comparator_label"])
        for row in release["rows"]["measures"]
        if row["comparator_value"] is not None or row["comparator_label"] is not None
    }
    first = min(row["period"] for row in release["rows"]["observation_versions"])
    snapshot = store.load(release["path"])
    moved = {
        row["measure_id"]: (plain(row["value"]), plain(row["label"]), row["from_period"])
        for row in snapshot.comparators.to_dict("records")
    }
    assert len(old) > 0 and moved == {m: (*values, first) for m, values in old.items()}
    assert "comparator_value" not in snapshot.measures and snapshot.measures["retired_from"].isna().all()
