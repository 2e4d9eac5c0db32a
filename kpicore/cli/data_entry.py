"""Data entry from the command line: ``import``, ``users``, ``lock``/``unlock``/``locks``, ``rebase``,
``returns`` and ``history``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from kpicore import store
from kpicore.cli.common import file_bytes, month_argument, preview_then_write, write_out
from kpicore.files.csv_writer import write_csv
from kpicore.files.upload.limits import COMMAND_LINE_LIMITS
from kpicore.periods import label
from kpicore.reports import returns
from kpicore.vocab import Role
from kpicore.workflows import submission


def add_parsers(commands) -> None:
    """``import``, ``users``, ``lock``/``unlock``/``locks``, ``returns`` and ``history``."""
    user = argparse.ArgumentParser(add_help=False)
    user.add_argument("--user", default=store.LOCAL_ADMIN, help=f"who is acting (default {store.LOCAL_ADMIN})")

    load = commands.add_parser("import", parents=[user], help="validate and load a CSV/XLSX of figures, all or nothing")
    load.add_argument("file", type=Path)
    load.add_argument("--dry-run", action="store_true", help="check and preview only; write nothing")
    load.add_argument("--reason", help="why figures are revised (required to revise a figure or change a locked month)")

    people = commands.add_parser("users", help="list and manage users and the measures they own (admins)")
    actions = people.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every user, role and owned measures")
    add = actions.add_parser("add", parents=[user], help="register a user or change their role")
    add.add_argument("email")
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.add_argument("--name")
    remove = actions.add_parser("remove", parents=[user], help="remove a user and their ownership")
    remove.add_argument("email")
    for verb, text in (("own", "give a user these measures"), ("disown", "take these measures from a user")):
        action = actions.add_parser(verb, parents=[user], help=text)
        action.add_argument("email")
        action.add_argument("measure_ids", nargs="+", metavar="MEASURE_ID")

    for verb, text in (("lock", "lock a signed-off month (admins)"), ("unlock", "unlock a month (admins)")):
        action = commands.add_parser(verb, parents=[user], help=text)
        action.add_argument("period", type=month_argument)
        action.add_argument("--reason", required=True)
    commands.add_parser("locks", help="list the locked months")

    rebase = commands.add_parser("rebase", parents=[user], help="start a new SPC period for a measure (admins)")
    rebase.add_argument("measure_id")
    rebase.add_argument("period", type=month_argument, help="first month of the new SPC period")
    rebase.add_argument("--reason", required=True)
    rebase.add_argument("--remove", action="store_true", help="remove the re-base at this month instead")

    chase = commands.add_parser("returns", help="measures still missing a month's figure, with owners (CSV)")
    chase.add_argument("--period", type=month_argument, help="the month (default: the month after the latest with data)")
    chase.add_argument("--output", type=Path, help="file to write (default: standard output)")

    versions = commands.add_parser("history", help="every version of the figures, newest first (CSV)")
    versions.add_argument("--measure", help="one measure (its id)")
    versions.add_argument("--period", type=month_argument, help="one month")
    versions.add_argument("--output", type=Path, help="file to write (default: standard output)")


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
