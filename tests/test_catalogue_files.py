"""Targets and comparators by file (``kpicore.workflows.catalogue``): template, plan, preview, commit."""

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kpicore import store
from kpicore.access import PermissionDenied
from kpicore.problems import ValidationFailed
from kpicore.reports.catalogue import catalogue
from kpicore.store import catalogue as store_catalogue
from kpicore.workflows import catalogue as year_end
from tests.entry import ADMIN, OWNER, VIEWER, dump, writable_db
from tests.files.catalogue import make_files as files

FOLDER = Path(__file__).resolve().parent / "files" / "catalogue"


def read(name: str) -> bytes:
    return (FOLDER / name).read_bytes()


def plan_targets(db, name: str, data: bytes | None = None, user: str = ADMIN) -> year_end.CataloguePlan:
    return year_end.plan_targets_file(db, name, read(name) if data is None else data, user=user)


def template_frame(data: bytes) -> pd.DataFrame:
    """A CSV template as text cells (its first line is the note)."""
    return pd.read_csv(io.BytesIO(data), skiprows=1, dtype=str, keep_default_na=False)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def problems_of(plan) -> list[tuple]:
    return [(p.row, p.column, p.value) for p in plan.problems]


def test_the_committed_files_are_what_the_script_makes():
    for name, data in {**files.FILES, **files.excel_files()}.items():
        assert read(name) == data, name


# --- Templates ----------------------------------------------------------------------------------


def test_targets_template_is_every_active_measure_prefilled_with_what_is_in_force(shipped_db, snapshot):
    data = year_end.targets_template(snapshot, "2023-04", "csv")
    assert data.startswith(b"\xef\xbb\xbf") and b"blank = proposed" in data.splitlines()[0]
    frame = template_frame(data)
    assert frame.columns.tolist() == year_end.TARGET_TEMPLATE_COLUMNS
    assert len(frame) == len(snapshot.active_measures("2023-04")) == 84
    assert set(frame["from_period"]) == {"2023-04"}
    rows = frame.set_index("measure_id")
    assert rows.loc[files.HIGHER, ["target", "tolerance", "polarity"]].tolist() == ["90", "85.5", "higher"]
    assert rows.loc[files.NO_TOLERANCE_LOWER, ["target", "tolerance"]].tolist() == ["9", "none"]
    assert rows.loc[files.NO_TARGET, ["target", "tolerance"]].tolist() == ["", ""]
    assert rows.loc[files.COUNT, "unit"] == "count"


def test_a_template_sent_back_unchanged_changes_nothing(shipped_db, snapshot):
    for file_format in ("csv", "xlsx"):
        data = year_end.targets_template(snapshot, "2023-04", file_format)
        plan = plan_targets(shipped_db, f"targets.{file_format}", data)
        assert plan.ok, plan.problems
        assert (plan.count("unchanged"), len(plan.to_write)) == (84, 0)
        data = year_end.comparators_template(snapshot, "2023-04", file_format)
        plan = year_end.plan_comparators_file(shipped_db, f"comparators.{file_format}", data, user=ADMIN)
        assert plan.ok, plan.problems
        assert (plan.count("unchanged"), len(plan.to_write)) == (84, 0)


def test_xlsx_template_has_the_note_a_bold_text_header_and_months_as_text(snapshot):
    book = openpyxl.load_workbook(io.BytesIO(year_end.targets_template(snapshot, "2023-04", "xlsx")))
    sheet = book["Targets"]
    assert "none = no tolerance" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == year_end.TARGET_TEMPLATE_COLUMNS
    assert sheet["A2"].font.bold and sheet.freeze_panes == "C3"
    assert sheet["E3"].value == "2023-04" and sheet["E3"].number_format == "@"
    assert (sheet["F3"].value, sheet["G3"].value) == (90, 85.5)


def test_comparators_template_prefills_value_and_label(snapshot):
    frame = template_frame(year_end.comparators_template(snapshot, "2023-04", "csv")).set_index("measure_id")
    assert frame.columns.tolist() == year_end.COMPARATOR_TEMPLATE_COLUMNS[1:]
    assert frame.loc[files.WITH_COMPARATOR, ["value", "label"]].tolist() == ["82.1", "Average 2021/22"]
    assert frame.loc[files.NO_TARGET, "value"] == "" and frame.loc[files.NO_TARGET, "label"].startswith("RI - 2 in 3")
    assert frame.loc[files.HIGHER, ["value", "label"]].tolist() == ["", ""]


def test_a_retired_measure_leaves_the_template_from_its_month(tmp_path):
    db = writable_db(tmp_path)
    store_catalogue.retire_measure(db, files.COUNT, "2023-04", user=ADMIN, reason="No longer collected")
    snapshot = store.load(db)
    assert files.COUNT not in set(template_frame(year_end.targets_template(snapshot, "2023-04", "csv"))["measure_id"])
    assert files.COUNT in set(template_frame(year_end.targets_template(snapshot, "2023-03", "csv"))["measure_id"])


def test_unknown_template_format_is_refused(snapshot):
    with pytest.raises(ValueError, match="unknown format"):
        year_end.targets_template(snapshot, "2023-04", "ods")


# --- Plans --------------------------------------------------------------------------------------


def test_targets_file_preview_new_changed_unchanged_and_proposals(shipped_db):
    plan = plan_targets(shipped_db, "targets-valid.csv")
    assert plan.ok, plan.problems
    assert plan.notes == ["Columns not read: comment."]
    changes = plan.changes.set_index("measure_id")
    assert changes.columns.tolist() == [c for c in year_end.TARGET_CHANGE_COLUMNS if c != "measure_id"]
    expected = {
        files.HIGHER: ("changed", 90, 92, 85.5, 87.4, True),  # blank tolerance: proposed
        files.BY_NAME: ("unchanged", 90, 90, 85.5, 85.5, False),  # named by its measure name, Apr-23
        files.LOWER: ("changed", 21.5, 20, 22.6, None, False),  # "none": no tolerance; "Apr 2023"
        files.NO_TOLERANCE_LOWER: ("unchanged", 9, 9, None, None, False),  # "None" is none too
        files.NO_TARGET: ("new", None, 75, None, 71.3, True),  # "75%" on a percentage; "propose"
        files.NO_TOLERANCE_HIGHER: ("changed", 50, None, None, None, False),  # a blank target ends it
    }
    columns = ["status", "old_target", "target", "old_tolerance", "tolerance", "proposed"]
    for measure_id, values in expected.items():
        got = [None if not isinstance(v, str) and pd.isna(v) else v for v in changes.loc[measure_id, columns]]
        assert got == list(values), measure_id
    assert changes["from_period"].unique().tolist() == ["2023-04"]
    assert changes.loc[files.HIGHER, "row"] == 2 and changes.loc[files.BY_NAME, "measure"] == files.END_TO_END_NAME
    assert (plan.count("new"), plan.count("changed"), plan.count("unchanged")) == (1, 3, 2)
    assert plan.summary() == "targets-valid.csv: 1 new, 3 changed, 2 unchanged targets."


def test_excel_dates_and_percentage_cells_are_read_as_the_person_sees_them(shipped_db):
    plan = plan_targets(shipped_db, "targets-excel.xlsx")
    assert plan.ok, plan.problems
    changes = plan.changes.set_index("measure_id")
    assert changes.loc[files.HIGHER, ["from_period", "target", "tolerance"]].tolist() == ["2023-04", 92, 87.4]
    assert changes.loc[files.COUNT, ["from_period", "target", "tolerance"]].tolist() == ["2023-04", 50, 47.5]
    assert bool(changes.loc[files.COUNT, "proposed"]) and not bool(changes.loc[files.HIGHER, "proposed"])


def test_every_problem_is_named_by_row_column_and_value(shipped_db):
    plan = plan_targets(shipped_db, "targets-problems.csv")
    assert not plan.ok and plan.changes.empty
    assert problems_of(plan) == [
        (2, "tolerance", "95"),  # on the better side
        (3, "measure_id", "no-such-measure"),
        (4, "from_period", "Smarch-23"),
        (5, "target", "ninety"),
        (6, "from_period", "2023-04"),  # the same measure and month twice
        (7, "from_period", "Apr-23"),
    ]
    messages = [p.message for p in plan.problems]
    assert "worse side" in messages[0] and "not a measure" in messages[1] and "not a month" in messages[2]
    assert "must be a number" in messages[3] and "(also row 7)" in messages[4]
    assert "2023-04" in str(plan.problems[4]) and plan.summary().startswith("Refused: 6 problem(s)")


def test_excel_problems_yearless_month_percentage_on_a_count_and_a_date_for_a_number(shipped_db):
    plan = plan_targets(shipped_db, "targets-problems.xlsx")
    assert problems_of(plan) == [(3, "from_period", "01-Apr"), (4, "target", "50%"), (5, "target", "2023-04-01")]
    assert "without a year" in plan.problems[0].message and "count" in plan.problems[1].message


def test_a_neutral_measure_gets_no_proposal_and_says_why(tmp_path):
    db = writable_db(tmp_path)
    store_catalogue.add_measure(db, {
        "measure_id": "caseload", "area_id": "response-to-risk", "name": "Average caseload", "unit": "count",
        "polarity": "neutral", "frequency": "monthly",
    }, user=ADMIN, reason="New measure")
    data = b"measure_id,from_period,target,tolerance\ncaseload,2023-04,18,\ncaseload,2023-05,18,none\n"
    plan = plan_targets(db, "neutral.csv", data)
    assert problems_of(plan) == [(2, "tolerance", "")]
    assert "neutral measure has no worse side" in plan.problems[0].message


def test_a_tolerance_without_a_target_says_so_once(shipped_db):
    plan = plan_targets(shipped_db, "t.csv", f"measure_id,from_period,target,tolerance\n{files.HIGHER},2023-04,,80\n".encode())
    assert [(p.row, p.column, p.value) for p in plan.problems] == [(2, "tolerance", "80")]
    assert "needs a target" in plan.problems[0].message


@pytest.mark.parametrize("name, data, expected", [
    ("targets-no-period.csv", None, "this column is missing"),
    ("empty.csv", b"", "is empty"),
    ("picture.csv", b"\x89PNG\r\n\x1a\n0000", "is named .csv but is a PNG image"),
    ("targets.ods", b"measure_id,from_period,target\n", "is not a CSV (.csv) or Excel (.xlsx) file"),
    ("notes.csv", b"a,b\n1,2\n", "has no header row with a measure_id"),
    ("header-only.csv", b"measure_id,from_period,target\n", "has a header but no rows of targets"),
    ("twice.csv", b"measure_id,from_period,target,Target\n", "this column appears twice"),
])
def test_files_that_cannot_be_read_are_refused_with_the_reason(shipped_db, name, data, expected):
    plan = plan_targets(shipped_db, name, data if data is not None else read(name))
    assert len(plan.problems) == 1 and expected in plan.problems[0].message, plan.problems


def test_only_an_administrator_may_plan_or_commit(tmp_path):
    db = writable_db(tmp_path)
    for user in (VIEWER, OWNER):
        with pytest.raises(PermissionDenied):
            plan_targets(db, "targets-valid.csv", user=user)
    plan = plan_targets(db, "targets-valid.csv")
    before = dump(db)
    for user in (VIEWER, OWNER):
        with pytest.raises(PermissionDenied):
            year_end.commit_targets(db, plan, user=user, reason="Year end")
    assert dump(db) == before


# --- Commits ------------------------------------------------------------------------------------


def test_commit_writes_only_new_and_changed_rows_with_one_reason(tmp_path):
    db = writable_db(tmp_path)
    plan = plan_targets(db, "targets-valid.csv")
    assert year_end.commit_targets(db, plan, user=ADMIN, reason="Targets for 2023-24") == {
        "new": 1, "changed": 3, "unchanged": 2,
    }
    snapshot = store.load(db)
    april = catalogue(snapshot, "2023-04").set_index("measure_id")
    assert april.loc[files.HIGHER, ["target", "tolerance"]].tolist() == [92, 87.4]
    assert april.loc[files.NO_TARGET, ["target", "tolerance"]].tolist() == [75, 71.3]
    assert april.loc[[files.NO_TOLERANCE_HIGHER, files.LOWER], "tolerance"].isna().all()
    assert pd.isna(april.loc[files.NO_TOLERANCE_HIGHER, "target"])
    march = catalogue(snapshot, "2023-03").set_index("measure_id")
    assert march.loc[files.HIGHER, ["target", "tolerance"]].tolist() == [90, 85.5]
    written = snapshot.targets[snapshot.targets["from_period"] == "2023-04"]
    assert sorted(written["measure_id"]) == sorted([files.HIGHER, files.LOWER, files.NO_TARGET, files.NO_TOLERANCE_HIGHER])
    events = store_catalogue.history(db)
    assert set(events["reason"]) == {"Targets for 2023-24"} and set(events["recorded_by"]) == {ADMIN}
    assert events["subject"].nunique() == 4 and events["subject"].str.endswith(" 2023-04").all()


def test_a_plan_with_problems_or_without_a_reason_writes_nothing(tmp_path):
    db = writable_db(tmp_path)
    before = dump(db)
    with pytest.raises(ValidationFailed):
        year_end.commit_targets(db, plan_targets(db, "targets-problems.csv"), user=ADMIN, reason="Year end")
    with pytest.raises(ValueError, match="a reason is required"):
        year_end.commit_targets(db, plan_targets(db, "targets-valid.csv"), user=ADMIN, reason="  ")
    with pytest.raises(ValueError, match="not of comparators"):
        year_end.commit_comparators(db, plan_targets(db, "targets-valid.csv"), user=ADMIN, reason="Year end")
    assert dump(db) == before


def test_a_target_changed_since_the_preview_is_refused(tmp_path):
    db = writable_db(tmp_path)
    plan = plan_targets(db, "targets-valid.csv")
    store_catalogue.set_target(db, files.HIGHER, "2023-04", 95, user=ADMIN, reason="Another administrator")
    before = dump(db)
    with pytest.raises(ValidationFailed) as refused:
        year_end.commit_targets(db, plan, user=ADMIN, reason="Year end")
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "from_period")]
    assert "changed since the preview" in refused.value.problems[0].message
    assert dump(db) == before


def test_a_row_before_a_later_entry_says_until_when_it_applies(tmp_path):
    db = writable_db(tmp_path)
    store_catalogue.set_target(db, files.HIGHER, "2023-10", 95, user=ADMIN, reason="Half-year")
    plan = plan_targets(db, "targets-valid.csv")
    assert any(f"{files.HIGHER} (from Oct-23)" in note for note in plan.notes), plan.notes


def test_comparators_file_preview_and_commit(tmp_path):
    db = writable_db(tmp_path)
    plan = year_end.plan_comparators_file(db, "comparators-valid.csv", read("comparators-valid.csv"), user=ADMIN)
    assert plan.ok, plan.problems
    changes = plan.changes.set_index("measure_id")
    assert changes.loc[files.WITH_COMPARATOR, ["status", "old_value", "value", "old_label", "label"]].tolist() == [
        "changed", 82.1, 83.5, "Average 2021/22", "England 2022-23",
    ]
    assert changes.loc[files.LOWER, "status"] == "unchanged"  # the same value and label as in force
    assert changes.loc[files.NO_TARGET, "status"] == "changed"  # a label only
    assert changes.loc[files.HIGHER, ["status", "value"]].tolist() == ["new", 78.2]
    assert changes.loc[files.BY_NAME, "status"] == "unchanged"  # blank, and none in force
    assert year_end.commit_comparators(db, plan, user=ADMIN, reason="England 2022-23 published") == {
        "new": 1, "changed": 2, "unchanged": 2,
    }
    april = catalogue(store.load(db), "2023-04").set_index("measure_id")
    assert april.loc[files.WITH_COMPARATOR, ["comparator_value", "comparator_label"]].tolist() == [83.5, "England 2022-23"]
    assert pd.isna(april.loc[files.NO_TARGET, "comparator_value"])
    assert april.loc[files.HIGHER, "comparator_value"] == 78.2
    assert catalogue(store.load(db), "2023-03").set_index("measure_id").loc[files.WITH_COMPARATOR, "comparator_value"] == 82.1


def test_comparators_problems_by_row_and_column(shipped_db):
    plan = year_end.plan_comparators_file(shipped_db, "c.csv", read("comparators-problems.csv"), user=ADMIN)
    assert problems_of(plan) == [
        (2, "value", ""), (3, "value", "twenty"), (4, "measure_id", "no-such-measure"), (5, "from_period", "2023-13"),
        (6, "label", "x" * 80 + "… (201 characters)"),  # a long value is never echoed whole
    ]
    assert "cannot be removed" in plan.problems[0].message and "at most 200" in plan.problems[4].message


# --- Year-end on the shipped data --------------------------------------------------------------


def raised_template(snapshot, *, move_tolerance: bool) -> bytes:
    """The 2023-04 template with every target raised by 1 (and, if asked, its tolerance with it)."""
    frame = template_frame(year_end.targets_template(snapshot, "2023-04", "csv"))
    has = frame["target"] != ""
    frame.loc[has, "target"] = (frame.loc[has, "target"].astype(float) + 1).map("{:g}".format)
    if move_tolerance:
        numeric = has & (frame["tolerance"] != "none")
        frame.loc[numeric, "tolerance"] = (frame.loc[numeric, "tolerance"].astype(float) + 1).map("{:g}".format)
    return csv_bytes(frame)


def test_year_end_every_target_raised_in_one_file(tmp_path):
    db = writable_db(tmp_path)
    snapshot = store.load(db)
    plan = plan_targets(db, "targets-2023-24.csv", raised_template(snapshot, move_tolerance=True))
    assert plan.ok, plan.problems[:3]
    with_target = snapshot.targets["target"].notna().sum()
    assert (plan.count("changed"), plan.count("unchanged"), plan.count("new")) == (with_target, 84 - with_target, 0)
    assert with_target == 81
    year_end.commit_targets(db, plan, user=ADMIN, reason="Targets for 2023-24")
    after = store.load(db)
    old, new = catalogue(after, "2023-03"), catalogue(after, "2023-04")
    before = catalogue(snapshot, "2023-04")
    assert new["target"].equals(before["target"] + 1)
    assert new["tolerance"].equals(before["tolerance"] + 1)
    assert old[["target", "tolerance"]].equals(before[["target", "tolerance"]])


def test_year_end_targets_raised_past_their_tolerance_are_refused_by_row(shipped_db, snapshot):
    """Raised by 1 with the tolerance left: where a lower-is-better measure's tolerance was at most 1 above its
    target, it is now on the better side (or on the target), and each such row is named."""
    plan = plan_targets(shipped_db, "targets-2023-24.csv", raised_template(snapshot, move_tolerance=False))
    frame = template_frame(year_end.targets_template(snapshot, "2023-04", "csv"))
    tolerance = pd.to_numeric(frame["tolerance"], errors="coerce")
    crossed = frame.index[(frame["polarity"] == "lower") & (tolerance <= pd.to_numeric(frame["target"]) + 1)]
    assert [(p.row, p.column) for p in plan.problems] == [(int(i) + 2, "tolerance") for i in crossed]
    assert len(crossed) == 10 and all("worse side" in p.message for p in plan.problems)
