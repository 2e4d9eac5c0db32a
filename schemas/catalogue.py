"""The catalogue: thematic areas, measures and their effective-dated targets."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from kpicore.vocab import Frequency, Polarity, Unit

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
PERIOD = r"^\d{4}-(0[1-9]|1[0-2])$"


class AreaModel(pa.DataFrameModel):
    """A thematic area of the scorecard, in the council's order."""

    area_id: Series[str] = pa.Field(str_matches=SLUG, unique=True, description="Stable id (slug).")
    name: Series[str] = pa.Field(str_length={"min_value": 1}, description="The council's name for the area.")
    position: Series[int] = pa.Field(ge=1, unique=True, description="Order on the scorecard.")

    class Config:
        strict = True
        coerce = True


class MeasureModel(pa.DataFrameModel):
    """One measure of the catalogue."""

    measure_id: Series[str] = pa.Field(str_matches=SLUG, unique=True, description="Stable id (slug) for files and URLs.")
    area_id: Series[str] = pa.Field(description="Thematic area the measure belongs to.")
    position: Series[int] = pa.Field(ge=1, unique=True, description="Order on the scorecard.")
    name: Series[str] = pa.Field(str_length={"min_value": 1}, unique=True, description="The council's own wording (proof-read).")
    killer_kpi: Series[bool] = pa.Field(description="A 'killer KPI' the leadership watches first.")
    unit: Series[str] = pa.Field(isin=[u.value for u in Unit], description="percent (points, 77.6), count, rate or days.")
    polarity: Series[str] = pa.Field(isin=[p.value for p in Polarity], description="Whether higher or lower values are better.")
    frequency: Series[str] = pa.Field(isin=[f.value for f in Frequency], description="monthly, or quarterly (Mar, Jun, Sep, Dec).")
    lower_bound: Series[float] = pa.Field(nullable=True, description="Smallest value allowed.")
    upper_bound: Series[float] = pa.Field(nullable=True, description="Largest value allowed (100 for percent unless more is legitimate).")
    dot_threshold: Series[float] = pa.Field(gt=0, description="Change that turns the direction-of-travel arrow up or down.")
    retired_from: Series[str] = pa.Field(
        str_matches=PERIOD, nullable=True,
        description="First month (YYYY-MM) no figure is expected; blank while the measure is in use.",
    )

    class Config:
        strict = True
        coerce = True

    @pa.dataframe_check(name="bounds_in_order")
    def bounds_in_order(cls, df: pd.DataFrame) -> Series[bool]:
        return df["lower_bound"].isna() | df["upper_bound"].isna() | (df["lower_bound"] < df["upper_bound"])


class TargetModel(pa.DataFrameModel):
    """A target and tolerance in force for a measure from a period until the next one.

    Validated joined with the measure's polarity, so that a tolerance on the
    better side of its target is refused.
    """

    measure_id: Series[str] = pa.Field(description="Measure the target is for.")
    from_period: Series[str] = pa.Field(str_matches=PERIOD, description="First month (YYYY-MM) the target applies to.")
    target: Series[float] = pa.Field(nullable=True, description="Target, in the measure's unit; blank: no target from this month (the target ended).")
    tolerance: Series[float] = pa.Field(nullable=True, description="Tolerance threshold on the worse side of the target; blank for no amber band.")
    polarity: Series[str] = pa.Field(isin=[p.value for p in Polarity], description="The measure's polarity (joined from the catalogue).")

    class Config:
        strict = True
        coerce = True
        unique = ["measure_id", "from_period"]

    @pa.dataframe_check(name="tolerance_on_worse_side")
    def tolerance_on_worse_side(cls, df: pd.DataFrame) -> Series[bool]:
        higher = df["polarity"] == Polarity.HIGHER
        lower = df["polarity"] == Polarity.LOWER
        return (
            df["tolerance"].isna()
            | (higher & (df["tolerance"] < df["target"]))
            | (lower & (df["tolerance"] > df["target"]))
        )

    @pa.dataframe_check(name="tolerance_needs_a_target")
    def tolerance_needs_a_target(cls, df: pd.DataFrame) -> Series[bool]:
        return df["tolerance"].isna() | df["target"].notna()


class ComparatorModel(pa.DataFrameModel):
    """A comparator (a benchmark such as the England average) in force for a measure from a period."""

    measure_id: Series[str] = pa.Field(description="Measure the comparator is for.")
    from_period: Series[str] = pa.Field(str_matches=PERIOD, description="First month (YYYY-MM) the comparator applies to.")
    value: Series[float] = pa.Field(nullable=True, description="The comparator's figure, in the measure's unit.")
    label: Series[str] = pa.Field(
        nullable=True, str_length={"max_value": 200},
        description="Where it comes from (\"England 2021-22\"), or the comparator itself when it is only text.",
    )

    class Config:
        strict = True
        coerce = True
        unique = ["measure_id", "from_period"]

    @pa.dataframe_check(name="value_or_label")
    def value_or_label(cls, df: pd.DataFrame) -> Series[bool]:
        return df["value"].notna() | df["label"].notna()
