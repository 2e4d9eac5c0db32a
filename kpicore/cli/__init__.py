"""``python -m kpicore``: the command line for set-up, automation and scheduled jobs.

Every command uses the same functions as the pages; the database is ``--db``,
else ``KPI_DB``, else ``data/kpi.sqlite``. The parser is ``arguments`` (light: ``--help``
and an argument error import nothing heavy); each command's function is in ``setup``
(set-up, the scorecard, backup and restore), ``data_entry``, ``catalogue`` or ``demo``,
imported only when that command runs; ``errors`` turns every failure into a message and
an exit code (``EXIT``).
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

from kpicore.cli.arguments import parser as _parser
from kpicore.cli.errors import EXIT, reported

__all__ = ["COMMANDS", "EXIT", "main"]


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


def _in(module: str) -> Callable[[argparse.Namespace], int | None]:
    """A command's function, found in ``kpicore.cli.<module>`` (and its heavy imports made) only when it runs."""

    def run(args: argparse.Namespace) -> int | None:
        return importlib.import_module(f"kpicore.cli.{module}").COMMANDS[args.command](args)

    return run


_MODULES = {
    "setup": ("init", "scorecard", "export", "backup", "restore"),
    "data_entry": ("import", "users", "lock", "unlock", "locks", "rebase", "returns", "history"),
    "catalogue": ("measures", "targets", "comparators", "catalogue"),
    "demo": ("demo",),
}
COMMANDS = {command: _in(module) for module, commands in _MODULES.items() for command in commands}
"""Each command's function: it prints or writes its result and returns an exit code (``None`` is 0)."""
