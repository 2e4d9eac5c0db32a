"""Many writers at once: every command-line import waits its turn, and every row sent is found afterwards.

Each writer is its own ``python -m kpicore import`` process, as scheduled jobs would run them. A
writer that cannot get the write lock in time (``KPI_BUSY_TIMEOUT``) stops with a message and exit
code 4, having written nothing. The long runs are marked ``soak`` (``make soak``)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from kpicore import store
from kpicore.cli import EXIT
from kpicore.store import database
from tests.entry import ADMIN, dump, writable_db

MONTHLY = [
    m for m, f in pd.read_csv(Path(__file__).resolve().parent.parent / "data" / "measures.csv")[
        ["measure_id", "frequency"]].itertuples(index=False) if f == "monthly"
]


def periods(first: str, n: int) -> list[str]:
    return list(pd.period_range(first, periods=n, freq="M").strftime("%Y-%m"))


def write_file(path: Path, rows: list[tuple[str, str, float]]) -> Path:
    pd.DataFrame(rows, columns=["measure_id", "period", "value"]).to_csv(path, index=False)
    return path


def start_import(db: Path, file: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kpicore", "--db", str(db), "import", str(file), "--user", ADMIN],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **env},
    )


def found(db: Path, rows: list[tuple[str, str, float]]) -> int:
    """How many of ``rows`` are the current figure of their measure and month."""
    connection = sqlite3.connect(db)
    try:
        current = {
            (m, p): v for m, p, v in connection.execute("SELECT measure_id, period, value FROM observations")
        }
    finally:
        connection.close()
    return sum(current.get((m, p)) == v for m, p, v in rows)


def run_writers(db: Path, files: list[Path], sent: list[tuple[str, str, float]]) -> dict:
    """Start every import at once, wait for all, and say what happened (printed as a table row)."""
    started = time.monotonic()
    processes = [start_import(db, file) for file in files]
    results = [(*process.communicate(timeout=1200), process.returncode) for process in processes]
    results = [(code, out, err) for out, err, code in results]
    outcome = {
        "writers": len(files), "seconds": round(time.monotonic() - started, 1),
        "rows sent": len(sent), "rows found": found(db, sent),
        "exit codes": sorted({code for code, _, _ in results}),
    }
    print(f"\nconcurrent imports: {outcome}")
    for code, _, err in results:
        assert code == 0, err.decode()
    return outcome


def disjoint(folder: Path, writers: int, months: int) -> tuple[list[Path], list]:
    """One file per writer: its own measure, ``months`` months from 2000-01 (no figure there yet: the shipped
    figures start in 2021-11, and 2000-01 is the first month the dashboard accepts)."""
    files, sent = [], []
    for n in range(writers):
        rows = [(MONTHLY[n], period, float(10 + (n + i) % 80)) for i, period in enumerate(periods("2000-01", months))]
        files.append(write_file(folder / f"writer-{n:02}.csv", rows))
        sent += rows
    return files, sent


@pytest.mark.timeout(1200)  # 16 Python processes on a shared machine
def test_sixteen_concurrent_imports_of_disjoint_files_all_succeed(tmp_path):
    db = writable_db(tmp_path)
    files, sent = disjoint(tmp_path, 16, 24)
    outcome = run_writers(db, files, sent)
    assert outcome["rows found"] == outcome["rows sent"] == 16 * 24
    assert store.history(db)["source"].eq("cli").sum() == 16 * 24


@pytest.mark.timeout(1200)
def test_overlapping_imports_that_agree_on_their_shared_figures_all_succeed(tmp_path):
    """Eight files, each with its own rows and the same 12 shared figures: every import succeeds,
    the shared figures are written once (the later imports find them unchanged)."""
    db = writable_db(tmp_path)
    shared = [(MONTHLY[20], period, 42.0) for period in periods("2003-01", 12)]
    files, sent = [], list(shared)
    for n in range(8):
        own = [(MONTHLY[n], period, float(20 + n)) for period in periods("2003-01", 12)]
        files.append(write_file(tmp_path / f"overlap-{n}.csv", own + shared))
        sent += own
    outcome = run_writers(db, files, sent)
    assert outcome["rows found"] == outcome["rows sent"] == 9 * 12
    versions = store.history(db)
    assert versions[versions["source"] == "cli"].groupby(["measure_id", "period"]).size().max() == 1


@pytest.mark.soak
@pytest.mark.timeout(3600)
@pytest.mark.parametrize("writers, months", [(16, 250), (32, 120)])
def test_soak_many_writers_many_rows(tmp_path, writers, months):
    db = writable_db(tmp_path)
    files, sent = disjoint(tmp_path, writers, months)
    outcome = run_writers(db, files, sent)
    assert outcome["rows found"] == outcome["rows sent"] == writers * months


# --- A writer that cannot get the lock ------------------------------------------------------------


class WriteLock:
    """The database's write lock held by another connection (as a long save elsewhere would)."""

    def __init__(self, db: Path):
        self.connection = sqlite3.connect(db, isolation_level=None)

    def __enter__(self):
        self.connection.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *exc):
        self.connection.execute("ROLLBACK")
        self.connection.close()


def test_a_writer_waits_for_the_busy_timeout_then_gives_up_having_written_nothing(tmp_path, monkeypatch):
    """``BEGIN IMMEDIATE`` in WAL mode waits for the whole busy timeout (never fails at once)."""
    db = writable_db(tmp_path)
    store.load(db)
    before = dump(db)
    monkeypatch.setenv("KPI_BUSY_TIMEOUT", "0.5")
    with WriteLock(db):
        started = time.monotonic()
        with pytest.raises(store.Busy) as refused:
            store.lock(db, "2022-11", user=ADMIN, reason="Signed off")
        waited = time.monotonic() - started
    assert waited >= 0.45  # it waited (a lower bound only: a busy machine waits longer)
    assert str(refused.value) == (
        "another change is being saved; waited 0.5 s; nothing was written, try again"
    )
    assert dump(db) == before
    store.lock(db, "2022-11", user=ADMIN, reason="Signed off")  # the lock is free again
    assert store.locks(db)["period"].tolist() == ["2022-11"]


def test_a_writer_waits_while_another_holds_the_lock_and_then_writes(tmp_path, monkeypatch):
    """With the default wait, a writer that finds the lock taken writes once it is released."""
    db = writable_db(tmp_path)
    store.load(db)
    lock = WriteLock(db).__enter__()
    waiting = threading.Event()
    done: list = []

    def writer():
        waiting.set()
        store.lock(db, "2022-11", user=ADMIN, reason="Signed off")
        done.append(True)

    thread = threading.Thread(target=writer)
    thread.start()
    waiting.wait(timeout=60)
    assert not done  # it cannot write while the lock is held
    lock.__exit__(None, None, None)
    thread.join(timeout=120)
    assert done and store.locks(db)["period"].tolist() == ["2022-11"]


def test_the_command_line_says_busy_with_its_own_exit_code(tmp_path):
    db = writable_db(tmp_path)
    file = write_file(tmp_path / "one.csv", [(MONTHLY[0], "2000-01", 50.0)])
    before = dump(db)
    with WriteLock(db):
        process = start_import(db, file, KPI_BUSY_TIMEOUT="0.5")
        code = process.wait(timeout=300)
        _, err = process.communicate()
    assert code == EXIT["busy"] == 4
    assert "another change is being saved; waited 0.5 s; nothing was written, try again" in err.decode()
    assert "Traceback" not in err.decode()
    assert dump(db) == before


def test_the_busy_timeout_is_a_setting_with_a_sane_default(monkeypatch):
    monkeypatch.delenv("KPI_BUSY_TIMEOUT", raising=False)
    assert database.busy_timeout() == 30.0
    monkeypatch.setenv("KPI_BUSY_TIMEOUT", "2.5")
    assert database.busy_timeout() == 2.5
    for bad in ("soon", "-1", "nan"):
        monkeypatch.setenv("KPI_BUSY_TIMEOUT", bad)
        with pytest.raises(ValueError, match="KPI_BUSY_TIMEOUT must be a number of seconds"):
            database.busy_timeout()
