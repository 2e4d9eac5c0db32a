"""Data entry in headless Chromium: upload a file, read the report, fix the file, confirm,
and find the new figure on the scorecard; type a figure on the monthly form."""

import io
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from kpicore import store
from tests.browser import streamlit_server, wait_idle

pytestmark = pytest.mark.browser
MEASURE = "initial-contact-decisions-made-within"
BAD = f"measure_id,period,value,commentary\n{MEASURE},2022-12,\"78,4\",Two vacancies\n".encode()
FIXED = BAD.replace(b'"78,4"', b"78.4")


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("entry") / "kpi.sqlite"
    store.initialise(path)
    return path


@pytest.fixture(scope="module")
def server(database):
    with streamlit_server(database) as url:
        yield url


def choose_file(page, name: str, data: bytes) -> None:
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )
    wait_idle(page)


def choose(page, label: str, option: str) -> None:
    page.locator("[data-testid=stSelectbox]").filter(has=page.get_by_text(label, exact=True)).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).click()
    wait_idle(page)


def test_upload_refused_then_fixed_then_on_the_scorecard(server, page, database, tmp_path):
    page.goto(f"{server}/upload")
    wait_idle(page)
    assert page.get_by_role("heading", name="Upload figures").is_visible()
    before = store.export_observations(database)

    choose_file(page, "december.csv", BAD)
    assert page.get_by_text("Refused: 1 problem(s) in december.csv; nothing was written.").is_visible()
    report = page.get_by_role("table").first
    assert report.get_by_role("cell", name="78,4", exact=True).is_visible()
    assert report.get_by_role("cell", name="value", exact=True).is_visible()
    assert report.get_by_role("cell", name="2", exact=True).is_visible()
    assert page.get_by_role("button", name="Confirm and save").count() == 0
    assert store.export_observations(database).equals(before)

    choose_file(page, "december.csv", FIXED)
    assert page.get_by_text("New figures").is_visible()
    assert page.get_by_role("cell", name="78.4%", exact=True).is_visible()
    page.get_by_role("button", name="Confirm and save").click()
    wait_idle(page)
    assert page.get_by_text("Saved december.csv: 1 new, 0 revised, 0 unchanged.").is_visible()

    page.goto(f"{server}/scorecard")
    wait_idle(page)
    assert page.get_by_text("13 months ending Dec-22").is_visible()
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.hover()
    page.mouse.wheel(3000, 0)  # scroll the table to its status column
    page.wait_for_timeout(1000)
    cells = grid.locator("td").all_inner_texts()
    row = cells.index("% of Initial contact decisions made within 24 hours")
    assert "‼ Significantly worse (Dec-22)" in cells[row:row + 5], "the measure's status is now at Dec-22"
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    table = pd.read_csv(saved).set_index("measure_id")
    assert saved.name == "scorecard-2022-12.csv" and table.at[MEASURE, "2022-12"] == 78.4
    assert page.locator("[data-testid=stException]").count() == 0 and page.errors == []


def test_the_form_previews_the_band_then_saves(server, page, database):
    page.goto(f"{server}/submit")
    wait_idle(page)
    choose(page, "Thematic area", "Response to Risk")
    choose(page, "Month", "Jan-23")
    field = page.get_by_label("Jan-23 value").first
    field.fill("91")
    field.press("Enter")
    wait_idle(page)
    assert page.get_by_text("✔ Met", exact=True).is_visible()
    page.get_by_role("button", name="Save figures").click()
    wait_idle(page)
    assert page.get_by_text("Saved: 1 new, 0 revised, 0 unchanged.").is_visible()
    versions = store.history(database, measure_id=MEASURE, period="2023-01")
    assert versions[["value", "recorded_by", "source"]].values.tolist() == [[91.0, "admin@localhost", "form"]]


def test_history_page_lists_the_new_versions(server, page):
    page.goto(f"{server}/history")
    wait_idle(page)
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.get_by_text("version(s), newest first")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    frame = pd.read_csv(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert {"upload", "form"} <= set(frame["source"])
