"""Overview, History, Returns, Users and Locked months in headless Chromium: every control driven as a
person would, and what they then see asserted; About's glossary reached from the overview's link; and
axe-core (WCAG 2.2 A and AA) on each of these pages. One server for the module, on a writable copy of
the shipped data, to spare the machine."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from kpicore import store
from kpicore.periods import label
from kpicore.workflows import submission
from tests.accessibility import serious
from tests.browser import choose, open_page, wait_idle
from tests.entry import writable_db

pytestmark = pytest.mark.browser
MEASURE = "initial-contact-decisions-made-within"
MEASURE_NAME = "% of Initial contact decisions made within 24 hours"
NEW_USER = "new.owner@council.gov.uk"
@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return writable_db(tmp_path_factory.mktemp("pages"))


def grid_text(page, index: int = 0):
    """The accessible cells of the page's ``index``-th data frame."""
    return page.locator("[data-testid=stDataFrame]").nth(index).locator("td")


def settled(page) -> None:
    """Wait for the current run to end and the page to be drawn afresh (no element left stale)."""
    wait_idle(page)
    expect(page.locator("[data-stale=true]")).to_have_count(0)


def download(page, name: str) -> bytes:
    with page.expect_download() as started:
        page.get_by_role("button", name=name).click()
    return open(started.value.path(), "rb").read()


def test_overview_month_lists_and_the_glossary_link(server, page):
    open_page(page, server)
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(page.get_by_text("Data as at Nov-22")).to_be_visible()
    expect(page.locator("[data-testid=stDataFrame]")).to_have_count(5)  # counts, concerns, killer KPIs, changes
    counts = page.locator("[data-testid=stDataFrame]").first
    expect(counts.locator("th").filter(has_text=re.compile(r"^Thematic area$"))).to_have_count(1)
    killer = grid_text(page, 2)  # the arrow, then improving or worsening as judged by polarity
    expect(killer.filter(has_text=re.compile(r"^↑ improving$")).first).to_be_attached()
    expect(killer.filter(has_text=re.compile(r"^↓ worsening$")).first).to_be_attached()
    assert serious(page) == []

    choose(page, "Scorecard as at", "Aug-22")
    expect(page.get_by_text("Data as at Aug-22")).to_be_visible()
    expect(page.get_by_role("heading", name="Figures still missing for Aug-22 (5)")).to_be_visible()
    wait_idle(page)

    with page.context.expect_page() as opened:  # a new tab: the person keeps their place on the overview
        page.get_by_role("link", name="What the words and symbols mean").click()
    about = opened.value
    about.errors = []
    about.on("pageerror", lambda error: about.errors.append(str(error)))
    expect(about.get_by_role("heading", name="Glossary")).to_be_visible()
    expect(about).to_have_url(re.compile(r"/about#glossary$"))
    expect(about.locator("#term-dot")).to_have_text("D.o.T.")
    expect(about.locator("#term-dot + dd")).to_contain_text("Direction of travel")
    wait_idle(about)
    assert serious(about) == []
    assert page.errors == [] and about.errors == []


def test_history_measure_month_and_download(server, page, database):
    open_page(page, f"{server}/history")
    expect(page.get_by_text("1020 version(s), newest first; 0 revision(s).")).to_be_visible()
    assert serious(page) == []
    choose(page, "Measure", MEASURE_NAME)
    expect(page.get_by_text("13 version(s), newest first")).to_be_visible()
    wait_idle(page)
    choose(page, "Month", "Sep-22")
    expect(page.get_by_text("1 version(s), newest first; 0 revision(s).")).to_be_visible()
    expect(grid_text(page).filter(has_text=re.compile(r"^First import$"))).to_have_count(1)
    settled(page)
    rows = pd.read_csv(io.BytesIO(download(page, "Download CSV")))
    expected = store.history(database, measure_id=MEASURE, period="2022-09")
    assert len(expected) == 1 and rows[["version_id", "value"]].values.tolist() == expected[["version_id", "value"]].values.tolist()
    assert page.errors == []


def test_returns_month_and_download(server, page, database):
    snapshot = store.load(database)
    months = submission.open_months(snapshot)
    due = submission.next_due(snapshot)
    other = next(m for m in months if m != due)
    open_page(page, f"{server}/returns")
    expect(page.get_by_text("Still missing")).to_be_visible()
    assert serious(page) == []
    choose(page, "Month", label(other))
    expect(page.get_by_role("combobox", name="Month")).to_have_value(label(other))
    settled(page)
    rows = pd.read_csv(io.BytesIO(download(page, "Download CSV")))
    assert set(rows["period"]) == {other}
    from kpicore.reports import returns

    expected = returns.outstanding(snapshot, store.owners(database), other)
    assert rows["measure_id"].tolist() == expected["measure_id"].tolist()
    metric = page.get_by_test_id("stMetric").filter(has_text="Still missing")
    expect(metric).to_contain_text(str(len(expected)))
    assert page.errors == []


def test_users_add_own_and_remove(server, page, database):
    open_page(page, f"{server}/users")
    assert serious(page) == []
    form = page.get_by_test_id("stForm")
    form.get_by_label("E-mail").fill(NEW_USER)
    form.get_by_label("Name").fill("Nia New")
    choose(page, "Role", "Data owner", scope=form)
    form.get_by_role("button", name="Save user").click()
    expect(page.get_by_text(f"Saved {NEW_USER}.")).to_be_visible()
    expect(grid_text(page).filter(has_text=re.compile(f"^{re.escape(NEW_USER)}$"))).to_have_count(1)
    wait_idle(page)
    assert store.account(database, NEW_USER).role == "data_owner"

    choose(page, "Data owner", NEW_USER)
    expect(page.get_by_role("combobox", name="Data owner")).to_have_value(NEW_USER)
    settled(page)
    chooser = page.locator("[data-testid=stMultiSelect]")
    expect(chooser).to_have_count(1)  # the chooser of the owner chosen before (its own key) has gone
    expect(chooser.get_by_role("group", name="Selected values").locator("[data-tag]")).to_have_count(0)  # the new owner owns nothing yet
    choose(page, "Measures", MEASURE_NAME, many=True)
    expect(chooser.get_by_role("group", name="Selected values").locator("[data-tag]")).to_have_count(1)
    wait_idle(page)
    page.get_by_role("button", name="Save measures").click()
    expect(page.get_by_text(f"{NEW_USER} now owns 1 measure(s).")).to_be_visible()
    expect(grid_text(page).filter(has_text=re.compile(f"^{re.escape(MEASURE_NAME)}$"))).to_have_count(1)
    wait_idle(page)
    assert sorted(store.account(database, NEW_USER).measures) == [MEASURE]

    choose(page, "User", NEW_USER)
    page.get_by_role("button", name="Remove user").click()
    expect(page.get_by_text(f"Removed {NEW_USER}.")).to_be_visible()
    expect(grid_text(page).filter(has_text=re.compile(f"^{re.escape(NEW_USER)}$"))).to_have_count(0)
    wait_idle(page)
    assert NEW_USER not in store.users(database)["email"].tolist()
    assert page.errors == []


def test_locks_lock_and_unlock(server, page, database):
    snapshot = store.load(database)
    month = submission.open_months(snapshot)[-1]
    open_page(page, f"{server}/locks")
    expect(page.get_by_text("No month is locked yet.")).to_be_visible()
    assert serious(page) == []
    lock = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Lock month"))
    choose(page, "Month to lock", label(month), scope=lock)
    lock.get_by_label("Reason").fill("Signed off at the board")
    lock.get_by_role("button", name="Lock month").click()
    expect(page.get_by_text(f"{label(month)} locked.")).to_be_visible()
    expect(grid_text(page).filter(has_text="Signed off at the board")).to_have_count(1)
    wait_idle(page)
    assert store.locks(database)["period"].tolist() == [month]
    assert serious(page) == []

    unlock = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Unlock month"))
    choose(page, "Month to unlock", label(month), scope=unlock)
    unlock.get_by_label("Reason").fill("Reopened for a late return")
    unlock.get_by_role("button", name="Unlock month").click()
    expect(page.get_by_text(f"{label(month)} unlocked.")).to_be_visible()
    expect(page.get_by_text("No month is locked yet.")).to_be_visible()
    wait_idle(page)
    assert store.locks(database).empty
    assert page.errors == []
