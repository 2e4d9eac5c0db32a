"""``python -m kpicore``: the command line for set-up, automation and scheduled jobs.

Every command uses the same functions as the pages; the database is ``--db``,
else ``KPI_DB``, else ``data/kpi.sqlite``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from kpicore import store
from kpicore.access import PermissionDenied
from kpicore.files.csv_writer import write_csv
from kpicore.files.dataset import DATA_DIR
from kpicore.files.excel import scorecard_xlsx
from kpicore.periods import label, parse_period
from kpicore.problems import ValidationFailed
from kpicore.reports import returns, scorecard
from kpicore.vocab import Role
from kpicore.workflows import submission


def _period(text: str) -> str:
    try:
        return parse_period(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kpicore", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database file (default: $KPI_DB or data/kpi.sqlite)")
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create the database and load the shipped dataset")
    init.add_argument("--force", action="store_true", help="replace an existing database")
    init.add_argument("--data", type=Path, default=DATA_DIR, help="dataset folder (default: data/)")

    card = commands.add_parser("scorecard", help="write the scorecard, as the scorecard page's download")
    card.add_argument("--period", type=_period, help="last month of the window (default: latest with data)")
    card.add_argument("--months", type=int, default=13, help="months in the window (default 13)")
    card.add_argument("--area", help="only this thematic area (its id)")
    card.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    card.add_argument("--output", type=Path, help="file to write (default: standard output)")

    export = commands.add_parser("export", help="write all current figures in the long layout")
    export.add_argument("--format", choices=["csv"], default="csv")
    export.add_argument("--output", type=Path, help="file to write (default: standard output)")

    backup = commands.add_parser("backup", help="make a consistent copy of the live database")
    backup.add_argument("file", type=Path)
    _data_entry_parsers(commands)
    return parser


def _data_entry_parsers(commands) -> None:
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
        action.add_argument("period", type=_period)
        action.add_argument("--reason", required=True)
    commands.add_parser("locks", help="list the locked months")

    rebase = commands.add_parser("rebase", parents=[user], help="start a new SPC period for a measure (admins)")
    rebase.add_argument("measure_id")
    rebase.add_argument("period", type=_period, help="first month of the new SPC period")
    rebase.add_argument("--reason", required=True)
    rebase.add_argument("--remove", action="store_true", help="remove the re-base at this month instead")

    chase = commands.add_parser("returns", help="measures still missing a month's figure, with owners (CSV)")
    chase.add_argument("--period", type=_period, help="the month (default: the month after the latest with data)")
    chase.add_argument("--output", type=Path, help="file to write (default: standard output)")

    versions = commands.add_parser("history", help="every version of the figures, newest first (CSV)")
    versions.add_argument("--measure", help="one measure (its id)")
    versions.add_argument("--period", type=_period, help="one month")
    versions.add_argument("--output", type=Path, help="file to write (default: standard output)")


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit code is 0 done, 1 bad input (nothing written), 2 bad arguments, 3 not allowed."""
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args) or 0
    except ValidationFailed as failure:
        print(f"Refused: {len(failure.problems)} problem(s), nothing was written.", file=sys.stderr)
        for problem in failure.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (FileExistsError, FileNotFoundError) as error:
        print(error, file=sys.stderr)
        return 1
    except PermissionDenied as error:
        print(f"Not allowed: {error}. Nothing was written.", file=sys.stderr)
        return 3
    except (store.StaleFigures, ValueError, KeyError) as error:
        print(f"Refused: {str(error).strip(chr(39))}. Nothing was written.", file=sys.stderr)
        return 1


def _init(args: argparse.Namespace) -> None:
    done = store.initialise(args.db, args.data, force=args.force)
    if done.backup_note:
        print(done.backup_note)
    print(f"Created {args.db or store.default_path()}: " + ", ".join(f"{n} {name}" for name, n in done.counts.items()))


def _scorecard(args: argparse.Namespace) -> int | None:
    snapshot = store.load(args.db)
    if args.area and args.area not in set(snapshot.areas["area_id"]):
        print(f"unknown area '{args.area}'; areas: {', '.join(snapshot.areas['area_id'])}", file=sys.stderr)
        return 2
    table = scorecard.build(snapshot, args.period, args.months, args.area)
    if args.format == "csv":
        _write(write_csv(table), args.output)
    else:
        period = args.period or scorecard.latest_period(snapshot)
        units = snapshot.measures.set_index("measure_id")["unit"]
        _write(scorecard_xlsx(table, units, f"Scorecard as at {label(period)}"), args.output)
    return None


def _users(args: argparse.Namespace) -> None:
    if args.action == "list":
        _write(write_csv(store.users(args.db)), None)
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
    _write(write_csv(table.assign(period=period)), args.output)


def _import(args: argparse.Namespace) -> int:
    """Check a file, print the report or the preview, and write it unless ``--dry-run``."""
    if not args.file.is_file():
        print(f"no file at {args.file}", file=sys.stderr)
        return 1
    plan = submission.plan_file(args.db, args.file.name, args.file.read_bytes(), user=args.user, source="cli")
    if not plan.ok:
        raise ValidationFailed(plan.problems)
    for note in plan.notes:
        print(f"Note: {note}")
    print(plan.summary())
    for change in plan.to_write.itertuples(index=False):
        old = "" if pd.isna(change.old_value) else f"{change.old_value:g} -> "
        print(f"  {change.status:8} {change.measure_id} {change.period}: {old}{change.value:g}")
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 0
    counts = submission.commit(args.db, plan, user=args.user, reason=args.reason)
    print(f"Written: {counts['new']} new, {counts['revised']} revised ({counts['unchanged']} unchanged).")
    return 0


COMMANDS = {
    "init": _init,
    "scorecard": _scorecard,
    "export": lambda args: _write(write_csv(store.export_observations(args.db)), args.output),
    "backup": lambda args: print(f"Backed up to {store.backup(args.file, args.db)}"),
    "import": _import,
    "users": _users,
    "lock": _lock_or_unlock,
    "unlock": _lock_or_unlock,
    "locks": lambda args: _write(write_csv(store.locks(args.db)), None),
    "rebase": _rebase,
    "returns": _returns,
    "history": lambda args: _write(
        write_csv(store.history(args.db, measure_id=args.measure, period=args.period)), args.output
    ),
}
"""Each command's function: it prints or writes its result and returns an exit code (``None`` is 0)."""
