"""SPC settings and constants, each pinned by literal vectors checked by hand.

Run length, trend length and outlier screening are settings (default 7, 7 and on); the
screening factor 3.267, the limit factor 2.66 and the near factor (2/3 of it) are
constants. Each test puts a vector just on either side of the setting or constant, so
that changing any of them changes an answer written out below.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kpicore.spc import PointType, Rule, analyse, analyse_many, xmr_limits

OUT, TREND, TWO, RUN = Rule.OUTSIDE_LIMITS, Rule.TREND, Rule.TWO_IN_THREE, Rule.RUN
COM, IMP = PointType.COMMON_CAUSE, PointType.IMPROVEMENT

BASELINE = [4, 2] * 6
# With baseline=12 the limits are fixed on these twelve points (worked out by hand):
#   mean 3, amr 2 (eleven moving ranges of 2, none screened), upl 8.32, lpl -2.32,
#   nupl 6.546667, nlpl -0.546667. The baseline alone fires no rule, and point 12 (2) is
#   below the mean, so a run above the mean can only start at point 13.

MIRRORS = pytest.mark.parametrize(("sign", "improvement"), [(1, "higher"), (-1, "lower")], ids=["as_is", "mirror"])


def analysed(tail: list[float], sign: int, improvement: str, **settings):
    """Points of BASELINE + tail (times sign), with the limits fixed on the baseline."""
    values = [sign * v for v in BASELINE + tail]
    return analyse(values, improvement=improvement, baseline=12, **settings).points


def latest_variation(values: list[float], **settings) -> str:
    """analyse_many's variation icon for one measure (no baseline: limits from all points)."""
    frame = pd.DataFrame({"measure_id": "m", "period": [f"{2000 + i}-01" for i in range(len(values))], "value": values})
    return analyse_many(frame, improvement={"m": "higher"}, **settings).loc["m", "variation"]


# --- run length (default 7) ------------------------------------------------------------

SIX_ABOVE = [4] * 6 + [2]  # points 13-18 above the mean 3, 19 below; ties, so no trend
SEVEN_ABOVE = [4] * 7 + [2]  # points 13-19 above the mean 3, 20 below


@MIRRORS
def test_six_points_on_one_side_are_no_run_by_default_but_a_run_at_six(sign, improvement):
    assert analysed(SIX_ABOVE, sign, improvement)["rule"].tolist() == [None] * 19
    points = analysed(SIX_ABOVE, sign, improvement, run_length=6)
    assert points["rule"].tolist() == [None] * 12 + [RUN] * 6 + [None]
    assert points["point_type"].tolist() == [COM] * 12 + [IMP] * 6 + [COM]


@MIRRORS
def test_seven_points_on_one_side_are_a_run_by_default_but_not_at_eight(sign, improvement):
    points = analysed(SEVEN_ABOVE, sign, improvement)
    assert points["rule"].tolist() == [None] * 12 + [RUN] * 7 + [None]
    assert points["point_type"].tolist() == [COM] * 12 + [IMP] * 7 + [COM]
    assert analysed(SEVEN_ABOVE, sign, improvement, run_length=8)["rule"].tolist() == [None] * 20


def test_analyse_many_run_length_defaults_to_seven():
    # [4, 2] * 6 + [4] * 7: mean 64/19 = 3.37, so the last seven (4) are above it and point
    # 12 (2) below; amr = 24/18 = 1.33 (twelve ranges of 2, six of 0), so the near limit is
    # 3.37 + 1.77*1.33 = 5.73 and 4 is not near; ties, so no trend. Dropping the last 4 leaves six.
    assert latest_variation(BASELINE + [4] * 7) == "improvement"
    assert latest_variation(BASELINE + [4] * 7, run_length=8) == "common_cause"
    assert latest_variation(BASELINE + [4] * 6) == "common_cause"
    assert latest_variation(BASELINE + [4] * 6, run_length=6) == "improvement"


# --- trend length (default 7) ----------------------------------------------------------

# Point 13 (2) ties point 12 (2), so each trend starts at 13. Points 12-15 are below the mean
# 3 and 16 on are above (four or five each side: no run); all are inside the near limits.
SIX_RISING = [2, 2.4, 2.8, 3.2, 3.6, 4.0, 4.0]  # 13-18 rise (six points), 19 ties
SEVEN_RISING = [2, 2.4, 2.8, 3.2, 3.6, 4.0, 4.4, 4.4]  # 13-19 rise (seven points), 20 ties


@MIRRORS
def test_six_rising_points_are_no_trend_by_default_but_a_trend_at_six(sign, improvement):
    assert analysed(SIX_RISING, sign, improvement)["rule"].tolist() == [None] * 19
    points = analysed(SIX_RISING, sign, improvement, trend_length=6)
    assert points["rule"].tolist() == [None] * 12 + [TREND] * 6 + [None]
    assert points["point_type"].tolist() == [COM] * 12 + [IMP] * 6 + [COM]


@MIRRORS
def test_seven_rising_points_are_a_trend_by_default_but_not_at_eight(sign, improvement):
    points = analysed(SEVEN_RISING, sign, improvement)
    assert points["rule"].tolist() == [None] * 12 + [TREND] * 7 + [None]
    assert points["point_type"].tolist() == [COM] * 12 + [IMP] * 7 + [COM]
    assert analysed(SEVEN_RISING, sign, improvement, trend_length=8)["rule"].tolist() == [None] * 20


def test_analyse_many_trend_length_defaults_to_seven():
    # [4, 2] * 6 + [2, 2.4, ..., 4.4]: the last seven rise after a tie. Mean 58.4/19 = 3.07:
    # 12-15 below, 16-19 above (no run); amr = 24.4/18 = 1.36, near limits 0.67 .. 5.48.
    rising = [2, 2.4, 2.8, 3.2, 3.6, 4.0, 4.4]
    assert latest_variation(BASELINE + rising) == "improvement"
    assert latest_variation(BASELINE + rising, trend_length=8) == "common_cause"
    assert latest_variation(BASELINE + rising[:-1]) == "common_cause"
    assert latest_variation(BASELINE + rising[:-1], trend_length=6) == "improvement"


# --- outlier screening (default on) and its factor 3.267 ---------------------------------

BIG_JUMP = [2, 4] * 6 + [42]
# mean = (6*2 + 6*4 + 42) / 13 = 78/13 = 6 with or without screening.
# Moving ranges: eleven of 2, then |42-4| = 38; amr = 60/12 = 5.
# Screening: 38 >= 3.267*5 = 16.335 is dropped, amr = 22/11 = 2:
#   upl 6 + 2.66*2 = 11.32, lpl 0.68, nupl 6 + 3.546667 = 9.546667, nlpl 2.453333.
# Without screening, amr 5: upl 6 + 13.3 = 19.3, lpl -7.3, nupl 6 + 8.866667 = 14.866667, nlpl -2.866667.


def test_screening_is_on_by_default_and_narrows_the_limits():
    for limits in (xmr_limits(BIG_JUMP), xmr_limits(BIG_JUMP, screen_outliers=True)):
        assert tuple(limits) == pytest.approx((6, 2, 0.68, 11.32, 2.453333, 9.546667), abs=1e-6)
    point = analyse(BIG_JUMP, improvement="higher").points.iloc[0]
    assert (point["mean"], point["lpl"], point["upl"]) == pytest.approx((6, 0.68, 11.32))
    assert (point["nlpl"], point["nupl"]) == pytest.approx((2.453333, 9.546667), abs=1e-6)


def test_without_screening_the_big_jump_widens_the_limits():
    limits = xmr_limits(BIG_JUMP, screen_outliers=False)
    assert tuple(limits) == pytest.approx((6, 5, -7.3, 19.3, -2.866667, 14.866667), abs=1e-6)
    point = analyse(BIG_JUMP, improvement="higher", screen_outliers=False).points.iloc[0]
    assert (point["mean"], point["lpl"], point["upl"]) == pytest.approx((6, -7.3, 19.3))


def test_analyse_many_screens_by_default():
    frame = pd.DataFrame({"measure_id": "m", "period": [f"{2000 + i}-01" for i in range(13)], "value": BIG_JUMP})
    row = analyse_many(frame, improvement={"m": "higher"}).loc["m"]
    assert (row["mean"], row["lpl"], row["upl"]) == pytest.approx((6, 0.68, 11.32))
    row = analyse_many(frame, improvement={"m": "higher"}, screen_outliers=False).loc["m"]
    assert (row["mean"], row["lpl"], row["upl"]) == pytest.approx((6, -7.3, 19.3))


def test_a_moving_range_just_under_3_267_times_the_average_is_kept():
    # Moving ranges: eleven of 2, then |12.2-4| = 8.2; amr = 30.2/12 = 2.516667.
    # 3.267 * 2.516667 = 8.222 > 8.2: kept, amr stays 2.516667 (a factor of 3.258 or less would drop it).
    assert xmr_limits([2, 4] * 6 + [12.2]).amr == pytest.approx(2.516667, abs=1e-6)


def test_a_moving_range_just_over_3_267_times_the_average_is_dropped():
    # Moving ranges: eleven of 2, then |12.25-4| = 8.25; amr = 30.25/12 = 2.520833.
    # 3.267 * 2.520833 = 8.2356 <= 8.25: dropped, amr = 22/11 = 2 (a factor of 3.273 or more would keep it).
    assert xmr_limits([2, 4] * 6 + [12.25]).amr == pytest.approx(2)


# --- limit factor 2.66 and near factor (2/3)*2.66 ------------------------------------------


@MIRRORS
def test_a_point_just_inside_the_process_limit_is_not_outside(sign, improvement):
    # upl = 3 + 2.66*2 = 8.32 (mirror: lpl -8.32); 8.31 is inside, and alone near the limit.
    points = analysed([8.31], sign, improvement)
    assert points[["upl", "lpl"]].iloc[-1].tolist() == pytest.approx([8.32, -2.32] if sign > 0 else [2.32, -8.32])
    assert points["rule"].tolist() == [None] * 13


@MIRRORS
def test_a_point_just_outside_the_process_limit_is_outside(sign, improvement):
    # 8.33 > upl 8.32 (mirror: -8.33 < lpl -8.32). A factor of 2.665 or more would put it inside.
    points = analysed([8.33], sign, improvement)
    assert points["rule"].tolist() == [None] * 12 + [OUT]
    assert points["point_type"].tolist() == [COM] * 12 + [IMP]


@MIRRORS
def test_points_just_beyond_the_near_limit_count_for_two_in_three(sign, improvement):
    # nupl = 3 + (2/3)*2.66*2 = 6.546667; 6.55 is near (between it and upl 8.32). Window 13-15
    # (6.55, 4, 6.55) is all above the mean with two near points. No trend, no run (3 points).
    points = analysed([6.55, 4, 6.55], sign, improvement)
    assert points["nupl" if sign > 0 else "nlpl"].iloc[-1] == pytest.approx(6.546667 * sign, abs=1e-6)
    assert points["rule"].tolist() == [None] * 12 + [TWO, None, TWO]
    assert points["point_type"].tolist() == [COM] * 12 + [IMP, COM, IMP]


@MIRRORS
def test_points_just_inside_the_near_limit_do_not_count_for_two_in_three(sign, improvement):
    # 6.54 < nupl 6.546667: not near, so nothing fires.
    assert analysed([6.54, 4, 6.54], sign, improvement)["rule"].tolist() == [None] * 15
