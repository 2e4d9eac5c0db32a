"""The scorecard: one row per measure, a window of months ending at a chosen period.

This is the single source of the scorecard page's table, its downloads and the
``python -m kpicore scorecard`` command (DESIGN.md section 4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpicore import spc
from kpicore.periods import is_quarter_end, window
from kpicore.rules import (
    comparators_in_force,
    evaluate_recent,
    headline,
    judge_change,
    suggested_group,
    targets_in_force,
)
from kpicore.snapshot import Snapshot
from kpicore.vocab import Band, Unit

LEADING_COLUMNS = [
    "area", "measure_id", "measure", "killer_kpi", "performance_group", "dot", "change", "distance",
]
"""Columns before the months, in the order DESIGN.md section 4 fixes."""
TRAILING_COLUMNS = [
    "trend", "comparator_note", "suggested_performance_group", "status", "status_period", "variation", "assurance",
]
"""Columns after the specified ones: where the comparator comes from, the suggested
group where none is recorded, the headline status with the period it is at, and the
SPC variation and assurance icons as at the period (blank under 13 points). ``trend`` says whether
the period's move (``dot``) is ``improving``, ``worsening`` or ``no change`` for the measure's polarity
(an ``↑`` on a lower-is-better measure is worsening; blank without a change)."""


FIGURE_COLUMNS = ["measure_id", "period", "value", "performance_group"]
"""The only columns of the snapshot's figures ``build`` reads: ``store.load(path, FIGURE_COLUMNS)`` reads
under half the text a whole snapshot holds (the ``scorecard`` command)."""


def latest_period(snapshot: Snapshot) -> str:
    """The latest month with any figure."""
    return str(snapshot.observations["period"].max())


def build(
    snapshot: Snapshot,
    period: str | None = None,
    months: int = 13,
    area: str | None = None,
) -> pd.DataFrame:
    """The scorecard as at ``period`` (default: the latest month with data).

    Columns, in order: ``area, measure_id, measure, killer_kpi,
    performance_group, dot, change, distance``, one column per month
    ``YYYY-MM`` oldest first, ``target, tolerance, comparator``, one
    ``band_YYYY-MM`` per month, then ``TRAILING_COLUMNS``. ``change``,
    ``distance`` and ``dot`` are for ``period`` itself (blank when it has no
    figure); ``target`` and ``tolerance`` are those in force at ``period``;
    derived figures are rounded to the unit's display precision. Rows follow the
    council's order of areas and measures; ``area`` filters by area id.
    """
    period = period or latest_period(snapshot)
    periods = window(period, months)
    measures = _in_council_order(snapshot, period)
    if area:
        measures = measures[measures["area_id"] == area]
    evaluated = evaluate_recent(
        snapshot.observations, snapshot.measures, snapshot.targets, snapshot.settings, period, months
    )
    shown = evaluated["measure_id"].isin(measures["measure_id"])
    evaluated = evaluated if shown.all() else evaluated[shown]
    in_window = evaluated[evaluated["period"].isin(periods)]
    values, month_bands = _months(in_window, measures["measure_id"], periods)
    from_targets = _targets_at(snapshot, measures["measure_id"], period)
    status = headline(evaluated, period).reindex(measures["measure_id"])

    table = measures.set_index("measure_id")
    out = _leading(table, in_window[in_window["period"] == period], snapshot.observations, period).join(values)
    out["target"] = from_targets["target"]
    out["tolerance"] = from_targets["tolerance"]
    comparator = _comparators_at(snapshot, measures["measure_id"], period)
    out["comparator"] = comparator["comparator_value"].astype(object).where(
        comparator["comparator_value"].notna(), comparator["comparator_label"]
    )
    out = out.join(month_bands)
    out["trend"] = judge_change(out["change"], out["dot"], table["polarity"])
    out["comparator_note"] = comparator["comparator_label"].where(comparator["comparator_value"].notna())
    out["suggested_performance_group"] = suggested_group(status["band"]).where(
        out["performance_group"].isna()
    )
    out["status"] = status["band"].fillna(Band.NO_DATA.value)
    out["status_period"] = status["status_period"]
    icons = spc_icons(snapshot, period, measures, from_targets["target"])
    out["variation"] = icons["variation"]
    out["assurance"] = icons["assurance"]
    out = out.reset_index()
    return out[["area", *out.columns.drop("area")]]


def _months(in_window: pd.DataFrame, measure_ids: pd.Series, periods: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each measure's value per month (``YYYY-MM``) and band per month (``band_YYYY-MM``, ``no_data`` where none)."""
    def grid(column: str) -> pd.DataFrame:
        return in_window.pivot(index="measure_id", columns="period", values=column).reindex(
            index=measure_ids, columns=periods
        )

    bands = grid("band").astype(object).fillna(Band.NO_DATA.value).add_prefix("band_")
    return grid("value"), bands


def _leading(table: pd.DataFrame, current: pd.DataFrame, observations: pd.DataFrame, period: str) -> pd.DataFrame:
    """The columns before the months: area, name, killer flag, the recorded group, and the period's
    arrow, change and distance rounded to the unit's display precision."""
    current = current.set_index("measure_id")
    recorded = observations[observations["period"] == period].set_index("measure_id")
    decimals = table["unit"].map(lambda u: Unit(u).decimals)
    out = pd.DataFrame({"area": table["area"]}, index=table.index)
    out["measure"] = table["name"]
    out["killer_kpi"] = table["killer_kpi"].astype(bool)
    out["performance_group"] = recorded["performance_group"].reindex(table.index)
    out["dot"] = current["dot"].reindex(table.index)
    out["change"] = _round(current["change"].reindex(table.index), decimals)
    out["distance"] = _round(current["distance"].reindex(table.index), decimals)
    return out


def _in_council_order(snapshot: Snapshot, period: str) -> pd.DataFrame:
    """The measures in use at ``period`` with each one's area name, in the council's order of areas and
    measures. A measure retired from a later month still shows at ``period``."""
    areas = snapshot.areas[["area_id", "name", "position"]].rename(columns={"name": "area", "position": "area_position"})
    return snapshot.active_measures(period).merge(areas, on="area_id").sort_values(["area_position", "position"])


def spc_icons(
    snapshot: Snapshot, period: str, measures: pd.DataFrame, targets: pd.Series
) -> pd.DataFrame:
    """Each measure's SPC variation and assurance from its whole history up to ``period``.

    One vectorised pass over every measure (``spc.analyse_many``), re-based where recorded
    (``snapshot.rebases``); ``targets`` are those in force at ``period``. Blank under 13 reported
    points (in the latest group).
    """
    history = snapshot.observations[
        (snapshot.observations["period"] <= period)
        & snapshot.observations["measure_id"].isin(measures["measure_id"])
    ][["measure_id", "period", "value"]]
    polarity = measures.set_index("measure_id")["polarity"]
    if history.empty:
        return pd.DataFrame(index=polarity.index, columns=["variation", "assurance"], dtype=object)
    settings = snapshot.settings
    result = spc.analyse_many(
        history,
        improvement=polarity.to_dict(),
        target=targets.dropna().to_dict(),
        screen_outliers=settings.spc_screen_outliers,
        run_length=settings.spc_run_length,
        trend_length=settings.spc_trend_length,
        rebase=snapshot.rebases,
    ).reindex(polarity.index)
    return pd.DataFrame(
        {column: result[column].map(lambda v: None if v is None or pd.isna(v) else str(v)) for column in ("variation", "assurance")},
        index=polarity.index,
    )


def _round(series: pd.Series, decimals: pd.Series) -> pd.Series:
    return pd.Series(
        [np.nan if pd.isna(v) else round(v, d) + 0.0 for v, d in zip(series, decimals)],
        index=series.index,
    )


def _comparators_at(snapshot: Snapshot, measure_ids: pd.Series, period: str) -> pd.DataFrame:
    """The comparator value and label in force at ``period`` for each measure (``comparators_in_force``)."""
    at = pd.DataFrame({"measure_id": measure_ids.to_numpy(), "period": period})
    in_force = comparators_in_force(at, snapshot.comparators).set_index("measure_id")
    return in_force[["comparator_value", "comparator_label"]]


def _targets_at(snapshot: Snapshot, measure_ids: pd.Series, period: str) -> pd.DataFrame:
    """The target and tolerance in force at ``period`` for each measure (one rule: ``targets_in_force``)."""
    at = pd.DataFrame({"measure_id": measure_ids.to_numpy(), "period": period})
    return targets_in_force(at, snapshot.targets).set_index("measure_id")[["target", "tolerance"]]


def missing_figures(snapshot: Snapshot, period: str) -> pd.DataFrame:
    """Measures due a figure for ``period`` that have none: the returns still to chase.

    A monthly measure is due every month and a quarterly one at each quarter end,
    from the month of its first figure onwards. Columns: ``area_id, area,
    measure_id, measure, frequency, last_period`` (its latest figure before ``period``).
    """
    measures = _in_council_order(snapshot, period)
    observations = snapshot.observations
    first = observations.groupby("measure_id")["period"].min()
    before = observations[observations["period"] < period].groupby("measure_id")["period"].max()
    reported = set(observations.loc[observations["period"] == period, "measure_id"])
    quarter_end = is_quarter_end(period)
    due = measures[
        measures["measure_id"].map(first).le(period).fillna(False)
        & ((measures["frequency"] == "monthly") | quarter_end)
        & ~measures["measure_id"].isin(reported)
    ]
    return pd.DataFrame(
        {
            "area_id": due["area_id"],
            "area": due["area"],
            "measure_id": due["measure_id"],
            "measure": due["name"],
            "frequency": due["frequency"],
            "last_period": due["measure_id"].map(before),
        }
    ).reset_index(drop=True)
