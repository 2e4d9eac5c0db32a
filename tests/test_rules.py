"""Every rule of DESIGN.md 3.2-3.5 on small literal cases."""

import math

import pandas as pd
import pytest

from kpicore.rules import (
    Settings,
    band_rules,
    bands,
    direction_of_travel,
    evaluate,
    headline,
    judge_change,
    proposed_tolerance,
    suggested_group,
)
from kpicore.vocab import Band


def band_of(value, target, tolerance, polarity="higher", history=()):
    """The band of ``value`` after ``history`` (earlier reported values, same target)."""
    values = [*history, value]
    frame = pd.DataFrame(
        {
            "measure_id": "m",
            "period": [f"2022-{i + 1:02d}" for i in range(len(values))],
            "value": values,
            "target": target,
            "tolerance": tolerance,
            "polarity": polarity,
        }
    )
    return bands(frame).iloc[-1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (95.0, "met"),
        (90.0, "met"),  # v = T is met
        (89.9, "within_tolerance"),
        (85.5, "within_tolerance"),  # v = L is within tolerance
        (85.4, "worse"),
        (81.0, "worse"),  # T - 2(T - L) = 81 exactly: not beyond the margin
        (80.9, "significantly_worse"),
    ],
)
def test_band_boundaries_higher_is_better(value, expected):
    assert band_of(value, 90.0, 85.5) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (9.0, "met"),
        (10.0, "met"),
        (10.1, "within_tolerance"),
        (10.5, "within_tolerance"),
        (10.6, "worse"),
        (11.0, "worse"),  # T + 2(L - T) = 11 exactly
        (11.1, "significantly_worse"),
    ],
)
def test_band_boundaries_lower_is_better(value, expected):
    assert band_of(value, 10.0, 10.5, "lower") == expected


def test_float_noise_does_not_move_a_boundary():
    # 21.5 + 2 x (22.6 - 21.5) is 23.700000000000003 in floating point
    assert band_of(23.7, 21.5, 22.6, "lower") == "worse"


@pytest.mark.parametrize(
    ("value", "polarity", "expected"),
    [
        (50.0, "higher", "met"),
        (49.9, "higher", "worse"),  # no tolerance: no amber band
        (45.0, "higher", "worse"),  # 0.9 x 50 = 45 is not beyond
        (44.9, "higher", "significantly_worse"),
        (9.0, "lower", "met"),
        (9.1, "lower", "worse"),
        (9.9, "lower", "worse"),  # 1.1 x 9 = 9.9
        (10.0, "lower", "significantly_worse"),
    ],
)
def test_no_tolerance_means_met_or_worse(value, polarity, expected):
    target = 50.0 if polarity == "higher" else 9.0
    assert band_of(value, target, float("nan"), polarity) == expected


def test_no_target_and_no_data():
    assert band_of(68.4, float("nan"), float("nan")) == "no_target"
    assert band_of(float("nan"), 90.0, 85.5) == "no_data"


def test_neutral_measure_has_no_band():
    assert band_of(50.0, 40.0, float("nan"), "neutral") == "no_target"


def test_three_worse_reported_periods_are_significant():
    assert band_of(85.0, 90.0, 85.5, history=[85.0, 85.0]) == "significantly_worse"
    assert band_of(85.0, 90.0, 85.5, history=[89.0, 85.0]) == "worse"  # one was within tolerance
    assert band_of(85.0, 90.0, 85.5, history=[85.0]) == "worse"  # only two reported


def test_persistence_skips_months_without_a_value():
    frame = pd.DataFrame(
        {
            "measure_id": "m",
            "period": ["2022-03", "2022-06", "2022-09"],  # a quarterly measure
            "value": [85.0, 85.0, 85.0],
            "target": 90.0,
            "tolerance": 85.5,
            "polarity": "higher",
        }
    )
    assert bands(frame).tolist() == ["worse", "worse", "significantly_worse"]


def test_persistence_and_margin_are_settings():
    frame = pd.DataFrame(
        {"measure_id": "m", "period": ["2022-01", "2022-02"], "value": [85.0, 83.0],
         "target": 90.0, "tolerance": 85.5, "polarity": "higher"}
    )
    assert bands(frame, Settings(persistence=2)).tolist() == ["worse", "significantly_worse"]
    assert bands(frame, Settings(significance_margin=1.5)).tolist() == ["worse", "significantly_worse"]


def test_values_above_100_are_judged_like_any_other():
    assert band_of(100.4, 90.0, 85.5) == "met"


@pytest.mark.parametrize(
    ("change", "arrow"),
    [(1.0, "↑"), (0.99, "→"), (-1.0, "↓"), (-0.99, "→"), (0.0, "→"), (float("nan"), None),
     (5.3 - 4.3, "↑")],  # 0.9999999999999996 is a change of 1.0
)
def test_direction_of_travel_threshold(change, arrow):
    assert direction_of_travel(pd.Series([change])).iloc[0] == arrow


def test_direction_of_travel_uses_each_measures_threshold():
    arrows = direction_of_travel(pd.Series([2.0, 2.0]), pd.Series([1.0, 2.5]))
    assert arrows.tolist() == ["↑", "→"]


@pytest.mark.parametrize(
    ("target", "polarity", "tolerance"),
    [(90, "higher", 85.5), (21.5, "lower", 22.6), (10, "lower", 10.5), (85, "higher", 80.8), (7.0, "lower", 7.4)],
)
def test_proposed_tolerance_is_five_percent_on_the_worse_side(target, polarity, tolerance):
    assert proposed_tolerance(target, polarity) == tolerance


def catalogue(frequency="monthly", polarity="higher"):
    return pd.DataFrame(
        {"measure_id": ["m"], "polarity": [polarity], "frequency": [frequency], "dot_threshold": [1.0]}
    )


def test_change_and_distance_with_a_missing_month():
    observations = pd.DataFrame(
        {"measure_id": "m", "period": ["2022-06", "2022-07", "2022-09"], "value": [80.0, 82.5, 84.0]}
    )
    targets = pd.DataFrame({"measure_id": ["m"], "from_period": ["2022-01"], "target": [90.0], "tolerance": [85.5]})
    result = evaluate(observations, catalogue(), targets).set_index("period")
    assert result.loc["2022-07", "change"] == pytest.approx(2.5)
    assert result.loc["2022-07", "dot"] == "↑"
    assert math.isnan(result.loc["2022-09", "change"])  # August is missing, not zero
    assert result.loc["2022-09", "dot"] is None
    assert result.loc["2022-09", "distance"] == pytest.approx(-6.0)


def test_quarterly_change_is_against_the_previous_quarter():
    observations = pd.DataFrame(
        {"measure_id": "m", "period": ["2021-12", "2022-03", "2022-06", "2022-09"], "value": [80.0, 92.0, 85.0, 93.0]}
    )
    targets = pd.DataFrame({"measure_id": ["m"], "from_period": ["2021-11"], "target": [91.0], "tolerance": [86.5]})
    result = evaluate(observations, catalogue("quarterly"), targets).set_index("period")
    assert result["change"].tolist()[1:] == pytest.approx([12.0, -7.0, 8.0])
    assert result["band"].tolist() == ["significantly_worse", "met", "worse", "met"]


def test_targets_are_effective_dated():
    observations = pd.DataFrame({"measure_id": "m", "period": ["2022-03", "2022-04"], "value": [88.0, 88.0]})
    targets = pd.DataFrame(
        {"measure_id": ["m", "m"], "from_period": ["2021-04", "2022-04"], "target": [85.0, 90.0], "tolerance": [80.8, 85.5]}
    )
    result = evaluate(observations, catalogue(), targets).set_index("period")
    assert result["target"].tolist() == [85.0, 90.0]
    assert result["band"].tolist() == ["met", "within_tolerance"]


def test_no_target_before_the_first_one():
    observations = pd.DataFrame({"measure_id": "m", "period": ["2022-03"], "value": [88.0]})
    targets = pd.DataFrame({"measure_id": ["m"], "from_period": ["2022-04"], "target": [90.0], "tolerance": [85.5]})
    assert evaluate(observations, catalogue(), targets)["band"].tolist() == ["no_target"]


def test_headline_status_of_a_quarterly_measure_stands_until_the_next_quarter():
    evaluated = pd.DataFrame(
        {"measure_id": "q", "period": ["2022-06", "2022-09"], "value": [85.0, 93.0],
         "band": ["worse", "met"], "target": 91.0}
    )
    status = headline(evaluated, "2022-11").loc["q"]
    assert (status["band"], status["status_period"]) == ("met", "2022-09")
    assert headline(evaluated, "2022-08").loc["q", "status_period"] == "2022-06"


def test_suggested_group():
    suggested = suggested_group(pd.Series(["met", "within_tolerance", "worse", "significantly_worse", "no_target"]))
    assert suggested.tolist()[:4] == ["Good", "Fair", "Poor", "Poor"]
    assert pd.isna(suggested.iloc[4])


@pytest.mark.parametrize(
    ("change", "dot", "polarity", "expected"),
    [
        (2.0, "↑", "higher", "improving"),
        (-2.0, "↓", "higher", "worsening"),
        (2.0, "↑", "lower", "worsening"),  # more children on a plan for over a year is worse
        (-2.0, "↓", "lower", "improving"),
        (0.5, "→", "higher", "no change"),  # under the threshold: no judgement either way
        (-0.5, "→", "lower", "no change"),
        (5.0, "↑", "neutral", "no change"),  # a context measure never improves or worsens
        (float("nan"), None, "higher", None),  # no change this period: blank
    ],
)
def test_a_change_is_judged_by_polarity(change, dot, polarity, expected):
    judged = judge_change(pd.Series([change]), pd.Series([dot], dtype=object), pd.Series([polarity]))
    assert (judged[0] if isinstance(judged[0], str) else None) == expected


def test_the_band_rule_text_follows_the_settings():
    assert "more than 2 times the tolerance gap" in band_rules()[Band.SIGNIFICANTLY_WORSE]
    assert "(10% of target without a tolerance)" in band_rules()[Band.SIGNIFICANTLY_WORSE]
    assert "latest 3 reported periods" in band_rules()[Band.SIGNIFICANTLY_WORSE]
    changed = band_rules(Settings(significance_margin=3, persistence=4, default_tolerance=0.1))
    assert "more than 3 times the tolerance gap from target (30% of target" in changed[Band.SIGNIFICANTLY_WORSE]
    assert "latest 4 reported periods" in changed[Band.SIGNIFICANTLY_WORSE]
    assert set(band_rules()) == set(Band)


def test_the_settings_default_to_design():
    """DESIGN.md 3.4 and 3.6: margin 2, persistence 3, tolerance 5%, SPC run and trend 7, screening on;
    figures for 2000-01 to 2099-12, counts to ten million, any figure to a thousand million."""
    assert vars(Settings()) == {
        "significance_margin": 2.0, "persistence": 3, "default_tolerance": 0.05,
        "spc_run_length": 7, "spc_trend_length": 7, "spc_screen_outliers": True,
        "first_year": 2000, "last_year": 2099, "largest_count": 10_000_000, "largest_figure": 1e9,
    }
    assert Settings().years == (2000, 2099)
