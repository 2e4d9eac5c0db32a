"""Who may change what (DESIGN.md section 6).

Viewers read; data owners submit figures for the measures they own; admins do
everything (any measure, users and ownership, locking a signed-off month).
Every write function of ``kpicore.store`` looks the acting person up in the
database and calls these checks itself, whatever a page has already shown or
hidden: a page is never the only guard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kpicore.vocab import Role

LOCAL_ADMIN = "admin@localhost"
"""The administrator of local mode (no sign-in configured) and the command line's default ``--user``;
never someone who signs in through an identity provider (``provider_email``)."""

ROLE_LABEL = {
    Role.VIEWER: "Viewer",
    Role.DATA_OWNER: "Data owner",
    Role.ADMIN: "Administrator",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


class PermissionDenied(PermissionError):
    """The acting person's role or ownership does not allow this; nothing was written."""


def normalise_email(email: str | None) -> str:
    """E-mail addresses compare case-insensitively and without surrounding spaces."""
    text = (email or "").strip().lower()
    if not _EMAIL.match(text):
        raise ValueError(f"'{email}' is not an e-mail address")
    return text


def provider_email(claims: Mapping[str, object], client_id: str | None = None) -> str:
    """The e-mail address of someone signed in through an identity provider, from the claims of
    their ID token (``email``, else ``preferred_username``), normalised.

    Raise ``PermissionDenied`` saying why when the token's audience (``aud``, where present; an ID
    token always has one) does not include ``client_id``, when there is no usable address, when it
    is the local administrator's (which only local mode may be), or when the provider sends
    ``email_verified`` and it is anything but true (``True`` or ``"true"``).
    """
    if client_id is not None and "aud" in claims:
        audience = claims["aud"]
        if client_id not in ([audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []):
            raise PermissionDenied("Your sign-in was issued for another application, not this one")
    try:
        email = normalise_email(str(claims.get("email") or claims.get("preferred_username") or ""))
    except ValueError:
        raise PermissionDenied(
            "Your sign-in did not give an e-mail address, so your role cannot be found"
        ) from None
    if email == LOCAL_ADMIN:
        raise PermissionDenied(
            f"{LOCAL_ADMIN} is the local administrator of local mode: it cannot sign in through an identity provider"
        )
    if "email_verified" in claims and str(claims["email_verified"]).strip().lower() != "true":
        raise PermissionDenied(f"Your identity provider says your e-mail address {email} is not verified")
    return email


@dataclass(frozen=True)
class Account:
    """A person as the database knows them. Someone signed in but not registered is a viewer."""

    email: str
    role: Role = Role.VIEWER
    name: str | None = None
    measures: frozenset[str] = field(default_factory=frozenset)
    registered: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def can_submit(self) -> bool:
        """May submit figures for at least some measures."""
        return self.role is Role.ADMIN or (self.role is Role.DATA_OWNER and bool(self.measures))

    def may_submit(self, measure_id: str) -> bool:
        return self.role is Role.ADMIN or (self.role is Role.DATA_OWNER and measure_id in self.measures)

    def submittable(self, measure_ids: Iterable[str]) -> list[str]:
        """The measures of ``measure_ids`` this person may submit, in the same order."""
        return [m for m in measure_ids if self.may_submit(m)]

    @property
    def label(self) -> str:
        return ROLE_LABEL[self.role]


def require_admin(account: Account, action: str) -> None:
    """Raise ``PermissionDenied`` unless ``account`` is an administrator."""
    if not account.is_admin:
        raise PermissionDenied(f"{account.email} is a {account.label.lower()}: only an administrator may {action}")


def require_submit(account: Account, measure_ids: Iterable[str]) -> None:
    """Raise ``PermissionDenied`` unless ``account`` may submit figures for every measure given."""
    ids = sorted(set(measure_ids))
    if account.role is Role.VIEWER:
        raise PermissionDenied(f"{account.email} is a viewer: viewers cannot submit figures")
    refused = [m for m in ids if not account.may_submit(m)]
    if refused:
        raise PermissionDenied(
            f"{account.email} does not own {len(refused)} of these measures ({', '.join(refused)}); "
            "an administrator can add them to your measures"
        )


def require_locked_write(account: Account, locked: Iterable[str], reason: str | None) -> None:
    """A locked (signed-off) month changes only by an administrator giving a reason."""
    locked = sorted(set(locked))
    if not locked:
        return
    if not account.is_admin:
        raise PermissionDenied(
            f"{', '.join(locked)} signed off and locked: only an administrator can change a locked month"
        )
    if not (reason or "").strip():
        raise PermissionDenied(f"{', '.join(locked)} locked: an administrator must give a reason to change it")
