"""A large command-line import killed (SIGKILL) at many moments: afterwards the database holds either
all of the import's rows or none, passes SQLite's integrity check, and the next import works.

The import is 60,000 figures in the long layout (240 monthly measures x 250 months, 2000-01 to 2020-10,
where the shipped data has none; the test adds 158 measures to the shipped 82 monthly ones through the
catalogue), made by the test. Moments are chosen two ways: by time offsets
(fractions of how long the whole import took here) and by watching the process (from the moment its
write-ahead log starts to grow, inside the write transaction, to past its commit). ``make test`` kills
it 3 times; the soak run (``make soak``) at 31 moments, at least 20 of them before it ends."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from kpicore.store import catalogue as store_catalogue
from tests.entry import ADMIN, writable_db
from tests.test_concurrency import MONTHLY, periods, write_file

MEASURES, MONTHS = 240, 250
ROWS = MEASURES * MONTHS
ADDED = [f"crash-test-{n:03}" for n in range(MEASURES - len(MONTHLY))]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The shipped database with 158 more monthly measures (240 in all), copied for each import."""
    db = writable_db(tmp_path_factory.mktemp("template"))
    for n, measure_id in enumerate(ADDED):
        store_catalogue.add_measure(db, {
            "measure_id": measure_id, "area_id": "repeat-work", "name": f"Crash test measure {n}", "unit": "percent",
            "polarity": "higher", "frequency": "monthly", "lower_bound": 0, "upper_bound": 100,
        }, user=ADMIN, reason="A large history for the crash test")
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return db


def fresh(template: Path, folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(template, folder / "kpi.sqlite")
    return folder / "kpi.sqlite"


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash")
    rows = [
        (measure, period, float(10 + (n + i) % 80))
        for n, measure in enumerate(MONTHLY + ADDED) for i, period in enumerate(periods("2000-01", MONTHS))
    ]
    assert len(rows) == ROWS
    return write_file(folder / "history.csv", rows)


def start(db: Path, file: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kpicore", "--db", str(db), "import", str(file), "--user", ADMIN],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def imported(db: Path) -> tuple[int, str]:
    """How many of the import's rows the database holds, and its integrity check."""
    connection = sqlite3.connect(db)
    try:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        rows = connection.execute("SELECT count(*) FROM observation_versions WHERE period < '2020-11'").fetchone()[0]
    finally:
        connection.close()
    return rows, check


def kill_after(process: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL the process after ``seconds`` unless it finished first; whether it was killed."""
    try:
        process.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def writing_started(db: Path) -> bool:
    """Whether the write-ahead log holds anything (each connection's close may remove it meanwhile)."""
    try:
        return Path(f"{db}-wal").stat().st_size > 0
    except FileNotFoundError:
        return False


def kill_when_writing(process: subprocess.Popen, db: Path, then: float = 0.0) -> bool:
    """SIGKILL the process ``then`` seconds after its write-ahead log starts to grow (it is writing figures)."""
    while process.poll() is None:
        if writing_started(db):
            return kill_after(process, then)
        time.sleep(0.002)
    return False


def next_import_works(db: Path, folder: Path) -> bool:
    file = write_file(folder / "next.csv", [(MONTHLY[0], "2021-05", 55.0)])
    result = subprocess.run(
        [sys.executable, "-m", "kpicore", "--db", str(db), "import", str(file), "--user", ADMIN],
        capture_output=True, check=False,
    )
    return result.returncode == 0 and b"Written: 1 new" in result.stdout


def full_import_seconds(template: Path, big_file: Path, folder: Path) -> tuple[float, float]:
    """How long the whole import takes here, and how long its write phase (from the log's first growth)."""
    db = fresh(template, folder)
    started = time.monotonic()
    process = start(db, big_file)
    while process.poll() is None and not writing_started(db):
        time.sleep(0.002)
    writing = time.monotonic()
    assert process.wait(timeout=1200) == 0, process.stderr.read().decode()
    ended = time.monotonic()
    assert imported(db) == (ROWS, "ok")
    return ended - started, ended - writing


def kill_many(template: Path, big_file: Path, tmp_path: Path, moments: list) -> list[dict]:
    """Kill a fresh import at each moment: a fraction of the whole import's time, or ``("writing", f)``:
    a fraction ``f`` of the write phase after the write-ahead log starts to grow (``f`` > 1: after the
    commit, if the machine is as fast as it was for the whole import)."""
    whole, phase = full_import_seconds(template, big_file, tmp_path / "whole")
    table = []
    for n, moment in enumerate(moments):
        folder = tmp_path / f"kill-{n:02}"
        db = fresh(template, folder)
        process = start(db, big_file)
        if isinstance(moment, tuple):
            killed = kill_when_writing(process, db, moment[1] * phase)
            told = f"writing + {moment[1]:.2f} x {phase:.1f} s"
        else:
            killed = kill_after(process, moment * whole)
            told = f"{moment:.2f} x {whole:.1f} s"
        rows, check = imported(db)
        outcome = {"all": ROWS, "none": 0}
        table.append({
            "kill": n + 1, "moment": told,
            "killed": killed, "rows": rows, "outcome": next((k for k, v in outcome.items() if v == rows), "PART"),
            "integrity": check, "next import": next_import_works(db, folder),
        })
    print("\n" + pd.DataFrame(table).to_string(index=False))
    return table


def assert_all_or_nothing(table: list[dict]) -> None:
    for row in table:
        assert row["rows"] in (0, ROWS), row
        assert row["integrity"] == "ok" and row["next import"], row


@pytest.mark.timeout(1800)
def test_an_import_killed_at_three_moments_leaves_all_or_nothing(template, big_file, tmp_path):
    table = kill_many(template, big_file, tmp_path, [0.5, ("writing", 0), ("writing", 0.7)])
    assert_all_or_nothing(table)
    assert any(row["killed"] for row in table)


@pytest.mark.soak
@pytest.mark.timeout(7200)
def test_soak_an_import_killed_at_many_moments_leaves_all_or_nothing(template, big_file, tmp_path):
    fractions = [0.2 + 0.05 * n for n in range(10)]  # 0.2 .. 0.65 of the whole import's time
    in_the_write = [("writing", 0.06 * n) for n in range(21)]  # 0 .. 1.2 of the write phase
    table = kill_many(template, big_file, tmp_path, fractions + in_the_write)
    assert_all_or_nothing(table)
    assert sum(row["killed"] for row in table) >= 20
