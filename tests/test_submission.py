"""Submitting figures: a refused file leaves the database exactly as it was; a good one writes
new versions only where something changed, with who, when, source and reason."""

from datetime import date

import pandas as pd
import pytest

from kpicore import store
from kpicore.cli import main
from kpicore.problems import ValidationFailed
from kpicore.store import figures as figures_store
from kpicore.workflows import submission
from tests.entry import ADMIN, FILES, OWNER, dump, read, writable_db
from tests.files.make_files import OWNED

TODAY = date(2026, 11, 28)
REFUSED = [
    "unknown-measure.csv", "not-a-number.csv", "nan-inf.csv", "ambiguous-numbers.csv", "out-of-bounds.csv",
    "fractional-count.csv", "duplicate-rows.csv", "unreadable-period.csv", "future-month.csv", "empty.csv",
    "header-only.csv", "png-named.csv", "xlsx-named.csv", "csv-named.xlsx", "latin1.csv", "not-owned.csv",
    "extra-cells.csv", "wrong-quarter.csv", "percent-on-a-count.csv", "many-problems.csv", "bad-cells.xlsx",
]


@pytest.fixture
def db(tmp_path):
    return writable_db(tmp_path)


def plan(db, name, user=OWNER, today=TODAY):
    return submission.plan_file(db, name, read(name), user=user, today=today)


@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_file_writes_nothing_through_the_core(db, name):
    before = dump(db)
    result = plan(db, name)
    assert not result.ok and result.problems
    with pytest.raises(ValidationFailed):
        submission.commit(db, result, user=OWNER, reason="try anyway")
    assert dump(db) == before


@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_file_writes_nothing_through_the_cli(db, name, capsys):
    before = dump(db)
    assert main(["--db", str(db), "import", str(FILES / name), "--user", OWNER, "--reason", "x"]) == 1
    error = capsys.readouterr().err
    result = plan(db, name)
    assert f"Refused: {len(result.problems)} problem(s)" in error
    for problem in result.problems:
        assert str(problem) in error
    assert dump(db) == before


def test_every_problem_of_a_file_is_reported_at_once(db):
    result = plan(db, "many-problems.csv")
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "value"), (3, "measure_id"), (4, "value"), (5, "period"), (6, "value"), (7, "performance_group"),
        (7, "value"), (8, "period"), (9, "measure_id"), (10, "measure_id"), (11, "measure_id"),
    ]


def test_duplicates_name_the_other_row(db):
    result = plan(db, "duplicate-rows.csv")
    assert [p.message.rsplit("(", 1)[1] for p in result.problems] == ["also row 4)", "also row 2)"]


def test_a_large_file_with_one_bad_row_deep_inside(db):
    before = dump(db)
    result = plan(db, "large-one-bad-row.csv", user=ADMIN)
    assert [(p.row, p.column, p.value) for p in result.problems] == [(4322, "value", "61,5")]
    assert "ambiguous" in result.problems[0].message
    assert dump(db) == before


def test_the_large_file_once_fixed_loads_every_row_in_one_go(db, tmp_path):
    fixed = tmp_path / "large.csv"
    fixed.write_bytes(read("large-one-bad-row.csv").replace(b'"61,5"', b"61.5"))
    assert main(["--db", str(db), "import", str(fixed)]) == 0
    history = store.history(db)
    assert (history["source"] == "cli").sum() == len(pd.read_csv(fixed))


def test_months_that_have_not_happened_yet_depend_on_today(db):
    data = b"measure_id,period,value\ninitial-contact-decisions-made-within,2026-12,80\n"
    refused = submission.plan_file(db, "x.csv", data, user=OWNER, today=TODAY)
    assert [(p.row, p.column, p.value) for p in refused.problems] == [(2, "period", "2026-12")]
    assert "has not happened yet" in refused.problems[0].message
    assert submission.plan_file(db, "x.csv", data, user=OWNER, today=date(2026, 12, 1)).ok


def test_a_good_file_previews_then_writes_new_figures(db):
    before = dump(db)
    result = plan(db, "long-valid.csv")
    assert result.ok and result.summary() == "long-valid.csv: 3 new, 0 revised, 0 unchanged figure(s)."
    assert result.changes["band"].tolist() == ["significantly_worse", "met", "significantly_worse"]
    assert dump(db) == before, "a preview writes nothing"
    assert submission.commit(db, result, user=OWNER) == {"new": 3, "revised": 0, "unchanged": 0}
    current = store.current_versions(db).set_index(["measure_id", "period"])
    assert current.loc[(OWNED[0], "2022-12"), "value"] == 78.1
    assert current.loc[(OWNED[0], "2022-12"), "commentary"] == "Two vacancies in the front door team"
    again = plan(db, "long-valid.csv")
    assert again.summary() == "long-valid.csv: 0 new, 0 revised, 3 unchanged figure(s)."
    assert submission.commit(db, again, user=OWNER) == {"new": 0, "revised": 0, "unchanged": 3}
    assert len(store.history(db, measure_id=OWNED[0], period="2022-12")) == 1


@pytest.mark.parametrize("name", ["long-valid-bom.csv", "scorecard-valid.csv", "percent-and-dates.xlsx",
                                  "scorecard-percent-dates.xlsx"])
def test_other_good_files_load(db, name):
    result = plan(db, name)
    assert result.ok, result.problems
    assert submission.commit(db, result, user=OWNER)["new"] == len(result.changes)


def test_a_revision_needs_a_reason_and_keeps_the_old_version(db):
    data = b"measure_id,period,value\ninitial-contact-decisions-made-within,2022-11,78.0\n"
    result = submission.plan_file(db, "fix.csv", data, user=OWNER, today=TODAY)
    assert result.ok and result.needs_reason
    row = result.changes.iloc[0]
    assert (row["status"], row["old_value"], row["value"]) == ("revised", 77.6, 78.0)
    before = dump(db)
    with pytest.raises(ValidationFailed, match="a reason is required"):
        submission.commit(db, result, user=OWNER)
    assert dump(db) == before
    submission.commit(db, result, user=OWNER, reason="Late returns from the night team")
    versions = store.history(db, measure_id=OWNED[0], period="2022-11")
    assert versions[["old_value", "value", "recorded_by", "source", "reason"]].values.tolist()[0] == [
        77.6, 78.0, OWNER, "upload", "Late returns from the night team",
    ]
    assert versions["value"].tolist() == [78.0, 77.6]


def test_a_blank_commentary_in_an_upload_keeps_the_recorded_one(db):
    submission.commit(db, plan(db, "long-valid.csv"), user=OWNER)
    data = b"measure_id,period,value,commentary\ninitial-contact-decisions-made-within,2022-12,78.1,\n"
    result = submission.plan_file(db, "x.csv", data, user=OWNER, today=TODAY)
    assert result.changes["status"].tolist() == ["unchanged"]
    assert result.changes["commentary"].tolist() == ["Two vacancies in the front door team"]


def test_a_change_confirmed_on_a_stale_preview_is_refused(db):
    data = b"measure_id,period,value\ninitial-contact-decisions-made-within,2022-12,80\n"
    first = submission.plan_file(db, "a.csv", data, user=OWNER, today=TODAY)
    second = submission.plan_file(db, "b.csv", data.replace(b",80", b",81"), user=ADMIN, today=TODAY)
    submission.commit(db, second, user=ADMIN)
    before = dump(db)
    with pytest.raises(store.StaleFigures):
        submission.commit(db, first, user=OWNER)
    assert dump(db) == before


def test_a_locked_month_changes_only_by_an_admin_with_a_reason(db):
    store.lock(db, "2022-12", user=ADMIN, reason="Signed off at the December board")
    refused = plan(db, "long-valid.csv")
    assert {(p.row, p.column) for p in refused.problems} == {(2, "period"), (3, "period"), (4, "period")}
    assert "locked" in refused.problems[0].message
    by_admin = plan(db, "long-valid.csv", user=ADMIN)
    assert by_admin.ok and by_admin.locked == ["2022-12"] and by_admin.needs_reason
    before = dump(db)
    with pytest.raises(ValidationFailed, match="the month is locked"):
        submission.commit(db, by_admin, user=ADMIN)
    assert dump(db) == before
    assert submission.commit(db, by_admin, user=ADMIN, reason="Board agreed a late return")["new"] == 3
    store.unlock(db, "2022-12", user=ADMIN, reason="Reopened for corrections")
    assert store.locks(db).empty


def test_the_form_requires_commentary_when_worse_than_target(db):
    entries = pd.DataFrame({
        "measure_id": [OWNED[0], OWNED[1]], "value": ["70", "47"], "commentary": ["", ""],
        "performance_group": [None, "Good"],
    })
    result = submission.plan_form(db, "2022-12", entries, user=OWNER, today=TODAY)
    assert [(p.row, p.column) for p in result.problems] == [(1, "commentary")]
    assert "commentary is required when the value is worse than target" in result.problems[0].message
    entries.loc[0, "commentary"] = "Two vacancies"
    result = submission.plan_form(db, "2022-12", entries, user=OWNER, today=TODAY)
    assert result.ok and result.changes["band"].tolist() == ["significantly_worse", "met"]
    assert submission.commit(db, result, user=OWNER) == {"new": 2, "revised": 0, "unchanged": 0}
    recorded = store.history(db, period="2022-12").set_index("measure_id")
    assert recorded.loc[OWNED[1], "performance_group"] == "Good" and recorded.loc[OWNED[0], "source"] == "form"


def test_the_form_refuses_bad_typing_by_measure(db):
    entries = pd.DataFrame({
        "measure_id": [OWNED[0], OWNED[1]], "value": ["1,5", ""], "commentary": ["", "why"],
        "performance_group": [None, None],
    })
    result = submission.plan_form(db, "2022-12", entries, user=OWNER, today=TODAY)
    assert [(p.row, p.value) for p in result.problems] == [(1, "1,5"), (2, "")]
    assert "ambiguous" in result.problems[0].message and "required when commentary" in result.problems[1].message


def test_form_rows_show_last_value_target_and_unit(snapshot):
    rows = submission.form_rows(snapshot, OWNED, "2022-12").set_index("measure_id")
    assert rows.loc[OWNED[0], ["last_period", "last_value", "target", "tolerance", "unit"]].tolist() == [
        "2022-11", 77.6, 90.0, 85.5, "percent",
    ]
    assert OWNED[2] in rows.index, "a quarterly measure is due in December"
    assert OWNED[2] not in submission.form_rows(snapshot, OWNED, "2023-01")["measure_id"].tolist()


def test_open_months_and_the_next_due(snapshot):
    months = submission.open_months(snapshot, TODAY)
    assert months[0] == "2026-11" and months[-1] == "2021-11"
    assert submission.next_due(snapshot, TODAY) == "2022-12"


def test_cli_dry_run_previews_and_writes_nothing(db, capsys):
    before = dump(db)
    assert main(["--db", str(db), "import", str(FILES / "long-valid.csv"), "--user", OWNER, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "3 new, 0 revised, 0 unchanged" in out and "Dry run: nothing was written." in out
    assert dump(db) == before
    assert main(["--db", str(db), "import", str(FILES / "long-valid.csv"), "--user", OWNER]) == 0
    assert "Written: 3 new, 0 revised" in capsys.readouterr().out


def test_a_failure_half_way_through_the_insert_rolls_everything_back(db, monkeypatch):
    result = plan(db, "long-valid.csv")
    real = figures_store._version_rows

    def sabotaged(*args):
        rows = real(*args)
        rows[-1] = ("no-such-measure", *rows[-1][1:])  # the foreign key fails on the last row
        return rows

    monkeypatch.setattr(figures_store, "_version_rows", sabotaged)
    before = dump(db)
    with pytest.raises(Exception, match="FOREIGN KEY"):
        submission.commit(db, result, user=OWNER)
    assert dump(db) == before


def test_concurrent_submissions_are_serialised_not_lost(db):
    import threading

    errors, frames = [], [
        pd.DataFrame({"measure_id": [OWNED[0]], "period": [f"2023-{m:02d}"], "value": [80.0]}) for m in range(1, 9)
    ]

    def write(frame):
        try:
            store.record_figures(db, frame, user=OWNER, source="cli")
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(frame,)) for frame in frames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.history(db, measure_id=OWNED[0]).query("period >= '2023-01'")) == 8
