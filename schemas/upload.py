"""A submitted figure (form, upload or command line), before it is written."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from kpicore.periods import QUARTER_END_MONTHS
from schemas.observations import ObservationModel

COMMENTARY_MAX = 2000


class SubmissionModel(ObservationModel):
    """A figure as submitted, joined with what decides whether it may be written.

    Besides the checks of ``ObservationModel`` (finite, within the measure's
    bounds, whole counts), a submitted figure must be for a month that has
    begun, for a quarter-end month if the measure is quarterly, before the month the
    measure is retired from, once per measure
    and month, for a measure the person owns, for a month that is not locked
    (unless they are an administrator), and carry commentary where it is required.
    """

    commentary: Series[str] = pa.Field(
        nullable=True, str_length={"max_value": COMMENTARY_MAX}, description="What explains the figure."
    )
    frequency: Series[str] = pa.Field(description="The measure's frequency (joined from the catalogue).")
    retired_from: Series[str] = pa.Field(nullable=True, description="The month the measure is retired from, if it is (joined).")
    current_month: Series[str] = pa.Field(description="The current calendar month (joined): no later month is accepted.")
    owned: Series[bool] = pa.Field(description="Whether the person may submit for this measure (joined).")
    locked: Series[bool] = pa.Field(description="Whether the month is locked to this person (joined).")
    needs_commentary: Series[bool] = pa.Field(description="Whether this figure requires commentary (joined).")

    class Config:
        strict = True
        coerce = True
        unique = None

    @pa.dataframe_check(name="not_in_future")
    def not_in_future(cls, df: pd.DataFrame) -> Series[bool]:
        return df["period"] <= df["current_month"]

    @pa.dataframe_check(name="reporting_month")
    def reporting_month(cls, df: pd.DataFrame) -> Series[bool]:
        month = pd.to_numeric(df["period"].str[5:7], errors="coerce")
        return (df["frequency"] != "quarterly") | month.isin(QUARTER_END_MONTHS)

    @pa.dataframe_check(name="before_retirement")
    def before_retirement(cls, df: pd.DataFrame) -> Series[bool]:
        return df["retired_from"].isna() | (df["period"] < df["retired_from"].fillna(""))

    @pa.dataframe_check(name="one_figure_per_measure_month")
    def one_figure_per_measure_month(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df.duplicated(["measure_id", "period"], keep=False)

    @pa.dataframe_check(name="owned")
    def owned_measure(cls, df: pd.DataFrame) -> Series[bool]:
        return df["owned"]

    @pa.dataframe_check(name="unlocked")
    def unlocked(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df["locked"]

    @pa.dataframe_check(name="commentary_when_worse")
    def commentary_when_worse(cls, df: pd.DataFrame) -> Series[bool]:
        given = df["commentary"].fillna("").astype(str).str.strip() != ""
        return ~df["needs_commentary"] | given
