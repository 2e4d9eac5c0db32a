"""People and the catalogue's administrative records: users and the measures they own, locked
(signed-off) months, SPC re-bases, and the log of administrators' changes.

Every write checks the acting person's role here, inside its transaction, whatever
a page has already shown or hidden.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from sqlite_utils import Database

from kpicore import access
from kpicore.access import Account, PermissionDenied
from kpicore.periods import parse_period
from kpicore.store.database import connect, now, writing
from kpicore.vocab import Role


def account_in(db: Database, email: str) -> Account:
    """The person with this e-mail as ``db`` knows them (an unregistered person is a viewer)."""
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
def as_admin(path: Path | str | None, user: str, doing: str) -> Iterator[tuple[Database, Account]]:
    """One write transaction on behalf of ``user``, who must be an administrator (``PermissionDenied``)."""
    with writing(path) as db:
        me = account_in(db, user)
        access.require_admin(me, doing)
        yield db, me


def required_reason(reason: str | None, doing: str) -> str:
    """The reason without surrounding spaces; a blank one is refused."""
    text = (reason or "").strip()
    if not text:
        raise ValueError(f"a reason is required to {doing}")
    return text


def _log(db: Database, by: str, action: str, subject: str, detail: str | None = None) -> None:
    db["admin_events"].insert(
        {"recorded_at": now(), "recorded_by": by, "action": action, "subject": subject, "detail": detail}
    )


def account(path: Path | str | None, email: str) -> Account:
    """The person with this e-mail as the database knows them (an unregistered person is a viewer)."""
    with connect(path) as db:
        return account_in(db, email)


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
    with as_admin(path, user, "manage users") as (db, me):
        email, role = access.normalise_email(email), Role(role)
        existing = account_in(db, email)
        if existing.is_admin and role is not Role.ADMIN and _admins(db) == 1:
            raise PermissionDenied(f"{email} is the last administrator: make someone else an administrator first")
        db["users"].upsert({"email": email, "name": (name or "").strip() or existing.name, "role": role.value}, pk="email")
        if role is Role.VIEWER:
            db.execute("DELETE FROM measure_owners WHERE email = ?", [email])
        _log(db, me.email, "save_user", email, f"role {role.value}")


def remove_user(path: Path | str | None, email: str, *, user: str) -> None:
    """Remove a person and their ownership (administrators only; never the last administrator)."""
    with as_admin(path, user, "manage users") as (db, me):
        email = access.normalise_email(email)
        existing = account_in(db, email)
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
    with as_admin(path, user, "change who owns a measure") as (db, me):
        email = access.normalise_email(email)
        person = account_in(db, email)
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
        return sorted(account_in(db, email).measures)


def locks(path: Path | str | None = None) -> pd.DataFrame:
    """The signed-off (locked) months: ``period, locked_by, locked_at, reason``."""
    with connect(path) as db:
        return pd.DataFrame(
            list(db.query("SELECT * FROM locked_periods ORDER BY period")),
            columns=["period", "locked_by", "locked_at", "reason"],
        )


def lock(path: Path | str | None, period: str, *, user: str, reason: str) -> None:
    """Lock a signed-off month (administrators only, with a reason)."""
    with as_admin(path, user, "lock a month") as (db, me):
        period = parse_period(period)
        reason = required_reason(reason, "lock a month")
        db["locked_periods"].upsert(
            {"period": period, "locked_by": me.email, "locked_at": now(), "reason": reason}, pk="period"
        )
        _log(db, me.email, "lock", period, reason)


def unlock(path: Path | str | None, period: str, *, user: str, reason: str) -> None:
    """Unlock a month (administrators only, with a reason)."""
    with as_admin(path, user, "unlock a month") as (db, me):
        period = parse_period(period)
        reason = required_reason(reason, "unlock a month")
        db.execute("DELETE FROM locked_periods WHERE period = ?", [period])
        _log(db, me.email, "unlock", period, reason)


def rebase(path: Path | str | None, measure_id: str, period: str, *, user: str, reason: str) -> None:
    """Start a new SPC group for ``measure_id`` from ``period`` (administrators only, with a reason)."""
    with as_admin(path, user, "re-base a measure's SPC chart") as (db, me):
        period = parse_period(period)
        reason = required_reason(reason, "re-base a measure's SPC chart")
        if not db["measures"].count_where("measure_id = ?", [measure_id]):
            raise ValueError(f"'{measure_id}' is not a measure of the catalogue")
        db["spc_rebases"].upsert(
            {"measure_id": measure_id, "period": period, "reason": reason, "recorded_by": me.email,
             "recorded_at": now()},
            pk=("measure_id", "period"),
        )
        _log(db, me.email, "rebase", f"{measure_id} {period}", reason)


def remove_rebase(path: Path | str | None, measure_id: str, period: str, *, user: str, reason: str) -> None:
    """Remove a recorded SPC re-base (administrators only, with a reason)."""
    with as_admin(path, user, "remove a re-base") as (db, me):
        period = parse_period(period)
        reason = required_reason(reason, "remove a re-base")
        db.execute("DELETE FROM spc_rebases WHERE measure_id = ? AND period = ?", [measure_id, period])
        _log(db, me.email, "remove_rebase", f"{measure_id} {period}", reason)


def admin_events(path: Path | str | None = None) -> pd.DataFrame:
    """Administrators' changes to users, ownership and locks, newest first."""
    with connect(path) as db:
        return pd.DataFrame(
            list(db.query("SELECT * FROM admin_events ORDER BY event_id DESC")),
            columns=["event_id", "recorded_at", "recorded_by", "action", "subject", "detail"],
        )
