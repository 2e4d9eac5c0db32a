"""What a file holds once read: its figures, one row each with where it came from, its problems and notes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kpicore.problems import Problem

FIGURE_COLUMNS = [
    "row", "measure_column", "measure_text", "period_column", "period_text", "value_column", "value_text",
    "measure_id", "period", "value", "percent", "commentary", "performance_group", "commentary_given", "group_given",
]


@dataclass
class Parsed:
    """What a file holds: figures (one row each, with where they came from), problems and notes."""

    name: str
    layout: str | None = None
    figures: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FIGURE_COLUMNS))
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def add_problem(parsed: Parsed, row: int | None, column: str | None, value: str, message: str) -> None:
    """Record a problem with the file, at the row and column the person sees in their spreadsheet."""
    parsed.problems.append(Problem(parsed.name, row, column, value, message))
