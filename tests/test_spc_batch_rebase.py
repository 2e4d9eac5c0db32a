"""`analyse_many` with re-bases gives, for every measure, what `analyse` gives one measure at a time.

The scorecard's SPC icons come from one batch pass over every measure, re-based where an
administrator recorded it; the explorer analyses one measure with `analyse`. These tests hold
the two to the same answer, including re-bases that change nothing (before the first or after
the last reported month) and two re-bases that fall on the same reported month.
"""

import numpy as np
import pandas as pd
import pytest

from kpicore.reports.explorer import analyse_measure, rebase_positions
from kpicore.spc import PointType, analyse_many
from kpicore.vocab import Polarity

PERIODS = pd.period_range("2015-01", periods=72, freq="M").strftime("%Y-%m").tolist()


def random_measure(rng: np.random.Generator) -> pd.DataFrame:
    """One measure's rows: a level that shifts, some months absent, some values NaN."""
    n = int(rng.integers(0, 72))
    shift = int(rng.integers(0, max(n, 1)))
    values = rng.normal(50, 3, n) + np.where(np.arange(n) >= shift, rng.normal(0, 12), 0.0)
    values[rng.random(n) < 0.05] = np.nan
    frame = pd.DataFrame({"period": PERIODS[:n], "value": values.round(1)})
    return frame[rng.random(n) >= 0.1]


def random_rebases(rng: np.random.Generator, periods: list[str]) -> list[str]:
    """Up to three re-base months: reported ones, absent ones, and ones outside the reported span."""
    candidates = [*PERIODS, "2014-06", "2030-01"]
    chosen = [str(p) for p in rng.choice(candidates, size=int(rng.integers(0, 4)), replace=False)]
    if periods and rng.random() < 0.2:
        chosen.append(periods[0])  # on the first reported month: no effect
    return sorted(set(chosen))


@pytest.fixture(scope="module")
def measures() -> dict:
    rng = np.random.default_rng(99)
    made = {}
    for m in range(400):
        figures = random_measure(rng)
        made[f"m{m:03d}"] = {
            "figures": figures,
            "rebases": random_rebases(rng, figures["period"].tolist()),
            "polarity": ("higher", "lower", "neutral")[m % 3],
            "target": None if m % 4 == 0 else float(rng.normal(50, 8)),
        }
    return made


def test_analyse_many_with_rebases_matches_analyse_per_measure(measures):
    frame = pd.concat(
        [spec["figures"].assign(measure_id=m) for m, spec in measures.items()], ignore_index=True
    ).sample(frac=1.0, random_state=3)
    rebase = pd.DataFrame(
        [(m, period) for m, spec in measures.items() for period in spec["rebases"]], columns=["measure_id", "period"]
    )
    batch = analyse_many(
        frame,
        improvement={m: spec["polarity"] for m, spec in measures.items()},
        target={m: spec["target"] for m, spec in measures.items() if spec["target"] is not None},
        rebase=rebase,
    )
    rebased = assessed = 0
    for m, spec in measures.items():
        figures = spec["figures"]
        if figures.empty:
            assert m not in batch.index
            continue
        one = analyse_measure(figures.assign(target=spec["target"]), spec["polarity"], spec["rebases"])
        row = batch.loc[m]
        assert row["variation"] is one.variation, m
        assert row["assurance"] is one.assurance, m
        latest = one.points[one.points["value"].notna()].iloc[-1:] if figures["value"].notna().any() else None
        if latest is not None:
            for column in ("mean", "lpl", "upl"):
                expected = latest[column].iloc[0]
                assert row[column] == expected or (np.isnan(row[column]) and np.isnan(expected)), (m, column)
        rebased += bool(rebase_positions(figures["period"].tolist(), spec["rebases"]))
        assessed += one.variation is not None
    assert rebased > 100 and assessed > 100  # the cases above were really exercised


def test_a_rebase_sets_the_limits_afresh_from_its_month():
    periods = PERIODS[:30]
    values = [10.0, 11.0, 9.0, 10.5, 9.5] * 3 + [30.0, 31.0, 29.0, 30.5, 29.5] * 3
    frame = pd.DataFrame({"measure_id": "a", "period": periods, "value": values})
    plain = analyse_many(frame, improvement={"a": Polarity.HIGHER})
    rebased = analyse_many(frame, improvement={"a": "higher"}, rebase=pd.DataFrame({"measure_id": ["a"], "period": [periods[15]]}))
    assert plain.loc["a", "variation"] is PointType.IMPROVEMENT  # a level shift against one set of limits
    assert rebased.loc["a", "mean"] == pytest.approx(30.0)  # the latest group's own limits
    assert rebased.loc["a", "variation"] is PointType.COMMON_CAUSE
    ignored = analyse_many(frame, improvement={"a": "higher"}, rebase=pd.DataFrame({"measure_id": ["a", "b"], "period": [periods[0], "2016-01"]}))
    assert ignored.equals(plain)  # on the first month, or of another measure: no effect
