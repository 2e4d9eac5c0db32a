"""Reporting periods: calendar months written ``YYYY-MM``.

A period is a plain string so that it sorts, compares and serialises without
surprises; these functions convert between it and month arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_MON_YY = re.compile(r"^\s*([A-Za-z]{3,9})[-\s]+(\d{2}|\d{4})\s*$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
QUARTER_END_MONTHS = (3, 6, 9, 12)


def format_period(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def parse_period(text: object) -> str:
    """Return the ``YYYY-MM`` period of ``2022-11``, ``Nov-22``, ``Nov 2022`` or a date.

    Any day of a month maps to that month. Raises ``ValueError`` with the text
    when it is not one of these forms.
    """
    if isinstance(text, (datetime, date, pd.Timestamp)):
        return format_period(text.year, text.month)
    raw = str(text)
    if match := _ISO.match(raw):
        year, month = int(match[1]), int(match[2])
    elif match := _MON_YY.match(raw):
        month = _MONTHS.get(match[1].lower(), 0)
        year = int(match[2]) + (2000 if len(match[2]) == 2 else 0)
    else:
        raise ValueError(f"'{raw}' is not a month (use 2022-11, Nov-22 or Nov 2022)")
    if not 1 <= month <= 12:
        raise ValueError(f"'{raw}' is not a month (use 2022-11, Nov-22 or Nov 2022)")
    return format_period(year, month)


def month_index(period: str) -> int:
    """Months since year 0, so that consecutive months differ by one."""
    year, month = int(period[:4]), int(period[5:7])
    return year * 12 + month - 1


def month_indices(periods: pd.Series) -> pd.Series:
    """``month_index`` of every period of a series, vectorised."""
    text = periods.astype(str)
    return text.str[:4].astype(int) * 12 + text.str[5:7].astype(int) - 1


def from_month_index(index: int) -> str:
    return format_period(index // 12, index % 12 + 1)


def shift(period: str, months: int) -> str:
    return from_month_index(month_index(period) + months)


def window(end: str, months: int) -> list[str]:
    """The ``months`` periods ending at ``end``, oldest first."""
    last = month_index(end)
    return [from_month_index(i) for i in range(last - months + 1, last + 1)]


def label(period: str) -> str:
    """``2022-11`` as the council writes it: ``Nov-22``."""
    return datetime(int(period[:4]), int(period[5:7]), 1).strftime("%b-%y")


_PERIOD = re.compile(r"^\d{4}-\d{2}$")


def month_columns(columns: Iterable[object]) -> list[str]:
    """The names among ``columns`` that are periods ``YYYY-MM`` (a scorecard's months), in their order."""
    return [c for c in columns if isinstance(c, str) and _PERIOD.match(c)]


def is_quarter_end(period: str) -> bool:
    return int(period[5:7]) in QUARTER_END_MONTHS
