"""`analyse_many`: the `analyse` engine run on many measures at once, one summary row each."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kpicore.spc.assurance import assurance_codes
from kpicore.spc.engine import Classified, classify
from kpicore.spc.limits import LIMIT_FACTOR, SCREEN_OUTLIERS
from kpicore.spc.series import check_length
from kpicore.spc.special_cause import RUN_LENGTH, TREND_LENGTH
from kpicore.spc.vocabulary import ASSURANCE_CODES, POINT_TYPE_OR_NONE, UNASSESSED
from kpicore.vocab import Polarity


def _ordered_rows(frame: pd.DataFrame) -> tuple[pd.Index, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The sorted measure ids; each row's measure code and position in (measure, period) order;
    each ordered row's period code; and the sorted distinct periods the codes index."""
    measure_codes, measures = pd.factorize(frame["measure_id"], sort=True)
    period_codes, periods = pd.factorize(frame["period"], sort=True)
    if (measure_codes < 0).any() or (period_codes < 0).any():
        raise ValueError("frame has rows with a missing measure_id or period")
    order = np.lexsort((period_codes, measure_codes))
    ordered_measures, ordered_periods = measure_codes[order], period_codes[order]
    repeated = (ordered_measures[1:] == ordered_measures[:-1]) & (ordered_periods[1:] == ordered_periods[:-1])
    if repeated.any():
        raise ValueError("frame has more than one row for the same measure_id and period")
    return pd.Index(measures, name="measure_id"), ordered_measures, order, ordered_periods, np.asarray(periods, dtype=object)


def _segments(
    measure_index: pd.Index, measures: np.ndarray, periods: np.ndarray, distinct: np.ndarray, rebase: pd.DataFrame | None
) -> np.ndarray:
    """Each ordered row's segment: a new one at each measure's first row and at each re-base.

    A re-base from month S starts a new group at the measure's first row on or after S, as
    `analyse`'s `rebase` does by position (`kpicore.reports.explorer.rebase_positions`): one
    that falls on the measure's first row, or after its last, changes nothing.
    """
    starts = np.ones(measures.size, dtype=bool)
    starts[1:] = measures[1:] != measures[:-1]
    if rebase is not None and len(rebase) and measures.size:
        measure = measure_index.get_indexer(pd.Index(rebase["measure_id"]))
        month = np.searchsorted(distinct, np.asarray(rebase["period"], dtype=object), side="left")
        span = len(distinct) + 1
        keys = measures.astype(np.int64) * span + periods
        at = np.searchsorted(keys, measure.astype(np.int64) * span + month, side="left")
        # The first row on or after the month; when the measure has none there (or is unknown) that
        # is the next measure's first row, or the end: already a start, or nothing.
        starts[at[at < measures.size]] = True
    return np.cumsum(starts) - 1


def _sign_or_nan(improvement: object) -> float:
    """The polarity's sign, or NaN for a missing or unknown polarity."""
    try:
        return Polarity(improvement).sign
    except ValueError:
        return np.nan


def _directions(measure_index: pd.Index, improvement: Mapping[object, Polarity | str]) -> np.ndarray:
    """Each measure's improvement direction (1, -1 or 0); every measure must have one."""
    direction_series = measure_index.to_series().map(improvement).map(_sign_or_nan)
    unknown = direction_series.isna()
    if unknown.any():
        raise ValueError(
            f"improvement must map every measure to 'higher', 'lower' or 'neutral'; "
            f"missing or invalid for: {list(measure_index[unknown])}"
        )
    return direction_series.to_numpy(dtype=np.int64)


def _summary(
    classified: Classified, measure_index: pd.Index, point_measure: np.ndarray, point_segment: np.ndarray,
    targets: np.ndarray, direction: np.ndarray,
) -> pd.DataFrame:
    """One row per measure: n_points, mean, lpl, upl (of the latest point's segment), latest variation and assurance."""
    count = np.bincount(point_measure, minlength=len(measure_index))
    has_points = count > 0
    last = (np.cumsum(count) - 1)[has_points]
    latest_segment = point_segment[last]
    mean, amr = np.full(len(measure_index), np.nan), np.full(len(measure_index), np.nan)
    mean[has_points], amr[has_points] = classified.mean[latest_segment], classified.amr[latest_segment]
    lpl, upl = mean - LIMIT_FACTOR * amr, mean + LIMIT_FACTOR * amr
    latest_type = np.full(len(measure_index), UNASSESSED)
    latest_type[has_points] = classified.point_type[last]
    variation = POINT_TYPE_OR_NONE[latest_type]
    assurance = np.array(ASSURANCE_CODES, dtype=object)[assurance_codes(targets, lpl, upl, direction)]
    return pd.DataFrame(
        {
            "n_points": count,
            "mean": mean,
            "lpl": lpl,
            "upl": upl,
            "variation": pd.Series(variation, dtype=object, index=measure_index),
            "assurance": pd.Series(assurance, dtype=object, index=measure_index),
        },
        index=measure_index,
    )


def analyse_many(
    frame: pd.DataFrame,
    *,
    improvement: Mapping[object, Polarity | str],
    target: Mapping[object, float | None] | None = None,
    screen_outliers: bool = SCREEN_OUTLIERS,
    run_length: int = RUN_LENGTH,
    trend_length: int = TREND_LENGTH,
    rebase: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Run the `analyse` engine on many measures at once and summarise each measure.

    `frame` is long, with columns measure_id, period ('YYYY-MM', ordered as text) and value.
    Rows may be absent and values may be NaN; both are skipped, as in `analyse`. Each
    (measure_id, period) pair may appear once. `improvement` maps every measure_id to
    "higher", "lower" or "neutral"; `target` optionally maps measure_id to a target.
    `rebase` optionally lists re-bases (measure_id, period): from the measure's first row on
    or after that month its limits are set afresh, as `analyse`'s `rebase` positions do.
    Returns one row per measure_id (sorted), with n_points (reported values), mean, lpl,
    upl (of the latest reported point's group; NaN under 13 points), variation and assurance
    (None under 13 points). Baselines are not offered here; use `analyse` for those.
    """
    missing_columns = {"measure_id", "period", "value"} - set(frame.columns)
    if missing_columns:
        raise ValueError(f"frame lacks columns: {sorted(missing_columns)}")
    check_length("run_length", run_length)
    check_length("trend_length", trend_length)
    measure_index, ordered_measures, order, ordered_periods, periods = _ordered_rows(frame)
    segments = _segments(measure_index, ordered_measures, ordered_periods, periods, rebase)
    direction = _directions(measure_index, improvement)
    targets = np.full(len(measure_index), np.nan)
    if target is not None:
        targets = pd.to_numeric(measure_index.to_series().map(target)).to_numpy(dtype=float, na_value=np.nan)

    values = pd.to_numeric(frame["value"], errors="raise").to_numpy(dtype=float, na_value=np.nan)[order]
    if np.isinf(values).any():
        raise ValueError("values must be finite numbers or missing (NaN), not infinite")
    reported = ~np.isnan(values)
    y, segment = values[reported], segments[reported]
    n_segments = int(segments[-1]) + 1 if segments.size else 0
    segment_measure = np.zeros(n_segments, dtype=np.int64)
    segment_measure[segments] = ordered_measures
    classified = classify(
        y,
        segment,
        n_segments,
        np.ones(y.size, dtype=bool),
        direction[segment_measure],
        screen_outliers=screen_outliers,
        run_length=run_length,
        trend_length=trend_length,
    )
    return _summary(classified, measure_index, ordered_measures[reported], segment, targets, direction)
