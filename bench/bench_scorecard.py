"""Time the scorecard from a cold database read to CSV, on the shipped data and on a large synthetic catalogue.

Run with ``make bench``. Prints best-of-5 wall-clock figures; nothing is asserted.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kpicore import store  # noqa: E402
from kpicore.files.csv_writer import write_csv  # noqa: E402
from kpicore.periods import window  # noqa: E402
from kpicore.reports import scorecard  # noqa: E402
from kpicore.snapshot import Snapshot  # noqa: E402


def best_of(function, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic(snapshot: Snapshot, measures: int, months: int) -> Snapshot:
    """``measures`` copies of the shipped measures' shape, ``months`` months each, from a fixed seed."""
    rng = np.random.default_rng(42)
    base = snapshot.measures.sample(n=measures, replace=True, random_state=42).reset_index(drop=True)
    base["measure_id"] = [f"m{i:05d}" for i in range(measures)]
    base["name"] = base["measure_id"]
    base["position"] = range(1, measures + 1)
    base["frequency"] = "monthly"
    periods = window("2022-11", months)
    values = rng.normal(80, 8, size=(measures, months)).clip(0, 100).round(1)
    observations = pd.DataFrame(
        {
            "measure_id": np.repeat(base["measure_id"], months),
            "period": np.tile(periods, measures),
            "value": values.ravel(),
            "commentary": None,
            "performance_group": None,
        }
    )
    observations = observations.sample(frac=0.97, random_state=42)  # some missing months
    targets = pd.DataFrame(
        {"measure_id": base["measure_id"], "from_period": periods[0], "target": 85.0, "tolerance": 80.8}
    )
    return Snapshot(snapshot.areas, base, targets, observations, snapshot.settings, 0)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kpi.sqlite"
        store.initialise(path)
        load = best_of(lambda: store.load(path))
        snapshot = store.load(path)
        build = best_of(lambda: scorecard.build(snapshot, "2022-11"))
        to_csv = best_of(lambda: write_csv(scorecard.build(snapshot, "2022-11")))
        print(f"shipped data (84 measures x 13 months): load {load * 1000:.1f} ms, "
              f"scorecard {build * 1000:.1f} ms, scorecard+CSV {to_csv * 1000:.1f} ms")
        large = synthetic(snapshot, 2000, 120)
        build_large = best_of(lambda: scorecard.build(large, "2022-11"), repeat=3)
        print(f"synthetic (2,000 measures x 120 months, {len(large.observations):,} figures): "
              f"scorecard {build_large * 1000:.0f} ms "
              f"({build_large / build:.0f}x the shipped data for {len(large.observations) / len(snapshot.observations):.0f}x the figures)")


if __name__ == "__main__":
    main()
