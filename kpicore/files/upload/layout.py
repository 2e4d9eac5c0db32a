"""Deciding the layout: long (period and value columns) or scorecard (a column per month)."""

from __future__ import annotations

from kpicore.files.upload.cells import excerpt
from kpicore.files.upload.header import Header
from kpicore.files.upload.parsed import Parsed, add_problem

LONG, SCORECARD = "long", "scorecard"


def decide_layout(parsed: Parsed, header: Header) -> bool:
    """Set ``parsed.layout`` from the header's columns; ``False`` (after recording why) when the rows cannot be read."""
    if "period" in header.columns or "value" in header.columns:
        readable = _long(parsed, header)
    elif header.months:
        readable = _scorecard(parsed, header)
    else:
        add_problem(
            parsed, header.row, None, "",
            "has neither period and value columns (long layout) nor any month column such as 2022-11 or Nov-22 "
            "(scorecard layout)",
        )
        return False
    if readable and header.ignored:
        parsed.notes.append(f"Columns not read: {_listed(header.ignored)}.")
    return readable


def _long(parsed: Parsed, header: Header) -> bool:
    """The long layout needs both period and value; month columns beside them are not read."""
    parsed.layout = LONG
    missing = [c for c in ("period", "value") if c not in header.columns]
    if missing:
        add_problem(
            parsed, header.row, missing[0], "",
            "this column is missing: the long layout needs measure_id (or measure), period and value",
        )
        return False
    if header.months:
        header.ignored += [shown for _, shown in header.months.values()]
    return True


def _scorecard(parsed: Parsed, header: Header) -> bool:
    """The scorecard layout reads no commentary or performance group: say so when those columns are there."""
    parsed.layout = SCORECARD
    for extra in ("commentary", "performance_group"):
        if extra in header.columns:
            parsed.notes.append(f"'{extra}' is read only in the long layout (one figure per row); it was not read.")
    return True


def _listed(names: list[str], most: int = 10) -> str:
    """Column headings for a note: the first ``most``, each a short excerpt, then how many more."""
    listed = ", ".join(excerpt(name, 40) for name in names[:most])
    return listed + (f" and {len(names) - most} more" if len(names) > most else "")
