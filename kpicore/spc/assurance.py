"""Assurance: whether a target is consistently passed, consistently failed, or hit and miss."""

from __future__ import annotations

import numpy as np

from kpicore.spc.vocabulary import ASSURANCE_CODES, Assurance
from kpicore.vocab import Polarity


def assurance_codes(target: np.ndarray, lpl: np.ndarray, upl: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Vectorised assurance: index into `ASSURANCE_CODES` (0 for no assurance)."""
    assessable = np.isfinite(target) & np.isfinite(lpl) & np.isfinite(upl) & (direction != 0)
    above = target > upl
    below = target < lpl
    pass_code = ASSURANCE_CODES.index(Assurance.CONSISTENT_PASS)
    fail_code = ASSURANCE_CODES.index(Assurance.CONSISTENT_FAIL)
    codes = np.select(
        [
            above & (direction > 0),
            above & (direction < 0),
            below & (direction > 0),
            below & (direction < 0),
        ],
        [fail_code, pass_code, pass_code, fail_code],
        default=ASSURANCE_CODES.index(Assurance.HIT_AND_MISS),
    )
    return np.where(assessable, codes, 0)


def assurance_type(target: float | None, lpl: float, upl: float, improvement: Polarity | str) -> Assurance | None:
    """Whether a target is consistently passed, consistently failed, or hit and miss.

    Higher is better: target above the upper limit fails consistently, target below the
    lower limit passes consistently, anything else (including a target exactly on a limit)
    is hit and miss; mirrored for lower is better. Returns None for a neutral measure, a
    missing (None/NaN) target, or missing limits.
    """
    direction = Polarity(improvement).sign
    code = assurance_codes(
        np.array([np.nan if target is None else target], dtype=float),
        np.array([lpl], dtype=float),
        np.array([upl], dtype=float),
        np.array([direction]),
    )[0]
    return ASSURANCE_CODES[code]
