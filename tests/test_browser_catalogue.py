"""The Catalogue page in headless Chromium: an administrator sets a new target from Nov-22 with the
proposed tolerance, reads the preview (old → new), confirms with a reason, and finds the measure's
Nov-22 cell met on the scorecard."""

import re

import pytest
from playwright.sync_api import expect

from kpicore import store
from kpicore.store import catalogue as changes
from tests.browser import open_page, streamlit_server, wait_idle
from tests.entry import writable_db

pytestmark = pytest.mark.browser
MEASURE = "initial-contact-decisions-made-within"  # percent, higher is better; Nov-22: 77.6, significantly worse
MEASURE_NAME = "% of Initial contact decisions made within 24 hours"
REASON = "Target reset by the performance board"


def pick(page, scope, label: str, option: str) -> None:
    """Choose ``option`` in the select box ``label`` inside ``scope``."""
    scope.locator("[data-testid=stSelectbox]").filter(has=page.get_by_text(label, exact=True)).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()


def cell(table, row, column: str):
    """The cell of ``row`` under the column headed ``column`` in the scorecard's HTML table."""
    headers = [text.replace("\n", "") for text in table.locator("thead th").all_inner_texts()]
    return row.locator("th, td").nth(headers.index(column))


def test_a_new_target_from_nov_22_turns_the_scorecard_cell_met(tmp_path, page, browser):
    database = writable_db(tmp_path)
    with streamlit_server(database) as url:
        open_page(page, f"{url}/catalogue")
        expect(page.get_by_role("heading", name="Catalogue", exact=True)).to_be_visible()
        pick(page, page, "Measure", MEASURE_NAME)
        expect(page.get_by_text("In force at Nov-22: target 90.0%, tolerance 85.5%")).to_be_visible()
        wait_idle(page)

        form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Preview"))
        pick(page, form, "From month", "Nov-22")
        form.get_by_label("Target", exact=True).fill("75")
        form.get_by_text("Proposed", exact=True).click()
        form.get_by_role("button", name="Preview").click()
        expect(page.get_by_text(re.compile(r"Target: 90\.0% → 75\.0%"))).to_be_visible()
        expect(page.get_by_text(re.compile(r"Tolerance: 85\.5% → 71\.3% \(proposed\)"))).to_be_visible()
        expect(page.get_by_text(re.compile(r"From: Nov-22 onwards"))).to_be_visible()
        wait_idle(page)
        assert store.load(database).targets.query("measure_id == @MEASURE")["from_period"].tolist() == ["2021-11"]

        page.get_by_label("Reason for this target (required)").fill(REASON)
        page.get_by_role("button", name="Confirm", exact=True).click()
        expect(page.get_by_text(f"Saved: {MEASURE_NAME} from Nov-22: target 75.0%, tolerance 71.3%.")).to_be_visible()
        wait_idle(page)
        targets = store.load(database).targets.query("measure_id == @MEASURE")
        assert targets[["from_period", "target", "tolerance"]].values.tolist() == [
            ["2021-11", 90.0, 85.5], ["2022-11", 75.0, 71.3],
        ]
        assert set(changes.history(database, subject=MEASURE)["reason"]) == {REASON}
        expect(page.locator("[data-testid=stException]")).to_have_count(0)
        assert page.errors == []

        # The scorecard's row, with its extra columns: the new target and tolerance, the cell met.
        wide = browser.new_context(viewport={"width": 3000, "height": 1000}).new_page()
        wide.errors = []
        wide.on("pageerror", lambda error: wide.errors.append(str(error)))
        open_page(wide, f"{url}/scorecard?area=response-to-risk")
        expect(wide.get_by_text("13 months ending Nov-22")).to_be_visible()
        wide.get_by_text("More columns: targets, comparators, SPC").click()
        table = wide.locator("table.sc").first
        expect(table.get_by_role("columnheader", name="Target", exact=True)).to_have_count(1)
        wait_idle(wide)
        row = table.locator("tbody tr").filter(has=wide.get_by_role("link", name=MEASURE_NAME, exact=True))
        expect(row).to_have_count(1)
        expect(cell(table, row, "Target")).to_have_text("75.0%")
        expect(cell(table, row, "Tolerance")).to_have_text("71.3%")
        expect(cell(table, row, "Nov-22")).to_have_text("77.6% Met")  # the figure, and its band named (✔ drawn by CSS)
        expect(cell(table, row, "Status")).to_have_text("✔ Met")  # at Nov-22 itself: no "at" line
        assert wide.errors == []
        wide.context.close()
