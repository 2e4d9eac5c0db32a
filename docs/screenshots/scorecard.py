"""Take the Scorecard page's screenshots of the docs: `.venv/bin/python docs/screenshots/scorecard.py`.

Serves the app on a throw-away copy of the shipped database (local mode) and drives Debian's Chromium:
`scorecard.png` at 1280×800 with the filters open, scrolled to the first area's table (every month, D.o.T.
and status in view), and `scorecard-phone.png` at 390×844, scrolled to the first measure's card.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from kpicore import store  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_idle  # noqa: E402

HERE = Path(__file__).resolve().parent
# The element at the top of the window, below the app's sticky navigation bar.
SCROLL_BELOW_THE_NAVIGATION = """element => {
    element.scrollIntoView({block: "start"});
    let box = element.parentElement;
    while (box && !["auto", "scroll"].includes(getComputedStyle(box).overflowY)) box = box.parentElement;
    (box || document.scrollingElement).scrollTop -= 70;
}"""


def shoot(browser, url: str, size: tuple[int, int], first: str, path: Path) -> None:
    """The scorecard at ``size``, scrolled so that the element ``first`` is at the top."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(f"{url}/scorecard")
    wait_idle(page)
    target = page.locator(first).first
    expect(target).to_be_visible()
    target.evaluate(SCROLL_BELOW_THE_NAVIGATION)
    page.screenshot(path=str(path))
    page.close()


def main(folder: Path = HERE) -> None:
    db = Path(tempfile.mkdtemp()) / "kpi.sqlite"
    store.initialise(db)
    with streamlit_server(db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        shoot(browser, url, (1280, 800), "[data-testid=stHeading]", folder / "scorecard.png")
        shoot(browser, url, (390, 844), "section.sc-area h2", folder / "scorecard-phone.png")
        browser.close()


if __name__ == "__main__":
    main()
