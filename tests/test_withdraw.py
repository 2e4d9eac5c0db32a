"""Withdrawing a mistaken figure: administrators only, with a reason; the figure leaves every report
and its history stays; the one way to remove a figure an earlier release stored for a month no report
can show (``0000-01``)."""

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpicore import store
from kpicore.access import PermissionDenied
from kpicore.problems import ValidationFailed
from kpicore.reports import scorecard
from tests.entry import ADMIN, OWNER, dump, writable_db
from tests.files.make_files import OWNED

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
MEASURE = OWNED[0]


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = writable_db(tmp_path)
    monkeypatch.setenv("KPI_DB", str(path))
    return path


def stored_by_an_earlier_release(db, period="0000-01", value=50.0):
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT INTO observation_versions (measure_id, period, value, recorded_by, recorded_at, source) "
            "VALUES (?, ?, ?, 'owner@council.gov.uk', '2026-01-01T00:00:00+00:00', 'cli')",
            (MEASURE, period, value),
        )


def test_an_administrator_withdraws_a_figure_and_it_leaves_every_report(db):
    period = scorecard.latest_period(store.load(db))
    store.withdraw_figure(db, MEASURE, period, user=ADMIN, reason="Counted twice by the front door")
    snapshot = store.load(db)
    assert snapshot.observations.query("measure_id == @MEASURE and period == @period").empty
    row = scorecard.build(snapshot, period).set_index("measure_id").loc[MEASURE]
    assert row["band_" + period] == "no_data"
    versions = store.history(db, measure_id=MEASURE, period=period)
    assert versions["change"].tolist()[0] == "withdrawn"
    assert versions[["recorded_by", "source", "reason"]].iloc[0].tolist() == [
        ADMIN, "withdrawal", "Counted twice by the front door",
    ]
    assert len(versions) >= 2  # every earlier version stays


def test_a_figure_from_month_0000_01_can_be_withdrawn(db):
    stored_by_an_earlier_release(db)
    assert store.load(db).out_of_range["period"].tolist() == ["0000-01"]
    store.withdraw_figure(db, MEASURE, "0000-01", user=ADMIN, reason="Impossible month from the old release")
    assert store.load(db).out_of_range.empty


@pytest.mark.parametrize(
    ("user", "reason", "error", "match"),
    [
        (OWNER, "Mine", PermissionDenied, "only an administrator may withdraw a figure"),
        (ADMIN, "  ", ValidationFailed, "a reason is required"),
    ],
)
def test_a_withdrawal_is_refused_to_a_data_owner_and_without_a_reason(db, user, reason, error, match):
    period = scorecard.latest_period(store.load(db))
    before = dump(db)
    with pytest.raises(error, match=match):
        store.withdraw_figure(db, MEASURE, period, user=user, reason=reason)
    assert dump(db) == before


def test_there_must_be_a_figure_to_withdraw(db):
    before = dump(db)
    with pytest.raises(ValueError, match="has no figure for Jan-23 to withdraw"):
        store.withdraw_figure(db, MEASURE, "2023-01", user=ADMIN, reason="x")
    store.withdraw_figure(db, MEASURE, "2022-11", user=ADMIN, reason="x")
    with pytest.raises(ValueError, match="has no figure for Nov-22"):
        store.withdraw_figure(db, MEASURE, "2022-11", user=ADMIN, reason="again")
    assert len(set(dump(db)) - set(before)) == 1  # the one withdrawal, nothing for the refusals


def test_the_explorer_lets_an_administrator_withdraw_the_0000_01_figure(db):
    stored_by_an_earlier_release(db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["measure"] = MEASURE
    at.run()
    at.switch_page("pages/explorer.py")
    at.run()
    assert any("`0000-01` (50)" in w.value for w in at.warning)
    at.selectbox(key="withdraw_period").select("0000-01")
    at.text_input(key="withdraw_reason").input("Impossible month from the old release")
    at.button(key="withdraw_save").click().run()
    assert not at.exception
    assert [s.value.replace("\\", "") for s in at.success] == ["Withdrew the figure for 0000-01."]
    assert not any("0000-01" in w.value for w in at.warning)
    assert store.load(db).out_of_range.empty
