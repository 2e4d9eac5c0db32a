"""The data-entry pages never lose an update: a save is checked against what the person saw.

The Submit form remembers what each field was filled from; the Upload page confirms exactly the
plan it previewed. A colleague's change in between is refused, named in plain words, and nothing
is written; the person reloads the changed figures (Submit) or refreshes the preview (Upload)."""

import pandas as pd
import pytest

from kpicore import store
from tests.entry import ADMIN, OWNER, dump, writable_db
from tests.files.make_files import NOT_OWNED, OWNED
from tests.test_pages_submit import shown, start, upload_file

FIRST = "% of Initial contact decisions made within 24 hours"  # OWNED[0]'s name


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = writable_db(tmp_path)
    monkeypatch.setenv("KPI_DB", str(path))
    return path


def colleague_saves(db, measure_id: str, period: str, value: float, reason: str | None = None) -> None:
    """A colleague (the administrator) records a figure through the core while the page is open."""
    figure = pd.DataFrame({"measure_id": [measure_id], "period": [period], "value": [value]})
    store.record_figures(db, figure, user=ADMIN, source="form", reason=reason)


def said(at) -> str:
    return " ".join(shown(at.error))


# --- Submit -----------------------------------------------------------------------------------------


def test_submit_refuses_to_put_back_a_colleagues_correction_then_reloads_it(db):
    at = start("submit", email=OWNER)
    at.selectbox(key="month").set_value("2022-11").run()
    assert at.text_input(key=f"value_2022-11_{OWNED[0]}").value == "77.6"
    colleague_saves(db, OWNED[0], "2022-11", 95.0, reason="Corrected from the case system")
    at.text_input(key=f"value_2022-11_{OWNED[1]}").input("47").run()
    at.text_input(key="reason").input("Two audits uploaded late").run()
    before = dump(db)

    at.button(key="save").click().run()
    assert not at.exception and not at.success
    message = said(at)
    assert message.startswith("Nothing was saved: 1 figure changed after you opened this form.")
    assert f"{FIRST}, Nov-22: you saw 77.6%, it is now 95.0%, recorded by {ADMIN} on " in message
    assert dump(db) == before
    # what the person typed is kept, and the changed field still shows what they saw until they reload
    assert at.text_input(key=f"value_2022-11_{OWNED[1]}").value == "47"
    assert at.text_input(key=f"value_2022-11_{OWNED[0]}").value == "77.6"

    at.button(key="reload_changed").click().run()
    assert at.text_input(key=f"value_2022-11_{OWNED[0]}").value == "95"
    assert at.text_input(key=f"value_2022-11_{OWNED[1]}").value == "47"
    assert "Reloaded 1 figure with the latest recorded values" in " ".join(shown(at.info))
    at.button(key="save").click().run()
    assert shown(at.success)[0] == "Saved: 0 new, 1 revised, 1 unchanged."
    assert store.history(db, measure_id=OWNED[0], period="2022-11").iloc[0]["value"] == 95.0
    latest = store.history(db, measure_id=OWNED[1], period="2022-11").iloc[0]
    assert (latest["value"], latest["recorded_by"], latest["reason"]) == (47.0, OWNER, "Two audits uploaded late")


def test_submit_refuses_a_new_figure_a_colleague_recorded_first(db):
    at = start("submit", email=OWNER)
    assert at.selectbox(key="month").value == "2022-12"
    at.text_input(key=f"value_2022-12_{OWNED[0]}").input("91").run()
    colleague_saves(db, OWNED[0], "2022-12", 79.0)
    before = dump(db)
    at.button(key="save").click().run()
    assert f"{FIRST}, Dec-22: you saw no figure, it is now 79.0%, recorded by {ADMIN} on " in said(at)
    assert dump(db) == before
    assert at.text_input(key=f"value_2022-12_{OWNED[0]}").value == "91"


def test_submit_is_not_blocked_by_a_change_to_a_figure_not_on_the_form(db):
    at = start("submit", email=OWNER)
    at.text_input(key=f"value_2022-12_{OWNED[0]}").input("91").run()
    colleague_saves(db, NOT_OWNED, "2022-12", 81.0)
    at.button(key="save").click().run()
    assert not at.error and shown(at.success)[0] == "Saved: 1 new, 0 revised, 0 unchanged."
    assert store.history(db, measure_id=OWNED[0], period="2022-12")["value"].tolist() == [91.0]


def test_submit_a_colleague_saving_between_the_check_and_the_write_is_refused_by_the_write(db, monkeypatch):
    """The page's own check passes; the colleague's save lands just before the write: the write itself refuses."""
    from kpicore.workflows import submission

    committed = submission.commit

    def colleague_first(*args, **kwargs):
        colleague_saves(db, OWNED[0], "2022-11", 95.0, reason="Corrected from the case system")
        return committed(*args, **kwargs)

    at = start("submit", email=OWNER)
    at.selectbox(key="month").set_value("2022-11").run()
    at.text_input(key=f"value_2022-11_{OWNED[1]}").input("47").run()
    at.text_input(key="reason").input("Two audits uploaded late").run()
    monkeypatch.setattr(submission, "commit", colleague_first)
    at.button(key="save").click().run()
    monkeypatch.setattr(submission, "commit", committed)
    assert not at.success
    assert f"{FIRST}, Nov-22: you saw 77.6%, it is now 95.0%, recorded by {ADMIN} on " in said(at)
    assert store.history(db, measure_id=OWNED[0], period="2022-11")["value"].tolist()[0] == 95.0
    assert store.history(db, measure_id=OWNED[1], period="2022-11")["recorded_by"].tolist()[0] != OWNER


def test_submit_saving_twice_checks_against_what_was_just_saved(db):
    at = start("submit", email=OWNER)
    at.text_input(key=f"value_2022-12_{OWNED[0]}").input("91.00").run()
    at.button(key="save").click().run()
    assert shown(at.success)[0] == "Saved: 1 new, 0 revised, 0 unchanged."
    assert at.text_input(key=f"value_2022-12_{OWNED[0]}").value == "91"  # the field shows what is recorded
    at.text_input(key=f"value_2022-12_{OWNED[0]}").input("92").run()
    at.text_input(key="reason").input("Late cases added").run()
    at.button(key="save").click().run()
    assert not at.error and shown(at.success)[0] == "Saved: 0 new, 1 revised, 0 unchanged."
    assert store.history(db, measure_id=OWNED[0], period="2022-12")["value"].tolist() == [92.0, 91.0]


# --- Upload -----------------------------------------------------------------------------------------


def test_upload_refuses_to_put_back_a_colleagues_correction(db):
    at = upload_file(start("upload", email=OWNER), "fix.csv", f"measure_id,period,value\n{OWNED[0]},2022-11,85.7\n".encode())
    assert at.table[0].value[["Change", "Old", "New"]].values.tolist() == [["revised", "77.6%", "85.7%"]]
    at.text_input(key="upload_reason").input("Recount after audit").run()
    colleague_saves(db, OWNED[0], "2022-11", 95.0, reason="Corrected from the case system")
    before = dump(db)
    at.button(key="upload_confirm").click().run()
    assert not at.exception and not at.success
    message = said(at)
    assert message.startswith("Nothing was saved: 1 figure changed after this preview.")
    assert f"{FIRST}, Nov-22: you saw 77.6%, it is now 95.0%, recorded by {ADMIN} on " in message
    assert "Refresh the preview (or upload the file again)" in message
    assert dump(db) == before


def test_upload_saves_the_plan_it_previewed_or_nothing(db):
    data = f"measure_id,period,value\n{OWNED[0]},2022-12,80\n{OWNED[1]},2022-12,47\n".encode()
    at = upload_file(start("upload", email=OWNER), "december.csv", data)
    assert [m.value for m in at.metric] == ["2", "0", "0"]
    colleague_saves(db, OWNED[0], "2022-12", 79.0)
    before = dump(db)
    at.button(key="upload_confirm").click().run()
    assert f"{FIRST}, Dec-22: you saw no figure, it is now 79.0%, recorded by {ADMIN} on " in said(at)
    assert dump(db) == before

    at.button(key="upload_refresh").click().run()  # the preview as the figures now stand
    assert [m.value for m in at.metric] == ["1", "1", "0"]
    assert not at.error
    at.text_input(key="upload_reason").input("Our figure is the audited one").run()
    at.button(key="upload_confirm").click().run()
    assert shown(at.success)[0] == "Saved december.csv: 1 new, 1 revised, 0 unchanged."
    assert store.history(db, measure_id=OWNED[0], period="2022-12")["value"].tolist() == [80.0, 79.0]


def test_upload_is_not_blocked_by_a_change_to_a_figure_not_in_the_file(db):
    data = f"measure_id,period,value\n{OWNED[0]},2022-12,80\n".encode()
    at = upload_file(start("upload", email=OWNER), "december.csv", data)
    colleague_saves(db, NOT_OWNED, "2022-12", 81.0)
    at.button(key="upload_confirm").click().run()
    assert not at.error and shown(at.success)[0] == "Saved december.csv: 1 new, 0 revised, 0 unchanged."
