"""What a leader sees first: counts by band, killer KPIs, what changed, what is missing.

Every function takes a built scorecard (``kpicore.reports.scorecard.build``) so the
overview can never disagree with the scorecard it summarises.
"""

from __future__ import annotations

import pandas as pd

from kpicore import rules
from kpicore.vocab import Band


def band_counts(scorecard: pd.DataFrame) -> pd.DataFrame:
    """Per thematic area (in the council's order), how many measures are in each band as at the period.

    Uses each measure's headline ``status``, so a quarterly measure counts with its latest quarter.
    Columns are every band in legend order, plus ``total``; rows are headed ``Thematic area``.
    """
    counts = pd.crosstab(scorecard["area"], scorecard["status"]).reindex(
        index=scorecard["area"].drop_duplicates(), columns=[b.value for b in Band], fill_value=0
    )
    counts["total"] = counts.sum(axis=1)
    counts.index.name = "Thematic area"
    counts.columns.name = None
    return counts


def biggest_changes(scorecard: pd.DataFrame, polarity: pd.Series, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` largest improvements and deteriorations since last period, judged by polarity.

    Which moves improve or worsen is the scorecard's own ``trend`` (``rules.judge_change``: only moves at
    or beyond the direction-of-travel threshold count); they are ranked by the change signed by polarity.
    Returns ``(improvements, deteriorations)`` with ``improvement`` (signed, better positive).
    """
    frame = scorecard.assign(improvement=rules.improvement(scorecard["change"], scorecard["measure_id"].map(polarity)))
    improving = frame[frame["trend"] == rules.IMPROVING].sort_values("improvement", ascending=False).head(n)
    worsening = frame[frame["trend"] == rules.WORSENING].sort_values("improvement").head(n)
    return improving, worsening


def killer_kpis(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The killer KPIs, in scorecard order."""
    return scorecard[scorecard["killer_kpi"]]
