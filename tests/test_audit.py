"""The audit log the app cannot edit: every change to a figure, a target, a lock, a user or the
database (a restore) is recorded, and the tables that record them are append-only in the database
itself (triggers refuse any UPDATE or DELETE, whoever runs it)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from kpicore import store
from kpicore.store import catalogue as store_catalogue
from tests.entry import ADMIN, OWNER, writable_db
from tests.files.make_files import OWNED

AUDIT = {
    "observation_versions": "measure_id = 'initial-contact-decisions-made-within'",
    "catalogue_events": "1 = 1",
    "admin_events": "1 = 1",
}
FIXTURE = Path(__file__).resolve().parent / "files" / "release-2026-11-28.sqlite"
MEASURE = OWNED[0]


@pytest.fixture
def db(tmp_path):
    path = writable_db(tmp_path)
    store_catalogue.set_target(path, MEASURE, "2023-04", 90, user=ADMIN, reason="Targets for 2023-24")
    return path


@pytest.mark.parametrize("table", AUDIT)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET recorded_by = 'someone' WHERE {where}",
                                       "DELETE FROM {table} WHERE {where}"])
def test_an_update_or_delete_of_the_audit_log_is_refused_by_the_database(db, table, statement):
    connection = sqlite3.connect(db)
    try:
        before = connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        assert before, f"{table} is empty: nothing would be tested"
        with pytest.raises(sqlite3.IntegrityError, match=f"{table} is an audit log: it cannot be changed or deleted"):
            connection.execute(statement.format(table=table, where=AUDIT[table]))
        connection.rollback()
        assert connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() == before
    finally:
        connection.close()


def count(db: Path, table: str, where: str = "1 = 1", params=()) -> int:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(f"SELECT count(*) FROM {table} WHERE {where}", params).fetchone()[0]
    finally:
        connection.close()


CHANGES = {
    # a kind of change: (what makes it, the table it is recorded in, what the entry says)
    "a figure": (
        lambda db: store.record_figures(
            db, pd.DataFrame([{"measure_id": MEASURE, "period": "2005-01", "value": 70.0}]), user=OWNER, source="cli"),
        "observation_versions", "measure_id = ? AND period = '2005-01' AND recorded_by = ?", (MEASURE, OWNER)),
    "a revised figure": (
        lambda db: store.record_figures(
            db, pd.DataFrame([{"measure_id": MEASURE, "period": "2022-11", "value": 70.0}]), user=OWNER,
            source="cli", reason="Corrected"),
        "observation_versions", "measure_id = ? AND period = '2022-11' AND reason = 'Corrected' AND recorded_by = ?",
        (MEASURE, OWNER)),
    "a target": (
        lambda db: store_catalogue.set_target(db, MEASURE, "2023-05", 91, user=ADMIN, reason="Raised"),
        "catalogue_events", "subject = ? AND reason = 'Raised' AND recorded_by = ?", (f"{MEASURE} 2023-05", ADMIN)),
    "a target ended": (
        lambda db: store_catalogue.end_target(db, MEASURE, "2023-06", user=ADMIN, reason="No target"),
        "catalogue_events", "subject = ? AND reason = 'No target' AND recorded_by = ?", (f"{MEASURE} 2023-06", ADMIN)),
    "a target entry removed": (
        lambda db: store_catalogue.remove_target(db, MEASURE, "2023-04", user=ADMIN, reason="Entered by mistake"),
        "catalogue_events", "action = 'remove_target' AND reason = 'Entered by mistake' AND recorded_by = ?", (ADMIN,)),
    "a comparator": (
        lambda db: store_catalogue.set_comparator(db, MEASURE, "2023-04", 80.0, "England", user=ADMIN, reason="New"),
        "catalogue_events", "subject = ? AND reason = 'New' AND recorded_by = ?", (f"{MEASURE} 2023-04", ADMIN)),
    "a measure retired": (
        lambda db: store_catalogue.retire_measure(db, MEASURE, "2023-04", user=ADMIN, reason="Replaced"),
        "catalogue_events", "subject = ? AND action = 'retire_measure' AND recorded_by = ?", (MEASURE, ADMIN)),
    "a lock": (
        lambda db: store.lock(db, "2022-11", user=ADMIN, reason="Signed off"),
        "admin_events", "action = 'lock' AND subject = '2022-11' AND recorded_by = ?", (ADMIN,)),
    "an unlock": (
        lambda db: (store.lock(db, "2022-10", user=ADMIN, reason="Signed off"),
                    store.unlock(db, "2022-10", user=ADMIN, reason="Reopened")),
        "admin_events", "action = 'unlock' AND subject = '2022-10' AND detail = 'Reopened'", ()),
    "a user": (
        lambda db: store.save_user(db, "new@council.gov.uk", role="viewer", user=ADMIN),
        "admin_events", "action = 'save_user' AND subject = 'new@council.gov.uk' AND recorded_by = ?", (ADMIN,)),
    "a user removed": (
        lambda db: store.remove_user(db, OWNER, user=ADMIN),
        "admin_events", "action = 'remove_user' AND subject = ?", (OWNER,)),
    "ownership": (
        lambda db: store.set_measures(db, OWNER, [MEASURE], user=ADMIN, mode="remove"),
        "admin_events", "action = 'remove_measures' AND subject = ? AND detail = ?", (OWNER, MEASURE)),
    "an SPC re-base": (
        lambda db: store.rebase(db, MEASURE, "2022-06", user=ADMIN, reason="New process"),
        "admin_events", "action = 'rebase' AND detail = 'New process'", ()),
}


@pytest.mark.parametrize("kind", CHANGES)
def test_each_kind_of_change_leaves_an_entry(db, kind):
    change, table, where, params = CHANGES[kind]
    before = count(db, table, where, params)
    change(db)
    assert count(db, table, where, params) > before  # the catalogue records one entry per field changed


def test_a_restore_is_recorded_in_the_restored_database(db, tmp_path):
    copy = store.backup(tmp_path / "copy.sqlite", db)
    done = store.restore(copy, user=ADMIN, path=db)
    events = store.admin_events(db)
    latest = events.iloc[0]
    assert (latest["action"], latest["recorded_by"]) == ("restore", ADMIN)
    assert latest["subject"] == str(copy.resolve())
    assert str(done.backup) in latest["detail"]


def test_an_earlier_release_upgrades_keeps_every_figure_and_its_log_becomes_append_only(tmp_path):
    digest = hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    path = tmp_path / "kpi.sqlite"
    shutil.copyfile(FIXTURE, path)
    with sqlite3.connect(path) as connection:
        versions = connection.execute("SELECT * FROM observation_versions ORDER BY version_id").fetchall()
        events = connection.execute("SELECT * FROM admin_events ORDER BY event_id").fetchall()
    connection.close()
    store.migrate(path)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT * FROM observation_versions ORDER BY version_id").fetchall() == versions
        assert connection.execute("SELECT * FROM admin_events ORDER BY event_id").fetchall() == events
        for table in ("observation_versions", "admin_events"):  # the release's audit tables, with rows
            with pytest.raises(sqlite3.IntegrityError, match="is an audit log"):
                connection.execute(f"DELETE FROM {table}")
        triggers = {row[0] for row in connection.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")}
        assert triggers == set(AUDIT)
    finally:
        connection.close()
    assert hashlib.sha256(FIXTURE.read_bytes()).hexdigest() == digest
