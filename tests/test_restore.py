"""``python -m kpicore restore FILE``: a backup put back in place of the live database, safely while
the app and other processes have it open.

The file is checked first (a SQLite database of this dashboard, intact), upgraded on a copy if it
is from an earlier release (never the file given), the live database is backed up beside itself,
then the copy's contents replace the live ones in one transaction (SQLite's online backup API into
the live database: every other connection sees all of the old or all of the new), and the restore
is recorded in the restored database's administrators' log."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from kpicore import store
from kpicore.cli import EXIT, main
from tests.entry import ADMIN, OWNER, VIEWER, dump, writable_db
from tests.test_concurrency import MONTHLY, WriteLock, periods, write_file

RELEASE = Path(__file__).resolve().parent / "files" / "release-2026-11-28.sqlite"
TABLES = ["observation_versions", "observations", "users", "measure_owners", "locked_periods", "spc_rebases",
          "catalogue_events", "targets", "comparators", "measures", "areas"]


def counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        found = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
        found["admin_events"] = connection.execute("SELECT count(*) FROM admin_events").fetchone()[0]
        return found
    finally:
        connection.close()


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kpicore", "--db", str(db), *args], capture_output=True, text=True, check=False
    )


@pytest.fixture
def live(tmp_path) -> Path:
    return writable_db(tmp_path)


def more_figures(live: Path, measures: int, months: int, first: str = "2000-01") -> None:
    rows = pd.DataFrame(
        [(m, p, 50.0) for m in MONTHLY[:measures] for p in periods(first, months)],
        columns=["measure_id", "period", "value"],
    )
    assert store.record_figures(live, rows, user=ADMIN, source="cli")["new"] == measures * months


@pytest.fixture
def saved(live, tmp_path) -> Path:
    """A backup of ``live`` as shipped (1,020 figures); then more versions and a lock are written to ``live``."""
    backup = store.backup(tmp_path / "saved" / "kpi-backup.sqlite", live)
    more_figures(live, 3, 10, first="2021-01")
    store.lock(live, "2022-11", user=ADMIN, reason="Signed off")
    return backup


def refused(live: Path, capsys, *args: str) -> tuple[int, str]:
    code = main(["--db", str(live), "restore", *args])
    return code, capsys.readouterr().err


def test_restore_while_another_process_reads_sees_all_old_or_all_new(live, saved, tmp_path):
    more_figures(live, 50, 252)  # as the probe found: 13,620 versions live, the backup's 1,020
    expected, before = counts(saved), counts(live)
    assert expected["observations"] == 1020 and before["observation_versions"] == 1020 + 30 + 12600
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import pathlib, sqlite3, sys
        connection = sqlite3.connect({str(live)!r}, isolation_level=None)
        while not pathlib.Path({str(stop)!r}).exists():
            connection.execute("BEGIN")
            seen = [connection.execute(f"SELECT count(*) FROM {{t}}").fetchone()[0]
                    for t in ("observation_versions", "observations", "locked_periods", "admin_events")]
            connection.execute("COMMIT")
            print(*seen, flush=True)
    """)], stdout=subprocess.PIPE, text=True)
    first = reader.stdout.readline()  # the reader has its connection open and is reading
    assert first.split()[0] == str(before["observation_versions"])
    result = cli(live, "restore", str(saved), "--user", ADMIN)
    assert result.returncode == 0, result.stderr
    after = counts(live)
    old = (before["observation_versions"], before["observations"], before["locked_periods"], before["admin_events"])
    new = (after["observation_versions"], after["observations"], after["locked_periods"], after["admin_events"])
    seen = [tuple(map(int, first.split()))]
    while seen[-1] != new and len(seen) < 5000:  # the same open connection reads on, and comes to the new contents
        seen.append(tuple(map(int, reader.stdout.readline().split())))
    stop.touch()
    seen += [tuple(map(int, line.split())) for line in reader.stdout]
    assert reader.wait(timeout=120) == 0
    assert after == {**expected, "admin_events": expected["admin_events"] + 1}  # + the restore's own entry
    assert integrity(live) == "ok"
    assert set(seen) == {old, new}, set(seen) - {old, new}  # never half of each
    print(f"\nreader: {len(seen)} reads, {seen.count(old)} of the old contents, {seen.count(new)} of the new")
    backup = Path(result.stdout.split("Backed up the database as it was to ")[1].split(" before")[0])
    assert backup.parent == live.parent and counts(backup) == before and integrity(backup) == "ok"
    assert f"Restored {saved}" in result.stdout and "1020 current figures" in result.stdout


def test_the_app_in_this_process_reads_the_restored_contents(live, saved):
    store.load(live)  # this process has opened (and migrated) the live file before
    store.restore(saved, user=ADMIN, path=live)
    snapshot = store.load(live)
    assert len(snapshot.observations) == 1020 and store.locks(live).empty
    assert store.history(live)["version_id"].max() == snapshot.data_version == counts(saved)["observation_versions"]
    store.lock(live, "2022-10", user=ADMIN, reason="Signed off")  # and writes to them
    assert store.locks(live)["period"].tolist() == ["2022-10"]


def test_the_restore_is_in_the_restored_databases_log(live, saved):
    done = store.restore(saved, user=ADMIN, path=live)
    latest = store.admin_events(live).iloc[0]
    assert (latest["action"], latest["recorded_by"], latest["subject"]) == ("restore", ADMIN, str(saved.resolve()))
    assert latest["detail"] == f"the database before the restore was backed up to {done.backup}"
    assert done.backup.exists() and done.backup.name.startswith("kpi.sqlite.backup-")


@pytest.mark.parametrize("who", [OWNER, VIEWER, "stranger@council.gov.uk"])
def test_only_an_administrator_may_restore(live, saved, who, capsys):
    before = dump(live)
    code, err = refused(live, capsys, str(saved), "--user", who)
    assert code == EXIT["not allowed"] == 3
    assert "Not allowed" in err and "Nothing was written" in err
    assert dump(live) == before
    assert not list(live.parent.glob("*.backup-*"))


def other_apps_database(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (name TEXT, minutes INTEGER)")
    connection.execute("INSERT INTO recipes VALUES ('toast', 3)")
    connection.commit()
    connection.close()
    return path


def truncated(saved: Path, path: Path) -> Path:
    data = saved.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


REFUSED = {
    "a text file": (lambda saved, folder: write_file(folder / "notes.csv", [("a", "b", 1.0)]),
                    "is not a SQLite database"),
    "a truncated file": (lambda saved, folder: truncated(saved, folder / "half.sqlite"), "is damaged"),
    "another app's database": (lambda saved, folder: other_apps_database(folder / "recipes.sqlite"),
                               "is not a database of this dashboard"),
    "a folder": (lambda saved, folder: folder, "is a folder"),
    "no file": (lambda saved, folder: folder / "missing.sqlite", "no file at"),
    "an empty file": (lambda saved, folder: (folder / "empty.sqlite").write_bytes(b"") or folder / "empty.sqlite",
                      "is not a SQLite database"),
}


@pytest.mark.parametrize("kind", REFUSED)
def test_anything_but_a_backup_of_this_dashboard_is_refused_and_nothing_is_written(live, saved, tmp_path, kind, capsys):
    make, message = REFUSED[kind]
    folder = tmp_path / "given"
    folder.mkdir()
    given = make(saved, folder)
    before = dump(live)
    code, err = refused(live, capsys, str(given), "--user", ADMIN)
    assert code == EXIT["bad input"] == 1, err
    assert message in err and "Nothing was written" in err, err
    assert dump(live) == before and not list(live.parent.glob("*.backup-*"))


def test_the_live_database_itself_is_refused(live, capsys):
    before = dump(live)
    code, err = refused(live, capsys, str(live), "--user", ADMIN)
    assert code == 1 and "is the live database" in err
    assert dump(live) == before


def test_a_database_from_an_earlier_release_is_upgraded_on_a_copy_and_restored(live, tmp_path):
    given = tmp_path / "old" / "release.sqlite"
    given.parent.mkdir()
    shutil.copyfile(RELEASE, given)
    digest = hashlib.sha256(given.read_bytes()).hexdigest()
    with sqlite3.connect(given) as connection:
        versions = connection.execute("SELECT * FROM observation_versions ORDER BY version_id").fetchall()
        users = connection.execute("SELECT * FROM users ORDER BY email").fetchall()
    connection.close()
    result = cli(live, "restore", str(given), "--user", ADMIN)
    assert result.returncode == 0, result.stderr
    assert "upgraded from an earlier release" in result.stdout
    assert hashlib.sha256(given.read_bytes()).hexdigest() == digest  # the given file is never changed
    assert sorted(p.name for p in given.parent.iterdir()) == ["release.sqlite"]  # nor opened in place
    with sqlite3.connect(live) as connection:
        assert connection.execute("SELECT * FROM observation_versions ORDER BY version_id").fetchall() == versions
        assert connection.execute("SELECT * FROM users ORDER BY email").fetchall() == users
        assert connection.execute("SELECT count(*) FROM comparators").fetchone()[0] > 0  # m004 ran on the copy
    connection.close()
    assert store.migrate(live) == []  # the restored contents are at the current schema
    assert integrity(live) == "ok" and len(store.load(live).observations) > 0


def test_a_restore_that_cannot_get_the_write_lock_writes_nothing(live, saved):
    before = dump(live)
    with WriteLock(live):
        result = subprocess.run(
            [sys.executable, "-m", "kpicore", "--db", str(live), "restore", str(saved), "--user", ADMIN],
            capture_output=True, text=True, check=False, env={**__import__("os").environ, "KPI_BUSY_TIMEOUT": "0.5"},
        )
    assert result.returncode == EXIT["busy"], result.stderr
    assert "another change is being saved" in result.stderr
    assert dump(live) == before and not list(live.parent.glob("*.backup-*"))
