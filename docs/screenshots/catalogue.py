"""Take the Catalogue page's screenshot of the docs: `.venv/bin/python docs/screenshots/catalogue.py`.

Serves the app on a throw-away copy of the shipped database (local mode), records a comparator so
that the measure's timeline has more than one entry, and drives Debian's Chromium: a measure chosen,
and the preview of a new target from Apr-23 with the proposed tolerance.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from kpicore import store  # noqa: E402
from kpicore.store import catalogue  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, choose, streamlit_server, wait_idle  # noqa: E402

HERE = Path(__file__).resolve().parent
MEASURE = "care-experienced-people-in-education-employment"
# The element at the top of the window, below the app's sticky navigation bar.
SCROLL_BELOW_THE_NAVIGATION = """element => {
    element.scrollIntoView({block: "start"});
    let box = element.parentElement;
    while (box && !["auto", "scroll"].includes(getComputedStyle(box).overflowY)) box = box.parentElement;
    (box || document.scrollingElement).scrollTop -= 76;
}"""
MEASURE_NAME = "% of care experienced people in education, employment or training"


def main(folder: Path = HERE) -> None:
    db = Path(tempfile.mkdtemp()) / "kpi.sqlite"
    store.initialise(db)
    measure_id = next(m for m in store.load(db).measures["measure_id"] if m.startswith(MEASURE))
    catalogue.set_comparator(db, measure_id, "2022-10", 66.0, "England 2021-22", user=store.LOCAL_ADMIN,
                             reason="National figures published")
    with streamlit_server(db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{url}/catalogue")
        wait_idle(page)
        page.get_by_role("textbox", name="Find a measure").fill("care experienced")
        page.get_by_role("textbox", name="Find a measure").press("Enter")
        expect(page.get_by_text(re.compile(r"^\d of 84 measures"))).to_be_visible()
        choose(page, "Measure", MEASURE_NAME)
        expect(page.get_by_text(re.compile(r"^In force at Nov-22: .*England 2021-22"))).to_be_visible()
        wait_idle(page)
        form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Preview"))
        choose(page, "From month", "Apr-23", scope=form)
        form.get_by_label("Target", exact=True).fill("78")
        form.get_by_role("button", name="Preview").click()
        expect(page.get_by_text("Preview: nothing is saved until you confirm")).to_be_visible()
        wait_idle(page)
        chooser = page.locator("[data-testid=stSelectbox]").filter(has=page.get_by_text("Measure", exact=True))
        chooser.evaluate(SCROLL_BELOW_THE_NAVIGATION)  # the chosen measure at the top
        page.screenshot(path=folder / "catalogue.png")
        browser.close()
    print(f"wrote catalogue.png to {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
