"""Figures no check should let in, and pages that survive them anyway.

The checks: a month outside the accepted range, and a figure beyond the accepted magnitude, are
refused by ``figure_checks.validate`` (every way a figure comes in) naming the limit. The pages: a
database written by an earlier release may already hold such figures, and text no person should see
as markup; with them inserted directly (as an old release's data would be), every page renders its
heading and its content, the hostile text shows literally, and the figures outside the range stay
findable by an administrator (History, the explorer) without reaching the scorecard.
"""

import io
import re
import sqlite3
from datetime import date

import pandas as pd
import pytest

from kpicore import store
from kpicore.access import Account
from kpicore.figure_checks import validate
from kpicore.problems import ValidationFailed
from kpicore.rules import Settings
from kpicore.snapshot import Snapshot
from kpicore.vocab import Role
from tests.entry import ADMIN, dump, writable_db

PERCENT = "initial-contact-decisions-made-within"
COUNT = "audits-completed-to-accepted-standard"
INFINITE = "utilisation-of-available-in-house-foster"
ADMINISTRATOR = Account(ADMIN, Role.ADMIN, registered=True)
TODAY = date(2022, 12, 15)


def figures(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["measure_id", "period", "value"])


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


# --- The checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["0000-01", "1999-12", "9999-12"])
def test_a_month_outside_the_range_is_refused_naming_it(snapshot, period):
    valid, problems = validate(
        figures((PERCENT, "2022-11", 70.0), (PERCENT, period, 70.0)), snapshot.measures,
        account=ADMINISTRATOR, today=date(9999, 12, 31), source="figures.csv",
    )
    assert valid.empty
    assert messages(problems) == [
        f"figures.csv row 3, column period: '{period}' is outside the months accepted (2000-01 to 2099-12)"
    ]


def test_the_range_is_a_setting(snapshot):
    settings = Settings(first_year=2022, last_year=2022)
    valid, problems = validate(
        figures((PERCENT, "2021-12", 70.0), (PERCENT, "2022-01", 70.0)), snapshot.measures,
        account=ADMINISTRATOR, today=TODAY, settings=settings,
    )
    assert messages(problems) == [
        "submission row 2, column period: '2021-12' is outside the months accepted (2022-01 to 2022-12)"
    ]
    assert validate(figures((PERCENT, "2022-01", 70.0)), snapshot.measures, account=ADMINISTRATOR,
                    today=TODAY, settings=settings)[1] == []


@pytest.mark.parametrize("value", [1e308, 10_000_001.0, -1e308])
def test_a_count_beyond_the_largest_is_refused_naming_it(snapshot, value):
    valid, problems = validate(
        figures((COUNT, "2022-11", value)), snapshot.measures, account=ADMINISTRATOR, today=TODAY
    )
    assert valid.empty
    assert [(p.row, p.column) for p in problems][0] == (2, "value")
    assert "is beyond the largest count accepted: a count must be a whole number from -10,000,000 to 10,000,000" in messages(problems)[0]


def test_the_largest_count_is_accepted(snapshot):
    valid, problems = validate(figures((COUNT, "2022-11", 10_000_000.0)), snapshot.measures, account=ADMINISTRATOR, today=TODAY)
    assert problems == [] and valid["value"].tolist() == [10_000_000.0]


def test_every_unit_has_a_largest_figure():
    measures = pd.DataFrame({
        "measure_id": ["a-rate", "a-duration"], "unit": ["rate", "days"], "lower_bound": [None, None],
        "upper_bound": [None, None], "frequency": ["monthly", "monthly"],
    })
    valid, problems = validate(
        figures(("a-rate", "2022-11", 1e308), ("a-duration", "2022-11", -1e10), ("a-rate", "2022-10", 1e9)),
        measures, account=ADMINISTRATOR, today=TODAY,
    )
    assert messages(problems) == [
        "submission row 2, column value: '1e+308' is beyond the largest figure accepted "
        "(from -1,000,000,000 to 1,000,000,000)",
        "submission row 3, column value: '-10000000000.0' is beyond the largest figure accepted "
        "(from -1,000,000,000 to 1,000,000,000)",
    ]


def test_the_store_refuses_them_and_writes_nothing(tmp_path):
    path = writable_db(tmp_path)
    before = dump(path)
    for rows in (figures((PERCENT, "0000-01", 50.0)), figures((COUNT, "2022-11", 1e308))):
        with pytest.raises(ValidationFailed) as refused:
            store.record_figures(path, rows, user=ADMIN, source="cli", reason="test")
        assert "accepted" in str(refused.value)
    assert dump(path) == before


def test_the_command_line_import_refuses_month_0000_01(tmp_path):
    from kpicore.cli import main

    path = writable_db(tmp_path)
    before = dump(path)
    upload = tmp_path / "figures.csv"
    upload.write_text(f"measure_id,period,value\n{PERCENT},0000-01,50\n{COUNT},2022-11,1e308\n")
    assert main(["--db", str(path), "import", str(upload), "--reason", "test"]) == 1
    assert dump(path) == before


@pytest.mark.parametrize(
    "command",
    [
        ["targets", "set", PERCENT, "--from", "0000-01", "--target", "80", "--reason", "test"],
        ["comparators", "set", PERCENT, "--from", "9999-12", "--value", "80", "--reason", "test"],
        ["lock", "1999-12", "--reason", "test"],
        ["scorecard", "--period", "2100-01"],
    ],
)
def test_the_command_line_refuses_months_outside_the_range(tmp_path, capsys, command):
    from kpicore.cli import main

    path = writable_db(tmp_path)
    before = dump(path)
    with pytest.raises(SystemExit) as usage:
        main(["--db", str(path), *command])
    assert usage.value.code == 2
    assert "is outside the months this dashboard accepts (2000-01 to 2099-12)" in capsys.readouterr().err
    assert dump(path) == before


# --- Pages on a database an earlier release wrote -----------------------------------------------

SCRIPT = "<script>alert('x')</script>"
HOSTILE_TEXT = (
    f"{SCRIPT} <b>bold</b> **strong** _em_ $x^2$ [link](javascript:alert(1)) # heading\n| a | b |\n"
    + "<img src=x onerror=alert(1)> " * 320
)[:10_000]
CONTROL = "\x00\x01\x07\x08\x1b[31m\x7f\u202e\u200b"
OUTSIDE = ["0000-01", "9999-12", "2022-13", "not a month"]
"""Stored periods no reporting month has: out of range, or not a month at all."""
MARKUP = re.compile(r"(?<!\\)(<script|<img|<b>|\*\*strong|\$x\^2|\[link\])")
"""The hostile text's markup where Markdown would act on it: not escaped with a backslash."""


def _version(db, measure_id, period, value, commentary=None, by="old-release@council.gov.uk", reason=None):
    db.execute(
        "INSERT INTO observation_versions (measure_id, period, value, commentary, performance_group, "
        "recorded_by, recorded_at, source, reason) VALUES (?, ?, ?, ?, NULL, ?, '2020-01-01T00:00:00', 'import', ?)",
        [measure_id, period, value, commentary, by, reason],
    )


@pytest.fixture
def hostile_db(tmp_path, monkeypatch):
    path = writable_db(tmp_path)
    with sqlite3.connect(path) as db:
        for period in OUTSIDE:
            _version(db, PERCENT, period, 50.0, commentary=f"stored for {period}")
        _version(db, PERCENT, "2022-11", 71.0, commentary=HOSTILE_TEXT, by=SCRIPT, reason=CONTROL)
        _version(db, COUNT, "2022-10", 1e308, commentary=CONTROL)
        _version(db, COUNT, "2022-11", -1e308, commentary="-1e308")
        _version(db, INFINITE, "2022-11", float("inf"), commentary="stored as Inf")
        db.execute("INSERT INTO comparators VALUES (?, '0000-01', 1e308, ?)", [PERCENT, HOSTILE_TEXT[:300]])
        db.execute("INSERT INTO targets VALUES (?, '9999-12', 80, 75)", [PERCENT])
    monkeypatch.setenv("KPI_DB", str(path))
    return path


def _texts(at) -> list[str]:
    """Everything a page shows as Markdown (where markup would take effect)."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "title", "subheader", "header")
    return [element.value for kind in kinds for element in getattr(at, kind)]


def _shown_cells(at) -> set[str]:
    return {str(cell) for frame in at.dataframe for cell in frame.value.to_numpy().ravel()}


def assert_rendered(at, title: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    for text in _texts(at):
        assert not MARKUP.search(text), text[:300]


def test_the_hostile_rows_are_in_place(hostile_db):
    """The fixture holds what it says (so that the page tests below test something)."""
    with sqlite3.connect(hostile_db) as db:
        rows = db.execute("SELECT period, value FROM observations WHERE measure_id IN (?, ?)", [PERCENT, COUNT]).fetchall()
    assert {p for p, _ in rows} >= set(OUTSIDE) and (("2022-10", 1e308) in rows) and (("2022-11", -1e308) in rows)


def test_overview_survives_and_stays_on_the_latest_month_in_range(app, hostile_db):
    at = app()
    assert_rendered(at, "Overview")
    assert at.selectbox(key="period").value == "2022-11"
    assert at.dataframe[0].value["Total"].sum() == 84


def test_scorecard_survives_and_shows_huge_figures(app, hostile_db):
    at = app("pages/scorecard.py")
    assert_rendered(at, "Scorecard")
    assert "".join(h.proto.body for h in at.html).count('<th scope="row">') == 84  # a table row per measure
    assert at.selectbox(key="period").value == "2022-11" and len(at.selectbox(key="period").options) == 13
    table = pd.read_csv(io.BytesIO(app.downloads(at)["download_csv"]), keep_default_na=False, na_values=[""])
    count = table.set_index("measure_id").loc[COUNT]
    assert count["2022-10"] == 1e308 and count["2022-11"] == -1e308
    assert "0000-01" not in table.columns and "9999-12" not in table.columns


def test_explorer_shows_hostile_text_literally_and_names_the_months_left_out(app, hostile_db):
    at = app("pages/explorer.py", measure=PERCENT)
    assert_rendered(at, "Measure explorer")
    assert len(at.get("vega_lite_chart")) == 1
    assert HOSTILE_TEXT in _shown_cells(at)
    assert SCRIPT in _shown_cells(at) and CONTROL in _shown_cells(at)  # who and why, in the versions table
    warning = " ".join(w.value for w in at.warning)
    assert all(period in warning for period in OUTSIDE) and "History" in warning
    months = at.dataframe[0].value["Month"].tolist()
    assert months[0] == "Nov-22" and not set(OUTSIDE) & set(months)


@pytest.mark.parametrize("measure_id", [COUNT, INFINITE])
def test_explorer_survives_huge_figures(app, hostile_db, measure_id):
    at = app("pages/explorer.py", measure=measure_id)
    assert_rendered(at, "Measure explorer")
    assert CONTROL in _shown_cells(at) or (
        "stored as Inf" in _shown_cells(at) and "`2022-11` (inf)" in " ".join(w.value for w in at.warning)
    )
    assert app.downloads(at)["download_measure_png"][:4] == b"\x89PNG"


CONTENT = {
    "pages/about.py": ("About this dashboard", lambda at: len(at.table) == 5),
    "pages/submit.py": ("Submit monthly figures", lambda at: len(at.text_area) > 10),
    "pages/upload.py": ("Upload figures", lambda at: len(at.download_button) >= 2),
    "pages/returns.py": ("Returns", lambda at: len(at.metric) == 3),
    "pages/users.py": ("Users", lambda at: len(at.dataframe) >= 1),
    "pages/locks.py": ("Locked months", lambda at: len(at.selectbox) >= 1),
    "pages/catalogue.py": ("Catalogue", lambda at: len(at.dataframe[0].value) == 84),
}
"""Every other page: its heading, and what shows its main content rendered."""


@pytest.mark.parametrize("page", list(CONTENT))
def test_every_other_page_survives(app, hostile_db, page):
    at = app(page)
    title, content = CONTENT[page]
    assert_rendered(at, title)
    assert content(at)


def test_history_lists_every_stored_month_and_shows_text_literally(app, hostile_db):
    at = app("pages/history.py")
    assert_rendered(at, "History")
    months = at.selectbox(key="history_period").options
    assert set(OUTSIDE) <= set(months) and "Nov-22" in months  # months outside the range shown as stored
    assert HOSTILE_TEXT in _shown_cells(at) and SCRIPT in _shown_cells(at) and CONTROL in _shown_cells(at)
    for period in OUTSIDE:
        at.selectbox(key="history_period").set_value(period).run()
        assert not at.exception
        shown = at.dataframe[0].value
        assert shown["Commentary"].tolist() == [f"stored for {period}"]


def test_the_snapshot_keeps_figures_outside_the_range_apart(hostile_db):
    snapshot: Snapshot = store.load(hostile_db)
    assert sorted(zip(snapshot.out_of_range["measure_id"], snapshot.out_of_range["period"])) == sorted(
        [(PERCENT, period) for period in OUTSIDE] + [(INFINITE, "2022-11")]
    )
    assert snapshot.observations["period"].between("2000-01", "2099-12").all()
    assert len(snapshot.observations) == 1020 - 1  # the infinite figure replaced a recorded one
