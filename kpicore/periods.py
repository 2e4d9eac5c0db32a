"""Reporting periods: calendar months written ``YYYY-MM``.

A period is a plain string so that it sorts, compares and serialises without
surprises; these functions convert between it and month arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where it is used, so that the command line starts without it
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
FIRST_YEAR = 2000
LAST_YEAR = 2099
"""The months accepted by default: 2000-01 to 2099-12 (``rules.Settings.first_year`` and ``last_year``
change it for the figure checks). A two-digit year (``Nov-22``) always lands in this century."""
_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_period(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


class MonthOutOfRange(ValueError):
    """A readable month outside the months accepted: its message names them (``2000-01 to 2099-12``).

    A ``ValueError``, so every caller that refuses an unreadable month refuses this one too; a reader
    that words its own message for an unreadable month can catch this first and show this one."""


def span_text(years: tuple[int, int] = (FIRST_YEAR, LAST_YEAR)) -> str:
    """The months of ``years`` (first, last) in words: ``2000-01 to 2099-12``."""
    return f"{format_period(years[0], 1)} to {format_period(years[1], 12)}"


def is_month(text: object) -> bool:
    """Whether ``text`` is a month written ``YYYY-MM`` (a month 01 to 12, any year)."""
    return isinstance(text, str) and bool(_MONTH.match(text))


def within(period: str, years: tuple[int, int] = (FIRST_YEAR, LAST_YEAR)) -> bool:
    """Whether ``period`` is a month ``YYYY-MM`` of the years ``years`` (first, last, inclusive)."""
    return is_month(period) and format_period(years[0], 1) <= period <= format_period(years[1], 12)


def parse_period(text: object, *, years: tuple[int, int] = (FIRST_YEAR, LAST_YEAR)) -> str:
    """Return the ``YYYY-MM`` period of ``2022-11``, ``Nov-22``, ``Nov 2022`` or a date.

    Any day of a month maps to that month. Raises ``ValueError`` with the text
    when it is not one of these forms, or when the month is outside ``years``
    (first, last: by default 2000 to 2099), naming the months accepted.
    """
    period = _read_period(text)
    if not within(period, years):
        raise MonthOutOfRange(f"'{text}' is outside the months this dashboard accepts ({span_text(years)})")
    return period


def _read_period(text: object) -> str:
    if isinstance(text, (datetime, date)):  # a pandas Timestamp is a datetime
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


def label(period: object) -> str:
    """``2022-11`` as the council writes it: ``Nov-22``, for any year (``0000-01`` is ``Jan-00``).

    Anything stored that is not a month ``YYYY-MM`` is shown as it is (blank for none), never refused.
    """
    if period is None:
        return ""
    if not isinstance(period, str):
        import pandas as pd

        if pd.isna(period):
            return ""
    text = str(period)
    return f"{_ABBREVIATIONS[int(text[5:7]) - 1]}-{text[2:4]}" if is_month(text) else text


_PERIOD = re.compile(r"^\d{4}-\d{2}$")
MONTH_PATTERN = r"\d{4}-(?:0[1-9]|1[0-2])"
"""A month ``YYYY-MM`` (01 to 12), any year: the one pattern, for ``re`` and for pandas' ``str.fullmatch``."""
_MONTH = re.compile(f"^{MONTH_PATTERN}$")


def month_columns(columns: Iterable[object]) -> list[str]:
    """The names among ``columns`` that are periods ``YYYY-MM`` (a scorecard's months), in their order."""
    return [c for c in columns if isinstance(c, str) and _PERIOD.match(c)]


def is_quarter_end(period: str) -> bool:
    return int(period[5:7]) in QUARTER_END_MONTHS
