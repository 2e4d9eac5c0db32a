"""The vectorised rules over many measures at once agree with the rules written out one row at a time.

``in_force``, ``previous_values`` and the persistence of ``bands`` work on integer keys over every
measure together; here each is checked against a plain loop over rows on random data: measures
with no dated entries, rows before the first entry, entries for measures with no rows, gaps,
quarterly measures, rows in any order and an index that is not 0..n-1.
"""

import numpy as np
import pandas as pd
import pytest

from kpicore.rules import Settings, bands, in_force, previous_values

MONTHS = pd.period_range("2019-01", periods=60, freq="M").strftime("%Y-%m").tolist()


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    rng = np.random.default_rng(17)
    records = [
        (f"m{m:02d}", month, float(rng.normal(50, 10)) if rng.random() > 0.05 else np.nan)
        for m in range(40)
        for month in MONTHS
        if rng.random() > 0.25
    ]
    frame = pd.DataFrame(records, columns=["measure_id", "period", "value"])
    frame = frame.sample(frac=1.0, random_state=4)
    frame.index = rng.permutation(len(frame)) * 3 + 1000  # labels in no order, not 0..n-1
    return frame


@pytest.fixture(scope="module")
def dated() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    records = [
        (f"m{m:02d}", month, float(rng.normal(50, 5)), f"label {m} {month}")
        for m in range(5, 45)  # m00-m04 have none; m40-m44 have no rows
        for month in sorted(rng.choice(MONTHS, size=int(rng.integers(1, 5)), replace=False))
    ]
    return pd.DataFrame(records, columns=["measure_id", "from_period", "target", "label"]).sample(frac=1.0, random_state=2)


def test_in_force_is_the_latest_entry_not_after_each_row(rows, dated):
    result = in_force(rows, dated, ["target", "label"])
    assert result.index.equals(rows.index) and result[["measure_id", "period", "value"]].equals(rows)
    before_first = 0
    for label, row in rows.iterrows():
        entries = dated[(dated["measure_id"] == row["measure_id"]) & (dated["from_period"] <= row["period"])]
        if entries.empty:
            before_first += 1
            assert np.isnan(result.loc[label, "target"]) and pd.isna(result.loc[label, "label"])
        else:
            latest = entries.sort_values("from_period").iloc[-1]
            assert result.loc[label, "target"] == latest["target"]
            assert result.loc[label, "label"] == latest["label"]
    assert before_first > 100


def test_previous_values_are_one_period_back_of_the_same_measure(rows):
    frequency = pd.Series(np.where(rows["measure_id"] < "m20", "monthly", "quarterly"), index=rows.index)
    result = previous_values(rows, frequency)
    lookup = {(row.measure_id, row.period): row.value for row in rows.itertuples()}
    found = 0
    for label, row in rows.iterrows():
        step = 1 if frequency[label] == "monthly" else 3
        earlier = str(pd.Period(row["period"], freq="M") - step)
        expected = lookup.get((row["measure_id"], earlier), np.nan)
        assert result[label] == expected or (np.isnan(result[label]) and np.isnan(expected)), (label, row)
        found += not np.isnan(expected)
    assert found > 500


def test_significantly_worse_by_persistence_counts_reported_periods_of_the_measure(rows):
    frame = rows.assign(target=55.0, tolerance=52.0, polarity="higher")  # worse below 52; the margin is 2 × 3 = 6
    settings = Settings(persistence=3)
    result = bands(frame, settings)
    assert result.index.equals(rows.index.sort_values())
    persistent = 0
    for _, history in frame.sort_values(["measure_id", "period"]).groupby("measure_id"):
        reported = history[history["value"].notna()]
        worse = (reported["value"] < 52.0).tolist()
        for i, label in enumerate(reported.index):
            value = reported.loc[label, "value"]
            if value < 55 - 2 * 3:
                assert result[label] == "significantly_worse"
            elif i >= 2 and all(worse[i - 2: i + 1]):
                assert result[label] == "significantly_worse", label
                persistent += 1
            elif value < 52:
                assert result[label] == "worse", label
        for label in history.index[history["value"].isna()]:
            assert result[label] == "no_data"
    assert persistent > 20
