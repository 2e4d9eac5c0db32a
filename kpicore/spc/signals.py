"""Signals: the episodes of special cause each rule found, for the written explanation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kpicore.spc.engine import Classified
from kpicore.spc.series import blocks, segment_starts, steps
from kpicore.spc.vocabulary import Rule


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
            noun = f"Point {first} is" if count == 1 else f"Points {join_numbers(self.positions)} are"
            return f"{noun} {self.direction} the {limit} process limit"
        if self.rule is Rule.TREND:
            return f"{self.direction.capitalize()} trend of {count} points ending at point {last} (from point {first})"
        if self.rule is Rule.TWO_IN_THREE:
            return f"Two of three points close to the {limit} process limit: points {join_numbers(self.positions)}"
        return f"Run of {count} points {self.direction} the mean ending at point {last} (from point {first})"


def join_numbers(numbers: Sequence[int]) -> str:
    """'3', '3 and 5', '3, 4 and 5'."""
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _clusters(indices: np.ndarray, starts: np.ndarray) -> list[list[int]]:
    """Two-in-three points grouped into episodes: a new one after a gap of more than two or a series start."""
    clusters: list[list[int]] = []
    for index in indices:
        last = clusters[-1][-1] if clusters else None
        if last is None or index - last > 2 or starts[last + 1 : index + 1].any():
            clusters.append([])
        clusters[-1].append(int(index))
    return clusters


def find_signals(
    classified: Classified,
    y: np.ndarray,
    segment: np.ndarray,
    positions: np.ndarray,
    trend_length: int,
) -> tuple[Signal, ...]:
    """Episodes of each rule (before precedence), as 1-based input positions, in order."""
    starts = segment_starts(segment)
    sides = classified.sides
    found: list[Signal] = []

    def add_blocks(rule: Rule, mask: np.ndarray, direction: str, lead: int = 0) -> None:
        position, length = blocks(mask, starts)
        for begin in np.flatnonzero(position == 0):
            span = positions[begin - lead : begin + length[begin]]
            found.append(Signal(rule, direction, tuple(int(p) for p in span)))

    add_blocks(Rule.OUTSIDE_LIMITS, classified.outside & (sides > 0), "above")
    add_blocks(Rule.OUTSIDE_LIMITS, classified.outside & (sides < 0), "below")
    rising, falling = steps(y, starts)
    for moves, direction in ((rising, "increasing"), (falling, "decreasing")):
        _, length = blocks(moves, starts)
        # A block of qualifying steps starting at point b is a trend from point b - 1.
        add_blocks(Rule.TREND, (length >= trend_length - 1) & classified.assessed, direction, lead=1)
    for side, direction in ((1, "above"), (-1, "below")):
        for cluster in _clusters(np.flatnonzero(classified.two_in_three & (sides == side)), starts):
            found.append(Signal(Rule.TWO_IN_THREE, direction, tuple(int(positions[i]) for i in cluster)))
    add_blocks(Rule.RUN, classified.run & (sides > 0), "above")
    add_blocks(Rule.RUN, classified.run & (sides < 0), "below")
    return tuple(sorted(found, key=lambda signal: (signal.positions[0], signal.positions[-1])))
