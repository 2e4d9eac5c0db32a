"""``python -m kpicore demo``: a synthetic database at any size (``kpicore.files.demo``), for benchmarks
and for trying the app at scale. It is made like the shipped one: validated, then written in one step."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from kpicore import store
from kpicore.figure_checks import current_month
from kpicore.files.dataset import write_dataset
from kpicore.files.demo import demo_dataset
from kpicore.periods import from_month_index, month_index


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
