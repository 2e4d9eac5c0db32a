"""How a submitted figure compares with the one recorded: new, revised or unchanged.

Pure: the submission preview and ``store.record_figures`` (inside its write
transaction) both call ``compare_with_current``, so what a person previews is
decided by the same rule as what is written.
"""

from __future__ import annotations

import pandas as pd

COMPARED = ("value", "commentary", "performance_group")
"""What makes a figure differ from the recorded one."""


def compare_with_current(figures: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Each figure beside the current version of its measure and month.

    ``current`` has ``version_id, measure_id, period`` and the ``COMPARED``
    columns. Adds ``version_id`` and ``old_value, old_commentary,
    old_performance_group`` (blank where there is none) and ``status``: ``new``
    (no figure yet), ``revised`` (value, commentary or group differ; values
    within 1e-9 are equal; text is compared without surrounding spaces) or
    ``unchanged``.
    """
    old = current[["measure_id", "period", "version_id", *COMPARED]].rename(columns={c: f"old_{c}" for c in COMPARED})
    merged = figures.merge(old, on=["measure_id", "period"], how="left", validate="one_to_one")
    merged.index = figures.index
    existed = merged["version_id"].notna() & merged["old_value"].notna()
    differs = (merged["value"] - merged["old_value"]).abs().gt(1e-9) | merged["old_value"].isna()
    for column in ("commentary", "performance_group"):
        differs |= _text(merged[column]) != _text(merged[f"old_{column}"])
    merged["status"] = "unchanged"
    merged.loc[differs, "status"] = "revised"
    merged.loc[~existed, "status"] = "new"
    return merged


def _text(series: pd.Series) -> pd.Series:
    """Text as compared: blank for none, else without surrounding spaces (over the whole column at once)."""
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()
