"""The number in a cell: typed (``77.6``, ``77.6%``) or from Excel, refused when it could be read two ways."""

from __future__ import annotations

import re
from datetime import date, datetime

from kpicore.files.upload.cells import Number, Yearless, shown
from kpicore.files.upload.limits import UPLOAD_LIMITS
from kpicore.files.upload.parsed import Parsed, add_problem
from kpicore.vocab import Unit

# ASCII digits only (``\d`` would take Arabic-Indic or full-width digits, which ``float`` reads), and
# possessive quantifiers: no backtracking, so the time taken grows with the text's length, not its square.
_PLAIN_NUMBER = re.compile(r"[+-]?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)(?:[eE][+-]?+[0-9]++)?+")
_NOT_FINITE = {"nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def parse_number(text: str, *, max_chars: int = UPLOAD_LIMITS.max_number_chars) -> tuple[float | None, bool, str | None]:
    """``(value, percent, problem)`` of a typed number: ``77.6`` or ``77.6%``; blank is no figure.

    Digits are ASCII ``0-9`` only; a text longer than ``max_chars`` (spaces around it aside) is refused
    before it is looked at."""
    raw = str(text).replace("\u00a0", " ").strip()
    if raw == "":
        return None, False, None
    if len(raw) > max_chars:
        return None, False, (
            f"is {len(raw)} characters long: a number has at most {max_chars} characters (max_number_chars)"
        )
    percent = raw.endswith("%")
    core = raw[:-1].strip() if percent else raw
    if core.lower() in _NOT_FINITE:
        return None, percent, "is not a figure (NaN or infinity): give a finite number, or leave the cell blank"
    if "," in core or " " in core:
        return None, percent, (
            "is ambiguous (a thousands separator or a decimal comma?): write the number with a full stop "
            "for decimals and no separators, e.g. 1234.5 or 77.6"
        )
    if not _PLAIN_NUMBER.fullmatch(core):
        return None, percent, "must be a number, e.g. 77.6 or 77.6%"
    value = float(core)
    if value in (float("inf"), float("-inf")):
        return None, percent, "is too large to be a figure: give a finite number"
    return value, percent, None


def _number_in(cell: object) -> tuple[float | None, bool, str | None]:
    """``(value, percent, problem)`` of any cell: an Excel number, a date (refused) or typed text."""
    if isinstance(cell, Number):
        return cell.value, cell.percent, None
    if isinstance(cell, (datetime, date, Yearless)):
        return None, False, "is a date, not a number"
    if isinstance(cell, bool):
        return None, False, "must be a number, e.g. 77.6 or 77.6%"
    return parse_number(str(cell))


def read_figure(parsed: Parsed, row: int, column: str, cell: object, unit: str) -> dict | None:
    """The value of a cell, or ``None`` after recording its problem."""
    value, percent, problem = _number_in(cell)
    if problem is None and percent and unit != Unit.PERCENT:
        problem = f"is a percentage, but this measure is a {Unit(unit).label.lower()}: give the number without %"
    if problem:
        add_problem(parsed, row, column, shown(cell), problem)
        return None
    return {"value_column": column, "value_text": shown(cell), "value": value, "percent": percent}
