"""How a command ends: every failure becomes a plain message on standard error and an exit code.

Expected refusals say what was wrong and that nothing was written. Anything unexpected becomes one
short message with a reference; its details (the traceback, which names files on the server) go
only to the log: ``KPI_LOG``, else ``kpicore.log`` beside the database.
"""

from __future__ import annotations

import os
import secrets
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kpicore.access import PermissionDenied

EXIT = {"done": 0, "bad input": 1, "bad arguments": 2, "not allowed": 3, "busy": 4, "unexpected": 5}
"""The exit codes of ``python -m kpicore`` (``main``'s docstring and the README say what each means)."""
LOG_NAME = "kpicore.log"


@dataclass
class Outcome:
    code: int = 0


def _problems(failure) -> tuple[str, int]:
    """A ``ValidationFailed``: every problem, one a line."""
    lines = [f"Refused: {len(failure.problems)} problem(s), nothing was written."]
    return "\n".join(lines + [f"  {problem}" for problem in failure.problems]), EXIT["bad input"]


def _refused(error: Exception) -> tuple[str, int]:
    return f"Refused: {str(error).strip(chr(39))}. Nothing was written.", EXIT["bad input"]


def expected() -> list[tuple[type | tuple[type, ...], Callable[[Exception], tuple[str, int]]]]:
    """Each expected failure, in order (the first that matches): its message and exit code.

    Built when a command has failed, so that starting the command line imports nothing heavy."""
    from kpicore import store
    from kpicore.problems import ValidationFailed

    return [
        (ValidationFailed, _problems),
        ((FileExistsError, FileNotFoundError), lambda error: (str(error), EXIT["bad input"])),
        (PermissionDenied, lambda error: (f"Not allowed: {error}. Nothing was written.", EXIT["not allowed"])),
        (store.Busy, lambda error: (f"Busy: {error}.", EXIT["busy"])),
        ((store.StaleFigures, ValueError, KeyError), _refused),
    ]



def log_path(db: Path | None) -> Path:
    """Where the details of an unexpected error go: ``KPI_LOG``, else ``kpicore.log`` beside the database."""
    from kpicore.store.database import default_path

    named = os.environ.get("KPI_LOG", "").strip()
    return Path(named) if named else Path(db or default_path()).parent / LOG_NAME


def _log(db: Path | None, reference: str) -> str:
    """Append the current exception's traceback to the log; where it went, or why it could not."""
    path = log_path(db)
    entry = (
        f"--- {datetime.now(UTC).isoformat(timespec='seconds')} reference {reference}\n"
        f"command: {' '.join(sys.argv)}\n{traceback.format_exc()}"
    )
    try:
        with path.open("a", encoding="utf-8") as log:
            log.write(entry)
    except OSError as error:
        return f"The details could not be written to {path} ({error.strerror or error})."
    return f"The details are in {path}."


def unexpected(db: Path | None, wrote: bool) -> tuple[str, int]:
    """The message for an unexpected error (its traceback logged, never printed)."""
    reference = secrets.token_hex(3).upper()
    saved = "a change was saved before it went wrong" if wrote else "nothing was written"
    return f"Something went wrong (reference {reference}); {saved}. {_log(db, reference)}", EXIT["unexpected"]


@contextmanager
def reported(db: Path | None) -> Iterator[Outcome]:
    """Run a command inside: its exit code is ``outcome.code``, or the code of the failure it raised
    (whose message is printed on standard error)."""
    from kpicore.store.database import commits

    outcome, before = Outcome(), commits()
    try:
        yield outcome
    except Exception as error:  # noqa: BLE001 - every failure ends as a message and an exit code
        handler = next((told for kinds, told in expected() if isinstance(error, kinds)), None)
        message, outcome.code = handler(error) if handler else unexpected(db, commits() != before)
        print(message, file=sys.stderr)
