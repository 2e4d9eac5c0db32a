"""The measure explorer in headless Chromium: every control driven as a person would, and what they see.

The measure selector by mouse and keyboard is in ``tests/test_browser.py``. Here: the chart's name
and description, the baseline toggle, both downloads (checked against the figures they come from),
the re-base and withdraw forms, the loading spinner, a phone's width, and the screenshot of the
explorer after choosing a second measure (``docs/screenshots/explorer-second-measure.png``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kpicore import store
from kpicore.files.csv_writer import write_csv
from kpicore.reports import charts, explorer
from tests.browser import ROOT, open_page, streamlit_server, wait_idle
from tests.browser import choose as pick
from ui import present

pytestmark = pytest.mark.browser
RINGED = "utilisation-of-available-in-house-foster"
REBASED = "initial-contact-decisions-made-within"
WITHDRAWN = "icpcs-that-took-place-within-15-w-days"
IHAS = "% of IHAs (initial health assessments) completed on time - in-month"
SCREENSHOT = ROOT / "docs" / "screenshots" / "explorer-second-measure.png"
# The page's text as a screen reader has it: without what is hidden from it (icons' ligature names).
READ_ALOUD = """() => {
    const main = document.querySelector("[data-testid=stMain]").cloneNode(true);
    for (const hidden of main.querySelectorAll("[aria-hidden=true]")) hidden.remove();
    return main.innerText;
}"""
INTERNAL = re.compile(r"\bNone\b|\bnan\b|\blpl\b|\bupl\b|\w_\w")  # Python's None, stored field names
# Records, from before the app's first byte, every text a spinner shows.
WATCH_SPINNERS = """() => {
    window.spinners = [];
    new MutationObserver(() => {
        for (const e of document.querySelectorAll("[data-testid=stSpinner]")) window.spinners.push(e.innerText.trim());
    }).observe(document, {subtree: true, childList: true, characterData: true});
}"""


def chart(page):
    """The explorer's chart once Vega has drawn it: its element carries the chart's accessible name."""
    element = page.get_by_test_id("stVegaLiteChart")
    expect(element.locator("svg.marks")).to_be_attached()
    return element


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box ``label`` once the page is idle, and wait for the run it starts."""
    wait_idle(page)
    pick(page, label, option)
    wait_idle(page)


def download(page, name: str, folder: Path) -> bytes:
    with page.expect_download() as event:
        page.get_by_role("button", name=name).click()
    saved = folder / event.value.suggested_filename
    event.value.save_as(saved)
    return saved.read_bytes()


def test_the_chart_is_named_and_described_for_a_screen_reader(server, page, database):
    open_page(page, f"{server}/explorer?measure={RINGED}")
    history = explorer.measure_history(store.load(database), RINGED)
    drawn = chart(page)
    expect(drawn).to_have_attribute("role", "graphics-document")
    expect(drawn).to_have_attribute("aria-label", charts.summary(history))
    expect(drawn.locator("[aria-label='Special cause, concern: Sep-22']")).to_have_count(1)
    expect(drawn.get_by_text("SPC special cause")).to_have_count(1)  # the rings' legend
    expect(page.get_by_role("heading", name="Chart")).to_be_visible()
    expect(page.get_by_role("heading", name="SPC signals")).to_be_visible()
    expect(page.get_by_text("orange square for concern")).to_be_visible()  # the caption says what the shapes mean
    assert INTERNAL.findall(page.evaluate(READ_ALOUD)) == []


def test_the_baseline_toggle_fixes_the_limits_on_the_first_12_months(server, page, database, tmp_path):
    open_page(page, f"{server}/explorer?measure={RINGED}")
    close_to_limit = page.get_by_text("Two of three points close to a process limit (below): Aug-22, Oct-22.")
    expect(close_to_limit).to_have_count(0)
    expect(chart(page).locator("[aria-label='SPC mean 95.2%']")).to_have_count(1)
    page.get_by_text("Fix the SPC limits on the first 12 months (baseline)").click()
    expect(close_to_limit).to_be_visible()
    wait_idle(page)
    expect(chart(page).locator("[aria-label='SPC mean 95.9%']")).to_have_count(1)
    fixed = explorer.measure_history(store.load(database), RINGED, 12)
    assert download(page, "Download chart (PNG)", tmp_path) == charts.chart_png(charts.measure_chart(fixed))
    assert download(page, "Download CSV", tmp_path) == write_csv(present.figures_export(fixed))


def test_re_base_from_the_explorer(server, page):
    open_page(page, f"{server}/explorer?measure={REBASED}")
    page.get_by_text("New SPC periods (re-bases): 0").click()
    choose(page, "New SPC period starts in", "Jul-22")
    page.get_by_label("Reason (required)").fill("New triage team from July")
    page.get_by_role("button", name="Save re-base").click()
    expect(page.get_by_text("Saved the re-base at Jul-22.")).to_be_visible()
    expect(page.get_by_text("New SPC periods (re-bases): 1")).to_be_visible()
    expect(page.get_by_text(re.compile("since the re-base at Jul-22"))).to_be_visible()


def test_withdraw_a_figure_from_the_explorer(server, page, database):
    open_page(page, f"{server}/explorer?measure={WITHDRAWN}")
    expect(chart(page)).to_have_attribute("aria-label", re.compile(r"Latest, Nov-22: 61\.5%"))
    page.get_by_text("Withdraw a figure").click()
    choose(page, "Month of the figure", "Nov-22")
    page.get_by_label("Reason for withdrawing it (required)").fill("Entered against the wrong month")
    page.get_by_role("button", name="Withdraw the figure").click()
    expect(page.get_by_text("Withdrew the figure for Nov-22.")).to_be_visible()
    wait_idle(page)
    expect(chart(page)).to_have_attribute("aria-label", re.compile(r"from Nov-21 to Oct-22\. Latest, Oct-22: 83\.6%"))
    history = store.history(database, measure_id=WITHDRAWN)
    assert "Entered against the wrong month" in set(history["reason"])


def test_a_spinner_says_what_is_loading_on_a_fresh_server(database, page):
    """Straight after a start the caches are empty: the explorer says it is loading, and then shows the chart."""
    page.add_init_script(f"({WATCH_SPINNERS})()")
    with streamlit_server(database) as fresh:
        open_page(page, f"{fresh}/explorer?measure={RINGED}")
        chart(page)
        assert "Loading this measure's figures and chart…" in page.evaluate("window.spinners")


def test_the_chart_and_its_legends_fit_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.errors = []
        open_page(page, f"{server}/explorer?measure={RINGED}")
        drawn = chart(page)
        right = drawn.evaluate("e => e.getBoundingClientRect().right")
        legends = drawn.evaluate("e => [...e.querySelectorAll('g.role-legend')].map(g => g.getBoundingClientRect().right)")
        assert len(legends) == 2 and max(legends) <= right <= 390
    finally:
        context.close()


def test_choose_a_second_measure_and_keep_a_screenshot(server, browser):
    """The explorer at 1280x800 after choosing a second measure in the selector: saved for the docs."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.errors = []
        open_page(page, f"{server}/explorer?measure={RINGED}")
        choose(page, "Measure", IHAS)
        expect(page).to_have_url(re.compile(r"[?&]measure=timely-of-ihas-in-month\b"))
        wait_idle(page)
        expect(chart(page)).to_have_attribute("aria-label", re.compile(re.escape(f"Line chart of {IHAS}")))
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOT, full_page=False)
    finally:
        context.close()
