"""Data entry in headless Chromium: upload a file, read the report, fix the file, confirm,
and find the new figure on the scorecard; type a figure on the monthly form."""

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from kpicore import store
from tests.browser import choose as pick
from tests.browser import open_page, wait_idle

pytestmark = pytest.mark.browser
MEASURE = "initial-contact-decisions-made-within"
MEASURE_NAME = "% of Initial contact decisions made within 24 hours"
BAD = f"measure_id,period,value,commentary\n{MEASURE},2022-12,\"78,4\",Two vacancies\n".encode()
FIXED = BAD.replace(b'"78,4"', b"78.4")


def choose_file(page, name: str, data: bytes) -> None:
    """Give the uploader a file (the caller then expects what the upload must show)."""
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )


def choose(page, label: str, option: str, shows) -> None:
    """Pick ``option`` in the select box ``label``, then wait until the page ``shows`` it
    (a locator that only the rerun with the new choice matches) and that run has finished."""
    pick(page, label, option, exact=False)  # an area's option also says how many are left to enter
    expect(shows).to_be_visible()
    wait_idle(page)


def test_upload_refused_then_fixed_then_on_the_scorecard(server, page, database, tmp_path):
    open_page(page, f"{server}/upload")
    expect(page.get_by_role("heading", name="Upload figures")).to_be_visible()
    before = store.export_observations(database)

    choose_file(page, "december.csv", BAD)
    expect(page.get_by_text("Refused: 1 problem(s) in december.csv; nothing was written.")).to_be_visible()
    wait_idle(page)
    report = page.get_by_role("table").first
    expect(report.get_by_role("cell", name="78,4", exact=True)).to_be_visible()
    expect(report.get_by_role("cell", name="value", exact=True)).to_be_visible()
    expect(report.get_by_role("cell", name="2", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Confirm and save")).to_have_count(0)
    assert store.export_observations(database).equals(before)

    choose_file(page, "december.csv", FIXED)
    expect(page.get_by_text("New figures")).to_be_visible()
    expect(page.get_by_role("cell", name="78.4%", exact=True)).to_be_visible()
    wait_idle(page)
    page.get_by_role("button", name="Confirm and save").click()
    expect(page.get_by_text("Saved december.csv: 1 new, 0 revised, 0 unchanged.")).to_be_visible()

    open_page(page, f"{server}/scorecard")
    expect(page.get_by_text("13 months ending Dec-22")).to_be_visible()
    row = page.locator("table.sc tbody tr").filter(has=page.get_by_role("link", name=MEASURE_NAME, exact=True))
    expect(row).to_have_count(1)
    expect(row.locator("td.m").last).to_have_text("78.4% Significantly worse")  # the Dec-22 figure, its band named
    expect(row.locator("td.st")).to_have_text("‼ Significantly worse")  # the status is at Dec-22 itself (no "at" line)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    table = pd.read_csv(saved).set_index("measure_id")
    assert saved.name == "scorecard-2022-12.csv" and table.at[MEASURE, "2022-12"] == 78.4
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    assert page.errors == []


def test_the_form_previews_the_band_keeps_drafts_across_areas_then_saves_the_area(server, page, database):
    open_page(page, f"{server}/submit")
    expect(page.get_by_text(re.compile(r"^\d+ measure\(s\) for "))).to_be_visible()
    choose(page, "Month", "Jan-23", shows=page.get_by_text(re.compile(r"^12 measure\(s\) for Jan-23 in Response to Risk\.")))
    area = page.get_by_role("combobox", name="Area", exact=True)
    expect(area).to_have_value("Response to Risk — 12 of 12 to enter")  # January: nothing entered yet
    field = page.get_by_label(f"Jan-23 value for {MEASURE_NAME}", exact=True)
    field.fill("91")
    field.press("Enter")
    expect(page.get_by_text("✔ Met", exact=True)).to_be_visible()
    wait_idle(page)
    # another area, then back: what was typed is kept, and the page says so meanwhile
    choose(page, "Area", "Seeing Children", shows=page.get_by_text(re.compile(r"^5 measure\(s\) for Jan-23 in Seeing Children\.")))
    expect(field).to_have_count(0)
    expect(page.get_by_text(re.compile(r"Not saved yet: 1 figure in Response to Risk\. They are kept while you switch area"))).to_be_visible()
    seen = page.get_by_label(re.compile(r"^Jan-23 value for % of Children in Need seen")).first
    seen.fill("95")
    seen.press("Enter")
    expect(page.get_by_text(re.compile(r"Not saved yet: 1 figure in Response to Risk, 1 figure in Seeing Children \(on screen\)\."))).to_be_visible()
    wait_idle(page)
    choose(page, "Area", "Response to Risk", shows=page.get_by_text(re.compile(r"^12 measure\(s\) for Jan-23 in Response to Risk\.")))
    expect(field).to_have_value("91")
    expect(page.get_by_text("✔ Met", exact=True)).to_be_visible()
    page.get_by_role("button", name="Save figures").click()
    expect(page.get_by_text("Saved: 1 new, 0 revised, 0 unchanged.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Not saved yet: 1 figure in Seeing Children\."))).to_be_visible()
    expect(area).to_have_value("Response to Risk — 11 of 12 to enter")
    versions = store.history(database, period="2023-01")
    assert versions[["measure_id", "value", "recorded_by", "source"]].values.tolist() == [[MEASURE, 91.0, "admin@localhost", "form"]]


def test_history_page_lists_the_new_versions(server, page):
    open_page(page, f"{server}/history")
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.get_by_text("version(s), newest first")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    frame = pd.read_csv(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert {"upload", "form"} <= set(frame["source"])


def test_the_form_refuses_to_put_back_a_colleagues_correction(server, page, database):
    """A colleague corrects a figure while the form is open: saving is refused, naming it, and nothing is
    written; what was typed stays; one click reloads the changed figure; saving again keeps both."""
    colleague = "colleague@council.gov.uk"
    other, other_name = "end-to-end-contact-decisions-made-within", "% of end-to-end contact decisions made within 48 hours"
    store.save_user(database, colleague, role="admin", name="Colin Colleague", user=store.LOCAL_ADMIN)
    open_page(page, f"{server}/submit")
    expect(page.get_by_text(re.compile(r"^\d+ measure\(s\) for "))).to_be_visible()
    # November is all recorded: the form opens at the first area
    choose(page, "Month", "Nov-22", shows=page.get_by_text(re.compile(r"^12 measure\(s\) for Nov-22 in Response to Risk\.")))
    first, second = page.get_by_label("Nov-22 value").nth(0), page.get_by_label("Nov-22 value").nth(1)
    expect(first).to_have_value("77.6")
    expect(second).to_have_value("74.4")

    figure = pd.DataFrame({"measure_id": [MEASURE], "period": ["2022-11"], "value": [95.0]})
    store.record_figures(database, figure, user=colleague, source="form", reason="Corrected from the case system")
    before = store.history(database, period="2022-11")
    second.fill("91")
    second.press("Enter")
    card = (  # the measure's bordered box: the innermost block holding both its name and its field
        page.locator("[data-testid=stVerticalBlock]").filter(has=page.get_by_text(other_name, exact=True))
        .filter(has=page.get_by_label("Nov-22 value")).last
    )
    expect(card.get_by_text("✔ Met", exact=True)).to_be_visible()
    wait_idle(page)
    page.get_by_role("textbox", name="Reason for any revision").fill("Late cases added")
    page.get_by_role("button", name="Save figures").click()

    refusal = page.locator("[data-testid=stAlert]").filter(has_text="Nothing was saved")
    expect(refusal).to_contain_text("Nothing was saved: 1 figure changed after you opened this form.")
    expect(refusal).to_contain_text(
        f"{MEASURE_NAME}, Nov-22: you saw 77.6%, it is now 95.0%, recorded by {colleague} on "
    )
    expect(refusal).to_contain_text("What you typed is kept.")
    wait_idle(page)
    assert store.history(database, period="2022-11").equals(before)
    expect(first).to_have_value("77.6")
    expect(second).to_have_value("91")

    page.get_by_role("button", name="Reload the changed figures").click()
    expect(page.get_by_text("Reloaded 1 figure with the latest recorded values")).to_be_visible()
    expect(first).to_have_value("95")
    expect(second).to_have_value("91")
    wait_idle(page)
    page.get_by_role("button", name="Save figures").click()
    expect(page.get_by_text(re.compile(r"^Saved: 0 new, 1 revised, \d+ unchanged\.$"))).to_be_visible()
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    assert page.errors == []
    assert store.history(database, measure_id=MEASURE, period="2022-11")["value"].iloc[0] == 95.0
    assert store.history(database, measure_id=other, period="2022-11")["value"].tolist() == [91.0, 74.4]
