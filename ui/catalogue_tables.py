"""The Catalogue page's tables and words: measures, a measure's timeline and the change history as
people read them (plain names, formatted values, never ``None``), and the months offered.

Text typed by people (names, labels, reasons) goes into tables, never into HTML.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from kpicore.periods import format_period, label, month_index, shift, window, within
from kpicore.reports.about import SCREEN_COLUMNS
from kpicore.snapshot import Snapshot
from kpicore.vocab import Frequency, Polarity, Unit
from ui.identity import plain
from ui.present import format_value

MONTHS_AHEAD = 36


"""Months offered after the later of this month and the latest figure (next years' targets)."""


ACTIONS = {
    "add_area": "Area added",
    "rename_area": "Area renamed",
    "reorder_areas": "Areas reordered",
    "add_measure": "Measure added",
    "edit_measure": "Measure edited",
    "retire_measure": "Measure retired",
    "reinstate_measure": "Measure reinstated",
    "set_target": "Target set",
    "correct_target": "Target corrected",
    "end_target": "Target ended",
    "remove_target": "Target entry removed",
    "set_comparator": "Comparator set",
    "correct_comparator": "Comparator corrected",
}


FIELDS = {
    "name": "Name",
    "area_id": "Thematic area",
    "position": "Position",
    "killer_kpi": "Killer KPI",
    "unit": "Unit",
    "polarity": "Polarity",
    "frequency": "Frequency",
    "lower_bound": "Lowest value allowed",
    "upper_bound": "Highest value allowed",
    "dot_threshold": "D.o.T. threshold",
    "retired_from": "Retired from",
    "target": "Target",
    "tolerance": "Tolerance",
    "value": "Comparator value",
    "label": "Comparator source",
    "order": "Order",
    "measure_id": "Measure id",
    "from_period": "From month",
    "area": "Thematic area",
}


def _help(name: str) -> str | None:
    return SCREEN_COLUMNS.get(name)


MEASURES_CONFIG = {
    "Measure": st.column_config.TextColumn(width=440, pinned=True, help=_help("Measure")),
    "Killer KPI": st.column_config.CheckboxColumn(width="small", help=_help("Killer KPI")),
    "Target": st.column_config.TextColumn(help="At the month chosen above: " + _help("Target")),
    "Tolerance": st.column_config.TextColumn(help="At the month chosen above: " + _help("Tolerance")),
    "Comparator": st.column_config.TextColumn(width="medium", help="At the month chosen above: " + _help("Comparator")),
    "Thematic area": st.column_config.TextColumn(width="medium", help=_help("Thematic area")),
    **{name: st.column_config.TextColumn(help=_help(name))
       for name in ("Polarity", "Unit", "Frequency", "Allowed values", "D.o.T. threshold", "In use", "Id")},
}
"""Every column of the measures table with its help, in About's words (``SCREEN_COLUMNS``)."""

TIMELINE_CONFIG = {
    name: st.column_config.TextColumn(help=_help(name)) for name in ("From", "Entry", "Target", "Tolerance", "Comparator")
}

HISTORY_CONFIG = {
    "When (UTC)": st.column_config.TextColumn(help=_help("When (UTC)")),
    "Recorded by": st.column_config.TextColumn(help=_help("Recorded by")),
    "Action": st.column_config.TextColumn(help=_help("Action")),
    "What": st.column_config.TextColumn(width="large", help=_help("What")),
    "Field": st.column_config.TextColumn(help=_help("Field")),
    "Old → new": st.column_config.TextColumn(width="medium", help=_help("Old → new")),
    "Reason": st.column_config.TextColumn(width="large", help=_help("Reason")),
}


def blank(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def number(value: object) -> float | None:
    """A stored number as a float, or ``None`` when missing (never NaN on screen)."""
    return None if blank(value) else float(value)


def shown(value: object, unit: str) -> str:
    """A value in the measure's unit (``90.0%``); ``–`` when there is none."""
    return "–" if blank(value) else format_value(float(value), unit)


# --- months ---------------------------------------------------------------------------------------


def months(snapshot: Snapshot, today: date | None = None) -> list[str]:
    """Months offered by the month pickers, oldest first: from the first month anything is dated
    to ``MONTHS_AHEAD`` months after the later of this month and the latest figure, within the
    months accepted (``Settings.years``: an entry an earlier release dated 0000-01 widens nothing)."""
    dated = pd.concat([
        snapshot.observations["period"], snapshot.targets["from_period"], snapshot.comparators["from_period"],
    ]).dropna().astype(str)
    dated = dated[dated.map(lambda p: within(p, snapshot.settings.years))]
    today = today or date.today()
    now = format_period(today.year, today.month)
    first = min(dated.min(), now) if len(dated) else now
    last = min(shift(max(dated.max(), now) if len(dated) else now, MONTHS_AHEAD), format_period(snapshot.settings.years[1], 12))
    return window(last, month_index(last) - month_index(first) + 1)


def year_start(after: str) -> str:
    """The first April after ``after``: year-end targets and comparators apply from the new financial year."""
    return next(p for p in window(shift(after, 12), 12) if p.endswith("-04"))


def latest_month(snapshot: Snapshot) -> str:
    """The latest month with any figure (the pickers' default)."""
    periods = snapshot.observations["period"]
    today = date.today()
    return str(periods.max()) if len(periods) else format_period(today.year, today.month)


# --- tables ---------------------------------------------------------------------------------------


def _range(lower: object, upper: object) -> str:
    if blank(lower) and blank(upper):
        return "Any"
    return f"{'no minimum' if blank(lower) else f'{lower:g}'} to {'no maximum' if blank(upper) else f'{upper:g}'}"


def comparator_text(value: object, source: object, unit: str) -> str:
    parts = [] if blank(value) else [format_value(float(value), unit)]
    if not blank(source):
        parts.append(f"({source})" if parts else str(source))
    return " ".join(parts)


def find(table: pd.DataFrame, search: str, area: str | None) -> pd.DataFrame:
    """The catalogue rows whose name or id contains ``search`` (any case), in ``area`` if given."""
    words = (search or "").strip().lower()
    kept = table
    if area:
        kept = kept[kept["area_id"] == area]
    if words:
        text = kept["name"].str.lower() + " " + kept["measure_id"].str.lower()
        kept = kept[text.str.contains(words, regex=False)]
    return kept.reset_index(drop=True)


def measures_table(table: pd.DataFrame) -> pd.DataFrame:
    """``kpicore.reports.catalogue.catalogue`` as people read it: labels, formatted values, no blanks shown as None."""
    return pd.DataFrame({
        "Measure": table["name"],
        "Target": [shown(v, u) for v, u in zip(table["target"], table["unit"])],
        "Tolerance": [shown(v, u) for v, u in zip(table["tolerance"], table["unit"])],
        "Comparator": [
            comparator_text(v, s, u) or "–"
            for v, s, u in zip(table["comparator_value"], table["comparator_label"], table["unit"])
        ],
        "Polarity": table["polarity"].map(lambda p: Polarity(p).label),
        "Unit": table["unit"].map(lambda u: Unit(u).label),
        "Frequency": table["frequency"].map(lambda f: Frequency(f).value.capitalize()),
        "Killer KPI": table["killer_kpi"].astype(bool),
        "Allowed values": [_range(lo, hi) for lo, hi in zip(table["lower_bound"], table["upper_bound"])],
        "D.o.T. threshold": table["dot_threshold"].map(lambda v: f"{v:g}"),
        "In use": table["retired_from"].map(lambda p: "Yes" if blank(p) else f"Retired from {label(p)}"),
        "Thematic area": table["area"],
        "Id": table["measure_id"],
    })


def table_height(rows: int, most: int = 8) -> int:
    """Pixels for a table of ``rows`` rows and its header: at most ``most`` rows show, the rest scroll."""
    return 35 * (min(rows, most) + 1) + 3


def timeline_table(timeline: pd.DataFrame, unit: str) -> pd.DataFrame:
    """A measure's effective-dated entries (``kpicore.reports.catalogue.timeline``) as people read them."""
    what = {"target": "Target", "target ended": "Target ended", "comparator": "Comparator"}
    return pd.DataFrame({
        "From": timeline["from_period"].map(label),
        "Entry": timeline["what"].map(what),
        "Target": [shown(v, unit) if w == "target" else "" for v, w in zip(timeline["target"], timeline["what"])],
        "Tolerance": [
            shown(v, unit) if w == "target" else "" for v, w in zip(timeline["tolerance"], timeline["what"])
        ],
        "Comparator": [
            comparator_text(v, s, unit)
            for v, s in zip(timeline["comparator_value"], timeline["comparator_label"])
        ],
    }, columns=["From", "Entry", "Target", "Tolerance", "Comparator"])


def one(table: pd.DataFrame, measure_id: str) -> pd.Series:
    """The catalogue's row of one measure (with its id)."""
    return table.loc[table["measure_id"] == measure_id].iloc[0]


def describe(measure: pd.Series) -> str:
    """One line about a measure (Markdown, its text escaped)."""
    parts = [
        plain(str(measure["area"])), Unit(measure["unit"]).label, Polarity(measure["polarity"]).label,
        Frequency(measure["frequency"]).value.capitalize(),
        f"values {_range(measure['lower_bound'], measure['upper_bound'])}",
        f"id `{measure['measure_id']}`",
    ]
    if measure["killer_kpi"]:
        parts.insert(1, "★ killer KPI")
    if not blank(measure["retired_from"]):
        parts.append(f"**retired from {label(measure['retired_from'])}**")
    return " · ".join(parts)


def _subject(subject: str, names: dict[str, str], areas: dict[str, str]) -> str:
    measure, _, period = subject.partition(" ")
    if measure in names:
        return names[measure] + (f" (from {label(period)})" if period else "")
    return areas.get(subject, "The thematic areas" if subject == "areas" else subject)


def history_table(events: pd.DataFrame, snapshot: Snapshot) -> pd.DataFrame:
    """``kpicore.store.catalogue.history`` as people read it, newest first."""
    names = dict(zip(snapshot.measures["measure_id"], snapshot.measures["name"]))
    areas = dict(zip(snapshot.areas["area_id"], snapshot.areas["name"]))
    return pd.DataFrame({
        "When (UTC)": events["recorded_at"].str.replace("T", " ").str[:16],
        "Recorded by": events["recorded_by"],
        "Action": events["action"].map(lambda a: ACTIONS.get(a, a.replace("_", " ").capitalize())),
        "What": [_subject(s, names, areas) for s in events["subject"]],
        "Field": events["field"].map(lambda f: "" if blank(f) else FIELDS.get(f, f)),
        "Old → new": [
            "" if blank(o) and blank(n) else f"{'–' if blank(o) else o} → {'–' if blank(n) else n}"
            for o, n in zip(events["old"], events["new"])
        ],
        "Reason": events["reason"].fillna(""),
    }, columns=["When (UTC)", "Recorded by", "Action", "What", "Field", "Old → new", "Reason"])


# --- a target's preview ---------------------------------------------------------------------------


def old_new(old: object, new: object, unit: str | None = None, note: str = "") -> str:
    def text(value: object) -> str:
        if blank(value):
            return "–"
        return format_value(float(value), unit) if unit else str(value)

    return f"{text(old)} → {text(new)}{note}"


def area_order(areas: pd.DataFrame) -> pd.DataFrame:
    """The areas as an editable table: ``Position`` and ``Area`` (the name), in the council's order."""
    ordered = areas.sort_values("position")
    return pd.DataFrame({"Position": ordered["position"].astype(int).to_numpy(), "Area": ordered["name"].to_numpy()})


def reordered(areas: pd.DataFrame, edited: pd.DataFrame) -> list[str]:
    """Area ids in the order of the edited positions; ties keep the current order."""
    ordered = areas.sort_values("position").reset_index(drop=True)
    positions = pd.to_numeric(edited["Position"], errors="coerce").fillna(len(ordered) + 1).to_numpy()
    return ordered.assign(_new=positions).sort_values(["_new", "position"], kind="stable")["area_id"].tolist()
