"""The About page's glossary and tables, generated from the tables the code itself uses.

``SCREEN_COLUMNS`` is the one home of what each column header on screen means: the About page
lists it and the pages give it as each column's help, so the two cannot disagree. ``glossary``
builds every term people meet on the pages (the bands, arrows, SPC icons and other icons from the
vocabularies; the rest in words here), each with an anchor id for a link (``about#term-dot``).
``DOWNLOAD_COLUMNS`` explains the CSV's column names, kept apart from the names on screen.
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

import pandas as pd

from kpicore import rules
from kpicore.rules import Settings, band_rules
from kpicore.spc import ASSURANCE_TEXT, VARIATION_TEXT
from kpicore.vocab import BAND_STYLE, ICONS, Band, Direction, Polarity


class Term(NamedTuple):
    """One glossary entry: its anchor id (``term-…``), the words on screen, and what they mean."""

    anchor: str
    term: str
    meaning: str


def anchor(term: str) -> str:
    """A term's anchor id: ``term-`` and its letters and digits in lower case, joined by hyphens."""
    return "term-" + "-".join(re.findall(r"[a-z0-9]+", term.lower().replace(".", "")))


_WORDS: tuple[tuple[str, str], ...] = (
    ("D.o.T.", "Direction of travel: the arrow beside a measure, comparing its latest figure with the previous "
               "period's (the previous month, or the previous quarter for a quarterly measure)."),
    ("Improving", "A move of at least the threshold in the better direction for the measure (its polarity): "
                  "an ↑ on a higher-is-better measure, or a ↓ on a lower-is-better one."),
    ("Worsening", "A move of at least the threshold in the worse direction for the measure: an ↑ on a "
                  "lower-is-better measure is worsening, even though the number went up."),
    ("No change", "The figure moved by less than the threshold, or the measure is a context measure "
                  "where neither direction is better."),
    ("Polarity", "Which direction is better for a measure: higher is better, lower is better, or neither "
                 "(a context measure)."),
    ("Target", "The figure the council aims for, in force from a month until it is changed."),
    ("Tolerance", "How far worse than target a figure may be and still count as within tolerance "
                  "(the amber band). A measure may have none."),
    ("Distance from target", "The figure minus its target, in the measure's unit (pts for a percentage); "
                             "blank without a target."),
    ("Change", "The figure minus the previous period's figure, in the measure's unit (pts for a percentage)."),
    ("pts", "Percentage points: the difference between two percentages. From 60% to 66% is +6 pts "
            "(not +10%)."),
    ("Comparator", "A benchmark to read the figure against: England's average, statistical neighbours, "
                   "last year's average, or a note in words."),
    ("Killer KPI", "One of the measures the leadership watches first, marked ★."),
    ("Status", "The band of the measure's latest figure up to the chosen month, with that month "
               "(a quarterly measure shows its latest quarter)."),
    ("Performance group", "Good, Fair or Poor: the data owner's or performance team's judgement of a month. "
                          "Where none is recorded the status suggests one (met: Good, within tolerance: Fair, "
                          "worse: Poor), shown as suggested."),
    ("SPC", "Statistical process control: a method that tells the ordinary ups and downs of a measure "
            "(common cause variation) from changes worth acting on (special cause variation). It needs at "
            "least 13 monthly figures."),
    ("Mean", "The average of the measure's figures, the centre line of the SPC chart."),
    ("Process limits", "The lower and upper limits of the SPC chart: where nearly all figures fall when "
                       "only common cause variation is at work (the mean ± 2.66 times the average "
                       "month-to-month change)."),
    ("Special cause improvement", "A figure or run of figures that ordinary variation does not explain, "
                                  "in the better direction."),
    ("Special cause concern", "A figure or run of figures that ordinary variation does not explain, "
                              "in the worse direction."),
    ("Common cause variation", "The ordinary month-to-month ups and downs: nothing to act on by itself."),
    ("Assurance", "Whether the process limits say the target will be met: consistently passing (the whole "
                  "range between the limits meets it), consistently failing (none of it does), or hit and "
                  "miss (the target lies between the limits, so it will be met in some months and missed in "
                  "others)."),
    ("Re-base", "Starting the SPC limits afresh from a month, after a known change to the service or to how "
                "the measure is counted, so the old figures do not set the new limits."),
    ("Locked month", "A month whose figures are signed off: only an administrator can change them, "
                     "giving a reason."),
    ("Data owner", "The person responsible for a measure's monthly figure; they submit it on the Submit "
                   "or Upload page."),
    ("Thematic area", "The group of measures a measure belongs to, in the council's order."),
    ("Return", "The monthly figures the data owners send in; Returns lists those still missing."),
)


def glossary(settings: Settings = Settings()) -> list[Term]:
    """Every term people meet on the pages, alphabetical words first, then each band, arrow and icon
    from the vocabularies (``BAND_STYLE``, ``Direction``, ``VARIATION_TEXT``, ``ASSURANCE_TEXT``, ``ICONS``)."""
    terms = [Term(anchor(word), word, meaning) for word, meaning in sorted(_WORDS, key=lambda w: w[0].lower())]
    rule = band_rules(settings)
    terms += [
        Term(anchor(f"band {band.value}"), f"{BAND_STYLE[band]['symbol']} {BAND_STYLE[band]['short']}",
             f"{BAND_STYLE[band]['label']}. {rule[band]}")
        for band in Band
    ]
    terms += [Term(anchor(f"arrow {d.name}"), d.value, d.label + ".") for d in Direction]
    terms += [Term(anchor(f"spc {kind.value}"), text, kind.label + ".") for kind, text in VARIATION_TEXT.items()]
    terms += [Term(anchor(f"spc {kind.value}"), text, kind.label + ".") for kind, text in ASSURANCE_TEXT.items()]
    terms += [Term(anchor(f"icon {n}"), symbol, meaning) for n, (symbol, meaning) in enumerate(ICONS.items())]
    return terms


def glossary_html(terms: list[Term]) -> str:
    """The glossary as a definition list, each term with its anchor id (every text escaped)."""
    items = "".join(
        f'<dt id="{t.anchor}"><strong>{html.escape(t.term)}</strong></dt><dd>{html.escape(t.meaning)}</dd>'
        for t in terms
    )
    return f"<dl>{items}</dl>"


SCREEN_COLUMNS: dict[str, str] = {
    "Measure": "The measure, in the council's own words.",
    "Thematic area": "The group of measures it belongs to, in the council's order.",
    "Killer KPI": "★ marks a killer KPI: one of the measures the leadership watches first.",
    "Performance group": "Good, Fair or Poor: the judgement recorded for the month, or the one the status suggests.",
    "D.o.T.": "Direction of travel since the previous period: ↑ up, ↓ down by at least the threshold, → less. "
              "Improving or worsening depends on the measure's polarity.",
    "Trend": "Improving, worsening or no change: the direction of travel judged by the measure's polarity.",
    "Change": "The figure minus the previous period's, in the measure's unit (pts for a percentage).",
    "Distance from target": "The figure minus its target, in the measure's unit (pts for a percentage).",
    "Value": "The figure for the month, in the measure's unit.",
    "Month": "The month the figure is for.",
    "Target": "The target in force at the month.",
    "Tolerance": "How far worse than target still counts as within tolerance; blank where there is none.",
    "Comparator": "A benchmark to read the figure against, and where it comes from.",
    "Status": "The band of the latest figure up to the chosen month, and that month.",
    "Band": "The figure's status against its target: met, within tolerance, worse, significantly worse.",
    "SPC variation": "What SPC says of the latest figure: common cause, or special cause improvement or concern.",
    "SPC assurance": "Whether the process limits say the target will be met: consistently passing, "
                     "consistently failing, or hit and miss.",
    "SPC": "What SPC says of the month's figure: common cause, or special cause improvement or concern.",
    "Commentary": "What the data owner wrote about the month's figure.",
    "Total": "How many measures the row counts.",
    "Owner": "The data owners of the measure, who send in its figure.",
    "Missing": "How many figures are still missing.",
    "Frequency": "How often the measure reports: monthly, or quarterly (Mar, Jun, Sep, Dec).",
    "Last figure": "The latest month that has a figure.",
    "Locked by": "The administrator who locked the month.",
    "Locked at (UTC)": "When the month was locked.",
    "Reason": "Why it was done, in the words of the person who did it.",
    "E-mail": "The address the person signs in with.",
    "Name": "The person's name.",
    "Role": "What the person may do: viewer, data owner or administrator.",
    "Measures owned": "The measures whose figures the person sends in.",
    "Version": "New (the first figure for the month), Revised (a change to a recorded one) or Withdrawn.",
    "Old → new": "What it was before and what it became.",
    "Recorded by": "Who saved it.",
    "When (UTC)": "When it was saved (UTC: Greenwich time, an hour behind in summer).",
    "Source": "How it came in: the Submit form, an upload, the command line, or the council's first import.",
    "Polarity": "Which direction is better for the measure: higher, lower, or neither.",
    "Unit": "What the figures count: a percentage, a count, a rate or days.",
    "Allowed values": "The range a figure must fall in; a figure outside it is refused.",
    "D.o.T. threshold": "The smallest change that turns the direction-of-travel arrow up or down.",
    "In use": "Yes, or the month from which the measure is retired (no longer reported).",
    "Id": "The measure's short, stable id, used in files and links.",
    "From": "The month from which the entry is in force, until the next one.",
    "Entry": "What the entry sets: a target (with its tolerance), the end of a target, or a comparator.",
    "Action": "What was done to the catalogue.",
    "What": "The measure or thematic area it was done to.",
    "Field": "The detail that changed.",
}
"""Each column header people see on the pages and what it means: the column's help and About's table."""


DOWNLOAD_COLUMNS: dict[str, str] = {
    "area": "Thematic area, in the council's order.",
    "measure_id": "The measure's short, stable id, used in files and links.",
    "measure": "The measure, in the council's own words.",
    "killer_kpi": "true for the killer KPIs the leadership watches first.",
    "performance_group": "Good, Fair or Poor, as judged by the data owner or performance team for the month.",
    "dot": "Direction of travel: ↑ up, ↓ down by at least the threshold (1.0 unless set), → otherwise.",
    "trend": f"{rules.IMPROVING}, {rules.WORSENING} or {rules.NO_CHANGE}: the direction of travel judged by polarity.",
    "change": "Value minus the previous period's value (previous month, or previous quarter).",
    "distance": "Value minus target, in the measure's unit.",
    "YYYY-MM": "The figure for each month of the window, oldest first; blank where there is none.",
    "target, tolerance": "The target and tolerance threshold in force at the chosen month.",
    "comparator": "A benchmark (England, statistical neighbours, last year's average), or a text comparator.",
    "band_YYYY-MM": "Each month's status band, by its name in the file: "
                    + ", ".join(f"`{band.value}` ({band.label.lower()})" for band in Band) + ".",
    "comparator_note": "Where the comparator comes from.",
    "suggested_performance_group": "The group suggested by the status where none is recorded (met → Good, within tolerance → Fair, worse → Poor).",
    "status, status_period": "The band at the measure's latest figure up to the chosen month, and that month.",
    "variation, assurance": "The SPC icons as at the chosen month, by their names in the file (blank under 13 points).",
}
"""The scorecard CSV's column names (``kpicore.reports.scorecard``) and what each holds."""


def bands(settings: Settings = Settings()) -> pd.DataFrame:
    """Each band's symbol, name, legend and rule (``rules.band_rules``, with the database's settings)."""
    rule = band_rules(settings)
    return pd.DataFrame(
        [
            {"Symbol": BAND_STYLE[band]["symbol"], "Band": BAND_STYLE[band]["short"], "Meaning": BAND_STYLE[band]["label"],
             "Rule": rule[band]}
            for band in Band
        ]
    )


def arrows() -> pd.DataFrame:
    """Each direction-of-travel arrow and its meaning."""
    return pd.DataFrame([{"Arrow": d.value, "Meaning": d.label} for d in Direction])


def polarities() -> pd.DataFrame:
    """Each polarity in words, and what an ↑ means on a measure of that polarity."""
    up = {Polarity.HIGHER: rules.IMPROVING, Polarity.LOWER: rules.WORSENING, Polarity.NEUTRAL: rules.NO_CHANGE}
    return pd.DataFrame(
        [{"Polarity": p.label, f"An {Direction.UP.value} means": up[p].capitalize()} for p in Polarity]
    )


def spc_icons() -> pd.DataFrame:
    """Each SPC icon (variation, then assurance) with its meaning."""
    rows = [{"Icon": text, "Kind": "Variation", "Meaning": kind.label} for kind, text in VARIATION_TEXT.items()]
    rows += [{"Icon": text, "Kind": "Assurance", "Meaning": kind.label} for kind, text in ASSURANCE_TEXT.items()]
    return pd.DataFrame(rows)


def screen_columns() -> pd.DataFrame:
    """Every column header on screen and what it means."""
    return pd.DataFrame([{"Column": key, "Meaning": value} for key, value in SCREEN_COLUMNS.items()])


def download_columns_markdown() -> str:
    """Every column of the scorecard download, by its name in the file (as code), and what it holds."""
    return "\n".join(f"- `{key}`: {value}" for key, value in DOWNLOAD_COLUMNS.items())
