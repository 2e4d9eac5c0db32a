"""`analyse`: the XmR analysis of one series, with baseline and re-basing, and its result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpicore.spc.assurance import assurance_type
from kpicore.spc.engine import MIN_POINTS, Classified, classify
from kpicore.spc.limits import LIMIT_FACTOR, NEAR_FACTOR, SCREEN_OUTLIERS
from kpicore.spc.series import as_values, check_length
from kpicore.spc.signals import Signal, find_signals
from kpicore.spc.special_cause import RUN_LENGTH, TREND_LENGTH
from kpicore.spc.vocabulary import (
    POINT_TYPE_CODES,
    POINT_TYPE_OR_NONE,
    RULE_CODES,
    TOO_FEW_MESSAGE,
    Assurance,
    PointType,
)
from kpicore.vocab import Polarity

MIN_BASELINE = 12


@dataclass(frozen=True, eq=False)
class SPCResult:
    """The SPC analysis of one series.

    `points` has one row per input position (index 0..n-1) with columns value, mean, lpl,
    upl, nlpl, nupl, special_cause, point_type, rule and group (0-based re-base group).
    Missing inputs keep their row with value NaN, special_cause False, point_type and rule
    None; they carry their group's limits so that limit lines can be drawn across gaps.
    Points in a group with fewer than 13 reported values have NaN mean and limits,
    special_cause False and point_type None. `variation` is the type of the latest
    reported point, `assurance` compares the target with the latest group's limits, and
    `message` is "too few points for SPC" when the latest group cannot be assessed.
    """

    points: pd.DataFrame
    variation: PointType | None
    assurance: Assurance | None
    message: str | None
    signals: tuple[Signal, ...] = ()

    def explanation(self) -> str:
        """A short plain-English account of the rules that fired, one sentence per line.

        Positions are 1-based positions in the input series.
        """
        lines: list[str] = []
        reported = self.points["value"].notna().to_numpy()
        groups = self.points["group"].to_numpy()
        for group in np.unique(groups):
            in_group = groups == group
            first = int(np.flatnonzero(in_group)[0]) + 1
            last = int(np.flatnonzero(in_group)[-1]) + 1
            if group > 0:
                lines.append(f"Limits re-based at point {first}.")
            count = int(np.count_nonzero(in_group & reported))
            if count < MIN_POINTS:
                lines.append(
                    f"Points {first} to {last} have {count} reported values, too few for "
                    f"SPC limits ({MIN_POINTS} are needed)."
                )
        if self.signals:
            lines.extend(f"{signal.describe()}." for signal in self.signals)
        elif self.message is None:
            lines.append("No special cause variation: every point is within common cause variation.")
        if self.variation is not None:
            latest = int(np.flatnonzero(reported)[-1]) + 1
            lines.append(f"Latest point (point {latest}): {self.variation.label}.")
        if self.assurance is not None:
            lines.append(f"Target: {self.assurance.label}.")
        if self.message is not None:
            lines.append(f"No variation or assurance icon: {self.message}.")
        return "\n".join(lines)


def _check_baseline(baseline: int | None) -> None:
    if baseline is not None and (isinstance(baseline, bool) or int(baseline) != baseline or baseline < MIN_BASELINE):
        raise ValueError(f"baseline must be an integer of at least {MIN_BASELINE}, not {baseline!r}")


def _group_of_positions(n: int, rebase: Sequence[int] | None) -> np.ndarray:
    """0-based re-base group of each input position."""
    if rebase is None:
        return np.zeros(n, dtype=np.int64)
    positions = sorted({int(p) for p in rebase})
    if any(p < 1 or p >= n for p in positions):
        raise ValueError(f"rebase positions must be between 1 and {n - 1} (0-based input positions)")
    return np.searchsorted(np.array(positions, dtype=np.int64), np.arange(n), side="right")


def _baseline_use(segment: np.ndarray, n_groups: int, baseline: int | None) -> np.ndarray:
    """Which reported points set their group's limits: the first `baseline` of each group, or all."""
    first_of_segment = np.searchsorted(segment, np.arange(n_groups))
    rank = np.arange(segment.size) - first_of_segment[segment]
    return rank < (segment.size if baseline is None else baseline)


def _points_frame(values_all: np.ndarray, group_all: np.ndarray, classified: Classified) -> pd.DataFrame:
    """One row per input position: the value, its group's limits, and its rule and point type."""
    reported = ~np.isnan(values_all)
    mean, amr = classified.mean[group_all], classified.amr[group_all]
    point_type = np.full(values_all.size, None, dtype=object)
    point_type[reported] = POINT_TYPE_OR_NONE[classified.point_type]
    # Points of an unassessed group have no mean, so no rule can fire on them.
    rule = np.full(values_all.size, None, dtype=object)
    rule[reported] = np.array(RULE_CODES, dtype=object)[classified.rule]
    special = np.zeros(values_all.size, dtype=bool)
    special[reported] = classified.rule != RULE_CODES.index(None)
    return pd.DataFrame(
        {
            "value": values_all,
            "mean": mean,
            "lpl": mean - LIMIT_FACTOR * amr,
            "upl": mean + LIMIT_FACTOR * amr,
            "nlpl": mean - NEAR_FACTOR * amr,
            "nupl": mean + NEAR_FACTOR * amr,
            "special_cause": special,
            "point_type": pd.Series(point_type, dtype=object),
            "rule": pd.Series(rule, dtype=object),
            "group": group_all,
        }
    )


def analyse(
    values: Sequence[float | None],
    *,
    improvement: Polarity | str,
    target: float | None = None,
    screen_outliers: bool = SCREEN_OUTLIERS,
    baseline: int | None = None,
    rebase: Sequence[int] | None = None,
    run_length: int = RUN_LENGTH,
    trend_length: int = TREND_LENGTH,
) -> SPCResult:
    """Run an XmR chart analysis of one series, in time order.

    Missing values (None, NaN) are skipped: the rules run on the reported values only, in
    order, so a gap never breaks or extends a run by itself, and missing is never zero.
    `improvement` is "higher", "lower" or "neutral" (or a Polarity). `baseline=n` (n >= 12)
    fixes each group's mean and limits on its first n reported values. `rebase` lists
    0-based input positions where a new group with its own limits starts. Every group needs
    13 reported values for limits; a shorter group gets none and is not assessed. See
    `SPCResult` for the shape of the answer.
    """
    polarity = Polarity(improvement)
    check_length("run_length", run_length)
    check_length("trend_length", trend_length)
    _check_baseline(baseline)
    values_all = as_values(values)
    group_all = _group_of_positions(values_all.size, rebase)
    n_groups = int(group_all[-1]) + 1 if values_all.size else 1

    reported = ~np.isnan(values_all)
    positions = np.flatnonzero(reported) + 1
    y, segment = values_all[reported], group_all[reported]
    classified = classify(
        y,
        segment,
        n_groups,
        _baseline_use(segment, n_groups, baseline),
        np.full(n_groups, polarity.sign),
        screen_outliers=screen_outliers,
        run_length=run_length,
        trend_length=trend_length,
    )
    points = _points_frame(values_all, group_all, classified)

    variation: PointType | None = None
    assurance: Assurance | None = None
    if y.size and classified.assessed[-1]:
        variation = POINT_TYPE_CODES[classified.point_type[-1]]
        latest = points.iloc[positions[-1] - 1]
        assurance = assurance_type(target, latest["lpl"], latest["upl"], polarity)
    return SPCResult(
        points=points,
        variation=variation,
        assurance=assurance,
        message=None if variation is not None else TOO_FEW_MESSAGE,
        signals=find_signals(classified, y, segment, positions, trend_length),
    )
