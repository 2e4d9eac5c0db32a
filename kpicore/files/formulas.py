"""Neutralising spreadsheet formula injection in text cells (DESIGN.md 7, OWASP CSV injection).

Every file the product writes for people to open in a spreadsheet (CSV, Excel,
templates) passes its text through ``neutralise_formulas``; this is its one home.
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula, at the start of a cell or of a line in it."""

_LINE_START = re.compile(r"(?:^|\r\n|\r|\n)(?=[=+\-@\t\r'])")
"""Where a line starts (the text's start, or just after a CRLF, a lone CR or a lone LF) with a
formula character or an apostrophe."""
_QUOTED_LINE_START = re.compile(r"(?:^|\r\n|\r|\n)'")
"""A line start followed by the ``'`` the neutraliser puts there."""


def neutralise_formula(value: object) -> object:
    """A text with a ``'`` put at the start of every line that begins with ``= + - @``, a tab, a
    carriage return or a ``'``; anything else (numbers, ``None``) as it is.

    Precisely: a *line start* is the start of the text and the position just after each line break
    (CRLF counted as one break, a lone CR, a lone LF). At every line start whose next character is
    in ``FORMULA_STARTS`` or is ``'``, one ``'`` is inserted; nothing else changes. So
    ``"ok\\r=cmd"`` becomes ``"ok\\r'=cmd"`` and ``"'quoted"`` becomes ``"''quoted"``.

    The inverse is exact: remove one ``'`` from every line start where the text has one (every
    ``'`` found at a line start of a neutralised text was put there, because a line that began
    with ``'`` got a second one). Inserting a ``'`` never joins or splits a line break.
    """
    if isinstance(value, str):
        return _LINE_START.sub(lambda match: match[0] + "'", value)
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
    ``''=x`` as ``'=x``, ``ok\\r'=cmd`` as ``ok\\r=cmd`` (one ``'`` taken from every line start that has
    one). A text is unquoted only when the neutraliser would have quoted it exactly that way;
    anything else is returned as it is (``'plain`` stays ``'plain``). Every file read back (an upload,
    a targets file) passes its text cells through this, so an export imported again is unchanged."""
    if not isinstance(value, str) or "'" not in value:
        return value
    candidate = _QUOTED_LINE_START.sub(lambda match: match[0][:-1], value)
    return candidate if neutralise_formula(candidate) == value else value
