"""``python -m kpicore``: the command line for set-up, automation and scheduled jobs.

Every command uses the same functions as the pages; the database is ``--db``,
else ``KPI_DB``, else ``data/kpi.sqlite``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpicore import scorecard, store
from kpicore.dataset import DATA_DIR
from kpicore.excel import scorecard_xlsx
from kpicore.periods import label, parse_period
from kpicore.validation import ValidationFailed


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
    return parser


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "init":
            counts = store.initialise(args.db, args.data, force=args.force)
            print(
                f"Created {args.db or store.default_path()}: "
                + ", ".join(f"{n} {name}" for name, n in counts.items())
            )
        elif args.command == "scorecard":
            snapshot = store.load(args.db)
            if args.area and args.area not in set(snapshot.areas["area_id"]):
                print(f"unknown area '{args.area}'; areas: {', '.join(snapshot.areas['area_id'])}", file=sys.stderr)
                return 2
            table = scorecard.build(snapshot, args.period, args.months, args.area)
            if args.format == "csv":
                _write(scorecard.to_csv(table), args.output)
            else:
                period = args.period or scorecard.latest_period(snapshot)
                units = snapshot.measures.set_index("measure_id")["unit"]
                _write(scorecard_xlsx(table, units, f"Scorecard as at {label(period)}"), args.output)
        elif args.command == "export":
            frame = store.export_observations(args.db)
            _write(scorecard.to_csv_plain(frame), args.output)
        elif args.command == "backup":
            print(f"Backed up to {store.backup(args.file, args.db)}")
    except ValidationFailed as failure:
        print(f"Refused: {len(failure.problems)} problem(s), nothing was written.", file=sys.stderr)
        for problem in failure.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (FileExistsError, FileNotFoundError) as error:
        print(error, file=sys.stderr)
        return 1
    return 0
