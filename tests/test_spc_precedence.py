"""SPC rule precedence, pair by pair, on tiny literal vectors checked by hand.

DESIGN's order when several rules apply to one point: (1) outside the process limits,
(2) trend, (3) two of three near a limit, (4) run. Every vector below starts with the
same twelve baseline points and is analysed with `baseline=12`, so the limits are fixed
and can be worked out by hand once (see BASELINE). Each test is run as written and as
its mirror image (every value negated, lower is better), which mirrors the limits and
keeps every rule and point type the same.
"""

from __future__ import annotations

import pytest

from kpicore.spc import PointType, Rule, analyse

OUT, TREND, TWO, RUN = Rule.OUTSIDE_LIMITS, Rule.TREND, Rule.TWO_IN_THREE, Rule.RUN
COM, IMP, CON = PointType.COMMON_CAUSE, PointType.IMPROVEMENT, PointType.CONCERN

BASELINE = [4, 2] * 6
# Limits, by hand, from the baseline alone (points 1-12):
#   mean = (6*4 + 6*2) / 12 = 3
#   eleven moving ranges of |2-4| = 2, so amr = 2; none reaches 3.267*2 = 6.534, nothing screened
#   upl = 3 + 2.66*2 = 8.32            lpl = 3 - 5.32 = -2.32
#   nupl = 3 + (2/3)*2.66*2 = 6.546667 nlpl = 3 - 3.546667 = -0.546667
# The baseline itself fires nothing: it alternates above (4) and below (2) the mean, so no
# run, every step reverses, so no trend, and every value is inside the near limits.
# Point 12 is 2: below the mean, so a run above the mean can only start at point 13.

MIRRORS = pytest.mark.parametrize(("sign", "improvement"), [(1, "higher"), (-1, "lower")], ids=["as_is", "mirror"])


def analysed(tail: list[float], sign: int, improvement: str):
    """Points of BASELINE + tail (times sign), with the limits fixed on the baseline."""
    values = [sign * v for v in BASELINE + tail]
    return analyse(values, improvement=improvement, baseline=12).points


@MIRRORS
def test_the_fixed_limits_are_the_ones_worked_out_by_hand(sign, improvement):
    points = analysed([3], sign, improvement)
    upl, lpl, nupl, nlpl = (8.32, -2.32, 6.546667, -0.546667) if sign > 0 else (2.32, -8.32, 0.546667, -6.546667)
    assert points["mean"].tolist() == pytest.approx([3 * sign] * 13)
    assert points["upl"].tolist() == pytest.approx([upl] * 13)
    assert points["lpl"].tolist() == pytest.approx([lpl] * 13)
    assert points["nupl"].tolist() == pytest.approx([nupl] * 13, abs=1e-6)
    assert points["nlpl"].tolist() == pytest.approx([nlpl] * 13, abs=1e-6)
    assert points["rule"].tolist() == [None] * 13


@MIRRORS
def test_outside_the_limits_beats_a_trend(sign, improvement):
    # 13: 10 > upl 8.32, outside; 10 > 6 > 5 > 4 > 3 > 2.5 > 2 is a falling trend of 7,
    # points 13-19 (point 12 is 2 < 10, so the trend starts at 13). Point 13 is both:
    # outside wins, and it is an improvement (above, higher is better) where the falling
    # trend would make it a concern.
    # Nothing else: 6, 5, 4 are under nupl 6.55 (not near), 17 sits on the mean (no run).
    points = analysed([10, 6, 5, 4, 3, 2.5, 2], sign, improvement)
    assert points["rule"].tolist() == [None] * 12 + [OUT] + [TREND] * 6
    assert points["point_type"].tolist() == [COM] * 12 + [IMP] + [CON] * 6


@MIRRORS
def test_outside_the_limits_beats_two_in_three(sign, improvement):
    # 13 and 15: 7 is near (6.55 < 7 <= 8.32); 14: 9 > 8.32 is outside. The window 13-15 is
    # all above the mean with two near points, so 13 and 15 are two-in-three. Point 14 sits
    # in that window but beyond the process limit, so rule 1 decides it: DESIGN counts only
    # points between the near and process limits for two-in-three, so a point beyond the
    # limit is never itself a two-in-three point.
    # No trend (2, 7, 9 then 7), no run (three points above).
    points = analysed([7, 9, 7], sign, improvement)
    assert points["rule"].tolist() == [None] * 12 + [TWO, OUT, TWO]
    assert points["point_type"].tolist() == [COM] * 12 + [IMP] * 3


@MIRRORS
def test_outside_the_limits_beats_a_run(sign, improvement):
    # 13-19 are all above the mean 3 (point 12 is below): a run of 7. 16: 9 > 8.32 is also
    # outside, so it is decided by rule 1. 4 and 5 are under nupl 6.55; the values go up and
    # down, so no trend.
    points = analysed([4, 5, 4, 9, 4, 5, 4], sign, improvement)
    assert points["rule"].tolist() == [None] * 12 + [RUN, RUN, RUN, OUT, RUN, RUN, RUN]
    assert points["point_type"].tolist() == [COM] * 12 + [IMP] * 7


@MIRRORS
def test_a_trend_beats_two_in_three(sign, improvement):
    # 8 > 7 > 5 > 4 > 3 > 2.5 > 2: a falling trend of 7, points 13-19 (2 -> 8 is a rise).
    # 13 and 14 (8 and 7) are near (6.55 < v <= 8.32) and the window 13-15 (8, 7, 5) is all
    # above the mean: two-in-three too. The trend wins, so they are concerns (falling,
    # higher is better), not improvements (above the mean).
    # No run: 13-16 are above the mean and 17 sits on it.
    points = analysed([8, 7, 5, 4, 3, 2.5, 2], sign, improvement)
    assert points["rule"].tolist() == [None] * 12 + [TREND] * 7
    assert points["point_type"].tolist() == [COM] * 12 + [CON] * 7


@MIRRORS
def test_a_trend_beats_a_run(sign, improvement):
    # 0 < 0.4 < ... < 2.4: a rising trend of 7, points 13-19 (2 -> 0 is a fall). Points
    # 12-19 (2, then 0 .. 2.4) are all below the mean 3 and point 11 (4) is above: a run of 8.
    # Points 13-19 are both; the trend wins, so they are improvements (rising), while point
    # 12 is in the run only: a concern (below the mean). All are inside nlpl -0.55.
    points = analysed([0, 0.4, 0.8, 1.2, 1.6, 2.0, 2.4], sign, improvement)
    assert points["rule"].tolist() == [None] * 11 + [RUN] + [TREND] * 7
    assert points["point_type"].tolist() == [COM] * 11 + [CON] + [IMP] * 7


@MIRRORS
def test_two_in_three_beats_a_run(sign, improvement):
    # 13-19 are all above the mean: a run of 7. 15 and 17 (7) are near (6.55 < 7 <= 8.32)
    # and the window 15-17 (7, 4, 7) is all above the mean: two-in-three, which wins there.
    # The windows 13-15 and 17-19 have one near point each. No trend: 2, 4, 4.5, 7 is four
    # rising points, then 7 -> 4 falls.
    points = analysed([4, 4.5, 7, 4, 7, 4.5, 4], sign, improvement)
    assert points["rule"].tolist() == [None] * 12 + [RUN, RUN, TWO, RUN, TWO, RUN, RUN]
    assert points["point_type"].tolist() == [COM] * 12 + [IMP] * 7
