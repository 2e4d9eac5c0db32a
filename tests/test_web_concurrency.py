"""Eight people saving on the monthly form at once, in eight browser sessions against one server.

Each session is its own browser context (its own Streamlit session), on the Submit page of one
``streamlit run`` server, so the app's own code runs as it does in use: eight script runs at once,
each planning, checking and writing through ``kpicore.store``. The sessions are made ready one by
one, then every Save is clicked before any answer is awaited.

- Eight sessions saving different figures in the same month: every one is saved, every figure found.
- Two sessions saving the same figure differently: one is saved, the other is refused naming the
  figure, and the figure recorded is the saved one's: nothing lost, nothing put back.

``make test`` runs one month; ``make soak`` (``-m soak``) runs many months in a row and prints a table.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kpicore import store
from kpicore.periods import label
from kpicore.vocab import Band
from kpicore.workflows import submission
from tests.browser import open_page, wait_idle
from tests.test_browser_submit import choose
from ui.present import band_text

pytestmark = pytest.mark.browser
SESSIONS = 8
AREA, AREA_NAME = "response-to-risk", "Response to Risk"
CHIP = re.compile("^(" + "|".join(re.escape(band_text(b.value)) for b in Band) + ")$")
SAVED = re.compile(r"^Saved: 1 new, 0 revised, \d+ unchanged\.$")


@dataclass
class Round:
    """One month's saves: how many sessions, how long from the first click to the last answer, what was found."""

    month: str
    sessions: int
    seconds: float
    sent: int
    found: int


@pytest.fixture
def sessions(browser, server):
    """Eight browser sessions on the Submit page, showing the area's measures."""
    contexts = [browser.new_context(viewport={"width": 1280, "height": 1000}) for _ in range(SESSIONS)]
    pages = []
    for context in contexts:
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error, page=page: page.errors.append(str(error)))
        pages.append(page)
    for page in pages:
        open_page(page, f"{server}/submit")
        # the administrator's form opens at the first area with figures to enter: this one
        expect(page.get_by_text(re.compile(rf"^\d+ measure\(s\) for \w+-\d+ in {AREA_NAME}\."))).to_be_visible()
    yield pages
    for page in pages:
        expect(page.locator("[data-testid=stException]")).to_have_count(0)
        assert page.errors == []
    for context in contexts:
        context.close()


def measures_on_the_form(database: Path, month: str) -> list[str]:
    """The area's measures in the order the form shows them to the administrator."""
    snapshot = store.load(database)
    rows = submission.form_rows(snapshot, snapshot.measures["measure_id"].tolist(), month)
    return rows.loc[rows["area_id"] == AREA, "measure_id"].tolist()


def show_month(pages, month: str) -> None:
    for page in pages:
        shown = page.get_by_text(re.compile(rf"^\d+ measure\(s\) for {label(month)} in {AREA_NAME}\."))
        if shown.count() == 0:
            choose(page, "Month", label(month), shows=shown)


def type_figure(page, month: str, field: int, value: float) -> None:
    """Type a value into the ``field``-th measure, and wait until the page shows its band.

    The values are at or above target (no commentary needed), so that each figure is one field's
    change and one rerun: the test waits on what that rerun shows, never on time."""
    chips = page.get_by_text(CHIP)
    shown = chips.count()
    value_field = page.get_by_label(f"{label(month)} value").nth(field)
    value_field.fill(f"{value:g}")
    value_field.press("Enter")
    expect(chips).to_have_count(shown + 1)
    wait_idle(page)


def save_all(pages) -> float:
    """Click every session's Save before awaiting any answer; the seconds until every page has answered."""
    started = time.monotonic()
    for page in pages:
        page.get_by_role("button", name="Save figures").click()
    for page in pages:
        expect(page.get_by_text(SAVED).or_(page.get_by_text("Nothing was saved")).first).to_be_visible()
    seconds = time.monotonic() - started
    for page in pages:
        wait_idle(page)
    return seconds


def different_figures(pages, database: Path, month: str) -> Round:
    """Every session saves a different figure of the same month: every one is saved and found."""
    show_month(pages, month)
    measures = measures_on_the_form(database, month)
    sent = {}
    for field, page in enumerate(pages):
        sent[measures[field]] = 90.0 + field / 2
        type_figure(page, month, field, sent[measures[field]])
    seconds = save_all(pages)
    for page in pages:
        expect(page.get_by_text(SAVED)).to_be_visible()
    recorded = store.history(database, period=month).set_index("measure_id")
    found = {m: recorded.at[m, "value"] for m in sent if m in recorded.index}
    assert found == sent
    assert set(recorded.loc[list(sent), "source"]) == {"form"}
    return Round(month, len(pages), seconds, len(sent), len(found))


def same_figure(pages, database: Path, month: str, field: int) -> Round:
    """Two sessions save the same figure differently: one is saved, the other refused naming it."""
    show_month(pages, month)
    measure = measures_on_the_form(database, month)[field]
    name = store.load(database).measures.set_index("measure_id").at[measure, "name"]
    values = [95.0 + i for i in range(len(pages))]
    for page, value in zip(pages, values):
        type_figure(page, month, field, value)
    seconds = save_all(pages)
    saved = [page.get_by_text(SAVED).count() == 1 for page in pages]
    assert sum(saved) == 1
    versions = store.history(database, measure_id=measure, period=month)
    winner = values[saved.index(True)]
    assert versions["value"].tolist() == [winner]  # one version: the saved one, nothing put back
    for page, won in zip(pages, saved):
        if not won:
            refusal = page.locator("[data-testid=stAlert]").filter(has_text="Nothing was saved")
            expect(refusal).to_contain_text("1 figure changed after you opened this form.")
            expect(refusal).to_contain_text(
                f"{name}, {label(month)}: you saw no figure, it is now {winner:.1f}%, recorded by {store.LOCAL_ADMIN} on "
            )
    return Round(month, len(pages), seconds, len(pages), len(versions))


def report(rounds: list[Round]) -> None:
    print("\nsessions | seconds (first click to last answer) | figures sent | figures found | month")
    for r in rounds:
        print(f"{r.sessions:8} | {r.seconds:37.2f} | {r.sent:12} | {r.found:13} | {r.month}")
    print(f"in all: {sum(r.sent for r in rounds)} figures sent, {sum(r.found for r in rounds)} found", flush=True)


def test_eight_sessions_saving_at_once_lose_nothing(sessions, database):
    rounds = [different_figures(sessions, database, "2022-12"), same_figure(sessions[:2], database, "2022-12", SESSIONS)]
    report(rounds)


@pytest.mark.soak
@pytest.mark.timeout(3600)
def test_eight_sessions_saving_month_after_month_lose_nothing(sessions, database):
    rounds = []
    for month in [f"2023-{m:02d}" for m in range(1, 13)]:
        rounds.append(different_figures(sessions, database, month))
        rounds.append(same_figure(sessions[:2], database, month, SESSIONS))
        rounds.append(same_figure(sessions[2:], database, month, SESSIONS + 1))
        report(rounds[-3:])
    report(rounds)
    assert sum(r.found for r in rounds) == sum(r.sent for r in rounds if r.sessions == SESSIONS) + 2 * 12
