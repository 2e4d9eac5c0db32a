"""The SQLite store: the only module that reads or writes the database.

A connection is opened per operation (Streamlit runs each session in its own
thread), with foreign keys on and WAL journaling. Figures are never updated in
place: each change is a new row of ``observation_versions`` with who, when,
source and reason, and the ``observations`` view shows the latest of each.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from kpicore import access
from kpicore import figures as figure_rules
from kpicore.access import Account, PermissionDenied
from kpicore.dataset import DATA_DIR, read_dataset
from kpicore.periods import parse_period
from kpicore.rules import Settings
from kpicore.validation import Problem, ValidationFailed
from kpicore.vocab import Role

LOCAL_ADMIN = "admin@localhost"
DEFAULT_DB = DATA_DIR / "kpi.sqlite"

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


def default_path() -> Path:
    """The database named by ``KPI_DB``, or ``data/kpi.sqlite`` in the project."""
    return Path(os.environ.get("KPI_DB") or DEFAULT_DB)


@contextmanager
def connect(path: Path | str | None = None) -> Iterator[Database]:
    """Open the database for one operation: foreign keys on, WAL, migrations applied."""
    path = Path(path or default_path())
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}: run `python -m kpicore init` first")
    db = Database(path)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
        db.enable_wal()
        migrations.apply(db)
        yield db
    finally:
        db.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _records(frame: pd.DataFrame) -> list[dict]:
    return [
        {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def initialise(
    path: Path | str | None = None,
    data_dir: Path = DATA_DIR,
    *,
    force: bool = False,
    user: str = LOCAL_ADMIN,
) -> dict[str, int]:
    """Create the database at ``path`` and load the dataset in ``data_dir``.

    The dataset is validated first; on any problem ``ValidationFailed`` is raised
    and nothing is written. The database is built in a temporary file beside
    ``path`` and moved into place in one step, so a failure never leaves half a
    database. An existing database is replaced only with ``force``.
    """
    path = Path(path or default_path())
    if path.exists() and not force:
        raise FileExistsError(f"a database already exists at {path} (use --force to replace it)")
    tables = read_dataset(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".init-", suffix=".sqlite")
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; the database is an ordinary file
    try:
        db = Database(temporary)
        db.execute("PRAGMA foreign_keys = ON")
        migrations.apply(db)
        now = _now()
        with db.atomic():
            db["areas"].insert_all(_records(tables["areas"]))
            db["measures"].insert_all(_records(tables["measures"]))
            db["targets"].insert_all(_records(tables["targets"]))
            observations = tables["observations"].assign(
                recorded_by=user, recorded_at=now, source="init", reason="Loaded from the shipped dataset"
            )
            db["observation_versions"].insert_all(_records(observations))
            db["users"].insert({"email": LOCAL_ADMIN, "name": "Local administrator", "role": Role.ADMIN.value})
            defaults = Settings()
            db["settings"].insert_all(
                [{"key": key, "value": value} for key, value in vars(defaults).items()]
            )
        db.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return {name: len(frame) for name, frame in tables.items()}


@dataclass(frozen=True)
class Snapshot:
    """Everything the scorecard is computed from, read in one transaction."""

    areas: pd.DataFrame
    measures: pd.DataFrame
    targets: pd.DataFrame
    observations: pd.DataFrame
    settings: Settings
    data_version: int
    rebases: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REBASE_COLUMNS))
    """Periods from which a measure's SPC starts a new group: ``measure_id, period, reason, recorded_by, recorded_at``."""


REBASE_COLUMNS = ["measure_id", "period", "reason", "recorded_by", "recorded_at"]


def load(path: Path | str | None = None) -> Snapshot:
    """Read the catalogue and the current figures. This is a read-only operation."""
    with connect(path) as db:
        with db.atomic():
            areas = pd.DataFrame(db.query("SELECT * FROM areas ORDER BY position"))
            measures = pd.DataFrame(db.query("SELECT * FROM measures ORDER BY position"))
            targets = pd.DataFrame(
                db.query("SELECT * FROM targets ORDER BY measure_id, from_period"),
                columns=["measure_id", "from_period", "target", "tolerance"],
            )
            observations = pd.DataFrame(
                db.query(
                    "SELECT measure_id, period, value, commentary, performance_group, "
                    "recorded_by, recorded_at, source FROM observations "
                    "WHERE value IS NOT NULL ORDER BY measure_id, period"
                ),
                columns=[
                    "measure_id", "period", "value", "commentary", "performance_group",
                    "recorded_by", "recorded_at", "source",
                ],
            )
            rebases = pd.DataFrame(
                db.query("SELECT * FROM spc_rebases ORDER BY measure_id, period"), columns=REBASE_COLUMNS
            )
            stored = {row["key"]: row["value"] for row in db.query("SELECT * FROM settings")}
            version = next(db.query("SELECT coalesce(max(version_id), 0) AS v FROM observation_versions"))["v"]
    measures["killer_kpi"] = measures["killer_kpi"].astype(bool)
    for column in ("target", "tolerance"):
        targets[column] = targets[column].astype(float)
    observations["value"] = observations["value"].astype(float)
    defaults = vars(Settings())
    settings = Settings(**{k: type(defaults[k])(stored.get(k, defaults[k])) for k in defaults})
    return Snapshot(areas, measures, targets, observations, settings, version, rebases)


def export_observations(path: Path | str | None = None) -> pd.DataFrame:
    """All current figures in the long layout: ``measure_id, period, value, commentary, performance_group``."""
    observations = load(path).observations
    return observations[["measure_id", "period", "value", "commentary", "performance_group"]]


def backup(destination: Path | str, path: Path | str | None = None) -> Path:
    """Write a consistent copy of the live database to ``destination`` (SQLite's online backup)."""
    source_path = Path(path or default_path())
    if not source_path.exists():
        raise FileNotFoundError(f"no database at {source_path}")
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(destination)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()
    return destination


# --- Data entry: people, ownership, locked months, versioned figures -----------------------

SOURCES = ("form", "upload", "cli")
"""Where a submitted figure came from, as recorded with each version."""


class StaleFigures(RuntimeError):
    """Figures changed after the preview they were confirmed on; nothing was written."""


@contextmanager
def _writing(path: Path | str | None) -> Iterator[Database]:
    """One write transaction: ``BEGIN IMMEDIATE`` takes the write lock before anything is read,
    so what is checked is what is written over; any exception rolls everything back."""
    with connect(path) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            with db.atomic():
                yield db
        except BaseException:
            db.conn.rollback()
            raise
        db.conn.commit()


def _account(db: Database, email: str) -> Account:
    try:
        email = access.normalise_email(email)
    except ValueError as error:
        raise PermissionDenied(str(error)) from None
    row = next(db.query("SELECT * FROM users WHERE email = ?", [email]), None)
    if row is None:
        return Account(email)
    owned = frozenset(r["measure_id"] for r in db.query("SELECT measure_id FROM measure_owners WHERE email = ?", [email]))
    return Account(email, Role(row["role"]), row["name"], owned, registered=True)


@contextmanager
def _as_admin(path: Path | str | None, user: str, doing: str) -> Iterator[tuple[Database, Account]]:
    """One write transaction on behalf of ``user``, who must be an administrator (``PermissionDenied``)."""
    with _writing(path) as db:
        me = _account(db, user)
        access.require_admin(me, doing)
        yield db, me


def _reason(reason: str | None, doing: str) -> str:
    """The reason without surrounding spaces; a blank one is refused."""
    text = (reason or "").strip()
    if not text:
        raise ValueError(f"a reason is required to {doing}")
    return text


def _log(db: Database, by: str, action: str, subject: str, detail: str | None = None) -> None:
    db["admin_events"].insert(
        {"recorded_at": _now(), "recorded_by": by, "action": action, "subject": subject, "detail": detail}
    )


def account(path: Path | str | None, email: str) -> Account:
    """The person with this e-mail as the database knows them (an unregistered person is a viewer)."""
    with connect(path) as db:
        return _account(db, email)


def users(path: Path | str | None = None) -> pd.DataFrame:
    """Every registered person: ``email, name, role, measures`` (the ids they own, comma-separated)."""
    with connect(path) as db:
        rows = db.query(
            "SELECT u.email, u.name, u.role, group_concat(o.measure_id, ', ') AS measures "
            "FROM users u LEFT JOIN (SELECT * FROM measure_owners ORDER BY measure_id) o USING (email) "
            "GROUP BY u.email ORDER BY u.role, u.email"
        )
        return pd.DataFrame(list(rows), columns=["email", "name", "role", "measures"])


def owners(path: Path | str | None = None) -> pd.DataFrame:
    """Who owns which measure: ``measure_id, email, name``."""
    with connect(path) as db:
        rows = db.query(
            "SELECT o.measure_id, o.email, u.name FROM measure_owners o JOIN users u USING (email) "
            "ORDER BY o.measure_id, o.email"
        )
        return pd.DataFrame(list(rows), columns=["measure_id", "email", "name"])


def save_user(path: Path | str | None, email: str, *, role: Role | str, name: str | None = None, user: str) -> None:
    """Register a person or change their role and name (administrators only).

    The last administrator cannot be demoted; a person demoted to viewer keeps
    no measures."""
    with _as_admin(path, user, "manage users") as (db, me):
        email, role = access.normalise_email(email), Role(role)
        existing = _account(db, email)
        if existing.is_admin and role is not Role.ADMIN and _admins(db) == 1:
            raise PermissionDenied(f"{email} is the last administrator: make someone else an administrator first")
        db["users"].upsert({"email": email, "name": (name or "").strip() or existing.name, "role": role.value}, pk="email")
        if role is Role.VIEWER:
            db.execute("DELETE FROM measure_owners WHERE email = ?", [email])
        _log(db, me.email, "save_user", email, f"role {role.value}")


def remove_user(path: Path | str | None, email: str, *, user: str) -> None:
    """Remove a person and their ownership (administrators only; never the last administrator)."""
    with _as_admin(path, user, "manage users") as (db, me):
        email = access.normalise_email(email)
        existing = _account(db, email)
        if not existing.registered:
            raise KeyError(f"{email} is not a registered user")
        if existing.is_admin and _admins(db) == 1:
            raise PermissionDenied(f"{email} is the last administrator and cannot be removed")
        db.execute("DELETE FROM measure_owners WHERE email = ?", [email])
        db.execute("DELETE FROM users WHERE email = ?", [email])
        _log(db, me.email, "remove_user", email)


def _admins(db: Database) -> int:
    return next(db.query("SELECT count(*) AS n FROM users WHERE role = 'admin'"))["n"]


def set_measures(
    path: Path | str | None, email: str, measure_ids: list[str], *, user: str, mode: str = "replace"
) -> list[str]:
    """Give ``email`` ownership of ``measure_ids`` (administrators only) and return what they now own.

    ``mode`` is ``replace`` (exactly these), ``add`` or ``remove``. The person
    must be a registered data owner or administrator; unknown measures are refused.
    """
    if mode not in ("replace", "add", "remove"):
        raise ValueError(f"unknown mode '{mode}'")
    with _as_admin(path, user, "change who owns a measure") as (db, me):
        email = access.normalise_email(email)
        person = _account(db, email)
        if not person.registered or person.role is Role.VIEWER:
            raise ValueError(f"{email} must be registered as a data owner (or administrator) to own measures")
        known = {r["measure_id"] for r in db.query("SELECT measure_id FROM measures")}
        unknown = sorted(set(measure_ids) - known)
        if unknown:
            raise ValueError(f"unknown measure(s): {', '.join(unknown)}")
        if mode == "replace":
            db.execute("DELETE FROM measure_owners WHERE email = ?", [email])
        if mode == "remove":
            db.conn.executemany(
                "DELETE FROM measure_owners WHERE email = ? AND measure_id = ?", [(email, m) for m in measure_ids]
            )
        else:
            db["measure_owners"].insert_all(
                [{"measure_id": m, "email": email} for m in sorted(set(measure_ids))], ignore=True
            )
        _log(db, me.email, f"{mode}_measures", email, ", ".join(sorted(set(measure_ids))))
        return sorted(_account(db, email).measures)


def locks(path: Path | str | None = None) -> pd.DataFrame:
    """The signed-off (locked) months: ``period, locked_by, locked_at, reason``."""
    with connect(path) as db:
        return pd.DataFrame(
            list(db.query("SELECT * FROM locked_periods ORDER BY period")),
            columns=["period", "locked_by", "locked_at", "reason"],
        )


def lock(path: Path | str | None, period: str, *, user: str, reason: str) -> None:
    """Lock a signed-off month (administrators only, with a reason)."""
    with _as_admin(path, user, "lock a month") as (db, me):
        period = parse_period(period)
        reason = _reason(reason, "lock a month")
        db["locked_periods"].upsert(
            {"period": period, "locked_by": me.email, "locked_at": _now(), "reason": reason}, pk="period"
        )
        _log(db, me.email, "lock", period, reason)


def unlock(path: Path | str | None, period: str, *, user: str, reason: str) -> None:
    """Unlock a month (administrators only, with a reason)."""
    with _as_admin(path, user, "unlock a month") as (db, me):
        period = parse_period(period)
        reason = _reason(reason, "unlock a month")
        db.execute("DELETE FROM locked_periods WHERE period = ?", [period])
        _log(db, me.email, "unlock", period, reason)


def rebase(path: Path | str | None, measure_id: str, period: str, *, user: str, reason: str) -> None:
    """Start a new SPC group for ``measure_id`` from ``period`` (administrators only, with a reason)."""
    with _as_admin(path, user, "re-base a measure's SPC chart") as (db, me):
        period = parse_period(period)
        reason = _reason(reason, "re-base a measure's SPC chart")
        if not db["measures"].count_where("measure_id = ?", [measure_id]):
            raise ValueError(f"'{measure_id}' is not a measure of the catalogue")
        db["spc_rebases"].upsert(
            {"measure_id": measure_id, "period": period, "reason": reason, "recorded_by": me.email,
             "recorded_at": _now()},
            pk=("measure_id", "period"),
        )
        _log(db, me.email, "rebase", f"{measure_id} {period}", reason)


def remove_rebase(path: Path | str | None, measure_id: str, period: str, *, user: str, reason: str) -> None:
    """Remove a recorded SPC re-base (administrators only, with a reason)."""
    with _as_admin(path, user, "remove a re-base") as (db, me):
        period = parse_period(period)
        reason = _reason(reason, "remove a re-base")
        db.execute("DELETE FROM spc_rebases WHERE measure_id = ? AND period = ?", [measure_id, period])
        _log(db, me.email, "remove_rebase", f"{measure_id} {period}", reason)


def admin_events(path: Path | str | None = None) -> pd.DataFrame:
    """Administrators' changes to users, ownership and locks, newest first."""
    with connect(path) as db:
        return pd.DataFrame(
            list(db.query("SELECT * FROM admin_events ORDER BY event_id DESC")),
            columns=["event_id", "recorded_at", "recorded_by", "action", "subject", "detail"],
        )


_COMPARED = ("value", "commentary", "performance_group")


def compare_with_current(figures: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Each figure beside the current version of its measure and month.

    Adds ``version_id`` and ``old_value, old_commentary, old_performance_group``
    (blank where there is none) and ``status``: ``new`` (no figure yet),
    ``revised`` (value, commentary or group differ) or ``unchanged``.
    """
    old = current[["measure_id", "period", "version_id", *_COMPARED]].rename(columns={c: f"old_{c}" for c in _COMPARED})
    merged = figures.merge(old, on=["measure_id", "period"], how="left", validate="one_to_one")
    merged.index = figures.index
    existed = merged["version_id"].notna() & merged["old_value"].notna()
    differs = (merged["value"] - merged["old_value"]).abs().gt(1e-9) | merged["old_value"].isna()
    for column in ("commentary", "performance_group"):
        differs |= _text(merged[column]) != _text(merged[f"old_{column}"])
    merged["status"] = "unchanged"
    merged.loc[differs, "status"] = "revised"
    merged.loc[~existed, "status"] = "new"
    return merged


def _text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v).strip())


def current_versions(path: Path | str | None, keys: pd.DataFrame | None = None) -> pd.DataFrame:
    """The current version of every figure (or of the ``measure_id, period`` pairs in ``keys``)."""
    with connect(path) as db:
        return _current(db, keys)


def _current(db: Database, keys: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["version_id", "measure_id", "period", *_COMPARED]
    sql = f"SELECT {', '.join(columns)} FROM observations"
    params: list = []
    if keys is not None:
        ids = sorted(set(keys["measure_id"]))
        sql += f" WHERE measure_id IN ({', '.join('?' * len(ids))})"
        params = ids
    frame = pd.DataFrame(list(db.query(sql, params)), columns=columns)
    if keys is not None:
        frame = frame.merge(keys[["measure_id", "period"]].drop_duplicates(), on=["measure_id", "period"])
    frame["value"] = frame["value"].astype(float)
    return frame


def record_figures(
    path: Path | str | None,
    figures: pd.DataFrame,
    *,
    user: str,
    source: str,
    reason: str | None = None,
    based_on: int | None = None,
    today=None,
) -> dict[str, int]:
    """Write submitted figures, all or nothing, as new versions where something changed.

    ``figures`` has the long layout (``measure_id, period, value`` and optionally
    ``commentary, performance_group``); each row is the whole figure as it
    should now read. Inside one write transaction this checks the person's role
    and ownership (``PermissionDenied``), the figures against
    ``schemas.SubmissionModel`` (``ValidationFailed``), locked months (an
    administrator with a reason only), that a revision has a reason, and with
    ``based_on`` (the ``data_version`` the person previewed) that none of these
    figures changed since (``StaleFigures``). A figure identical to the current
    one is not written again. Returns the counts of ``new``, ``revised`` and
    ``unchanged`` figures.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}")
    reason = (reason or "").strip() or None
    frame = figures.reset_index(drop=True)
    with _writing(path) as db:
        me = _account(db, user)
        access.require_submit(me, frame["measure_id"].astype(str))
        measures = pd.DataFrame(list(db.query("SELECT measure_id, unit, lower_bound, upper_bound, frequency FROM measures")))
        locked = {r["period"] for r in db.query("SELECT period FROM locked_periods")}
        valid, problems = figure_rules.validate(
            frame, measures, account=me, locked_periods=locked, today=today, source=source
        )
        if problems:
            raise ValidationFailed(problems)
        access.require_locked_write(me, set(valid["period"]) & locked, reason)
        compared = compare_with_current(valid, _current(db, valid))
        if based_on is not None and compared["version_id"].gt(based_on).any():
            raise StaleFigures("some of these figures changed since your preview: check the preview again")
        changed = compared[compared["status"] != "unchanged"]
        revised = int((changed["status"] == "revised").sum())
        if revised and not reason:
            raise ValidationFailed(
                [Problem(source, None, "reason", "", f"a reason is required to revise {revised} figure(s) already recorded")]
            )
        now = _now()
        db["observation_versions"].insert_all(
            _records(
                changed[list(figure_rules.FIELDS)].assign(recorded_by=me.email, recorded_at=now, source=source, reason=reason)
            )
        )
    return {"new": len(changed) - revised, "revised": revised, "unchanged": len(compared) - len(changed)}


def history(path: Path | str | None = None, measure_id: str | None = None, period: str | None = None) -> pd.DataFrame:
    """Every version of every figure (or of one measure and/or month), newest first.

    Columns: ``version_id, measure_id, measure, period, change`` (``new`` or
    ``revised``), ``old_value, value, old_commentary, commentary,
    old_performance_group, performance_group, recorded_by, recorded_at, source, reason``.
    """
    sql = """
        SELECT * FROM (
            SELECT v.version_id, v.measure_id, m.name AS measure, v.period,
                CASE WHEN lag(v.version_id) OVER w IS NULL THEN 'new' ELSE 'revised' END AS change,
                lag(v.value) OVER w AS old_value, v.value,
                lag(v.commentary) OVER w AS old_commentary, v.commentary,
                lag(v.performance_group) OVER w AS old_performance_group, v.performance_group,
                v.recorded_by, v.recorded_at, v.source, v.reason
            FROM observation_versions v JOIN measures m USING (measure_id)
            WHERE (:measure IS NULL OR v.measure_id = :measure) AND (:period IS NULL OR v.period = :period)
            WINDOW w AS (PARTITION BY v.measure_id, v.period ORDER BY v.version_id)
        ) ORDER BY version_id DESC
    """
    columns = [
        "version_id", "measure_id", "measure", "period", "change", "old_value", "value", "old_commentary",
        "commentary", "old_performance_group", "performance_group", "recorded_by", "recorded_at", "source", "reason",
    ]
    with connect(path) as db:
        rows = list(db.query(sql, {"measure": measure_id, "period": period}))
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("old_value", "value"):
        frame[column] = frame[column].astype(float)
    return frame
