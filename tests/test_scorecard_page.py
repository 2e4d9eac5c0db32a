"""The Scorecard page's HTML (AppTest): real tables with names and headers, the figures and words in them,
the phone cards, paging, and one computation of the scorecard shared by ten sessions at once."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest

from kpicore import store
from kpicore.files.dataset import write_dataset
from kpicore.files.demo import demo_dataset
from kpicore.reports import explorer, scorecard
from ui import data, present

ROW_HEADER = re.compile(r'<th scope="row"><a href="explorer\?measure=([^"]+)"')


def page_html(at) -> str:
    return "".join(element.proto.body for element in at.html)


def count_line(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("13 months ending"))


def measure_links(at) -> list[str]:
    """The measure of every table row, in order (the row header's link)."""
    return ROW_HEADER.findall(page_html(at))


def test_every_area_is_a_named_table_with_every_measure(app, snapshot):
    at = app("pages/scorecard.py")
    assert not at.exception
    html = page_html(at)
    assert re.findall(r'<section class="sc-area"><h2>([^<]+)</h2>', html) == [
        name.replace("&", "&amp;").replace("'", "&#x27;") for name in snapshot.areas["name"]
    ]
    assert html.count("<caption") == len(snapshot.areas) and "<caption class=\"sc-sr\">Response to Risk</caption>" in html
    assert measure_links(at) == scorecard.build(snapshot, "2022-11")["measure_id"].tolist()
    headers = re.search(r"<thead><tr>(.*?)</tr></thead>", html).group(1)
    assert re.findall(r'<th scope="col">([^<]+)</th>', headers) == [
        "Measure", "Nov-21", "Dec-21", "Jan-22", "Feb-22", "Mar-22", "Apr-22", "May-22", "Jun-22",
        "Jul-22", "Aug-22", "Sep-22", "Oct-22", "Nov-22", "D.o.T.", "Status",
    ]
    assert html.count('<li class="sc-card">') == 84  # the phone's cards: one per measure


def first_row(at) -> str:
    return re.search(r"<tbody>(<tr>.*?</tr>)", page_html(at)).group(1)


def test_a_month_carries_value_symbol_colour_and_the_band_in_words(app):
    row = first_row(app("pages/scorecard.py"))
    assert "initial-contact-decisions-made-within" in row
    assert '<td class="m sy sc-significantly_worse">77.6%<span class="sc-sr"> Significantly worse</span></td>' in row
    assert row.count('<td class="m sy ') == 13


def test_dot_says_improving_or_worsening_for_the_measures_polarity(app):
    at = app("pages/scorecard.py", q="repeat referrals in-month")
    row = first_row(at)  # lower is better: an upward move is worsening
    assert '<td class="dot">↑ <span style="color:#A11B1B;font-weight:600">worsening</span></td>' in row


def test_more_columns_follow_the_status(app):
    at = app("pages/scorecard.py")
    assert "SPC variation" not in page_html(at)
    at.toggle(key="scorecard_more").set_value(True).run()
    html = page_html(at)
    headers = re.findall(r'<th scope="col">([^<]+)</th>', re.search(r"<thead><tr>(.*?)</tr></thead>", html).group(1))
    assert headers[-9:] == ["Status", "Performance group", "Change", "Distance from target", "Target", "Tolerance",
                            "Comparator", "SPC variation", "SPC assurance"]
    assert '<td class="xt">~ Common cause</td>' in first_row(at)


def test_names_and_comments_are_escaped(app, tmp_path, monkeypatch):
    path = tmp_path / "kpi.sqlite"
    store.initialise(path)
    with store.connect(path) as db:
        db.execute("UPDATE measures SET name = '<img src=x onerror=alert(1)> & co' WHERE measure_id = 'timely-of-ihas-in-month'")
    monkeypatch.setenv("KPI_DB", str(path))
    html = page_html(app("pages/scorecard.py", q="img"))
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt; &amp; co" in html


@pytest.fixture(scope="module")
def region_db(tmp_path_factory) -> Path:
    """150 synthetic measures: more than one page of the scorecard."""
    folder = tmp_path_factory.mktemp("region")
    (folder / "data").mkdir()
    write_dataset(demo_dataset(150, 13, seed=5, end="2026-08"), folder / "data")
    store.initialise(folder / "kpi.sqlite", folder / "data")
    return folder / "kpi.sqlite"


def test_a_large_scorecard_is_shown_a_page_at_a_time(app, region_db, monkeypatch):
    monkeypatch.setenv("KPI_DB", str(region_db))
    everything = scorecard.build(store.load(region_db))["measure_id"].tolist()
    at = app("pages/scorecard.py")
    assert measure_links(at) == everything[: data.PAGE_SIZE]
    assert "measures 1 to 100 on this page" in count_line(at)
    assert at.button(key="page_previous").disabled
    at.button(key="page_next").click().run()
    assert measure_links(at) == everything[data.PAGE_SIZE:]
    assert at.button(key="page_next").disabled and "measures 101 to 150" in count_line(at)
    at.selectbox(key="period").set_value("2026-07").run()  # another month: back to the first page
    assert "13 months ending Jul-26" in count_line(at) and "measures 1 to 100 on this page" in count_line(at)


def test_ten_sessions_at_once_compute_the_scorecard_once(app, shipped_db, tmp_path, monkeypatch):
    """Streamlit's ``cache_data`` holds a lock per key while it computes: ten sessions asking at once
    for the same data version and month wait for one computation and share it."""
    fresh = tmp_path / "kpi.sqlite"  # a database no cache has seen
    shutil.copy(shipped_db, fresh)
    monkeypatch.setenv("KPI_DB", str(fresh))
    calls = []
    build = scorecard.build

    def counted(*args, **kwargs):
        calls.append(threading.get_ident())
        return build(*args, **kwargs)

    monkeypatch.setattr(scorecard, "build", counted)
    sessions, errors = [None] * 10, []
    start = threading.Barrier(10)

    def open_scorecard(n: int) -> None:
        try:
            start.wait()
            sessions[n] = app("pages/scorecard.py")
        except Exception as error:  # noqa: BLE001 - reported below with the session
            errors.append((n, error))

    threads = [threading.Thread(target=open_scorecard, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(calls) == 1
    for at in sessions:
        assert not at.exception and at.title[0].value == "Scorecard"
        assert len(measure_links(at)) == 84


def test_the_data_version_ignores_an_empty_write_ahead_log(tmp_path, monkeypatch):
    """A reader opening the database creates an empty ``-wal`` file: the same data, the same version.
    A write puts something in the log: a new version."""
    path = tmp_path / "kpi.sqlite"
    path.write_bytes(b"data")
    monkeypatch.setenv("KPI_DB", str(path))
    before = data.version()
    wal = Path(f"{path}-wal")
    wal.write_bytes(b"")
    assert data.version() == before
    wal.write_bytes(b"a written page")
    assert data.version() != before


def test_the_explorers_table_says_improving_or_worsening_beside_the_arrow(snapshot):
    """Lower is better for repeat referrals: ↑ is worsening, ↓ improving (``kpicore.rules.judge_change``)."""
    history = explorer.measure_history(snapshot, "repeat-referrals-in-month-previous-referral")
    table = present.figures_table(history)
    assert table[["Month", "D.o.T."]].head(4).values.tolist() == [
        ["Nov-22", "↑ worsening"], ["Oct-22", "↓ improving"], ["Sep-22", "↑ worsening"], ["Aug-22", "→ no change"],
    ]
    assert table["D.o.T."].iloc[-1] == ""  # the first month has no change
    export = present.figures_export(history)
    assert export["trend"].tolist()[-2:] == ["improving", "worsening"]
