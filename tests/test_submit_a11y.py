"""The Submit and Upload pages for keyboard and screen-reader users, in Chromium (the local
administrator: 84 measures, shown one thematic area at a time; the form opens at Response to Risk).

Save is a few Tab presses from the top of the page and stays in view; every field's accessible
name says which measure and month it is for; a value's band is announced (a live region whose
text changes); a refused save lists each problem at the top of the form with a link that moves
focus into its field; the Upload page's template downloads, its report and preview are named
tables; and axe-core (WCAG 2.2 A/AA) finds no serious or critical violation in these pages'
content, at 1280x800 and 390x844, on the form, a refused save, the upload and its report.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from kpicore import store
from kpicore.workflows import submission
from tests.browser import open_page, streamlit_server, wait_idle
from tests.entry import dump
from tests.test_browser_submit import choose

pytestmark = pytest.mark.browser
LAPTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
MOST_TABS = 30  # from the top of the page to Save (with every measure on one form and Save below it: 265 presses)
# The Submit form's screenshot in the docs: remade in docs/screenshots with KPI_SCREENSHOTS=1, otherwise
# taken in a temporary folder (a test run leaves the checkout as it was).
SHOTS = (Path(__file__).resolve().parent.parent / "docs" / "screenshots" if os.environ.get("KPI_SCREENSHOTS")
         else Path(tempfile.mkdtemp(prefix="kpi-submit-shots-")))
# Not these pages' content, and each fixed where it lives: Streamlit's own navigation list in the
# phone's sidebar (its <ul> holds <div>s; Streamlit's markup), and the identity banner drawn by
# streamlit_app.py for every page, grey caption text whose colour is the theme's (.streamlit/config.toml).
NOT_THESE_PAGES = {  # rule: (the element the node is in, text that element holds)
    "list": ("[data-testid=stSidebarNavItems]", ""),
    "listitem": ("[data-testid=stSidebarNavItems]", ""),
    "color-contrast": ("[data-testid=stCaptionContainer]", "Local mode: you are the administrator"),
}
MONTH = "2022-12"


@pytest.fixture(scope="module")
def form_rows(database) -> pd.DataFrame:
    """The form's measures for Dec-22, in the form's order."""
    snapshot = store.load(database)
    return submission.form_rows(snapshot, snapshot.measures["measure_id"].tolist(), MONTH)


@pytest.fixture(scope="module")
def first_area(form_rows) -> pd.DataFrame:
    """The measures the form opens at for Dec-22: the first area (nothing entered yet)."""
    return form_rows[form_rows["area_id"] == form_rows["area_id"].iloc[0]]


@pytest.fixture
def writable(tmp_path):
    """A test's own database and server, for a test that saves (a save moves the month that is due)."""
    path = tmp_path / "kpi.sqlite"
    store.initialise(path)
    with streamlit_server(path) as url:
        yield url, path


@contextmanager
def sized(browser, viewport: dict):
    """A fresh page of ``viewport``'s size that records any JavaScript error in ``page.errors``."""
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    try:
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        yield page
    finally:
        context.close()


def card(page, measure: str):
    """A measure's bordered box on the form: the innermost block holding its name and its value field."""
    return (
        page.locator("[data-testid=stVerticalBlock]").filter(has=page.get_by_text(measure, exact=True))
        .filter(has=page.get_by_role("textbox", name=f"Dec-22 value for {measure}", exact=True)).last
    )


def focused_name(page) -> str | None:
    """The accessible name of the element that has focus (the form's fields are named by aria-label)."""
    return page.evaluate("() => document.activeElement && document.activeElement.getAttribute('aria-label')")


def tabs_to(page, button: str, most: int = 400) -> list[str]:
    """The elements focused, one per Tab press, from the top of the page (nothing focused) until
    ``button`` has focus (or ``most`` presses)."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    path = []
    while len(path) < most:
        page.keyboard.press("Tab")
        path.append(page.evaluate(
            "() => (document.activeElement.getAttribute('aria-label') || document.activeElement.innerText || '').trim()"
        ))
        if path[-1] == button and page.evaluate("() => document.activeElement.tagName === 'BUTTON'"):
            break
    return path


def severe(page) -> list[str]:
    """Every serious or critical WCAG 2.2 A/AA violation axe finds in the page's own content, as
    ``rule (impact): node``; those of ``NOT_THESE_PAGES`` left out."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    found = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            impact = node.get("impact") or violation["impact"]
            where = " ".join(map(str, node["target"]))
            elsewhere = NOT_THESE_PAGES.get(violation["id"])
            if impact not in ("serious", "critical") or (
                elsewhere and page.locator(where).first.evaluate(
                    "(node, [inside, text]) => !!node.closest(inside) && node.closest(inside).innerText.includes(text)",
                    list(elsewhere),
                )
            ):
                continue
            found.append(f"{violation['id']} ({impact}): {where}")
    return found


def type_value(page, measure: str, value: str, shows) -> None:
    """Type ``value`` into ``measure``'s field, leave it with Tab, and wait for the run that ``shows`` it."""
    field = page.get_by_role("textbox", name=f"Dec-22 value for {measure}", exact=True)
    field.fill(value)
    field.press("Tab")
    expect(shows).to_be_visible()
    wait_idle(page)


# --- Submit -------------------------------------------------------------------------------------------


def test_save_is_a_few_tab_presses_from_the_top_and_stays_in_view(server, browser, form_rows, first_area):
    with sized(browser, LAPTOP) as page:
        open_page(page, f"{server}/submit")
        assert len(form_rows) == 84 and len(first_area) == 12
        expect(page.get_by_role("textbox", name=re.compile(r"^Dec-22 value for "))).to_have_count(12)
        expect(page.get_by_role("combobox", name=re.compile(r"^Performance group for "))).to_have_count(12)
        path = tabs_to(page, "Save figures")
        print(f"Tab presses from the top of Submit to Save: {len(path)}")
        assert path[-1] == "Save figures" and len(path) <= MOST_TABS, path
        # scrolled to the area's last measure, Save is still on screen
        last = page.get_by_role("textbox", name=f"Dec-22 value for {first_area['measure'].iloc[-1]}", exact=True)
        last.scroll_into_view_if_needed()
        expect(last).to_be_in_viewport()
        expect(page.get_by_role("button", name="Save figures")).to_be_in_viewport()
        # going back up the form with Shift+Tab, no focused field is hidden under the bar (WCAG 2.4.11)
        page.get_by_role("combobox", name=f"Performance group for {first_area['measure'].iloc[-1]}, Dec-22").focus()
        for _ in range(30):
            page.keyboard.press("Shift+Tab")
            top, bar, name = page.evaluate("""() => [
                document.activeElement.getBoundingClientRect().top,
                document.querySelector("[data-testid=stLayoutWrapper]:has(> .st-key-save_bar)").getBoundingClientRect().bottom,
                document.activeElement.getAttribute("aria-label") || document.activeElement.outerHTML.slice(0, 80),
            ]""")
            assert top >= bar, f"{name} is under the save bar"


def test_every_field_is_named_for_its_measure_and_month(server, browser, database, form_rows):
    """In every area: the fields shown are that area's measures, each field named for its measure and month."""
    with sized(browser, LAPTOP) as page:
        open_page(page, f"{server}/submit")
        names = store.load(database).areas.set_index("area_id")["name"]
        for area_id, measures in form_rows.groupby("area_id", sort=False)["measure"]:
            if area_id != form_rows["area_id"].iloc[0]:
                shows = page.get_by_text(re.compile(rf"^{len(measures)} measure\(s\) for Dec-22 in {re.escape(names[area_id])}\."))
                choose(page, "Area", names[area_id], shows=shows)
            for kind, name in (("textbox", "Dec-22 value for {}"), ("textbox", "Commentary for {}, Dec-22"),
                               ("combobox", "Performance group for {}, Dec-22")):
                fields = page.locator(".st-key-submit_fields").get_by_role(kind, name=re.compile("^" + re.escape(name[:9])))
                expect(fields).to_have_count(len(measures))
                named = fields.evaluate_all("fields => fields.map(field => field.getAttribute('aria-label'))")
                assert named == [name.format(measure) for measure in measures]
            measure = measures.iloc[-1]  # the names as Chromium computes them
            expect(page.get_by_role("textbox", name=f"Dec-22 value for {measure}", exact=True)).to_have_count(1)
            expect(page.get_by_label(f"Commentary for {measure}, Dec-22", exact=True)).to_have_count(1)


def test_the_band_is_announced_as_the_value_changes(server, browser, form_rows):
    measure = form_rows["measure"].iloc[2]  # target 90%, higher is better; never saved
    with sized(browser, LAPTOP) as page:
        open_page(page, f"{server}/submit")
        status = card(page, measure).get_by_role("status")
        expect(status).to_have_attribute("aria-live", "polite")
        status.evaluate("region => { region.dataset.before = 'typing' }")  # the region before any value
        type_value(page, measure, "91", shows=status.filter(has_text="Band: ✔ Met"))
        expect(status).to_have_text("Band: ✔ Met")
        type_value(page, measure, "70", shows=status.filter(has_text="Significantly worse"))
        expect(status).to_have_text("Band: ‼ Significantly worse Worse than target: commentary is required.")
        type_value(page, measure, "7o", shows=status.filter(has_text="Not accepted"))
        expect(status).to_have_text("Not accepted: the value must be a number, e.g. 77.6 or 77.6%")
        # the same element all along: a live region whose text changed, which a screen reader reads out
        assert status.evaluate("region => region.dataset.before") == "typing"
        assert page.errors == []


def test_a_refused_save_lists_each_problem_with_a_link_to_its_field_then_saves(writable, browser, form_rows):
    server, database = writable
    first, second = form_rows["measure"].iloc[0], form_rows["measure"].iloc[1]
    first_id, second_id = form_rows["measure_id"].iloc[0], form_rows["measure_id"].iloc[1]
    with sized(browser, LAPTOP) as page:
        open_page(page, f"{server}/submit")
        type_value(page, first, "70", shows=card(page, first).get_by_text("‼ Significantly worse", exact=True))
        type_value(page, second, "150", shows=card(page, second).get_by_text("✔ Met", exact=True))
        before = dump(database)
        page.get_by_role("button", name="Save figures").click()
        summary = page.get_by_role("alert").filter(has_text="Nothing was saved: 2 problems.")
        expect(summary).to_be_visible()
        wait_idle(page)
        assert dump(database) == before
        links = summary.get_by_role("link")
        expect(links).to_have_text([
            f"{first}, Dec-22, commentary: commentary is required when the value is worse than target: "
            "say what explains it",
            re.compile(rf"^{re.escape(second)}, Dec-22, value \(you gave “150”\): .*outside the measure's allowed range"),
        ])
        page.evaluate("""() => {  // the list just below the save bar, the first measure's problem under it
            const bar = document.querySelector("[data-testid=stLayoutWrapper]:has(> .st-key-save_bar)");
            const list = document.querySelector("[role=alert][aria-labelledby=submit-problems-title]");
            document.querySelector("[data-testid=stMain]").scrollBy(
                0, list.getBoundingClientRect().top - bar.getBoundingClientRect().bottom - 16);
        }""")
        page.screenshot(path=SHOTS / "submit-refused.png")

        links.nth(0).click()  # the mouse
        assert focused_name(page) == f"Commentary for {first}, Dec-22"
        page.keyboard.type("Two vacancies in the front door team")
        links.nth(1).focus()  # the keyboard
        page.keyboard.press("Enter")
        assert focused_name(page) == f"Dec-22 value for {second}"
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("95")
        page.keyboard.press("Tab")  # leaves the value: its run shows the band
        expect(card(page, second).get_by_role("status")).to_have_text("Band: ✔ Met")
        wait_idle(page)
        group = page.get_by_role("combobox", name=f"Performance group for {first}, Dec-22", exact=True)
        group.click()
        page.keyboard.type("Poor")
        expect(page.get_by_role("option")).to_have_text(["Poor"])  # the one option offered has the focus
        page.keyboard.press("Enter")
        expect(group).to_have_value("Poor")
        wait_idle(page)
        page.get_by_role("button", name="Save figures").click()
        expect(page.get_by_text("Saved: 2 new, 0 revised, 0 unchanged.")).to_be_visible()
        expect(page.get_by_role("alert").filter(has_text="Nothing was saved")).to_have_count(0)
        assert page.errors == []
    saved = store.history(database, period=MONTH).set_index("measure_id")
    assert saved.loc[first_id, ["value", "commentary", "performance_group"]].tolist() == [
        70.0, "Two vacancies in the front door team", "Poor",
    ]
    assert saved.loc[second_id, "value"] == 95.0


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280x800", "390x844"])
def test_no_serious_accessibility_violation_on_submit_and_upload(server, browser, form_rows, viewport):
    measure = form_rows["measure"].iloc[2]
    with sized(browser, viewport) as page:
        open_page(page, f"{server}/submit")
        expect(page.get_by_role("button", name="Save figures")).to_be_visible()
        found = {"form": severe(page)}
        type_value(page, measure, "70", shows=card(page, measure).get_by_text("‼ Significantly worse", exact=True))
        page.get_by_role("button", name="Save figures").click()
        expect(page.get_by_role("alert").filter(has_text="Nothing was saved")).to_be_visible()
        wait_idle(page)
        found["refused save"] = severe(page)
        open_page(page, f"{server}/upload")
        found["upload"] = severe(page)
        choose_file(page, "december.csv", f"measure_id,period,value\n{form_rows['measure_id'].iloc[2]},2022-12,\"78,4\"\n")
        expect(page.get_by_role("table", name=re.compile("^Validation report"))).to_be_visible()
        wait_idle(page)
        found["upload report"] = severe(page)
    assert found == {"form": [], "refused save": [], "upload": [], "upload report": []}


# --- Upload ---------------------------------------------------------------------------------------------


def choose_file(page, name: str, text: str) -> None:
    """Give the uploader (its region named by the field's label) a CSV file."""
    uploader = page.get_by_role("region", name="File to upload").locator("input[type=file]")
    uploader.set_input_files({"name": name, "mimeType": "text/csv", "buffer": text.encode()})


def test_upload_template_report_preview_and_confirm(writable, browser, form_rows):
    server, database = writable
    measure_id, measure = form_rows["measure_id"].iloc[0], form_rows["measure"].iloc[0]
    with sized(browser, LAPTOP) as page:
        open_page(page, f"{server}/upload")
        expect(page.get_by_text("Nothing is saved until you confirm.")).to_be_visible()
        page.get_by_text("Templates for your measures").click()
        expect(page.get_by_role("combobox", name="Month of the templates")).to_have_value("Dec-22")
        with page.expect_download() as download:
            page.get_by_role("button", name="Long layout (CSV)").click()
        assert download.value.suggested_filename == "template-long-2022-12.csv"
        template = pd.read_csv(io.BytesIO(Path(download.value.path()).read_bytes()), encoding="utf-8-sig", dtype=str)
        assert template["measure_id"].tolist() == form_rows["measure_id"].tolist()
        assert set(template["period"]) == {"2022-12"} and template["value"].isna().all()

        row = template[template["measure_id"] == measure_id].copy()
        row["value"] = "81,5"  # a decimal comma: refused, named in the report
        choose_file(page, "december.csv", row.to_csv(index=False))
        report = page.get_by_role("table", name=re.compile(r"^Validation report: 1 problem"))
        expect(report.get_by_role("cell", name="81,5", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Confirm and save")).to_have_count(0)

        row["value"] = "81.5"
        choose_file(page, "december.csv", row.to_csv(index=False))
        preview = page.get_by_role("table", name=re.compile(r"^Preview: the 1 figure"))
        expect(preview.get_by_role("cell", name="81.5%", exact=True)).to_be_visible()
        expect(preview.get_by_role("cell", name=measure, exact=True)).to_be_visible()
        wait_idle(page)
        page.get_by_role("textbox", name="Reason (optional)").fill("December return")
        page.get_by_role("button", name="Confirm and save").click()
        expect(page.get_by_text("Saved december.csv: 1 new, 0 revised, 0 unchanged.")).to_be_visible()
        assert page.errors == []
    version = store.history(database, measure_id=measure_id, period=MONTH).iloc[0]
    assert (version["value"], version["source"]) == (81.5, "upload")
