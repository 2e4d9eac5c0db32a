"""Formula injection through a line break: what the product writes, read back as a spreadsheet might.

A carriage return or line feed inside a text cell must never start a record (or, for a careless
importer that splits on line breaks, a line) with a formula character. The files are the real
outputs: ``export``, ``history`` and ``scorecard`` on a copy of the shipped database.
"""

import csv
import io
import sqlite3

import openpyxl
import pandas as pd
import pytest

from kpicore.cli import main
from kpicore.files.csv_writer import write_csv
from kpicore.files.formulas import FORMULA_STARTS, neutralise_formula, restore_formula
from tests.entry import writable_db

HOSTILE = {
    "timely-of-ihas-in-month": "ok\r=cmd|' /C calc'!A0",
    "initial-contact-decisions-made-within": "a\n=1+1",
    "utilisation-of-available-in-house-foster": "x\r\n@SUM(A1)",
}
"""Commentary for 2022-11 of three measures; each hides a formula after a line break."""
NAME_ID = "children-s-services-audits-rated-r-i"
HOSTILE_NAME = "Audits\r=cmd|' /C calc'!A0"


@pytest.fixture
def hostile_db(tmp_path):
    path = writable_db(tmp_path)
    with sqlite3.connect(path) as db:
        for measure_id, text in HOSTILE.items():
            db.execute(  # a new version: the audit log is append-only, no version is ever updated
                "INSERT INTO observation_versions (measure_id, period, value, commentary, performance_group, "
                "recorded_by, recorded_at, source, reason) SELECT measure_id, period, value, ?, performance_group, "
                "recorded_by, recorded_at, source, reason FROM observations WHERE measure_id = ? AND period = '2022-11'",
                [text, measure_id],
            )
        db.execute("UPDATE measures SET name = ? WHERE measure_id = ?", [HOSTILE_NAME, NAME_ID])
    return path


def output(db, *args: str, tmp_path) -> bytes:
    target = tmp_path / "out.csv"
    assert main(["--db", str(db), *args, "--output", str(target)]) == 0
    return target.read_bytes()


def assert_safe(data: bytes, rows: int) -> list[list[str]]:
    """Parsed by Python's csv module and by a naive line splitter: no record, cell or line
    starts a formula, and the record count is right. Returns the parsed records."""
    text = data.decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert len(records) == rows + 1  # the header and one record per row: no line break split a record
    for record in records:
        assert len({len(r) for r in records}) == 1
        for cell in record:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            for line in cell.splitlines()[1:]:  # a line inside a cell, as some spreadsheets show it
                assert not line.startswith(FORMULA_STARTS), repr(cell)
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        assert not line.startswith(FORMULA_STARTS), repr(line)
        assert not line.lstrip('"').startswith(FORMULA_STARTS), repr(line)
    return records


def test_export_quotes_line_breaks_and_neutralises_each_line(hostile_db, tmp_path):
    data = output(hostile_db, "export", tmp_path=tmp_path)
    expected_rows = sqlite3.connect(hostile_db).execute("SELECT count(*) FROM observations WHERE value IS NOT NULL").fetchone()[0]
    records = assert_safe(data, expected_rows)
    header = records[0]
    by_key = {(r[header.index("measure_id")], r[header.index("period")]): r for r in records[1:]}
    commentary = {m: by_key[(m, "2022-11")][header.index("commentary")] for m in HOSTILE}
    assert commentary == {
        "timely-of-ihas-in-month": "ok\r'=cmd|' /C calc'!A0",
        "initial-contact-decisions-made-within": "a\n'=1+1",
        "utilisation-of-available-in-house-foster": "x\r\n'@SUM(A1)",
    }


def test_history_quotes_line_breaks_and_neutralises_each_line(hostile_db, tmp_path):
    data = output(hostile_db, "history", "--period", "2022-11", tmp_path=tmp_path)
    rows = sqlite3.connect(hostile_db).execute(
        "SELECT count(*) FROM observation_versions WHERE period = '2022-11'"
    ).fetchone()[0]
    assert_safe(data, rows)


def test_scorecard_quotes_a_measure_name_with_a_line_break(hostile_db, tmp_path):
    data = output(hostile_db, "scorecard", "--period", "2022-11", tmp_path=tmp_path)
    measures = sqlite3.connect(hostile_db).execute("SELECT count(*) FROM measures").fetchone()[0]
    records = assert_safe(data, measures)
    header = records[0]
    names = {r[header.index("measure_id")]: r[header.index("measure")] for r in records[1:]}
    assert names[NAME_ID] == "Audits\r'=cmd|' /C calc'!A0"


def test_scorecard_workbook_neutralises_each_line(hostile_db, tmp_path):
    target = tmp_path / "scorecard.xlsx"
    assert main(["--db", str(hostile_db), "scorecard", "--format", "xlsx", "--output", str(target)]) == 0
    sheet = openpyxl.load_workbook(target)["Scorecard"]
    # A carriage return is stored as OOXML's escape _x000D_, which openpyxl leaves as it is.
    cells = [c.value.replace("_x000D_", "\r") for row in sheet.iter_rows(min_row=3) for c in row if isinstance(c.value, str)]
    assert "Audits\r'=cmd|' /C calc'!A0" in cells
    for cell in cells:
        for line in cell.splitlines():
            assert not line.startswith(FORMULA_STARTS), repr(cell)


@pytest.mark.parametrize(
    "text, neutralised",
    [
        ("=1+1", "'=1+1"),
        ("ok\r=cmd|' /C calc'!A0", "ok\r'=cmd|' /C calc'!A0"),
        ("a\n=1+1\n+2\n-3\n@4\n\tx", "a\n'=1+1\n'+2\n'-3\n'@4\n'\tx"),
        ("x\r\n@SUM(A1)", "x\r\n'@SUM(A1)"),
        ("x\r\r=1", "x\r'\r'=1"),
        ("\r=1", "'\r'=1"),
        ("'quoted\n'=1", "''quoted\n''=1"),
        ("plain\nlines\r\nstay", "plain\nlines\r\nstay"),
        ("", ""),
    ],
)
def test_neutraliser_prefixes_every_line_that_starts_a_formula(text, neutralised):
    assert neutralise_formula(text) == neutralised


def test_every_field_holding_a_break_quote_or_comma_is_quoted():
    frame = pd.DataFrame({"a": ["cr\ronly", "lf\nonly", 'say "hi"', "one, two", "plain"], "b": [1.0, 2.0, 3.0, 4.0, 5.5]})
    text = write_csv(frame).decode()
    assert text == 'a,b\n"cr\ronly",1\n"lf\nonly",2\n"say ""hi""",3\n"one, two",4\nplain,5.5\n'
    assert pd.read_csv(io.StringIO(text))["a"].tolist() == frame["a"].tolist()


@pytest.mark.parametrize("text", [
    "=SUM(1)", "ok\r=cmd|' /C calc'!A0", "a\n=1+1", "x\r\n@SUM(A1)", "'x", "'plain", "it's", "-1", "a\n'b",
    "\r=x", "\r\n\r\n=", "'\r'", "''", "\t\t", "plain", "",
])
def test_reading_back_undoes_exactly_what_the_neutraliser_wrote(text):
    assert restore_formula(neutralise_formula(text)) == text
