"""The Catalogue page in headless Chromium: an administrator sets a new target from Nov-22 with the
proposed tolerance, reads the preview (old → new), confirms with a reason, and finds the measure's
Nov-22 cell met on the scorecard."""

import re

import pytest
from playwright.sync_api import expect

from kpicore import store
from kpicore.files.csv_writer import write_csv
from kpicore.store import catalogue as changes
from tests.browser import choose, open_page, streamlit_server, wait_idle
from tests.entry import writable_db

pytestmark = pytest.mark.browser
MEASURE = "initial-contact-decisions-made-within"  # percent, higher is better; Nov-22: 77.6, significantly worse
MEASURE_NAME = "% of Initial contact decisions made within 24 hours"
REASON = "Target reset by the performance board"


def tab_form(page, tab: str, button: str):
    """Open the catalogue's tab ``tab`` and return its form: the one with the button ``button``."""
    page.get_by_role("tab", name=tab, exact=True).click()
    return page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name=button))


def select_second_row(page, then_shows, value: str) -> None:
    """Tick the second row's selection box in the page's first grid (drawn on a canvas: a click at its
    place) and wait until ``then_shows`` has ``value``. A click while the grid is still being redrawn
    after the last run is lost: it is tried again once the page is idle and still does not show it."""
    grid = page.locator("[data-testid=stDataFrame]").first
    for _ in range(3):
        # The grid's accessible cells hold the rows it draws: wait until it draws the row to choose.
        expect(grid.locator("td").filter(has_text=re.compile(f"^{re.escape(value)}$"))).to_have_count(1)
        box = grid.bounding_box()
        if box is None:  # redrawn between the two lines above
            continue
        page.mouse.click(box["x"] + 12, box["y"] + 35 + 35 + 17)  # the second row's selection box
        try:
            expect(then_shows).to_have_value(value, timeout=10_000)
            break
        except AssertionError:
            wait_idle(page)
            if then_shows.input_value() == value:
                break
    expect(then_shows).to_have_value(value)
    wait_idle(page)


def cell(table, row, column: str):
    """The cell of ``row`` under the column headed ``column`` in the scorecard's HTML table."""
    headers = [text.replace("\n", "") for text in table.locator("thead th").all_inner_texts()]
    return row.locator("th, td").nth(headers.index(column))


def test_a_new_target_from_nov_22_turns_the_scorecard_cell_met(tmp_path, page, browser):
    database = writable_db(tmp_path)
    with streamlit_server(database) as url:
        open_page(page, f"{url}/catalogue")
        expect(page.get_by_role("heading", name="Catalogue", exact=True)).to_be_visible()
        choose(page, "Measure", MEASURE_NAME)
        expect(page.get_by_text("In force at Nov-22: target 90.0%, tolerance 85.5%")).to_be_visible()
        wait_idle(page)

        form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Preview"))
        choose(page, "From month", "Nov-22", scope=form)
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


def test_every_other_catalogue_control(tmp_path, page):
    """The finder (search, area, month), a row choosing the measure, the comparator, ending a target,
    retiring and reinstating, adding and renaming an area, the history's toggle and download; axe on the page."""
    from kpicore.reports.catalogue import catalogue
    from tests.accessibility import serious
    from ui import catalogue_tables as tables

    database = writable_db(tmp_path)
    snapshot = store.load(database)
    latest = tables.latest_month(snapshot)
    with streamlit_server(database) as url:
        open_page(page, f"{url}/catalogue")
        expect(page.get_by_text("84 of 84 measures.")).to_be_visible()
        assert serious(page) == []

        page.get_by_label("Find a measure").fill("audit")
        page.get_by_label("Find a measure").press("Enter")
        found = tables.find(catalogue(snapshot, latest), "audit", None)
        expect(page.get_by_text(f"{len(found)} of 84 measures.")).to_be_visible()
        wait_idle(page)
        choose(page, "Thematic area", "Quality Assurance", scope=page.locator(".st-key-catalogue_area"))
        found = tables.find(catalogue(snapshot, latest), "audit", "quality-assurance")
        expect(page.get_by_text(f"{len(found)} of 84 measures.")).to_be_visible()
        wait_idle(page)

        second = found["name"].iloc[1]
        select_second_row(page, then_shows=page.get_by_role("combobox", name="Measure", exact=True), value=second)

        choose(page, "In force at", "Nov-21", scope=page.locator(".st-key-catalogue_at"))
        expect(page.get_by_text(re.compile(r"^In force at Nov-21: target"))).to_be_visible()
        wait_idle(page)

        form = tab_form(page, "Comparator", "Save the comparator")
        form.get_by_label("Comparator value").fill("70")
        form.get_by_label("Source or comparator text").fill("England 2021-22")
        form.get_by_label("Reason (required)").fill("Published national figures")
        form.get_by_role("button", name="Save the comparator").click()
        expect(page.get_by_text(re.compile(rf"^Saved: {re.escape(second)}'s comparator from"))).to_be_visible()
        wait_idle(page)
        measure_id = found["measure_id"].iloc[1]
        assert store.load(database).comparators.query("measure_id == @measure_id")["label"].iloc[-1] == "England 2021-22"

        form = tab_form(page, "End or remove a target", "End the target")
        form.get_by_label("Reason (required)").fill("No agreed target")
        form.get_by_role("button", name="End the target").click()
        expect(page.get_by_text(re.compile(rf"^Saved: {re.escape(second)} has no target from"))).to_be_visible()
        wait_idle(page)

        form = tab_form(page, "Retire or reinstate", "Retire the measure")
        form.get_by_label("Reason (required)").fill("Replaced")
        form.get_by_role("button", name="Retire the measure").click()
        expect(page.get_by_text(re.compile(rf"^Retired {re.escape(second)} from"))).to_be_visible()
        wait_idle(page)
        form = tab_form(page, "Retire or reinstate", "Reinstate the measure")
        form.get_by_label("Reason (required)").fill("Back again")
        form.get_by_role("button", name="Reinstate the measure").click()
        expect(page.get_by_text(f"Reinstated {second}.")).to_be_visible()
        wait_idle(page)
        assert store.load(database).measures.set_index("measure_id")["retired_from"].isna()[measure_id]

        form = tab_form(page, "Add an area", "Add the area")
        form.get_by_role("textbox", name="Id").fill("early-help")
        form.get_by_label("Name").fill("Early Help")
        form.get_by_label("Reason (required)").fill("New service")
        form.get_by_role("button", name="Add the area").click()
        expect(page.get_by_text("Added the area Early Help.")).to_be_visible()
        wait_idle(page)
        form = tab_form(page, "Rename an area", "Rename the area")
        choose(page, "Area", "Early Help", scope=form.locator(".st-key-rename_area_id"))
        form.get_by_label("New name").fill("Early Help and Prevention")
        form.get_by_label("Reason (required)").fill("Service renamed")
        form.get_by_role("button", name="Rename the area").click()
        expect(page.get_by_text("Renamed Early Help to Early Help and Prevention.")).to_be_visible()
        wait_idle(page)
        assert "Early Help and Prevention" in store.load(database).areas["name"].tolist()

        everything = changes.history(database)
        expect(page.get_by_text(f"{len(everything)} change(s), newest first")).to_be_visible()
        page.get_by_text("Only the chosen measure").click()
        mine = changes.history(database, subject=measure_id)
        assert 0 < len(mine) < len(everything)
        expect(page.get_by_text(f"{len(mine)} change(s), newest first")).to_be_visible()
        wait_idle(page)
        assert serious(page) == []
        with page.expect_download() as started:
            page.get_by_role("button", name="Download the change history (CSV)").click()
        assert open(started.value.path(), "rb").read() == write_csv(mine)
        expect(page.locator("[data-stale=true]")).to_have_count(0)  # the download's rerun has drawn the page
        wait_idle(page)

        form = tab_form(page, "Edit the measure", "Save changes")
        form.get_by_label("Name", exact=True).fill(second + " (revised)")
        form.get_by_text("Killer KPI", exact=True).click()
        form.get_by_label("Reason (required)").fill("Renamed by the board")
        form.get_by_role("button", name="Save changes").click()
        expect(page.get_by_text(f"Saved: name, killer kpi of {second} (revised).")).to_be_visible()
        wait_idle(page)
        edited = store.load(database).measures.set_index("measure_id").loc[measure_id]
        assert edited["name"] == second + " (revised)" and bool(edited["killer_kpi"]) != bool(found["killer_kpi"].iloc[1])

        form = tab_form(page, "Add a measure", "Add the measure")
        form.get_by_role("textbox", name="Id").fill("initial-visits-within-3-days")
        form.get_by_label("Name", exact=True).fill("% of initial visits within 3 days")
        form.get_by_label("Reason (required)").fill("New measure agreed for 2023-24")
        form.get_by_role("button", name="Add the measure").click()
        expect(page.get_by_text("Added % of initial visits within 3 days (initial-visits-within-3-days).")).to_be_visible()
        wait_idle(page)
        assert "initial-visits-within-3-days" in store.load(database).measures["measure_id"].tolist()
        assert serious(page) == []
        expect(page.locator("[data-testid=stException]")).to_have_count(0)
        assert page.errors == []
