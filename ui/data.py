"""Cached readers of the store, keyed by the data version (``version``: the database file's last change).

Every write (a figure, a re-base, an owner) changes the database or its WAL
file, so a cached table is never served after what it was computed from
changed; ``clear`` drops everything at once after a write in this session.
``st.cache_data`` is process-wide and holds a lock per key while it computes, so
every session shares one computation of each table, page of HTML and download.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from kpicore import store
from kpicore.files.csv_writer import write_csv
from kpicore.files.excel import scorecard_xlsx
from kpicore.periods import label
from kpicore.reports import explorer, scorecard
from kpicore.reports.filters import Filters
from kpicore.snapshot import Snapshot
from ui import scorecard_html

PAGE_SIZE = 100
"""Measures on one page of the Scorecard: a council's whole scorecard (84) fits on one page; a region's
2,000 are shown a hundred at a time, so what is styled and sent follows what is on screen."""


PER_VIEW = 64
"""Filtered tables, pages of HTML and downloads kept at once (the most recently used): enough for every
month, filter and page that people are looking at, while a long-running server's memory stays bounded.
The snapshot keeps its last two versions, so that a write does not leave the old data in memory."""


def database() -> Path:
    return store.default_path()


def version() -> tuple[str, int, int, int]:
    """The data version: the database file's last change and size, and its write-ahead log's last change
    while the log holds anything. An empty log (a reader has the database open) is not a change: counting
    it would give two sessions reading at once two versions of the same data, and compute everything twice."""
    path = database()
    main = path.stat() if path.exists() else None
    try:
        wal = Path(f"{path}-wal").stat()
    except FileNotFoundError:
        wal = None
    return (
        str(path), main.st_mtime_ns if main else 0, main.st_size if main else 0,
        wal.st_mtime_ns if wal and wal.st_size else 0,
    )


@st.cache_data(show_spinner="Loading the figures…", max_entries=2)
def _snapshot(stamp: tuple[str, int, int, int]) -> Snapshot:
    return store.load(stamp[0])


def snapshot() -> Snapshot:
    return _snapshot(version())


@st.cache_data(show_spinner="Working out the scorecard…", max_entries=24)
def _scorecard(stamp: tuple[str, int, int, int], period: str, months: int) -> pd.DataFrame:
    return scorecard.build(_snapshot(stamp), period, months)


def scorecard_table(period: str, months: int = 13) -> pd.DataFrame:
    return _scorecard(version(), period, months)


@st.cache_data(show_spinner=False, max_entries=PER_VIEW)
def _filtered(stamp: tuple[str, int, int, int], period: str, filters: Filters) -> pd.DataFrame:
    return filters.apply(_scorecard(stamp, period, 13), _snapshot(stamp).measures)


@st.cache_data(show_spinner="Preparing the Excel workbook…", max_entries=PER_VIEW)
def _scorecard_xlsx(stamp: tuple[str, int, int, int], period: str, filters: Filters) -> bytes:
    units = _snapshot(stamp).measures.set_index("measure_id")["unit"]
    return scorecard_xlsx(_filtered(stamp, period, filters), units, f"Scorecard as at {label(period)}")


def scorecard_xlsx_bytes(period: str, filters: Filters) -> bytes:
    """The filtered scorecard's Excel workbook, built once per data change, month and filters."""
    return _scorecard_xlsx(version(), period, filters)


def scorecard_xlsx_data(period: str, filters: Filters, rows: int) -> bytes | Callable[[], bytes]:
    """What the Excel button sends: for a scorecard of one page (``rows`` up to ``PAGE_SIZE``) the workbook
    itself; for a larger one, a function that builds it (cached the same way) when the button is pressed,
    so that nobody waits for a region's workbook they did not ask for."""
    if rows <= PAGE_SIZE:
        return scorecard_xlsx_bytes(period, filters)
    stamp = version()
    return lambda: _scorecard_xlsx(stamp, period, filters)


@st.cache_data(show_spinner="Preparing the CSV…", max_entries=PER_VIEW)
def _scorecard_csv(stamp: tuple[str, int, int, int], period: str, filters: Filters) -> bytes:
    return write_csv(_filtered(stamp, period, filters))


def scorecard_csv_bytes(period: str, filters: Filters) -> bytes:
    """The filtered scorecard as CSV (the ``scorecard`` command's columns), built once per data change,
    month and filters, and shared by every session."""
    return _scorecard_csv(version(), period, filters)


@dataclass(frozen=True)
class ScorecardPage:
    """What the Scorecard page shows for a month, filters and page: ``shown`` of ``total`` measures pass
    the filters; this page holds measures ``first`` to ``last`` (1-based) as one HTML block per area."""

    shown: int
    total: int
    page: int
    pages: int
    first: int
    last: int
    blocks: tuple[str, ...]


@st.cache_data(show_spinner="Drawing the scorecard…", max_entries=PER_VIEW)
def _scorecard_page(stamp: tuple[str, int, int, int], period: str, filters: Filters, page: int, more: bool) -> ScorecardPage:
    table = _filtered(stamp, period, filters)
    measures = _snapshot(stamp).measures
    pages = max(1, -(-len(table) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    rows = table.iloc[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    units = measures.set_index("measure_id")["unit"]
    blocks = tuple(
        scorecard_html.area_html(area, group, units, period, more) for area, group in rows.groupby("area", sort=False)
    )
    first = page * PAGE_SIZE + 1 if len(rows) else 0
    return ScorecardPage(len(table), len(measures), page, pages, first, first + len(rows) - 1 if len(rows) else 0, blocks)


def scorecard_page(period: str, filters: Filters, page: int = 0, more: bool = False) -> ScorecardPage:
    """One page of the filtered scorecard as HTML, built once per data change, month, filters, page and
    columns, and shared by every session; a page past the last is the last."""
    return _scorecard_page(version(), period, filters, page, more)


@st.cache_data(show_spinner=False, max_entries=2)
def _periods(stamp: tuple[str, int, int, int]) -> list[str]:
    return sorted(_snapshot(stamp).observations["period"].unique(), reverse=True)


def periods() -> list[str]:
    """Months with any figure, newest first."""
    return _periods(version())


@st.cache_data(show_spinner=False, max_entries=2)
def _areas(stamp: tuple[str, int, int, int]) -> dict[str, str]:
    areas = _snapshot(stamp).areas
    return dict(zip(areas["area_id"], areas["name"]))


def areas() -> dict[str, str]:
    """Area ids and names, in the council's order."""
    return _areas(version())


@st.cache_data(show_spinner=False, max_entries=256)
def _measure_history(stamp: tuple[str, int, int, int], measure_id: str, baseline: int | None) -> explorer.MeasureHistory:
    return explorer.measure_history(_snapshot(stamp), measure_id, baseline)


def measure_history(measure_id: str, baseline: int | None = None) -> explorer.MeasureHistory:
    return _measure_history(version(), measure_id, baseline)


@st.cache_data(show_spinner=False, max_entries=256)
def _chart_spec(stamp: tuple[str, int, int, int], measure_id: str, baseline: int | None) -> dict:
    from kpicore.reports import charts  # Altair: imported by the first chart, not by every page's first run

    return charts.measure_chart(_measure_history(stamp, measure_id, baseline)).to_dict()


def chart_spec(measure_id: str, baseline: int | None = None) -> dict:
    """The measure's chart as a Vega-Lite specification, built and validated once per change of the data
    (building the Altair chart and converting it is most of the explorer's script run)."""
    return _chart_spec(version(), measure_id, baseline)


@st.cache_data(show_spinner=False, max_entries=256)
def _chart_png(stamp: tuple[str, int, int, int], measure_id: str, baseline: int | None) -> bytes:
    from kpicore.reports import charts

    return charts.chart_png(charts.measure_chart(_measure_history(stamp, measure_id, baseline)))


def chart_png(measure_id: str, baseline: int | None = None) -> bytes:
    """The measure's chart as PNG, rendered once per change of the data."""
    return _chart_png(version(), measure_id, baseline)


def clear() -> None:
    st.cache_data.clear()
