"""The About page's tables, generated from the tables the code itself uses."""

from __future__ import annotations

import pandas as pd

from kpicore.rules import Settings, band_rules
from kpicore.spc import ASSURANCE_TEXT, VARIATION_TEXT
from kpicore.vocab import BAND_STYLE, Band, Direction

COLUMN_MEANINGS = {
    "area": "Thematic area, in the council's order.",
    "measure_id": "The measure's short, stable id, used in files and links.",
    "measure": "The measure, in the council's own words.",
    "killer_kpi": "true for the killer KPIs the leadership watches first.",
    "performance_group": "Good, Fair or Poor, as judged by the data owner or performance team for the month.",
    "dot": "Direction of travel: ↑ up, ↓ down by at least the threshold (1.0 unless set), → otherwise.",
    "change": "Value minus the previous period's value (previous month, or previous quarter).",
    "distance": "Value minus target, in the measure's unit.",
    "YYYY-MM": "The figure for each month of the window, oldest first; blank where there is none.",
    "target, tolerance": "The target and tolerance threshold in force at the chosen month.",
    "comparator": "A benchmark (England, statistical neighbours, last year's average), or a text comparator.",
    "band_YYYY-MM": "Each month's status band.",
    "comparator_note": "Where the comparator comes from.",
    "suggested_performance_group": "The group suggested by the status where none is recorded (met → Good, within tolerance → Fair, worse → Poor).",
    "status, status_period": "The band at the measure's latest figure up to the chosen month, and that month.",
    "variation, assurance": "The SPC icons as at the chosen month (blank under 13 points).",
}


def bands(settings: Settings = Settings()) -> pd.DataFrame:
    """Each band's symbol, name, legend and rule (``rules.band_rules``, with the database's settings)."""
    rule = band_rules(settings)
    return pd.DataFrame(
        [
            {"Symbol": BAND_STYLE[band]["symbol"], "Band": band.value, "Meaning": BAND_STYLE[band]["label"],
             "Rule": rule[band]}
            for band in Band
        ]
    )


def arrows() -> pd.DataFrame:
    return pd.DataFrame([{"Arrow": d.value, "Meaning": d.label} for d in Direction])


def spc_icons() -> pd.DataFrame:
    rows = [{"Icon": text, "Kind": "Variation", "Meaning": kind.label} for kind, text in VARIATION_TEXT.items()]
    rows += [{"Icon": text, "Kind": "Assurance", "Meaning": kind.label} for kind, text in ASSURANCE_TEXT.items()]
    return pd.DataFrame(rows)


def columns() -> pd.DataFrame:
    return pd.DataFrame([{"Column": key, "Meaning": value} for key, value in COLUMN_MEANINGS.items()])
