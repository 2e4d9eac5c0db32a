"""The store: foreign keys, WAL, versions kept, and safe across threads."""

import sqlite3
import threading

import pytest

from kpicore import store


def test_each_connection_enforces_foreign_keys_and_uses_wal(shipped_db):
    with store.connect(shipped_db) as db:
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(
                "INSERT INTO observation_versions (measure_id, period, value, recorded_by, recorded_at, source) "
                "VALUES ('no-such-measure', '2022-11', 1, 'x', 'now', 'test')"
            )


def test_migrations_are_recorded(shipped_db):
    with store.connect(shipped_db) as db:
        names = [row["name"] for row in db.query("SELECT name FROM _sqlite_migrations")]
    assert names[0] == "m001_catalogue_and_observations"


def test_the_current_figure_is_the_latest_version_and_older_ones_are_kept(tmp_path):
    db_path = tmp_path / "kpi.sqlite"
    store.initialise(db_path)
    with store.connect(db_path) as db:
        db["observation_versions"].insert(
            {"measure_id": "initial-contact-decisions-made-within", "period": "2022-11", "value": 78.0,
             "recorded_by": "analyst@council.gov.uk", "recorded_at": "2022-12-05T10:00:00+00:00",
             "source": "test", "reason": "late returns"}
        )
        versions = list(db.query(
            "SELECT value FROM observation_versions WHERE measure_id = ? AND period = ? ORDER BY version_id",
            ["initial-contact-decisions-made-within", "2022-11"],
        ))
    assert [v["value"] for v in versions] == [77.6, 78.0]
    current = store.load(db_path).observations.set_index(["measure_id", "period"])
    assert current.loc[("initial-contact-decisions-made-within", "2022-11"), "value"] == 78.0
    assert len(current) == 1020


def test_loading_from_many_threads_at_once(shipped_db):
    results, errors = [], []

    def read():
        try:
            results.append(len(store.load(shipped_db).observations))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and results == [1020] * 8


def test_settings_have_the_design_defaults(snapshot):
    assert (snapshot.settings.significance_margin, snapshot.settings.persistence,
            snapshot.settings.default_tolerance) == (2.0, 3, 0.05)


def test_init_creates_the_local_admin(shipped_db):
    with store.connect(shipped_db) as db:
        assert db["users"].get("admin@localhost")["role"] == "admin"
