"""``Snapshot``: everything the reports are computed from, as plain frames.

The store reads one in a single transaction (``kpicore.store.load``); the
reports and the submission workflow take it as an argument and never touch the
database themselves, so they are tested with literal frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpicore.periods import MONTH_PATTERN, format_period
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
    out_of_range: pd.DataFrame | None = None
    """Stored figures no report can use: for a month outside the settings' years (``Settings.years``,
    2000-01 to 2099-12), for a period that is not a month ``YYYY-MM`` at all, or with an infinite value.
    Only an earlier release could write them. They are kept out of ``observations``, so no report
    computes with them or offers their month; the explorer names them and the History page shows them."""

    def __post_init__(self) -> None:
        observations = self.observations
        first, last = (format_period(year, month) for year, month in ((self.settings.years[0], 1), (self.settings.years[1], 12)))
        period = observations["period"].astype(str)
        inside = period.str.fullmatch(MONTH_PATTERN) & period.between(first, last)
        inside &= ~np.isinf(pd.to_numeric(observations["value"], errors="coerce").astype(float))
        outside = observations[~inside]
        if self.out_of_range is not None and (~inside).any():  # a snapshot copied with new observations
            outside = pd.concat([self.out_of_range, outside])
        elif self.out_of_range is not None:
            outside = self.out_of_range
        # A frozen dataclass: the split is made once, here, whoever builds the snapshot.
        object.__setattr__(self, "observations", observations if inside.all() else observations[inside])
        object.__setattr__(self, "out_of_range", outside)

    def active_measures(self, period: str) -> pd.DataFrame:
        """The measures in use at ``period``: not retired at or before it (DESIGN: retire from a month)."""
        retired = self.measures.get("retired_from", pd.Series(None, index=self.measures.index, dtype=object))
        return self.measures[retired.isna() | (retired.astype(str) > period)]
