"""``init --force`` replaces a database, but never silently destroys work ``init`` did not write:
a database holding submitted figures, users, locks or re-bases is backed up beside it first."""

import shutil
import sqlite3
from datetime import UTC, datetime

import pandas as pd
import pytest

from kpicore import store
from kpicore.cli import main
from kpicore.files.dataset import DATA_DIR
from kpicore.problems import ValidationFailed
from kpicore.store import seed
from tests.test_upgrade import FIXTURE, RELEASE_MIGRATIONS

ADMIN = store.LOCAL_ADMIN
MEASURE = "initial-contact-decisions-made-within"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "kpi.sqlite"
    store.initialise(path)
    return path


def submit(path, value=79.0):
    """A data owner revises one figure loaded by init, through the command line's path."""
    store.save_user(path, "owner@council.gov.uk", role="data_owner", user=ADMIN)
    store.set_measures(path, "owner@council.gov.uk", [MEASURE], user=ADMIN)
    figures = pd.DataFrame([{"measure_id": MEASURE, "period": "2022-11", "value": value}])
    store.record_figures(path, figures, user="owner@council.gov.uk", source="cli", reason="Corrected")


def backups(path):
    return sorted(path.parent.glob(f"{path.name}.backup-*"))


def test_replacing_a_freshly_initialised_database_makes_no_backup(db):
    done = store.initialise(db, force=True)
    assert done.backup is None and done.backup_note is None and done.kept == {}
    assert done.counts["observations"] > 1000
    assert backups(db) == []
    assert sorted(p.name for p in db.parent.iterdir()) == ["kpi.sqlite"]


def test_replacing_a_database_with_a_submitted_figure_backs_it_up_first(db):
    submit(db)
    done = store.initialise(db, force=True)
    assert backups(db) == [done.backup]
    assert done.backup.parent == db.parent
    assert done.backup.name.startswith("kpi.sqlite.backup-") and done.backup.suffix == ".sqlite"
    assert done.kept == {
        "submitted figure versions": 1, "users besides the local administrator": 1, "administrators' changes": 2,
    }
    assert done.backup_note == (
        "Backed up the existing database (1 submitted figure version, 1 user besides the local administrator, "
        f"2 administrators' changes) to {done.backup} before replacing it."
    )
    saved = store.history(done.backup, measure_id=MEASURE, period="2022-11")
    assert saved[["value", "old_value", "recorded_by", "source", "reason"]].iloc[0].tolist() == [
        79.0, 77.6, "owner@council.gov.uk", "cli", "Corrected",
    ]
    assert store.account(done.backup, "owner@council.gov.uk").measures == {MEASURE}
    assert set(store.history(db)["source"]) == {"init"}  # the replaced database is a fresh one
    assert len(store.users(db)) == 1


def test_a_user_alone_or_a_lock_alone_is_kept_too(db):
    store.save_user(db, "viewer@council.gov.uk", role="viewer", user=ADMIN)
    assert store.initialise(db, force=True).kept == {
        "users besides the local administrator": 1, "administrators' changes": 1,
    }
    store.lock(db, "2022-10", user=ADMIN, reason="Signed off")
    done = store.initialise(db, force=True)
    assert done.kept == {"locked months": 1, "administrators' changes": 1}
    assert store.locks(done.backup)["period"].tolist() == ["2022-10"]
    assert len(backups(db)) == 2


def test_the_command_line_says_where_the_backup_is(db, capsys):
    submit(db, 80.5)
    assert main(["--db", str(db), "init", "--force"]) == 0
    [backup] = backups(db)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Backed up the existing database (1 submitted figure version, 1 user besides the local administrator, "
        f"2 administrators' changes) to {backup} before replacing it."
    )
    assert out[1].startswith(f"Created {db}: ")
    assert store.history(backup, measure_id=MEASURE, period="2022-11")["value"].iloc[0] == 80.5
    assert main(["--db", str(db), "init", "--force"]) == 0  # now nothing to keep: no second backup
    assert "Backed up" not in capsys.readouterr().out
    assert backups(db) == [backup]


def test_init_without_force_still_refuses_and_backs_nothing_up(db, capsys):
    submit(db)
    assert main(["--db", str(db), "init"]) == 1
    assert "use --force" in capsys.readouterr().err
    assert backups(db) == []
    assert "cli" in set(store.history(db)["source"])


def test_a_backup_never_overwrites_an_existing_file(db, monkeypatch):
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)

    monkeypatch.setattr(seed, "datetime", Frozen)
    taken = db.parent / "kpi.sqlite.backup-20240102-030405.sqlite"
    taken.write_text("someone else's file")
    submit(db)
    first = store.initialise(db, force=True).backup
    submit(db)
    second = store.initialise(db, force=True).backup
    assert taken.read_text() == "someone else's file"
    assert [first.name, second.name] == ["kpi.sqlite.backup-20240102-030405-2.sqlite",
                                         "kpi.sqlite.backup-20240102-030405-3.sqlite"]
    assert all(store.history(b, period="2022-11", measure_id=MEASURE)["source"].iloc[0] == "cli" for b in (first, second))


def test_a_bad_dataset_with_force_leaves_the_database_and_makes_no_backup(db, tmp_path):
    submit(db)
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    measures = data / "measures.csv"
    measures.write_text(measures.read_text().replace(",percent,", ",percentage,", 1))
    with pytest.raises(ValidationFailed):
        store.initialise(db, data, force=True)
    assert backups(db) == []
    assert "cli" in set(store.history(db)["source"])


def test_a_file_that_is_not_a_database_is_copied_as_it_was(tmp_path):
    path = tmp_path / "kpi.sqlite"
    path.write_bytes(b"not a database, but not ours to destroy either")
    done = store.initialise(path, force=True)
    assert done.backup.read_bytes() == b"not a database, but not ours to destroy either"
    assert "not readable as a database" in done.backup_note


def test_a_database_of_an_earlier_release_is_backed_up_as_it_was(tmp_path):
    path = tmp_path / "kpi.sqlite"
    shutil.copyfile(FIXTURE, path)
    done = store.initialise(path, force=True)
    assert done.kept["submitted figure versions"] == 2 and done.kept["SPC re-bases"] == 1
    with sqlite3.connect(done.backup) as old:  # not migrated: the backup is the old file's content
        assert [r[0] for r in old.execute("SELECT name FROM _sqlite_migrations ORDER BY id")] == RELEASE_MIGRATIONS
        assert old.execute("SELECT count(*) FROM observation_versions WHERE source = 'cli'").fetchone() == (2,)
