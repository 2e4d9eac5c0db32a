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


def cell(page, grid, row, column: str):
    """The cell of ``row`` in the column headed ``column`` (the grid's own column index)."""
    header = grid.locator("th").filter(has_text=re.compile(f"^{re.escape(column)}$"))
    expect(header).to_have_count(1)
    return row.locator(f"td[aria-colindex='{header.get_attribute('aria-colindex')}']")


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

        # The whole scorecard row fits a wide window: every column is drawn, none scrolled away.
        wide = browser.new_context(viewport={"width": 3000, "height": 1000}).new_page()
        wide.errors = []
        wide.on("pageerror", lambda error: wide.errors.append(str(error)))
        open_page(wide, f"{url}/scorecard?area=response-to-risk")
        expect(wide.get_by_text("13 months ending Nov-22")).to_be_visible()
        grid = wide.locator("[data-testid=stDataFrame]").first
        name = wide.locator("td").filter(has_text=re.compile(f"^{re.escape(MEASURE_NAME)}$"))
        row = grid.locator("tr").filter(has=name)
        expect(row).to_have_count(1)  # the grid has drawn its rows
        expect(cell(wide, grid, row, "Target")).to_have_text("75.0%")
        expect(cell(wide, grid, row, "Tolerance")).to_have_text("71.3%")
        expect(cell(wide, grid, row, "Nov-22")).to_have_text("77.6% ✔")
        expect(cell(wide, grid, row, "Status")).to_have_text("✔ Met (Nov-22)")
        assert wide.errors == []
        wide.context.close()
