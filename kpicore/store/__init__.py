"""The SQLite store: the only package that reads or writes the database.

Split by job: ``database`` (where it is, connections, the write transaction,
backups), ``migrations`` (every schema change), ``seed`` (a new database from
the shipped dataset), ``read`` (a ``Snapshot``), ``figures`` (versioned
figures), ``people`` (users, ownership, locks, re-bases, the admin log),
``restore`` (a backup put back while the app runs). The names below are its
public interface.
"""

from kpicore.access import LOCAL_ADMIN
from kpicore.store.database import DEFAULT_DB, Busy, backup, busy_timeout, commits, connect, default_path, migrate
from kpicore.store.figures import (
    SOURCES,
    Seen,
    StaleFigures,
    catalogue_snapshot,
    current_versions,
    history,
    moved_since,
    record_figures,
    seen_versions,
    submission_view,
    withdraw_figure,
)
from kpicore.store.people import (
    account,
    admin_events,
    lock,
    locks,
    owners,
    rebase,
    remove_rebase,
    remove_user,
    save_user,
    set_measures,
    unlock,
    users,
)
from kpicore.store.read import export_observations, load
from kpicore.store.restore import Restored, restore
from kpicore.store.seed import initialise

__all__ = [
    "DEFAULT_DB", "LOCAL_ADMIN", "SOURCES", "Busy", "Restored", "Seen", "StaleFigures", "account", "admin_events",
    "backup", "busy_timeout", "catalogue_snapshot", "commits", "connect", "current_versions", "default_path", "export_observations", "history",
    "initialise", "load", "lock", "locks", "migrate", "moved_since", "owners", "rebase", "record_figures",
    "remove_rebase", "remove_user", "restore", "save_user", "seen_versions", "set_measures", "submission_view", "unlock", "users",
    "withdraw_figure",
]
