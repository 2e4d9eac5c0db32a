"""Data entry from the command line: ``import``, ``users``, ``lock``/``unlock``/``locks``, ``rebase``,
``returns`` and ``history``."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from kpicore import store
from kpicore.cli.common import file_bytes, write_out
from kpicore.files.csv_writer import write_csv
from kpicore.files.upload.limits import COMMAND_LINE_LIMITS
from kpicore.periods import label
from kpicore.problems import ValidationFailed
from kpicore.reports import returns
from kpicore.workflows import submission


def _users(args: argparse.Namespace) -> None:
    if args.action == "list":
        write_out(write_csv(store.users(args.db)), None)
    elif args.action == "add":
        store.save_user(args.db, args.email, role=args.role, name=args.name, user=args.user)
        print(f"Saved {args.email} as {args.role}")
    elif args.action == "remove":
        store.remove_user(args.db, args.email, user=args.user)
        print(f"Removed {args.email}")
    else:
        mode = "add" if args.action == "own" else "remove"
        owned = store.set_measures(args.db, args.email, args.measure_ids, user=args.user, mode=mode)
        print(f"{args.email} owns {len(owned)} measure(s): {', '.join(owned) or 'none'}")


def _lock_or_unlock(args: argparse.Namespace) -> None:
    getattr(store, args.command)(args.db, args.period, user=args.user, reason=args.reason)
    print(f"{label(args.period)} {args.command}ed")


def _rebase(args: argparse.Namespace) -> None:
    change = store.remove_rebase if args.remove else store.rebase
    change(args.db, args.measure_id, args.period, user=args.user, reason=args.reason)
    print(f"{'Removed the' if args.remove else 'Recorded a'} re-base of {args.measure_id} at {label(args.period)}")


def _returns(args: argparse.Namespace) -> None:
    snapshot = store.load(args.db)
    period = args.period or submission.next_due(snapshot)
    table = returns.outstanding(snapshot, store.owners(args.db), period)
    write_out(write_csv(table.assign(period=period)), args.output)


SHOWN = 20
"""An import of up to this many changes lists each; a larger one is summarised by month (or by year)."""
BY_YEAR_AFTER = 24
"""An import covering more months than this is counted by year."""
PROGRESS_BYTES = 1_000_000
"""A file at least this large has its steps told on standard error as they start."""


def _import(args: argparse.Namespace) -> int:
    """Check a file, print the summary (or every change), and write it unless ``--dry-run``."""
    if (data := file_bytes(args.file)) is None:
        return 1
    progress = _progress if len(data) >= PROGRESS_BYTES else None
    plan = submission.plan_file(
        args.db, args.file.name, data, user=args.user, source="cli", limits=COMMAND_LINE_LIMITS, progress=progress,
    )
    if not plan.ok:
        raise ValidationFailed(plan.problems)
    for note in plan.notes:
        print(f"Note: {note}")
    print(plan.summary())
    _summary(plan, full=args.full)
    if args.preview:
        write_out(write_csv(plan.changes), args.preview)
        print(f"The preview of every figure ({len(plan.changes):,}) is in {args.preview}.")
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 0
    if progress:
        progress(f"Writing {len(plan.to_write):,} figure(s) in one transaction...")
    counts = submission.commit(args.db, plan, user=args.user, reason=args.reason, previewed=False)
    # Nobody looked at a preview: the figures are compared with the current ones inside the write.
    print(f"Written: {counts['new']} new, {counts['revised']} revised ({counts['unchanged']} unchanged).")
    return 0


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _summary(plan: submission.Plan, *, full: bool) -> None:
    """Each change (up to ``SHOWN``, or all with ``--full``); else the measures and months covered and the
    counts by month (by year past ``BY_YEAR_AFTER`` months), and how to see every change."""
    changes = plan.to_write
    if full or len(changes) <= SHOWN:
        for change in changes.itertuples(index=False):
            print(f"  {change.status:8} {_line(change)}")
        return
    months = plan.by_month()
    span = label(months.index[0]) + (f" to {label(months.index[-1])}" if len(months) > 1 else "")
    print(f"{plan.changes['measure_id'].nunique():,} measure(s), {len(months):,} month(s): {span}.")
    if len(months) > BY_YEAR_AFTER:
        months = months.groupby(months.index.str[:4]).sum()
    for when, row in months.iterrows():
        shown = when if len(when) == 4 else label(when)
        print(f"  {shown:>6}: {row['new']:>9,} new {row['revised']:>9,} revised {row['unchanged']:>9,} unchanged")
    print("Every figure: --full lists them here, --preview FILE writes them as CSV.")


def _line(change) -> str:
    old = "" if pd.isna(change.old_value) else f"{change.old_value:g} -> "
    return f"{change.measure_id} {change.period}: {old}{change.value:g}"


COMMANDS = {
    "import": _import,
    "users": _users,
    "lock": _lock_or_unlock,
    "unlock": _lock_or_unlock,
    "locks": lambda args: write_out(write_csv(store.locks(args.db)), None),
    "rebase": _rebase,
    "returns": _returns,
    "history": lambda args: write_out(
        write_csv(store.history(args.db, measure_id=args.measure, period=args.period)), args.output
    ),
}
