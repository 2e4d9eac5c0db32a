"""What every command shares: a month given as an argument, and writing a result to a file or the screen."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from kpicore.periods import parse_period
from kpicore.problems import ValidationFailed
from kpicore.workflows.preview import Previewed


def month_argument(text: str) -> str:
    """A month as ``argparse`` takes it: ``2022-11``, ``Nov-22`` or ``Nov 2022``; anything else is a usage error."""
    try:
        return parse_period(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def write_out(data: bytes, output: Path | None) -> None:
    """``data`` to ``output``, or to standard output."""
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)


def file_bytes(path: Path) -> bytes | None:
    """The file's bytes, or ``None`` after saying on standard error that there is no such file."""
    if not path.is_file():
        print(f"no file at {path}", file=sys.stderr)
        return None
    return path.read_bytes()


def preview_then_write(plan: Previewed, line: Callable, commit: Callable[[], dict], *, dry_run: bool) -> int:
    """Print a plan's notes, summary and one ``line(change)`` per row to write; then, unless ``dry_run``,
    ``commit()`` and print its counts (``new``, ``revised`` or ``changed``, ``unchanged``). A plan
    with problems raises ``ValidationFailed`` (exit 1, every problem printed)."""
    if not plan.ok:
        raise ValidationFailed(plan.problems)
    for note in plan.notes:
        print(f"Note: {note}")
    print(plan.summary())
    for change in plan.to_write.itertuples(index=False):
        print(f"  {change.status:8} {line(change)}")
    if dry_run:
        print("Dry run: nothing was written.")
        return 0
    counts = commit()
    changed = next(status for status in counts if status not in ("new", "unchanged"))
    print(f"Written: {counts['new']} new, {counts[changed]} {changed} ({counts['unchanged']} unchanged).")
    return 0
