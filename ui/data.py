"""Cached readers of the store, keyed by the database file's last change.

Every write (a figure, a re-base, an owner) changes the database or its WAL
file, so a cached table is never served after what it was computed from
changed; ``clear`` drops everything at once after a write in this session.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from kpicore import store
from kpicore.files.excel import scorecard_xlsx
from kpicore.periods import label
from kpicore.reports import charts, explorer, scorecard
from kpicore.reports.filters import Filters
from kpicore.snapshot import Snapshot


def database() -> Path:
    return store.default_path()


def _stamp() -> tuple[str, float]:
    path = database()
    return str(path), max((p.stat().st_mtime_ns for p in (path, Path(f"{path}-wal")) if p.exists()), default=0)


@st.cache_data(show_spinner=False)
def _snapshot(stamp: tuple[str, float]) -> Snapshot:
    return store.load(stamp[0])


def snapshot() -> Snapshot:
    return _snapshot(_stamp())


@st.cache_data(show_spinner=False)
def _scorecard(stamp: tuple[str, float], period: str, months: int) -> pd.DataFrame:
    return scorecard.build(_snapshot(stamp), period, months)


def scorecard_table(period: str, months: int = 13) -> pd.DataFrame:
    return _scorecard(_stamp(), period, months)


@st.cache_data(show_spinner=False)
def _scorecard_xlsx(stamp: tuple[str, float], period: str, filters: Filters) -> bytes:
    snap = _snapshot(stamp)
    table = filters.apply(_scorecard(stamp, period, 13), snap.measures)
    units = snap.measures.set_index("measure_id")["unit"]
    return scorecard_xlsx(table, units, f"Scorecard as at {label(period)}")


def scorecard_xlsx_bytes(period: str, filters: Filters) -> bytes:
    """The filtered scorecard's Excel workbook, built once per data change, month and filters."""
    return _scorecard_xlsx(_stamp(), period, filters)


def periods() -> list[str]:
    """Months with any figure, newest first."""
    return sorted(snapshot().observations["period"].unique(), reverse=True)


@st.cache_data(show_spinner=False)
def _measure_history(stamp: tuple[str, float], measure_id: str, baseline: int | None) -> explorer.MeasureHistory:
    return explorer.measure_history(_snapshot(stamp), measure_id, baseline)


def measure_history(measure_id: str, baseline: int | None = None) -> explorer.MeasureHistory:
    return _measure_history(_stamp(), measure_id, baseline)


@st.cache_data(show_spinner=False)
def _chart_png(stamp: tuple[str, float], measure_id: str, baseline: int | None) -> bytes:
    return charts.chart_png(charts.measure_chart(_measure_history(stamp, measure_id, baseline)))


def chart_png(measure_id: str, baseline: int | None = None) -> bytes:
    """The measure's chart as PNG, rendered once per change of the data."""
    return _chart_png(_stamp(), measure_id, baseline)


def clear() -> None:
    st.cache_data.clear()
