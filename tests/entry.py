"""Helpers for the data-entry tests: a writable database with owners, and a full export to compare."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from kpicore import store
from tests.files.make_files import NOT_OWNED, OWNED

FILES = Path(__file__).resolve().parent / "files"
ADMIN = store.LOCAL_ADMIN
OWNER = "owner@council.gov.uk"
OTHER = "other@council.gov.uk"
VIEWER = "viewer@council.gov.uk"
STRANGER = "stranger@council.gov.uk"
_template: Path | None = None
SIGNED_IN_ADMIN = "head.of.performance@council.gov.uk"  # an administrator who signs in through the provider
# (admin@localhost, ADMIN, is local mode's and the command line's: the provider can never give it)
AUTH = {  # an [auth] section for AppTest's secrets: sign-in configured, never contacted
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only-cookie-secret-of-32-chars-or-more",
    "client_id": "test-client",
    "client_secret": "test-secret",
    "server_metadata_url": "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration",
}



def writable_db(folder: Path) -> Path:
    """A fresh copy of the shipped database with an owner of ``OWNED``, another owner of
    ``NOT_OWNED`` and a viewer (made once per run, copied per test)."""
    global _template
    if _template is None:
        _template = Path(tempfile.mkdtemp(prefix="kpi-entry-")) / "kpi.sqlite"
        store.initialise(_template)
        store.save_user(_template, OWNER, role="data_owner", name="Olive Owner", user=ADMIN)
        store.set_measures(_template, OWNER, OWNED, user=ADMIN)
        store.save_user(_template, OTHER, role="data_owner", name="Otto Other", user=ADMIN)
        store.set_measures(_template, OTHER, [NOT_OWNED], user=ADMIN)
        store.save_user(_template, VIEWER, role="viewer", name="Vera Viewer", user=ADMIN)
        with sqlite3.connect(_template) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = folder / "kpi.sqlite"
    shutil.copy(_template, path)
    return path


def dump(path: Path) -> list[str]:
    """Every table's content, as SQL: two equal dumps mean nothing at all was written."""
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()
