"""Closed vocabularies of the scorecard, each with its user-facing labels.

One table per vocabulary: the pages, the downloads and the About page all read
labels, symbols and colours from here, never from string literals elsewhere.
"""

from __future__ import annotations

from enum import StrEnum


class Band(StrEnum):
    """Status of a value against its target (DESIGN.md 3.4)."""

    MET = "met"
    WITHIN_TOLERANCE = "within_tolerance"
    WORSE = "worse"
    SIGNIFICANTLY_WORSE = "significantly_worse"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return BAND_STYLE[self]["label"]

    @property
    def symbol(self) -> str:
        return BAND_STYLE[self]["symbol"]

    @property
    def fill(self) -> str:
        return BAND_STYLE[self]["fill"]

    @property
    def text_colour(self) -> str:
        return BAND_STYLE[self]["text"]


# Okabe-Ito derived fills (colour-blind safe), each paired with a symbol so that
# status never depends on colour alone (WCAG 1.4.1). Text colours are chosen for a
# contrast ratio of at least 4.5:1 on their fill.
BAND_STYLE: dict[Band, dict[str, str]] = {
    Band.MET: {
        "label": "Meeting or better than target",
        "short": "Met",
        "symbol": "✔",
        "fill": "#009E73",
        "text": "#000000",
    },
    Band.WITHIN_TOLERANCE: {
        "label": "Within tolerance of target",
        "short": "Within tolerance",
        "symbol": "◐",
        "fill": "#F0E442",
        "text": "#000000",
    },
    Band.WORSE: {
        "label": "Worse than target",
        "short": "Worse",
        "symbol": "✖",
        "fill": "#E69F00",
        "text": "#000000",
    },
    Band.SIGNIFICANTLY_WORSE: {
        "label": "Significantly worse than target and/or off target for a significant period",
        "short": "Significantly worse",
        "symbol": "‼",
        "fill": "#7A1F5C",
        "text": "#FFFFFF",
    },
    Band.NO_TARGET: {
        "label": "No target",
        "short": "No target",
        "symbol": "○",
        "fill": "#D9D9D9",
        "text": "#000000",
    },
    Band.NO_DATA: {
        "label": "No data",
        "short": "No data",
        "symbol": "∅",
        "fill": "#FFFFFF",
        "text": "#000000",
    },
}


ICONS: dict[str, str] = {
    "★": "Killer KPI: one of the measures the leadership watches first.",
    "✎": "The month has commentary from the data owner (on the explorer's chart).",
    "–": "Not assessed: too few points for SPC, or nothing to show.",
}
"""The icons that are not a band, an arrow or an SPC icon, each with its one meaning (About's glossary)."""


class Polarity(StrEnum):
    """Which direction of a measure is an improvement."""

    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"

    @property
    def label(self) -> str:
        return {
            Polarity.HIGHER: "Higher is better",
            Polarity.LOWER: "Lower is better",
            Polarity.NEUTRAL: "Neither (context measure)",
        }[self]

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better, 0 when neither: multiply a change by it
        and a positive result is an improvement. The one home of the polarity's direction."""
        return {Polarity.HIGHER: 1, Polarity.LOWER: -1, Polarity.NEUTRAL: 0}[self]


class Unit(StrEnum):
    """Unit of a measure's values (DESIGN.md 3.1)."""

    PERCENT = "percent"
    COUNT = "count"
    RATE = "rate"
    DAYS = "days"

    @property
    def decimals(self) -> int:
        """Decimal places used to display and round derived figures."""
        return 0 if self in (Unit.COUNT,) else 1

    @property
    def label(self) -> str:
        return {
            Unit.PERCENT: "Percentage",
            Unit.COUNT: "Count",
            Unit.RATE: "Rate",
            Unit.DAYS: "Days",
        }[self]


class Frequency(StrEnum):
    """How often a measure reports. Quarterly measures report on Mar, Jun, Sep, Dec."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @property
    def step_months(self) -> int:
        return {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3}[self]


class PerformanceGroup(StrEnum):
    """A person's judgement of a measure for a period (DESIGN.md 3.5)."""

    GOOD = "Good"
    FAIR = "Fair"
    POOR = "Poor"


class Direction(StrEnum):
    """Direction of travel arrow: the raw direction of change, not a judgement."""

    UP = "↑"
    DOWN = "↓"
    FLAT = "→"

    @property
    def label(self) -> str:
        return {
            Direction.UP: "Up by at least the threshold since last period",
            Direction.DOWN: "Down by at least the threshold since last period",
            Direction.FLAT: "Changed by less than the threshold",
        }[self]


class Role(StrEnum):
    """What a signed-in person may do (DESIGN.md 6)."""

    VIEWER = "viewer"
    DATA_OWNER = "data_owner"
    ADMIN = "admin"
