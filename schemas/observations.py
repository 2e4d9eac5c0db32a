"""Observations: one figure per measure per period."""

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from kpicore.vocab import PerformanceGroup, Unit
from schemas.catalogue import PERIOD


class ObservationModel(pa.DataFrameModel):
    """A measure's figure for a month, validated joined with the measure's unit and bounds."""

    measure_id: Series[str] = pa.Field(description="Measure the figure is for.")
    period: Series[str] = pa.Field(str_matches=PERIOD, description="Month (YYYY-MM) the figure is for.")
    value: Series[float] = pa.Field(description="The figure, in the measure's unit (percent as points: 77.6).")
    commentary: Series[str] = pa.Field(nullable=True, description="What explains the figure.")
    performance_group: Series[str] = pa.Field(
        nullable=True, isin=[g.value for g in PerformanceGroup], description="Good, Fair or Poor, as judged by a person."
    )
    unit: Series[str] = pa.Field(isin=[u.value for u in Unit], description="The measure's unit (joined from the catalogue).")
    lower_bound: Series[float] = pa.Field(nullable=True, description="The measure's smallest allowed value (joined).")
    upper_bound: Series[float] = pa.Field(nullable=True, description="The measure's largest allowed value (joined).")

    class Config:
        strict = True
        coerce = True
        unique = ["measure_id", "period"]

    @pa.check("value", name="finite")
    def finite(cls, value: Series[float]) -> Series[bool]:
        return pd.Series(np.isfinite(value.to_numpy(dtype=float)), index=value.index)

    @pa.dataframe_check(name="within_bounds")
    def within_bounds(cls, df: pd.DataFrame) -> Series[bool]:
        above = df["lower_bound"].isna() | (df["value"] >= df["lower_bound"])
        below = df["upper_bound"].isna() | (df["value"] <= df["upper_bound"])
        return above & below

    @pa.dataframe_check(name="whole_count")
    def whole_count(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["unit"] != Unit.COUNT) | (df["value"] % 1 == 0)
