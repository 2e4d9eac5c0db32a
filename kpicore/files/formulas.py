"""Neutralising spreadsheet formula injection in text cells (DESIGN.md 7, OWASP CSV injection).

Every file the product writes for people to open in a spreadsheet (CSV, Excel,
templates) passes its text through ``neutralise_formulas``; this is its one home.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula."""


def neutralise_formula(value: object) -> object:
    """A text starting with ``= + - @``, a tab or a carriage return, prefixed with ``'``; anything else as it is."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised. Numbers stay numbers, negative ones included."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(neutralise_formula)
    return frame


def restore_formula(value: object) -> object:
    """What ``neutralise_formula`` was given, from what it wrote: ``'=SUM(1)`` read back as ``=SUM(1)``,
    ``''=x`` as ``'=x``. A text is unquoted only when the neutraliser would have quoted it that way;
    anything else is returned as it is (``'plain`` stays ``'plain``). Every file read back (an upload,
    a targets file) passes its text cells through this, so an export imported again is unchanged."""
    if isinstance(value, str) and value[:1] == "'" and neutralise_formula(value[1:]) == value:
        return value[1:]
    return value
