"""One measure's whole history, with every derived figure, for the measure explorer."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpicore import spc
from kpicore.periods import label
from kpicore.rules import evaluate
from kpicore.store import Snapshot


@dataclass(frozen=True)
class MeasureHistory:
    """A measure's catalogue entry, its figures month by month, and its SPC analysis."""

    measure: pd.Series
    area: str
    figures: pd.DataFrame
    spc: spc.SPCResult | None


def measure_history(snapshot: Snapshot, measure_id: str) -> MeasureHistory:
    """Every reported month of ``measure_id``, oldest first.

    ``figures`` columns: ``period, month, value, band, change, distance, dot, target,
    tolerance, commentary, performance_group, recorded_by, recorded_at``, then the SPC
    columns ``mean, lpl, upl, nlpl, nupl, special_cause, point_type, rule`` (NaN/None
    under 13 points). Raises ``KeyError`` for an unknown measure.
    """
    catalogue = snapshot.measures.set_index("measure_id")
    measure = catalogue.loc[measure_id]
    area = snapshot.areas.set_index("area_id").loc[measure["area_id"], "name"]
    own = snapshot.observations[snapshot.observations["measure_id"] == measure_id]
    evaluated = evaluate(own, snapshot.measures, snapshot.targets, snapshot.settings).sort_values("period")
    extra = own.set_index("period")[["commentary", "performance_group", "recorded_by", "recorded_at"]]
    figures = evaluated.drop(columns=["measure_id", "polarity", "previous_value"]).join(extra, on="period")
    figures.insert(1, "month", figures["period"].map(label))
    result = None
    if len(figures):
        target = figures["target"].iloc[-1]
        result = spc.analyse(
            figures["value"].tolist(),
            improvement=measure["polarity"],
            target=None if pd.isna(target) else float(target),
        )
        points = result.points[["mean", "lpl", "upl", "nlpl", "nupl", "special_cause", "point_type", "rule"]]
        figures = pd.concat([figures.reset_index(drop=True), points.reset_index(drop=True)], axis=1)
    return MeasureHistory(measure.rename(measure_id), area, figures.reset_index(drop=True), result)


def spc_notes(history: MeasureHistory) -> list[str]:
    """The SPC signals in plain words, with months instead of point numbers."""
    if history.spc is None:
        return []
    if history.spc.message:
        return [f"SPC: {history.spc.message} ({len(history.figures)} reported months; 13 are needed)."]
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
