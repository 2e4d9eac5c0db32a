"""A save is checked against what the person saw: a figure that moved after the preview (or after the
form was filled) is refused, naming it; a command-line import, which nobody previewed, is compared with
the current figures inside its one write; a viewer is refused before anything is read."""

import sqlite3
from datetime import date

import pandas as pd
import pytest

from kpicore import store
from kpicore.access import PermissionDenied
from kpicore.cli import main
from kpicore.problems import ValidationFailed
from kpicore.workflows import submission
from tests.entry import ADMIN, OWNER, VIEWER, dump, writable_db

TODAY = date(2026, 11, 28)
MEASURE = "initial-contact-decisions-made-within"
DECEMBER = b"measure_id,period,value\ninitial-contact-decisions-made-within,2022-12,80\n"
NOVEMBER = b"measure_id,period,value\ninitial-contact-decisions-made-within,2022-11,95\n"


@pytest.fixture
def db(tmp_path):
    return writable_db(tmp_path)


def upload(db, data, user=OWNER, name="figures.csv"):
    return submission.plan_file(db, name, data, user=user, today=TODAY)


def test_a_preview_remembers_the_version_and_value_of_every_figure_it_showed(db):
    recorded = store.current_versions(db, pd.DataFrame({"measure_id": [MEASURE], "period": ["2022-11"]}))
    shown = upload(db, NOVEMBER + b"initial-contact-decisions-made-within,2022-12,80\n")
    assert shown.seen == {
        (MEASURE, "2022-11"): (int(recorded["version_id"].iloc[0]), float(recorded["value"].iloc[0])),
        (MEASURE, "2022-12"): (None, None),
    }


def test_a_colleagues_correction_after_the_preview_is_not_put_back(db):
    mine = upload(db, NOVEMBER.replace(b"95", b"85.7"))
    colleague = upload(db, NOVEMBER, user=ADMIN)
    submission.commit(db, colleague, user=ADMIN, reason="Corrected from the case system")
    before = dump(db)
    with pytest.raises(store.StaleFigures) as refused:
        submission.commit(db, mine, user=OWNER, reason="My revision")
    assert dump(db) == before
    assert [(m["measure_id"], m["period"], m["value"], m["recorded_by"]) for m in refused.value.moved] == [
        (MEASURE, "2022-11", 95.0, ADMIN),
    ]
    message = str(refused.value)
    assert f"{MEASURE} Nov-22 was {mine.seen[(MEASURE, '2022-11')][1]:g} in your preview, now 95" in message
    assert f"recorded by {ADMIN}" in message and "Nothing was saved" in message


def test_a_figure_added_after_an_upload_was_previewed_as_new_is_refused(db):
    mine = upload(db, DECEMBER + b"initial-contact-decisions-made-within,2023-01,81\n")
    assert mine.count("new") == 2
    submission.commit(db, upload(db, DECEMBER.replace(b",80", b",79"), user=ADMIN), user=ADMIN)
    before = dump(db)
    with pytest.raises(store.StaleFigures, match="Dec-22 was no figure in your preview, now 79"):
        submission.commit(db, mine, user=OWNER)
    assert dump(db) == before


def test_the_form_is_checked_against_what_its_fields_were_filled_from(db):
    snapshot = store.load(db)
    filled = submission.form_rows(snapshot, [MEASURE], "2022-11")
    seen = submission.form_seen(filled, "2022-11")
    assert seen[(MEASURE, "2022-11")][1] == float(filled["value"].iloc[0])
    # a colleague corrects the figure while the form is open
    submission.commit(db, upload(db, NOVEMBER, user=ADMIN), user=ADMIN, reason="Corrected from the case system")
    # the person saves the form as it was filled, with a reason for another change
    entries = pd.DataFrame({
        "measure_id": [MEASURE], "value": [f"{filled['value'].iloc[0]:g}"],
        "commentary": ["Two vacancies in the front door team"], "performance_group": [None],
    })
    before = dump(db)
    with pytest.raises(store.StaleFigures, match="now 95"):  # told before the reason or commentary it would need
        submission.plan_form(db, "2022-11", entries, user=OWNER, today=TODAY, seen=seen)
    assert dump(db) == before


def test_a_command_line_import_agreeing_with_a_write_since_its_check_succeeds(db):
    checked = upload(db, DECEMBER, user=ADMIN)
    submission.commit(db, upload(db, DECEMBER, user=OWNER), user=OWNER)
    counts = submission.commit(db, checked, user=ADMIN, previewed=False)
    assert counts == {"new": 0, "revised": 0, "unchanged": 1}


def test_a_command_line_import_that_would_now_revise_needs_a_reason(db):
    checked = upload(db, DECEMBER, user=ADMIN)
    submission.commit(db, upload(db, DECEMBER.replace(b",80", b",79"), user=OWNER), user=OWNER)
    before = dump(db)
    with pytest.raises(ValidationFailed, match="a reason is required to revise 1 figure"):
        submission.commit(db, checked, user=ADMIN, previewed=False)
    assert dump(db) == before


def test_figures_are_checked_before_the_write_lock_is_taken(db):
    """Bad figures are refused at once even while another writer holds the lock: nobody waits on them."""
    holder = sqlite3.connect(db, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        bad = pd.DataFrame({"measure_id": [MEASURE], "period": ["2022-12"], "value": [-5.0]})
        with pytest.raises(ValidationFailed):
            store.record_figures(db, bad, user=OWNER, source="cli", today=TODAY)
    finally:
        holder.rollback()
        holder.close()


def test_a_viewer_is_refused_before_the_file_is_planned(db, tmp_path, capsys):
    with pytest.raises(PermissionDenied, match="viewers cannot submit"):
        upload(db, DECEMBER, user=VIEWER)
    path = tmp_path / "december.csv"
    path.write_bytes(DECEMBER)
    before = dump(db)
    assert main(["--db", str(db), "import", str(path), "--user", VIEWER]) == 3
    assert "Not allowed" in capsys.readouterr().err
    assert dump(db) == before
