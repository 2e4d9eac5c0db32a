"""One measure's whole history, with every derived figure, for the measure explorer."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpicore import spc
from kpicore.periods import label
from kpicore.rules import Settings, comparators_in_force, evaluate, judge_change
from kpicore.snapshot import Snapshot


@dataclass(frozen=True)
class MeasureHistory:
    """A measure's catalogue entry, its figures month by month, and its SPC analysis."""

    measure: pd.Series
    area: str
    figures: pd.DataFrame
    spc: spc.SPCResult | None


def measure_history(snapshot: Snapshot, measure_id: str, baseline: int | None = None) -> MeasureHistory:
    """Every reported month of ``measure_id``, oldest first.

    ``figures`` columns: ``period, month, value, band, change, distance, dot, trend, target,
    tolerance, comparator_value, comparator_label`` (each in force at the month), ``commentary, performance_group, recorded_by, recorded_at``, then the SPC
    columns ``mean, lpl, upl, nlpl, nupl, special_cause, point_type, rule`` (NaN/None
    under 13 points). ``trend`` says whether the month's move is ``improving``, ``worsening`` or
    ``no change`` for the measure's polarity (``kpicore.rules.judge_change``; blank without a change). ``baseline`` fixes each SPC period's limits on its first ``baseline``
    (at least 12) reported months. Raises ``KeyError`` for an unknown measure.
    """
    catalogue = snapshot.measures.set_index("measure_id")
    measure = catalogue.loc[measure_id]
    area = snapshot.areas.set_index("area_id").loc[measure["area_id"], "name"]
    own = snapshot.observations[snapshot.observations["measure_id"] == measure_id]
    evaluated = evaluate(own, snapshot.measures, snapshot.targets, snapshot.settings).sort_values("period")
    evaluated = comparators_in_force(evaluated, snapshot.comparators)
    evaluated.insert(
        evaluated.columns.get_loc("dot") + 1, "trend",
        judge_change(evaluated["change"], evaluated["dot"], evaluated["polarity"]),
    )
    extra = own.set_index("period")[["commentary", "performance_group", "recorded_by", "recorded_at"]]
    figures = evaluated.drop(columns=["measure_id", "polarity", "previous_value"]).join(extra, on="period")
    figures.insert(1, "month", figures["period"].map(label))
    result = None
    if len(figures):
        rebases = snapshot.rebases.loc[snapshot.rebases["measure_id"] == measure_id, "period"]
        result = analyse_measure(figures, measure["polarity"], rebases.tolist(), baseline, snapshot.settings)
        points = result.points[["mean", "lpl", "upl", "nlpl", "nupl", "special_cause", "point_type", "rule"]]
        figures = pd.concat([figures.reset_index(drop=True), points.reset_index(drop=True)], axis=1)
    return MeasureHistory(measure.rename(measure_id), area, figures.reset_index(drop=True), result)


def rebase_positions(periods: list[str], rebase_periods: list[str]) -> list[int]:
    """Where each re-base starts a new group: the 0-based position of the first reported month
    on or after it. Re-bases before the second or after the last reported month have no effect."""
    positions = set()
    for start in rebase_periods:
        position = next((i for i, period in enumerate(periods) if period >= start), None)
        if position is not None and 0 < position < len(periods):
            positions.add(position)
    return sorted(positions)


def analyse_measure(
    figures: pd.DataFrame,
    polarity: str,
    rebase_periods: list[str],
    baseline: int | None = None,
    settings: Settings | None = None,
) -> spc.SPCResult:
    """SPC of a measure's reported figures (``period``, ``value``, ``target`` oldest first), re-based
    where recorded; assurance is against the latest target."""
    settings = settings or Settings()
    target = figures["target"].iloc[-1]
    return spc.analyse(
        figures["value"].tolist(),
        improvement=polarity,
        target=None if pd.isna(target) else float(target),
        rebase=rebase_positions(figures["period"].tolist(), rebase_periods) or None,
        baseline=baseline,
        screen_outliers=settings.spc_screen_outliers,
        run_length=settings.spc_run_length,
        trend_length=settings.spc_trend_length,
    )


def spc_notes(history: MeasureHistory) -> list[str]:
    """The SPC signals in plain words, with months instead of point numbers."""
    if history.spc is None:
        return []
    if history.spc.message:
        groups = history.spc.points["group"]
        latest = int((groups == groups.iloc[-1]).sum())
        since = "" if groups.iloc[-1] == 0 else f" since the re-base at {history.figures['month'].iloc[len(groups) - latest]}"
        return [f"SPC: {history.spc.message}{since} ({latest} reported months; {spc.MIN_POINTS} are needed)."]
    months = history.figures["month"].tolist()
    notes = []
    for signal in history.spc.signals:
        named = [months[position - 1] for position in signal.positions]
        if signal.rule in (spc.Rule.RUN, spc.Rule.TREND):
            where = f"{len(named)} points from {named[0]} to {named[-1]}"
        else:
            where = ", ".join(named)
        notes.append(f"{signal.rule.label} ({signal.direction}): {where}.")
    return notes
