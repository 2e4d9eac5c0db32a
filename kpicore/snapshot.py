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
