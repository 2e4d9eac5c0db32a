"""The upload reader's parts, each by what it does: sniffing, the header row, the layout, the measure of a row."""

import pytest

from kpicore.files import upload
from kpicore.files.upload import file_type, header, layout
from kpicore.files.upload.measures import MeasureResolver
from kpicore.files.upload.parsed import Parsed


def test_the_public_interface_is_re_exported():
    for name in upload.__all__:
        assert getattr(upload, name) is not None
    assert {"read", "Parsed", "parse_number", "template", "FIGURE_COLUMNS", "TEMPLATES", "MAX_BYTES", "LONG",
            "SCORECARD"} <= set(upload.__all__)
    assert upload.TEMPLATES == [("long", "csv"), ("long", "xlsx"), ("scorecard", "csv"), ("scorecard", "xlsx")]


@pytest.mark.parametrize(
    ("name", "data", "refused"),
    [("a.csv", b"measure_id,period,value\n", None),
     ("a.xlsx", b"PK\x03\x04rest", None),
     ("a.xls", b"x", "is an old Excel 97-2003 file"),
     ("a.txt", b"x", "is not a CSV (.csv) or Excel (.xlsx) file"),
     ("a.csv", b"\xef\xbb\xbf \r\n", "is empty"),
     ("a.csv", b"%PDF-1.4", "is named .csv but is a PDF document"),
     ("a.csv", b"PK\x03\x04", "(give it the .xlsx name"),
     ("a.xlsx", b"measure_id,period\n", "is named .xlsx but is text (perhaps CSV)"),
     ("a.xlsx", b"ab\x00cd", "is named .xlsx but is a binary file")],
)
def test_sniffing_the_file_type(name, data, refused):
    problem = file_type.refusal(file_type.suffix(name), data)
    assert (problem is None) if refused is None else refused in problem


def test_the_header_row_is_the_first_with_a_measure_column_within_ten_rows():
    grid = [(1, ["Figures for December"]), (2, []), (3, ["Measure ID", "Period", "Value"])]
    assert header.find_header(grid) == 2
    late = [(n, [""]) for n in range(1, 11)] + [(11, ["measure_id"])]
    assert header.find_header(late) is None


def test_a_header_names_columns_months_and_columns_not_read():
    parsed = Parsed("x.csv")
    found = header.read_header(parsed, 1, ["measure_id", "Nov-22", "2022-11", "colour", "unit", "band_met", ""])
    assert found.columns == {"measure_id": 0}
    assert found.months == {"2022-11": (2, "2022-11")}
    assert found.ignored == ["colour"]
    assert parsed.problems[0].column == "2022-11" and "second column for Nov-22" in parsed.problems[0].message


@pytest.mark.parametrize(
    ("cells", "decided", "readable"),
    [(["measure_id", "period", "value"], "long", True),
     (["measure_id", "period"], "long", False),
     (["measure_id", "2022-11"], "scorecard", True),
     (["measure_id", "colour"], None, False)],
)
def test_deciding_the_layout(cells, decided, readable):
    parsed = Parsed("x.csv")
    assert layout.decide_layout(parsed, header.read_header(parsed, 1, cells)) is readable
    assert parsed.layout == decided
    assert bool(parsed.problems) is not readable


def test_resolving_a_measure_by_id_or_exact_name(snapshot):
    resolver = MeasureResolver(snapshot.measures)
    names = {"measure_id": "measure_id", "measure": "measure"}
    first = snapshot.measures.iloc[0]
    assert resolver.resolve({"measure": f"  {first['name']} "}, names)[0] == first["measure_id"]
    assert resolver.resolve({"measure_id": f"'={first['measure_id']}"}, names)[3] is not None
    assert "did you mean" in resolver.resolve({"measure": first["name"].upper()}, names)[3]
