"""Submitting figures: check, preview what would change, then write all or nothing.

The monthly form, the upload page and ``python -m kpicore import`` all go
through the same two steps:

1. ``plan_*`` reads and checks everything and returns a ``Plan``: every problem
   (row, column, value, what is allowed) or, when there is none, the preview of
   what would change: new figures, revised figures (old → new) and unchanged ones.
   Nothing is written.
2. ``commit`` writes a clean plan through ``store.record_figures``, which checks
   role, ownership, locks and the figures again inside its one transaction and
   refuses if any previewed figure changed in the meantime.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from kpicore import access, figure_checks, revisions, store
from kpicore.files import upload
from kpicore.periods import from_month_index, is_quarter_end, label, month_index
from kpicore.problems import Problem, ValidationFailed, listed
from kpicore.rules import evaluate, targets_in_force
from kpicore.snapshot import Snapshot
from kpicore.vocab import Band
from kpicore.workflows.preview import Previewed

WORSE = {Band.WORSE.value, Band.SIGNIFICANTLY_WORSE.value}
_DUPLICATE = "this measure and month appear more than once"
CHANGE_COLUMNS = [
    "row", "measure_id", "measure", "unit", "period", "status", "old_value", "value", "band",
    "old_commentary", "commentary", "old_performance_group", "performance_group",
]


@dataclass(frozen=True)
class Plan(Previewed):
    """What a submission would do, or why it cannot."""

    name: str
    source: str
    layout: str | None
    problems: list[Problem]
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    notes: list[str] = field(default_factory=list)
    locked: list[str] = field(default_factory=list)
    seen: store.Seen = field(default_factory=dict)
    """The version and value of every figure the preview showed (``store.record_figures`` refuses if one moved)."""
    today: date | None = None

    @property
    def needs_reason(self) -> bool:
        """A revision, or any change to a locked month, needs a reason."""
        return self.count("revised") > 0 or bool(self.locked)

    def summary(self) -> str:
        return self.summarised(("new", "revised", "unchanged"), "figure(s)")

    def by_month(self) -> pd.DataFrame:
        """How many figures of each month are ``new``, ``revised`` and ``unchanged`` (indexed by ``period``, in order)."""
        counts = pd.crosstab(self.changes["period"], self.changes["status"]) if len(self.changes) else None
        columns = ["new", "revised", "unchanged"]
        if counts is None:
            return pd.DataFrame(columns=columns, dtype=int)
        return counts.reindex(columns=columns, fill_value=0).sort_index().rename_axis(index="period", columns=None)


def bands_for(snapshot: Snapshot, figures: pd.DataFrame) -> pd.Series:
    """The band each figure would have once recorded (aligned to ``figures``), by ``rules.evaluate``."""
    if figures.empty:
        return pd.Series(dtype=str, index=figures.index)
    new = figures[["measure_id", "period", "value"]].drop_duplicates(["measure_id", "period"])
    keys = pd.MultiIndex.from_frame(new[["measure_id", "period"]])
    kept = snapshot.observations[
        ~pd.MultiIndex.from_frame(snapshot.observations[["measure_id", "period"]]).isin(keys)
    ][["measure_id", "period", "value"]]
    evaluated = evaluate(pd.concat([kept, new], ignore_index=True), snapshot.measures, snapshot.targets, snapshot.settings)
    band = evaluated.set_index(["measure_id", "period"])["band"]
    return pd.Series(
        band.reindex(pd.MultiIndex.from_frame(figures[["measure_id", "period"]])).to_numpy(), index=figures.index
    )


def plan(
    path: Path | str | None,
    parsed: upload.Parsed,
    *,
    user: str,
    source: str,
    today: date | None = None,
    require_commentary: bool = False,
    keep_blank: bool = True,
    seen: store.Seen | None = None,
) -> Plan:
    """Check parsed figures for ``user`` and preview what would change. Nothing is written.

    ``keep_blank``: a blank commentary or performance group keeps the recorded
    one (uploads); the form passes ``False`` because it shows them pre-filled.
    ``require_commentary``: a figure worse than target must carry commentary (the form).
    ``seen``: the versions the person was shown (the form's pre-filled fields): a figure recorded again
    since is refused first (``store.StaleFigures``, naming each), before any other problem; by default,
    the versions read now, which this preview shows. A viewer is refused outright (``PermissionDenied``).
    """
    account = store.account(path, user)
    access.require_submit(account, ())
    locks = set(store.locks(path)["period"])
    problems = list(parsed.problems)
    frame = parsed.figures.reset_index(drop=True)
    # Only the figures of the measures and months submitted are read (and those their bands look back over).
    snapshot, current = store.submission_view(path, frame[["measure_id", "period"]])
    current = current if len(frame) else None
    if seen is not None and current is not None:  # what the person was shown moved: told before any other problem
        if moved := store.moved_since(current, seen, zip(frame["measure_id"].tolist(), frame["period"].tolist())):
            raise store.StaleFigures(moved)
    if current is not None and len(current):
        existing = current.set_index(["measure_id", "period"])
        keys = pd.MultiIndex.from_frame(frame[["measure_id", "period"]])
        for column, given in (("commentary", "commentary_given"), ("performance_group", "group_given")):
            if keep_blank:
                recorded = pd.Series(existing[column].reindex(keys).to_numpy(), index=frame.index)
                frame[column] = frame[column].where(frame[given].astype(bool), recorded)
    band = bands_for(snapshot, frame)
    needs = band.isin(WORSE) & _changes(frame, current) if require_commentary else None
    valid, found = figure_checks.validate(
        frame[figure_checks.FIELDS], snapshot.measures, account=account, locked_periods=locks, today=today,
        needs_commentary=needs, source=parsed.name, row_of={i: i for i in frame.index}, settings=snapshot.settings,
    )
    problems += [_where(p, frame) for p in found]
    if problems:
        problems = listed(sorted(problems, key=_order), parsed.limits.max_problems, parsed.name)
        return Plan(parsed.name, source, parsed.layout, problems, notes=parsed.notes, today=today)
    if current is None:
        current = store.current_versions(path, valid)
    compared = revisions.compare_with_current(valid, current)
    names = snapshot.measures.set_index("measure_id")
    changes = compared.assign(
        row=frame.loc[compared.index, "row"],
        measure=names["name"].reindex(compared["measure_id"].to_numpy()).array,
        unit=names["unit"].reindex(compared["measure_id"].to_numpy()).array,
        band=band.loc[compared.index],
    )[CHANGE_COLUMNS]
    notes = list(parsed.notes)
    silent = changes[changes["band"].isin(WORSE) & changes["commentary"].isna() & (changes["status"] != "unchanged")]
    if len(silent):
        notes.append(
            f"{len(silent)} figure(s) worse than target have no commentary: consider saying what explains them "
            f"({', '.join(f'{m} {label(p)}' for m, p in zip(silent['measure_id'][:5], silent['period'][:5]))}"
            f"{', …' if len(silent) > 5 else ''})."
        )
    locked = sorted(set(changes.loc[changes["status"] != "unchanged", "period"].unique().tolist()) & locks)
    if seen is None:
        seen = store.seen_versions(current, valid)
    return Plan(parsed.name, source, parsed.layout, [], changes, notes, locked, seen, today)


def _changes(frame: pd.DataFrame, current: pd.DataFrame | None) -> pd.Series:
    """Which rows would change what is recorded (a figure left as it is needs nothing more)."""
    if current is None or current.empty:
        return pd.Series(True, index=frame.index)
    unique = frame[figure_checks.FIELDS].drop_duplicates(["measure_id", "period"])
    status = revisions.compare_with_current(unique, current).set_index(["measure_id", "period"])["status"]
    keys = pd.MultiIndex.from_frame(frame[["measure_id", "period"]])
    return pd.Series(status.reindex(keys).to_numpy() != "unchanged", index=frame.index)


def _where(problem: Problem, frame: pd.DataFrame) -> Problem:
    """A problem on a frame row, told as the file's row, column header and cell text."""
    if problem.row is None or problem.row not in frame.index:
        return problem
    line = frame.loc[problem.row]
    column, value = problem.column, problem.value
    if column == "value":
        column, value = line["value_column"], line["value_text"]
    elif column == "period":
        column, value = line["period_column"], line["period_text"]
    elif column == "measure_id":
        column, value = line["measure_column"], line["measure_text"]
    message = problem.message
    if message.startswith(_DUPLICATE):
        same = frame[(frame["measure_id"] == line["measure_id"]) & (frame["period"] == line["period"])]
        others = sorted({int(r) for r in same["row"]} - {int(line["row"])})
        message += f" (also row {', '.join(map(str, others))})" if others else ""
    return replace(problem, row=int(line["row"]), column=column, value=str(value), message=message)


def _order(problem: Problem) -> tuple:
    return (problem.row or 0, problem.column or "", problem.message)


def plan_file(
    path: Path | str | None, name: str, data: bytes, *, user: str, source: str = "upload", today: date | None = None,
    limits: upload.Limits = upload.UPLOAD_LIMITS, progress: Callable[[str], None] | None = None,
) -> Plan:
    """Read an uploaded CSV/XLSX within ``limits`` and plan it (the upload page; the CLI passes its own limits).
    ``progress`` is told, in a few words, when each step starts (the command line prints it on standard error)."""
    told = progress or (lambda _text: None)
    told(f"Reading {name} ({len(data) / 1e6:,.1f} MB)...")
    parsed = upload.read(name, data, store.catalogue_snapshot(path).measures, limits=limits)
    if parsed.problems and parsed.figures.empty:
        return Plan(name, source, parsed.layout, parsed.problems, notes=parsed.notes, today=today)
    told(f"Read {len(parsed.figures):,} figure(s); checking them and comparing with those recorded...")
    return plan(path, parsed, user=user, source=source, today=today)


def plan_form(
    path: Path | str | None,
    period: str,
    entries: pd.DataFrame,
    *,
    user: str,
    today: date | None = None,
    seen: store.Seen | None = None,
) -> Plan:
    """Plan what the monthly form holds: ``entries`` has ``measure_id, value`` (as typed),
    ``commentary, performance_group``, one row per measure shown, in form order. ``seen``: the
    version and value each field was filled from (``form_seen``), so a figure a colleague changed
    after the form was filled is refused at saving instead of being put back."""
    parsed = form_parsed(period, entries, store.catalogue_snapshot(path).measures)
    return plan(
        path, parsed, user=user, source="form", today=today, require_commentary=True, keep_blank=False, seen=seen
    )


def form_seen(rows: pd.DataFrame, period: str) -> store.Seen:
    """What the form's fields were filled from (``form_rows``): each measure's version and value for ``period``."""
    return {
        (measure_id, period): (None, None) if pd.isna(version) else (int(version), float(value))
        for measure_id, version, value in zip(rows["measure_id"], rows["version_id"], rows["value"])
    }


def form_parsed(period: str, entries: pd.DataFrame, measures: pd.DataFrame) -> upload.Parsed:
    """The form's entries as parsed figures: row ``n`` is the ``n``-th measure on the form."""
    names = measures.set_index("measure_id")
    parsed = upload.Parsed("form", layout="form")
    records = []
    for row, entry in enumerate(entries.itertuples(index=False), start=1):
        name = names.at[entry.measure_id, "name"]
        commentary, group, typed = (_text(entry.commentary), _text(entry.performance_group), _text(entry.value))
        value, percent, problem = upload.parse_number(typed or "")
        if problem is None and percent and names.at[entry.measure_id, "unit"] != "percent":
            problem = "is a percentage, but this measure is not: give the number without %"
        if problem is None and value is None and (commentary or group):
            problem = "is required when commentary or a performance group is given"
        if problem:
            parsed.problems.append(Problem("form", row, "value", typed or "", problem))
            continue
        if value is None:
            continue
        records.append({
            "row": row, "measure_column": "measure", "measure_text": name, "period_column": "month",
            "period_text": label(period), "value_column": "value", "value_text": typed,
            "measure_id": entry.measure_id, "period": period, "value": value, "percent": percent,
            "commentary": commentary, "performance_group": group, "commentary_given": True, "group_given": True,
        })
    parsed.figures = pd.DataFrame(records, columns=upload.FIGURE_COLUMNS)
    if not records and not parsed.problems:
        parsed.problems.append(Problem("form", None, None, "", "has no figures: enter at least one value"))
    return parsed


def _text(value: object) -> str | None:
    """Typed text, stripped; blank (or missing) as ``None``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value).strip() or None


def commit(
    path: Path | str | None, plan: Plan, *, user: str, reason: str | None = None, previewed: bool = True
) -> dict[str, int]:
    """Write a checked plan, all or nothing; raises ``ValidationFailed`` if it has problems or lacks a reason,
    and ``store.StaleFigures`` if a figure the person previewed moved since. ``previewed=False`` (the
    command line: nobody looked at a preview) compares with the current figures inside the write only."""
    if plan.problems:
        raise ValidationFailed(plan.problems)
    if plan.needs_reason and not (reason or "").strip():
        why = f"{plan.count('revised')} figure(s) would be revised" if plan.count("revised") else "the month is locked"
        raise ValidationFailed([Problem(plan.name, None, "reason", "", f"a reason is required: {why}")])
    figures = plan.changes[figure_checks.FIELDS]
    return store.record_figures(
        path, figures, user=user, source=plan.source, reason=reason, seen=plan.seen if previewed else None,
        today=plan.today,
    )


def form_rows(snapshot: Snapshot, measure_ids: list[str], period: str) -> pd.DataFrame:
    """What the form shows for each measure due in ``period``: the last figure before it, the target
    in force and what is recorded for ``period`` already (with its ``version_id``). Quarterly measures appear in quarter-end months;
    a measure retired at or before ``period`` does not appear."""
    active = snapshot.active_measures(period)
    measures = active.set_index("measure_id").loc[[m for m in measure_ids if m in set(active["measure_id"])]]
    if not is_quarter_end(period):
        measures = measures[measures["frequency"] != "quarterly"]
    observations = snapshot.observations
    before = observations[observations["period"] < period].sort_values("period").groupby("measure_id").tail(1)
    before = before.set_index("measure_id")
    now = observations[observations["period"] == period].set_index("measure_id")
    targets = targets_in_force(pd.DataFrame({"measure_id": measures.index, "period": period}), snapshot.targets)
    targets = targets.set_index("measure_id")
    return pd.DataFrame({
        "measure_id": measures.index,
        "measure": measures["name"].to_numpy(),
        "unit": measures["unit"].to_numpy(),
        "area_id": measures["area_id"].to_numpy(),
        "last_period": before["period"].reindex(measures.index).to_numpy(),
        "last_value": before["value"].reindex(measures.index).to_numpy(),
        "target": targets["target"].reindex(measures.index).to_numpy(),
        "tolerance": targets["tolerance"].reindex(measures.index).to_numpy(),
        "value": now["value"].reindex(measures.index).to_numpy(),
        "version_id": now["version_id"].reindex(measures.index).to_numpy(),
        "commentary": now["commentary"].reindex(measures.index).to_numpy(),
        "performance_group": now["performance_group"].reindex(measures.index).to_numpy(),
    })


def open_months(snapshot: Snapshot, today: date | None = None, back: int = 24) -> list[str]:
    """Months a figure may be given for, newest first: from the current month back past the
    earliest month with data or ``back`` months, whichever reaches further."""
    latest = month_index(figure_checks.current_month(today))
    earliest = latest - back
    if len(snapshot.observations):
        earliest = min(earliest, month_index(str(snapshot.observations["period"].min())))
    return [from_month_index(i) for i in range(latest, earliest - 1, -1)]


def next_due(snapshot: Snapshot, today: date | None = None) -> str:
    """The month after the latest with any figure (the next return), but not after the current month."""
    current = figure_checks.current_month(today)
    if not len(snapshot.observations):
        return current
    following = from_month_index(month_index(str(snapshot.observations["period"].max())) + 1)
    return min(following, current)


def form_preview(snapshot: Snapshot, period: str, entries: pd.DataFrame) -> pd.DataFrame:
    """For each measure on the form (indexed by ``measure_id``): the problem with what was typed,
    or the band the value would have, before anything is saved."""
    parsed = form_parsed(period, entries, snapshot.measures)
    out = pd.DataFrame(
        {"measure_id": entries["measure_id"].to_numpy(), "problem": None, "band": None},
        index=range(1, len(entries) + 1),
    )
    for problem in parsed.problems:
        if problem.row is not None:
            out.at[problem.row, "problem"] = problem.message
    if len(parsed.figures):
        out.loc[parsed.figures["row"].to_numpy(), "band"] = bands_for(snapshot, parsed.figures).to_numpy()
    return out.set_index("measure_id")
