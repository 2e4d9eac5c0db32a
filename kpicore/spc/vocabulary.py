"""The words of SPC: point types, assurance and rules, their labels and icon texts.

Also the integer codes the vectorised engine uses for them: a code is a position in one
of the tuples at the end of this file.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

TOO_FEW_MESSAGE = "too few points for SPC"


class PointType(StrEnum):
    """How one point varies: common cause, or which kind of special cause."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEUTRAL_HIGH = "neutral_high"
    NEUTRAL_LOW = "neutral_low"

    @property
    def label(self) -> str:
        return POINT_TYPE_LABELS[self]


POINT_TYPE_LABELS: dict[PointType, str] = {
    PointType.COMMON_CAUSE: "Common cause variation",
    PointType.IMPROVEMENT: "Special cause improvement",
    PointType.CONCERN: "Special cause concern",
    PointType.NEUTRAL_HIGH: "Special cause variation, higher (neither improvement nor concern)",
    PointType.NEUTRAL_LOW: "Special cause variation, lower (neither improvement nor concern)",
}


class Assurance(StrEnum):
    """Whether the process limits say the target will be met."""

    CONSISTENT_PASS = "consistent_pass"
    CONSISTENT_FAIL = "consistent_fail"
    HIT_AND_MISS = "hit_and_miss"

    @property
    def label(self) -> str:
        return ASSURANCE_LABELS[self]


ASSURANCE_LABELS: dict[Assurance, str] = {
    Assurance.CONSISTENT_PASS: "Consistently passing the target",
    Assurance.CONSISTENT_FAIL: "Consistently failing the target",
    Assurance.HIT_AND_MISS: "Hit and miss: the target will be met in some months and missed in others",
}


# Each icon as a symbol and words, so that it never depends on colour or shape alone. No symbol here
# is used by any other vocabulary (the bands' ✔ and ✖, the arrows ↑ ↓ →): each symbol means one thing.
# The letters echo NHS England's icons (H and L special cause high and low, P pass, F fail) and show in any font.
VARIATION_TEXT = {
    PointType.COMMON_CAUSE: "~ Common cause",
    PointType.IMPROVEMENT: "✚ Improvement",
    PointType.CONCERN: "⚠ Concern",
    PointType.NEUTRAL_HIGH: "(H) Special cause, high",
    PointType.NEUTRAL_LOW: "(L) Special cause, low",
}
ASSURANCE_TEXT = {
    Assurance.CONSISTENT_PASS: "(P) Consistently passing",
    Assurance.CONSISTENT_FAIL: "(F) Consistently failing",
    Assurance.HIT_AND_MISS: "↕ Hit and miss",
}


class Rule(StrEnum):
    """The special cause rule that decided a point's type (precedence: special_cause.PRECEDENCE)."""

    OUTSIDE_LIMITS = "outside_limits"
    TREND = "trend"
    TWO_IN_THREE = "two_in_three"
    RUN = "run"

    @property
    def label(self) -> str:
        return RULE_LABELS[self]


RULE_LABELS: dict[Rule, str] = {
    Rule.OUTSIDE_LIMITS: "Point outside the process limits",
    Rule.TREND: "Trend of consecutive increases or decreases",
    Rule.TWO_IN_THREE: "Two of three points close to a process limit",
    Rule.RUN: "Run of points on one side of the mean",
}

# Integer codes used by the vectorised engine; position in each tuple is the code.
RULE_CODES: tuple[Rule | None, ...] = (
    None,
    Rule.OUTSIDE_LIMITS,
    Rule.TREND,
    Rule.TWO_IN_THREE,
    Rule.RUN,
)
POINT_TYPE_CODES: tuple[PointType, ...] = tuple(PointType)
ASSURANCE_CODES: tuple[Assurance | None, ...] = (None, *Assurance)
UNASSESSED = -1
# Indexing this with a point-type code maps UNASSESSED (-1) to the trailing None.
POINT_TYPE_OR_NONE = np.array((*POINT_TYPE_CODES, None), dtype=object)
