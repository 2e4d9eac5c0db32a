"""Re-basing a measure's SPC chart: recorded with a reason by an administrator, honoured everywhere."""

import pytest

from kpicore import store
from kpicore.access import PermissionDenied
from kpicore.cli import main
from kpicore.reports import explorer, scorecard

MEASURE = "utilisation-of-available-in-house-foster"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "kpi.sqlite"
    store.initialise(path)
    store.save_user(path, "owner@council.gov.uk", role="data_owner", user="admin@localhost")
    store.set_measures(path, "owner@council.gov.uk", [MEASURE], user="admin@localhost")
    return path


def test_rebase_positions():
    periods = ["2022-01", "2022-02", "2022-04", "2022-05"]
    assert explorer.rebase_positions(periods, ["2022-03"]) == [2]  # first reported month on or after
    assert explorer.rebase_positions(periods, ["2022-01", "2023-01"]) == []  # no effect at the ends
    assert explorer.rebase_positions(periods, ["2022-02", "2022-02", "2022-05"]) == [1, 3]


def test_only_an_administrator_may_rebase_and_only_with_a_reason(db):
    for user in ("owner@council.gov.uk", "stranger@council.gov.uk"):
        with pytest.raises(PermissionDenied):
            store.rebase(db, MEASURE, "2022-07", user=user, reason="New model")
    with pytest.raises(ValueError, match="reason is required"):
        store.rebase(db, MEASURE, "2022-07", user="admin@localhost", reason="  ")
    with pytest.raises(ValueError, match="not a measure"):
        store.rebase(db, "no-such-measure", "2022-07", user="admin@localhost", reason="x")
    assert store.load(db).rebases.empty


def test_a_rebase_starts_a_new_group_on_the_chart_and_the_scorecard(db):
    before = scorecard.build(store.load(db), "2022-11").set_index("measure_id").loc[MEASURE]
    assert (before["variation"], before["assurance"]) == ("concern", "consistent_pass")
    store.rebase(db, MEASURE, "Jul-22", user="admin@localhost", reason="New placement model from July")
    snapshot = store.load(db)
    assert snapshot.rebases[["measure_id", "period", "reason"]].values.tolist() == [
        [MEASURE, "2022-07", "New placement model from July"]
    ]
    history = explorer.measure_history(snapshot, MEASURE)
    assert history.spc.points["group"].tolist() == [0] * 8 + [1] * 5
    assert explorer.spc_notes(history) == [
        "SPC: too few points for SPC since the re-base at Jul-22 (5 reported months; 13 are needed)."
    ]
    after = scorecard.build(snapshot, "2022-11").set_index("measure_id").loc[MEASURE]
    assert after[["variation", "assurance"]].isna().all()  # the scorecard agrees with the chart
    events = store.admin_events(db)
    assert events.iloc[0]["action"] == "rebase" and events.iloc[0]["detail"] == "New placement model from July"
    store.remove_rebase(db, MEASURE, "2022-07", user="admin@localhost", reason="Entered by mistake")
    assert store.load(db).rebases.empty


def test_rebase_from_the_command_line(db, capsys):
    assert main(["--db", str(db), "rebase", MEASURE, "2022-07", "--reason", "New model"]) == 0
    assert main(["--db", str(db), "rebase", MEASURE, "2022-07", "--reason", "x", "--user", "owner@council.gov.uk"]) == 3
    assert "only an administrator" in capsys.readouterr().err
    assert main(["--db", str(db), "rebase", MEASURE, "2022-07", "--remove", "--reason", "mistake"]) == 0
    assert store.load(db).rebases.empty


def test_an_administrator_rebases_from_the_explorer(app, db, monkeypatch):
    monkeypatch.setenv("KPI_DB", str(db))
    at = app("pages/explorer.py", measure=MEASURE)
    at.selectbox(key="rebase_period").set_value("2022-07")
    at.text_input(key="rebase_reason").set_value("New placement model")
    at.button(key="rebase_save").click().run()
    assert not at.exception
    assert [s.value.replace("\\", "") for s in at.success] == ["Saved the re-base at Jul-22."]  # shown escaped
    assert store.load(db).rebases["period"].tolist() == ["2022-07"]
    assert any("since the re-base at Jul-22" in m.value for m in at.markdown)
