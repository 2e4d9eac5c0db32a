"""Cached readers of the store, keyed by the database's data version.

Every write bumps the version (a new observation version), so a cached
scorecard is never served after its figures changed; ``clear`` drops all.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from kpicore import charts, explorer, scorecard, store


def database() -> Path:
    return store.default_path()


@st.cache_data(show_spinner=False)
def _snapshot(path: str, stamp: float) -> store.Snapshot:
    return store.load(path)


def snapshot() -> store.Snapshot:
    path = database()
    stamp = max(
        (p.stat().st_mtime for p in (path, Path(f"{path}-wal")) if p.exists()),
        default=0.0,
    )
    return _snapshot(str(path), stamp)


@st.cache_data(show_spinner=False)
def _scorecard(path: str, version: int, period: str, months: int) -> pd.DataFrame:
    return scorecard.build(snapshot(), period, months)


def scorecard_table(period: str, months: int = 13) -> pd.DataFrame:
    current = snapshot()
    return _scorecard(str(database()), current.data_version, period, months)


def periods() -> list[str]:
    """Months with any figure, newest first."""
    return sorted(snapshot().observations["period"].unique(), reverse=True)


def clear() -> None:
    st.cache_data.clear()


@st.cache_data(show_spinner=False)
def _measure_history(path: str, version: int, measure_id: str) -> explorer.MeasureHistory:
    return explorer.measure_history(snapshot(), measure_id)


def measure_history(measure_id: str) -> explorer.MeasureHistory:
    return _measure_history(str(database()), snapshot().data_version, measure_id)


@st.cache_data(show_spinner=False)
def _chart_png(path: str, version: int, measure_id: str) -> bytes:
    return charts.chart_png(charts.measure_chart(measure_history(measure_id)))


def chart_png(measure_id: str) -> bytes:
    """The measure's chart as PNG, rendered once per data version."""
    return _chart_png(str(database()), snapshot().data_version, measure_id)
