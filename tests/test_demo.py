"""The synthetic dataset of ``python -m kpicore demo``: the same seed gives the same data; it holds what
a benchmark and a trial at scale need (every unit and polarity, quarterly measures at quarter ends only,
targets changing each April, gaps, real SPC signals); it loads through the validated path."""

import pandas as pd
import pytest

from kpicore import store
from kpicore.cli import main
from kpicore.files.demo import demo_dataset
from kpicore.reports import scorecard
from kpicore.spc import analyse_many


@pytest.fixture(scope="module")
def tables():
    return demo_dataset(300, 36, seed=11, end="2026-10")


def test_the_same_seed_gives_the_same_tables_and_another_seed_does_not(tables):
    again = demo_dataset(300, 36, seed=11, end="2026-10")
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, again[name])
    other = demo_dataset(300, 36, seed=12, end="2026-10")
    assert not other["observations"]["value"].equals(tables["observations"]["value"])


def test_it_mixes_units_polarities_and_frequencies(tables):
    measures = tables["measures"]
    assert set(measures["unit"]) == {"percent", "count", "rate", "days"}
    assert set(measures["polarity"]) == {"higher", "lower", "neutral"}
    assert set(measures["frequency"]) == {"monthly", "quarterly"}
    assert len(tables["areas"]) == 20 and measures["killer_kpi"].any()


def test_quarterly_measures_have_figures_at_quarter_ends_only(tables):
    quarterly = set(tables["measures"].query("frequency == 'quarterly'")["measure_id"])
    observations = tables["observations"]
    months = observations[observations["measure_id"].isin(quarterly)]["period"].str[5:]
    assert len(months) and set(months) <= {"03", "06", "09", "12"}


def test_targets_change_each_april_and_neutral_measures_have_none(tables):
    targets = tables["targets"]
    assert set(targets["from_period"]) == {"2023-11", "2024-04", "2025-04", "2026-04"}
    neutral = set(tables["measures"].query("polarity == 'neutral'")["measure_id"])
    assert not neutral & set(targets["measure_id"])
    assert targets["tolerance"].notna().all()


def test_there_are_gaps_and_values_stay_within_bounds(tables):
    observations = tables["observations"].merge(tables["measures"], on="measure_id")
    monthly = observations[observations["frequency"] == "monthly"]
    per_measure = monthly.groupby("measure_id").size()
    assert (per_measure < 36).sum() > 10  # missing months
    percent = observations[observations["unit"] == "percent"]["value"]
    assert percent.between(0, 100).all() and (observations["value"] >= 0).all()
    counts = observations[observations["unit"] == "count"]["value"]
    assert (counts == counts.round()).all()


def test_some_series_show_special_cause_variation(tables):
    measures = tables["measures"].set_index("measure_id")
    summary = analyse_many(tables["observations"], improvement=measures["polarity"].to_dict())
    variation = summary["variation"].value_counts()
    special = variation.drop("common_cause").sum()
    assert special > 0.2 * len(summary) and variation["common_cause"] > 0.4 * len(summary), variation


def test_the_command_makes_a_database_the_scorecard_reads_and_refuses_to_replace_one(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--measures", "120", "--months", "24", "--seed", "5", "--end", "2026-10"]) == 0
    assert "120 measures" in capsys.readouterr().out
    snapshot = store.load(path)
    assert len(snapshot.measures) == 120
    assert scorecard.latest_period(snapshot) == "2026-10"
    assert len(scorecard.build(snapshot, "2026-10")) == 120
    before = path.read_bytes()
    assert main(["--db", str(path), "demo", "--measures", "5"]) == 1
    assert "--force" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert main(["--db", str(path), "demo", "--measures", "5", "--force"]) == 0
    assert len(store.load(path).measures) == 5
