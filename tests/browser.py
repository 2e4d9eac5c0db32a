"""Run the app with ``streamlit run`` on a free port and drive it in Debian's Chromium.

Nothing here waits a fixed time: the server start waits for ``/_stcore/health`` to answer
``ok``, and a page waits for the app's script run to finish
(``data-test-script-state=notRunning``) and, through Playwright's ``expect``, for the text
each test expects.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The app's root element once its script run has finished. Straight after page.goto() it is
# "initial" until the first run starts, so this waits for that run to end.
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
STYLED = """() => [...document.styleSheets].some(sheet => {
    try { return [...sheet.cssRules].some(rule => rule.selectorText === ":focus-visible"); }
    catch { return false; }  // another origin's sheet: not the app's
})"""
RUN_TIMEOUT = 30_000  # ms: the longest a script run may take in the tests
START_TIMEOUT = 60  # s: the longest the server may take to answer its health check
POLL = 0.2  # s: between two health checks, spent waiting on the server process itself
# How long each expect() keeps retrying its condition: generous, for a machine busy with other work.
expect.set_options(timeout=RUN_TIMEOUT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


@contextmanager
def streamlit_server(db: Path, *, secrets: str | None = None, local_mode: bool | None = None, port: int | None = None):
    """Serve the app with a new ``streamlit run`` on a free local port (or ``port``) against the
    database ``db``; yield its URL once ``/_stcore/health`` answers ``ok``.

    Without ``secrets`` the server runs in local mode (``KPI_LOCAL_MODE=1``, as ``make run``).
    With them (the text of a ``secrets.toml``) sign-in is configured by that text, written to a
    temporary folder that is removed afterwards, and local mode is off unless ``local_mode``.
    Either way the server reads no other secrets file (``--secrets.files``), not even a
    ``.streamlit/secrets.toml`` in the checkout."""
    port = port or free_port()
    env = {key: value for key, value in os.environ.items() if key != "KPI_LOCAL_MODE"}
    env |= {"KPI_DB": str(db), "STREAMLIT_SERVER_PORT": str(port)}
    if secrets is None if local_mode is None else local_mode:
        env["KPI_LOCAL_MODE"] = "1"
    # The server's output goes to a file, not a pipe nobody reads: a full pipe would block it.
    with tempfile.TemporaryDirectory(prefix="kpi-secrets-") as folder, tempfile.TemporaryFile() as log:
        secrets_file = Path(folder) / "secrets.toml"
        if secrets is not None:
            secrets_file.write_text(secrets, encoding="utf-8")
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--secrets.files", str(secrets_file)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not healthy(url):
                try:
                    process.wait(timeout=POLL)  # returns only if the server has exited
                except subprocess.TimeoutExpired:
                    if time.monotonic() < deadline:
                        continue
                log.seek(0)
                raise RuntimeError(f"streamlit did not start:\n{log.read().decode(errors='replace')}")
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_idle(page, timeout: float = RUN_TIMEOUT) -> None:
    """Wait until the app's current script run has finished.

    Only meaningful where a run is known to have started: after ``page.goto`` (the state is
    "initial" until then), or after ``expect``-ing something that only the new run shows. A
    widget's rerun does not change the state in the browser until the server answers, so
    after a click, first expect what the click must show, then call this.
    """
    expect(page.locator(IDLE)).to_be_attached(timeout=timeout)


def open_page(page, url: str) -> None:
    """Load ``url`` and wait for its first script run to finish, without an error."""
    page.goto(url)
    wait_idle(page)
    # The app's stylesheet (assets/app.css, its focus rings) is drawn a moment after the run is
    # reported finished: Streamlit renders a style-only st.html in its event container.
    page.wait_for_function(STYLED, timeout=RUN_TIMEOUT)
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    assert page.errors == []


def choose(page, label: str, option: str, *, scope=None, many: bool = False, exact: bool = True) -> None:
    """Pick ``option`` in the select box (or, with ``many``, the multiselect) labelled ``label``,
    inside ``scope`` if given: open its list, type the option, and press Enter once it is the one
    option offered (as a keyboard user does; a click could land on a list still being redrawn),
    or click it among the others. The list is opened again if the first click landed while the
    page was still moving (an expander opening, a redraw). ``exact=False`` takes an option whose
    text only contains ``option``."""
    kind = "stMultiSelect" if many else "stSelectbox"
    box = (scope or page).locator(f"[data-testid={kind}]").filter(has=page.get_by_text(label, exact=True))
    listbox = page.get_by_role("listbox")
    for attempt in range(3):
        box.locator("input").click()
        try:
            expect(listbox).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            if attempt == 2:
                raise
    page.keyboard.type(option)
    wanted = listbox.get_by_role("option", name=option, exact=exact)
    expect(wanted).to_be_visible()  # the typed text has narrowed the list
    if listbox.get_by_role("option").count() == 1:
        page.keyboard.press("Enter")  # the one option offered has the focus
    else:
        wanted.click()
    if many:
        page.keyboard.press("Escape")
