"""Returns: which measures still lack a month's figure, and whose they are.

Built on ``scorecard.missing_figures`` (which measures are due and have none);
this adds who owns each one, so that the performance team can chase them.
"""

from __future__ import annotations

import pandas as pd

from kpicore.reports.scorecard import missing_figures
from kpicore.snapshot import Snapshot

NO_OWNER = "(no owner)"


def outstanding(snapshot: Snapshot, owners: pd.DataFrame, period: str) -> pd.DataFrame:
    """Measures due a figure for ``period`` that have none, one row per measure, with their owners.

    ``owners`` is ``store.owners()`` (``measure_id, email, name``). Columns:
    ``owner`` (e-mails, comma-separated, or ``(no owner)``), ``area``,
    ``measure_id``, ``measure``, ``frequency``, ``last_period``; sorted by owner
    then the scorecard's order.
    """
    missing = missing_figures(snapshot, period)
    who = owners.groupby("measure_id")["email"].agg(lambda e: ", ".join(sorted(e)))
    missing.insert(0, "owner", missing["measure_id"].map(who).astype(object).fillna(NO_OWNER))
    ordered = missing.reset_index(names="position").sort_values(["owner", "position"], kind="stable")
    return ordered.drop(columns=["position", "area_id"]).reset_index(drop=True)


def by_owner_and_area(table: pd.DataFrame) -> pd.DataFrame:
    """Counts of missing returns by owner and thematic area."""
    return table.groupby(["owner", "area"], sort=False).size().rename("missing").reset_index()


def due_count(snapshot: Snapshot, period: str) -> dict[str, int]:
    """How many measures are due for ``period``, how many are in and how many are missing."""
    missing = len(missing_figures(snapshot, period))
    received = int((snapshot.observations["period"] == period).sum())
    return {"due": missing + received, "received": received, "missing": missing}
