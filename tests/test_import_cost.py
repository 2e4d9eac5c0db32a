"""An import costs what it brings: planning and writing a month's return reads the figures of the
measures and months in the file (and the few its bands look back over), not the history stored.

The work is counted in SQLite's own steps (a progress handler on every connection the store opens),
which do not depend on how busy the machine is: a month's return into 120 months of history takes
about the steps it takes into 13 months. The preview read this way is the preview read from the whole
history: the same bands."""

from pathlib import Path

import pandas as pd
import pytest

from kpicore import store
from kpicore.files.csv_writer import write_csv
from kpicore.files.dataset import write_dataset
from kpicore.files.demo import demo_dataset
from kpicore.files.upload.limits import COMMAND_LINE_LIMITS
from kpicore.store import database
from kpicore.workflows import submission

ADMIN = store.LOCAL_ADMIN
MEASURES, END, RETURN = 40, "2026-08", "2026-09"


def _region(folder: Path, months: int) -> tuple[Path, bytes]:
    """A demo database of ``months`` months, and a return for the month after: every monthly measure's
    latest figure given again (as ``make bench`` makes it)."""
    tables = demo_dataset(MEASURES, months, seed=5, end=END)
    (folder / "data").mkdir()
    write_dataset(tables, folder / "data")
    db = folder / "kpi.sqlite"
    store.initialise(db, folder / "data")
    latest = tables["observations"].sort_values("period").groupby("measure_id").tail(1)
    monthly = set(tables["measures"].query("frequency == 'monthly'")["measure_id"])
    figures = latest[latest["measure_id"].isin(monthly)].assign(period=RETURN)
    return db, write_csv(figures[["measure_id", "period", "value"]])


@pytest.fixture(scope="module")
def regions(tmp_path_factory):
    return {months: _region(tmp_path_factory.mktemp(f"months{months}"), months) for months in (13, 120)}


def _steps(monkeypatch, db: Path, data: bytes) -> tuple[int, dict]:
    """SQLite's steps (in hundreds of instructions) to plan and write ``data`` into ``db``, and the counts written."""
    steps = [0]
    real = database._open

    def counting(path):
        opened = real(path)
        opened.conn.set_progress_handler(lambda: steps.__setitem__(0, steps[0] + 1), 100)
        return opened

    monkeypatch.setattr(database, "_open", counting)
    plan = submission.plan_file(db, "return.csv", data, user=ADMIN, source="cli", limits=COMMAND_LINE_LIMITS)
    counts = submission.commit(db, plan, user=ADMIN, previewed=False)
    monkeypatch.undo()
    return steps[0], counts


def test_a_months_return_costs_the_same_into_ten_years_as_into_one(regions, monkeypatch, tmp_path):
    done = {}
    for months, (db, data) in regions.items():
        copy = tmp_path / f"{months}.sqlite"
        store.backup(copy, db)
        done[months] = _steps(monkeypatch, copy, data)
    (short, counts_short), (long, counts_long) = done[13], done[120]
    assert counts_short["new"] == counts_long["new"] > 30 and counts_long["revised"] == 0
    stored = {months: len(store.current_versions(db)) for months, (db, _) in regions.items()}
    assert stored[120] > 8 * stored[13]  # nine times the history ...
    assert long < 1.5 * short, (short, long)  # ... and not half as much work again


def test_the_preview_from_the_figures_around_is_the_preview_from_the_whole_history(regions):
    db, data = regions[120]
    frame = pd.read_csv(pd.io.common.BytesIO(data))
    # the return, some of its figures given again for earlier months (revisions), each measure's span months long
    frame = pd.concat([frame, frame.head(5).assign(period="2026-07"), frame.head(3).assign(period="2026-05")])
    view, current = store.submission_view(db, frame[["measure_id", "period"]])
    whole = store.load(db)
    # each measure's figures from its earliest month in the file to its latest, and the three before
    assert len(view.observations) <= len(set(frame["measure_id"])) * (view.settings.persistence + 5)
    assert len(whole.observations) > 20 * len(view.observations)
    pd.testing.assert_series_equal(submission.bands_for(view, frame), submission.bands_for(whole, frame))
    assert submission.bands_for(view, frame).notna().sum() > 30
    keys = frame[["measure_id", "period"]]
    expected = store.current_versions(db).merge(keys, on=["measure_id", "period"])
    assert sorted(current["version_id"]) == sorted(expected["version_id"]) and len(current) == 8
