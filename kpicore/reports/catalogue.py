"""The catalogue as administrators read it: every measure with what is in force at a month,
and one measure's timeline of targets, tolerances and comparators."""

from __future__ import annotations

import pandas as pd

from kpicore.rules import comparators_in_force, targets_in_force
from kpicore.snapshot import Snapshot

CATALOGUE_COLUMNS = [
    "area_id", "area", "measure_id", "name", "unit", "polarity", "frequency", "killer_kpi", "lower_bound",
    "upper_bound", "dot_threshold", "position", "retired_from", "target", "tolerance", "comparator_value",
    "comparator_label",
]


def catalogue(snapshot: Snapshot, period: str) -> pd.DataFrame:
    """Every measure, retired ones included, in the council's order, with the target, tolerance and
    comparator in force at ``period`` (``CATALOGUE_COLUMNS``)."""
    areas = snapshot.areas[["area_id", "name", "position"]].rename(columns={"name": "area", "position": "area_position"})
    measures = snapshot.measures.merge(areas, on="area_id").sort_values(["area_position", "position"])
    at = pd.DataFrame({"measure_id": measures["measure_id"].to_numpy(), "period": period})
    targets = targets_in_force(at, snapshot.targets).set_index("measure_id")
    comparators = comparators_in_force(at, snapshot.comparators).set_index("measure_id")
    table = measures.set_index("measure_id").join(targets[["target", "tolerance"]])
    table = table.join(comparators[["comparator_value", "comparator_label"]]).reset_index()
    if "retired_from" not in table:
        table["retired_from"] = None
    return table[CATALOGUE_COLUMNS].reset_index(drop=True)


def timeline(snapshot: Snapshot, measure_id: str) -> pd.DataFrame:
    """One measure's effective-dated entries, oldest first: ``from_period, what, target, tolerance,
    comparator_value, comparator_label`` (``what`` is ``target``, ``target ended`` or ``comparator``)."""
    targets = snapshot.targets[snapshot.targets["measure_id"] == measure_id]
    comparators = snapshot.comparators[snapshot.comparators["measure_id"] == measure_id]
    rows = [
        {"from_period": t.from_period, "what": "target" if pd.notna(t.target) else "target ended",
         "target": t.target, "tolerance": t.tolerance, "comparator_value": None, "comparator_label": None}
        for t in targets.itertuples()
    ] + [
        {"from_period": c.from_period, "what": "comparator", "target": None, "tolerance": None,
         "comparator_value": c.value, "comparator_label": c.label}
        for c in comparators.itertuples()
    ]
    columns = ["from_period", "what", "target", "tolerance", "comparator_value", "comparator_label"]
    return pd.DataFrame(rows, columns=columns).sort_values(["from_period", "what"], kind="stable").reset_index(drop=True)
