"""The fast scorecard path gives the figures the plain definitions give, on a demo region with history.

A demo database (``python -m kpicore demo``) is given revised figures, withdrawn figures, figures
given again after a withdrawal, and SPC re-bases; then each fast step is held to its plain
definition: ``store.load`` to the ``observations`` view, the batch SPC icons to ``analyse`` run
one measure at a time (as the explorer does), and the whole scorecard to the same table built
from a snapshot read row by row.
"""

import sqlite3

import numpy as np
import pandas as pd
import pytest

from kpicore import store
from kpicore.cli import main
from kpicore.periods import window
from kpicore.reports import scorecard
from kpicore.reports.explorer import analyse_measure
from kpicore.rules import evaluate, evaluate_recent
from kpicore.snapshot import Snapshot
from kpicore.store.read import OBSERVATION_COLUMNS
from tests.entry import ADMIN

PERIOD = "2026-08"


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    path = tmp_path_factory.mktemp("scale") / "region.sqlite"
    assert main(["--db", str(path), "demo", "--measures", "150", "--months", "48", "--seed", "3", "--end", PERIOD]) == 0
    with sqlite3.connect(path) as db:
        columns = "measure_id, period, value, commentary, performance_group, recorded_by, recorded_at, source, reason"
        later = f"INSERT INTO observation_versions ({columns}) SELECT measure_id, period, {{value}}, {{commentary}}, " \
                "{group}, 'x@council.gov.uk', '2026-09-01T00:00:00', {source}, 'r' FROM observation_versions WHERE {where}"
        db.execute(later.format(value="value + 1.5", commentary="'revised'", group="'Poor'", source="'upload'",
                                where="version_id % 23 = 0"))  # revised
        db.execute(later.format(value="value - 0.25", commentary="NULL", group="'Good'", source="'upload'",
                                where="version_id % 69 = 0"))  # revised twice
        db.execute(later.format(value="NULL", commentary="NULL", group="NULL", source="'withdrawal'",
                                where="version_id % 41 = 5"))  # withdrawn
        db.execute(later.format(value="42.0", commentary="NULL", group="NULL", source="'upload'",
                                where="source = 'withdrawal' AND version_id % 2 = 0"))  # given again
    months = pd.period_range("2023-06", PERIOD, freq="M").strftime("%Y-%m")
    rng = np.random.default_rng(8)
    for measure_id in store.load(path).measures["measure_id"][::3]:
        for period in rng.choice(months, size=int(rng.integers(1, 3)), replace=False):
            store.rebase(path, measure_id, str(period), user=ADMIN, reason="a new process")
    return path


def test_load_reads_the_current_figures_of_the_observations_view(region):
    with sqlite3.connect(region) as db:
        view = pd.read_sql(
            f"SELECT {', '.join(OBSERVATION_COLUMNS)} FROM observations WHERE value IS NOT NULL ORDER BY measure_id, period",
            db,
        )
        withdrawn = db.execute("SELECT count(*) FROM observations WHERE value IS NULL").fetchone()[0]
        revised = db.execute("SELECT count(*) FROM observations WHERE source = 'upload'").fetchone()[0]
    assert withdrawn > 20 and revised > 200  # the cases were really made
    loaded = store.load(region).observations
    assert loaded.index.tolist() == list(range(len(view)))
    pd.testing.assert_frame_equal(loaded, view, check_dtype=False)


def test_the_scorecard_icons_are_analyse_run_one_measure_at_a_time(region):
    snapshot = store.load(region)
    table = scorecard.build(snapshot, PERIOD).set_index("measure_id")
    history = snapshot.observations[snapshot.observations["period"] <= PERIOD]
    polarity = snapshot.measures.set_index("measure_id")["polarity"]
    rebased = 0
    for measure_id, figures in history.groupby("measure_id"):
        periods = snapshot.rebases.loc[snapshot.rebases["measure_id"] == measure_id, "period"].tolist()
        one = analyse_measure(
            figures.sort_values("period").assign(target=table.loc[measure_id, "target"]),
            polarity[measure_id], periods, settings=snapshot.settings,
        )
        expected = [None if one.variation is None else str(one.variation), None if one.assurance is None else str(one.assurance)]
        shown = [None if pd.isna(icon) else icon for icon in table.loc[measure_id, ["variation", "assurance"]]]
        assert shown == expected, measure_id
        rebased += bool(periods)
    assert rebased >= 40


def test_the_scorecard_is_the_same_from_a_snapshot_read_row_by_row(region):
    """The frames built from cursor tuples, and every vectorised rule, give the table that frames
    built one dictionary per row give (the way ``load`` read before)."""
    fast = store.load(region)
    with store.connect(region) as db:
        def rows(sql: str) -> pd.DataFrame:
            return pd.DataFrame([dict(row) for row in db.query(sql)])
        observations = rows("SELECT * FROM observations WHERE value IS NOT NULL ORDER BY measure_id, period")
    slow = Snapshot(fast.areas, fast.measures, fast.targets, observations[OBSERVATION_COLUMNS], fast.settings,
                    fast.data_version, fast.rebases, fast.comparators)
    for period, months in ((PERIOD, 13), ("2025-03", 24)):
        pd.testing.assert_frame_equal(scorecard.build(fast, period, months), scorecard.build(slow, period, months))


def full_then_cut(snapshot: Snapshot, as_at: str, months: int) -> pd.DataFrame:
    """``evaluate`` over the whole history, then the rows the window and the headline show."""
    evaluated = evaluate(snapshot.observations, snapshot.measures, snapshot.targets, snapshot.settings)
    evaluated = evaluated[evaluated["period"] <= as_at]
    latest = evaluated["period"].eq(evaluated.groupby("measure_id")["period"].transform("max"))
    return evaluated[evaluated["period"].isin(window(as_at, months)) | latest]


def same_rows(recent: pd.DataFrame, full: pd.DataFrame) -> None:
    key = ["measure_id", "period"]
    pd.testing.assert_frame_equal(
        recent.sort_values(key).reset_index(drop=True), full.sort_values(key).reset_index(drop=True)[recent.columns]
    )


@pytest.mark.parametrize(("as_at", "months"), [(PERIOD, 13), ("2025-03", 13), ("2024-12", 1), (PERIOD, 24)])
def test_the_scorecard_evaluates_only_recent_figures_and_gets_the_full_history_s_answer(region, as_at, months):
    snapshot = store.load(region)
    recent = evaluate_recent(
        snapshot.observations, snapshot.measures, snapshot.targets, snapshot.settings, as_at, months
    )
    assert len(recent) < len(snapshot.observations) / 2
    same_rows(recent, full_then_cut(snapshot, as_at, months))
    shuffled = snapshot.observations.sample(frac=1.0, random_state=7)
    same_rows(evaluate_recent(shuffled, snapshot.measures, snapshot.targets, snapshot.settings, as_at, months), recent)


def test_the_recent_figures_reach_back_far_enough_for_persistence_and_a_quarter(snapshot):
    """A quarterly measure whose change in the window's quarter is against the quarter before the
    window, and a monthly measure worse (within the margin) in the window's first month and the two
    before it (persistence 3 makes that month significantly worse): evaluating the window's rows
    alone would lose that change and that band."""
    quarterly, monthly = snapshot.measures.iloc[0].copy(), snapshot.measures.iloc[1].copy()
    quarterly[["measure_id", "frequency", "polarity", "dot_threshold"]] = ["q", "quarterly", "higher", 1.0]
    monthly[["measure_id", "frequency", "polarity", "dot_threshold"]] = ["m", "monthly", "higher", 1.0]
    rows = [("q", "2021-06", 50.0), ("q", "2021-09", 60.0), ("q", "2021-12", 70.0),
            ("m", "2021-08", 95.0), ("m", "2021-09", 84.0), ("m", "2021-10", 84.0), ("m", "2021-11", 84.0),
            ("m", "2021-12", 95.0)]
    observations = pd.DataFrame(rows, columns=["measure_id", "period", "value"])
    targets = pd.DataFrame({"measure_id": ["q", "m"], "from_period": ["2021-01"] * 2, "target": [80.0, 90.0],
                            "tolerance": [75.0, 85.0]})
    settings = snapshot.settings
    tiny = Snapshot(snapshot.areas, pd.DataFrame([quarterly, monthly]), targets, observations, settings, 1,
                    snapshot.rebases.iloc[0:0], snapshot.comparators.iloc[0:0])
    recent = evaluate_recent(observations, tiny.measures, targets, settings, "2021-12", 2)
    same_rows(recent, full_then_cut(tiny, "2021-12", 2))
    shuffled = observations.sample(frac=1.0, random_state=2).set_axis(range(100, 100 + len(observations)))
    same_rows(evaluate_recent(shuffled, tiny.measures, targets, settings, "2021-12", 2), recent)  # in any row order
    assert evaluate_recent(observations.iloc[0:0], tiny.measures, targets, settings, "2021-12", 2).empty
    by_key = recent.set_index(["measure_id", "period"])
    assert by_key.loc[("q", "2021-12"), "change"] == 10.0  # the quarter before the window
    assert by_key.loc[("m", "2021-11"), "band"] == "significantly_worse"  # worse (not beyond the margin) in 09, 10 and 11


def test_the_scorecard_reads_only_its_columns_of_the_figures_and_gets_the_same_table(region):
    """The ``scorecard`` command reads the figures' ``FIGURE_COLUMNS`` only: the same table as from the
    whole snapshot, and the columns it does not read are not there to be read by mistake."""
    narrow = store.load(region, scorecard.FIGURE_COLUMNS)
    assert list(narrow.observations.columns) == scorecard.FIGURE_COLUMNS
    for period in (PERIOD, "2025-03"):
        pd.testing.assert_frame_equal(scorecard.build(narrow, period), scorecard.build(store.load(region), period))
