"""Shared fixtures: a database seeded from the shipped dataset, built once per session."""

from pathlib import Path

import pytest

from kpicore import store


@pytest.fixture(scope="session")
def shipped_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("shipped") / "kpi.sqlite"
    store.initialise(path)
    return path


@pytest.fixture(scope="session")
def snapshot(shipped_db) -> store.Snapshot:
    return store.load(shipped_db)
