"""Who is using the app, and what they may see (DESIGN.md section 6). Sign-in fails closed.

With an ``[auth]`` section in ``secrets.toml``, people sign in with Streamlit's
OIDC sign-in (``st.login``: Microsoft Entra ID or any OpenID Connect provider)
and their e-mail is looked up in the database for their role. The ID token must
be for this app's client (``aud``), its e-mail must not be the local
administrator's, and must be verified where the provider says whether it is
(``kpicore.access.provider_email``). Someone signed
in but not registered is refused, naming whom to ask, unless ``[kpi]
unregistered = "viewer"`` lets them read.

A ``secrets.toml`` that exists but cannot be read, or whose ``[auth]`` or
``[kpi]`` is incomplete or wrong, stops the app: every page shows only an error
naming the file and the key (and it is logged). It never falls back to local
mode.

Local mode (no ``[auth]``) is explicit: the environment variable
``KPI_LOCAL_MODE=1`` (``make run`` sets it), the server bound to loopback, and
each session's ``Host`` header ``127.0.0.1``, ``localhost`` or ``[::1]`` (any
port), so that a page on another site cannot reach it by DNS rebinding. The
person is then the local administrator ``admin@localhost``. Without either,
a page says how to configure one.

Pages use this to decide what to show; every write in ``kpicore.store`` checks
the role and ownership again by itself.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

from kpicore import store
from kpicore.access import LOCAL_ADMIN, Account, PermissionDenied, normalise_email, provider_email
from kpicore.vocab import Role
from ui import data

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LOCAL_MODE = "KPI_LOCAL_MODE"
"""The environment variable that turns local mode on (``1``) when no ``[auth]`` is configured."""
UNREGISTERED = ("refuse", "viewer")
"""``[kpi] unregistered``: what an unregistered signed-in person gets (the first is the default)."""
COOKIE_SECRET_MIN = 32  # characters: the cookie secret signs the identity cookie
SECTIONS = {"auth", "kpi"}
PROVIDER_KEYS = {"client_id", "client_secret", "server_metadata_url", "client_kwargs"}
REQUIRED_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
AUTH_KEYS = {"redirect_uri", "cookie_secret", "expose_tokens"} | PROVIDER_KEYS
KPI_KEYS = {"unregistered", "contact"}
_LOOPBACK_HOST = re.compile(r"(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?", re.IGNORECASE)
_LOG = logging.getLogger(__name__)
_logged: set[str] = set()


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


@dataclass(frozen=True)
class SignInSettings:
    """What ``secrets.toml`` configures: sign-in through one provider, and the app's ``[kpi]`` settings."""

    provider: str | None  # the name of ``[auth.NAME]``, or None for the unnamed provider in ``[auth]``
    client_id: str  # the audience every ID token must name
    unregistered: str = UNREGISTERED[0]
    contact: str | None = None


class Misconfigured(Exception):
    """``secrets.toml`` cannot be read, or a key in it is missing or wrong: the app must not run."""

    def __init__(self, key: str | None, problem: str, files: str | None = None):
        super().__init__(key, problem)
        self.key, self.problem, self.files = key, problem, files

    def __str__(self) -> str:
        files = self.files or "`.streamlit/secrets.toml`"
        return f"In {files}: `{self.key}` {self.problem}" if self.key else f"{files} {self.problem}"


@dataclass(frozen=True)
class Refusal:
    """Why nobody may use the app in this session, as the only page shown."""

    message: str
    kind: str  # "misconfigured", "unconfigured", "local", "sign in", "refused"


# --- reading and checking secrets.toml (pure: the secrets as a mapping) -----------------------------


def check_secrets(secrets: Mapping, base_path: str = "", port: int = 8501) -> SignInSettings | None:
    """What ``secrets`` configure: ``None`` without ``[auth]``; raise ``Misconfigured`` naming the
    first key that is missing or wrong."""
    for key in secrets:
        if key not in SECTIONS:
            raise Misconfigured(key, "is not a section this app reads: only `[auth]` and `[kpi]` belong here.")
    unregistered, contact = _check_kpi(_section(secrets, "kpi"))
    if "auth" not in secrets:
        return None
    auth = _section(secrets, "auth")
    provider, section = _provider_section(auth)
    _check_redirect_uri(auth.get("redirect_uri"), base_path, port)
    secret = auth.get("cookie_secret")
    if not isinstance(secret, str) or len(secret.strip()) < COOKIE_SECRET_MIN:
        raise Misconfigured("auth.cookie_secret", _missing_or(
            secret, f"must be a random string of at least {COOKIE_SECRET_MIN} characters "
            "(`python -c 'import secrets; print(secrets.token_hex(32))'`)."))
    _check_provider(section, f"auth.{provider}" if provider else "auth")
    return SignInSettings(provider, section["client_id"], unregistered, contact)


def _check_provider(section: Mapping, prefix: str) -> None:
    for key in REQUIRED_PROVIDER_KEYS:
        value = section.get(key)
        if not isinstance(value, str) or not value.strip():
            raise Misconfigured(f"{prefix}.{key}", _missing_or(value, "must be a non-empty string."))
    if not _secure_url(section["server_metadata_url"]):
        raise Misconfigured(f"{prefix}.server_metadata_url",
                            "must be an https:// address (http:// only on 127.0.0.1 or localhost).")
    if not isinstance(section.get("client_kwargs", {}), Mapping):
        raise Misconfigured(f"{prefix}.client_kwargs", 'must be a table, such as `{ prompt = "select_account" }`.')


def _section(secrets: Mapping, name: str) -> Mapping:
    section = secrets.get(name, {})
    if not isinstance(section, Mapping):
        raise Misconfigured(name, f"must be a section (`[{name}]`), not a single value.")
    return section


def _missing_or(value: object, problem: str) -> str:
    return "is missing." if value is None else problem


def _check_kpi(kpi: Mapping) -> tuple[str, str | None]:
    for key in kpi:
        if key not in KPI_KEYS:
            raise Misconfigured(f"kpi.{key}", f"is not a setting: `[kpi]` has only {' and '.join(sorted(KPI_KEYS))}.")
    unregistered = kpi.get("unregistered", UNREGISTERED[0])
    if unregistered not in UNREGISTERED:
        raise Misconfigured("kpi.unregistered", f"must be \"refuse\" (the default) or \"viewer\", not {unregistered!r}.")
    contact = kpi.get("contact")
    if contact is not None:
        try:
            contact = normalise_email(str(contact))
        except ValueError:
            raise Misconfigured("kpi.contact", f"must be an e-mail address, not {contact!r}.") from None
    return unregistered, contact


def _check_redirect_uri(uri: object, base_path: str, port: int) -> None:
    """Streamlit's sign-in answers at the app's address + ``/oauth2callback`` only."""
    key = "auth.redirect_uri"
    if not isinstance(uri, str):
        raise Misconfigured(key, _missing_or(uri, "must be a string."))
    expected = "/" + "/".join(part for part in (base_path.strip("/"), "oauth2callback") if part)
    parts = urlsplit(uri.replace("{port}", str(port)))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Misconfigured(key, f"must be the app's full address followed by `{expected}`, such as "
                            f"`https://performance.example.gov.uk{expected}`.")
    if parts.path != expected or parts.query or parts.fragment:
        raise Misconfigured(key, f"must end in exactly `{expected}` (Streamlit's sign-in answers only there), "
                            f"not `{parts.path or '/'}`.")
    if not _secure_url(uri.replace("{port}", str(port))):
        raise Misconfigured(key, "must be an https:// address (http:// only on 127.0.0.1 or localhost).")


def _secure_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(parts.hostname) and (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK))


def _provider_section(auth: Mapping) -> tuple[str | None, Mapping]:
    """The one provider: unnamed (its keys in ``[auth]``) or named (``[auth.NAME]``)."""
    named = [key for key, value in auth.items() if isinstance(value, Mapping) and key != "client_kwargs"]
    for key in auth:
        if key not in AUTH_KEYS and key not in named:
            raise Misconfigured(f"auth.{key}", "is not a sign-in setting (a misspelt key?).")
    if len(named) > 1:
        raise Misconfigured("auth", f"names {len(named)} providers ({', '.join(named)}): the app signs in with one.")
    if not named:
        return None, auth
    name = named[0]
    both = sorted(PROVIDER_KEYS & set(auth))
    if both:
        raise Misconfigured(f"auth.{both[0]}", f"belongs in `[auth.{name}]` only: the provider is named.")
    if "_" in name:
        raise Misconfigured(f"auth.{name}", "a provider's name cannot contain `_` (Streamlit refuses it).")
    for key in auth[name]:
        if key not in PROVIDER_KEYS:
            raise Misconfigured(f"auth.{name}.{key}", "is not a provider setting (a misspelt key?).")
    return name, auth[name]


def loopback_request(headers: Mapping[str, str]) -> bool:
    """Whether the session's request came to a loopback name (``Host``, any port).

    No headers at all means no HTTP request behind the session (``AppTest``, or the script run
    bare): nothing from a browser to check. A browser's request always has headers; among them a
    ``Host`` that is missing or names anything else is refused.
    """
    if not headers:
        return True
    host = {key.lower(): value for key, value in headers.items()}.get("host") or ""
    return bool(_LOOPBACK_HOST.fullmatch(host.strip()))


# --- the secrets Streamlit has loaded, and the files behind them -----------------------------------


def _secrets_files() -> list[Path]:
    return [Path(p) for p in st.get_option("secrets.files") if Path(p).exists()]


def sign_in_settings() -> SignInSettings | None:
    """What ``secrets.toml`` configures (``None``: no ``[auth]``); raise ``Misconfigured``."""
    files = ", ".join(f"`{path}`" for path in _secrets_files()) or None
    if not st.secrets.load_if_toml_exists():  # no file at all, or one Streamlit could not load
        if files:
            raise _unreadable(files)
        return None
    try:
        return check_secrets(st.secrets.to_dict(), str(st.get_option("server.baseUrlPath") or ""),
                             int(st.get_option("server.port")))
    except Misconfigured as problem:
        problem.files = files
        raise


def _unreadable(files: str) -> Misconfigured:
    for path in _secrets_files():
        if path.is_file():
            try:
                tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
                return Misconfigured(None, f"is not valid TOML: {error}.", f"`{path}`")
    return Misconfigured(None, "cannot be loaded (a path that is neither a `.toml` file nor a folder of secrets?).", files)


def provider() -> str | None:
    """The named provider of ``[auth.NAME]``, or ``None`` for the unnamed default one."""
    settings = sign_in_settings()
    return settings.provider if settings else None


def local_mode_allowed() -> bool:
    return str(st.get_option("server.address")) in LOOPBACK


# --- who is using this session -------------------------------------------------------------------


def status() -> Identity | Refusal:
    """The person using this session, or why nobody may use the app in it."""
    try:
        settings = sign_in_settings()
    except Misconfigured as problem:
        message = f"Sign-in is misconfigured, so the app will not run. {problem} See the README, \"Sign-in and roles\"."
        if message not in _logged:
            _logged.add(message)
            _LOG.error("%s", message)
        return Refusal(message, "misconfigured")
    if settings is None:
        return _local()
    return _signed_in(settings)


def current() -> Identity | None:
    """The person using this session, or ``None`` when they must sign in or are refused."""
    found = status()
    return found if isinstance(found, Identity) else None


def _local() -> Identity | Refusal:
    if os.environ.get(LOCAL_MODE) != "1":
        return Refusal(
            "Sign-in is not configured and local mode is off, so nobody can use the app. "
            f"To try it on this computer, start it with `make run` (which sets `{LOCAL_MODE}=1` and listens on "
            "127.0.0.1). To serve it to others, configure sign-in: an `[auth]` section in "
            "`.streamlit/secrets.toml` (see the README, \"Sign-in and roles\").",
            "unconfigured",
        )
    if not local_mode_allowed():
        return Refusal(
            "Sign-in is not configured, and local mode is only allowed when the app listens on 127.0.0.1. "
            "Start it with `--server.address 127.0.0.1`, or configure `[auth]` in `.streamlit/secrets.toml` "
            "(see the README).",
            "local",
        )
    if not loopback_request(st.context.headers):
        return Refusal(
            "This app runs in local mode, which answers only at 127.0.0.1 or localhost: it was reached as "
            f"`{str(st.context.headers.get('host', ''))[:100].replace('`', chr(39))}`, so nothing is shown. "
            f"Open it at http://127.0.0.1:{st.get_option('server.port')}/ on the computer it runs on.",
            "local",
        )
    return Identity(store.account(data.database(), LOCAL_ADMIN), local=True)


def _signed_in(settings: SignInSettings) -> Identity | Refusal:
    user = st.user.to_dict()
    if not user.get("is_logged_in"):
        return Refusal("Sign in with your council account to see the scorecard and submit figures.", "sign in")
    try:
        email = provider_email(user, settings.client_id)
    except PermissionDenied as why:
        return Refusal(f"{plain(str(why))}. Sign out, and sign in with your council account.", "refused")
    account = store.account(data.database(), email)
    if not account.registered and settings.unregistered == "refuse":
        return Refusal(_unregistered(email, settings.contact), "refused")
    if user.get("name") and not account.name:
        account = Account(account.email, account.role, str(user["name"]), account.measures, account.registered)
    return Identity(account, local=False)


def _unregistered(email: str, contact: str | None) -> str:
    """The polite refusal of someone signed in but not registered, naming whom to ask."""
    if contact:
        ask = contact
    else:
        people = store.users(data.database())
        admins = people.loc[(people["role"] == Role.ADMIN.value) & (people["email"] != LOCAL_ADMIN), "email"]
        ask = " or ".join(admins.tolist())
    said = f"You are signed in as {plain(email)}, but you are not registered to use this dashboard yet. "
    if ask:
        return said + f"Please ask {plain(ask)} to register you; then sign in again."
    return said + (
        "No administrator is registered yet: whoever runs the app can register you with "
        "`python -m kpicore users add EMAIL --role viewer`."
    )


# --- what each refusal looks like ------------------------------------------------------------------


def sign_in() -> None:
    """The only page shown to someone not signed in, refused, or when the app must not run."""
    found = status()
    if isinstance(found, Identity):  # not shown: streamlit_app.py shows an identity its pages
        return
    if found.kind == "misconfigured":  # nothing but the error
        st.error(found.message, icon=":material/block:")
        return
    st.title("Children's services performance")
    if found.kind == "sign in":
        st.write(found.message)
        name = provider()
        st.button("Sign in", type="primary", on_click=st.login, args=(name,) if name else ())
        return
    st.error(found.message)
    if found.kind == "refused":
        st.button("Sign out", on_click=st.logout)


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
