"""``python -m kpicore``: the command line for set-up, automation and scheduled jobs.

Every command uses the same functions as the pages; the database is ``--db``,
else ``KPI_DB``, else ``data/kpi.sqlite``. The commands are in ``common`` (shared),
``data_entry`` and ``catalogue``; set-up, the scorecard, backup and restore are here,
and ``errors`` turns every failure into a message and an exit code (``EXIT``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpicore import store
from kpicore.cli import catalogue as catalogue_commands
from kpicore.cli import data_entry, demo
from kpicore.cli.common import month_argument, months_argument, write_out
from kpicore.cli.errors import EXIT, reported
from kpicore.files.csv_writer import write_csv
from kpicore.files.dataset import DATA_DIR
from kpicore.files.excel import scorecard_xlsx
from kpicore.periods import label
from kpicore.reports import scorecard

__all__ = ["EXIT", "main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kpicore", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database file (default: $KPI_DB or data/kpi.sqlite)")
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create the database and load the shipped dataset")
    init.add_argument("--force", action="store_true", help="replace an existing database")
    init.add_argument("--data", type=Path, default=DATA_DIR, help="dataset folder (default: data/)")

    card = commands.add_parser("scorecard", help="write the scorecard, as the scorecard page's download")
    card.add_argument("--period", type=month_argument, help="last month of the window (default: latest with data)")
    card.add_argument("--months", type=months_argument, default=13, help="months in the window, 1 to 120 (default 13)")
    card.add_argument("--area", help="only this thematic area (its id)")
    card.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    card.add_argument("--output", type=Path, help="file to write (default: standard output)")

    export = commands.add_parser("export", help="write all current figures in the long layout")
    export.add_argument("--format", choices=["csv"], default="csv")
    export.add_argument("--output", type=Path, help="file to write (default: standard output)")

    backup = commands.add_parser("backup", help="make a consistent copy of the live database")
    backup.add_argument("file", type=Path)
    backup.add_argument("--force", action="store_true", help="replace the file if it exists")

    restore = commands.add_parser("restore", help="put a backup back in place of the live database (admins)")
    restore.add_argument("file", type=Path, help="a backup made by `backup` (or by init or restore)")
    restore.add_argument("--user", default=store.LOCAL_ADMIN, help=f"who is acting (default {store.LOCAL_ADMIN})")
    data_entry.add_parsers(commands)
    catalogue_commands.add_parsers(commands)
    demo.add_parsers(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code (the README lists them too):

    - 0 done;
    - 1 bad input: a file or value refused, every problem printed; nothing was written;
    - 2 bad arguments (argparse's usage message);
    - 3 not allowed: the person may not do this at all; nothing was written;
    - 4 busy: another change held the database for longer than ``KPI_BUSY_TIMEOUT`` seconds
      (default 30); nothing was written; try again;
    - 5 something unexpected went wrong: a short message with a reference; the details (the
      traceback) are only in the log, ``KPI_LOG`` or ``kpicore.log`` beside the database.
    """
    args = _parser().parse_args(argv)
    with reported(args.db) as outcome:
        outcome.code = COMMANDS[args.command](args) or 0
    return outcome.code


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
        write_out(write_csv(table), args.output)
    else:
        period = args.period or scorecard.latest_period(snapshot)
        units = snapshot.measures.set_index("measure_id")["unit"]
        write_out(scorecard_xlsx(table, units, f"Scorecard as at {label(period)}"), args.output)
    return None


def _restore(args: argparse.Namespace) -> None:
    done = store.restore(args.file, user=args.user, path=args.db)
    print(f"Backed up the database as it was to {done.backup} before restoring.")
    if done.upgraded:
        print(f"The file was upgraded from an earlier release ({len(done.upgraded)} migration(s): "
              f"{', '.join(done.upgraded)}) on a copy; {args.file} itself is unchanged.")
    held = ", ".join(f"{n} {what}" for what, n in done.counts.items())
    print(f"Restored {args.file}: {held}. The restore is recorded in the administrators' log.")


COMMANDS = {
    "init": _init,
    "scorecard": _scorecard,
    "export": lambda args: write_out(write_csv(store.export_observations(args.db)), args.output),
    "backup": lambda args: print(f"Backed up to {store.backup(args.file, args.db, force=args.force)}"),
    "restore": lambda args: _restore(args),
    **data_entry.COMMANDS,
    **catalogue_commands.COMMANDS,
    **demo.COMMANDS,
}
"""Each command's function: it prints or writes its result and returns an exit code (``None`` is 0)."""
