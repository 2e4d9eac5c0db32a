"""``Snapshot``: everything the reports are computed from, as plain frames.

The store reads one in a single transaction (``kpicore.store.load``); the
reports and the submission workflow take it as an argument and never touch the
database themselves, so they are tested with literal frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kpicore.rules import Settings

REBASE_COLUMNS = ["measure_id", "period", "reason", "recorded_by", "recorded_at"]
COMPARATOR_COLUMNS = ["measure_id", "from_period", "value", "label"]


@dataclass(frozen=True)
class Snapshot:
    """The catalogue, the current figures and the settings at one moment."""

    areas: pd.DataFrame
    measures: pd.DataFrame
    targets: pd.DataFrame
    observations: pd.DataFrame
    settings: Settings
    data_version: int
    """The latest version id of any figure: changes whenever a figure is written."""
    rebases: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REBASE_COLUMNS))
    """Periods from which a measure's SPC starts a new group: ``measure_id, period, reason, recorded_by, recorded_at``."""
    comparators: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COMPARATOR_COLUMNS))
    """Comparators, effective-dated like targets: ``measure_id, from_period, value, label``."""

    def active_measures(self, period: str) -> pd.DataFrame:
        """The measures in use at ``period``: not retired at or before it (DESIGN: retire from a month)."""
        retired = self.measures.get("retired_from", pd.Series(None, index=self.measures.index, dtype=object))
        return self.measures[retired.isna() | (retired.astype(str) > period)]
