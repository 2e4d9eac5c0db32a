"""What a cell holds (text, a number from Excel, a date) and how the person sees it, for messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from kpicore.periods import parse_period

Grid = list[tuple[int, list]]
"""A sheet's rows as ``(row number the person sees, cells)``."""
YEARLESS_PROBLEM = (
    "is a date without a year (Excel may have read 'Nov-22' as 22 November): "
    "type the month as text, e.g. 2022-11, or format the cell to show the year"
)


@dataclass(frozen=True)
class Number:
    """A numeric Excel cell; ``percent`` when its number format shows a percentage."""

    value: float
    percent: bool


@dataclass(frozen=True)
class Yearless:
    """A date cell whose format shows no year: Excel may have read ``Nov-22`` as 22 November."""

    value: datetime


def blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def all_blank(cells: list) -> bool:
    return all(blank(c) for c in cells)


def shown(cell: object) -> str:
    """A cell as the person sees it, for messages."""
    if cell is None:
        return ""
    if isinstance(cell, Number):
        return f"{cell.value:g}%" if cell.percent else f"{cell.value:g}"
    if isinstance(cell, Yearless):
        return cell.value.strftime("%d-%b")
    if isinstance(cell, (datetime, date)):
        return cell.strftime("%Y-%m-%d")
    return str(cell)


def header_name(cell: object) -> str:
    """A header cell as a column key: lower case, spaces and hyphens as underscores (``Measure ID``: ``measure_id``)."""
    return re.sub(r"[\s\-]+", "_", shown(cell).strip().lower())


def month(cell: object) -> str | None:
    """The month a header cell names (``2022-11``, ``Nov-22``, an Excel date), or ``None``."""
    if isinstance(cell, (datetime, date)):
        return parse_period(cell)
    if isinstance(cell, str):
        try:
            return parse_period(cell)
        except ValueError:
            return None
    return None


EXCERPT_CHARS = 80
_CONTROL_PICTURES = {code: 0x2400 + code for code in range(32)} | {0x7F: 0x2421}


def excerpt(text: object, chars: int = EXCERPT_CHARS) -> str:
    """A cell's text for a message: at most ``chars`` characters (``…`` and the length past that), control
    characters and line breaks shown as symbols (``␛``, ``␊``) so a message stays on one line and is never
    read by a terminal."""
    text = str(text)
    short = text[:chars].translate(_CONTROL_PICTURES)
    return short if len(text) <= chars else f"{short}… ({len(text)} characters)"


def column_letter(position: int) -> str:
    """The spreadsheet's name of the column at ``position`` (0 is ``A``, 26 is ``AA``), however far."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
