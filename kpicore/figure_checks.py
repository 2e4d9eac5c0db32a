"""The rules every submitted figure must pass, whichever way it came in.

``validate`` joins submitted figures with what decides whether they may be
written (the measure's unit, bounds and frequency, the current month, the
person's ownership, locked months) and checks them against
``schemas.SubmissionModel``. The submission flow calls it to build its report,
and ``store.record_figures`` calls it again inside its write transaction, so
no path writes a figure these rules refuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd
import pandera.pandas as pa

from kpicore.access import Account
from kpicore.periods import format_period, is_month, span_text, within
from kpicore.problems import Problem, problems_from
from kpicore.rules import Settings
from kpicore.vocab import Unit
from schemas import SubmissionModel

FIELDS = ["measure_id", "period", "value", "commentary", "performance_group"]
"""The columns of a figure: the long layout."""
_JOINED = [
    "unit", "lower_bound", "upper_bound", "frequency", "retired_from", "current_month", "owned", "locked",
    "needs_commentary",
]


def current_month(today: date | None = None) -> str:
    """The calendar month of ``today`` (default: the real today): no later month is accepted."""
    today = today or date.today()
    return format_period(today.year, today.month)


def validate(
    figures: pd.DataFrame,
    measures: pd.DataFrame,
    *,
    account: Account,
    locked_periods: Iterable[str] = (),
    today: date | None = None,
    needs_commentary: pd.Series | None = None,
    source: str = "submission",
    row_of: dict | None = None,
    settings: Settings = Settings(),
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check ``figures`` (the long layout, numbers already parsed); return the valid frame and every problem.

    ``row_of`` maps the frame's index to the row number the person sees.
    ``needs_commentary`` (aligned to ``figures``) marks figures that must carry
    commentary. Figures of measures not in ``measures`` are problems too, and so are
    figures beyond the limits of ``settings`` (``limit_problems``).
    """
    frame = figures.copy()
    for column in ("commentary", "performance_group"):
        if column not in frame:
            frame[column] = None
    frame = frame[FIELDS]
    rows = row_of or {i: int(i) + 2 for i in frame.index}
    catalogue = measures.set_index("measure_id")
    known = frame["measure_id"].isin(catalogue.index)
    problems = [
        Problem(source, rows.get(i), "measure_id", str(frame.at[i, "measure_id"]), "is not a measure of the catalogue")
        for i in frame.index[~known]
    ]
    frame = frame[known]
    joined = catalogue.reindex(frame["measure_id"].to_numpy())  # each figure's measure, by a hash join
    for column in ("unit", "lower_bound", "upper_bound", "frequency"):
        frame[column] = joined[column].to_numpy()
    retired = joined["retired_from"].to_numpy() if "retired_from" in joined else None
    frame["retired_from"] = pd.Series(retired, index=frame.index, dtype=object)
    frame["current_month"] = current_month(today)
    frame["owned"] = frame["measure_id"].isin([m for m in frame["measure_id"].unique() if account.may_submit(m)])
    locked = set(locked_periods) if not account.is_admin else set()
    frame["locked"] = frame["period"].isin(locked)
    frame["needs_commentary"] = (
        False if needs_commentary is None else needs_commentary.reindex(frame.index).fillna(False).astype(bool)
    )
    problems += limit_problems(frame, settings, source, rows)
    try:
        valid = SubmissionModel.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        found = [p for p in problems_from(errors, frame, source, row_of=rows) if p.column not in _JOINED]
        return frame[FIELDS].iloc[0:0], sorted(problems + found, key=_order)
    if problems:
        return frame[FIELDS].iloc[0:0], sorted(problems, key=_order)
    return valid[FIELDS], []


def limit_problems(frame: pd.DataFrame, settings: Settings, source: str, rows: dict) -> list[Problem]:
    """Figures beyond what any measure may hold, each naming the limit (``settings``):

    - a month outside ``first_year``-01 to ``last_year``-12 (by default 2000-01 to 2099-12);
    - a figure beyond plus or minus ``largest_figure`` (a thousand million), whatever its unit;
    - a count beyond plus or minus ``largest_count`` (ten million), as a whole number.

    ``frame`` has ``period``, ``value`` and the measure's ``unit``; a period that is not a month
    ``YYYY-MM`` and a value that is not a number are left to the schema's own checks.
    """
    problems = []
    outside = frame["period"].isin([p for p in frame["period"].unique() if is_month(p) and not within(p, settings.years)])
    for i in frame.index[outside]:
        problems.append(Problem(source, rows.get(i), "period", str(frame.at[i, "period"]),
                                f"is outside the months accepted ({span_text(settings.years)})"))
    value = pd.to_numeric(frame["value"], errors="coerce")
    count = frame["unit"] == Unit.COUNT
    figure_limit, count_limit = float(settings.largest_figure), int(settings.largest_count)
    for i in frame.index[count & (value.abs() > count_limit)]:
        problems.append(Problem(source, rows.get(i), "value", str(frame.at[i, "value"]),
                                f"is beyond the largest count accepted: a count must be a whole number from {-count_limit:,} to {count_limit:,}"))
    for i in frame.index[~count & (value.abs() > figure_limit)]:
        problems.append(Problem(source, rows.get(i), "value", str(frame.at[i, "value"]),
                                f"is beyond the largest figure accepted (from {-figure_limit:,.0f} to {figure_limit:,.0f})"))
    return problems


def _order(problem: Problem) -> tuple:
    return (problem.row or 0, problem.column or "", problem.message)
