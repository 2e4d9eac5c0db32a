"""Statistical process control (XmR charts) in the NHS England "Making Data Count" style.

The analysis follows NHSRplotthedots v0.2.2, the R reference implementation, with the
deliberate deviations listed in docs/spc-method.md. Every rule is a small pure function
over numpy arrays; `analyse` runs them on one series and `analyse_many` runs the same
engine, vectorised, on many series at once, so both give identical answers.

Most rule functions take an optional `starts` array: True where an independent series
begins, so that runs, trends and two-in-three windows never cross from one series (or
one re-based group) into the next. Without it the whole input is one series.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

import numpy as np
import pandas as pd

from kpicore.vocab import Polarity

LIMIT_FACTOR = 2.66
NEAR_FACTOR = 2 * (LIMIT_FACTOR / 3)
SCREEN_FACTOR = 3.267
MIN_POINTS = 13
MIN_BASELINE = 12
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


# Each icon as a symbol and words, so that it never depends on colour or shape alone.
VARIATION_TEXT = {
    PointType.COMMON_CAUSE: "~ Common cause",
    PointType.IMPROVEMENT: "✚ Improvement",
    PointType.CONCERN: "⚠ Concern",
    PointType.NEUTRAL_HIGH: "◆ Special cause, high",
    PointType.NEUTRAL_LOW: "◆ Special cause, low",
}
ASSURANCE_TEXT = {
    Assurance.CONSISTENT_PASS: "✔ Consistently passing",
    Assurance.CONSISTENT_FAIL: "✖ Consistently failing",
    Assurance.HIT_AND_MISS: "↕ Hit and miss",
}



class Rule(StrEnum):
    """The special cause rule that decided a point's type, in order of precedence."""

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
_RULES: tuple[Rule | None, ...] = (
    None,
    Rule.OUTSIDE_LIMITS,
    Rule.TREND,
    Rule.TWO_IN_THREE,
    Rule.RUN,
)
_POINT_TYPES: tuple[PointType, ...] = tuple(PointType)
_ASSURANCES: tuple[Assurance | None, ...] = (None, *Assurance)
_DIRECTION: dict[Polarity, int] = {
    Polarity.HIGHER: 1,
    Polarity.LOWER: -1,
    Polarity.NEUTRAL: 0,
}
_UNASSESSED = -1
# Indexing this with a point-type code maps _UNASSESSED (-1) to the trailing None.
_POINT_TYPE_OR_NONE = np.array((*_POINT_TYPES, None), dtype=object)


class Limits(NamedTuple):
    """Centre line and limits of one XmR chart."""

    mean: float
    amr: float
    lpl: float
    upl: float
    nlpl: float
    nupl: float


@dataclass(frozen=True)
class Signal:
    """One episode of special cause: which rule fired, which way, at which input positions.

    `positions` are 1-based positions in the input to `analyse`, including for runs and
    trends every point of the episode in order. `direction` is "above"/"below" for the
    limit, two-in-three and run rules and "increasing"/"decreasing" for trends.
    """

    rule: Rule
    direction: str
    positions: tuple[int, ...]

    def describe(self) -> str:
        """One plain-English sentence naming the rule and the positions."""
        first, last, count = self.positions[0], self.positions[-1], len(self.positions)
        limit = "upper" if self.direction == "above" else "lower"
        if self.rule is Rule.OUTSIDE_LIMITS:
            noun = f"Point {first} is" if count == 1 else f"Points {_join(self.positions)} are"
            return f"{noun} {self.direction} the {limit} process limit"
        if self.rule is Rule.TREND:
            return f"{self.direction.capitalize()} trend of {count} points ending at point {last} (from point {first})"
        if self.rule is Rule.TWO_IN_THREE:
            return f"Two of three points close to the {limit} process limit: points {_join(self.positions)}"
        return f"Run of {count} points {self.direction} the mean ending at point {last} (from point {first})"


@dataclass(frozen=True, eq=False)
class SPCResult:
    """The SPC analysis of one series.

    `points` has one row per input position (index 0..n-1) with columns value, mean, lpl,
    upl, nlpl, nupl, special_cause, point_type, rule and group (0-based re-base group).
    Missing inputs keep their row with value NaN, special_cause False, point_type and rule
    None; they carry their group's limits so that limit lines can be drawn across gaps.
    Points in a group with fewer than 13 reported values have NaN mean and limits,
    special_cause False and point_type None. `variation` is the type of the latest
    reported point, `assurance` compares the target with the latest group's limits, and
    `message` is "too few points for SPC" when the latest group cannot be assessed.
    """

    points: pd.DataFrame
    variation: PointType | None
    assurance: Assurance | None
    message: str | None
    signals: tuple[Signal, ...] = ()

    def explanation(self) -> str:
        """A short plain-English account of the rules that fired, one sentence per line.

        Positions are 1-based positions in the input series.
        """
        lines: list[str] = []
        reported = self.points["value"].notna().to_numpy()
        groups = self.points["group"].to_numpy()
        for group in np.unique(groups):
            in_group = groups == group
            first = int(np.flatnonzero(in_group)[0]) + 1
            last = int(np.flatnonzero(in_group)[-1]) + 1
            if group > 0:
                lines.append(f"Limits re-based at point {first}.")
            count = int(np.count_nonzero(in_group & reported))
            if count < MIN_POINTS:
                lines.append(
                    f"Points {first} to {last} have {count} reported values, too few for "
                    f"SPC limits ({MIN_POINTS} are needed)."
                )
        if self.signals:
            lines.extend(f"{signal.describe()}." for signal in self.signals)
        elif self.message is None:
            lines.append("No special cause variation: every point is within common cause variation.")
        if self.variation is not None:
            latest = int(np.flatnonzero(reported)[-1]) + 1
            lines.append(f"Latest point (point {latest}): {self.variation.label}.")
        if self.assurance is not None:
            lines.append(f"Target: {self.assurance.label}.")
        if self.message is not None:
            lines.append(f"No variation or assurance icon: {self.message}.")
        return "\n".join(lines)


def _join(numbers: Sequence[int]) -> str:
    """'3', '3 and 5', '3, 4 and 5'."""
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _starts_or_default(starts: np.ndarray | None, n: int) -> np.ndarray:
    """Series-start flags, defaulting to a single series; position 0 always starts one."""
    flags = np.zeros(n, dtype=bool) if starts is None else np.array(starts, dtype=bool, copy=True)
    if flags.shape != (n,):
        raise ValueError(f"starts must have the same length as the data ({n}), not {flags.shape}")
    if n:
        flags[0] = True
    return flags


def _check_length(name: str, length: int) -> None:
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 2:
        raise ValueError(f"{name} must be an integer of at least 2, not {length!r}")


def _blocks(mask: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position within, and length of, each maximal block of consecutive True values.

    A block never continues across a series start. Elements outside blocks get position
    -1 and length 0.
    """
    n = mask.size
    continues = np.zeros(n, dtype=bool)
    continues[1:] = mask[1:] & mask[:-1] & ~starts[1:]
    begins = mask & ~continues
    first = np.flatnonzero(begins)
    if first.size == 0:
        return np.full(n, -1), np.zeros(n, dtype=np.int64)
    block = np.maximum(np.cumsum(begins) - 1, 0)
    lengths = np.bincount(block[mask], minlength=first.size)
    position = np.where(mask, np.arange(n) - first[block], -1)
    return position, np.where(mask, lengths[block], 0)


def sides_of_mean(values: np.ndarray, mean: np.ndarray | float) -> np.ndarray:
    """Which side of the mean each value is on: 1 above, -1 below, 0 on the mean or missing."""
    with np.errstate(invalid="ignore"):
        side = np.sign(np.asarray(values, dtype=float) - mean)
    return np.nan_to_num(side, nan=0.0).astype(np.int8)


def run_flags(sides: np.ndarray, length: int = 7, *, starts: np.ndarray | None = None) -> np.ndarray:
    """Flag every point of a run: `length` or more consecutive points on one side of the mean.

    `sides` holds 1 (above), -1 (below) or 0 (exactly on the mean, which breaks a run).
    Returns a bool array; shorter inputs than `length` are never flagged.
    """
    sides = np.asarray(sides)
    _check_length("length", length)
    starts = _starts_or_default(starts, sides.size)
    _, above = _blocks(sides > 0, starts)
    _, below = _blocks(sides < 0, starts)
    return (above >= length) | (below >= length)


def run_ends(sides: np.ndarray, length: int = 7, *, starts: np.ndarray | None = None) -> np.ndarray:
    """Flag the points that complete a run: the `length`-th point on one side and each later one."""
    sides = np.asarray(sides)
    _check_length("length", length)
    starts = _starts_or_default(starts, sides.size)
    above, _ = _blocks(sides > 0, starts)
    below, _ = _blocks(sides < 0, starts)
    return (above >= length - 1) | (below >= length - 1)


def _steps(values: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each point is strictly above / below the one before it in the same series."""
    rising = np.zeros(values.size, dtype=bool)
    falling = np.zeros(values.size, dtype=bool)
    rising[1:] = (values[1:] > values[:-1]) & ~starts[1:]
    falling[1:] = (values[1:] < values[:-1]) & ~starts[1:]
    return rising, falling


def _trend_steps(
    values: np.ndarray, starts: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Block positions and lengths of runs of rising steps and of falling steps."""
    rising, falling = _steps(values, starts)
    return _blocks(rising, starts), _blocks(falling, starts)


def trend_flags(values: np.ndarray, length: int = 7, *, starts: np.ndarray | None = None) -> np.ndarray:
    """Flag every point of a trend: `length` or more points each strictly above (below) the one before.

    Returns an int8 array: 1 for a point in an increasing trend, -1 in a decreasing trend,
    0 otherwise. A tie (equal consecutive values) or a missing value (NaN) breaks a trend.
    The turning point shared by a trend and a following trend the other way takes the
    direction of the later trend, as NHSRplotthedots does.
    """
    values = np.asarray(values, dtype=float)
    _check_length("length", length)
    starts = _starts_or_default(starts, values.size)
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


def trend_ends(values: np.ndarray, length: int = 7, *, starts: np.ndarray | None = None) -> np.ndarray:
    """Flag the points that complete a trend: 1 increasing, -1 decreasing, 0 otherwise."""
    values = np.asarray(values, dtype=float)
    _check_length("length", length)
    starts = _starts_or_default(starts, values.size)
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
    starts = _starts_or_default(starts, near.size)
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


def _assurance_codes(target: np.ndarray, lpl: np.ndarray, upl: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Vectorised assurance: index into `_ASSURANCES` (0 for no assurance)."""
    assessable = np.isfinite(target) & np.isfinite(lpl) & np.isfinite(upl) & (direction != 0)
    above = target > upl
    below = target < lpl
    pass_code = _ASSURANCES.index(Assurance.CONSISTENT_PASS)
    fail_code = _ASSURANCES.index(Assurance.CONSISTENT_FAIL)
    codes = np.select(
        [
            above & (direction > 0),
            above & (direction < 0),
            below & (direction > 0),
            below & (direction < 0),
        ],
        [fail_code, pass_code, pass_code, fail_code],
        default=_ASSURANCES.index(Assurance.HIT_AND_MISS),
    )
    return np.where(assessable, codes, 0)


def assurance_type(target: float | None, lpl: float, upl: float, improvement: Polarity | str) -> Assurance | None:
    """Whether a target is consistently passed, consistently failed, or hit and miss.

    Higher is better: target above the upper limit fails consistently, target below the
    lower limit passes consistently, anything else (including a target exactly on a limit)
    is hit and miss; mirrored for lower is better. Returns None for a neutral measure, a
    missing (None/NaN) target, or missing limits.
    """
    direction = _DIRECTION[Polarity(improvement)]
    code = _assurance_codes(
        np.array([np.nan if target is None else target], dtype=float),
        np.array([lpl], dtype=float),
        np.array([upl], dtype=float),
        np.array([direction]),
    )[0]
    return _ASSURANCES[code]


def _segment_mean(x: np.ndarray, use: np.ndarray, segment: np.ndarray, n_segments: int) -> np.ndarray:
    """Mean of x over the used elements of each segment; NaN for a segment with none."""
    total = np.bincount(segment, weights=np.where(use, x, 0.0), minlength=n_segments)
    count = np.bincount(segment, weights=use, minlength=n_segments)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


def _segment_limits(
    y: np.ndarray,
    segment: np.ndarray,
    n_segments: int,
    use: np.ndarray,
    screen_outliers: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and average moving range of each segment, from the points marked `use`.

    Moving ranges are taken between consecutive used points of the same segment. With
    screening, ranges at or above 3.267 times the average are dropped and the average
    recomputed; when the average is 0 (a flat series) there is nothing to screen.
    """
    mean = _segment_mean(y, use, segment, n_segments)
    pair = np.zeros(y.size, dtype=bool)
    pair[1:] = use[1:] & use[:-1] & (segment[1:] == segment[:-1])
    moving_range = np.abs(np.diff(y, prepend=np.nan))
    amr = _segment_mean(moving_range, pair, segment, n_segments)
    if screen_outliers:
        amr_here = amr[segment]
        with np.errstate(invalid="ignore"):
            keep = pair & ((moving_range < SCREEN_FACTOR * amr_here) | (amr_here == 0))
        amr = _segment_mean(moving_range, keep, segment, n_segments)
    return mean, amr


def xmr_limits(
    values: Sequence[float | None],
    *,
    screen_outliers: bool = True,
    baseline: int | None = None,
) -> Limits:
    """Mean, average moving range, process limits and near limits of one series.

    Missing values are skipped (moving ranges join the reported values either side of a
    gap). `baseline=n` uses only the first n reported values. This is the bare arithmetic:
    the 13-point minimum is applied by `analyse`, not here; fewer than two values give NaN.
    """
    y = _as_values(values)
    y = y[~np.isnan(y)]
    use = np.arange(y.size) < (y.size if baseline is None else baseline)
    mean, amr = _segment_limits(y, np.zeros(y.size, dtype=np.int64), 1, use, screen_outliers)
    m, a = float(mean[0]), float(amr[0])
    return Limits(
        m,
        a,
        m - LIMIT_FACTOR * a,
        m + LIMIT_FACTOR * a,
        m - NEAR_FACTOR * a,
        m + NEAR_FACTOR * a,
    )


class _Classified(NamedTuple):
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
    rule: np.ndarray  # per point: index into _RULES after precedence
    point_type: np.ndarray  # per point: index into _POINT_TYPES, or _UNASSESSED


def _classify(
    y: np.ndarray,
    segment: np.ndarray,
    n_segments: int,
    use: np.ndarray,
    direction: np.ndarray,
    *,
    screen_outliers: bool,
    run_length: int,
    trend_length: int,
) -> _Classified:
    """Limits, rules and point types for reported values grouped into contiguous segments.

    `segment` is non-decreasing; `use` marks the points that set each segment's limits;
    `direction` gives each segment's improvement direction (1, -1 or 0).
    """
    count = np.bincount(segment, minlength=n_segments)
    mean, amr = _segment_limits(y, segment, n_segments, use, screen_outliers)
    enough = count >= MIN_POINTS
    mean = np.where(enough, mean, np.nan)
    amr = np.where(enough, amr, np.nan)
    assessed = enough[segment]
    starts = np.ones(y.size, dtype=bool)
    starts[1:] = segment[1:] != segment[:-1]

    centre, spread = mean[segment], amr[segment]
    sides = sides_of_mean(y, centre)
    with np.errstate(invalid="ignore"):
        outside = (y > centre + LIMIT_FACTOR * spread) | (y < centre - LIMIT_FACTOR * spread)
        near = ~outside & ((y > centre + NEAR_FACTOR * spread) | (y < centre - NEAR_FACTOR * spread))
    trend = np.where(assessed, trend_flags(y, trend_length, starts=starts), 0).astype(np.int8)
    two = two_in_three_flags(near, sides, starts=starts)
    run = run_flags(sides, run_length, starts=starts)

    rule = np.select(
        [outside, trend != 0, two, run],
        [_RULES.index(r) for r in (Rule.OUTSIDE_LIMITS, Rule.TREND, Rule.TWO_IN_THREE, Rule.RUN)],
        default=_RULES.index(None),
    )
    moving = np.where(rule == _RULES.index(Rule.TREND), trend, sides)
    polarity = direction[segment]
    improving = moving * polarity
    code = np.select(
        [rule == _RULES.index(None), (polarity == 0) & (moving > 0), polarity == 0, improving > 0],
        [
            _POINT_TYPES.index(PointType.COMMON_CAUSE),
            _POINT_TYPES.index(PointType.NEUTRAL_HIGH),
            _POINT_TYPES.index(PointType.NEUTRAL_LOW),
            _POINT_TYPES.index(PointType.IMPROVEMENT),
        ],
        default=_POINT_TYPES.index(PointType.CONCERN),
    )
    return _Classified(
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
        point_type=np.where(assessed, code, _UNASSESSED),
    )


def _as_values(values: Sequence[float | None]) -> np.ndarray:
    """Float array with NaN for missing (None, NaN, pd.NA); infinities are rejected."""
    y = pd.array(list(values), dtype="Float64").to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(y).any():
        raise ValueError("values must be finite numbers or missing (None/NaN), not infinite")
    return y


def _group_of_positions(n: int, rebase: Sequence[int] | None) -> np.ndarray:
    """0-based re-base group of each input position."""
    if rebase is None:
        return np.zeros(n, dtype=np.int64)
    positions = sorted({int(p) for p in rebase})
    if any(p < 1 or p >= n for p in positions):
        raise ValueError(f"rebase positions must be between 1 and {n - 1} (0-based input positions)")
    return np.searchsorted(np.array(positions, dtype=np.int64), np.arange(n), side="right")


def _signals(
    classified: _Classified,
    y: np.ndarray,
    segment: np.ndarray,
    positions: np.ndarray,
    trend_length: int,
) -> tuple[Signal, ...]:
    """Episodes of each rule (before precedence), as 1-based input positions, in order."""
    starts = np.ones(y.size, dtype=bool)
    starts[1:] = segment[1:] != segment[:-1]
    sides = classified.sides
    found: list[Signal] = []

    def add_blocks(rule: Rule, mask: np.ndarray, direction: str, lead: int = 0) -> None:
        position, length = _blocks(mask, starts)
        for begin in np.flatnonzero(position == 0):
            span = positions[begin - lead : begin + length[begin]]
            found.append(Signal(rule, direction, tuple(int(p) for p in span)))

    add_blocks(Rule.OUTSIDE_LIMITS, classified.outside & (sides > 0), "above")
    add_blocks(Rule.OUTSIDE_LIMITS, classified.outside & (sides < 0), "below")
    rising, falling = _steps(y, starts)
    for steps, direction in ((rising, "increasing"), (falling, "decreasing")):
        _, length = _blocks(steps, starts)
        # A block of qualifying steps starting at point b is a trend from point b - 1.
        add_blocks(
            Rule.TREND,
            (length >= trend_length - 1) & classified.assessed,
            direction,
            lead=1,
        )
    for side, direction in ((1, "above"), (-1, "below")):
        cluster: list[int] = []
        for index in np.flatnonzero(classified.two_in_three & (sides == side)):
            if cluster and (index - cluster[-1] > 2 or starts[cluster[-1] + 1 : index + 1].any()):
                found.append(
                    Signal(
                        Rule.TWO_IN_THREE,
                        direction,
                        tuple(int(positions[i]) for i in cluster),
                    )
                )
                cluster = []
            cluster.append(int(index))
        if cluster:
            found.append(
                Signal(
                    Rule.TWO_IN_THREE,
                    direction,
                    tuple(int(positions[i]) for i in cluster),
                )
            )
    add_blocks(Rule.RUN, classified.run & (sides > 0), "above")
    add_blocks(Rule.RUN, classified.run & (sides < 0), "below")
    return tuple(sorted(found, key=lambda signal: (signal.positions[0], signal.positions[-1])))


def analyse(
    values: Sequence[float | None],
    *,
    improvement: Polarity | str,
    target: float | None = None,
    screen_outliers: bool = True,
    baseline: int | None = None,
    rebase: Sequence[int] | None = None,
    run_length: int = 7,
    trend_length: int = 7,
) -> SPCResult:
    """Run an XmR chart analysis of one series, in time order.

    Missing values (None, NaN) are skipped: the rules run on the reported values only, in
    order, so a gap never breaks or extends a run by itself, and missing is never zero.
    `improvement` is "higher", "lower" or "neutral" (or a Polarity). `baseline=n` (n >= 12)
    fixes each group's mean and limits on its first n reported values. `rebase` lists
    0-based input positions where a new group with its own limits starts. Every group needs
    13 reported values for limits; a shorter group gets none and is not assessed. See
    `SPCResult` for the shape of the answer.
    """
    polarity = Polarity(improvement)
    _check_length("run_length", run_length)
    _check_length("trend_length", trend_length)
    if baseline is not None and (isinstance(baseline, bool) or int(baseline) != baseline or baseline < MIN_BASELINE):
        raise ValueError(f"baseline must be an integer of at least {MIN_BASELINE}, not {baseline!r}")
    values_all = _as_values(values)
    group_all = _group_of_positions(values_all.size, rebase)
    n_groups = int(group_all[-1]) + 1 if values_all.size else 1

    reported = ~np.isnan(values_all)
    positions = np.flatnonzero(reported) + 1
    y = values_all[reported]
    segment = group_all[reported]
    first_of_segment = np.searchsorted(segment, np.arange(n_groups))
    rank = np.arange(y.size) - first_of_segment[segment]
    use = rank < (y.size if baseline is None else baseline)
    classified = _classify(
        y,
        segment,
        n_groups,
        use,
        np.full(n_groups, _DIRECTION[polarity]),
        screen_outliers=screen_outliers,
        run_length=run_length,
        trend_length=trend_length,
    )

    mean, amr = classified.mean[group_all], classified.amr[group_all]
    point_type = np.full(values_all.size, None, dtype=object)
    point_type[reported] = _POINT_TYPE_OR_NONE[classified.point_type]
    # Points of an unassessed group have no mean, so no rule can fire on them.
    rule = np.full(values_all.size, None, dtype=object)
    rule[reported] = np.array(_RULES, dtype=object)[classified.rule]
    special = np.zeros(values_all.size, dtype=bool)
    special[reported] = classified.rule != _RULES.index(None)
    points = pd.DataFrame(
        {
            "value": values_all,
            "mean": mean,
            "lpl": mean - LIMIT_FACTOR * amr,
            "upl": mean + LIMIT_FACTOR * amr,
            "nlpl": mean - NEAR_FACTOR * amr,
            "nupl": mean + NEAR_FACTOR * amr,
            "special_cause": special,
            "point_type": pd.Series(point_type, dtype=object),
            "rule": pd.Series(rule, dtype=object),
            "group": group_all,
        }
    )

    variation: PointType | None = None
    assurance: Assurance | None = None
    if y.size and classified.assessed[-1]:
        variation = _POINT_TYPES[classified.point_type[-1]]
        latest = points.iloc[positions[-1] - 1]
        assurance = assurance_type(target, latest["lpl"], latest["upl"], polarity)
    return SPCResult(
        points=points,
        variation=variation,
        assurance=assurance,
        message=None if variation is not None else TOO_FEW_MESSAGE,
        signals=_signals(classified, y, segment, positions, trend_length),
    )


def analyse_many(
    frame: pd.DataFrame,
    *,
    improvement: Mapping[object, Polarity | str],
    target: Mapping[object, float | None] | None = None,
    screen_outliers: bool = True,
    run_length: int = 7,
    trend_length: int = 7,
) -> pd.DataFrame:
    """Run the `analyse` engine on many measures at once and summarise each measure.

    `frame` is long, with columns measure_id, period ('YYYY-MM', ordered as text) and value.
    Rows may be absent and values may be NaN; both are skipped, as in `analyse`. Each
    (measure_id, period) pair may appear once. `improvement` maps every measure_id to
    "higher", "lower" or "neutral"; `target` optionally maps measure_id to a target.
    Returns one row per measure_id (sorted), with n_points (reported values), mean, lpl,
    upl (NaN under 13 points), variation and assurance (None under 13 points). Baselines
    and re-basing are not offered here; use `analyse` for those.
    """
    missing_columns = {"measure_id", "period", "value"} - set(frame.columns)
    if missing_columns:
        raise ValueError(f"frame lacks columns: {sorted(missing_columns)}")
    _check_length("run_length", run_length)
    _check_length("trend_length", trend_length)
    measure_codes, measures = pd.factorize(frame["measure_id"], sort=True)
    period_codes, _ = pd.factorize(frame["period"], sort=True)
    if (measure_codes < 0).any() or (period_codes < 0).any():
        raise ValueError("frame has rows with a missing measure_id or period")
    order = np.lexsort((period_codes, measure_codes))
    ordered_measures, ordered_periods = measure_codes[order], period_codes[order]
    repeated = (ordered_measures[1:] == ordered_measures[:-1]) & (ordered_periods[1:] == ordered_periods[:-1])
    if repeated.any():
        raise ValueError("frame has more than one row for the same measure_id and period")

    measure_index = pd.Index(measures, name="measure_id")
    direction_series = measure_index.to_series().map(improvement).map(_DIRECTION)
    unknown = direction_series.isna()
    if unknown.any():
        raise ValueError(
            f"improvement must map every measure to 'higher', 'lower' or 'neutral'; "
            f"missing or invalid for: {list(measure_index[unknown])}"
        )
    direction = direction_series.to_numpy(dtype=np.int64)
    targets = np.full(len(measures), np.nan)
    if target is not None:
        targets = pd.to_numeric(measure_index.to_series().map(target)).to_numpy(dtype=float, na_value=np.nan)

    values = pd.to_numeric(frame["value"], errors="raise").to_numpy(dtype=float, na_value=np.nan)[order]
    if np.isinf(values).any():
        raise ValueError("values must be finite numbers or missing (NaN), not infinite")
    reported = ~np.isnan(values)
    y, segment = values[reported], ordered_measures[reported]
    n_segments = len(measures)
    classified = _classify(
        y,
        segment,
        n_segments,
        np.ones(y.size, dtype=bool),
        direction,
        screen_outliers=screen_outliers,
        run_length=run_length,
        trend_length=trend_length,
    )

    count = classified.count
    mean, amr = classified.mean, classified.amr
    lpl, upl = mean - LIMIT_FACTOR * amr, mean + LIMIT_FACTOR * amr
    latest_type = np.full(n_segments, _UNASSESSED)
    has_points = count > 0
    latest_type[has_points] = classified.point_type[np.cumsum(count)[has_points] - 1]
    variation = _POINT_TYPE_OR_NONE[latest_type]
    assurance = np.array(_ASSURANCES, dtype=object)[_assurance_codes(targets, lpl, upl, direction)]
    return pd.DataFrame(
        {
            "n_points": count,
            "mean": mean,
            "lpl": lpl,
            "upl": upl,
            "variation": pd.Series(variation, dtype=object, index=measure_index),
            "assurance": pd.Series(assurance, dtype=object, index=measure_index),
        },
        index=measure_index,
    )
