"""The store's own guards, tested through the store itself (not only through the submission layer):
locked months, all-or-nothing writes, and migrations that upgrade an earlier release in place."""

import sqlite3
from datetime import date

import pandas as pd
import pytest
from sqlite_utils import Database

from kpicore import store
from kpicore.access import PermissionDenied
from kpicore.problems import ValidationFailed
from kpicore.store import database
from kpicore.store import figures as figures_store
from kpicore.store.migrations import migrations
from tests.entry import ADMIN, OWNER, dump, writable_db
from tests.files.make_files import OWNED

TODAY = date(2023, 1, 15)
MONTHLY_PERCENT = OWNED[0]  # initial-contact-decisions-made-within: monthly, percent, no December figure yet


@pytest.fixture
def db(tmp_path):
    return writable_db(tmp_path)


def one_figure(period="2022-12", value=81.0):
    return pd.DataFrame([{"measure_id": MONTHLY_PERCENT, "period": period, "value": value}])


def test_a_data_owner_cannot_write_into_a_locked_month_through_the_store(db):
    store.lock(db, "2022-12", user=ADMIN, reason="Signed off at the December board")
    before = dump(db)
    with pytest.raises(ValidationFailed, match="locked"):
        store.record_figures(db, one_figure(), user=OWNER, source="cli", reason="late return", today=TODAY)
    assert dump(db) == before
    store.unlock(db, "2022-12", user=ADMIN, reason="Reopened")
    assert store.record_figures(db, one_figure(), user=OWNER, source="cli", today=TODAY)["new"] == 1


def test_an_administrator_writes_into_a_locked_month_only_with_a_reason(db):
    store.lock(db, "2022-12", user=ADMIN, reason="Signed off at the December board")
    before = dump(db)
    with pytest.raises(PermissionDenied, match="locked"):  # a new figure, so no revision reason is asked for
        store.record_figures(db, one_figure(), user=ADMIN, source="cli", today=TODAY)
    assert dump(db) == before
    written = store.record_figures(db, one_figure(), user=ADMIN, source="cli", reason="Late return", today=TODAY)
    assert written == {"new": 1, "revised": 0, "unchanged": 0}


def many_figures(n: int) -> pd.DataFrame:
    """``n`` new monthly figures for one measure, one per month from 2005-01 (no figure there yet)."""
    periods = pd.period_range("2005-01", periods=n, freq="M").strftime("%Y-%m")
    return pd.DataFrame({"measure_id": MONTHLY_PERCENT, "period": periods, "value": 50.0})


def test_a_write_failing_after_its_first_batch_leaves_nothing(db, monkeypatch):
    """The versions are inserted by one ``executemany``: the 130th row fails after 129 are in."""
    real = figures_store._version_rows

    def sabotaged(*args):
        rows = real(*args)
        rows[129] = ("no-such-measure", *rows[129][1:])  # the foreign key fails on the 130th row
        return rows

    monkeypatch.setattr(figures_store, "_version_rows", sabotaged)
    before = dump(db)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        store.record_figures(db, many_figures(150), user=ADMIN, source="cli", today=TODAY)
    assert dump(db) == before
    monkeypatch.undo()
    assert store.record_figures(db, many_figures(150), user=ADMIN, source="cli", today=TODAY)["new"] == 150


def test_migrations_run_once_per_database_file_not_per_connection(tmp_path, monkeypatch):
    path = tmp_path / "kpi.sqlite"
    store.initialise(path)
    applied = []
    real = migrations.apply
    monkeypatch.setattr(migrations, "apply", lambda db: applied.append(1) or real(db))
    for _ in range(3):
        store.load(path)
    assert len(applied) == 1
    with store.connect(path) as db:
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # still per connection


def test_a_database_from_the_first_release_upgrades_in_place_and_keeps_every_figure(tmp_path):
    """A file with only the first migration (the first release's schema) and a figure in it."""
    path = tmp_path / "old.sqlite"
    old = Database(path)
    migrations.apply(old, stop_before="m002_owners_locks_and_audit")
    old["areas"].insert({"area_id": "a", "name": "Area", "position": 1})
    old["measures"].insert({
        "measure_id": "m", "area_id": "a", "position": 1, "name": "A measure", "killer_kpi": 0, "unit": "percent",
        "polarity": "higher", "frequency": "monthly", "dot_threshold": 1.0,
        "comparator_value": 95.0, "comparator_label": "England 2021-22",
    })
    old["observation_versions"].insert({
        "measure_id": "m", "period": "2022-11", "value": 101.5, "recorded_by": ADMIN,
        "recorded_at": "2022-12-01T09:00:00+00:00", "source": "init",
    })
    old.close()
    assert database.migrate(path) == [
        "m002_owners_locks_and_audit", "m003_spc_rebases", "m004_catalogue_changes", "m005_audit_log_append_only",
    ]
    snapshot = store.load(path)
    assert snapshot.observations[["measure_id", "period", "value"]].to_dict("records") == [
        {"measure_id": "m", "period": "2022-11", "value": 101.5}
    ]
    assert store.locks(path).empty and snapshot.rebases.empty
    # the comparator moved from the measure into the effective-dated table, from the first month with data
    assert snapshot.comparators.to_dict("records") == [
        {"measure_id": "m", "from_period": "2022-11", "value": 95.0, "label": "England 2021-22"}
    ]
    assert database.migrate(path) == []
