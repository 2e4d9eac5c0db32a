"""Turn validation failures into problems a data owner can act on.

Every problem names the file (or form), the row as the person sees it (the
header is row 1, so the first data row is row 2), the column, the value found,
and what is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

# A cross-column check fails on a whole row; this says which column a person must fix.
_CHECK_COLUMN = {
    "tolerance_on_worse_side": "tolerance",
    "tolerance_needs_a_target": "tolerance",
    "value_or_label": "value",
    "within_bounds": "value",
    "whole_count": "value",
    "bounds_in_order": "upper_bound",
    "not_in_future": "period",
    "before_retirement": "period",
    "reporting_month": "period",
    "one_figure_per_measure_month": "measure_id",
    "owned": "measure_id",
    "unlocked": "period",
    "commentary_when_worse": "commentary",
}

_CHECK_MESSAGE = {
    "tolerance_on_worse_side": (
        "the tolerance must lie on the worse side of the target "
        "(below it when higher is better, above it when lower is better)"
    ),
    "tolerance_needs_a_target": "a tolerance needs a target: give the target, or leave both blank to end the target",
    "value_or_label": "give a comparator value, a label, or both",
    "known": "is not known: use the id of an existing one (see the catalogue)",
    "within_bounds": "is outside the measure's allowed range",
    "whole_count": "a count must be a whole number",
    "bounds_in_order": "the upper bound must be above the lower bound",
    "finite": "must be a finite number",
    "not_nullable": "is required",
    "multiple_fields_uniqueness": "appears more than once",
    "field_uniqueness": "appears more than once",
    "column_in_dataframe": "this column is missing",
    "column_in_schema": "this column is not expected",
    "not_in_future": "is a month that has not happened yet: figures are accepted up to the current month",
    "before_retirement": "is on or after the month this measure was retired from: no figure is expected (an administrator can reinstate it)",
    "reporting_month": "is not a reporting month of this quarterly measure: it reports for Mar, Jun, Sep and Dec only",
    "one_figure_per_measure_month": (
        "this measure and month appear more than once: give one figure per measure and month"
    ),
    "owned": (
        "you do not own this measure: you can submit only for your own measures "
        "(an administrator can add it to them)"
    ),
    "unlocked": "this month is signed off and locked: only an administrator can change it, giving a reason",
    "commentary_when_worse": "commentary is required when the value is worse than target: say what explains it",
}


EXCERPT_CHARS = 80
_CONTROL_PICTURES = {code: 0x2400 + code for code in range(32)} | {0x7F: 0x2421}


def excerpt(text: object, chars: int = EXCERPT_CHARS) -> str:
    """A value for a message: at most ``chars`` characters (``…`` and the length past that), control
    characters and line breaks shown as symbols (``␛``, ``␊``) so a message stays on one line and is never
    read by a terminal."""
    text = str(text)
    short = text[:chars].translate(_CONTROL_PICTURES)
    return short if len(text) <= chars else f"{short}… ({len(text)} characters)"


def listed(problems: list[Problem], most: int, source: str) -> list[Problem]:
    """At most ``most`` problems, then one counting the rest: a file with 200,000 bad rows is told in a page."""
    if len(problems) <= most:
        return problems
    rest = len(problems) - most
    return problems[:most] + [Problem(source, None, None, "", (
        f"and {rest} more problems (only the first {most} are listed): correct these and submit again to see the rest"
    ))]


class ValidationFailed(ValueError):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Problem:
    source: str
    row: int | None
    column: str | None
    value: str
    message: str

    def __post_init__(self) -> None:
        """The value as a message shows it (``excerpt``): a 10,000-character cell is never echoed whole."""
        object.__setattr__(self, "value", excerpt(self.value))

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}"
        found = f" '{self.value}'" if self.value not in ("", "nan", "None") else ""
        return f"{where}:{found} {self.message}"


def numbers_or_problems(
    frame: pd.DataFrame, columns: list[str], source: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert ``columns`` to numbers; every non-blank cell that is not one is a problem.

    Rows with such a cell are dropped from the returned frame, so that later
    checks neither crash on text nor report the same cell twice.
    """
    frame = frame.copy()
    problems, bad_rows = [], set()
    for column in [c for c in columns if c in frame.columns]:
        text = frame[column]
        numbers = pd.to_numeric(text, errors="coerce")
        for index in text.index[numbers.isna() & text.notna() & (text.astype(str).str.strip() != "")]:
            problems.append(Problem(source, int(index) + 2, column, str(text[index]), "must be a number"))
            bad_rows.add(index)
        frame[column] = numbers
    return frame.drop(index=sorted(bad_rows)), problems


def _message(check: str) -> str:
    if check in _CHECK_MESSAGE:
        return _CHECK_MESSAGE[check]
    if match := re.match(r"isin\((.*)\)", check):
        return f"must be one of {match[1]}"
    if match := re.match(r"str_length\((\w+), (\w+)\)", check):
        return f"is too long: at most {match[2]} characters"
    if check.startswith("str_matches"):
        return "is not in the expected form (ids: lower-case letters, digits, hyphens; months: YYYY-MM)"
    if check.startswith("coerce_dtype") or check.startswith("dtype"):
        return "must be a number" if "float" in check or "int" in check else f"has the wrong type ({check})"
    if match := re.match(r"(greater_than_or_equal_to|less_than_or_equal_to|greater_than|less_than)\((.*)\)", check):
        words = {
            "greater_than_or_equal_to": "at least",
            "less_than_or_equal_to": "at most",
            "greater_than": "more than",
            "less_than": "less than",
        }
        return f"must be {words[match[1]]} {match[2]}"
    return f"fails the check {check}"


def problems_from(
    errors: pa.errors.SchemaErrors,
    frame: pd.DataFrame,
    source: str,
    row_of: dict | None = None,
) -> list[Problem]:
    """One problem per failing (row, column, check), in row order.

    ``row_of`` maps the frame's index to the row number the person sees; by
    default the index is a 0-based data row and the header is row 1.
    """
    problems: dict[tuple, Problem] = {}
    for case in errors.failure_cases.itertuples(index=False):
        check = str(case.check)
        column = _CHECK_COLUMN.get(check, case.column)
        if case.index is None or pd.isna(case.index):
            row = None
            value = "" if check.startswith("column_in") else str(case.failure_case)
            if check.startswith("column_in"):
                column = str(case.failure_case)
        else:
            row = (row_of or {}).get(case.index, int(case.index) + 2)
            value = (
                str(frame.at[case.index, column])
                if column in frame.columns and case.index in frame.index
                else str(case.failure_case)
            )
        message = _message(check)
        if check == "within_bounds" and row is not None:
            lower, upper = (
                pd.to_numeric(frame.at[case.index, bound], errors="coerce") for bound in ("lower_bound", "upper_bound")
            )
            allowed = f"{'no minimum' if pd.isna(lower) else f'{lower:g}'} to {'no maximum' if pd.isna(upper) else f'{upper:g}'}"
            message = f"is outside the measure's allowed range ({allowed})"
        key = (row, column, check)
        problems.setdefault(key, Problem(source, row, column, value, message))
    return sorted(problems.values(), key=lambda p: (p.row or 0, p.column or ""))
