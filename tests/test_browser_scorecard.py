"""The Scorecard page in headless Chromium: every control driven as a person would, what they see asserted.

The layout at 1280×800 with the sidebar open (every month and the status without scrolling sideways) and
at 390×844 (a card per measure), axe-core at both sizes, the month, each filter, the extra columns, the
pages of a large scorecard, the measure's link by mouse and keyboard, and both downloads.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from kpicore import store
from kpicore.periods import label, window
from kpicore.reports import scorecard
from kpicore.reports.filters import Filters
from kpicore.spc import Assurance, PointType
from tests.browser import choose, open_page, streamlit_server, wait_idle
from tests.test_scorecard_page import region_db  # noqa: F401 - the fixture: 150 synthetic measures

pytestmark = pytest.mark.browser
PERIOD = "2022-11"
ROW_LINKS = "table.sc tbody th[scope=row] a"
# What axe reports on the scorecard that is not the page's own content, each checked to be exactly that:
# Streamlit's own navigation list at phone width (its <ul> holds <div>s), and the identity banner's
# caption (another page's text, in the theme's caption grey).
NOT_OURS = """node => {
    const element = document.querySelector(node);
    if (!element) return false;
    return Boolean(element.closest("[data-testid=stSidebarNavItems]"))
        || element.textContent.includes("Local mode: you are the administrator");
}"""


@pytest.fixture(scope="module")
def server(shipped_db):
    with streamlit_server(shipped_db) as url:
        yield url


@pytest.fixture(scope="module")
def full(snapshot):
    """The scorecard as at Nov-22, every measure, as the page builds it."""
    return scorecard.build(snapshot, PERIOD)


def shown_ids(page, count: int) -> list[str]:
    """The measure of every table row on screen, in order (each row header's link), once ``count`` are drawn."""
    expect(page.locator(ROW_LINKS)).to_have_count(count)
    return page.locator(ROW_LINKS).evaluate_all("links => links.map(a => new URL(a.href).searchParams.get('measure'))")


def expect_count(page, text: str) -> None:
    """Wait for the count line to say ``text`` (only the run with the new choice shows it) and that run to end."""
    expect(page.get_by_text(text)).to_be_visible()
    wait_idle(page)


def test_every_month_and_the_status_fit_1280_with_the_sidebar_open(server, page, full):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, f"{server}/scorecard")
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
    expect(page.get_by_test_id("stSidebar").get_by_label("Search measures")).to_be_in_viewport()
    expect(page.locator("table.sc")).to_have_count(10)
    for table in page.locator("table.sc").all():
        table.scroll_into_view_if_needed()
        latest = table.locator("thead th").filter(has_text=re.compile(f"^{label(PERIOD)}$"))
        status = table.locator("tbody tr").first.locator("td").last
        name = table.locator("tbody th[scope=row]").first
        for cell in (latest, status, name):
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
        assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    first = page.locator("table.sc tbody tr").first
    expect(first.locator("td.st")).to_have_text("‼ Significantly worse")
    expect(first.locator("td.dot")).to_have_text("↑ improving")
    latest_cell = first.locator("td.m").last
    expect(latest_cell).to_have_css("background-color", "rgb(122, 31, 92)")  # significantly worse's fill
    assert latest_cell.evaluate("e => getComputedStyle(e, '::after').content").startswith('"‼"')
    assert shown_ids(page, 84) == full["measure_id"].tolist()


def test_a_phone_gets_a_card_per_measure(server, browser, full):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.errors = []
    open_page(page, f"{server}/scorecard")
    expect(page.locator("table.sc").first).to_be_hidden()
    cards = page.locator("li.sc-card")
    expect(cards).to_have_count(84)
    card = cards.first
    card.scroll_into_view_if_needed()
    name = card.get_by_role("link", name=full["measure"].iloc[0])
    latest = card.locator("p .sc-chip").first
    status = card.locator("p .sc-chip").last
    expect(latest).to_have_text("Nov-22: 77.6% ‼")
    expect(status).to_have_text("‼ Significantly worse")
    for part in (name, latest, status):
        expect(part).to_be_in_viewport()
        box = part.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    strip = card.locator("ol.sc-strip li")
    expect(strip).to_have_count(13)
    expect(strip.last).to_have_text("Nov-22: 77.6%, Significantly worse")  # the month named for screen readers
    assert strip.last.evaluate("e => getComputedStyle(e, '::after').content").startswith('"‼"')  # its symbol shown
    context.close()


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)])
def test_axe_finds_nothing_serious_in_the_scorecard(server, browser, size):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.errors = []
    open_page(page, f"{server}/scorecard")
    expect(page.locator("section.sc-area")).to_have_count(10)
    # axe checks only what is on screen inside Streamlit's scrolling main area: make the window as tall
    # as the page (the width, and so the layout, stays) so that it checks every row and card.
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": size[0], "height": height})
    results = Axe().run(page)
    serious = [
        (violation["id"], node["html"])
        for violation in results.response["violations"] if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"] if not page.evaluate(f"({NOT_OURS})({node['target'][-1]!r})")
    ]
    assert serious == []
    context.close()


def test_the_month_selector_moves_the_window(server, page):
    open_page(page, f"{server}/scorecard")
    choose(page, "Scorecard as at", "Jun-22")
    expect_count(page, "13 months ending Jun-22: 84 of 84 measures")
    headers = page.locator("table.sc").first.locator("thead th").all_inner_texts()
    assert [h.replace("\n", "") for h in headers[1:14]] == [label(m) for m in window("2022-06", 13)]


FILTERS = {
    "area": (lambda page: choose(page, "Thematic area", "Quality Assurance", many=True), Filters(areas=("quality-assurance",))),
    "status": (lambda page: choose(page, "Status", "✔ Met", many=True), Filters(bands=("met",))),
    "killer": (lambda page: page.get_by_text("Killer KPIs only").click(), Filters(killer_only=True)),
    "trend": (lambda page: choose(page, "Since last period", "Worsening", many=True), Filters(trends=("worsening",))),
    "search": (
        lambda page: page.get_by_label("Search measures").fill("audit") or page.keyboard.press("Enter"),
        Filters(search="audit"),
    ),
    "variation": (
        lambda page: choose(page, "SPC variation", PointType.COMMON_CAUSE.label, many=True), Filters(variation=(PointType.COMMON_CAUSE.value,))
    ),
    "assurance": (
        lambda page: choose(page, "SPC assurance", Assurance.HIT_AND_MISS.label, many=True), Filters(assurance=(Assurance.HIT_AND_MISS.value,))
    ),
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_each_filter_narrows_the_rows(server, page, snapshot, full, name):
    act, filters = FILTERS[name]
    expected = filters.apply(full, snapshot.measures)
    assert 0 < len(expected) < 84
    open_page(page, f"{server}/scorecard")
    act(page)
    expect_count(page, f"13 months ending Nov-22: {len(expected)} of 84 measures (filtered)")
    assert shown_ids(page, len(expected)) == expected["measure_id"].tolist()
    expect(page).to_have_url(re.compile(r"[?&](area|band|killer|trend|q|variation|assurance)="))  # a link to this view


def test_filters_show_what_they_say(server, page, snapshot, full):
    """Beyond the rows: the status cells, the stars and the words say what was filtered on."""
    checks = [
        ("band=met", Filters(bands=("met",)), "table.sc td.st", lambda text: text.startswith("✔ Met")),
        ("killer=1", Filters(killer_only=True), ROW_LINKS, lambda text: text.startswith("★")),
        ("trend=worsening", Filters(trends=("worsening",)), "table.sc td.dot", lambda text: text.endswith(" worsening")),
    ]
    for query, filters, cells, says in checks:
        open_page(page, f"{server}/scorecard?{query}")
        count = len(filters.apply(full, snapshot.measures))
        expect(page.locator(cells)).to_have_count(count)
        texts = page.locator(cells).all_inner_texts()
        assert all(says(text) for text in texts), (query, texts)


def test_more_columns_show_targets_comparators_and_spc(server, page, full):
    open_page(page, f"{server}/scorecard")
    expect(page.get_by_role("columnheader", name="SPC assurance")).to_have_count(0)
    page.get_by_text("More columns: targets, comparators, SPC").click()
    expect(page.get_by_role("columnheader", name="SPC assurance")).to_have_count(10)
    wait_idle(page)
    first = page.locator("table.sc tbody tr").first
    expect(first.locator("td.xt").nth(2)).to_have_text("~ Common cause")  # SPC variation
    expect(first.locator("td.x").nth(2)).to_have_text(f"{full['target'].iloc[0]:.1f}%")  # target (a percentage)


def test_a_large_scorecard_pages_with_previous_and_next(region_db, page, tmp_path):  # noqa: F811
    everything = scorecard.build(store.load(region_db))["measure_id"].tolist()
    with streamlit_server(region_db) as url:
        open_page(page, f"{url}/scorecard")
        expect(page.get_by_text("measures 1 to 100 on this page")).to_be_visible()
        assert shown_ids(page, 100) == everything[:100]
        expect(page.get_by_role("button", name="← Previous")).to_be_disabled()
        page.get_by_role("button", name="Next →").click()
        expect_count(page, "measures 101 to 150 on this page")
        assert shown_ids(page, 50) == everything[100:]
        expect(page.get_by_text("Page 2 of 2")).to_be_visible()
        expect(page.get_by_role("button", name="Next →")).to_be_disabled()
        page.get_by_role("button", name="← Previous").click()
        expect_count(page, "measures 1 to 100 on this page")
        assert shown_ids(page, 100) == everything[:100]
        # More than a page: the workbook is built when the button is pressed, and holds every measure.
        with page.expect_download() as event:
            page.get_by_role("button", name="Download Excel").click()
        saved = tmp_path / event.value.suggested_filename
        event.value.save_as(saved)
        sheet = openpyxl.load_workbook(saved)["Scorecard"]
        header = [cell.value for cell in sheet[2]]
        assert [row[header.index("measure_id")].value for row in sheet.iter_rows(min_row=3)] == everything


def test_a_measure_name_opens_the_explorer_by_mouse(server, page, full):
    open_page(page, f"{server}/scorecard?area=repeat-work")
    first = full[full["area"] == "Repeat Work"].iloc[0]
    page.get_by_role("link", name=first["measure"]).first.click()
    page.wait_for_url(f"**/explorer?measure={first['measure_id']}")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Measure explorer")).to_be_visible()
    expect(page.get_by_text(first["measure_id"], exact=True)).to_be_visible()


def test_a_measure_name_opens_the_explorer_by_keyboard(server, page, full):
    open_page(page, f"{server}/scorecard?q=audit")
    first = full[full["measure"].str.lower().str.contains("audit")].iloc[0]
    link = page.get_by_role("link", name=first["measure"]).first
    page.get_by_role("link", name="Glossary: every term and symbol explained (About)").focus()
    page.keyboard.press("Tab")  # the next stop after the glossary: the first measure's name
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/explorer?measure={first['measure_id']}")
    wait_idle(page)
    expect(page.get_by_text(first["measure_id"], exact=True)).to_be_visible()


def test_both_downloads_hold_the_rows_on_screen(server, page, tmp_path):
    open_page(page, f"{server}/scorecard?area=quality-assurance&q=audit")
    on_screen = shown_ids(page, 4)
    with page.expect_download() as event:
        page.get_by_role("button", name="Download CSV").click()
    assert event.value.suggested_filename == "scorecard-2022-11.csv"
    saved = tmp_path / "scorecard.csv"
    event.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert [row["measure_id"] for row in rows] == on_screen
    with page.expect_download() as event:
        page.get_by_role("button", name="Download Excel").click()
    workbook = tmp_path / "scorecard.xlsx"
    event.value.save_as(workbook)
    sheet = openpyxl.load_workbook(workbook)["Scorecard"]
    header = [cell.value for cell in sheet[2]]
    assert [row[header.index("measure_id")].value for row in sheet.iter_rows(min_row=3)] == on_screen
