"""The command line's arguments: every command's parser, built from light modules only.

``python -m kpicore --help``, a command's ``--help`` and an argument error (exit 2) import nothing
heavy (no pandas, numpy, pandera, sqlite-utils, altair or openpyxl): a month argument is read by
``kpicore.periods`` and everything else here is the standard library, ``kpicore.access`` and
``kpicore.vocab``. Each command's function imports what it needs when it runs (``kpicore.cli.COMMANDS``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kpicore.access import LOCAL_ADMIN
from kpicore.periods import parse_period
from kpicore.vocab import Frequency, Polarity, Role, Unit

DESCRIPTION = "the command line for set-up, automation and scheduled jobs."
"""What ``--help`` says first."""

MONTHS = range(1, 121)
"""The scorecard's window: 1 to 120 months (ten years)."""


def month_argument(text: str) -> str:
    """A month as ``argparse`` takes it: ``2022-11``, ``Nov-22`` or ``Nov 2022``; anything else is a usage error."""
    try:
        return parse_period(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def months_argument(text: str) -> int:
    """A number of months as ``argparse`` takes it: a whole number from 1 to 120."""
    try:
        months = int(text)
    except ValueError:
        months = 0
    if months not in MONTHS:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of months from {MONTHS[0]} to {MONTHS[-1]}")
    return months


def count(low: int, high: int):
    """A whole number from ``low`` to ``high`` as ``argparse`` takes it."""

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number} is outside {low:,} to {high:,}")
        return number
    return parse


def optional_number(text: str) -> float | None:
    """A number, or ``none`` for no value (a bound removed)."""
    if text.strip().lower() in ("none", ""):
        return None
    try:
        return float(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number (or none)") from error


def parser() -> argparse.ArgumentParser:
    """Every command and its arguments (the README's command table)."""
    parser = argparse.ArgumentParser(prog="python -m kpicore", description=f"``python -m kpicore``: {DESCRIPTION}")
    parser.add_argument("--db", type=Path, help="database file (default: $KPI_DB or data/kpi.sqlite)")
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create the database and load the shipped dataset")
    init.add_argument("--force", action="store_true", help="replace an existing database")
    init.add_argument("--data", type=Path, help="dataset folder (default: the shipped data/)")

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
    restore.add_argument("--user", default=LOCAL_ADMIN, help=f"who is acting (default {LOCAL_ADMIN})")
    _data_entry(commands)
    _catalogue(commands)
    _demo(commands)
    return parser


def _data_entry(commands) -> None:
    """``import``, ``users``, ``lock``/``unlock``/``locks``, ``returns`` and ``history``."""
    user = argparse.ArgumentParser(add_help=False)
    user.add_argument("--user", default=LOCAL_ADMIN, help=f"who is acting (default {LOCAL_ADMIN})")

    load = commands.add_parser("import", parents=[user], help="validate and load a CSV/XLSX of figures, all or nothing")
    load.add_argument("file", type=Path)
    load.add_argument("--dry-run", action="store_true", help="check and preview only; write nothing")
    load.add_argument("--reason", help="why figures are revised (required to revise a figure or change a locked month)")
    load.add_argument("--full", action="store_true", help="list every figure to write (default: a summary by month)")
    load.add_argument("--preview", type=Path, metavar="CSV", help="also write the preview of every figure to this CSV file")

    people = commands.add_parser("users", help="list and manage users and the measures they own (admins)")
    actions = people.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every user, role and owned measures")
    add = actions.add_parser("add", parents=[user], help="register a user or change their role")
    add.add_argument("email")
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.add_argument("--name")
    remove = actions.add_parser("remove", parents=[user], help="remove a user and their ownership")
    remove.add_argument("email")
    for verb, text in (("own", "give a user these measures"), ("disown", "take these measures from a user")):
        action = actions.add_parser(verb, parents=[user], help=text)
        action.add_argument("email")
        action.add_argument("measure_ids", nargs="+", metavar="MEASURE_ID")

    for verb, text in (("lock", "lock a signed-off month (admins)"), ("unlock", "unlock a month (admins)")):
        action = commands.add_parser(verb, parents=[user], help=text)
        action.add_argument("period", type=month_argument)
        action.add_argument("--reason", required=True)
    commands.add_parser("locks", help="list the locked months")

    rebase = commands.add_parser("rebase", parents=[user], help="start a new SPC period for a measure (admins)")
    rebase.add_argument("measure_id")
    rebase.add_argument("period", type=month_argument, help="first month of the new SPC period")
    rebase.add_argument("--reason", required=True)
    rebase.add_argument("--remove", action="store_true", help="remove the re-base at this month instead")

    chase = commands.add_parser("returns", help="measures still missing a month's figure, with owners (CSV)")
    chase.add_argument("--period", type=month_argument, help="the month (default: the month after the latest with data)")
    chase.add_argument("--output", type=Path, help="file to write (default: standard output)")

    versions = commands.add_parser("history", help="every version of the figures, newest first (CSV)")
    versions.add_argument("--measure", help="one measure (its id)")
    versions.add_argument("--period", type=month_argument, help="one month")
    versions.add_argument("--output", type=Path, help="file to write (default: standard output)")


def _demo(commands) -> None:
    demo = commands.add_parser("demo", help="create a synthetic database for benchmarks and trying the app at scale")
    demo.add_argument("--measures", type=count(1, 20_000), default=84, help="measures (default 84)")
    demo.add_argument("--months", type=count(1, 600), default=36, help="months of history (default 36)")
    demo.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same data (default 1)")
    demo.add_argument("--end", type=month_argument, help="last month with figures (default: last month)")
    demo.add_argument("--force", action="store_true", help="replace an existing database")


def _catalogue(commands) -> None:
    """``measures``, ``targets``, ``comparators`` and ``catalogue``: the catalogue, changed by administrators."""
    writer = argparse.ArgumentParser(add_help=False)
    writer.add_argument("--user", default=LOCAL_ADMIN, help=f"who is acting (default {LOCAL_ADMIN})")
    writer.add_argument("--reason", required=True, help="why (recorded with the change)")
    _measures_parsers(commands, writer)
    _targets_parsers(commands, writer)

    actions, one = _dated_entries(
        commands, "comparators", "list, set and import comparators (admins)", "every comparator entry (CSV)",
        "a measure's comparator from a month", writer,
    )
    one.add_argument("--value", type=float, help="the comparator's figure, in the measure's unit")
    one.add_argument("--label", help='where it comes from ("England 2022-23"), or the comparator itself')
    _import_parser(actions, "comparators")
    _template_parser(actions, "comparators")

    book = commands.add_parser("catalogue", help="the catalogue's history, and the whole of it as a dataset")
    actions = book.add_subparsers(dest="action", required=True)
    log = actions.add_parser("history", help="every change to the catalogue, newest first (CSV)")
    log.add_argument("--measure", help="one measure (its id)")
    log.add_argument("--output", type=Path, help="file to write (default: standard output)")
    export = actions.add_parser("export", help="the catalogue and current figures in the data/ layout (for init --data)")
    export.add_argument("directory", type=Path, metavar="DIR")
    export.add_argument("--force", action="store_true", help="replace dataset files already in DIR")


def _measures_parsers(commands, writer: argparse.ArgumentParser) -> None:
    measures = commands.add_parser("measures", help="list, add, edit, retire and reinstate measures (admins)")
    actions = measures.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="every measure with what is in force at a month (CSV)")
    listing.add_argument("--period", type=month_argument, help="the month (default: the current month)")
    listing.add_argument("--output", type=Path, help="file to write (default: standard output)")

    add = actions.add_parser("add", parents=[writer], help="add a measure (at the end of the order)")
    add.add_argument("--id", dest="measure_id", required=True, help="stable id: lower-case letters, digits, hyphens")
    add.add_argument("--area", dest="area_id", required=True, help="its thematic area (id)")
    add.add_argument("--name", required=True)
    add.add_argument("--unit", choices=[u.value for u in Unit], required=True)
    add.add_argument("--polarity", choices=[p.value for p in Polarity], required=True)
    add.add_argument("--frequency", choices=[f.value for f in Frequency], required=True)
    add.add_argument("--killer", dest="killer_kpi", action="store_true", default=argparse.SUPPRESS, help="a killer KPI")
    _measure_numbers(add)

    edit = actions.add_parser("edit", parents=[writer], help="change a measure (only the options given)")
    edit.add_argument("measure_id", metavar="ID")
    for option, dest in (("--name", "name"), ("--area", "area_id")):
        edit.add_argument(option, dest=dest, default=argparse.SUPPRESS)
    for option, vocabulary in (("--unit", Unit), ("--polarity", Polarity), ("--frequency", Frequency)):
        edit.add_argument(option, choices=[v.value for v in vocabulary], default=argparse.SUPPRESS)
    killer = edit.add_mutually_exclusive_group()
    killer.add_argument("--killer", dest="killer_kpi", action="store_const", const=True, default=argparse.SUPPRESS)
    killer.add_argument("--not-killer", dest="killer_kpi", action="store_const", const=False, default=argparse.SUPPRESS)
    _measure_numbers(edit)
    edit.add_argument("--position", type=int, default=argparse.SUPPRESS, help="its place in the council's order")

    retire = actions.add_parser("retire", parents=[writer], help="no figure is expected from a month on")
    retire.add_argument("measure_id", metavar="ID")
    retire.add_argument("--from", dest="from_period", type=month_argument, required=True, help="first month without a figure")
    reinstate = actions.add_parser("reinstate", parents=[writer], help="bring a retired measure back into use")
    reinstate.add_argument("measure_id", metavar="ID")


def _measure_numbers(parser: argparse.ArgumentParser) -> None:
    for option in ("--lower-bound", "--upper-bound"):
        parser.add_argument(option, type=optional_number, default=argparse.SUPPRESS, metavar="X",
                            help="smallest/largest value allowed (none: no bound)")
    parser.add_argument("--dot-threshold", type=float, default=argparse.SUPPRESS, metavar="X",
                        help="change that turns the direction-of-travel arrow (default 1)")


def _dated_entries(commands, name: str, about: str, listed: str, setting: str, writer: argparse.ArgumentParser):
    """``NAME list [--measure ID]`` and ``NAME set ID --from MONTH``, the start of every command over catalogue
    entries in force from a month (targets, comparators); the subcommands' parsers and the ``set`` parser."""
    actions = commands.add_parser(name, help=about).add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help=listed)
    listing.add_argument("--measure", help="one measure (its id)")
    one = actions.add_parser("set", parents=[writer], help=setting)
    one.add_argument("measure_id", metavar="ID")
    one.add_argument("--from", dest="from_period", type=month_argument, required=True, help="first month it applies to")
    return actions, one


def _targets_parsers(commands, writer: argparse.ArgumentParser) -> None:
    actions, one = _dated_entries(
        commands, "targets", "list, set, end and import targets (admins)",
        "every target entry, ended ones included (CSV)", "a measure's target (and tolerance) from a month", writer,
    )
    one.add_argument("--target", type=float, required=True, help="in the measure's unit")
    tolerance = one.add_mutually_exclusive_group()
    tolerance.add_argument("--tolerance", type=float, help="on the worse side (default: proposed, 5%% of the target)")
    tolerance.add_argument("--no-tolerance", action="store_true", help="no tolerance (no amber band)")
    end = actions.add_parser("end", parents=[writer], help="no target from a month (until a later one)")
    end.add_argument("measure_id", metavar="ID")
    end.add_argument("--from", dest="from_period", type=month_argument, required=True, help="first month without a target")
    _import_parser(actions, "targets")
    _template_parser(actions, "targets")


def _import_parser(actions, kind: str) -> None:
    load = actions.add_parser("import", help=f"check a CSV/XLSX of {kind}, preview it and write it all or nothing")
    load.add_argument("file", type=Path)
    load.add_argument("--user", default=LOCAL_ADMIN, help=f"who is acting (default {LOCAL_ADMIN})")
    load.add_argument("--reason", help="why (required unless --dry-run)")
    load.add_argument("--dry-run", action="store_true", help="check and preview only; write nothing")


def _template_parser(actions, kind: str) -> None:
    template = actions.add_parser("template", help=f"a {kind} file pre-filled with what is in force at a month")
    template.add_argument("--period", type=month_argument, help="the month (default: the current month)")
    template.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    template.add_argument("--output", type=Path, help="file to write (default: standard output)")
