"""Set-up and reading from the command line: ``init``, ``scorecard``, ``export``, ``backup`` and ``restore``."""

from __future__ import annotations

import argparse
import sys

from kpicore import store
from kpicore.cli.common import write_out
from kpicore.files import DATA_DIR
from kpicore.files.csv_writer import write_csv
from kpicore.periods import label
from kpicore.reports import scorecard


def _init(args: argparse.Namespace) -> None:
    done = store.initialise(args.db, args.data or DATA_DIR, force=args.force)
    if done.backup_note:
        print(done.backup_note)
    print(f"Created {args.db or store.default_path()}: " + ", ".join(f"{n} {name}" for name, n in done.counts.items()))


def _scorecard(args: argparse.Namespace) -> int | None:
    snapshot = store.load(args.db, scorecard.FIGURE_COLUMNS)
    if args.area and args.area not in set(snapshot.areas["area_id"]):
        print(f"unknown area '{args.area}'; areas: {', '.join(snapshot.areas['area_id'])}", file=sys.stderr)
        return 2
    table = scorecard.build(snapshot, args.period, args.months, args.area)
    if args.format == "csv":
        write_out(write_csv(table), args.output)
    else:
        period = args.period or scorecard.latest_period(snapshot)
        units = snapshot.measures.set_index("measure_id")["unit"]
        from kpicore.files.excel import scorecard_xlsx  # xlsxwriter: only for a workbook

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
    "restore": _restore,
}
