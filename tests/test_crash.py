"""A large command-line import killed (SIGKILL) at many moments: afterwards the database holds either
all of the import's rows or none, passes SQLite's integrity check, and the next import works.

The import is 60,000 figures in the long layout (80 monthly measures x 750 months, 1950-01 to 2012-06,
where the shipped data has none), made by the test. Moments are chosen two ways: by time offsets
(fractions of how long the whole import took here) and by watching the process (the moment its
write-ahead log starts to grow, inside the write transaction). ``make test`` kills it 3 times; the
soak run (``make soak``) 24 times."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.entry import ADMIN, writable_db
from tests.test_concurrency import MONTHLY, periods, write_file

MEASURES, MONTHS = 80, 750
ROWS = MEASURES * MONTHS


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash")
    rows = [
        (measure, period, float(10 + (n + i) % 80))
        for n, measure in enumerate(MONTHLY[:MEASURES]) for i, period in enumerate(periods("1950-01", MONTHS))
    ]
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
        rows = connection.execute("SELECT count(*) FROM observation_versions WHERE period < '2013-01'").fetchone()[0]
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


def kill_when_writing(process: subprocess.Popen, db: Path) -> bool:
    """SIGKILL the process as soon as its write-ahead log grows (it is writing figures)."""
    wal = Path(f"{db}-wal")
    while process.poll() is None:
        if wal.exists() and wal.stat().st_size > 0:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.002)
    return False


def next_import_works(db: Path, folder: Path) -> bool:
    file = write_file(folder / "next.csv", [(MONTHLY[0], "2015-01", 55.0)])
    result = subprocess.run(
        [sys.executable, "-m", "kpicore", "--db", str(db), "import", str(file), "--user", ADMIN],
        capture_output=True, check=False,
    )
    return result.returncode == 0 and b"Written: 1 new" in result.stdout


def full_import_seconds(big_file: Path, folder: Path) -> float:
    folder.mkdir()
    db = writable_db(folder)
    started = time.monotonic()
    process = start(db, big_file)
    assert process.wait(timeout=1200) == 0, process.stderr.read().decode()
    seconds = time.monotonic() - started
    assert imported(db) == (ROWS, "ok")
    return seconds


def kill_many(big_file: Path, tmp_path: Path, moments: list) -> list[dict]:
    """Kill a fresh import at each moment (a fraction of the full import's time, or ``"writing"``)."""
    whole = full_import_seconds(big_file, tmp_path / "whole")
    table = []
    for n, moment in enumerate(moments):
        folder = tmp_path / f"kill-{n:02}"
        folder.mkdir()
        db = writable_db(folder)
        process = start(db, big_file)
        if moment == "writing":
            killed = kill_when_writing(process, db)
        else:
            killed = kill_after(process, moment * whole)
        rows, check = imported(db)
        outcome = {"all": ROWS, "none": 0}
        table.append({
            "kill": n + 1, "moment": moment if moment == "writing" else f"{moment:.2f} x {whole:.1f} s",
            "killed": killed, "rows": rows, "outcome": next((k for k, v in outcome.items() if v == rows), "PART"),
            "integrity": check, "next import": next_import_works(db, folder),
        })
    print("\n" + pd.DataFrame(table).to_string(index=False))
    return table


def assert_all_or_nothing(table: list[dict]) -> None:
    for row in table:
        assert row["rows"] in (0, ROWS), row
        assert row["integrity"] == "ok" and row["next import"], row


def test_an_import_killed_at_three_moments_leaves_all_or_nothing(big_file, tmp_path):
    table = kill_many(big_file, tmp_path, [0.5, "writing", 0.9])
    assert_all_or_nothing(table)
    assert any(row["killed"] for row in table)


@pytest.mark.soak
def test_soak_an_import_killed_at_many_moments_leaves_all_or_nothing(big_file, tmp_path):
    fractions = [0.3 + 0.04 * n for n in range(20)]  # 0.30 .. 1.06 of the whole import's time
    table = kill_many(big_file, tmp_path, fractions + ["writing"] * 4)
    assert_all_or_nothing(table)
    assert sum(row["killed"] for row in table) >= 20
