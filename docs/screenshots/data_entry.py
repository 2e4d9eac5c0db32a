"""Take the data-entry screenshots of the docs: `.venv/bin/python docs/screenshots/data_entry.py`.

Serves the app on a throw-away copy of the shipped database (local mode) and
drives Debian's Chromium: the monthly form with a band preview, a refused
upload's report, and the history of a revised figure.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from kpicore import store  # noqa: E402
from kpicore.workflows import submission  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_idle  # noqa: E402
from tests.test_browser_submit import choose, choose_file  # noqa: E402

HERE = Path(__file__).resolve().parent
MEASURE = "initial-contact-decisions-made-within"


def main() -> None:
    db = Path(tempfile.mkdtemp()) / "kpi.sqlite"
    store.initialise(db)
    revision = f"measure_id,period,value,commentary\n{MEASURE},2022-11,78.2,Two late contacts recounted\n".encode()
    plan = submission.plan_file(db, "november-fix.csv", revision, user=store.LOCAL_ADMIN)
    submission.commit(db, plan, user=store.LOCAL_ADMIN, reason="Recount after the November audit")
    with streamlit_server(db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1050})

        page.goto(f"{url}/submit")
        wait_idle(page)
        # the administrator's form opens at the first area with figures to enter: Response to Risk
        for position, value in ((0, "80.1"), (1, "91")):
            field = page.get_by_label("Dec-22 value").nth(position)
            field.fill(value)
            field.press("Enter")
            wait_idle(page)
        page.screenshot(path=HERE / "form.png")

        page.goto(f"{url}/upload")
        wait_idle(page)
        choose_file(page, "december.csv", (ROOT / "tests/files/many-problems.csv").read_bytes())
        page.screenshot(path=HERE / "upload-refused.png", full_page=True)

        page.goto(f"{url}/history")
        wait_idle(page)
        choose(page, "Measure", "% of Initial contact decisions made within 24 hours")
        page.screenshot(path=HERE / "history.png")
        browser.close()
    print(f"wrote form.png, upload-refused.png and history.png to {HERE}")


if __name__ == "__main__":
    main()
