"""``python -m kpicore``: the command line for set-up, automation and scheduled jobs.

Every command uses the same functions as the pages; the database is ``--db``,
else ``KPI_DB``, else ``data/kpi.sqlite``. The commands are in ``common`` (shared),
``data_entry`` and ``catalogue``; set-up and the scorecard are here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpicore import store
from kpicore.access import PermissionDenied
from kpicore.cli import catalogue as catalogue_commands
from kpicore.cli import data_entry, demo
from kpicore.cli.common import month_argument, write_out
from kpicore.files.csv_writer import write_csv
from kpicore.files.dataset import DATA_DIR
from kpicore.files.excel import scorecard_xlsx
from kpicore.periods import label
from kpicore.problems import ValidationFailed
from kpicore.reports import scorecard


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kpicore", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database file (default: $KPI_DB or data/kpi.sqlite)")
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create the database and load the shipped dataset")
    init.add_argument("--force", action="store_true", help="replace an existing database")
    init.add_argument("--data", type=Path, default=DATA_DIR, help="dataset folder (default: data/)")

    card = commands.add_parser("scorecard", help="write the scorecard, as the scorecard page's download")
    card.add_argument("--period", type=month_argument, help="last month of the window (default: latest with data)")
    card.add_argument("--months", type=int, default=13, help="months in the window (default 13)")
    card.add_argument("--area", help="only this thematic area (its id)")
    card.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    card.add_argument("--output", type=Path, help="file to write (default: standard output)")

    export = commands.add_parser("export", help="write all current figures in the long layout")
    export.add_argument("--format", choices=["csv"], default="csv")
    export.add_argument("--output", type=Path, help="file to write (default: standard output)")

    backup = commands.add_parser("backup", help="make a consistent copy of the live database")
    backup.add_argument("file", type=Path)
    data_entry.add_parsers(commands)
    catalogue_commands.add_parsers(commands)
    demo.add_parsers(commands)
    return parser


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
        write_out(write_csv(table), args.output)
    else:
        period = args.period or scorecard.latest_period(snapshot)
        units = snapshot.measures.set_index("measure_id")["unit"]
        write_out(scorecard_xlsx(table, units, f"Scorecard as at {label(period)}"), args.output)
    return None


COMMANDS = {
    "init": _init,
    "scorecard": _scorecard,
    "export": lambda args: write_out(write_csv(store.export_observations(args.db)), args.output),
    "backup": lambda args: print(f"Backed up to {store.backup(args.file, args.db)}"),
    **data_entry.COMMANDS,
    **catalogue_commands.COMMANDS,
    **demo.COMMANDS,
}
"""Each command's function: it prints or writes its result and returns an exit code (``None`` is 0)."""
