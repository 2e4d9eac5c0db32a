"""The SQLite store: the only package that reads or writes the database.

Split by job: ``database`` (where it is, connections, the write transaction,
backups), ``migrations`` (every schema change), ``seed`` (a new database from
the shipped dataset), ``read`` (a ``Snapshot``), ``figures`` (versioned
figures), ``people`` (users, ownership, locks, re-bases, the admin log),
``restore`` (a backup put back while the app runs). The names below are its
public interface.
"""

import importlib

_HOMES = {
    **dict.fromkeys(['LOCAL_ADMIN'], "kpicore.access"),
    **dict.fromkeys(['DEFAULT_DB', 'Busy', 'backup', 'busy_timeout', 'commits', 'connect', 'default_path', 'migrate'], "kpicore.store.database"),
    **dict.fromkeys(['SOURCES', 'Seen', 'StaleFigures', 'catalogue_snapshot', 'current_versions', 'history', 'moved_since', 'record_figures', 'seen_versions', 'submission_view', 'withdraw_figure'], "kpicore.store.figures"),
    **dict.fromkeys(['account', 'admin_events', 'lock', 'locks', 'owners', 'rebase', 'remove_rebase', 'remove_user', 'save_user', 'set_measures', 'unlock', 'users'], "kpicore.store.people"),
    **dict.fromkeys(['export_observations', 'load'], "kpicore.store.read"),
    **dict.fromkeys(['Restored', 'restore'], "kpicore.store.restore"),
    **dict.fromkeys(['initialise'], "kpicore.store.seed"),
}
"""Each public name and the module that holds it. A name is imported on first use (PEP 562), so reading
a snapshot does not import what writing needs (pandera's models, the seed, the catalogue's checks):
the ``scorecard`` command and a page that only reads start faster."""


def __getattr__(name: str):
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
    elif name in ("catalogue", "database", "figures", "migrations", "people", "read", "restore", "seed"):
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "DEFAULT_DB", "LOCAL_ADMIN", "SOURCES", "Busy", "Restored", "Seen", "StaleFigures", "account", "admin_events",
    "backup", "busy_timeout", "catalogue_snapshot", "commits", "connect", "current_versions", "default_path", "export_observations", "history",
    "initialise", "load", "lock", "locks", "migrate", "moved_since", "owners", "rebase", "record_figures",
    "remove_rebase", "remove_user", "restore", "save_user", "seen_versions", "set_measures", "submission_view", "unlock", "users",
    "withdraw_figure",
]
