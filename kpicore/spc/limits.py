"""XmR limits: moving ranges, outlier screening, the mean, process limits and near limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from kpicore.spc.series import as_values

LIMIT_FACTOR = 2.66
NEAR_FACTOR = 2 * (LIMIT_FACTOR / 3)
SCREEN_FACTOR = 3.267
SCREEN_OUTLIERS = True
"""Default: leave out moving ranges of at least SCREEN_FACTOR times the average."""


class Limits(NamedTuple):
    """Centre line and limits of one XmR chart."""

    mean: float
    amr: float
    lpl: float
    upl: float
    nlpl: float
    nupl: float


def _segment_mean(x: np.ndarray, use: np.ndarray, segment: np.ndarray, n_segments: int) -> np.ndarray:
    """Mean of x over the used elements of each segment; NaN for a segment with none."""
    total = np.bincount(segment, weights=np.where(use, x, 0.0), minlength=n_segments)
    count = np.bincount(segment, weights=use, minlength=n_segments)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


def segment_limits(
    y: np.ndarray,
    segment: np.ndarray,
    n_segments: int,
    use: np.ndarray,
    screen_outliers: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and average moving range of each segment, from the points marked `use`.

    Moving ranges are taken between consecutive used points of the same segment. With
    screening, ranges at or above 3.267 times the average are dropped and the average
    recomputed; when the average is 0 (a flat series) there is nothing to screen.
    """
    mean = _segment_mean(y, use, segment, n_segments)
    pair = np.zeros(y.size, dtype=bool)
    pair[1:] = use[1:] & use[:-1] & (segment[1:] == segment[:-1])
    moving_range = np.abs(np.diff(y, prepend=np.nan))
    amr = _segment_mean(moving_range, pair, segment, n_segments)
    if screen_outliers:
        amr_here = amr[segment]
        with np.errstate(invalid="ignore"):
            keep = pair & ((moving_range < SCREEN_FACTOR * amr_here) | (amr_here == 0))
        amr = _segment_mean(moving_range, keep, segment, n_segments)
    return mean, amr


def xmr_limits(
    values: Sequence[float | None],
    *,
    screen_outliers: bool = SCREEN_OUTLIERS,
    baseline: int | None = None,
) -> Limits:
    """Mean, average moving range, process limits and near limits of one series.

    Missing values are skipped (moving ranges join the reported values either side of a
    gap). `baseline=n` uses only the first n reported values. This is the bare arithmetic:
    the 13-point minimum is applied by `analyse`, not here; fewer than two values give NaN.
    """
    y = as_values(values)
    y = y[~np.isnan(y)]
    use = np.arange(y.size) < (y.size if baseline is None else baseline)
    mean, amr = segment_limits(y, np.zeros(y.size, dtype=np.int64), 1, use, screen_outliers)
    m, a = float(mean[0]), float(amr[0])
    return Limits(
        m,
        a,
        m - LIMIT_FACTOR * a,
        m + LIMIT_FACTOR * a,
        m - NEAR_FACTOR * a,
        m + NEAR_FACTOR * a,
    )
