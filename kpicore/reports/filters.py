"""Scorecard filters that fit in a URL, so that a link reproduces the view.

``Filters.from_query`` reads the query string, ``to_query`` writes it back, and
``apply`` narrows a built scorecard. Unknown or malformed values are ignored,
never an error: a link typed by hand still opens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import pandas as pd

from kpicore.rules import JUDGEMENTS
from kpicore.vocab import Band

TRENDS = JUDGEMENTS


@dataclass(frozen=True)
class Filters:
    areas: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()
    killer_only: bool = False
    trends: tuple[str, ...] = ()
    search: str = ""
    variation: tuple[str, ...] = ()
    assurance: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query: Mapping[str, object]) -> Filters:
        """Filters from query parameters (values may be a string, comma-separated, or a list)."""

        def values(name: str, allowed: set[str] | None = None) -> tuple[str, ...]:
            raw = query.get(name)
            items = raw if isinstance(raw, (list, tuple)) else str(raw or "").split(",")
            cleaned = [str(item).strip() for item in items if str(item).strip()]
            return tuple(v for v in dict.fromkeys(cleaned) if allowed is None or v in allowed)

        return cls(
            areas=values("area"),
            bands=values("band", {b.value for b in Band}),
            killer_only=str(query.get("killer", "")).lower() in ("1", "true", "yes"),
            trends=values("trend", set(TRENDS)),
            search=str(query.get("q", "") or "").strip()[:200],
            variation=values("variation"),
            assurance=values("assurance"),
        )

    def to_query(self) -> dict[str, str]:
        """Only the filters that are set, as strings for ``st.query_params``."""
        query = {
            "area": ",".join(self.areas),
            "band": ",".join(self.bands),
            "killer": "1" if self.killer_only else "",
            "trend": ",".join(self.trends),
            "q": self.search,
            "variation": ",".join(self.variation),
            "assurance": ",".join(self.assurance),
        }
        return {key: value for key, value in query.items() if value}

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def apply(self, scorecard: pd.DataFrame, snapshot_measures: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``scorecard`` that pass every filter that is set.

        Areas match area ids; bands match the headline ``status``; trends are
        judged by polarity (an ``↑`` on a lower-is-better measure is worsening);
        search matches the measure's name or id, case-insensitively, as plain text.
        """
        keep = pd.Series(True, index=scorecard.index)
        if self.areas:
            area_ids = scorecard["measure_id"].map(snapshot_measures.set_index("measure_id")["area_id"])
            keep &= area_ids.isin(self.areas)
        if self.bands:
            keep &= scorecard["status"].isin(self.bands)
        if self.killer_only:
            keep &= scorecard["killer_kpi"]
        if self.trends:
            keep &= scorecard["trend"].isin(self.trends)
        if self.search:
            needle = self.search.lower()
            keep &= scorecard["measure"].str.lower().str.contains(needle, regex=False) | scorecard[
                "measure_id"
            ].str.contains(needle, regex=False)
        if self.variation:
            keep &= scorecard["variation"].isin(self.variation)
        if self.assurance:
            keep &= scorecard["assurance"].isin(self.assurance)
        return scorecard[keep]
