"""Series laid end to end: input values, series-start flags and blocks of consecutive points.

The rules and the engine work on one flat array holding one or more independent series
(measures, or re-based groups of one measure). A `starts` array is True where a series
begins, so that nothing runs from one series into the next.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def as_values(values: Sequence[float | None]) -> np.ndarray:
    """Float array with NaN for missing (None, NaN, pd.NA); infinities are rejected."""
    y = pd.array(list(values), dtype="Float64").to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(y).any():
        raise ValueError("values must be finite numbers or missing (None/NaN), not infinite")
    return y


def check_length(name: str, length: int) -> None:
    """Reject a run or trend length that is not an integer of at least 2."""
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 2:
        raise ValueError(f"{name} must be an integer of at least 2, not {length!r}")


def starts_or_default(starts: np.ndarray | None, n: int) -> np.ndarray:
    """Series-start flags, defaulting to a single series; position 0 always starts one."""
    flags = np.zeros(n, dtype=bool) if starts is None else np.array(starts, dtype=bool, copy=True)
    if flags.shape != (n,):
        raise ValueError(f"starts must have the same length as the data ({n}), not {flags.shape}")
    if n:
        flags[0] = True
    return flags


def segment_starts(segment: np.ndarray) -> np.ndarray:
    """Series-start flags of points labelled by a non-decreasing segment number."""
    starts = np.ones(segment.size, dtype=bool)
    starts[1:] = segment[1:] != segment[:-1]
    return starts


def blocks(mask: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def steps(values: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each point is strictly above / below the one before it in the same series."""
    rising = np.zeros(values.size, dtype=bool)
    falling = np.zeros(values.size, dtype=bool)
    rising[1:] = (values[1:] > values[:-1]) & ~starts[1:]
    falling[1:] = (values[1:] < values[:-1]) & ~starts[1:]
    return rising, falling
