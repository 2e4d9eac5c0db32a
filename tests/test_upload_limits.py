"""Reading an uploaded file within its limits: every hostile file becomes a problem, never an exception or a stall.

Each test is a small literal case of a defect found by probing the upload page and the command line
(issue 8); ``tests/test_hostile.py`` runs the whole hostile corpus end to end.
"""

import io
import time
import zipfile

import openpyxl
import pytest

from kpicore.files import upload
from kpicore.files.formulas import neutralise_formula, restore_formula
from kpicore.files.upload import parse_number
from kpicore.files.upload.limits import COMMAND_LINE_LIMITS, UPLOAD_LIMITS, Limits
from tests.files.hostile import make
from tests.files.make_files import OWNED

M = OWNED[0]


@pytest.fixture(scope="module")
def measures(snapshot):
    return snapshot.measures


def messages(parsed) -> str:
    return "\n".join(str(p) for p in parsed.problems)


# --- 1. parse_number: linear, bounded, ASCII digits only ------------------------------------------


def test_parse_number_takes_time_linear_in_the_text():
    text = "1" * 20_000 + "x"
    started = time.perf_counter()
    value, _, problem = parse_number(text, max_chars=10**6)
    assert time.perf_counter() - started < 0.05
    assert value is None and "must be a number" in problem


def test_parse_number_refuses_text_longer_than_the_limit():
    value, _, problem = parse_number("1" * 51)
    assert value is None and "51 characters" in problem and "at most 50" in problem
    assert parse_number("1" * 50)[0] == float("1" * 50)
    assert parse_number("1" * 60, max_chars=60)[0] == float("1" * 60)


@pytest.mark.parametrize("text", ["٧٧", "７７", "1_000", "७.५", "1\u200b2"])
def test_parse_number_takes_ascii_digits_only(text):
    value, _, problem = parse_number(text)
    assert value is None and "must be a number" in problem


# --- 2. decompression bombs and workbooks that lie ------------------------------------------------


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(measures):
    data = make.spaces_bomb(200 * 1024 * 1024)
    assert len(data) < 1024 * 1024
    started = time.perf_counter()
    parsed = upload.read("bomb.xlsx", data, measures)
    assert time.perf_counter() - started < 2
    assert "once unzipped" in messages(parsed) and "at most 100 MB" in messages(parsed)


def test_compression_ratio_and_entry_count_are_limited(measures):
    data = make.spaces_bomb(20 * 1024 * 1024)
    assert "compressed" in messages(upload.read("ratio.xlsx", data, measures))
    many = make.many_entries(2000)
    assert "2009 parts" in messages(upload.read("many.xlsx", many, measures))


def test_a_workbook_stating_a_huge_size_is_read_as_it_is(measures):
    data = make.lying_dimension()
    started = time.perf_counter()
    parsed = upload.read("lying.xlsx", data, measures)
    assert time.perf_counter() - started < 2
    assert parsed.problems == [] and len(parsed.figures) == 1


def test_rows_and_columns_are_counted_while_reading_a_workbook(measures):
    rows = [["measure_id", "period", "value"]] + [[M, "2022-12", 1]] * 10
    parsed = upload.read("rows.xlsx", make.workbook(rows), measures, limits=Limits(max_rows=5))
    assert "more than 5 rows" in messages(parsed) and parsed.problems[0].row == 6
    wide = [["measure_id"] + [f"c{i}" for i in range(20)]]
    parsed = upload.read("wide.xlsx", make.workbook(wide), measures, limits=Limits(max_columns=10))
    assert "more than 10 columns" in messages(parsed) and parsed.problems[0].column == "K"


# --- 3. every failure a problem, never an exception ----------------------------------------------


def test_a_csv_field_over_the_csv_module_limit_is_a_problem(measures):
    data = f"measure_id,period,value,commentary\n{M},2022-12,1,{'x' * 140_000}\n".encode()
    parsed = upload.read("field.csv", data, measures)
    assert parsed.problems[0].row == 2 and "10000 characters" in messages(parsed)


@pytest.mark.parametrize("cut", [100, 1000, 3000, -200])
def test_a_truncated_workbook_is_a_problem(measures, cut):
    data = make.workbook([["measure_id", "period", "value"], [M, "2022-12", 1]])
    parsed = upload.read("cut.xlsx", data[:cut], measures)
    assert "not a readable Excel workbook" in messages(parsed)


def test_xml_entities_in_a_workbook_are_refused(measures):
    started = time.perf_counter()
    parsed = upload.read("laughs.xlsx", make.billion_laughs(), measures)
    assert time.perf_counter() - started < 2
    assert "XML" in messages(parsed) and "entit" in messages(parsed)


def test_any_failure_inside_the_workbook_reader_is_a_problem(measures):
    data = make.replace_part(make.workbook([["measure_id"], [M]]), "xl/styles.xml", b"<styleSheet><oops")
    parsed = upload.read("broken.xlsx", data, measures)
    assert "not a readable Excel workbook" in messages(parsed)


# --- 4. encodings, NUL bytes, formulas, wide and long files --------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_read(measures, encoding):
    text = f"measure_id,period,value,commentary\n{M},2022-12,78.1,£5k café\n"
    data = ("\ufeff" + text).encode(encoding) if encoding != "utf-16" else text.encode(encoding)
    parsed = upload.read("utf16.csv", data, measures)
    assert parsed.problems == [] and parsed.figures["commentary"].tolist() == ["£5k café"]


def test_a_nul_byte_anywhere_is_refused_with_its_row_and_column(measures):
    filler = "".join(f"{M},2021-{m:02},1,ok\n" for m in range(1, 13)) * 100
    data = f"measure_id,period,value,commentary\n{filler}{M},2022-12,1,a\x00b\n".encode()
    assert len(data) > 8192
    parsed = upload.read("nul.csv", data, measures)
    (problem,) = parsed.problems
    assert (problem.row, problem.column) == (1202, "D") and "control character" in problem.message


def test_a_formula_without_a_saved_result_is_named_cell_by_cell(measures):
    rows = [["measure_id", "period", "value"], [M, "2022-12", make.Formula("=SUM(1,2)")], [OWNED[1], "2022-12", 4]]
    parsed = upload.read("formula.xlsx", make.workbook(rows), measures)
    (problem,) = parsed.problems
    assert (problem.row, problem.column) == (2, "C") and "formula with no saved result" in problem.message
    assert "save it" in problem.message


def test_a_formula_with_a_saved_result_is_read(measures):
    data = make.cached_formula()
    parsed = upload.read("cached.xlsx", data, measures)
    assert parsed.problems == [] and parsed.figures["value"].tolist() == [3.0]


def test_a_million_columns_are_refused_and_never_echoed(measures):
    data = ("measure_id," + ",".join(f"2020-{i % 12 + 1:02}x{i}" for i in range(1_000_000)) + "\n").encode()
    parsed = upload.read("wide.csv", data, measures, limits=COMMAND_LINE_LIMITS)
    assert "more than 500 columns" in messages(parsed)
    assert len(messages(parsed)) < 1000 and sum(map(len, parsed.notes)) < 1000


def test_problems_are_capped_with_a_count_of_the_rest(measures):
    body = "".join(f"{M},2022-12,bad{i}\n" for i in range(500))
    parsed = upload.read("many.csv", f"measure_id,period,value\n{body}".encode(), measures)
    assert len(parsed.problems) == UPLOAD_LIMITS.max_problems + 1
    assert "and 300 more problems" in parsed.problems[-1].message


def test_a_long_cell_is_refused_and_echoed_short(measures):
    data = f"measure_id,period,value,commentary\n{M},2022-12,1,{'y' * 10_001}\n".encode()
    parsed = upload.read("long.csv", data, measures)
    (problem,) = parsed.problems
    assert (problem.row, problem.column) == (2, "D") and "10001 characters" in problem.message
    assert len(str(problem)) < 300


def test_rows_beyond_the_limit_are_refused(measures):
    body = "".join(f"{M},2022-12,1\n" for _ in range(10))
    parsed = upload.read("rows.csv", f"measure_id,period,value\n{body}".encode(), measures, limits=Limits(max_rows=5))
    assert parsed.problems[0].row == 6 and "more than 5 rows" in parsed.problems[0].message


def test_reading_stops_after_the_time_limit(measures):
    body = "".join(f"{M},2022-12,{i}\n" for i in range(150_000))
    started = time.perf_counter()
    parsed = upload.read("slow.csv", f"measure_id,period,value\n{body}".encode(), measures,
                         limits=Limits(max_parse_seconds=0.2))
    assert time.perf_counter() - started < 3
    assert "0.2 seconds" in messages(parsed) and parsed.figures.empty


# --- 5. what the neutraliser did is undone on reading --------------------------------------------


@pytest.mark.parametrize("text", ["=SUM(1)", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "plain", "'plain", "''=x", ""])
def test_restore_formula_undoes_exactly_what_the_neutraliser_did(text):
    assert restore_formula(neutralise_formula(text)) == text


def test_restore_formula_follows_the_neutraliser_where_it_is_ambiguous():
    """``'=x`` typed by a person: the neutraliser writes it as it is (the same as it writes ``=x``), so it is
    read as ``=x``; a neutraliser that quotes a leading apostrophe too makes it round-trip."""
    written = neutralise_formula("'=x")
    assert restore_formula(written) == ("=x" if written == "'=x" else "'=x")


def test_an_apostrophe_before_a_formula_start_is_read_back_as_the_text(measures):
    data = f"measure_id,period,value,commentary\n{M},2022-12,'-1,'=SUM(1)\n".encode()
    parsed = upload.read("quoted.csv", data, measures)
    assert parsed.problems == [] and parsed.figures[["value", "commentary"]].values.tolist() == [[-1.0, "=SUM(1)"]]


def test_a_zip_that_is_not_a_workbook_is_a_problem(measures):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "x")
    assert "not a readable Excel workbook" in messages(upload.read("tiny.xlsx", buffer.getvalue(), measures))


def test_a_part_bigger_than_its_zip_says_is_never_unzipped_past_what_it_says(measures):
    data = make.understated_bomb(200 * 1024 * 1024)
    started = time.perf_counter()
    parsed = upload.read("understated.xlsx", data, measures)
    assert time.perf_counter() - started < 2
    assert "not a readable Excel workbook" in messages(parsed)


def test_a_workbook_with_only_empty_sheets_is_empty(measures):
    book = openpyxl.Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    assert "is empty" in messages(upload.read("empty.xlsx", buffer.getvalue(), measures))


def test_an_export_imported_again_changes_nothing(tmp_path):
    """The shipped data, with commentary a spreadsheet could run as a formula (typed on the form), exported
    as the command line's ``export`` writes it (neutralised: ``'=SUM(1)``) and imported back: every figure
    unchanged."""
    import pandas as pd

    from kpicore import store
    from kpicore.files.csv_writer import write_csv
    from kpicore.workflows import submission
    from tests.entry import ADMIN, writable_db

    db = writable_db(tmp_path)
    typed = pd.DataFrame({"measure_id": OWNED, "value": ["50", "51", "52"],
                          "commentary": ["=SUM(1)", "-fell by 3", "@x"], "performance_group": [None] * 3})
    submission.commit(db, submission.plan_form(db, "2022-12", typed, user=ADMIN), user=ADMIN)
    exported = write_csv(store.export_observations(db))
    assert b"'=SUM(1)" in exported and b"'-fell by 3" in exported and b"'@x" in exported
    again = submission.plan_file(db, "export.csv", exported, user=ADMIN, limits=COMMAND_LINE_LIMITS)
    assert again.ok and (again.count("new"), again.count("revised")) == (0, 0)
    assert again.count("unchanged") == len(store.export_observations(db)) > 1000
