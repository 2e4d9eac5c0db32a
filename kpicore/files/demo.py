"""A synthetic dataset at any size, for benchmarks and for trying the app at the scale of a region.

``demo_dataset(measures, months, seed)`` returns the five tables of the shipped dataset's layout
(``data/``: areas, measures, targets, comparators, observations), so a demo database is made by the
same validated path as the shipped one (``store.initialise``). The same arguments always give the
same tables. What it holds, on purpose:

- areas of about eight measures each (at most twenty);
- a mix of units (percent, count, rate, days), polarities (higher, lower and neutral is better) and
  frequencies (one measure in ten is quarterly: figures at Mar, Jun, Sep and Dec only);
- series with real statistical process control signals: a stable process, a shift of three standard
  deviations, a trend over the last ten months, a single outlier, or high volatility;
- gaps: one figure in fifty missing at random, and a run of three missing months in one series in twenty;
- targets that change each April (one measure in ten has none, and neutral measures never do), with the
  proposed tolerance (``rules.proposed_tolerance``), and a comparator for three measures in ten.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpicore.periods import window
from kpicore.rules import NoProposal, proposed_tolerance
from kpicore.vocab import Polarity, Unit

MEASURES_PER_AREA = 8
MAX_AREAS = 20
STORIES = ("stable", "shift", "trend", "outlier", "volatile")
_STORY_WEIGHTS = (0.40, 0.25, 0.15, 0.15, 0.05)
_UNITS = (Unit.PERCENT, Unit.COUNT, Unit.RATE, Unit.DAYS)
_UNIT_WEIGHTS = (0.50, 0.25, 0.15, 0.10)
_POLARITIES = (Polarity.HIGHER, Polarity.LOWER, Polarity.NEUTRAL)
_POLARITY_WEIGHTS = (0.50, 0.40, 0.10)
_LEVELS = {Unit.PERCENT: (40.0, 95.0), Unit.COUNT: (5.0, 500.0), Unit.RATE: (10.0, 80.0), Unit.DAYS: (5.0, 60.0)}


def demo_dataset(measures: int, months: int, seed: int, end: str) -> dict[str, pd.DataFrame]:
    """The dataset tables for ``measures`` measures over the ``months`` months ending at ``end`` (``YYYY-MM``)."""
    if measures < 1 or months < 1:
        raise ValueError("a demo needs at least one measure and one month")
    rng = np.random.default_rng(seed)
    periods = window(end, months)
    catalogue = _measures(rng, measures)
    areas = pd.DataFrame({
        "area_id": [f"demo-area-{i:02d}" for i in range(1, catalogue["area"].max() + 1)],
        "name": [f"Demo area {i}" for i in range(1, catalogue["area"].max() + 1)],
        "position": range(1, catalogue["area"].max() + 1),
    })
    observations = _observations(rng, catalogue, periods)
    return {
        "areas": areas,
        "measures": catalogue.drop(columns=["area", "level", "story"]),
        "targets": _targets(rng, catalogue, periods),
        "comparators": _comparators(rng, catalogue, periods[0]),
        "observations": observations,
    }


def _measures(rng: np.random.Generator, count: int) -> pd.DataFrame:
    areas = min(MAX_AREAS, max(1, -(-count // MEASURES_PER_AREA)))
    units = rng.choice(len(_UNITS), size=count, p=_UNIT_WEIGHTS)
    polarity = rng.choice(len(_POLARITIES), size=count, p=_POLARITY_WEIGHTS)
    low, high = np.array([_LEVELS[_UNITS[u]] for u in units]).T
    level = rng.uniform(low, high)
    ids = [f"demo-{i:05d}" for i in range(1, count + 1)]
    area = np.arange(count) * areas // count + 1
    unit = [_UNITS[u].value for u in units]
    return pd.DataFrame({
        "measure_id": ids,
        "area_id": [f"demo-area-{a:02d}" for a in area],
        "position": range(1, count + 1),
        "name": [f"Demo measure {i} ({u})" for i, u in enumerate(unit, start=1)],
        "killer_kpi": rng.random(count) < 0.05,
        "unit": unit,
        "polarity": [_POLARITIES[p].value for p in polarity],
        "frequency": np.where(rng.random(count) < 0.10, "quarterly", "monthly"),
        "lower_bound": 0.0,
        "upper_bound": np.where(units == 0, 100.0, np.nan),
        "dot_threshold": np.where(units == 0, 1.0, np.maximum(0.1, np.round(level * 0.02, 1))),
        "retired_from": None,
        "area": area,
        "level": level,
        "story": rng.choice(STORIES, size=count, p=_STORY_WEIGHTS),
    })


def _series(rng: np.random.Generator, level: float, story: str, months: int) -> np.ndarray:
    """One measure's values: noise around ``level`` with the signal its story names."""
    sd = level * (0.09 if story == "volatile" else 0.03)
    values = level + rng.normal(0.0, sd, size=months)
    if story == "shift" and months >= 8:
        start = int(rng.integers(months // 2, months - 3))
        values[start:] += 3 * sd * rng.choice((-1.0, 1.0))
    elif story == "trend" and months >= 10:
        values[-10:] += np.linspace(sd, 10 * sd, 10) * rng.choice((-1.0, 1.0))
    elif story == "outlier":
        values[int(rng.integers(0, months))] += 5 * sd * rng.choice((-1.0, 1.0))
    return values


def _observations(rng: np.random.Generator, catalogue: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    quarter_end = np.array([p[5:] in ("03", "06", "09", "12") for p in periods])
    frames = []
    for measure in catalogue.itertuples(index=False):
        values = _series(rng, measure.level, measure.story, len(periods))
        keep = rng.random(len(periods)) >= 0.02
        if rng.random() < 0.05 and len(periods) > 6:
            start = int(rng.integers(0, len(periods) - 3))
            keep[start:start + 3] = False
        if measure.frequency == "quarterly":
            keep &= quarter_end
        values = np.clip(values, 0.0, 100.0 if measure.unit == Unit.PERCENT else None)
        values = np.round(values, 0 if measure.unit == Unit.COUNT else 1)
        frames.append(pd.DataFrame({
            "measure_id": measure.measure_id, "period": np.array(periods)[keep], "value": values[keep],
        }))
    observations = pd.concat(frames, ignore_index=True)
    return observations.assign(commentary=None, performance_group=None)


def _targets(rng: np.random.Generator, catalogue: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """A target from the first month, changed each April; none for neutral measures and one in ten others."""
    changes = [periods[0], *[p for p in periods[1:] if p.endswith("-04")]]
    rows = []
    for measure in catalogue.itertuples(index=False):
        if measure.polarity == Polarity.NEUTRAL or rng.random() < 0.10:
            continue
        better = Polarity(measure.polarity).sign
        for period in changes:
            target = measure.level * (1 + better * rng.uniform(0.0, 0.06))
            target = min(round(target, 0 if measure.unit == Unit.COUNT else 1), measure.upper_bound or np.inf)
            try:
                tolerance = proposed_tolerance(target, measure.polarity)
            except NoProposal:
                tolerance = None
            rows.append({"measure_id": measure.measure_id, "from_period": period, "target": target, "tolerance": tolerance})
    return pd.DataFrame(rows, columns=["measure_id", "from_period", "target", "tolerance"])


def _comparators(rng: np.random.Generator, catalogue: pd.DataFrame, first: str) -> pd.DataFrame:
    chosen = catalogue[rng.random(len(catalogue)) < 0.30]
    return pd.DataFrame({
        "measure_id": chosen["measure_id"],
        "from_period": first,
        "value": np.round(chosen["level"] * rng.uniform(0.95, 1.05, size=len(chosen)), 1),
        "label": "Regional average",
    })
