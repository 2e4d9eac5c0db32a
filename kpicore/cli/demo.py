"""``python -m kpicore demo``: a synthetic database at any size (``kpicore.files.demo``), for benchmarks
and for trying the app at scale. It is made like the shipped one: validated, then written in one step."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from kpicore import store
from kpicore.cli.common import month_argument
from kpicore.figure_checks import current_month
from kpicore.files.dataset import write_dataset
from kpicore.files.demo import demo_dataset
from kpicore.periods import from_month_index, month_index


def _count(low: int, high: int):
    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number} is outside {low:,} to {high:,}")
        return number
    return parse


def add_parsers(commands) -> None:
    demo = commands.add_parser("demo", help="create a synthetic database for benchmarks and trying the app at scale")
    demo.add_argument("--measures", type=_count(1, 20_000), default=84, help="measures (default 84)")
    demo.add_argument("--months", type=_count(1, 600), default=36, help="months of history (default 36)")
    demo.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same data (default 1)")
    demo.add_argument("--end", type=month_argument, help="last month with figures (default: last month)")
    demo.add_argument("--force", action="store_true", help="replace an existing database")


def _demo(args: argparse.Namespace) -> None:
    end = args.end or from_month_index(month_index(current_month()) - 1)
    tables = demo_dataset(args.measures, args.months, args.seed, end)
    with tempfile.TemporaryDirectory() as folder:
        write_dataset(tables, Path(folder))
        done = store.initialise(args.db, Path(folder), force=args.force)
    if done.backup_note:
        print(done.backup_note)
    print(
        f"Created a demo database at {args.db or store.default_path()} (seed {args.seed}, months to {end}): "
        + ", ".join(f"{n:,} {name}" for name, n in done.counts.items())
    )


COMMANDS = {"demo": _demo}
