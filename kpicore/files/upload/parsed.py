"""What a file holds once read: its figures, one row each with where it came from, its problems and notes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kpicore.files.upload.cells import excerpt
from kpicore.files.upload.limits import UPLOAD_LIMITS, Limits
from kpicore.problems import Problem

FIGURE_COLUMNS = [
    "row", "measure_column", "measure_text", "period_column", "period_text", "value_column", "value_text",
    "measure_id", "period", "value", "percent", "commentary", "performance_group", "commentary_given", "group_given",
]


@dataclass
class Parsed:
    """What a file holds: figures (one row each, with where they came from), problems and notes.

    ``limits`` are what the file was read within; past ``limits.max_problems`` problems are counted in
    ``unlisted``, not kept (``finish`` adds the count as a last problem)."""

    name: str
    layout: str | None = None
    figures: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FIGURE_COLUMNS))
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    limits: Limits = field(default=UPLOAD_LIMITS, repr=False)
    unlisted: int = 0


def add_problem(parsed: Parsed, row: int | None, column: str | None, value: str, message: str) -> None:
    """Record a problem with the file, at the row and column the person sees in their spreadsheet; the value
    and column heading as a short excerpt. Past the limit of problems listed, only counted."""
    if len(parsed.problems) >= parsed.limits.max_problems:
        parsed.unlisted += 1
        return
    shown_column = None if column is None else excerpt(column)
    parsed.problems.append(Problem(parsed.name, row, shown_column, excerpt(value), message))


def finish(parsed: Parsed) -> Parsed:
    """``parsed``, with a last problem counting those not listed (``and 300 more problems``)."""
    if parsed.unlisted:
        parsed.problems.append(Problem(parsed.name, None, None, "", (
            f"and {parsed.unlisted} more problems (only the first {parsed.limits.max_problems} are listed, "
            "max_problems): correct these and upload the file again to see the rest"
        )))
        parsed.unlisted = 0
    return parsed
