"""Every schema change, in order: a database written by any earlier release upgrades in place.

Never edit a migration that has shipped; add a new one. ``database.migrate``
applies the pending ones, each in its own transaction.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("kpicore")


@migrations()
def m001_catalogue_and_observations(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE areas (
            area_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            position INTEGER NOT NULL UNIQUE
        );
        CREATE TABLE measures (
            measure_id TEXT PRIMARY KEY,
            area_id TEXT NOT NULL REFERENCES areas(area_id),
            position INTEGER NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE,
            killer_kpi INTEGER NOT NULL CHECK (killer_kpi IN (0, 1)),
            unit TEXT NOT NULL CHECK (unit IN ('percent', 'count', 'rate', 'days')),
            polarity TEXT NOT NULL CHECK (polarity IN ('higher', 'lower', 'neutral')),
            frequency TEXT NOT NULL CHECK (frequency IN ('monthly', 'quarterly')),
            lower_bound REAL,
            upper_bound REAL,
            dot_threshold REAL NOT NULL DEFAULT 1.0,
            comparator_value REAL,
            comparator_label TEXT
        );
        CREATE TABLE targets (
            measure_id TEXT NOT NULL REFERENCES measures(measure_id),
            from_period TEXT NOT NULL,
            target REAL NOT NULL,
            tolerance REAL,
            PRIMARY KEY (measure_id, from_period)
        );
        CREATE TABLE observation_versions (
            version_id INTEGER PRIMARY KEY,
            measure_id TEXT NOT NULL REFERENCES measures(measure_id),
            period TEXT NOT NULL,
            value REAL,
            commentary TEXT,
            performance_group TEXT CHECK (performance_group IN ('Good', 'Fair', 'Poor')),
            recorded_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            source TEXT NOT NULL,
            reason TEXT
        );
        CREATE INDEX observation_versions_by_month
            ON observation_versions (measure_id, period, version_id);
        CREATE VIEW observations AS
            SELECT * FROM observation_versions AS o
            WHERE version_id = (
                SELECT max(version_id) FROM observation_versions
                WHERE measure_id = o.measure_id AND period = o.period
            );
        CREATE TABLE users (
            email TEXT PRIMARY KEY,
            name TEXT,
            role TEXT NOT NULL CHECK (role IN ('viewer', 'data_owner', 'admin'))
        );
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value REAL NOT NULL
        );
        """
    )


@migrations()
def m002_owners_locks_and_audit(db: Database) -> None:
    """Who owns which measure, signed-off (locked) months, and a log of administrators' changes."""
    db.executescript(
        """
        CREATE TABLE measure_owners (
            measure_id TEXT NOT NULL REFERENCES measures(measure_id),
            email TEXT NOT NULL REFERENCES users(email) ON DELETE CASCADE,
            PRIMARY KEY (measure_id, email)
        );
        CREATE INDEX measure_owners_by_email ON measure_owners (email);
        CREATE TABLE locked_periods (
            period TEXT PRIMARY KEY,
            locked_by TEXT NOT NULL,
            locked_at TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE TABLE admin_events (
            event_id INTEGER PRIMARY KEY,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            detail TEXT
        );
        """
    )


@migrations()
def m003_spc_rebases(db: Database) -> None:
    """Periods from which a measure's SPC chart starts a new group, each with its reason."""
    db.executescript(
        """
        CREATE TABLE spc_rebases (
            measure_id TEXT NOT NULL REFERENCES measures(measure_id),
            period TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
            recorded_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (measure_id, period)
        );
        """
    )


@migrations()
def m004_catalogue_changes(db: Database) -> None:
    """The catalogue changes in the app: effective-dated comparators, measures retired from a month,
    targets that end (a row with no target), and the catalogue's own change log.

    The comparator moves from two columns of ``measures`` into ``comparators``, in force from the
    earliest month with any figure (the seed's comparators applied to its whole window)."""
    db.executescript(
        """
        CREATE TABLE comparators (
            measure_id TEXT NOT NULL REFERENCES measures(measure_id),
            from_period TEXT NOT NULL,
            value REAL,
            label TEXT,
            PRIMARY KEY (measure_id, from_period),
            CHECK (value IS NOT NULL OR label IS NOT NULL)
        );
        INSERT INTO comparators (measure_id, from_period, value, label)
            SELECT measure_id, coalesce((SELECT min(period) FROM observation_versions), '2000-01'),
                   comparator_value, comparator_label
            FROM measures WHERE comparator_value IS NOT NULL OR comparator_label IS NOT NULL;
        ALTER TABLE measures DROP COLUMN comparator_value;
        ALTER TABLE measures DROP COLUMN comparator_label;
        ALTER TABLE measures ADD COLUMN retired_from TEXT;
        CREATE TABLE catalogue_events (
            event_id INTEGER PRIMARY KEY,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            field TEXT,
            old TEXT,
            new TEXT,
            reason TEXT NOT NULL CHECK (length(trim(reason)) > 0)
        );
        CREATE INDEX catalogue_events_by_subject ON catalogue_events (subject, event_id);
        """
    )
    # A target can end: from that month no target is in force (a row with no target).
    db["targets"].transform(not_null={"target": False})


AUDIT_TABLES = ("observation_versions", "catalogue_events", "admin_events")
"""The audit log: every figure's versions, the catalogue's changes and the administrators' changes."""


@migrations()
def m005_audit_log_append_only(db: Database) -> None:
    """The audit log cannot be edited: the database itself refuses any UPDATE or DELETE of its tables,
    whoever runs it (a restore replaces the whole database, pages and all, and is logged itself)."""
    for table in AUDIT_TABLES:
        for statement in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_no_{statement.lower()} BEFORE {statement} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is an audit log: it cannot be changed or deleted'); END"
            )
