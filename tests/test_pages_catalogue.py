"""The Catalogue page in ``AppTest``: a target set through the form, previewed (old → new) and
confirmed; refusals that write nothing; the confirmation a change of polarity needs; and the page
kept from viewers and data owners."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpicore import store
from kpicore.store import catalogue as changes
from kpicore.workflows import catalogue as year_end
from tests.entry import ADMIN, AUTH, OWNER, SIGNED_IN_ADMIN, VIEWER, dump, writable_db

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
PAGE = str(ROOT / "pages" / "catalogue.py")
MEASURE = "initial-contact-decisions-made-within"  # percent, higher is better, target 90, tolerance 85.5
REFUSED = "This page is not available to you: ask an administrator if you need it."


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = writable_db(tmp_path)
    store.save_user(path, SIGNED_IN_ADMIN, role="admin", user=ADMIN)
    monkeypatch.setenv("KPI_DB", str(path))
    return path


def start(email: str | None = None, script: str = APP) -> AppTest:
    """The Catalogue page in local mode (the administrator), or signed in as ``email``."""
    at = AppTest.from_file(script, default_timeout=60)
    if email is not None:
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0].title()}
    at.run()
    if script == APP:
        at.switch_page("pages/catalogue.py")
        at.run()
    return at


def shown(elements) -> list[str]:
    """Messages as people read them (Markdown escapes removed)."""
    return [e.value.replace("\\", "") for e in elements]


def page_text(at: AppTest) -> str:
    """The page's Markdown as people read it (no escapes, no bold markers)."""
    return "\n".join(shown(at.markdown)).replace("**", "")


def preview(at: AppTest, period: str, target: float, mode: str = "proposed", tolerance: float | None = None) -> AppTest:
    at.selectbox(key="catalogue_measure").set_value(MEASURE).run()
    at.selectbox(key="target_from").set_value(period)
    at.number_input(key="target_value").set_value(target)
    at.radio(key="target_tolerance_mode").set_value(mode)
    if tolerance is not None:
        at.number_input(key="target_tolerance").set_value(tolerance)
    return at.button(key="target_preview").click().run()


def test_an_administrator_sets_a_target_previews_it_and_confirms(db):
    at = start()
    assert not at.exception and [t.value for t in at.title] == ["Catalogue"]
    table = at.dataframe[0].value
    assert len(table) == 84 and "measure_id" not in table.columns
    assert not table.astype(str).isin(["None", "nan"]).any().any()

    at = preview(at, "2023-04", 80)
    text = page_text(at)
    assert "Measure: % of Initial contact decisions made within 24 hours" in text
    assert "From: Apr-23 onwards" in text
    assert "Target: 90.0% → 80.0%" in text and "Tolerance: 85.5% → 76.0% (proposed)" in text
    assert store.load(db).targets.query("measure_id == @MEASURE")["from_period"].tolist() == ["2021-11"]

    at.text_input(key="target_reason").input("Targets agreed at the April performance board").run()
    at.button(key="target_confirm").click().run()
    assert not at.exception
    assert "Saved: % of Initial contact decisions made within 24 hours from Apr-23: target 80.0%, tolerance 76.0%." in shown(at.success)
    targets = store.load(db).targets.query("measure_id == @MEASURE")
    assert targets[["from_period", "target", "tolerance"]].values.tolist() == [["2021-11", 90.0, 85.5], ["2023-04", 80.0, 76.0]]
    events = changes.history(db, subject=MEASURE)
    assert set(events["reason"]) == {"Targets agreed at the April performance board"}
    assert set(events["recorded_by"]) == {ADMIN} and set(events["action"]) == {"set_target"}
    assert not [b for b in at.button if b.key == "target_confirm"]  # the preview is done with
    timeline = at.dataframe[1].value
    assert timeline["From"].tolist() == ["Nov-21", "Apr-23"] and timeline["Tolerance"].tolist() == ["85.5%", "76.0%"]
    history = at.dataframe[-1].value
    assert history["Reason"].iloc[0] == "Targets agreed at the April performance board"
    assert history["What"].iloc[0] == "% of Initial contact decisions made within 24 hours (from Apr-23)"


def test_a_blank_reason_is_refused_and_nothing_is_written(db):
    at = preview(start(), "2023-04", 80)
    before = dump(db)
    at.text_input(key="target_reason").input("   ").run()
    at.button(key="target_confirm").click().run()
    assert shown(at.error) == ["Nothing was changed: a reason is required to set targets"]
    assert not at.success
    assert dump(db) == before


def test_a_tolerance_on_the_better_side_is_refused_with_the_message(db):
    at = preview(start(), "2023-04", 80, mode="typed", tolerance=95)
    assert "Tolerance: 85.5% → 95.0%" in page_text(at)
    before = dump(db)
    at.text_input(key="target_reason").input("Typed from the board paper").run()
    at.button(key="target_confirm").click().run()
    [error] = shown(at.error)
    assert error.startswith("Nothing was changed:")
    assert "Tolerance “95.0”: the tolerance must lie on the worse side of the target" in error
    assert dump(db) == before


def test_a_target_of_zero_has_no_proposal_and_cannot_be_confirmed(db):
    at = preview(start(), "2023-04", 0)
    assert "No tolerance can be proposed: 5% of a target of 0 is 0" in shown(at.warning)[0]
    assert not [b for b in at.button if b.key == "target_confirm"]


def test_a_change_of_polarity_needs_the_explicit_confirmation(db):
    at = start()
    at.selectbox(key="catalogue_measure").set_value(MEASURE).run()
    # the recorded tolerance (85.5 below 90) would lie on the better side: end the target first
    changes.remove_target(db, MEASURE, "2021-11", user=ADMIN, reason="Set again below")
    at.run()
    at.selectbox(key=f"edit_polarity_{MEASURE}").set_value("lower")
    at.text_input(key=f"edit_reason_{MEASURE}").input("Now counted the other way round")
    at.button(key="edit_save").click().run()
    assert "Tick “I understand this changes how every past figure is judged” to go ahead." in shown(at.error)[0]
    assert store.load(db).measures.set_index("measure_id").at[MEASURE, "polarity"] == "higher"
    at.checkbox(key=f"edit_understood_{MEASURE}").check()
    at.button(key="edit_save").click().run()
    assert shown(at.success) == ["Saved: polarity of % of Initial contact decisions made within 24 hours."]
    assert store.load(db).measures.set_index("measure_id").at[MEASURE, "polarity"] == "lower"
    assert changes.history(db, subject=MEASURE).iloc[0][["field", "old", "new"]].tolist() == ["polarity", "higher", "lower"]


def test_a_comparator_from_a_month(db):
    at = start()
    at.selectbox(key="catalogue_measure").set_value(MEASURE).run()
    at.selectbox(key="comparator_from").set_value("2022-04")
    at.number_input(key="comparator_value").set_value(81.2)
    at.text_input(key="comparator_label").input("England 2021-22")
    at.text_input(key="comparator_reason").input("Published national figures")
    at.button(key="comparator_save").click().run()
    assert shown(at.success) == [
        "Saved: % of Initial contact decisions made within 24 hours's comparator from Apr-22: 81.2% (England 2021-22)."
    ]
    assert at.dataframe[1].value["Comparator"].tolist() == ["", "81.2% (England 2021-22)"]


@pytest.mark.parametrize("email", [VIEWER, OWNER])
def test_viewers_and_data_owners_are_not_offered_the_page(db, email):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email, "name": "Someone"}
    at.run()
    assert not at.exception and at.title  # signed in, on the overview
    with pytest.raises(ValueError):
        at.switch_page("pages/catalogue.py")


@pytest.mark.parametrize("email", [VIEWER, OWNER])
def test_the_page_refuses_them_even_when_run_directly(db, email):
    at = start(email=email, script=PAGE)
    assert [e.value for e in at.error] == [REFUSED]
    assert not at.text_input and not at.dataframe and not at.button


def test_the_administrator_is_offered_the_page(db):
    at = start(email=SIGNED_IN_ADMIN)
    assert not at.exception and [t.value for t in at.title] == ["Catalogue"]


# --- the year-end files -----------------------------------------------------------------------------


def targets_file(db, **rows: tuple[str, str]) -> bytes:
    """The targets template from Apr-23 with ``rows`` (measure id → target, tolerance) changed."""
    lines = year_end.targets_template(store.load(db), "2023-04", "csv").decode("utf-8-sig").splitlines()
    for index, line in enumerate(lines):
        measure_id = line.split(",", 1)[0]
        if measure_id in rows:
            lines[index] = ",".join([*line.split(",")[:-2], *rows[measure_id]])
    return ("\n".join(lines) + "\n").encode()


def upload(at: AppTest, kind: str, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key=f"{kind}_file_{at.session_state[f'{kind}_attempt']}").set_value(
        (name, data, "text/csv")
    ).run()


def test_a_targets_file_with_problems_is_reported_row_by_row_and_writes_nothing(db):
    before = dump(db)
    at = upload(start(), "targets", "targets-2023.csv", targets_file(db, **{MEASURE: ("80", "95")}))
    assert not at.exception
    assert shown(at.error)[0].startswith("Refused: 1 problem(s) in targets-2023.csv; nothing was written.")
    report = at.table[0].value
    assert report[["Row", "Column", "Value"]].values.tolist() == [["3", "tolerance", "95"]]
    assert "the tolerance must lie on the worse side of the target" in report["Problem"].iloc[0]
    assert not [b for b in at.button if b.key == "targets_confirm"]
    assert dump(db) == before


def test_a_targets_file_is_previewed_then_saved_with_one_reason(db):
    data = targets_file(db, **{MEASURE: ("80", ""), "end-to-end-contact-decisions-made-within": ("92", "none")})
    at = upload(start(), "targets", "targets-2023.csv", data)
    assert [m.value for m in at.metric] == ["0", "2", "82"]
    [preview] = [d.value for d in at.dataframe if "Change" in d.value.columns and "Tolerance" in d.value.columns]
    assert preview[["From", "Change", "Target", "Tolerance"]].values.tolist() == [
        ["Apr-23", "Changed", "90.0% → 80.0%", "85.5% → 76.0% (proposed)"],
        ["Apr-23", "Changed", "90.0% → 92.0%", "85.5% → –"],
    ]
    before = dump(db)
    at.button(key="targets_confirm").click().run()
    assert shown(at.error) == ["Nothing was changed: a reason is required to set targets"]
    assert dump(db) == before
    at.text_input(key="targets_reason").input("Targets for 2023-24 agreed at the March board").run()
    at.button(key="targets_confirm").click().run()
    assert "Saved targets-2023.csv: 0 new, 2 changed, 82 unchanged." in shown(at.success)
    targets = store.load(db).targets.set_index(["measure_id", "from_period"])
    assert targets.loc[(MEASURE, "2023-04"), ["target", "tolerance"]].tolist() == [80.0, 76.0]
    assert set(changes.history(db)["reason"]) == {"Targets for 2023-24 agreed at the March board"}
    assert not [b for b in at.button if b.key == "targets_confirm"]  # a fresh uploader, empty


def test_the_templates_are_offered(db):
    at = start()
    keys = {b.key for b in at.download_button}
    assert {"targets_template_csv", "targets_template_xlsx", "comparators_template_csv",
            "comparators_template_xlsx", "download_catalogue_history"} <= keys


def test_a_comparators_file_is_previewed_then_saved(db):
    lines = year_end.comparators_template(store.load(db), "2023-04", "csv").decode("utf-8-sig").splitlines()
    lines = [f"{line.rstrip(',')},81.2,England 2021-22" if line.startswith(MEASURE + ",") else line for line in lines]
    at = upload(start(), "comparators", "comparators-2023.csv", ("\n".join(lines) + "\n").encode())
    assert not at.exception and [m.value for m in at.metric] == ["1", "0", "83"]
    [preview] = [d.value for d in at.dataframe if "Source" in d.value.columns]
    assert preview[["From", "Change", "Value", "Source"]].values.tolist() == [
        ["Apr-23", "New", "– → 81.2%", "– → England 2021-22"],
    ]
    at.text_input(key="comparators_reason").input("National figures published").run()
    at.button(key="comparators_confirm").click().run()
    assert "Saved comparators-2023.csv: 1 new, 0 changed, 83 unchanged." in shown(at.success)
    comparators = store.load(db).comparators.query("measure_id == @MEASURE")
    assert comparators[["from_period", "value", "label"]].values.tolist() == [["2023-04", 81.2, "England 2021-22"]]



def test_the_reorder_table_gives_the_new_order_and_the_page_offers_it(db):
    from ui.catalogue_tables import area_order, reordered

    areas = store.load(db).areas
    order = area_order(areas)
    assert order["Position"].tolist() == list(range(1, 11)) and order["Area"].iloc[0] == "Response to Risk"
    order.loc[order["Area"] == "Repeat Work", "Position"] = 1  # ties keep the current order after it
    ids = reordered(areas, order)
    assert ids[:2] == ["response-to-risk", "repeat-work"] and sorted(ids) == sorted(areas["area_id"])
    changes.reorder_areas(db, ids, user=ADMIN, reason="Repeat work up for the board")
    assert list(store.load(db).areas.sort_values("position")["area_id"]) == ids
    at = start()
    assert "Reorder the areas" in [t.label for t in at.tabs]
