"""Who is using the app, and what they may see (DESIGN.md section 6).

With an ``[auth]`` section in ``.streamlit/secrets.toml``, people sign in with
Streamlit's OIDC sign-in (``st.login``: Microsoft Entra ID or any OpenID
Connect provider) and their e-mail is looked up in the database for their
role; someone signed in but not registered is a viewer. Without ``[auth]`` the
app runs in an explicit local mode: only when bound to 127.0.0.1, with a
banner, and the person is the local administrator ``admin@localhost``.

Pages use this to decide what to show; every write in ``kpicore.store`` checks
the role and ownership again by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import streamlit as st

from kpicore import store
from kpicore.access import Account, PermissionDenied
from kpicore.vocab import Role
from ui import data

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Identity:
    account: Account
    local: bool

    @property
    def email(self) -> str:
        return self.account.email

    @property
    def role(self) -> Role:
        return self.account.role

    @property
    def can_enter_figures(self) -> bool:
        return self.account.role in (Role.DATA_OWNER, Role.ADMIN)


def auth_configured() -> bool:
    """Whether ``[auth]`` is in the secrets (``st.user.is_logged_in`` exists only then)."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except Exception:  # noqa: BLE001 - an unreadable secrets file means no sign-in is configured
        return False


def provider() -> str | None:
    """The named provider of ``[auth.NAME]``, or ``None`` for the unnamed default one."""
    section = st.secrets.get("auth", {})
    return next((key for key, value in section.items() if hasattr(value, "keys")), None)


def local_mode_allowed() -> bool:
    return str(st.get_option("server.address")) in LOOPBACK


def current() -> Identity | None:
    """The person using this session, or ``None`` when they must sign in (or cannot use local mode)."""
    if not auth_configured():
        if not local_mode_allowed():
            return None
        return Identity(store.account(data.database(), store.LOCAL_ADMIN), local=True)
    user = st.user.to_dict()
    if not user.get("is_logged_in"):
        return None
    email = user.get("email") or user.get("preferred_username") or ""
    try:
        account = store.account(data.database(), email)
    except PermissionDenied:
        return None
    if user.get("name") and not account.name:
        account = Account(account.email, account.role, str(user["name"]), account.measures, account.registered)
    return Identity(account, local=False)


def sign_in() -> None:
    """The only page shown to someone not signed in."""
    st.title("Children's services performance")
    if not auth_configured():
        st.error(
            "Sign-in is not configured, and local mode is only allowed when the app listens on 127.0.0.1. "
            "Start it with `--server.address 127.0.0.1`, or configure `[auth]` in `.streamlit/secrets.toml` "
            "(see the README)."
        )
        return
    user = st.user.to_dict()
    if user.get("is_logged_in"):
        st.error("Your sign-in did not give an e-mail address, so your role cannot be found. Ask an administrator.")
        st.button("Sign out", on_click=st.logout)
        return
    st.write("Sign in with your council account to see the scorecard and submit figures.")
    st.button("Sign in", type="primary", on_click=st.login, args=(provider(),) if provider() else ())


def banner(identity: Identity) -> None:
    """Say who is signed in and in which role; local mode says so plainly."""
    if identity.local:
        st.caption(
            f":material/lock: Local mode: you are the {identity.account.label.lower()} {identity.email}; "
            "the app listens on 127.0.0.1 only."
        )
        return
    left, right = st.columns([6, 1], vertical_alignment="center")
    who = plain(identity.account.name or identity.email)
    left.caption(f":material/person: Signed in as {who} ({plain(identity.email)}), {identity.account.label.lower()}.")
    right.button("Sign out", on_click=st.logout, key="sign_out")


def plain(text: str) -> str:
    """Text from outside (a name, an e-mail) shown literally in Markdown: its markup characters escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~:$])", r"\\\1", text)


def require(*roles: Role) -> Identity:
    """The current identity if it has one of ``roles``; otherwise explain and stop the page."""
    identity = current()
    if identity is None or identity.role not in roles:
        st.error("This page is not available to you: ask an administrator if you need it.")
        st.stop()
    return identity
