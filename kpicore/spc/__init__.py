"""Statistical process control (XmR charts) in the NHS England "Making Data Count" style.

The analysis follows NHSRplotthedots v0.2.2, the R reference implementation, with the
deliberate deviations listed in docs/spc-method.md. `analyse` runs the rules on one
series and `analyse_many` runs the same engine, vectorised, on many series at once, so
both give identical answers. One concept per module:

- vocabulary: point types, assurance, rules, their labels and icon texts
- series: input values, series-start flags, blocks of consecutive points
- limits: moving ranges, outlier screening, mean, process and near limits
- special_cause: the four rules and their precedence
- engine: limits, rules and point types for series laid end to end
- signals: the episodes each rule found, in words
- assurance: target against the process limits
- analysis: `analyse` and `SPCResult`
- batch: `analyse_many`
"""

from kpicore.spc.analysis import MIN_BASELINE, SPCResult, analyse
from kpicore.spc.assurance import assurance_type
from kpicore.spc.batch import analyse_many
from kpicore.spc.engine import MIN_POINTS
from kpicore.spc.limits import LIMIT_FACTOR, NEAR_FACTOR, SCREEN_FACTOR, SCREEN_OUTLIERS, Limits, xmr_limits
from kpicore.spc.signals import Signal
from kpicore.spc.special_cause import (
    PRECEDENCE,
    RUN_LENGTH,
    TREND_LENGTH,
    run_ends,
    run_flags,
    sides_of_mean,
    trend_ends,
    trend_flags,
    two_in_three_flags,
)
from kpicore.spc.vocabulary import (
    ASSURANCE_LABELS,
    ASSURANCE_TEXT,
    POINT_TYPE_LABELS,
    RULE_LABELS,
    TOO_FEW_MESSAGE,
    VARIATION_TEXT,
    Assurance,
    PointType,
    Rule,
)

__all__ = [
    "ASSURANCE_LABELS",
    "ASSURANCE_TEXT",
    "LIMIT_FACTOR",
    "MIN_BASELINE",
    "MIN_POINTS",
    "NEAR_FACTOR",
    "POINT_TYPE_LABELS",
    "PRECEDENCE",
    "RULE_LABELS",
    "RUN_LENGTH",
    "SCREEN_FACTOR",
    "SCREEN_OUTLIERS",
    "TOO_FEW_MESSAGE",
    "TREND_LENGTH",
    "VARIATION_TEXT",
    "Assurance",
    "Limits",
    "PointType",
    "Rule",
    "SPCResult",
    "Signal",
    "analyse",
    "analyse_many",
    "assurance_type",
    "run_ends",
    "run_flags",
    "sides_of_mean",
    "trend_ends",
    "trend_flags",
    "two_in_three_flags",
    "xmr_limits",
]
