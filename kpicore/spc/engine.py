"""The vectorised engine shared by `analyse` and `analyse_many`.

It takes reported values laid end to end, segment by segment (one segment per measure or
per re-based group), and returns each segment's limits and each point's rules, deciding
rule and point type.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from kpicore.spc.limits import segment_limits
from kpicore.spc.series import segment_starts
from kpicore.spc.special_cause import (
    deciding_rule,
    limit_zones,
    run_flags,
    sides_of_mean,
    trend_flags,
    two_in_three_flags,
)
from kpicore.spc.vocabulary import POINT_TYPE_CODES, RULE_CODES, UNASSESSED, PointType, Rule

MIN_POINTS = 13
"""A segment needs this many reported values for limits; a shorter one is not assessed."""


class Classified(NamedTuple):
    """Engine output for reported points laid end to end, segment by segment."""

    count: np.ndarray  # per segment
    mean: np.ndarray  # per segment, NaN when not assessed
    amr: np.ndarray  # per segment, NaN when not assessed
    assessed: np.ndarray  # per point: its segment has enough points
    sides: np.ndarray  # per point
    outside: np.ndarray  # per point, raw rule output
    trend: np.ndarray  # per point, raw rule output (1/-1/0)
    two_in_three: np.ndarray  # per point, raw rule output
    run: np.ndarray  # per point, raw rule output
    rule: np.ndarray  # per point: index into RULE_CODES after precedence
    point_type: np.ndarray  # per point: index into POINT_TYPE_CODES, or UNASSESSED


def point_type_codes(rule: np.ndarray, moving: np.ndarray, polarity: np.ndarray) -> np.ndarray:
    """Code (index into POINT_TYPE_CODES) of each point's type.

    `rule` is the deciding rule's code, `moving` the way the point moves (the trend's
    direction for a trend, else its side of the mean) and `polarity` its segment's
    improvement direction (1, -1 or 0).
    """
    improving = moving * polarity
    return np.select(
        [rule == RULE_CODES.index(None), (polarity == 0) & (moving > 0), polarity == 0, improving > 0],
        [
            POINT_TYPE_CODES.index(PointType.COMMON_CAUSE),
            POINT_TYPE_CODES.index(PointType.NEUTRAL_HIGH),
            POINT_TYPE_CODES.index(PointType.NEUTRAL_LOW),
            POINT_TYPE_CODES.index(PointType.IMPROVEMENT),
        ],
        default=POINT_TYPE_CODES.index(PointType.CONCERN),
    )


def classify(
    y: np.ndarray,
    segment: np.ndarray,
    n_segments: int,
    use: np.ndarray,
    direction: np.ndarray,
    *,
    screen_outliers: bool,
    run_length: int,
    trend_length: int,
) -> Classified:
    """Limits, rules and point types for reported values grouped into contiguous segments.

    `segment` is non-decreasing; `use` marks the points that set each segment's limits;
    `direction` gives each segment's improvement direction (1, -1 or 0).
    """
    count = np.bincount(segment, minlength=n_segments)
    mean, amr = segment_limits(y, segment, n_segments, use, screen_outliers)
    enough = count >= MIN_POINTS
    mean = np.where(enough, mean, np.nan)
    amr = np.where(enough, amr, np.nan)
    assessed = enough[segment]
    starts = segment_starts(segment)

    centre, spread = mean[segment], amr[segment]
    sides = sides_of_mean(y, centre)
    outside, near = limit_zones(y, centre, spread)
    trend = np.where(assessed, trend_flags(y, trend_length, starts=starts), 0).astype(np.int8)
    two = two_in_three_flags(near, sides, starts=starts)
    run = run_flags(sides, run_length, starts=starts)
    rule = deciding_rule({Rule.OUTSIDE_LIMITS: outside, Rule.TREND: trend != 0, Rule.TWO_IN_THREE: two, Rule.RUN: run})
    moving = np.where(rule == RULE_CODES.index(Rule.TREND), trend, sides)
    code = point_type_codes(rule, moving, direction[segment])
    return Classified(
        count=count,
        mean=mean,
        amr=amr,
        assessed=assessed,
        sides=sides,
        outside=outside,
        trend=trend,
        two_in_three=two,
        run=run,
        rule=rule,
        point_type=np.where(assessed, code, UNASSESSED),
    )
