"""Write ``tests/files/release-2026-11-28.sqlite``: a database as the release before the catalogue
change (migrations m001-m003, commit b296d5b) wrote it, with something in every table that a later
migration must keep: figure versions from ``init``, a revised and a new figure submitted through the
command line's path, a data owner with two measures and a viewer, a locked month, an SPC re-base and
the administrators' log. ``tests/test_upgrade.py`` opens a copy with the current code.

The file must be written by the OLD code, never by the working tree: keep a separate checkout of
that release and put it first on the path, with the project's virtualenv. From the project's root::

    git worktree add /tmp/release-before b296d5b
    PYTHONPATH=/tmp/release-before .venv/bin/python tests/files/make_release_fixture.py \\
        tests/files/release-2026-11-28.sqlite
    git worktree remove --force /tmp/release-before

The script checks that the code it imports is that release's (migrations m001-m003 exactly) and
refuses to overwrite an existing file. It uses that release's shipped dataset as it is: the file is
about 370 KB after ``VACUUM``, in WAL mode as the release leaves a database, with the WAL
checkpointed into it (no ``-wal`` or ``-shm`` beside it).
"""

from __future__ import annotations

import datetime
import sqlite3
import sys
from pathlib import Path

import pandas as pd
from sqlite_utils import Database

import kpicore
from kpicore import store
from kpicore.store.migrations import migrations

ADMIN = store.LOCAL_ADMIN
OWNER = "owner@council.gov.uk"
VIEWER = "viewer@council.gov.uk"
REVISED = "initial-contact-decisions-made-within"  # has figures up to 2022-11
COMPARED = "icpcs-that-took-place-within-15-w-days"  # has a comparator in this release
RELEASE_MIGRATIONS = ["m001_catalogue_and_observations", "m002_owners_locks_and_audit", "m003_spc_rebases"]


def make(path: Path) -> None:
    names = [m.name for m in migrations.pending(Database(memory=True))]
    if names != RELEASE_MIGRATIONS:
        raise SystemExit(
            f"run this with the old release's code first on PYTHONPATH: {kpicore.__file__} has migrations {names}"
        )
    if path.exists():
        raise SystemExit(f"{path} exists: remove it first")
    store.initialise(path)
    store.save_user(path, OWNER, role="data_owner", name="Data Owner", user=ADMIN)
    store.save_user(path, VIEWER, role="viewer", name="Viewer", user=ADMIN)
    store.set_measures(path, OWNER, [REVISED, COMPARED], user=ADMIN)
    figures = pd.DataFrame(
        [
            # a revision of a figure loaded by init (77.6 -> 78.1), with commentary and a group
            {"measure_id": REVISED, "period": "2022-11", "value": 78.1,
             "commentary": "Late returns from one team added", "performance_group": "Fair"},
            # a figure for a month init did not have
            {"measure_id": REVISED, "period": "2022-12", "value": 80.2, "commentary": None, "performance_group": None},
        ]
    )
    counts = store.record_figures(
        path, figures, user=OWNER, source="cli", reason="Late returns corrected", today=datetime.date(2023, 1, 15)
    )
    assert counts == {"new": 1, "revised": 1, "unchanged": 0}, counts
    store.lock(path, "2022-10", user=ADMIN, reason="Signed off at the October performance board")
    store.rebase(path, COMPARED, "2022-04", user=ADMIN, reason="New S47 recording practice from April")
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("VACUUM")
    finally:
        connection.close()
    for suffix in ("-wal", "-shm"):
        if Path(f"{path}{suffix}").exists():
            raise SystemExit(f"{path}{suffix} was left behind")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(f"usage: {sys.argv[0]} OUTPUT.sqlite")
    make(Path(sys.argv[1]))
    print(f"Wrote {sys.argv[1]} ({Path(sys.argv[1]).stat().st_size} bytes)")
