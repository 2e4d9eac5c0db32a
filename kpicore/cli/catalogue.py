"""The catalogue from the command line: ``measures``, ``targets``, ``comparators`` and ``catalogue``.

Every write takes ``--user`` and ``--reason``; a refused option is named in the message."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd

from kpicore import figure_checks, store
from kpicore.cli.common import file_bytes, preview_then_write, write_out
from kpicore.files.csv_writer import write_csv
from kpicore.files.upload.limits import COMMAND_LINE_LIMITS
from kpicore.periods import label
from kpicore.problems import Problem, ValidationFailed
from kpicore.reports import catalogue
from kpicore.store import catalogue as store_catalogue
from kpicore.workflows import catalogue as year_end

OPTIONS = {
    "measure_id": "ID", "area_id": "--area", "killer_kpi": "--killer", "from_period": "--from",
    "retired_from": "--from",
}


"""The option a refused field was given by (else ``--field-name``)."""


@contextmanager
def _by_option(args: argparse.Namespace, **options: str) -> Iterator[None]:
    """Problems with what a command was given, told by option (``targets set, option --tolerance: ...``)."""
    try:
        yield
    except ValidationFailed as failure:
        named = {**OPTIONS, **options}
        command = f"{args.command} {args.action}"
        told = []
        for problem in failure.problems:
            column = problem.column
            where = command if not column else f"{command}, option {named.get(column, '--' + column.replace('_', '-'))}"
            message = problem.message
            if message.endswith("give one, or none"):
                message += " (--tolerance X, or --no-tolerance)"
            value = problem.value[:-2] if problem.value.endswith(".0") else problem.value
            told.append(Problem(where, None, None, value, message))
        raise ValidationFailed(told) from None


def _current(period: str | None) -> str:
    return period or figure_checks.current_month()


def _measures(args: argparse.Namespace) -> None:
    if args.action == "list":
        write_out(write_csv(catalogue.catalogue(store.load(args.db), _current(args.period))), args.output)
        return
    given = {k: v for k, v in vars(args).items() if k in store_catalogue.MEASURE_FIELDS and k != "measure_id"}
    # a polarity change is refused where a recorded tolerance would then be on the better side
    with _by_option(args, measure_id="--id" if args.action == "add" else "ID", tolerance="--polarity"):
        if args.action == "add":
            stored = store_catalogue.add_measure(
                args.db, {"measure_id": args.measure_id, **given}, user=args.user, reason=args.reason
            )
            print(f"Added {stored['measure_id']} at position {stored['position']} of {stored['area_id']}")
        elif args.action == "edit":
            if not given:
                raise ValueError("nothing to change: give at least one option such as --name or --unit")
            store_catalogue.edit_measure(args.db, args.measure_id, given, user=args.user, reason=args.reason)
            print(f"Changed {args.measure_id}: {', '.join(given)}")
        elif args.action == "retire":
            store_catalogue.retire_measure(args.db, args.measure_id, args.from_period, user=args.user, reason=args.reason)
            print(f"Retired {args.measure_id} from {label(args.from_period)}")
        else:
            store_catalogue.reinstate_measure(args.db, args.measure_id, user=args.user, reason=args.reason)
            print(f"Reinstated {args.measure_id}")


def _shown(value: object) -> str:
    return "none" if value is None or pd.isna(value) else f"{value:g}"


def _listing(frame: pd.DataFrame, measure: str | None, db) -> int | None:
    if measure and measure not in set(store.load(db).measures["measure_id"]):
        print(f"unknown measure '{measure}'", file=sys.stderr)
        return 1
    write_out(write_csv(frame[frame["measure_id"] == measure] if measure else frame), None)
    return None


def _targets(args: argparse.Namespace) -> int | None:
    if args.action in ("list", "import", "template"):
        return _catalogue_file(args, "targets")
    with _by_option(args):
        if args.action == "set":
            tolerance = None if args.no_tolerance else (
                store_catalogue.PROPOSE if args.tolerance is None else args.tolerance
            )
            row = store_catalogue.set_target(
                args.db, args.measure_id, args.from_period, args.target, tolerance, user=args.user, reason=args.reason
            )
            proposed = " (proposed)" if tolerance == store_catalogue.PROPOSE and row["tolerance"] is not None else ""
            print(f"Target of {args.measure_id} from {label(args.from_period)}: {_shown(row['target'])}, "
                  f"tolerance {_shown(row['tolerance'])}{proposed}")
        else:
            store_catalogue.end_target(args.db, args.measure_id, args.from_period, user=args.user, reason=args.reason)
            print(f"No target for {args.measure_id} from {label(args.from_period)}")
    return None


def _comparators(args: argparse.Namespace) -> int | None:
    if args.action != "set":
        return _catalogue_file(args, "comparators")
    with _by_option(args):
        row = store_catalogue.set_comparator(
            args.db, args.measure_id, args.from_period, args.value, args.label, user=args.user, reason=args.reason
        )
    shown = ", ".join(s for s in (_shown(row["value"]) if row["value"] is not None else "", row["label"] or "") if s)
    print(f"Comparator of {args.measure_id} from {label(args.from_period)}: {shown}")
    return None


def _catalogue_file(args: argparse.Namespace, kind: str) -> int | None:
    """``list``, ``template`` and ``import`` of targets or comparators."""
    if args.action == "list":
        snapshot = store.load(args.db)
        return _listing(snapshot.targets if kind == "targets" else snapshot.comparators, args.measure, args.db)
    if args.action == "template":
        make = year_end.targets_template if kind == "targets" else year_end.comparators_template
        write_out(make(store.load(args.db), _current(args.period), args.format), args.output)
        return None
    return _import_catalogue(args, kind)


def _import_catalogue(args: argparse.Namespace, kind: str) -> int:
    """Check a targets or comparators file, print the report or the preview, and write it unless ``--dry-run``."""
    if (data := file_bytes(args.file)) is None:
        return 1
    plan_file = year_end.plan_targets_file if kind == "targets" else year_end.plan_comparators_file
    plan = plan_file(args.db, args.file.name, data, user=args.user, limits=COMMAND_LINE_LIMITS)
    write = year_end.commit_targets if kind == "targets" else year_end.commit_comparators
    return preview_then_write(
        plan, lambda change: f"{change.measure_id} from {change.from_period}: {_change(change, kind)}",
        lambda: write(args.db, plan, user=args.user, reason=args.reason), dry_run=args.dry_run,
    )


def _change(change, kind: str) -> str:
    if kind == "targets":
        proposed = " (proposed)" if change.proposed else ""
        return (f"target {_shown(change.old_target)} -> {_shown(change.target)}, "
                f"tolerance {_shown(change.old_tolerance)} -> {_shown(change.tolerance)}{proposed}")
    old = ", ".join(s for s in (_shown(change.old_value), "" if pd.isna(change.old_label) else change.old_label) if s)
    new = ", ".join(s for s in (_shown(change.value), "" if pd.isna(change.label) else change.label) if s)
    return f"{old} -> {new}"


HISTORY_COLUMNS = {
    "recorded_at": "when", "recorded_by": "who", "action": "what", "subject": "subject", "field": "field",
    "old": "old", "new": "new", "reason": "reason",
}


def _catalogue(args: argparse.Namespace) -> None:
    if args.action == "history":
        events = store_catalogue.history(args.db, args.measure)
        write_out(write_csv(events[list(HISTORY_COLUMNS)].rename(columns=HISTORY_COLUMNS)), args.output)
    else:
        counts = year_end.export_dataset(args.db, args.directory, force=args.force)
        print(f"Wrote {args.directory}: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


COMMANDS = {"measures": _measures, "targets": _targets, "comparators": _comparators, "catalogue": _catalogue}
