"""The data-entry pages in ``AppTest``: sign-in and roles, the monthly form, the upload flow
(report, preview, confirm), history and returns; and the pages' share of the authorisation matrix."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kpicore import store
from tests.entry import ADMIN, AUTH, OTHER, OWNER, SIGNED_IN_ADMIN, STRANGER, VIEWER, dump, read, writable_db
from tests.files.make_files import NOT_OWNED, OWNED

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
PAGES = Path(__file__).resolve().parent.parent / "pages"
ENTRY_PAGES = {"submit", "upload", "returns", "history", "users", "locks"}


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = writable_db(tmp_path)
    store.save_user(path, SIGNED_IN_ADMIN, role="admin", user=ADMIN)
    monkeypatch.setenv("KPI_DB", str(path))
    return path


def start(page: str | None = None, email: str | None = None, script: str = APP) -> AppTest:
    """The app in local mode (``email`` None) or signed in through OIDC as ``email``."""
    at = AppTest.from_file(script, default_timeout=60)
    if email is not None:
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0].title()}
    if page:
        at.run()
        at.switch_page(f"pages/{page}.py")
    return at.run()


def known_pages(at: AppTest) -> set[str]:
    """The pages the last run's navigation offers (by file stem), among every page in ``pages/``.

    ``AppTest.switch_page`` refuses a page the navigation did not register (``ValueError``); it
    only chooses the next run's page, so probing changes nothing already shown."""
    offered = set()
    for script in sorted(PAGES.glob("*.py")):
        try:
            at.switch_page(f"pages/{script.name}")
        except ValueError:
            continue
        offered.add(script.stem)
    return offered


def shown(elements) -> list[str]:
    """Messages as people read them (Markdown escapes removed)."""
    return [e.value.replace("\\", "") for e in elements]


def refusal(at: AppTest) -> str:
    """The refused save's problem list at the top of the Submit form (its HTML)."""
    return next(h.value for h in at.html if "Nothing was saved" in h.value)


def upload_file(at: AppTest, name: str, data: bytes) -> AppTest:
    kind = "text/csv" if name.endswith(".csv") else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return at.file_uploader[0].set_value((name, data, kind)).run()


# --- sign-in and pages by role ----------------------------------------------------------------


def test_local_mode_is_the_local_administrator_with_every_page(db):
    at = start()
    assert not at.exception
    assert "Local mode: you are the administrator admin@localhost" in at.caption[0].value
    assert ENTRY_PAGES <= known_pages(at)


def test_with_sign_in_configured_nobody_sees_anything_before_signing_in(db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert [t.value for t in at.title] == ["Children's services performance"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe and not at.exception


def test_local_mode_refuses_to_run_when_not_bound_to_loopback(db, monkeypatch):
    from ui import identity

    monkeypatch.setattr(identity, "local_mode_allowed", lambda: False)
    at = start()
    assert [t.value for t in at.title] == ["Children's services performance"]
    assert "local mode is only allowed when the app listens on 127.0.0.1" in shown(at.error)[0]
    assert not at.dataframe


@pytest.mark.parametrize(
    ("email", "pages"),
    [
        (VIEWER, {"returns", "history"}),
        (OWNER, {"submit", "upload", "returns", "history"}),
        (SIGNED_IN_ADMIN, ENTRY_PAGES),
    ],
)
def test_pages_shown_per_role(db, email, pages):
    at = start(email=email)
    assert not at.exception
    assert known_pages(at) & ENTRY_PAGES == pages
    assert at.caption[0].value.startswith(":material/person: Signed in as ")
    assert at.caption[0].value.endswith(f"{store.account(db, email).label.lower()}.")


@pytest.mark.parametrize(
    ("page", "email"),
    [("submit", VIEWER), ("upload", VIEWER), ("upload", STRANGER), ("users", OWNER), ("locks", OWNER),
     ("users", VIEWER)],
)
def test_a_page_refuses_a_role_it_is_not_for_even_when_run_directly(db, page, email):
    at = start(email=email, script=str(PAGES / f"{page}.py"))
    assert [e.value for e in at.error] == ["This page is not available to you: ask an administrator if you need it."]
    assert not at.text_input and not at.file_uploader


# --- the monthly form ---------------------------------------------------------------------------


def test_the_form_shows_only_the_owners_measures_with_last_value_and_target(db):
    at = start("submit", email=OWNER)
    assert not at.exception and at.title[0].value == "Submit monthly figures"
    assert at.selectbox(key="month").value == "2022-12"
    names = [m.value for m in at.markdown if m.value.startswith("**")]
    assert len(names) == 3
    assert "Last: 77.6% (Nov-22) · Target: 90.0% · Percentage" in [m.value for m in at.markdown]
    # each field is named for its measure and month (the name a screen reader reads)
    name = "% of Initial contact decisions made within 24 hours"
    assert at.text_input(key=f"value_2022-12_{OWNED[0]}").label == f"Dec-22 value for {name}"
    assert at.text_area(key=f"commentary_2022-12_{OWNED[0]}").label == f"Commentary for {name}, Dec-22"
    assert at.selectbox(key=f"group_2022-12_{OWNED[0]}").label == f"Performance group for {name}, Dec-22"
    # a few measures: all on one form, no Area selector
    assert len({w.label for w in [*at.text_input, *at.text_area, *at.selectbox]}) == 3 * 3 + 2  # + month, reason
    assert "area" not in {w.key for w in at.selectbox}


def test_the_form_previews_the_band_requires_commentary_then_saves(db):
    at = start("submit", email=OWNER)
    at.text_input(key=f"value_2022-12_{OWNED[0]}").input("70").run()
    status = [m.value for m in at.markdown if 'role="status"' in m.value]  # each value's live region
    assert len(status) == 3 and "Band: none yet (no value)." in status[1]
    assert "‼ Significantly worse</span> Worse than target: commentary is required." in status[0]
    before = dump(db)
    at.button(key="save").click().run()
    summary = refusal(at)
    assert "Nothing was saved: 1 problem. Correct each one, then save again." in summary
    field = f"commentary_2022-12_{OWNED[0]}"
    assert (
        f'<a href="#fix-{field}" data-field="{field}">% of Initial contact decisions made within 24 hours, Dec-22, '
        "commentary: commentary is required when the value is worse than target"
    ) in summary
    assert any(f'<p id="fix-{field}" tabindex="-1"' in h.value for h in at.html)  # the link's target, by the field
    assert dump(db) == before
    at.text_area(key=f"commentary_2022-12_{OWNED[0]}").input("Two vacancies in the front door team").run()
    at.selectbox(key=f"group_2022-12_{OWNED[0]}").set_value("Poor").run()
    at.button(key="save").click().run()
    assert shown(at.success)[0] == "Saved: 1 new, 0 revised, 0 unchanged."
    version = store.history(db, measure_id=OWNED[0], period="2022-12").iloc[0]
    assert (version["value"], version["performance_group"], version["recorded_by"], version["source"]) == (
        70.0, "Poor", OWNER, "form",
    )


def test_revising_on_the_form_needs_a_reason(db):
    at = start("submit", email=OWNER)
    at.selectbox(key="month").set_value("2022-11").run()
    field = at.text_input(key=f"value_2022-11_{OWNED[1]}")
    assert field.value == "46"
    field.input("47").run()
    at.button(key="save").click().run()
    assert (
        '<a href="#fix-reason" data-field="reason">Reason for any revision: a reason is required: 1 figure(s) would be '
        "revised</a>"
    ) in refusal(at)
    assert any('<p id="fix-reason" tabindex="-1"' in h.value for h in at.html)  # the link's target, by the field
    at.text_input(key="reason").input("Two audits uploaded late").run()
    at.button(key="save").click().run()
    assert shown(at.success)[0] == "Saved: 0 new, 1 revised, 1 unchanged."
    assert store.history(db, measure_id=OWNED[1], period="2022-11")["reason"].iloc[0] == "Two audits uploaded late"


# --- the upload flow ------------------------------------------------------------------------------


def test_upload_refused_shows_the_report_and_writes_nothing(db):
    before = dump(db)
    at = start("upload", email=OWNER)
    at = upload_file(at, "many-problems.csv", read("many-problems.csv"))
    assert not at.exception
    assert shown(at.error)[0].startswith("Refused: 11 problem(s) in many-problems.csv; nothing was written.")
    report = at.table[0].value
    assert report[["Row", "Column", "Value"]].values.tolist()[:2] == [["2", "value", "1,234.5"], ["3", "measure_id", "no-such-measure"]]
    assert not [b for b in at.button if b.key == "upload_confirm"]
    files = {b.key for b in at.download_button}
    assert "upload_report" in files
    assert dump(db) == before


def test_upload_preview_then_confirm(db):
    at = start("upload", email=OWNER)
    at = upload_file(at, "long-valid.csv", read("long-valid.csv"))
    assert [m.value for m in at.metric] == ["3", "0", "0"]
    preview = at.table[0].value
    assert preview["Change"].tolist() == ["new", "new", "new"] and preview["New"].tolist() == ["78.1%", "47", "70.0%"]
    assert dump(db) == dump(db)
    before = dump(db)
    at.button(key="upload_confirm").click().run()
    assert not at.exception
    assert shown(at.success)[0] == "Saved long-valid.csv: 3 new, 0 revised, 0 unchanged."
    assert dump(db) != before
    assert len(store.history(db, period="2022-12")) == 3


def test_upload_of_a_revision_shows_old_to_new_and_needs_a_reason(db):
    at = start("upload", email=OWNER)
    at = upload_file(at, "fix.csv", f"measure_id,period,value\n{OWNED[0]},Nov-22,78.0\n".encode())
    preview = at.table[0].value
    assert preview[["Change", "Old", "New"]].values.tolist() == [["revised", "77.6%", "78.0%"]]
    at.button(key="upload_confirm").click().run()
    assert "a reason is required" in shown(at.error)[0]
    at.text_input(key="upload_reason").input("Recount after audit").run()
    at.button(key="upload_confirm").click().run()
    assert shown(at.success)[0].startswith("Saved fix.csv: 0 new, 1 revised")


def test_an_excel_file_with_percent_and_date_cells(db):
    at = start("upload", email=OWNER)
    at = upload_file(at, "percent-and-dates.xlsx", read("percent-and-dates.xlsx"))
    assert at.table[0].value["New"].tolist() == ["78.1%", "47", "70.0%"]


def test_templates_are_offered_for_the_owners_measures(db):
    at = start("upload", email=OWNER)
    keys = {b.key for b in at.download_button}
    assert {"template_long_csv", "template_long_xlsx", "template_scorecard_csv", "template_scorecard_xlsx"} <= keys


# --- the pages' share of the authorisation matrix --------------------------------------------------


@pytest.mark.parametrize(
    ("email", "name", "allowed"),
    [(OWNER, "long-valid.csv", True), (OWNER, "not-owned.csv", False), (OTHER, "long-valid.csv", False),
     (SIGNED_IN_ADMIN, "not-owned.csv", True)],
)
def test_upload_through_the_page_by_role(db, email, name, allowed):
    before = dump(db)
    at = upload_file(start("upload", email=email), name, read(name))
    if allowed:
        at.button(key="upload_confirm").click().run()
        assert at.success and dump(db) != before
    else:
        assert "you do not own this measure" in " ".join(at.table[0].value["Problem"])
        assert dump(db) == before


def test_admin_pages_manage_users_ownership_and_locks(db):
    at = start("users", email=SIGNED_IN_ADMIN)
    at.text_input(key="new_email").input("new.owner@council.gov.uk")
    at.selectbox(key="new_role").set_value("data_owner")
    at.button(key="save_user").click().run()
    assert "Saved new.owner@council.gov.uk." in shown(at.success)
    at.selectbox(key="owner").set_value("new.owner@council.gov.uk").run()
    at.multiselect(key="measures_new.owner@council.gov.uk").set_value([NOT_OWNED]).run()
    at.button(key="save_measures").click().run()
    assert store.account(db, "new.owner@council.gov.uk").measures == frozenset([NOT_OWNED])
    at = start("locks", email=SIGNED_IN_ADMIN)
    at.selectbox(key="lock_period").set_value("2022-11")
    at.text_input(key="lock_reason").input("Signed off at the December board")
    at.button(key="lock").click().run()
    assert store.locks(db)["period"].tolist() == ["2022-11"]
    assert "Nov-22 locked." in shown(at.success)


# --- history and returns ------------------------------------------------------------------------------


def test_history_page_shows_every_version(db):
    store.record_figures(db, pd.DataFrame({"measure_id": [OWNED[0]], "period": ["2022-11"], "value": [78.0]}),
                         user=OWNER, source="form", reason="Late returns")
    at = start("history", email=VIEWER)
    at.selectbox(key="history_measure").set_value(OWNED[0]).run()
    table = at.dataframe[0].value
    assert len(table) == 14
    assert table.iloc[0][["Month", "Version", "Old → new", "Recorded by", "Source", "Reason"]].tolist() == [
        "Nov-22", "Revised", "77.6 → 78", OWNER, "Submit form", "Late returns",
    ]


def test_returns_page_lists_missing_figures_by_owner(db):
    at = start("returns", email=OWNER)
    assert [m.value for m in at.metric] == ["84", "0", "84"]
    summary = at.dataframe[0].value
    assert summary.query("Owner == @OWNER")["Missing"].sum() == 3
    assert "download_returns" in {b.key for b in at.download_button}


# --- the administrator's form: one thematic area at a time ----------------------------------------------

RESPONSE = ["initial-contact-decisions-made-within", "end-to-end-contact-decisions-made-within"]  # Response to Risk
SEEING = "children-in-need-seen-within-the-last"  # Seeing Children
AREA_SIZES = [("Response to Risk", 12), ("Seeing Children", 5), ("Child's Voice", 5),
              ("Assessment, Planning and Review", 12), ("Repeat Work", 3), ("Health and Wellbeing", 7),
              ("Stability and Permanence", 13), ("Education - Children in Care/ Care Experienced People", 8),
              ("Management Oversight", 10), ("Quality Assurance", 9)]


def area_options(at: AppTest) -> list[str]:
    """The Area selector's options as people read them."""
    return list(at.selectbox(key="area").options)


def field_keys(at: AppTest) -> set[str]:
    """The measures whose value field is on the form."""
    return {w.key.removeprefix("value_2022-12_") for w in at.text_input if w.key.startswith("value_2022-12_")}


def test_the_administrators_form_shows_one_area_counting_what_is_still_to_enter(db):
    # December: every Response to Risk figure recorded, and one of Seeing Children's
    snapshot = store.load(db)
    area_of = snapshot.measures.set_index("measure_id")["area_id"]
    response = area_of[area_of == area_of[RESPONSE[0]]].index.tolist()
    figures = pd.DataFrame({"measure_id": [*response, SEEING], "period": "2022-12", "value": 50.0})
    store.record_figures(db, figures, user=SIGNED_IN_ADMIN, source="form")
    at = start("submit")
    assert at.selectbox(key="month").value == "2023-01"  # the next month due: nothing entered yet
    january = [*AREA_SIZES[:-1], ("Quality Assurance", 7)]  # two of its measures are quarterly
    assert area_options(at) == [f"{name} — {n} of {n} to enter" for name, n in january]
    assert at.selectbox(key="area").value == area_of[RESPONSE[0]]
    at.selectbox(key="month").set_value("2022-12").run()
    to_enter = [0, 4, *[n for _, n in AREA_SIZES[2:]]]
    assert area_options(at) == [f"{name} — {left} of {n} to enter" for (name, n), left in zip(AREA_SIZES, to_enter)]
    # December opens at the first area with figures still to enter, showing only its measures
    assert at.selectbox(key="area").value == area_of[SEEING]
    assert field_keys(at) == set(area_of[area_of == area_of[SEEING]].index)
    assert at.text_input(key=f"value_2022-12_{SEEING}").value == "50"
    assert "5 measure(s) for Dec-22 in Seeing Children." in at.markdown[0].value.replace("\\", "")
    assert len(at.text_input) + len(at.text_area) + len(at.selectbox) == 5 * 3 + 3  # + month, area; + reason


def test_switching_area_keeps_what_was_typed_and_save_saves_the_area_on_screen(db):
    at = start("submit")
    assert at.selectbox(key="month").value == "2022-12" and at.selectbox(key="area").value == "response-to-risk"
    at.text_input(key=f"value_2022-12_{RESPONSE[0]}").input("91").run()
    at.text_area(key=f"commentary_2022-12_{RESPONSE[1]}").input("Checked with the team").run()
    at.selectbox(key="area").set_value("seeing-children").run()
    assert f"value_2022-12_{RESPONSE[0]}" not in {w.key for w in at.text_input}
    note = "Not saved yet: 2 figures in Response to Risk. They are kept while you switch area"
    assert any(m.value.replace("\\", "").startswith(f":material/edit_note: **{note[:14]}**{note[14:]}") for m in at.markdown)
    assert area_options(at)[0] == "Response to Risk — 12 of 12 to enter, 2 not saved"
    at.text_input(key=f"value_2022-12_{SEEING}").input("95").run()
    at.selectbox(key="area").set_value("response-to-risk").run()
    assert at.text_input(key=f"value_2022-12_{RESPONSE[0]}").value == "91"  # as typed, before the switch
    assert at.text_area(key=f"commentary_2022-12_{RESPONSE[1]}").value == "Checked with the team"
    assert any("1 figure in Seeing Children" in m.value for m in at.markdown)
    at.text_area(key=f"commentary_2022-12_{RESPONSE[1]}").input("").run()  # back as recorded: nothing to save
    at.button(key="save").click().run()
    assert shown(at.success)[0] == "Saved: 1 new, 0 revised, 0 unchanged."
    saved = store.history(db, period="2022-12")
    assert saved[["measure_id", "value"]].values.tolist() == [[RESPONSE[0], 91.0]]  # not Seeing Children's 95
    assert area_options(at)[:2] == ["Response to Risk — 11 of 12 to enter", "Seeing Children — 5 of 5 to enter, 1 not saved"]
    assert not any("in Response to Risk" in m.value for m in at.markdown if "Not saved yet" in m.value)
    at.selectbox(key="area").set_value("seeing-children").run()
    assert at.text_input(key=f"value_2022-12_{SEEING}").value == "95"
    at.button(key="save").click().run()
    assert shown(at.success)[0] == "Saved: 1 new, 0 revised, 0 unchanged."
    assert store.history(db, measure_id=SEEING, period="2022-12")["value"].tolist() == [95.0]
    assert not [m for m in at.markdown if "Not saved yet" in m.value]


def test_a_draft_typed_over_a_figure_a_colleague_then_changed_is_refused(db):
    at = start("submit")
    at.selectbox(key="month").set_value("2022-11").run()
    at.selectbox(key="area").set_value("response-to-risk").run()
    at.text_input(key=f"value_2022-11_{RESPONSE[0]}").input("80").run()  # seen: 77.6
    at.selectbox(key="area").set_value("seeing-children").run().run()  # a while on another area
    colleague = pd.DataFrame({"measure_id": [RESPONSE[0]], "period": ["2022-11"], "value": [95.0]})
    store.record_figures(db, colleague, user=SIGNED_IN_ADMIN, source="form", reason="Corrected")
    at.selectbox(key="area").set_value("response-to-risk").run()
    assert at.text_input(key=f"value_2022-11_{RESPONSE[0]}").value == "80"
    at.text_input(key="reason").input("Recount").run()
    before = dump(db)
    at.button(key="save").click().run()
    assert "Nothing was saved: 1 figure changed after you opened this form." in shown(at.error)[0]
    assert "you saw 77.6%, it is now 95.0%" in shown(at.error)[0]
    assert dump(db) == before
    # reloaded: the colleague's figure replaces the draft, on this area and after a switch away and back
    at.button(key="reload_changed").click().run()
    assert at.text_input(key=f"value_2022-11_{RESPONSE[0]}").value == "95"
    at.selectbox(key="area").set_value("seeing-children").run().run()
    at.selectbox(key="area").set_value("response-to-risk").run()
    assert at.text_input(key=f"value_2022-11_{RESPONSE[0]}").value == "95"
    assert not [m for m in at.markdown if "Not saved yet" in m.value]
