"""The app in headless Debian Chromium, served by ``streamlit run`` on a free port."""

from pathlib import Path

import openpyxl
import pytest

from kpicore.files.csv_writer import write_csv
from kpicore.reports import scorecard
from kpicore.vocab import BAND_STYLE, Band
from tests.browser import streamlit_server, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(shipped_db):
    with streamlit_server(shipped_db) as url:
        yield url


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_idle(page)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.errors == []


def test_scorecard_deep_link_on_a_fresh_server(server, page, snapshot):
    open_page(page, f"{server}/scorecard")
    assert page.get_by_role("heading", name="Scorecard").first.is_visible()
    for area in snapshot.areas["name"]:
        assert page.get_by_role("heading", name=area).count() == 1
    assert page.get_by_text("Local mode").is_visible()


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/", "Overview"), ("/scorecard", "Scorecard"), ("/explorer", "Measure explorer"), ("/about", "About this dashboard")],
)
def test_every_page_loads_without_an_exception(server, page, path, heading):
    open_page(page, server + path)
    assert page.get_by_role("heading", name=heading).first.is_visible()


def test_filter_through_the_url(server, page):
    open_page(page, f"{server}/scorecard?band=met&killer=1")
    assert page.get_by_text("13 months ending Nov-22: 3 of 84 measures (filtered)").is_visible()
    assert page.get_by_role("heading", name="Response to Risk").count() == 0


def test_filter_through_a_widget_updates_the_url(server, page):
    open_page(page, f"{server}/scorecard")
    page.get_by_text("Killer KPIs only").click()
    wait_idle(page)
    assert page.get_by_text("15 of 84 measures (filtered)").is_visible()
    assert "killer=1" in page.url


def download(page, name: str, folder: Path) -> Path:
    with page.expect_download() as event:
        page.get_by_role("button", name=name).click()
    saved = folder / event.value.suggested_filename
    event.value.save_as(saved)
    return saved


def test_download_csv_and_excel_from_the_browser(server, page, snapshot, tmp_path):
    open_page(page, f"{server}/scorecard?area=seeing-children")
    saved = download(page, "Download CSV", tmp_path)
    assert saved.name == "scorecard-2022-11.csv"
    table = scorecard.build(snapshot, "2022-11", area="seeing-children")
    assert saved.read_bytes() == write_csv(table)
    workbook = openpyxl.load_workbook(download(page, "Download Excel", tmp_path))
    sheet = workbook["Scorecard"]
    header = [cell.value for cell in sheet[2]]
    assert sheet.max_row == 2 + len(table)
    for row in sheet.iter_rows(min_row=3):
        for month in [c for c in header if c[:2] == "20" and len(c) == 7]:
            band = row[header.index(f"band_{month}")].value.split(" ", 1)[1]
            cell = row[header.index(month)]
            if band != "no_data":
                assert cell.fill.fgColor.rgb[-6:] == BAND_STYLE[Band(band)]["fill"][1:].upper()


def test_choose_a_period_with_the_widget(server, page):
    open_page(page, f"{server}/scorecard")
    page.get_by_label("Scorecard as at").click()
    page.get_by_role("option", name="Jun-22").click()
    wait_idle(page)
    assert page.get_by_text("13 months ending Jun-22").is_visible()
    assert "period=2022-06" in page.url
    with page.expect_download() as event:
        page.get_by_role("button", name="Download CSV").click()
    assert event.value.suggested_filename == "scorecard-2022-06.csv"


def test_explorer_chart_and_png(server, page, tmp_path):
    open_page(page, f"{server}/explorer?measure=utilisation-of-available-in-house-foster")
    assert page.locator("[data-testid=stVegaLiteChart]").count() == 1
    assert page.get_by_text("Point outside the process limits (below): Sep-22").is_visible()
    png = download(page, "Download chart (PNG)", tmp_path)
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_selecting_a_scorecard_row_opens_it_in_the_explorer(server, page):
    open_page(page, f"{server}/scorecard?area=repeat-work")
    grid = page.locator("[data-testid=stDataFrame]").first.bounding_box()
    page.mouse.click(grid["x"] + 12, grid["y"] + 35 + 17)  # the first row's selection box
    wait_idle(page)
    page.wait_for_url("**/explorer?measure=repeat-referrals-in-month-previous-referral")
    assert page.get_by_role("heading", name="Measure explorer").is_visible()
