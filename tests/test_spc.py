"""Tests for kpicore.spc: each rule on tiny literal vectors, then whole series end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpicore.spc import (
    LIMIT_FACTOR,
    NEAR_FACTOR,
    TOO_FEW_MESSAGE,
    Assurance,
    PointType,
    Rule,
    analyse,
    analyse_many,
    assurance_type,
    run_ends,
    run_flags,
    sides_of_mean,
    trend_ends,
    trend_flags,
    two_in_three_flags,
    xmr_limits,
)
from kpicore.vocab import Polarity

REPO_ROOT = Path(__file__).resolve().parents[1]


def sides(text: str) -> np.ndarray:
    """'++0-' -> [1, 1, 0, -1]."""
    return np.array([{"+": 1, "-": -1, "0": 0}[c] for c in text], dtype=np.int8)


def bools(text: str) -> np.ndarray:
    """'1001' -> [True, False, False, True]."""
    return np.array([c == "1" for c in text], dtype=bool)


def one_based(mask: np.ndarray) -> list[int]:
    return [int(i) + 1 for i in np.flatnonzero(mask)]


# --- sides of the mean -------------------------------------------------------------


def test_sides_of_mean_puts_points_on_the_mean_and_missing_at_zero():
    assert sides_of_mean(np.array([1.0, 2.0, 3.0, np.nan]), 2.0).tolist() == [-1, 0, 1, 0]


# --- run rule ----------------------------------------------------------------------


def test_run_reference_case_completes_at_7_and_8_and_flags_1_to_8():
    s = sides("++++++++-")
    assert one_based(run_ends(s, 7)) == [7, 8]
    assert one_based(run_flags(s, 7)) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_run_mirror_image_below_the_mean():
    s = sides("--------+")
    assert one_based(run_ends(s, 7)) == [7, 8]
    assert one_based(run_flags(s, 7)) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_run_empty_and_too_short():
    assert run_flags(sides(""), 7).tolist() == []
    assert not run_flags(sides("++++++"), 7).any()
    assert not run_ends(sides("------"), 7).any()


def test_point_exactly_on_the_mean_breaks_a_run():
    assert not run_flags(sides("+++0++++"), 7).any()
    assert one_based(run_flags(sides("+++0+++++++"), 7)) == [5, 6, 7, 8, 9, 10, 11]


def test_change_of_side_breaks_a_run():
    assert not run_flags(sides("++++-++++"), 7).any()


def test_run_length_is_a_setting():
    assert run_flags(sides("++++++"), 6).all()
    assert one_based(run_ends(sides("++++++"), 6)) == [6]


def test_run_never_crosses_a_series_start():
    s = sides("++++++++")
    starts = bools("00001000")
    assert not run_flags(s, 7, starts=starts).any()


@pytest.mark.parametrize("length", [0, 1, 2.5, True])
def test_run_length_must_be_an_integer_of_at_least_two(length):
    with pytest.raises(ValueError, match="length"):
        run_flags(sides("+++"), length)


def test_starts_must_match_the_data():
    with pytest.raises(ValueError, match="same length"):
        run_flags(sides("+++"), 2, starts=bools("10"))


# --- trend rule --------------------------------------------------------------------


def test_trend_reference_case_completes_at_7_and_flags_all_seven():
    values = np.array([1, 2, 3, 4, 5, 6, 7], dtype=float)
    assert trend_flags(values, 7).tolist() == [1] * 7
    assert trend_ends(values, 7).tolist() == [0, 0, 0, 0, 0, 0, 1]


def test_a_tie_breaks_a_trend():
    values = np.array([1, 2, 3, 3, 4, 5, 6], dtype=float)
    assert not trend_flags(values, 7).any()
    assert not trend_ends(values, 7).any()


def test_trend_mirror_image_is_decreasing():
    values = np.array([7, 6, 5, 4, 3, 2, 1], dtype=float)
    assert trend_flags(values, 7).tolist() == [-1] * 7
    assert trend_ends(values, 7).tolist() == [0, 0, 0, 0, 0, 0, -1]


def test_trend_empty_and_too_short():
    assert trend_flags(np.array([]), 7).tolist() == []
    assert not trend_flags(np.array([1, 2, 3, 4, 5, 6], dtype=float), 7).any()


def test_longer_trend_flags_every_point_and_completes_at_each_from_the_seventh():
    values = np.array([2, 1, 2, 3, 4, 5, 6, 7, 8, 3], dtype=float)
    assert trend_flags(values, 7).tolist() == [0, 1, 1, 1, 1, 1, 1, 1, 1, 0]
    assert one_based(trend_ends(values, 7) == 1) == [8, 9]


def test_turning_point_shared_by_two_trends_takes_the_later_direction():
    values = np.array([7, 6, 5, 4, 3, 2, 1, 2, 3, 4, 5, 6, 7], dtype=float)
    assert trend_flags(values, 7).tolist() == [-1] * 6 + [1] * 7


def test_a_trend_ending_before_a_tie_keeps_its_own_direction():
    # NHSRplotthedots v0.2.2 labels point 7 here "decreasing" (it reads the sign of the tie);
    # we take each trend's direction from the trend itself.
    values = np.array([1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1], dtype=float)
    assert trend_flags(values, 7).tolist() == [1] * 7 + [-1] * 7


def test_trend_length_is_a_setting():
    assert trend_flags(np.array([1, 2, 3, 4, 5, 6], dtype=float), 6).tolist() == [1] * 6


def test_trend_never_crosses_a_series_start():
    values = np.array([1, 2, 3, 4, 5, 6, 7], dtype=float)
    assert not trend_flags(values, 7, starts=bools("0001000")).any()


# --- two-in-three rule -------------------------------------------------------------


def test_two_in_three_reference_case_opposite_sides_is_no_signal():
    assert not two_in_three_flags(bools("101"), sides("+-+")).any()


def test_two_in_three_same_side_flags_only_the_near_points():
    assert two_in_three_flags(bools("101"), sides("+++")).tolist() == [True, False, True]
    assert two_in_three_flags(bools("011"), sides("+++")).tolist() == [False, True, True]


def test_two_in_three_mirror_image_below_the_mean():
    assert two_in_three_flags(bools("101"), sides("---")).tolist() == [True, False, True]


def test_two_in_three_needs_the_third_point_on_the_same_side():
    assert not two_in_three_flags(bools("110"), sides("++-")).any()
    assert not two_in_three_flags(bools("110"), sides("++0")).any()


def test_two_in_three_windows_slide_along_the_series():
    flags = two_in_three_flags(bools("0010100"), sides("+++++++"))
    assert one_based(flags) == [3, 5]
    assert not two_in_three_flags(bools("1001"), sides("++++")).any()
    assert one_based(two_in_three_flags(bools("10011"), sides("+++++"))) == [4, 5]


def test_two_in_three_empty_and_too_short():
    assert two_in_three_flags(bools(""), sides("")).tolist() == []
    assert not two_in_three_flags(bools("11"), sides("++")).any()


def test_two_in_three_never_crosses_a_series_start():
    assert not two_in_three_flags(bools("1011"), sides("++++"), starts=bools("0010")).any()


# --- assurance ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limits", "higher", "lower"),
    [
        ((1, 3), Assurance.CONSISTENT_FAIL, Assurance.CONSISTENT_PASS),
        ((5, 7), Assurance.CONSISTENT_PASS, Assurance.CONSISTENT_FAIL),
        ((1, 5), Assurance.HIT_AND_MISS, Assurance.HIT_AND_MISS),
    ],
)
def test_assurance_reference_cases_with_target_4(limits, higher, lower):
    lpl, upl = limits
    assert assurance_type(4, lpl, upl, "higher") is higher
    assert assurance_type(4, lpl, upl, Polarity.LOWER) is lower


def test_assurance_none_for_neutral_or_missing_target_or_limits():
    assert assurance_type(4, 1, 3, "neutral") is None
    assert assurance_type(None, 1, 3, "higher") is None
    assert assurance_type(float("nan"), 1, 3, "higher") is None
    assert assurance_type(4, float("nan"), float("nan"), "higher") is None


def test_target_exactly_on_a_limit_is_hit_and_miss():
    assert assurance_type(3, 1, 3, "higher") is Assurance.HIT_AND_MISS
    assert assurance_type(1, 1, 3, "lower") is Assurance.HIT_AND_MISS


# --- limits ------------------------------------------------------------------------


def test_limits_derived_by_hand():
    values = [2, 4] * 6 + [3]
    # mean = (6*2 + 6*4 + 3) / 13 = 39 / 13 = 3
    # moving ranges: eleven of |4-2| = 2, then |3-4| = 1, so amr = (11*2 + 1) / 12 = 23/12
    # screening keeps them all: 3.267 * 23/12 = 6.26 > 2
    amr = 23 / 12
    limits = xmr_limits(values)
    assert limits.mean == pytest.approx(3)
    assert limits.amr == pytest.approx(amr)
    assert limits.upl == pytest.approx(3 + 2.66 * amr)  # 8.0983
    assert limits.lpl == pytest.approx(3 - 2.66 * amr)  # -2.0983
    assert limits.nupl == pytest.approx(3 + (2 / 3) * 2.66 * amr)  # 6.3989
    assert limits.nlpl == pytest.approx(3 - (2 / 3) * 2.66 * amr)  # -0.3989

    points = analyse(values, improvement="higher").points
    assert points["mean"].tolist() == pytest.approx([3] * 13)
    assert points["upl"].tolist() == pytest.approx([3 + 2.66 * amr] * 13)
    assert points["nlpl"].tolist() == pytest.approx([3 - (2 / 3) * 2.66 * amr] * 13)


def test_screening_drops_large_moving_ranges_and_recomputes():
    values = [1, 2] * 6 + [20]
    # mean = (6*1 + 6*2 + 20) / 13 = 38/13
    # moving ranges: eleven of 1, then |20-2| = 18, so amr = 29/12 = 2.4167
    # 18 >= 3.267 * 29/12 = 7.895 is dropped, so amr = 11/11 = 1
    screened = xmr_limits(values)
    assert screened.mean == pytest.approx(38 / 13)
    assert screened.amr == pytest.approx(1)
    assert screened.upl == pytest.approx(38 / 13 + 2.66)
    unscreened = xmr_limits(values, screen_outliers=False)
    assert unscreened.amr == pytest.approx(29 / 12)
    result = analyse(values, improvement="higher", screen_outliers=False)
    assert result.points["upl"].iloc[0] == pytest.approx(38 / 13 + 2.66 * 29 / 12)


def test_flat_series_has_limits_on_the_mean_and_no_special_cause():
    # every moving range is 0, so amr = 0 and all limits equal the mean, 5
    result = analyse([5] * 13, improvement="higher", target=5)
    points = result.points
    assert points[["mean", "lpl", "upl", "nlpl", "nupl"]].to_numpy().tolist() == [[5.0] * 5] * 13
    assert not points["special_cause"].any()
    assert result.variation is PointType.COMMON_CAUSE
    assert result.assurance is Assurance.HIT_AND_MISS


def test_moving_ranges_join_the_values_either_side_of_a_gap():
    # reported values 2, 4, 6: moving ranges |4-2| = 2 and |6-4| = 2, so amr = 2
    assert xmr_limits([2, None, 4, float("nan"), 6]).amr == pytest.approx(2)


# --- precedence and point types ----------------------------------------------------

RUN_SERIES = [6, 7, 6, 7, 6, 7, 6, 7, 4, 5, 4, 5, 4, 5]
# mean = (4*6 + 4*7 + 3*4 + 3*5) / 14 = 79/14 = 5.643; the first eight points are above it,
# the last six below. amr = (7*1 + |4-7| + 5*1) / 13 = 15/13, so lpl = 2.57, upl = 8.71:
# nothing is outside or near a limit.


def test_run_reference_case_end_to_end():
    result = analyse(RUN_SERIES, improvement="higher")
    points = result.points
    assert one_based(points["special_cause"].to_numpy()) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert set(points["rule"].iloc[:8]) == {Rule.RUN}
    assert set(points["point_type"].iloc[:8]) == {PointType.IMPROVEMENT}
    assert set(points["point_type"].iloc[8:]) == {PointType.COMMON_CAUSE}
    assert points["rule"].iloc[8:].isna().all()
    assert result.variation is PointType.COMMON_CAUSE
    assert result.message is None


@pytest.mark.parametrize(
    ("improvement", "expected"),
    [
        ("higher", PointType.IMPROVEMENT),
        ("lower", PointType.CONCERN),
        ("neutral", PointType.NEUTRAL_HIGH),
        (Polarity.LOWER, PointType.CONCERN),
    ],
)
def test_point_type_follows_the_polarity(improvement, expected):
    assert analyse(RUN_SERIES, improvement=improvement).points["point_type"].iloc[0] is expected


def test_neutral_low_below_the_mean():
    mirrored = [-v for v in RUN_SERIES]
    points = analyse(mirrored, improvement="neutral").points
    assert set(points["point_type"].iloc[:8]) == {PointType.NEUTRAL_LOW}


def test_outside_limits_takes_precedence_over_a_run():
    values = [6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 12]
    limits = xmr_limits(values)
    assert values[-1] > limits.upl
    points = analyse(values, improvement="lower").points
    assert points["rule"].iloc[-1] is Rule.OUTSIDE_LIMITS
    assert points["point_type"].iloc[-1] is PointType.CONCERN


def test_two_in_three_takes_precedence_over_a_run():
    values = [6, 7, 6, 7, 6, 7, 8, 7, 8, 4, 5, 4, 5, 4, 5]
    limits = xmr_limits(values)  # mean 5.93, nupl 7.71, upl 8.59
    assert limits.nupl < 8 <= limits.upl
    assert limits.nupl > 7
    points = analyse(values, improvement="higher").points
    assert points["rule"].iloc[:9].tolist() == [Rule.RUN] * 6 + [Rule.TWO_IN_THREE, Rule.RUN, Rule.TWO_IN_THREE]


def test_two_in_three_counts_only_points_between_the_near_and_process_limits():
    # Deliberate deviation from the Making Data Count Excel tool (late-2023 change), which
    # counts points beyond the process limit too and would flag point 15 here.
    values = [5, 6] * 7 + [9, 13, 6.5]
    limits = xmr_limits(values)  # mean 6.21, nupl 8.57, upl 9.75
    assert limits.nupl < 9 < limits.upl < 13
    assert 6.5 > limits.mean
    points = analyse(values, improvement="higher").points
    assert points["rule"].iloc[14:].tolist() == [None, Rule.OUTSIDE_LIMITS, None]


def test_trend_takes_precedence_over_a_run_and_outside_over_a_trend():
    values = [1, 2] * 7 + [3, 4, 5, 6, 7]
    limits = xmr_limits(values)  # mean 2.42, upl 5.08
    assert 5 < limits.upl < 6
    points = analyse(values, improvement="higher").points
    assert points["rule"].iloc[:12].tolist() == [Rule.RUN] * 12
    assert points["rule"].iloc[12:17].tolist() == [Rule.TREND] * 5
    assert points["rule"].iloc[17:].tolist() == [Rule.OUTSIDE_LIMITS] * 2


def test_trend_is_judged_by_its_direction_not_its_side_of_the_mean():
    values = [2, 4] * 5 + [6.5, 6, 5.5, 5, 4.5, 4, 3.5]
    limits = xmr_limits(values)  # mean 3.82: the falling points 6.5 .. 4 are above it
    assert all(v > limits.mean for v in values[10:16])
    result = analyse(values, improvement="higher")
    points = result.points
    assert points["rule"].iloc[10:].tolist() == [Rule.TREND] * 7
    assert set(points["point_type"].iloc[10:]) == {PointType.CONCERN}
    assert result.variation is PointType.CONCERN
    neutral = analyse(values, improvement="neutral").points
    assert set(neutral["point_type"].iloc[10:]) == {PointType.NEUTRAL_LOW}


def test_settings_change_the_rules():
    values = [5, 6, 5, 6, 5, 6, 3, 4, 3, 4, 3, 4, 3, 4]
    assert not analyse(values, improvement="higher").points["special_cause"].iloc[:6].any()
    assert analyse(values, improvement="higher", run_length=6).points["special_cause"].iloc[:6].all()


# --- the 13-point minimum ----------------------------------------------------------


def test_twelve_points_are_too_few():
    result = analyse(RUN_SERIES[:12], improvement="higher", target=5)
    assert result.message == TOO_FEW_MESSAGE
    assert result.variation is None
    assert result.assurance is None
    points = result.points
    assert len(points) == 12
    assert points[["mean", "lpl", "upl", "nlpl", "nupl"]].isna().all().all()
    assert points["point_type"].isna().all()
    assert not points["special_cause"].any()


def test_thirteen_points_are_enough():
    result = analyse(RUN_SERIES[:13], improvement="higher", target=5)
    assert result.message is None
    assert result.variation is PointType.COMMON_CAUSE
    assert result.assurance is Assurance.HIT_AND_MISS


def test_empty_and_all_missing_series():
    for values in ([], [None, None, float("nan")]):
        result = analyse(values, improvement="higher")
        assert result.message == TOO_FEW_MESSAGE
        assert result.variation is None
        assert len(result.points) == len(values)


# --- missing values ----------------------------------------------------------------


def test_missing_values_are_skipped_not_zero():
    with_gaps = [*RUN_SERIES[:3], None, *RUN_SERIES[3:10], float("nan"), pd.NA, *RUN_SERIES[10:]]
    gappy = analyse(with_gaps, improvement="higher").points
    plain = analyse(RUN_SERIES, improvement="higher").points
    assert len(gappy) == len(with_gaps)
    reported = gappy["value"].notna()
    assert reported.sum() == len(RUN_SERIES)
    pd.testing.assert_frame_equal(gappy[reported].reset_index(drop=True), plain)
    missing = gappy[~reported]
    assert missing["point_type"].isna().all()
    assert missing["rule"].isna().all()
    assert not missing["special_cause"].any()
    assert missing["mean"].tolist() == pytest.approx([79 / 14] * 3)


def test_a_gap_does_not_break_a_run():
    values = [*RUN_SERIES[:4], None, *RUN_SERIES[4:]]
    assert one_based(analyse(values, improvement="higher").points["special_cause"].to_numpy()) == [
        1,
        2,
        3,
        4,
        6,
        7,
        8,
        9,
    ]


def test_thirteen_points_means_thirteen_reported_values():
    values = [*RUN_SERIES[:12], None, None]
    assert analyse(values, improvement="higher").message == TOO_FEW_MESSAGE


# --- baseline and re-basing --------------------------------------------------------


def test_baseline_fixes_the_limits_on_the_first_points():
    values = [2, 4] * 6 + [10] * 8
    # first 12: mean = 3, amr = eleven ranges of 2 / 11 = 2, so upl = 3 + 2.66*2 = 8.32
    result = analyse(values, improvement="higher", baseline=12)
    points = result.points
    assert points["mean"].tolist() == pytest.approx([3] * 20)
    assert points["upl"].tolist() == pytest.approx([8.32] * 20)
    assert set(points["rule"].iloc[12:]) == {Rule.OUTSIDE_LIMITS}
    assert result.variation is PointType.IMPROVEMENT


@pytest.mark.parametrize("baseline", [11, 0, 12.5, True])
def test_baseline_needs_at_least_twelve_points(baseline):
    with pytest.raises(ValueError, match="baseline"):
        analyse([1.0] * 20, improvement="higher", baseline=baseline)


def test_rebase_gives_each_group_its_own_limits():
    values = [2, 4] * 7 + [10, 12] * 7
    # group 0: mean 3, amr 2 (thirteen ranges of 2); group 1: mean 11, amr 2
    result = analyse(values, improvement="higher", rebase=[14], target=9)
    points = result.points
    assert points["group"].tolist() == [0] * 14 + [1] * 14
    assert points["mean"].tolist() == pytest.approx([3] * 14 + [11] * 14)
    assert points["lpl"].tolist() == pytest.approx([3 - 5.32] * 14 + [11 - 5.32] * 14)
    assert not points["special_cause"].any()
    # assurance uses the latest group's limits, (5.68, 16.32)
    assert result.assurance is Assurance.HIT_AND_MISS
    assert "Limits re-based at point 15." in result.explanation()


def test_a_short_latest_group_has_no_limits_or_icons():
    values = [2, 4] * 10 + [10, 12] * 4
    result = analyse(values, improvement="higher", rebase=[20], target=9)
    points = result.points
    assert points["mean"].iloc[:20].tolist() == pytest.approx([3] * 20)
    assert points["mean"].iloc[20:].isna().all()
    assert points["point_type"].iloc[20:].isna().all()
    assert result.variation is None
    assert result.assurance is None
    assert result.message == TOO_FEW_MESSAGE


def test_rebase_with_baseline_fixes_each_group_on_its_own_first_points():
    values = [2, 4] * 6 + [30] * 2 + [10, 12] * 6 + [50] * 2
    points = analyse(values, improvement="higher", rebase=[14], baseline=12).points
    assert points["mean"].tolist() == pytest.approx([3] * 14 + [11] * 14)


@pytest.mark.parametrize("rebase", [[0], [14], [-1]])
def test_rebase_positions_must_be_inside_the_series(rebase):
    with pytest.raises(ValueError, match="rebase"):
        analyse([1.0] * 14, improvement="higher", rebase=rebase)


# --- inputs ------------------------------------------------------------------------


def test_invalid_inputs_are_rejected():
    with pytest.raises(ValueError):
        analyse([1.0] * 13, improvement="up")
    with pytest.raises(ValueError, match="infinite"):
        analyse([1.0] * 12 + [float("inf")], improvement="higher")
    with pytest.raises(ValueError):
        analyse(["a"] * 13, improvement="higher")


def test_numpy_and_pandas_inputs_are_accepted():
    as_list = analyse(RUN_SERIES, improvement="higher").points
    pd.testing.assert_frame_equal(analyse(np.array(RUN_SERIES, dtype=float), improvement="higher").points, as_list)
    pd.testing.assert_frame_equal(analyse(pd.Series(RUN_SERIES), improvement="higher").points, as_list)


def test_labels_exist_for_every_member():
    assert PointType.IMPROVEMENT.label == "Special cause improvement"
    assert Assurance.HIT_AND_MISS.label.startswith("Hit and miss")
    assert all(member.label for enum in (PointType, Assurance, Rule) for member in enum)


# --- explanation -------------------------------------------------------------------


def test_explanation_names_rules_and_positions():
    text = analyse(RUN_SERIES, improvement="higher").explanation()
    assert "Run of 8 points above the mean ending at point 8 (from point 1)." in text
    assert "Latest point (point 14): Common cause variation." in text


def test_explanation_positions_count_missing_inputs():
    values = [None, *RUN_SERIES]
    result = analyse(values, improvement="higher")
    assert result.signals[0].positions == (2, 3, 4, 5, 6, 7, 8, 9)
    assert "ending at point 9 (from point 2)" in result.explanation()


def test_explanation_lists_every_rule():
    values = [1, 2] * 7 + [3, 4, 5, 6, 7]
    text = analyse(values, improvement="higher").explanation()
    assert "Run of 14 points below the mean ending at point 14 (from point 1)." in text
    assert "Increasing trend of 7 points ending at point 19 (from point 13)." in text
    assert "Points 18 and 19 are above the upper process limit." in text
    near = analyse([6, 7, 6, 7, 6, 7, 8, 7, 8, 4, 5, 4, 5, 4, 5], improvement="higher").explanation()
    assert "Two of three points close to the upper process limit: points 7 and 9." in near
    assert "Two of three points close to the lower process limit: points 10, 12 and 14." in near


def test_two_trends_split_by_a_tie_are_two_signals():
    values = [1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11, 12, 13]
    trends = [s for s in analyse(values, improvement="higher").signals if s.rule is Rule.TREND]
    assert [(s.positions[0], s.positions[-1]) for s in trends] == [(1, 7), (8, 14)]


def test_explanation_without_signals_and_with_too_few_points():
    assert "No special cause variation" in analyse([2, 4] * 6 + [3], improvement="higher").explanation()
    short = analyse([1, 2, 3], improvement="higher").explanation()
    assert "Points 1 to 3 have 3 reported values" in short
    assert TOO_FEW_MESSAGE in short


# --- batch path --------------------------------------------------------------------


def random_series(rng: np.random.Generator) -> list[float | None]:
    """A series with gaps, ties and (by construction) points exactly on the mean."""
    kind = rng.integers(4)
    n = int(rng.integers(0, 40))
    if kind == 0:
        values = rng.normal(50, 5, n)
    elif kind == 1:
        values = rng.integers(0, 4, n).astype(float)
    elif kind == 2:
        # pairs c+d, c-d and some c: the mean is exactly c, and the c points sit on it
        half = rng.integers(0, 3, n // 2).astype(float)
        values = np.concatenate([10 + half, 10 - half, np.full(n % 2 + int(rng.integers(3)), 10.0)])
        rng.shuffle(values)
    else:
        values = np.concatenate([rng.normal(0, 1, n // 2), rng.normal(3, 1, n - n // 2)]).round(1)
    out: list[float | None] = [float(v) for v in values]
    for i in np.flatnonzero(rng.random(len(out)) < 0.1):
        out[i] = None
    return out


def long_frame(series: dict[int, list[float | None]], rng: np.random.Generator) -> pd.DataFrame:
    """Long rows in shuffled order; some missing values become absent rows, others NaN."""
    rows = []
    periods = pd.period_range("2015-01", periods=60, freq="M").strftime("%Y-%m")
    for measure, values in series.items():
        for period, value in zip(periods, values, strict=False):
            if value is None and rng.random() < 0.5:
                continue
            rows.append((measure, period, np.nan if value is None else value))
    frame = pd.DataFrame(rows, columns=["measure_id", "period", "value"])
    return frame.sample(frac=1.0, random_state=7).reset_index(drop=True)


def test_analyse_many_matches_analyse_on_random_series():
    rng = np.random.default_rng(2024)
    series = {m: random_series(rng) for m in range(300)}
    polarity = {m: ("higher", "lower", "neutral", Polarity.LOWER)[m % 4] for m in series}
    targets = {m: float(rng.normal(10, 5)) for m in series if m % 3}
    frame = long_frame(series, rng)
    batch = analyse_many(frame, improvement=polarity, target=targets)

    # a measure with no rows at all (an empty series) cannot appear in the batch
    assert batch.index.tolist() == sorted(frame["measure_id"].unique())
    assert len(batch) > 250
    assert batch.columns.tolist() == ["n_points", "mean", "lpl", "upl", "variation", "assurance"]
    exact_mean_points = 0
    special_latest = 0
    for measure in batch.index:
        values = series[measure]
        single = analyse(values, improvement=polarity[measure], target=targets.get(measure))
        row = batch.loc[measure]
        reported = single.points[single.points["value"].notna()]
        assert row["n_points"] == len(reported)
        if len(reported):
            latest = reported.iloc[-1]
            for column in ("mean", "lpl", "upl"):
                assert row[column] == latest[column] or (np.isnan(row[column]) and np.isnan(latest[column]))
            exact_mean_points += int((reported["value"] == reported["mean"]).sum())
        assert row["variation"] is single.variation
        assert row["assurance"] is single.assurance
        special_latest += single.variation not in (None, PointType.COMMON_CAUSE)
    assert exact_mean_points > 0
    assert special_latest > 0


def test_analyse_many_settings_match_analyse():
    rng = np.random.default_rng(5)
    series = {m: random_series(rng) for m in range(60)}
    polarity = dict.fromkeys(series, "higher")
    batch = analyse_many(
        long_frame(series, rng), improvement=polarity, screen_outliers=False, run_length=6, trend_length=5
    )
    for measure in batch.index:
        single = analyse(series[measure], improvement="higher", screen_outliers=False, run_length=6, trend_length=5)
        assert batch.loc[measure, "variation"] is single.variation


def test_analyse_many_keeps_measures_with_no_values():
    frame = pd.DataFrame(
        {
            "measure_id": ["a"] * 14 + ["b", "b"],
            "period": [f"2024-{m:02d}" for m in range(1, 13)] + ["2025-01", "2025-02", "2024-01", "2024-02"],
            "value": [*RUN_SERIES, np.nan, np.nan],
        }
    )
    batch = analyse_many(frame, improvement={"a": "higher", "b": "lower"}, target={"a": 5.0})
    assert batch.loc["a", "n_points"] == 14
    assert batch.loc["a", "variation"] is PointType.COMMON_CAUSE
    assert batch.loc["a", "assurance"] is Assurance.HIT_AND_MISS
    assert batch.loc["b", "n_points"] == 0
    assert np.isnan(batch.loc["b", "mean"])
    assert batch.loc["b", "variation"] is None
    assert batch.loc["b", "assurance"] is None


def test_analyse_many_orders_rows_by_period():
    periods = [f"2024-{m:02d}" for m in range(1, 13)] + ["2025-01", "2025-02"]
    frame = pd.DataFrame({"measure_id": "a", "period": periods, "value": RUN_SERIES}).iloc[::-1]
    batch = analyse_many(frame, improvement={"a": "higher"})
    assert batch.loc["a", "mean"] == pytest.approx(79 / 14)


def test_analyse_many_rejects_bad_input():
    frame = pd.DataFrame({"measure_id": ["a", "a"], "period": ["2024-01", "2024-01"], "value": [1.0, 2.0]})
    with pytest.raises(ValueError, match="more than one row"):
        analyse_many(frame, improvement={"a": "higher"})
    with pytest.raises(ValueError, match="improvement"):
        analyse_many(frame.iloc[:1], improvement={"b": "higher"})
    with pytest.raises(ValueError, match="improvement"):
        analyse_many(frame.iloc[:1], improvement={"a": "up"})
    with pytest.raises(ValueError, match="columns"):
        analyse_many(frame.drop(columns="period"), improvement={"a": "higher"})


def test_limit_constants_match_the_method():
    assert LIMIT_FACTOR == 2.66
    assert NEAR_FACTOR == pytest.approx(2 / 3 * 2.66)


def test_kpicore_spc_does_not_import_streamlit():
    code = "import sys, kpicore.spc; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True)
