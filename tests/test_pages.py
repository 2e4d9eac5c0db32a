"""Every page renders on the shipped data, and its downloads carry what it shows."""

import io

import pandas as pd

from kpicore import scorecard


def test_scorecard_page_renders_every_area(app, snapshot):
    at = app("pages/scorecard.py")
    assert not at.exception
    assert at.title[0].value == "Scorecard"
    assert [s.value for s in at.subheader] == snapshot.areas["name"].tolist()
    assert len(at.dataframe) == 10
    assert sum(len(frame.value) for frame in at.dataframe) == 84


def test_scorecard_download_is_the_cli_scorecard(app, snapshot):
    at = app("pages/scorecard.py")
    files = app.downloads(at)
    assert files["download_csv"] == scorecard.to_csv(scorecard.build(snapshot, "2022-11"))
    assert files["download_xlsx"][:2] == b"PK"


def test_choosing_an_earlier_period_moves_the_window(app):
    at = app("pages/scorecard.py")
    at.selectbox(key="period").set_value("2022-06").run()
    assert not at.exception
    frame = pd.read_csv(io.BytesIO(app.downloads(at)["download_csv"]))
    assert frame.columns[8] == "2021-06" and "2022-06" in frame.columns and "2022-07" not in frame.columns


def test_cells_carry_a_symbol_as_well_as_a_colour(app):
    at = app("pages/scorecard.py")
    first = at.dataframe[0].value
    assert first.loc[0, "Nov-22"] == "77.6% ‼"
    assert first.loc[5, "Nov-22"] == "85.7% ✔"
