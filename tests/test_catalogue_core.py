"""The catalogue's core: effective-dated targets and comparators, retiring measures, who may change
what, and the record of every change. Small literal cases on a copy of the shipped database."""

import dataclasses
from datetime import date

import pandas as pd
import pytest

from kpicore import rules, store
from kpicore.access import PermissionDenied
from kpicore.problems import ValidationFailed
from kpicore.reports import catalogue as catalogue_report
from kpicore.reports import scorecard
from kpicore.snapshot import COMPARATOR_COLUMNS
from kpicore.store import catalogue
from kpicore.vocab import Band
from kpicore.workflows import submission
from tests.entry import ADMIN, OWNER, VIEWER, dump, writable_db

MEASURE = "initial-contact-decisions-made-within"  # percent, higher is better, target 90 tolerance 85.5
LOWER = "children-subject-to-a-cpp-for-more-than-1"  # lower is better, target 10 tolerance 10.5
TODAY = date(2023, 6, 15)


@pytest.fixture
def db(tmp_path):
    return writable_db(tmp_path)


def record(db, figures: dict[str, float], measure=MEASURE):
    frame = pd.DataFrame({"measure_id": measure, "period": list(figures), "value": list(figures.values())})
    store.record_figures(db, frame, user=ADMIN, source="cli", reason="test", today=TODAY)


def band_and_distance(db, period, measure=MEASURE):
    row = scorecard.build(store.load(db), period).set_index("measure_id").loc[measure]
    return row[f"band_{period}"], row["distance"], row["target"], row["tolerance"]


def test_a_target_from_april_changes_bands_and_distance_from_april_and_not_before(db):
    record(db, {"2023-03": 86.0, "2023-04": 86.0})
    assert band_and_distance(db, "2023-04") == (Band.WITHIN_TOLERANCE, -4.0, 90.0, 85.5)
    stored = catalogue.set_target(db, MEASURE, "2023-04", 78.0, user=ADMIN, reason="2023-24 targets agreed at board")
    assert (stored["target"], stored["tolerance"], stored["old_target"]) == (78.0, 74.1, 90.0)  # 5% of 78 proposed
    assert band_and_distance(db, "2023-03") == (Band.WITHIN_TOLERANCE, -4.0, 90.0, 85.5)
    assert band_and_distance(db, "2023-04") == (Band.MET, 8.0, 78.0, 74.1)


def test_an_ended_target_gives_no_target_from_its_month(db):
    record(db, {"2023-03": 86.0, "2023-04": 86.0})
    catalogue.end_target(db, MEASURE, "2023-04", user=ADMIN, reason="Measure under review this year")
    assert band_and_distance(db, "2023-03")[0] == Band.WITHIN_TOLERANCE
    band, distance, target, tolerance = band_and_distance(db, "2023-04")
    assert band == Band.NO_TARGET and pd.isna(distance) and pd.isna(target) and pd.isna(tolerance)
    catalogue.set_target(db, MEASURE, "2023-05", 80.0, None, user=ADMIN, reason="Target back, no amber band")
    assert catalogue_report.catalogue(store.load(db), "2023-05").set_index("measure_id").loc[MEASURE, "target"] == 80.0


def test_a_correction_of_a_target_entry_is_itself_recorded(db):
    catalogue.set_target(db, MEASURE, "2023-04", 78.0, user=ADMIN, reason="agreed")
    again = catalogue.set_target(db, MEASURE, "2023-04", 87.0, 82.0, user=ADMIN, reason="typo: 87 was agreed")
    assert (again["old_target"], again["target"], again["old_tolerance"], again["tolerance"]) == (78.0, 87.0, 74.1, 82.0)
    corrected = catalogue.history(db, MEASURE)
    corrected = corrected[corrected["action"] == "correct_target"].set_index("field")
    assert corrected.loc["target", ["old", "new", "reason"]].tolist() == ["78", "87", "typo: 87 was agreed"]
    assert corrected.loc["tolerance", ["old", "new"]].tolist() == ["74.1", "82"]


@pytest.mark.parametrize(("measure", "target", "tolerance"), [(MEASURE, 80.0, 81.0), (LOWER, 10.0, 9.5)])
def test_a_tolerance_on_the_better_side_is_refused_and_nothing_written(db, measure, target, tolerance):
    before = dump(db)
    with pytest.raises(ValidationFailed) as refused:
        catalogue.set_target(db, measure, "2023-04", target, tolerance, user=ADMIN, reason="new year")
    assert [(p.column, p.message[:35]) for p in refused.value.problems] == [
        ("tolerance", "the tolerance must lie on the worse")
    ]
    assert dump(db) == before


def test_the_proposed_tolerance_for_negative_zero_and_neutral_targets():
    assert rules.proposed_tolerance(-10.0, "higher") == -10.5
    assert rules.proposed_tolerance(-10.0, "lower") == -9.5
    assert rules.proposed_tolerance(21.5, "lower") == 22.6
    with pytest.raises(rules.NoProposal, match="target of 0"):
        rules.proposed_tolerance(0.0, "higher")
    with pytest.raises(rules.NoProposal, match="neutral measure has no worse side"):
        rules.proposed_tolerance(5.0, "neutral")


def test_no_proposal_is_a_problem_with_its_reason_unless_a_tolerance_is_given(db):
    with pytest.raises(ValidationFailed, match="target of 0"):
        catalogue.set_target(db, MEASURE, "2023-04", 0.0, user=ADMIN, reason="zero tolerance policy")
    assert catalogue.set_target(db, MEASURE, "2023-04", 0.0, None, user=ADMIN, reason="zero, no band")["tolerance"] is None


def test_a_comparator_is_in_force_from_its_month(db):
    record(db, {"2023-03": 80.0, "2023-04": 80.0})
    catalogue.set_comparator(db, MEASURE, "2023-04", 84.3, "England 2021-22", user=ADMIN, reason="DfE published")
    march = scorecard.build(store.load(db), "2023-03").set_index("measure_id").loc[MEASURE]
    april = scorecard.build(store.load(db), "2023-04").set_index("measure_id").loc[MEASURE]
    assert pd.isna(march["comparator"]) and (april["comparator"], april["comparator_note"]) == (84.3, "England 2021-22")
    with pytest.raises(ValidationFailed, match="give a comparator value, a label, or both"):
        catalogue.set_comparator(db, MEASURE, "2023-05", None, "  ", user=ADMIN, reason="blank")


def test_a_retired_measure_leaves_the_form_and_the_returns_and_keeps_its_past(db):
    past = scorecard.build(store.load(db), "2022-11")
    catalogue.retire_measure(db, MEASURE, "2022-12", user=ADMIN, reason="Replaced by the 48-hour measure")
    snapshot = store.load(db)
    assert scorecard.build(snapshot, "2022-11").equals(past)  # earlier scorecards unchanged
    assert MEASURE not in set(scorecard.build(snapshot, "2022-12")["measure_id"])
    assert MEASURE not in set(scorecard.missing_figures(snapshot, "2022-12")["measure_id"])
    assert MEASURE not in set(submission.form_rows(snapshot, [MEASURE, LOWER], "2022-12")["measure_id"])
    assert MEASURE in set(submission.form_rows(snapshot, [MEASURE, LOWER], "2022-11")["measure_id"])
    with pytest.raises(ValidationFailed, match="retired from"):
        record(db, {"2022-12": 70.0})
    catalogue.reinstate_measure(db, MEASURE, user=ADMIN, reason="Kept after all")
    assert MEASURE in set(scorecard.build(store.load(db), "2022-12")["measure_id"])


def test_a_new_percent_measure_gets_0_to_100_and_is_recorded(db):
    stored = catalogue.add_measure(db, {
        "measure_id": "care-leavers-in-education", "area_id": "education-children-in-care-care-experienced-people", "name": "% of care leavers in education",
        "unit": "percent", "polarity": "higher", "frequency": "monthly",
    }, user=ADMIN, reason="New improvement plan")
    assert (stored["lower_bound"], stored["upper_bound"], stored["position"], stored["killer_kpi"]) == (0.0, 100.0, 85, 0)
    assert "care-leavers-in-education" in set(store.load(db).measures["measure_id"])
    assert set(catalogue.history(db, "care-leavers-in-education")["action"]) == {"add_measure"}


def test_a_polarity_change_is_recorded_and_refused_while_a_tolerance_would_be_on_the_better_side(db):
    before = dump(db)
    with pytest.raises(ValidationFailed, match="worse side"):
        catalogue.edit_measure(db, MEASURE, {"polarity": "lower"}, user=ADMIN, reason="wrong way round")
    assert dump(db) == before
    catalogue.edit_measure(db, MEASURE, {"name": "% of initial contact decisions within 24 hours"}, user=ADMIN, reason="tidy")
    event = catalogue.history(db, MEASURE).iloc[0]
    assert (event["field"], event["new"], event["reason"]) == ("name", "% of initial contact decisions within 24 hours", "tidy")
    with pytest.raises(ValidationFailed, match="cannot be edited"):
        catalogue.edit_measure(db, MEASURE, {"measure_id": "another"}, user=ADMIN, reason="ids never change")


WRITES = {
    "add an area": lambda db, who, why: catalogue.add_area(db, "new-area", "New area", user=who, reason=why),
    "rename an area": lambda db, who, why: catalogue.rename_area(db, "response-to-risk", "Risk", user=who, reason=why),
    "reorder the areas": lambda db, who, why: catalogue.reorder_areas(
        db, list(reversed(store.load(db).areas["area_id"])), user=who, reason=why),
    "add a measure": lambda db, who, why: catalogue.add_measure(db, {
        "measure_id": "x", "area_id": "response-to-risk", "name": "X", "unit": "count", "polarity": "higher",
        "frequency": "monthly"}, user=who, reason=why),
    "edit a measure": lambda db, who, why: catalogue.edit_measure(db, MEASURE, {"name": "Y"}, user=who, reason=why),
    "retire a measure": lambda db, who, why: catalogue.retire_measure(db, MEASURE, "2023-01", user=who, reason=why),
    "set a target": lambda db, who, why: catalogue.set_target(db, MEASURE, "2023-04", 80.0, user=who, reason=why),
    "end a target": lambda db, who, why: catalogue.end_target(db, MEASURE, "2023-04", user=who, reason=why),
    "remove a target": lambda db, who, why: catalogue.remove_target(db, MEASURE, "2021-11", user=who, reason=why),
    "set a comparator": lambda db, who, why: catalogue.set_comparator(
        db, MEASURE, "2023-04", 80.0, None, user=who, reason=why),
}


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", [VIEWER, OWNER, "stranger@council.gov.uk"])
def test_only_an_administrator_changes_the_catalogue(db, write, who):
    before = dump(db)
    with pytest.raises(PermissionDenied):
        WRITES[write](db, who, "a reason")
    assert dump(db) == before


@pytest.mark.parametrize("write", WRITES)
def test_every_catalogue_change_needs_a_reason_and_is_recorded(db, write):
    before = dump(db)
    with pytest.raises(ValueError, match="reason is required"):
        WRITES[write](db, ADMIN, "  ")
    assert dump(db) == before
    WRITES[write](db, ADMIN, "Agreed at the performance board")
    events = catalogue.history(db)
    assert len(events) >= 1 and set(events["reason"]) == {"Agreed at the performance board"}
    assert set(events["recorded_by"]) == {ADMIN}


def test_a_catalogue_with_no_comparators_and_no_targets_still_makes_a_scorecard(db):
    snapshot = store.load(db)
    # as a database with empty tables reads them: no rows, so no dtype to go by
    empty_targets = pd.DataFrame(columns=["measure_id", "from_period", "target", "tolerance"])
    bare = dataclasses.replace(snapshot, comparators=pd.DataFrame(columns=COMPARATOR_COLUMNS), targets=empty_targets)
    table = scorecard.build(bare, "2022-11")
    assert len(table) == 84 and table["comparator"].isna().all() and set(table["status"]) == {Band.NO_TARGET}
