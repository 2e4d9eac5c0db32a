"""What the commands share once they run: reading a file given, a targets or comparators preview, and writing a
result to a file or the screen (a month argument is ``arguments.month_argument``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kpicore.workflows.preview import Previewed

PREVIEW_LINES = 100
"""A targets or comparators preview lists this many changes, then counts the rest (``import`` of figures
prints its own summary: ``data_entry``)."""


def write_out(data: bytes, output: Path | None) -> None:
    """``data`` to ``output``, or to standard output; a place that cannot be written is refused."""
    if output is None:
        sys.stdout.buffer.write(data)
        return
    if output.is_dir():
        raise ValueError(f"{output} is a folder: give a file name")
    try:
        output.write_bytes(data)
    except OSError as error:
        raise ValueError(f"cannot write {output}: {error.strerror or error}") from None


def file_bytes(path: Path, max_bytes: int | None = None) -> bytes | None:
    """The file's bytes, or ``None`` after saying on standard error that there is no such file.

    A file larger than ``max_bytes`` on disk (by default the command line's limit) is refused before
    any of it is read."""
    from kpicore.files.upload.limits import COMMAND_LINE_LIMITS, MB  # the reader's package: only when a file is read

    max_bytes = COMMAND_LINE_LIMITS.max_file_bytes if max_bytes is None else max_bytes
    if not path.is_file():
        print(f"no file at {path}", file=sys.stderr)
        return None
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(
            f"{path.name} is {size / MB:,.0f} MB; a file may be at most {max_bytes / MB:,.0f} MB "
            "(split it into smaller files)"
        )
    return path.read_bytes()


def preview_then_write(plan: Previewed, line: Callable, commit: Callable[[], dict], *, dry_run: bool) -> int:
    """Print a plan's notes, summary and one ``line(change)`` per row to write; then, unless ``dry_run``,
    ``commit()`` and print its counts (``new``, ``revised`` or ``changed``, ``unchanged``). A plan
    with problems raises ``ValidationFailed`` (exit 1, every problem printed)."""
    from kpicore.problems import ValidationFailed
    if not plan.ok:
        raise ValidationFailed(plan.problems)
    for note in plan.notes:
        print(f"Note: {note}")
    print(plan.summary())
    for change in plan.to_write.head(PREVIEW_LINES).itertuples(index=False):
        print(f"  {change.status:8} {line(change)}")
    if len(plan.to_write) > PREVIEW_LINES:
        print(f"  ... and {len(plan.to_write) - PREVIEW_LINES:,} more")
    if dry_run:
        print("Dry run: nothing was written.")
        return 0
    counts = commit()
    changed = next(status for status in counts if status not in ("new", "unchanged"))
    print(f"Written: {counts['new']} new, {counts[changed]} {changed} ({counts['unchanged']} unchanged).")
    return 0
