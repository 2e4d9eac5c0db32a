"""``python -m kpicore``: every command, as a scheduled job would run it."""

import io
import os
import resource
import sqlite3
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from kpicore import store
from kpicore.cli import main
from kpicore.files.csv_writer import write_csv
from kpicore.reports import scorecard
from kpicore.vocab import BAND_STYLE, Band


def run(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kpicore", "--db", str(db), *args], capture_output=True, check=False
    )


def test_scorecard_to_standard_output_is_the_pages_download(shipped_db, snapshot):
    result = run("scorecard", "--period", "Nov-22", db=shipped_db)
    assert result.returncode == 0
    assert result.stdout == write_csv(scorecard.build(snapshot, "2022-11"))


def test_scorecard_for_one_area_and_fewer_months(shipped_db):
    result = run("scorecard", "--period", "2022-09", "--months", "3", "--area", "repeat-work", db=shipped_db)
    frame = pd.read_csv(io.BytesIO(result.stdout))
    assert len(frame) == 3 and "2022-07" in frame.columns and "2022-06" not in frame.columns


def test_unknown_area_and_unreadable_period_are_refused(shipped_db):
    result = run("scorecard", "--area", "nowhere", db=shipped_db)
    assert result.returncode == 2 and b"unknown area 'nowhere'" in result.stderr
    result = run("scorecard", "--period", "Smarch-22", db=shipped_db)
    assert result.returncode == 2 and b"is not a month" in result.stderr


def test_scorecard_xlsx_has_band_fills_legend_and_frozen_header(shipped_db, tmp_path):
    output = tmp_path / "scorecard.xlsx"
    assert main(["--db", str(shipped_db), "scorecard", "--format", "xlsx", "--output", str(output)]) == 0
    book = openpyxl.load_workbook(output)
    sheet = book["Scorecard"]
    assert sheet.freeze_panes == "D3"
    header = [cell.value for cell in sheet[2]]
    assert header[:3] == ["area", "measure_id", "measure"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=3)}
    first = rows["initial-contact-decisions-made-within"]
    nov = header.index("2022-11")
    assert first[nov].value == pytest.approx(77.6) and first[nov].number_format == "0.0"
    assert first[nov].fill.fgColor.rgb.endswith(BAND_STYLE[Band.SIGNIFICANTLY_WORSE]["fill"][1:].upper())
    met = rows["initial-visits-that-were-within-2-w-days"][nov]
    assert met.fill.fgColor.rgb.endswith(BAND_STYLE[Band.MET]["fill"][1:].upper())
    assert rows["audits-completed-to-accepted-standard"][nov].number_format == "0"
    assert [c.value for c in book["Legend"]["A"]][1:] == [band.value for band in Band]


def test_export_is_every_current_figure_in_the_long_layout(shipped_db):
    result = run("export", db=shipped_db)
    frame = pd.read_csv(io.BytesIO(result.stdout))
    assert frame.columns.tolist() == ["measure_id", "period", "value", "commentary", "performance_group"]
    assert len(frame) == 1020
    assert frame["performance_group"].notna().sum() == 75


def test_backup_is_a_consistent_copy(shipped_db, tmp_path):
    copy = tmp_path / "backup.sqlite"
    result = run("backup", str(copy), db=shipped_db)
    assert result.returncode == 0
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert store.export_observations(copy).equals(store.export_observations(shipped_db))


def test_a_missing_database_is_explained(tmp_path):
    result = run("scorecard", db=tmp_path / "none.sqlite")
    assert result.returncode == 1 and b"run `python -m kpicore init` first" in result.stderr


def test_months_outside_one_to_a_hundred_and_twenty_are_refused(shipped_db):
    for months in ("0", "-3", "100000", "twelve"):
        result = run("scorecard", "--months", months, db=shipped_db)
        assert result.returncode == 2, months
        assert f"'{months}' is not a number of months from 1 to 120".encode() in result.stderr
    assert run("scorecard", "--months", "120", db=shipped_db).returncode == 0


def test_backup_refuses_to_overwrite_a_file_without_force(shipped_db, tmp_path):
    existing = tmp_path / "kept.sqlite"
    existing.write_text("someone's notes")
    result = run("backup", str(existing), db=shipped_db)
    assert result.returncode == 1 and b"already exists: use --force to replace it" in result.stderr
    assert existing.read_text() == "someone's notes"
    result = run("backup", str(existing), "--force", db=shipped_db)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(existing) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM observations").fetchone() == (1020,)
    connection.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.sqlite"]  # no temporary or -wal left


@pytest.mark.parametrize("place, message", [
    ("folder", "is a folder: give the backup's file name"),
    ("under a file", "is not a folder"),
    ("the live database", "is the live database"),
])
def test_backup_onto_a_folder_or_an_unwritable_place_is_refused_cleanly(shipped_db, tmp_path, place, message):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    target = {"folder": tmp_path, "under a file": blocker / "backup.sqlite", "the live database": shipped_db}[place]
    result = run("backup", str(target), "--force", db=shipped_db)
    assert result.returncode == 1, result.stderr
    assert message.encode() in result.stderr and b"Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_an_unexpected_error_is_a_short_message_with_a_reference_and_the_details_in_the_log(tmp_path):
    broken = tmp_path / "kpi.sqlite"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # a database file damaged beyond reading
    result = run("scorecard", db=broken)
    err = result.stderr.decode()
    assert result.returncode == 5, err
    assert err.startswith("Something went wrong (reference ") and "nothing was written" in err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    reference = err.split("(reference ")[1][:6]
    log = tmp_path / "kpicore.log"  # beside the database
    assert f"The details are in {log}." in err
    logged = log.read_text()
    assert f"reference {reference}" in logged and "Traceback (most recent call last)" in logged


def test_the_log_can_be_elsewhere(tmp_path):
    broken = tmp_path / "kpi.sqlite"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    log = tmp_path / "logs" / "kpi.log"
    log.parent.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "kpicore", "--db", str(broken), "export"],
        capture_output=True, text=True, check=False, env={**os.environ, "KPI_LOG": str(log)},
    )
    assert result.returncode == 5 and f"The details are in {log}." in result.stderr
    assert "Traceback" in log.read_text() and not (tmp_path / "kpicore.log").exists()


@pytest.mark.parametrize("command", [["import"], ["targets", "import"], ["comparators", "import"]])
def test_a_file_too_large_is_refused_by_its_size_before_it_is_read(shipped_db, tmp_path, command):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as file:
        file.truncate(2 * 1024**3)  # 2 GB on paper, nothing on disk (sparse)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = run(*command, str(huge), "--reason", "Year end", db=shipped_db)
    assert result.returncode == 1, result.stderr
    assert b"huge.csv is 2,048 MB; a file may be at most 200 MB" in result.stderr
    assert b"Nothing was written" in result.stderr
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes, the largest child so far
    assert peak < 1024 * 1024 or peak == before  # never read whole: 2 GB would have been in memory


def test_a_long_preview_is_a_summary_not_a_line_per_row(tmp_path):
    from tests.entry import writable_db

    db = writable_db(tmp_path)
    rows = ["measure_id,period,value"] + [
        f"initial-contact-decisions-made-within,{period},50" for period in
        pd.period_range("2000-01", periods=250, freq="M").strftime("%Y-%m")
    ]
    (tmp_path / "many.csv").write_text("\n".join(rows))
    result = run("import", str(tmp_path / "many.csv"), "--dry-run", "--preview", str(tmp_path / "preview.csv"), db=db)
    out = result.stdout.decode().splitlines()
    assert result.returncode == 0 and len(out) < 30, out
    assert "many.csv: 250 new, 0 revised, 0 unchanged figure(s)." in out
    assert "1 measure(s), 250 month(s): Jan-00 to Oct-20." in out
    # counted by year: 2000 to 2019 twelve each, 2020 ten
    assert "    2000:        12 new         0 revised         0 unchanged" in out
    assert "    2020:        10 new         0 revised         0 unchanged" in out
    assert not any("initial-contact-decisions-made-within" in line for line in out)
    preview = pd.read_csv(tmp_path / "preview.csv")
    assert len(preview) == 250 and set(preview["status"]) == {"new"} and preview["row"].tolist() == list(range(2, 252))
    full = run("import", str(tmp_path / "many.csv"), "--dry-run", "--full", db=db).stdout.decode().splitlines()
    assert sum("initial-contact-decisions-made-within" in line for line in full) == 250
    assert "  new      initial-contact-decisions-made-within 2020-10: 50" in full
