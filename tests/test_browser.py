"""The app in headless Debian Chromium, served by ``streamlit run`` on a free port."""

from pathlib import Path

import pytest

from kpicore import scorecard
from tests.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(shipped_db):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed for the browser tests: install Debian's chromium ({CHROMIUM})")
    with streamlit_server(shipped_db) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_idle(page)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.errors == []


def test_scorecard_on_a_fresh_server(server, page, snapshot):
    open_page(page, f"{server}/")
    assert page.get_by_role("heading", name="Scorecard").first.is_visible()
    for area in snapshot.areas["name"]:
        assert page.get_by_role("heading", name=area).count() == 1
    assert page.get_by_text("Local mode").is_visible()


def test_download_csv_from_the_browser(server, page, snapshot, tmp_path):
    open_page(page, f"{server}/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "scorecard-2022-11.csv"
    assert saved.read_bytes() == scorecard.to_csv(scorecard.build(snapshot, "2022-11"))


def test_choose_a_period_with_the_widget(server, page):
    open_page(page, f"{server}/")
    page.get_by_label("Scorecard as at").click()
    page.get_by_role("option", name="Jun-22").click()
    wait_idle(page)
    assert page.get_by_text("13 months ending Jun-22").is_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename == "scorecard-2022-06.csv"
