"""The app in headless Debian Chromium, served by ``streamlit run`` on a free port."""

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest
from playwright.sync_api import expect

from kpicore.files.csv_writer import write_csv
from kpicore.reports import scorecard
from kpicore.vocab import BAND_STYLE, Band
from tests.browser import ROOT, choose, open_page, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
# The names Streamlit's legacy multipage mode gives the files beside and under pages/: the
# links of its own navigation, which must never appear (the app's navigation has titles).
RAW_PAGE_NAMES = ["streamlit app", *sorted(p.stem for p in (ROOT / "pages").glob("*.py"))]
# Records, from before the app's first byte, anything of that navigation that ever appears.
WATCH_RAW_NAVIGATION = """names => {
    window.rawNavigation = [];
    const raw = new Set(names);
    const look = () => {
        for (const e of document.querySelectorAll("[data-testid^=stSidebarNav]")) {
            window.rawNavigation.push(e.dataset.testid);
        }
        for (const a of document.querySelectorAll("a")) {
            if (raw.has(a.textContent.trim())) window.rawNavigation.push(a.textContent.trim());
        }
    };
    new MutationObserver(look).observe(document, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture(scope="module")
def server(shipped_db):
    with streamlit_server(shipped_db) as url:
        yield url


def test_scorecard_deep_link_on_a_fresh_server(shipped_db, page, snapshot):
    """The very first visit to a new server: Streamlit runs it in its legacy multipage mode,
    and the page still comes with the app's navigation, page config and sign-in check."""
    page.add_init_script(f"({WATCH_RAW_NAVIGATION})({RAW_PAGE_NAMES!r})")
    with streamlit_server(shipped_db) as fresh:
        open_page(page, f"{fresh}/scorecard")
        expect(page.get_by_role("heading", name="Scorecard", exact=True)).to_be_visible()
        for area in snapshot.areas["name"]:
            expect(page.get_by_role("heading", name=area, exact=True)).to_have_count(1)
        expect(page.get_by_text("Local mode: you are the administrator")).to_be_visible()
        navigation = page.get_by_test_id("stTopNav")
        expect(navigation).to_be_visible()
        for title in ["Overview", "Scorecard", "Measure explorer", "About", "Data entry"]:
            expect(navigation.get_by_text(title, exact=True)).to_be_visible()
        expect(page).to_have_title("Scorecard · Children's services performance")
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        for name in RAW_PAGE_NAMES:
            expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
        assert page.evaluate("window.rawNavigation") == []


# Every URL the app declares to the local administrator: its page's heading, and the browser tab's title.
PAGES = [
    ("/", "Overview", "Overview"),
    ("/overview", "Overview", "Overview"),
    ("/scorecard", "Scorecard", "Scorecard"),
    ("/explorer", "Measure explorer", "Measure explorer"),
    ("/about", "About this dashboard", "About"),
    ("/submit", "Submit", "Submit"),
    ("/upload", "Upload", "Upload"),
    ("/returns", "Returns", "Returns"),
    ("/history", "History", "History"),
    ("/users", "Users", "Users"),
    ("/locks", "Locked months", "Locked months"),
    ("/catalogue", "Catalogue", "Catalogue"),
]


# Records, from before the app's first byte, the text and path of every link any navigation ever shows.
WATCH_NAVIGATION_LINKS = """() => {
    window.navigationLinks = [];
    new MutationObserver(() => {
        for (const a of document.querySelectorAll("[data-testid*=Nav] a, nav a")) {
            window.navigationLinks.push([a.innerText.trim().split("\\n").pop(), new URL(a.href).pathname]);
        }
    }).observe(document, {subtree: true, childList: true, characterData: true});
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_only_the_apps_own_navigation_ever_shows_after_a_fresh_start(shipped_db, browser, width):
    """From the first byte of a first visit to a new server, on a laptop and on a phone (where the
    navigation folds into a menu): every navigation link is one of the app's pages, by its title
    and its declared URL; never Streamlit's list of the files in pages/."""
    context = browser.new_context(viewport={"width": width, "height": 844})
    try:
        page = context.new_page()
        page.errors = []
        page.add_init_script(f"({WATCH_NAVIGATION_LINKS})()")
        with streamlit_server(shipped_db) as fresh:
            open_page(page, f"{fresh}/")
            expect(page.get_by_role("heading", name="Overview").first).to_be_visible()
            links = {tuple(link) for link in page.evaluate("window.navigationLinks")}
    finally:
        context.close()
    declared = {(title, path) for path, _, title in PAGES if path != "/"}  # the navigation links /overview
    assert links and links <= declared, sorted(links - declared)
    assert not {name for name, _ in links} & set(RAW_PAGE_NAMES)


@pytest.mark.parametrize(("path", "heading", "title"), PAGES)
def test_every_page_loads_without_an_exception(server, page, path, heading, title):
    """Each declared URL opens its page (``/overview`` too, not "Page not found"), with its own tab title."""
    open_page(page, server + path)
    expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    expect(page).to_have_title(f"{title} · Children's services performance")
    expect(page.get_by_text("Page not found")).to_have_count(0)


def test_the_navigation_links_the_overview_at_its_own_url(server, page):
    open_page(page, f"{server}/scorecard")
    overview = page.get_by_test_id("stTopNav").get_by_role("link", name="Overview")
    expect(overview).to_have_attribute("href", f"{server}/overview")
    overview.click()
    expect(page.get_by_role("heading", name="Overview").first).to_be_visible()
    expect(page).to_have_url(f"{server}/overview")
    expect(page.get_by_test_id("stTopNav").locator("[aria-current=page]")).to_have_text(re.compile("Overview$"))


def test_no_request_leaves_the_machine(server, browser):
    """Every request of every page, the favicon's included, goes to the app's own host: a council
    network with no internet loses nothing (a Material-icon favicon came from a font host)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    requested: list[str] = []
    try:
        page = context.new_page()
        page.errors = []
        page.on("request", lambda request: requested.append(request.url))
        page.on("websocket", lambda socket: requested.append(socket.url))
        for path in ["/", "/scorecard", "/explorer", "/about", "/submit"]:
            open_page(page, server + path)
            expect(page.locator("link[rel~=icon]").first).to_have_attribute("href", re.compile(r"^(/|http://127\.0\.0\.1:)"))
        icon = page.locator("link[rel~=icon]").first.get_attribute("href")
        assert page.request.get(urljoin(server, icon)).body()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        context.close()
    hosts = {urlsplit(url).hostname for url in requested if urlsplit(url).scheme not in ("data", "blob")}
    assert hosts == {"127.0.0.1"}, sorted(url for url in requested if urlsplit(url).hostname != "127.0.0.1")


def contrast(first: str, second: str) -> float:
    """WCAG 2.2 contrast ratio of two CSS ``rgb(...)``/``rgba(...)`` colours (alpha ignored: both are solid here)."""
    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"[\d.]+", colour)[:3]]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted([luminance(first), luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


FOCUS = """() => {
    const e = document.activeElement, s = getComputedStyle(e);
    return {text: e.innerText, style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor};
}"""


def test_keyboard_focus_is_seen_on_every_control_of_the_navigation(server, page):
    """WCAG 2.4.7 and 1.4.11: a solid ring of 3:1 or more on white round whatever has the keyboard's focus
    ("Data entry" in the navigation had a ring of 1.48:1)."""
    open_page(page, f"{server}/")
    seen = {}
    for _ in range(8):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        seen[focus["text"].strip().split("\n")[-1]] = focus
    assert {"Overview", "Scorecard", "Measure explorer", "About", "Data entry"} <= set(seen)
    for name in ["Overview", "Scorecard", "Data entry"]:
        ring = seen[name]
        assert ring["style"] == "solid" and ring["width"] >= 2, (name, ring)
        assert contrast(ring["colour"], "rgb(255, 255, 255)") >= 3, (name, ring)


def test_filter_through_the_url(server, page):
    open_page(page, f"{server}/scorecard?band=met&killer=1")
    expect(page.get_by_text("13 months ending Nov-22: 3 of 84 measures (filtered)")).to_be_visible()
    expect(page.get_by_role("heading", name="Response to Risk")).to_have_count(0)


def test_filter_through_a_widget_updates_the_url(server, page):
    open_page(page, f"{server}/scorecard")
    page.get_by_text("Killer KPIs only").click()
    expect(page.get_by_text("15 of 84 measures (filtered)")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]killer=1\b"))


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
    choose(page, "Scorecard as at", "Jun-22")
    expect(page.get_by_text("13 months ending Jun-22")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]period=2022-06\b"))
    wait_idle(page)  # the run that shows Jun-22 has finished: the download is Jun-22's
    with page.expect_download() as event:
        page.get_by_role("button", name="Download CSV").click()
    assert event.value.suggested_filename == "scorecard-2022-06.csv"


def test_explorer_chart_and_png(server, page, tmp_path):
    open_page(page, f"{server}/explorer?measure=utilisation-of-available-in-house-foster")
    expect(page.locator("[data-testid=stVegaLiteChart]")).to_have_count(1)
    expect(page.get_by_text("Point outside the process limits (below): Sep-22")).to_be_visible()
    png = download(page, "Download chart (PNG)", tmp_path)
    assert png.read_bytes()[:4] == b"\x89PNG"


IHAS = "% of IHAs (initial health assessments) completed on time - in-month"


def test_choose_another_measure_in_the_explorer_with_the_mouse(server, page):
    open_page(page, f"{server}/explorer?measure=utilisation-of-available-in-house-foster")
    page.get_by_label("Measure", exact=True).click()
    page.keyboard.type("IHAs")  # the list of 84 is virtual: narrow it so the option is drawn, then click it
    page.get_by_role("option", name=IHAS).click()
    expect(page.get_by_text("timely-of-ihas-in-month", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]measure=timely-of-ihas-in-month\b"))
    wait_idle(page)
    expect(page.get_by_text("timely-of-ihas-in-month", exact=True)).to_be_visible()  # still, after the run


def test_choose_another_measure_in_the_explorer_with_the_keyboard(server, page):
    open_page(page, f"{server}/explorer?measure=utilisation-of-available-in-house-foster")
    selector = page.get_by_label("Measure", exact=True)
    selector.focus()
    page.keyboard.type("IHAs (initial")
    page.keyboard.press("Enter")
    expect(page.get_by_text("timely-of-ihas-in-month", exact=True)).to_be_visible()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"[?&]measure=timely-of-ihas-in-month\b"))
    expect(page.get_by_text("utilisation-of-available-in-house-foster", exact=True)).to_have_count(0)


def test_keyboard_focus_rings_the_whole_select_box(server, page):
    """The explorer's Measure selector: the ring goes round the box, solid and 3:1 on white."""
    open_page(page, f"{server}/explorer")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Measure":
            break
    ring = page.evaluate("""() => {
        const box = document.activeElement.parentElement, s = getComputedStyle(box);
        return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor, inner: getComputedStyle(document.activeElement).outlineStyle};
    }""")
    assert ring["style"] == "solid" and ring["width"] >= 2 and ring["inner"] == "none", ring
    assert contrast(ring["colour"], "rgb(255, 255, 255)") >= 3, ring
