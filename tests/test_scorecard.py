"""The scorecard reproduces the council's sheet and follows DESIGN.md 3.4 in every month."""

import io
import math

import pandas as pd
import pytest

from kpicore.cli import main
from kpicore.files import legacy
from kpicore.files.csv_writer import write_csv
from kpicore.files.dataset import DATA_DIR, LEGACY_EXPORT
from kpicore.periods import window
from kpicore.reports import scorecard

MONTHS = window("2022-11", 13)


@pytest.fixture(scope="module")
def csv_scorecard(shipped_db, tmp_path_factory) -> pd.DataFrame:
    output = tmp_path_factory.mktemp("cli") / "scorecard.csv"
    assert main(["--db", str(shipped_db), "scorecard", "--period", "2022-11", "--months", "13",
                 "--format", "csv", "--output", str(output)]) == 0
    return pd.read_csv(output, dtype={"killer_kpi": str}, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def seed_rows() -> dict:
    """The sheet's rows by measure id (the id is made from the sheet's wording, which proof-reading keeps)."""
    rows = legacy.read_rows(DATA_DIR / LEGACY_EXPORT)
    return dict(zip(legacy.short_ids([row.name for row in rows]), rows))


def test_columns_are_exactly_as_specified(csv_scorecard):
    expected = [
        "area", "measure_id", "measure", "killer_kpi", "performance_group", "dot", "change", "distance",
        *MONTHS, "target", "tolerance", "comparator", *[f"band_{m}" for m in MONTHS],
    ]
    assert csv_scorecard.columns.tolist()[: len(expected)] == expected
    assert csv_scorecard.columns.tolist()[len(expected):] == scorecard.TRAILING_COLUMNS
    assert set(csv_scorecard["killer_kpi"]) == {"true", "false"}


def test_the_trend_column_judges_each_arrow_by_the_measures_polarity(csv_scorecard):
    """DESIGN.md 3.3: an up arrow on a lower-is-better measure is a deterioration, said beside the arrow."""
    rows = csv_scorecard.set_index("measure_id")
    worse_when_up = rows.loc["children-subject-to-a-cpp-for-more-than-1"]  # lower is better, rose 1.2 pts
    assert (worse_when_up["dot"], worse_when_up["change"], worse_when_up["trend"]) == ("↑", 1.2, "worsening")
    assert rows.loc["children-in-care-who-have-had-a-missing", "trend"] == "no change"
    judged = csv_scorecard.dropna(subset=["change"])
    assert set(judged["trend"]) == {"improving", "worsening", "no change"}
    assert csv_scorecard.loc[csv_scorecard["change"].isna(), "trend"].isna().all()


def same(ours, theirs, tolerance=0.0) -> bool:
    if theirs is None or (isinstance(theirs, float) and math.isnan(theirs)):
        return pd.isna(ours)
    return not pd.isna(ours) and abs(float(ours) - float(theirs)) <= tolerance + 1e-9


def test_every_seed_figure_is_reproduced(csv_scorecard, seed_rows):
    assert len(csv_scorecard) == 84
    for record in csv_scorecard.to_dict("records"):
        seed = seed_rows[record["measure_id"]]
        name = record["measure"]
        for month in MONTHS:
            assert same(record[month], seed.values.get(month)), (name, month)
        assert same(record["target"], seed.target), name
        assert same(record["tolerance"], seed.tolerance) or name.endswith("more than 1 year"), name
        assert record["killer_kpi"] == ("true" if seed.killer_kpi else "false"), name
        assert (record["performance_group"] if isinstance(record["performance_group"], str) else "") == seed.performance_group
        assert (record["dot"] if isinstance(record["dot"], str) else "") == seed.dot, name
        # the sheet computed change and distance from unrounded figures
        assert same(record["change"], seed.change, 0.15), name
        assert same(record["distance"], seed.distance, 0.15), name


def test_the_corrected_tolerance_is_the_only_difference(csv_scorecard):
    cpp = csv_scorecard.set_index("measure").loc["% of children subject to a CPP for more than 1 year"]
    assert (cpp["target"], cpp["tolerance"]) == (10, 10.5)


def reference_band(values: list, target, tolerance, polarity) -> str:
    """DESIGN.md 3.4 written out literally, one value at a time."""
    value = values[-1]
    if value is None:
        return "no_data"
    if target is None or math.isnan(target):
        return "no_target"
    sign = 1 if polarity == "higher" else -1

    def worse(v):
        limit = target if tolerance is None or math.isnan(tolerance) else tolerance
        return round(sign * (v - limit), 9) < 0

    if round(sign * (value - target), 9) >= 0:
        return "met"
    if not worse(value):
        return "within_tolerance"
    gap = target * 0.05 if tolerance is None or math.isnan(tolerance) else abs(target - tolerance)
    beyond = round(sign * (value - target), 9) < -round(2 * gap, 9)
    reported = [v for v in values if v is not None][-3:]
    persistent = len(reported) == 3 and all(worse(v) for v in reported)
    return "significantly_worse" if beyond or persistent else "worse"


def test_every_months_band_follows_the_rules(csv_scorecard, snapshot):
    polarity = snapshot.measures.set_index("measure_id")["polarity"]
    for row in csv_scorecard.to_dict("records"):
        history = []
        for month in MONTHS:
            value = row[month]
            history.append(None if pd.isna(value) else float(value))
            tolerance = row["tolerance"]
            expected = reference_band(history, row["target"], tolerance, polarity[row["measure_id"]])
            assert row[f"band_{month}"] == expected, (row["measure_id"], month)


def test_known_bands_of_the_sheet(csv_scorecard):
    by_id = csv_scorecard.set_index("measure_id")
    assert by_id.loc["initial-decisions-for-red-rated-contacts", "band_2022-11"] == "within_tolerance"
    assert by_id.loc["children-subject-to-a-cpp-for-more-than-2", "band_2022-11"] == "met"  # 1.9 <= 2, lower is better
    assert by_id.loc["utilisation-of-available-in-house-foster", "band_2022-01"] == "met"  # 100.4% is allowed
    assert by_id.loc["cases-judged-as-inadequate", "band_2022-11"] == "met"  # 7 <= 9, no tolerance
    assert by_id.loc["quality-of-assessment-rated-as-a-of-assessments", "band_2022-11"] == "worse"  # 48 < 50
    assert by_id.loc["children-in-care-with-2-or-fewer-social", "band_2022-11"] == "no_target"
    assert by_id.loc["children-for-whom-pre-proceedings-were", "band_2022-08"] == "no_data"


def test_quarterly_measure_as_at_a_month_between_quarters(csv_scorecard):
    audits = csv_scorecard.set_index("measure_id").loc["children-s-services-audits-rated-r-i"]
    assert pd.isna(audits["2022-11"]) and audits["band_2022-11"] == "no_data"
    assert pd.isna(audits["change"]) and pd.isna(audits["dot"])
    assert (audits["status"], audits["status_period"]) == ("met", "2022-09")  # 93 >= 91 stands until Dec
    assert audits["suggested_performance_group"] == "Good"


def test_count_measure_is_whole_numbers(csv_scorecard):
    audits = csv_scorecard.set_index("measure_id").loc["audits-completed-to-accepted-standard"]
    assert (audits["2022-11"], audits["change"], audits["distance"], audits["dot"]) == (46, -1, 1, "↓")


def test_comparator_number_or_text(csv_scorecard):
    by_id = csv_scorecard.set_index("measure_id")
    assert by_id.loc["children-entering-care-who-have-been", "comparator"] == "11.4"
    assert by_id.loc["children-entering-care-who-have-been", "comparator_note"] == "England Mar-20"
    assert by_id.loc["children-in-care-with-2-or-fewer-social", "comparator"].startswith("RI - 2 in 3")


def test_an_earlier_window_and_one_area(snapshot):
    table = scorecard.build(snapshot, "2022-06", 6, area="quality-assurance")
    assert len(table) == 9 and set(table["area"]) == {"Quality Assurance"}
    assert [c for c in table.columns if c[:2] == "20"] == window("2022-06", 6)
    audits = table.set_index("measure_id").loc["children-s-services-audits-rated-r-i"]
    assert (audits["2022-06"], audits["change"], audits["dot"]) == (85.0, -7.0, "↓")


def test_formula_injection_is_neutralised_but_numbers_stay_numbers():
    frame = pd.DataFrame(
        {"killer_kpi": [False] * 5, "measure": ["=HYPERLINK(1)", "+1", "-cmd", "@SUM(A1)", "\tx"], "change": [-1.5] * 5}
    )
    text = write_csv(frame).decode()
    rows = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert rows["measure"].tolist() == ["'=HYPERLINK(1)", "'+1", "'-cmd", "'@SUM(A1)", "'\tx"]
    assert rows["change"].tolist() == [-1.5] * 5
