"""The scorecard rules of DESIGN.md section 3: bands, change, distance, direction of travel.

All functions are pure and vectorised over a long frame with one row per
measure and reported period. Missing is missing: a month without a value has
no row (or a NaN value) and never counts as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from kpicore.periods import FIRST_YEAR, LAST_YEAR, month_indices, window
from kpicore.vocab import Band, Direction, Frequency, PerformanceGroup, Polarity

# Comparisons are made on figures stored to a few decimals; rounding the
# differences first stops 5.3 - 4.3 = 0.9999999999999996 from missing a threshold.
_PRECISION = 9


@dataclass(frozen=True)
class Settings:
    """Tunable rule parameters, with the defaults of DESIGN.md 3.2, 3.4 and 3.6, stored in the database."""

    significance_margin: float = 2.0
    """A worse value is significantly worse beyond this many tolerance gaps from target."""
    persistence: int = 3
    """A value worse in this many consecutive reported periods is significantly worse."""
    default_tolerance: float = 0.05
    """Share of the target proposed as tolerance, and the gap assumed without one."""
    spc_run_length: int = 7
    """SPC: this many points in a row on one side of the mean make a run (DESIGN.md 3.6)."""
    spc_trend_length: int = 7
    """SPC: this many points each above (or below) the one before make a trend."""
    spc_screen_outliers: bool = True
    """SPC: leave out moving ranges of at least 3.267 times the average before setting limits."""
    first_year: int = FIRST_YEAR
    """Figures are accepted, and reported, for months from January of this year (2000)."""
    last_year: int = LAST_YEAR
    """Figures are accepted, and reported, for months up to December of this year (2099). A figure stored
    outside these years (by an earlier release) is left out of the reports; History shows it."""
    largest_count: int = 10_000_000
    """A count must be a whole number from minus this to this (ten million)."""
    largest_figure: float = 1e9
    """Any figure, whatever its unit, must be from minus this to this (a thousand million); a measure's bounds narrow it."""

    @property
    def years(self) -> tuple[int, int]:
        """The first and last year of the months accepted: ``kpicore.periods.within``, ``parse_period``."""
        return (int(self.first_year), int(self.last_year))


class NoProposal(ValueError):
    """No tolerance can be proposed for this target: the reason says why, and one must be given."""


def proposed_tolerance(target: float, polarity: Polarity | str, settings: Settings = Settings()) -> float:
    """The tolerance proposed for a new target: a share of it on the worse side, rounded half up to 0.1.

    90 → 85.5 when higher is better; 21.5 → 22.6 when lower is better; the share is of the
    target's size, so a negative target works the same way (-10 → -10.5 when higher is better).
    Raises ``NoProposal`` for a neutral measure (no worse side) and a target of 0 (no size).
    """
    polarity = Polarity(polarity)
    if polarity is Polarity.NEUTRAL:
        raise NoProposal("a neutral measure has no worse side, so no tolerance is proposed: give one, or none")
    if target == 0:
        raise NoProposal("5% of a target of 0 is 0, so no tolerance is proposed: give one, or none")
    gap = abs(Decimal(str(target))) * Decimal(str(settings.default_tolerance))
    edge = Decimal(str(target)) - polarity.sign * gap
    return float(edge.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def in_force(frame: pd.DataFrame, dated: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Add ``columns`` of the ``dated`` row in force at each row's period.

    ``frame`` has ``measure_id`` and ``period``; ``dated`` has ``measure_id, from_period``
    and ``columns``. A row applies from its period until the next one of the same measure;
    before the first there is none (NaN). This is the one rule for every effective-dated
    part of the catalogue: targets and tolerances, comparators.

    Vectorised over every measure at once: each row and each dated row is a key (measure
    code, month), and the row in force is the last dated key not after the row's key, found
    by one binary search over the sorted dated keys, kept when it is of the same measure.
    """
    # Ids compared as text on both sides: an empty table (a council with no comparators yet) reads as object.
    rows, entries = _measure_codes(frame["measure_id"], dated["measure_id"])
    row_keys = _month_keys(rows, frame["period"])
    dated_keys = _month_keys(entries, dated["from_period"])
    order = np.concatenate([[-1], np.argsort(dated_keys, kind="stable")])  # -1: before every entry
    sorted_keys = np.concatenate([[-1], dated_keys[order[1:]]])
    found = np.searchsorted(sorted_keys, row_keys, side="right") - 1
    same_measure = (found > 0) & (sorted_keys[found] // _MONTH_SPAN == rows)
    picked = dated[columns].reset_index(drop=True).reindex(np.where(same_measure, order[found], -1))
    return frame.assign(**{column: picked[column].array for column in columns})


_MONTH_SPAN = 12 * 10_000
"""More months than any period ``0000-01`` to ``9999-12`` holds: a measure code times this plus a
month index is one sortable integer key per measure and month."""


def _measure_codes(*ids: pd.Series) -> list[np.ndarray]:
    """One integer code per distinct measure id (compared as text), shared by every series given."""
    joined = pd.concat([series.astype(str) for series in ids], ignore_index=True)
    codes = pd.factorize(joined)[0]
    return np.split(codes, np.cumsum([len(series) for series in ids])[:-1])


def _months(periods: pd.Series) -> np.ndarray:
    """``periods.month_indices`` of every period, worked out once per distinct period."""
    codes, distinct = pd.factorize(periods, use_na_sentinel=False)
    return month_indices(pd.Series(distinct)).to_numpy(dtype=np.int64)[codes]


def _month_keys(codes: np.ndarray, periods: pd.Series) -> np.ndarray:
    """One integer per (measure code, period) that sorts by measure, then month."""
    return codes.astype(np.int64) * _MONTH_SPAN + _months(periods)


def _lookup(values: pd.Series, mapping: dict) -> np.ndarray:
    """``values.map(mapping)`` as floats (NaN where unmapped), looked up once per distinct value."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return np.array([mapping.get(value, np.nan) for value in distinct], dtype=float)[codes]


def targets_in_force(frame: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Add ``target`` and ``tolerance`` in force at each row's period (``in_force``).

    A target row with no target ends the target: from its period there is none.
    """
    return in_force(frame, targets, ["target", "tolerance"])


def comparators_in_force(frame: pd.DataFrame, comparators: pd.DataFrame) -> pd.DataFrame:
    """Add ``comparator_value`` and ``comparator_label`` in force at each row's period (``in_force``)."""
    renamed = comparators.rename(columns={"value": "comparator_value", "label": "comparator_label"})
    return in_force(frame, renamed, ["comparator_value", "comparator_label"])


def previous_values(frame: pd.DataFrame, frequency: pd.Series) -> pd.Series:
    """Each row's value one period earlier (previous month, or previous quarter); NaN if missing."""
    step = _lookup(frequency, {f.value: f.step_months for f in Frequency})
    (measures,) = _measure_codes(frame["measure_id"])
    month = _months(frame["period"])
    index = pd.Index(measures.astype(np.int64) * _MONTH_SPAN + month)
    if not index.is_unique:
        raise ValueError("a measure has more than one row for the same period")
    earlier_month = month - np.nan_to_num(step, nan=_MONTH_SPAN).astype(np.int64)
    earlier = index.get_indexer(np.where(earlier_month >= 0, measures * _MONTH_SPAN + earlier_month, -1))
    values = frame["value"].to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(np.where(earlier >= 0, values[earlier], np.nan), index=frame.index)


def direction_of_travel(change: pd.Series, threshold: pd.Series | float = 1.0) -> pd.Series:
    """``↑`` when change ≥ threshold, ``↓`` when change ≤ −threshold, ``→`` otherwise; blank without a change."""
    rounded = change.round(_PRECISION)
    arrows = np.select(
        [rounded >= threshold, rounded <= -threshold],
        [Direction.UP.value, Direction.DOWN.value],
        Direction.FLAT.value,
    )
    return pd.Series(np.where(change.isna(), None, arrows), index=change.index, dtype=object)


def bands(frame: pd.DataFrame, settings: Settings = Settings()) -> pd.Series:
    """The band of each row (DESIGN.md 3.4).

    ``frame`` has ``measure_id, period, value, target, tolerance, polarity`` and
    holds every reported period of each measure (persistence looks back across
    them, skipping months without a value). Rows with a NaN value are ``no_data``;
    a value without a target, or of a neutral measure, is ``no_target``.
    """
    sign = _lookup(frame["polarity"], {p.value: float(p.sign) if p.sign else np.nan for p in Polarity})
    value, target, tolerance = (frame[c].to_numpy(dtype=float, na_value=np.nan) for c in ("value", "target", "tolerance"))
    better_by = (sign * (value - target)).round(_PRECISION)
    gap = (sign * (target - tolerance)).round(_PRECISION)
    inside_tolerance = (sign * (value - tolerance)).round(_PRECISION) >= 0
    assumed_gap = np.where(np.isnan(gap), settings.default_tolerance * np.abs(target), gap)

    has_value = ~np.isnan(value)
    judged = has_value & ~np.isnan(target) & ~np.isnan(sign)
    met = judged & (better_by >= 0)
    within = judged & ~met & ~np.isnan(tolerance) & inside_tolerance
    worse = judged & ~met & ~within
    beyond_margin = worse & (better_by < -(settings.significance_margin * assumed_gap).round(_PRECISION))

    persistent = _worse_in_each_of_latest(worse, frame, has_value, settings.persistence)
    result = np.select(
        [~has_value, ~judged, met, within, worse & (beyond_margin | persistent)],
        [Band.NO_DATA, Band.NO_TARGET, Band.MET, Band.WITHIN_TOLERANCE, Band.SIGNIFICANTLY_WORSE],
        Band.WORSE,
    )
    return pd.Series(result, index=frame.index, dtype=str).sort_index()


def _history_order(frame: pd.DataFrame) -> np.ndarray:
    """The positions of ``frame``'s rows in (measure_id, period) order, by integer codes sorted as the text."""
    measures = pd.factorize(frame["measure_id"], sort=True)[0]
    periods = pd.factorize(frame["period"], sort=True)[0]
    return np.lexsort((periods, measures))


def _worse_in_each_of_latest(worse: np.ndarray, frame: pd.DataFrame, reported: np.ndarray, periods: int) -> np.ndarray:
    """True where a row and the measure's ``periods - 1`` reported rows before it are all worse.

    Rows are taken in (measure, period) order; rows without a value are skipped, not
    counted as breaks. A running total of worse rows differenced over ``periods``
    rows gives the count in each window without a Python loop per measure.
    """
    order = _history_order(frame)
    order = order[reported[order]]
    kept = worse[order].astype(int)
    group = pd.factorize(frame["measure_id"])[0][order]
    first_of_group = np.ones(len(group), dtype=bool)
    first_of_group[1:] = group[1:] != group[:-1]
    index = np.arange(len(kept))
    position = index - np.maximum.accumulate(np.where(first_of_group, index, 0)) if len(kept) else index
    total = np.concatenate([[0], np.cumsum(kept)])
    start = np.maximum(index + 1 - periods, 0)
    in_window = total[index + 1] - total[start]
    result = np.zeros(len(worse), dtype=bool)
    result[order] = (position >= periods - 1) & (in_window == periods)
    return result


def band_rules(settings: Settings = Settings()) -> dict[Band, str]:
    """What each band means, in words, with the margin, persistence and tolerance of ``settings``:
    the text of the rule ``bands`` applies, for the About page and the docs."""
    margin, persistence = f"{settings.significance_margin:g}", settings.persistence
    without = f"{settings.significance_margin * settings.default_tolerance:.0%}"
    return {
        Band.MET: "The value meets or beats the target.",
        Band.WITHIN_TOLERANCE: "Worse than target, but no worse than the tolerance threshold.",
        Band.WORSE: "Worse than the tolerance threshold (or than the target, where there is no tolerance).",
        Band.SIGNIFICANTLY_WORSE: (
            f"Worse, and either more than {margin} times the tolerance gap from target ({without} of target "
            f"without a tolerance), or worse in each of the measure's latest {persistence} reported periods."
        ),
        Band.NO_TARGET: "A figure, but no target in force (or a measure where neither direction is better).",
        Band.NO_DATA: "No figure for the month.",
    }


def suggested_group(band: pd.Series) -> pd.Series:
    """Good for met, Fair within tolerance, Poor when worse; blank otherwise (DESIGN.md 3.5)."""
    return band.map(
        {
            Band.MET: PerformanceGroup.GOOD.value,
            Band.WITHIN_TOLERANCE: PerformanceGroup.FAIR.value,
            Band.WORSE: PerformanceGroup.POOR.value,
            Band.SIGNIFICANTLY_WORSE: PerformanceGroup.POOR.value,
        }
    )


def evaluate(
    observations: pd.DataFrame,
    measures: pd.DataFrame,
    targets: pd.DataFrame,
    settings: Settings = Settings(),
) -> pd.DataFrame:
    """Every reported figure with its target, tolerance, change, distance, arrow and band.

    ``observations`` holds ``measure_id, period, value`` (current versions);
    ``measures`` the catalogue. ``change`` and ``distance`` are unrounded; the
    band of each row looks back over the measure's whole history.
    """
    catalogue = measures.set_index("measure_id")
    frame = observations[observations["value"].notna()].reset_index(drop=True)
    frame = targets_in_force(frame[["measure_id", "period", "value"]], targets)
    position = catalogue.index.get_indexer(frame["measure_id"])

    def of_measure(column: str) -> pd.Series:
        return pd.Series(catalogue[column].array.take(position, allow_fill=True), index=frame.index)

    frame["polarity"] = of_measure("polarity")
    frame["previous_value"] = previous_values(frame, of_measure("frequency"))
    frame["change"] = frame["value"] - frame["previous_value"]
    frame["distance"] = frame["value"] - frame["target"]
    frame["dot"] = direction_of_travel(frame["change"], of_measure("dot_threshold"))
    frame["band"] = bands(frame, settings)
    return frame


def lookback(settings: Settings = Settings()) -> int:
    """How many of a measure's reported rows before a figure its derived figures can depend on:
    ``previous_values`` looks one step back (a quarter at most, so at most three rows), and a band's
    persistence looks back ``persistence - 1`` reported rows."""
    return max(max(f.step_months for f in Frequency), settings.persistence - 1)


def evaluate_recent(
    observations: pd.DataFrame,
    measures: pd.DataFrame,
    targets: pd.DataFrame,
    settings: Settings,
    as_at: str,
    months: int,
) -> pd.DataFrame:
    """``evaluate`` of the figures a window of ``months`` months ending ``as_at`` shows, and of each
    measure's latest figure up to ``as_at`` (its headline), without evaluating the older history.

    Each measure's latest ``months + lookback(settings)`` reported figures up to ``as_at`` are evaluated:
    the window holds at most ``months`` of them, and every figure there looks back at most
    ``lookback`` rows. The rows returned are exactly those of ``evaluate`` for the same figures in
    the window and the latest; older rows (kept only to be looked back at) are dropped.
    """
    upto = observations[(observations["period"] <= as_at) & observations["value"].notna()]
    evaluated = evaluate(upto[_newest_first(upto) < months + lookback(settings)], measures, targets, settings)
    shown = evaluated["period"].isin(window(as_at, months)) | (_newest_first(evaluated) == 0)
    return evaluated[shown].reset_index(drop=True)


def _newest_first(frame: pd.DataFrame) -> np.ndarray:
    """Each row's place among its measure's rows, newest period first (0 for the latest), in any row order:
    integer codes sorted with numpy (``_history_order``), no grouping by text."""
    order = _history_order(frame)
    measures = pd.factorize(frame["measure_id"])[0][order]
    starts = np.r_[True, measures[1:] != measures[:-1]] if len(order) else np.zeros(0, dtype=bool)
    ends = np.flatnonzero(np.r_[starts[1:], True]) if len(order) else np.zeros(0, dtype=np.int64)
    place = np.empty(len(order), dtype=np.int64)
    place[order] = ends[np.cumsum(starts) - 1] - np.arange(len(order))
    return place


IMPROVING, WORSENING, NO_CHANGE = "improving", "worsening", "no change"
JUDGEMENTS = (IMPROVING, WORSENING)
"""What a change means for a measure, judged by its polarity (DESIGN.md 3.3: shown beside the raw arrow)."""


def improvement(change: pd.Series, polarity: pd.Series) -> pd.Series:
    """``change`` signed by polarity so that positive is better; 0 for a neutral measure, NaN without a change."""
    return change * polarity.map({p.value: float(p.sign) for p in Polarity})


def judge_change(change: pd.Series, dot: pd.Series, polarity: pd.Series) -> pd.Series:
    """``improving``, ``worsening`` or ``no change`` from the direction of travel and the polarity.

    Only a move at or beyond the direction-of-travel threshold (an ``↑`` or ``↓``)
    counts; an ``↑`` on a lower-is-better measure is worsening; a neutral measure
    never improves or worsens. Blank without a change.
    """
    better = improvement(change, polarity)
    moved = dot.isin([Direction.UP.value, Direction.DOWN.value])
    words = pd.Series(NO_CHANGE, index=change.index, dtype=object)
    words[moved & (better > 0)] = IMPROVING
    words[moved & (better < 0)] = WORSENING
    return words.where(change.notna())


def headline(evaluated: pd.DataFrame, as_at: str) -> pd.DataFrame:
    """Each measure's band at its latest reported period up to ``as_at``, with that period.

    A quarterly value therefore stands until the next quarter. Measures with no
    figure up to ``as_at`` are absent. Rows are in order of that period.
    """
    upto = evaluated.loc[evaluated["period"] <= as_at, ["measure_id", "period", "value", "band", "target"]]
    by_period = upto.iloc[np.argsort(pd.factorize(upto["period"], sort=True)[0], kind="stable")]
    latest = by_period[~by_period["measure_id"].duplicated(keep="last")].set_index("measure_id")
    return latest[["period", "value", "band", "target"]].rename(columns={"period": "status_period"})
