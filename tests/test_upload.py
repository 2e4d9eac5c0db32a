"""Reading real CSV and Excel files: both layouts, every accepted form, every problem with row and column."""

import io

import openpyxl
import pandas as pd
import pytest

from kpicore.files import upload
from kpicore.files.upload import parse_number
from tests.entry import read
from tests.files.make_files import OWNED


@pytest.fixture(scope="module")
def measures(snapshot):
    return snapshot.measures


def figures(name, measures):
    parsed = upload.read(name, read(name), measures)
    assert parsed.problems == [], parsed.problems
    return parsed.figures.set_index(["measure_id", "period"])["value"].to_dict()


def problems(name, measures):
    parsed = upload.read(name, read(name), measures)
    return [(p.row, p.column, p.value, p.message) for p in parsed.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("77.6", (77.6, False)), ("77.6%", (77.6, True)), (" 77.6 % ", (77.6, True)), ("-3", (-3.0, False)),
     (".5", (0.5, False)), ("1e2", (100.0, False)), ("", (None, False))],
)
def test_numbers_accepted(text, expected):
    value, percent, problem = parse_number(text)
    assert (value, percent) == expected and problem is None


@pytest.mark.parametrize(
    ("text", "words"),
    [("1,234.5", "ambiguous"), ("1.234,5", "ambiguous"), ("1,5", "ambiguous"), ("1 234", "ambiguous"),
     ("NaN", "NaN or infinity"), ("inf", "NaN or infinity"), ("-Infinity", "NaN or infinity"),
     ("1e999", "too large"), ("n/a", "must be a number"), ("12..5", "must be a number")],
)
def test_numbers_refused_say_what_is_allowed(text, words):
    value, _, problem = parse_number(text)
    assert value is None and words in problem
    assert "e.g." in problem or "finite number" in problem


def test_long_layout(measures):
    assert figures("long-valid.csv", measures) == {
        (OWNED[0], "2022-12"): 78.1, (OWNED[1], "2022-12"): 47.0, (OWNED[2], "2022-12"): 70.0,
    }


def test_names_with_spaces_month_forms_bom_and_crlf(measures):
    assert read("long-valid-bom.csv").startswith(b"\xef\xbb\xbf") and b"\r\n" in read("long-valid-bom.csv")
    assert figures("long-valid-bom.csv", measures) == {(OWNED[0], "2022-12"): 78.1, (OWNED[1], "2022-12"): 47.0}


def test_scorecard_layout_blank_cells_are_no_figure(measures):
    parsed = upload.read("scorecard-valid.csv", read("scorecard-valid.csv"), measures)
    assert parsed.layout == "scorecard" and parsed.problems == []
    assert parsed.figures.set_index(["measure_id", "period"])["value"].to_dict() == {
        (OWNED[0], "2022-12"): 78.1, (OWNED[1], "2023-01"): 44.0,
    }
    assert parsed.figures["value_column"].tolist() == ["2022-12", "Jan-23"]


def test_excel_percent_cells_and_date_cells(measures):
    book = openpyxl.load_workbook(io.BytesIO(read("percent-and-dates.xlsx")))
    cell = book.active["C2"]
    assert cell.value == pytest.approx(0.781) and cell.number_format == "0.0%"
    assert book.active["B2"].is_date
    assert figures("percent-and-dates.xlsx", measures) == {
        (OWNED[0], "2022-12"): 78.1, (OWNED[1], "2023-01"): 47.0, (OWNED[2], "2022-12"): 70.0,
    }
    parsed = upload.read("percent-and-dates.xlsx", read("percent-and-dates.xlsx"), measures)
    assert parsed.figures["performance_group"].fillna("").tolist() == ["Poor", "", "Fair"]


def test_excel_scorecard_with_date_headers(measures):
    assert figures("scorecard-percent-dates.xlsx", measures) == {(OWNED[0], "2022-12"): 78.1, (OWNED[1], "2023-01"): 44.0}


def test_bad_excel_cells_are_named_by_excel_row(measures):
    found = problems("bad-cells.xlsx", measures)
    assert [(row, column) for row, column, *_ in found] == [
        (3, "value"), (4, "period"), (5, "value"), (6, "value"), (7, "period"),
    ]
    assert "percentage, but this measure is a count" in found[0][3]
    assert found[1][2] == "22-Nov" and "without a year" in found[1][3]
    assert "is a date, not a number" in found[2][3]
    assert found[3][2] == "1,5" and "ambiguous" in found[3][3]
    assert "is a number, not a month" in found[4][3]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("unknown-measure.csv", [(3, "measure_id", "initial-contact-decisions-made-in-24h", "not a measure of the catalogue"),
                                 (4, "measure_id", "% of initial contact decisions made within 24 hours", "did you mean")]),
        ("not-a-number.csv", [(2, "value", "n/a", "must be a number"), (3, "value", "seventy", "must be a number"),
                              (4, "value", "12..5", "must be a number"), (5, "value", "7 8", "ambiguous")]),
        ("nan-inf.csv", [(2, "value", "NaN", "NaN or infinity"), (3, "value", "inf", "NaN or infinity"),
                         (4, "value", "-Infinity", "NaN or infinity")]),
        ("ambiguous-numbers.csv", [(2, "value", "1,234.5", "ambiguous"), (3, "value", "1.234,5", "ambiguous"),
                                   (4, "value", "1,5", "ambiguous")]),
        ("unreadable-period.csv", [(2, "period", "Smarch-22", "not a month"), (3, "period", "2022-13", "not a month"),
                                   (4, "period", "", "is required"), (5, "period", "22/12/2022", "not a month")]),
        ("percent-on-a-count.csv", [(2, "value", "47%", "percentage, but this measure is a count")]),
        ("extra-cells.csv", [(2, None, "audits-completed-to-accepted-standard,2022-12,1,234", "comma in a number")]),
        ("empty.csv", [(None, None, "", "is empty")]),
        ("header-only.csv", [(None, None, "", "no rows of figures")]),
        ("png-named.csv", [(None, None, "", "is named .csv but is a PNG image")]),
        ("xlsx-named.csv", [(None, None, "", "is named .csv but is an Excel workbook")]),
        ("csv-named.xlsx", [(None, None, "", "is named .xlsx but is text")]),
        ("latin1.csv", [(2, None, "\xe9", "not UTF-8")]),
    ],
)
def test_each_kind_of_bad_file_names_row_column_and_value(name, expected, measures):
    found = problems(name, measures)
    assert [(row, column, value) for row, column, value, _ in found] == [(r, c, v) for r, c, v, _ in expected]
    for (*_, message), (*_, words) in zip(found, expected):
        assert words in message


def test_the_large_file_reads_every_row_and_finds_the_one_bad_cell(measures):
    parsed = upload.read("large-one-bad-row.csv", read("large-one-bad-row.csv"), measures)
    assert len(parsed.figures) > 4900
    assert [(p.row, p.column, p.value) for p in parsed.problems] == [(4322, "value", "61,5")]


def test_other_file_types_are_refused(measures):
    for name, words in (("figures.xls", "old Excel 97-2003"), ("figures.txt", "not a CSV"), ("figures", "not a CSV")):
        parsed = upload.read(name, b"measure_id,period,value\n", measures)
        assert words in parsed.problems[0].message


def test_semicolons_and_a_missing_header_are_explained(measures):
    parsed = upload.read("x.csv", b"measure_id;period;value\nx;2022-12;1\n", measures)
    assert "has no header row" in parsed.problems[0].message or "';'" in parsed.problems[0].message
    parsed = upload.read("x.csv", b"a,b\n1,2\n", measures)
    assert parsed.problems[0].row == 1 and "measure_id" in parsed.problems[0].message


def test_columns_not_read_are_noted_and_measure_columns_must_agree(measures):
    data = b"measure_id,measure,period,value,colour\naudits-completed-to-accepted-standard,% of Initial contact decisions made within 24 hours,2022-12,4,red\n"
    parsed = upload.read("x.csv", data, measures)
    assert parsed.notes == ["Columns not read: colour."]
    assert parsed.problems[0].column == "measure" and "different measure" in parsed.problems[0].message


@pytest.mark.parametrize("layout", ["long", "scorecard"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_templates_are_prefilled_and_read_back(layout, file_format, measures):
    mine = measures[measures["measure_id"].isin(OWNED)]
    data = upload.template(layout, file_format, mine, "2022-12")
    parsed = upload.read(f"template.{file_format}", data, measures)
    assert parsed.layout == layout
    assert "no figures" in parsed.problems[0].message and parsed.notes == []
    if file_format == "csv":
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    else:
        frame = pd.read_excel(io.BytesIO(data), dtype=str)
    assert frame["measure_id"].tolist() == mine["measure_id"].tolist()
    assert ("period" in frame.columns) == (layout == "long") and ("2022-12" in frame.columns) == (layout == "scorecard")
