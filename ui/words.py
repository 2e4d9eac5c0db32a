"""Tables in plain words: column headers people read, each with its help from About's glossary.

``column_help(frame)`` gives every column of a table shown with ``st.dataframe`` the help text of
``kpicore.reports.about.SCREEN_COLUMNS`` (the same words the About page lists). The other functions
turn a store's table (``locked_by``, ``role``, ``revised``) into the headers and words on screen.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from kpicore.access import ROLE_LABEL
from kpicore.periods import label
from kpicore.reports.about import SCREEN_COLUMNS
from kpicore.rules import JUDGEMENTS
from kpicore.vocab import Band, Role
from ui import entry, present

VERSION_WORDS = {"new": "New", "revised": "Revised"}
SOURCE_WORDS = {"form": "Submit form", "upload": "Upload", "cli": "Command line", "init": "First import",
                "withdrawal": "Withdrawn"}


def help_for(name: str) -> str | None:
    """A column header's help: its meaning in ``SCREEN_COLUMNS``; a band's legend for a band column."""
    if name in SCREEN_COLUMNS:
        return SCREEN_COLUMNS[name]
    for band in Band:
        if name == present.band_text(band.value):
            return f"How many measures are in this band: {band.label.lower()}."
    return None


def column_help(frame: pd.DataFrame, widths: dict[str, str] | None = None) -> dict[str, st.column_config.Column]:
    """Every column of ``frame`` with its help (``help_for``), and any width of ``widths``."""
    widths = widths or {}
    columns = frame.data.columns if isinstance(frame, Styler) else frame.columns
    index = frame.data.index if isinstance(frame, Styler) else frame.index
    config = {name: st.column_config.Column(help=help_for(name), width=widths.get(name)) for name in columns}
    if index.name:
        config["_index"] = st.column_config.Column(index.name, help=help_for(index.name))
    return config


def locks_table(locked: pd.DataFrame) -> pd.DataFrame:
    """The locked months as people read them: month, by whom, when, why."""
    return pd.DataFrame({
        "Month": locked["period"].map(label),
        "Locked by": locked["locked_by"],
        "Locked at (UTC)": locked["locked_at"].str.replace("T", " ").str[:16],
        "Reason": locked["reason"].fillna(""),
    })


def users_table(people: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """The users as people read them: e-mail, name, role in words, and the names of the measures each owns."""
    def owned(ids: object) -> str:
        return "; ".join(names.get(i, i) for i in ids.split(", ")) if isinstance(ids, str) else ""

    return pd.DataFrame({
        "E-mail": people["email"],
        "Name": people["name"].fillna(""),
        "Role": people["role"].map(lambda r: ROLE_LABEL[Role(r)]),
        "Measures owned": people["measures"].map(owned),
    })


def history_table(versions: pd.DataFrame, with_measure: bool) -> pd.DataFrame:
    """History's versions (``ui.entry.history_table``) with every header and value in words: "Version" for
    new or revised (so "Change" keeps its one meaning), "Recorded by", and where each came from."""
    table = entry.history_table(versions, with_measure=with_measure).rename(
        columns={"Change": "Version", "Group": "Performance group", "By": "Recorded by"}
    )
    withdrawn = versions["source"].eq("withdrawal").to_numpy()
    table["Version"] = table["Version"].map(VERSION_WORDS).where(~withdrawn, "Withdrawn")
    table["Source"] = table["Source"].map(lambda s: SOURCE_WORDS.get(s, s))
    return table


def month_or_blank(period: object) -> str:
    """A stored month as ``Nov-22``; blank where there is none."""
    return label(period) if isinstance(period, str) else ""


def missing_table(missing: pd.DataFrame) -> pd.DataFrame:
    """Figures still missing (``scorecard.missing_figures`` or ``returns.outstanding``) as people read them;
    with the owners where the table has them."""
    shown = pd.DataFrame(index=missing.index)
    if "owner" in missing:
        shown["Owner"] = missing["owner"]
    shown["Thematic area"] = missing["area"]
    shown["Measure"] = missing["measure"]
    shown["Frequency"] = missing["frequency"].str.capitalize()
    shown["Last figure"] = missing["last_period"].map(month_or_blank)
    return shown.reset_index(drop=True)


def owner_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """``returns.by_owner_and_area`` with its headers in words."""
    return counts.rename(columns={"owner": "Owner", "area": "Thematic area", "missing": "Missing"})


def measure_rows(table: pd.DataFrame, units: pd.Series) -> pd.DataFrame:
    """The overview's short rows (``present.measure_rows``), the arrow followed by improving or worsening
    (the scorecard's ``trend``, judged by polarity), and the area headed as on the scorecard."""
    rows = present.measure_rows(table, units).rename(columns={"Area": "Thematic area"})
    rows["D.o.T."] = [
        f"{dot} {trend}" if isinstance(dot, str) and trend in JUDGEMENTS else (dot if isinstance(dot, str) else "")
        for dot, trend in zip(table["dot"], table["trend"])
    ]
    return rows
