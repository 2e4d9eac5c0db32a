"""Reading a file at once (a clean CSV whole, the long layout's plain rows column by column) gives exactly
what reading it row by row gives: the same figures, problems and notes, for every test file (the hostile
corpus included) and for files made here to sit on each edge of what counts as plain."""

from pathlib import Path

import pandas as pd
import pytest

from kpicore.files import upload
from kpicore.files.upload import grid, plain_rows, reader
from kpicore.files.upload.limits import COMMAND_LINE_LIMITS, UPLOAD_LIMITS, Limits
from kpicore.files.upload.parsed import FIGURE_COLUMNS

FILES = Path(__file__).resolve().parent / "files"
EVERY_FILE = sorted(p for p in FILES.rglob("*") if p.suffix in (".csv", ".xlsx"))


def _row_by_row(monkeypatch):
    """The reader as it was: every CSV row through ``Budget.row``, every long row through ``read_long_row``."""
    monkeypatch.setattr(reader, "_clean_csv", lambda *args: None)
    monkeypatch.setattr(
        grid, "read_long_rows",
        lambda parsed, header, body, resolver, budget: pd.DataFrame(
            grid._read_rows(parsed, header, body, resolver, budget), columns=FIGURE_COLUMNS
        ),
    )


def _both(name: str, data: bytes, measures: pd.DataFrame, limits: Limits = UPLOAD_LIMITS):
    with pytest.MonkeyPatch.context() as patch:
        _row_by_row(patch)
        slow = upload.read(name, data, measures, limits=limits)
    fast = upload.read(name, data, measures, limits=limits)
    return fast, slow


def _same(fast, slow) -> None:
    assert fast.problems == slow.problems
    assert fast.notes == slow.notes and fast.layout == slow.layout
    pd.testing.assert_frame_equal(fast.figures.reset_index(drop=True), slow.figures.reset_index(drop=True))


@pytest.mark.parametrize("path", EVERY_FILE, ids=lambda p: str(p.relative_to(FILES)))
def test_every_test_file_reads_the_same_at_once_as_row_by_row(path, snapshot):
    for limits in (UPLOAD_LIMITS, COMMAND_LINE_LIMITS):
        _same(*_both(path.name, path.read_bytes(), snapshot.measures, limits))


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_files_on_each_edge_of_plain_read_the_same(snapshot):
    """Each line is a different way a row can be plain or not; together, and each mixed with plain rows."""
    ids = snapshot.measures["measure_id"].tolist()
    percent = snapshot.measures.query("unit == 'percent'")["measure_id"].iloc[0]
    count = snapshot.measures.query("unit == 'count'")["measure_id"].iloc[0]
    name = snapshot.measures.set_index("measure_id").at[ids[1], "name"]
    edges = [
        f"{ids[0]},2022-01,77.6,,", f"{percent},2022-02,77.6%,,", f"{count},2022-02,5%,,",
        f"{ids[0]},2022-03, 77.6,,", f"{ids[0]},2022-04,1e999,,", f"{ids[0]},2022-05,nan,,",
        f"{ids[0]},2022-06,\"1,234.5\",,", f"{ids[0]},Jun-22,12,,", f"{ids[0]},2022-13,12,,",
        f"{ids[0]},1999-12,12,,", f"{ids[0]},,12,,", f"{ids[0]},2022-07,,,", f"{ids[0]},2022-08,,note,",
        f"{name},2022-09,3,,", f"{name.upper()},2022-10,3,,", "nobody,2022-10,3,,", ",2022-10,3,,",
        ",,,,", f"{ids[0]},2022-11,4,  spaced note ,good", f"{ids[0]},2022-12,4,,Average",
        f"{ids[0]},2023-01,4,,,extra", f"{ids[0]},2023-02,4,,,", f"{ids[0]},2023-03,.5,,", f"{ids[0]},2023-04,5.,,",
        f"{ids[0]},2023-05,+5e-3,,", f"{ids[0]},2023-06,{'9' * 60},,", f"{ids[0]},2022-01,1,,",
        f"{ids[0]},2023-07,'=1+1,,", f"{ids[0]},2023-08,5,'=cmd,", f"{ids[0]},2023-09,٣,,",
    ]
    for header in ("measure_id,period,value,commentary,performance_group", "measure,period,value,commentary,performance_group"):
        for lines in [edges, *([f"{ids[2]},2022-0{m},1,," for m in range(1, 4)] + [edge] for edge in edges)]:
            _same(*_both("edges.csv", _csv([header, *lines]), snapshot.measures))


def test_a_clean_history_is_read_whole_and_plain(snapshot, monkeypatch):
    """The fast ways are taken for a plain file (not only equal by falling back): nothing is read row by row."""
    ids = snapshot.measures.query("frequency == 'monthly'")["measure_id"].tolist()[:20]
    lines = ["measure_id,period,value"] + [f"{m},{y}-{mo:02d},{y % 7 + mo}" for m in ids for y in range(2001, 2021) for mo in range(1, 13)]
    monkeypatch.setattr(reader.Budget, "row", lambda *args: pytest.fail("a clean CSV was read row by row"))
    monkeypatch.setattr(plain_rows, "read_long_row", lambda *args: pytest.fail("a plain row was read row by row"))
    parsed = upload.read("history.csv", _csv(lines), snapshot.measures, limits=COMMAND_LINE_LIMITS)
    assert not parsed.problems and len(parsed.figures) == 20 * 20 * 12
    assert parsed.figures["row"].tolist() == list(range(2, 2 + 4800))
    assert parsed.figures.loc[0, ["measure_id", "period", "value", "value_text"]].tolist() == [ids[0], "2001-01", 7.0, "7"]  # 2001 % 7 + 1
