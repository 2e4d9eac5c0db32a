"""Creating a new database from the shipped dataset (``python -m kpicore init``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlite_utils import Database

from kpicore.access import LOCAL_ADMIN
from kpicore.files.dataset import DATA_DIR, read_dataset
from kpicore.rules import Settings
from kpicore.store.database import default_path, migrate, now, records
from kpicore.vocab import Role


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
        migrate(temporary)
        db = Database(temporary)
        db.execute("PRAGMA foreign_keys = ON")
        stamp = now()
        with db.atomic():
            db["areas"].insert_all(records(tables["areas"]))
            db["measures"].insert_all(records(tables["measures"]))
            db["targets"].insert_all(records(tables["targets"]))
            observations = tables["observations"].assign(
                recorded_by=user, recorded_at=stamp, source="init", reason="Loaded from the shipped dataset"
            )
            db["observation_versions"].insert_all(records(observations))
            db["users"].insert({"email": LOCAL_ADMIN, "name": "Local administrator", "role": Role.ADMIN.value})
            db["settings"].insert_all([{"key": key, "value": value} for key, value in vars(Settings()).items()])
        db.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return {name: len(frame) for name, frame in tables.items()}
