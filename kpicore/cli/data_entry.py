"""Data entry from the command line: ``import``, ``users``, ``lock``/``unlock``/``locks``, ``rebase``,
``returns`` and ``history``."""

from __future__ import annotations

import argparse

import pandas as pd

from kpicore import store
from kpicore.cli.common import file_bytes, preview_then_write, write_out
from kpicore.files.csv_writer import write_csv
from kpicore.files.upload.limits import COMMAND_LINE_LIMITS
from kpicore.periods import label
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


def _import(args: argparse.Namespace) -> int:
    """Check a file, print the report or the preview, and write it unless ``--dry-run``."""
    if (data := file_bytes(args.file)) is None:
        return 1
    plan = submission.plan_file(args.db, args.file.name, data, user=args.user, source="cli", limits=COMMAND_LINE_LIMITS)

    def line(change) -> str:
        old = "" if pd.isna(change.old_value) else f"{change.old_value:g} -> "
        return f"{change.measure_id} {change.period}: {old}{change.value:g}"

    # Nobody looked at a preview: the figures are compared with the current ones inside the write.
    commit = lambda: submission.commit(args.db, plan, user=args.user, reason=args.reason, previewed=False)  # noqa: E731
    return preview_then_write(plan, line, commit, dry_run=args.dry_run)


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
