"""SPC on the shipped data, checked by hand for two measures, and its place on the scorecard."""

import pytest

from kpicore.reports import scorecard


def test_initial_contact_decisions_by_hand(snapshot):
    # Nov-21..Nov-22: 67.4 70.6 72.0 75.1 65.4 70.5 69.3 62.8 72.1 62.3 70.3 67.4 77.6
    # mean = 902.8 / 13 = 69.446; moving ranges sum to 70.4, so amr = 70.4 / 12 = 5.867;
    # none reaches 3.267 x 5.867 = 19.17, so nothing is screened out.
    # limits = 69.446 +/- 2.66 x 5.867 = 53.84 .. 85.05. Target 90 is above the upper limit
    # (higher is better): consistently fail. No run of 7, no trend, Nov-22 (77.6) is inside the
    # near limits (69.446 +/- 10.40): common cause.
    row = scorecard.build(snapshot, "2022-11").set_index("measure_id").loc["initial-contact-decisions-made-within"]
    assert (row["variation"], row["assurance"]) == ("common_cause", "consistent_fail")
    from kpicore.reports.explorer import measure_history

    points = measure_history(snapshot, "initial-contact-decisions-made-within").figures
    assert points["mean"].iloc[-1] == pytest.approx(902.8 / 13)
    assert points["upl"].iloc[-1] == pytest.approx(902.8 / 13 + 2.66 * 70.4 / 12)
    assert points["lpl"].iloc[-1] == pytest.approx(902.8 / 13 - 2.66 * 70.4 / 12)


def test_foster_capacity_utilisation_by_hand(snapshot):
    # 96.5 99.3 100.4 100.4 96.2 96.8 96.0 95.3 94.2 93.0 90.4 91.9 87.0
    # mean = 1237.4 / 13 = 95.185; moving ranges sum to 21.5, amr = 1.792 (none >= 5.85 screened);
    # limits 90.42 .. 99.95. Target 90 is below the lower limit, higher is better: consistently pass.
    # Nov-22 (87.0) is below the lower limit: special cause concern.
    # Nov-21..Jun-22 are 8 points above the mean: a run; Jan-22 and Feb-22 (100.4) are above the upper limit.
    row = scorecard.build(snapshot, "2022-11").set_index("measure_id").loc["utilisation-of-available-in-house-foster"]
    assert (row["variation"], row["assurance"]) == ("concern", "consistent_pass")


def test_too_few_points_has_no_icons(snapshot):
    table = scorecard.build(snapshot, "2022-11").set_index("measure_id")
    for measure_id in ("children-s-services-audits-rated-r-i", "audits-completed-to-accepted-standard",
                       "foster-carers-with-a-supervision-within"):
        assert table.loc[measure_id, ["variation", "assurance"]].isna().all()


def test_icon_counts_as_at_nov_22(snapshot):
    table = scorecard.build(snapshot, "2022-11")
    assert table["variation"].value_counts().to_dict() == {"common_cause": 49, "concern": 14, "improvement": 5}
    assert table["assurance"].value_counts().to_dict() == {"consistent_fail": 35, "hit_and_miss": 28, "consistent_pass": 2}
    assert table["variation"].isna().sum() == 16


def test_run_and_trend_lengths_are_settings_in_the_database(tmp_path):
    from kpicore import store
    from kpicore.reports import explorer

    path = tmp_path / "kpi.sqlite"
    store.initialise(path)
    measure = "utilisation-of-available-in-house-foster"
    rules = {s.rule for s in explorer.measure_history(store.load(path), measure).spc.signals}
    assert "run" in rules  # Nov-21..Jun-22: 8 points above the mean
    with store.connect(path) as db:
        db.execute("UPDATE settings SET value = 9 WHERE key = 'spc_run_length'")
    snapshot = store.load(path)
    assert snapshot.settings.spc_run_length == 9
    rules = {s.rule for s in explorer.measure_history(snapshot, measure).spc.signals}
    assert "run" not in rules
