"""Time the batch SPC path against its floor and against a per-measure loop of `analyse`.

Run from the repository root: `.venv/bin/python bench/bench_spc.py`. The synthetic data
(2,000 measures x 120 months, with absent rows, missing values and level shifts) comes
from numpy.random.default_rng(42), so every run times the same input. Each figure is the
best of five wall-clock timings with time.perf_counter. The floor is the least any XmR analysis of
the same rows does: the rows put in (measure, period) order and each measure's mean and average
moving range worked out with numpy, no rules.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kpicore.spc import analyse, analyse_many

MEASURES = 2_000
MONTHS = 120
REPEATS = 5
BUDGET_SECONDS = 1.0


def synthetic_frame(rng: np.random.Generator) -> pd.DataFrame:
    """Long measure_id/period/value rows: noisy levels, some shifts, 3% absent rows, 2% NaN."""
    periods = pd.period_range("2015-01", periods=MONTHS, freq="M").strftime("%Y-%m")
    level = rng.uniform(10, 90, MEASURES)[:, None]
    noise = rng.normal(0, 1, (MEASURES, MONTHS)) * rng.uniform(1, 8, MEASURES)[:, None]
    shift_at = rng.integers(0, MONTHS * 2, MEASURES)[:, None]
    shift = np.where(np.arange(MONTHS)[None, :] >= shift_at, rng.normal(0, 10, MEASURES)[:, None], 0)
    values = (level + noise + shift).round(1)
    values[rng.random(values.shape) < 0.02] = np.nan
    frame = pd.DataFrame(
        {
            "measure_id": np.repeat([f"M{i:04d}" for i in range(MEASURES)], MONTHS),
            "period": np.tile(periods, MEASURES),
            "value": values.ravel(),
        }
    )
    return frame[rng.random(len(frame)) >= 0.03].reset_index(drop=True)


def best_of(repeats: int, run: Callable[[], object]) -> tuple[float, object]:
    """Shortest wall-clock time over `repeats` runs, and the last result."""
    best = float("inf")
    result: object = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def floor(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each measure's mean and average moving range over its reported values in period order."""
    measures = pd.factorize(frame["measure_id"], sort=True)[0]
    periods = pd.factorize(frame["period"], sort=True)[0]
    order = np.lexsort((periods, measures))
    values, measure = frame["value"].to_numpy(dtype=float)[order], measures[order]
    reported = ~np.isnan(values)
    values, measure = values[reported], measure[reported]
    count = np.bincount(measure)
    mean = np.bincount(measure, values) / np.maximum(count, 1)
    same = measure[1:] == measure[:-1]
    moving = np.bincount(measure[1:][same], np.abs(np.diff(values))[same], minlength=count.size)
    return mean, moving / np.maximum(count - 1, 1)


def loop_of_analyse(frame: pd.DataFrame, improvement: dict, target: dict) -> pd.DataFrame:
    """The slow reference: `analyse` once per measure, summarised like `analyse_many`."""
    rows = {}
    for measure, rows_of_measure in frame.groupby("measure_id", sort=True):
        ordered = rows_of_measure.sort_values("period")
        result = analyse(ordered["value"].tolist(), improvement=improvement[measure], target=target.get(measure))
        rows[measure] = (result.variation, result.assurance)
    return pd.DataFrame.from_dict(rows, orient="index", columns=["variation", "assurance"])


def main() -> None:
    rng = np.random.default_rng(42)
    frame = synthetic_frame(rng)
    measures = sorted(frame["measure_id"].unique())
    improvement = {m: ("higher", "lower", "neutral")[i % 3] for i, m in enumerate(measures)}
    target = {m: float(rng.uniform(10, 90)) for i, m in enumerate(measures) if i % 3 != 2}

    floor_seconds, _ = best_of(REPEATS, lambda: floor(frame))
    batch_seconds, batch = best_of(REPEATS, lambda: analyse_many(frame, improvement=improvement, target=target))
    loop_seconds, looped = best_of(REPEATS, lambda: loop_of_analyse(frame, improvement, target))
    same = batch[["variation", "assurance"]].astype(object).equals(looped.astype(object))

    print(f"data: {len(measures):,} measures x {MONTHS} months, {len(frame):,} rows")
    verdict = "within" if batch_seconds < BUDGET_SECONDS else "OVER"
    print(f"analyse_many:      {batch_seconds:8.3f} s (best of {REPEATS}; {verdict} the {BUDGET_SECONDS:g} s budget)")
    print(f"floor:             {floor_seconds:8.3f} s (best of {REPEATS}; order, mean and moving range per measure)")
    print(f"ratio (batch/floor): {batch_seconds / floor_seconds:6.1f}x")
    print(f"loop of analyse:   {loop_seconds:8.3f} s (best of {REPEATS})")
    print(f"ratio (loop/batch): {loop_seconds / batch_seconds:7.1f}x")
    print(f"same variation and assurance for every measure: {same}")


if __name__ == "__main__":
    main()
