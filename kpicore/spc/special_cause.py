"""The four special cause rules, and the precedence that picks one when several apply.

Each rule is a small pure function over numpy arrays. Most take an optional `starts`
array: True where an independent series begins, so that runs, trends and two-in-three
windows never cross from one series (or one re-based group) into the next. Without it
the whole input is one series.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from kpicore.spc.limits import LIMIT_FACTOR, NEAR_FACTOR
from kpicore.spc.series import blocks, check_length, starts_or_default, steps
from kpicore.spc.vocabulary import RULE_CODES, Rule

RUN_LENGTH = 7
"""Default: this many consecutive points on one side of the mean make a run."""
TREND_LENGTH = 7
"""Default: this many points, each strictly above (below) the one before, make a trend."""
PRECEDENCE: tuple[Rule, ...] = (Rule.OUTSIDE_LIMITS, Rule.TREND, Rule.TWO_IN_THREE, Rule.RUN)
"""When several rules apply to a point, the first of these decides it."""


def sides_of_mean(values: np.ndarray, mean: np.ndarray | float) -> np.ndarray:
    """Which side of the mean each value is on: 1 above, -1 below, 0 on the mean or missing."""
    with np.errstate(invalid="ignore"):
        side = np.sign(np.asarray(values, dtype=float) - mean)
    return np.nan_to_num(side, nan=0.0).astype(np.int8)


def limit_zones(values: np.ndarray, mean: np.ndarray, amr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rule 1 and the zone of rule 3: (strictly outside the process limits, between a near and its process limit)."""
    with np.errstate(invalid="ignore"):
        outside = (values > mean + LIMIT_FACTOR * amr) | (values < mean - LIMIT_FACTOR * amr)
        near = ~outside & ((values > mean + NEAR_FACTOR * amr) | (values < mean - NEAR_FACTOR * amr))
    return outside, near


def run_flags(sides: np.ndarray, length: int = RUN_LENGTH, *, starts: np.ndarray | None = None) -> np.ndarray:
    """Flag every point of a run: `length` or more consecutive points on one side of the mean.

    `sides` holds 1 (above), -1 (below) or 0 (exactly on the mean, which breaks a run).
    Returns a bool array; shorter inputs than `length` are never flagged.
    """
    sides = np.asarray(sides)
    check_length("length", length)
    starts = starts_or_default(starts, sides.size)
    _, above = blocks(sides > 0, starts)
    _, below = blocks(sides < 0, starts)
    return (above >= length) | (below >= length)


def run_ends(sides: np.ndarray, length: int = RUN_LENGTH, *, starts: np.ndarray | None = None) -> np.ndarray:
    """Flag the points that complete a run: the `length`-th point on one side and each later one."""
    sides = np.asarray(sides)
    check_length("length", length)
    starts = starts_or_default(starts, sides.size)
    above, _ = blocks(sides > 0, starts)
    below, _ = blocks(sides < 0, starts)
    return (above >= length - 1) | (below >= length - 1)


def _trend_steps(
    values: np.ndarray, starts: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Block positions and lengths of runs of rising steps and of falling steps."""
    rising, falling = steps(values, starts)
    return blocks(rising, starts), blocks(falling, starts)


def trend_flags(values: np.ndarray, length: int = TREND_LENGTH, *, starts: np.ndarray | None = None) -> np.ndarray:
    """Flag every point of a trend: `length` or more points each strictly above (below) the one before.

    Returns an int8 array: 1 for a point in an increasing trend, -1 in a decreasing trend,
    0 otherwise. A tie (equal consecutive values) or a missing value (NaN) breaks a trend.
    The turning point shared by a trend and a following trend the other way takes the
    direction of the later trend, as NHSRplotthedots does.
    """
    values = np.asarray(values, dtype=float)
    check_length("length", length)
    starts = starts_or_default(starts, values.size)
    (_, up_len), (_, down_len) = _trend_steps(values, starts)
    up_step = up_len >= length - 1
    down_step = down_len >= length - 1
    up_next = np.append(up_step[1:], False)
    down_next = np.append(down_step[1:], False)
    in_up = up_step | up_next
    in_down = down_step | down_next
    direction = in_up.astype(np.int8) - in_down.astype(np.int8)
    shared = in_up & in_down
    direction[shared] = np.where(up_next[shared], 1, -1)
    return direction


def trend_ends(values: np.ndarray, length: int = TREND_LENGTH, *, starts: np.ndarray | None = None) -> np.ndarray:
    """Flag the points that complete a trend: 1 increasing, -1 decreasing, 0 otherwise."""
    values = np.asarray(values, dtype=float)
    check_length("length", length)
    starts = starts_or_default(starts, values.size)
    (up_pos, _), (down_pos, _) = _trend_steps(values, starts)
    return (up_pos >= length - 2).astype(np.int8) - (down_pos >= length - 2).astype(np.int8)


def two_in_three_flags(near: np.ndarray, sides: np.ndarray, *, starts: np.ndarray | None = None) -> np.ndarray:
    """Flag near-limit points that are two (or three) of three consecutive points near a limit.

    `near` is True for a point between the near limit (two sigma) and the process limit
    (three sigma); `sides` is 1/-1/0 as for `run_flags`. All three points of the window must
    be on the same side of the mean; only the near points are flagged. Inputs shorter than
    three points are never flagged.
    """
    near = np.asarray(near, dtype=bool)
    sides = np.asarray(sides)
    starts = starts_or_default(starts, near.size)
    flags = np.zeros(near.size, dtype=bool)
    if near.size < 3:
        return flags
    same_side = (sides[:-2] == sides[1:-1]) & (sides[1:-1] == sides[2:]) & (sides[:-2] != 0)
    enough = near[:-2].astype(np.int8) + near[1:-1] + near[2:] >= 2
    window = same_side & enough & ~starts[1:-1] & ~starts[2:]
    covered = np.zeros(near.size, dtype=bool)
    covered[:-2] |= window
    covered[1:-1] |= window
    covered[2:] |= window
    return near & covered


def deciding_rule(fired: Mapping[Rule, np.ndarray]) -> np.ndarray:
    """Code (index into RULE_CODES) of the rule that decides each point: the first in PRECEDENCE that fired."""
    return np.select(
        [fired[rule] for rule in PRECEDENCE],
        [RULE_CODES.index(rule) for rule in PRECEDENCE],
        default=RULE_CODES.index(None),
    )
