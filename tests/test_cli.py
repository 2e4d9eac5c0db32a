"""``python -m kpicore``: every command, as a scheduled job would run it."""

import io
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
