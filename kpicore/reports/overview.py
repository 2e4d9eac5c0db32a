"""What a leader sees first: counts by band, killer KPIs, what changed, what is missing.

Every function takes a built scorecard (``kpicore.scorecard.build``) so the
overview can never disagree with the scorecard it summarises.
"""

from __future__ import annotations

import pandas as pd

from kpicore.vocab import Band, Direction, Polarity

_SIGN = {Polarity.HIGHER.value: 1.0, Polarity.LOWER.value: -1.0, Polarity.NEUTRAL.value: 0.0}


def band_counts(scorecard: pd.DataFrame) -> pd.DataFrame:
    """Per thematic area (in the council's order), how many measures are in each band as at the period.

    Uses each measure's headline ``status``, so a quarterly measure counts with its latest quarter.
    Columns are every band in legend order, plus ``total``.
    """
    counts = pd.crosstab(scorecard["area"], scorecard["status"]).reindex(
        index=scorecard["area"].drop_duplicates(), columns=[b.value for b in Band], fill_value=0
    )
    counts["total"] = counts.sum(axis=1)
    counts.index.name = "area"
    return counts


def improvement(scorecard: pd.DataFrame, polarity: pd.Series) -> pd.Series:
    """Change since last period signed so that positive is better (0 for neutral measures)."""
    return scorecard["change"] * scorecard["measure_id"].map(polarity).map(_SIGN)


def trend(scorecard: pd.DataFrame, polarity: pd.Series) -> pd.Series:
    """``improving``, ``worsening`` or ``no change`` from the direction of travel and the polarity;
    blank without a change this period."""
    better = improvement(scorecard, polarity)
    moved = scorecard["dot"].isin([Direction.UP.value, Direction.DOWN.value])
    words = pd.Series("no change", index=scorecard.index, dtype=object)
    words[moved & (better > 0)] = "improving"
    words[moved & (better < 0)] = "worsening"
    return words.where(scorecard["change"].notna())


def biggest_changes(scorecard: pd.DataFrame, polarity: pd.Series, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` largest improvements and deteriorations since last period, judged by polarity.

    Only moves at or beyond the direction-of-travel threshold count. Returns
    ``(improvements, deteriorations)`` with ``improvement`` (signed, better positive).
    """
    frame = scorecard.assign(improvement=improvement(scorecard, polarity), trend=trend(scorecard, polarity))
    improving = frame[frame["trend"] == "improving"].sort_values("improvement", ascending=False).head(n)
    worsening = frame[frame["trend"] == "worsening"].sort_values("improvement").head(n)
    return improving, worsening


def killer_kpis(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The killer KPIs, in scorecard order."""
    return scorecard[scorecard["killer_kpi"]]
