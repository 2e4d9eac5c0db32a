from datetime import date, datetime

import pytest

from kpicore.periods import label, month_columns, parse_period, shift, window


@pytest.mark.parametrize(
    "text",
    ["2022-11", "Nov-22", "Nov 2022", "nov-2022", " November 2022 ", date(2022, 11, 30), datetime(2022, 11, 1, 9)],
)
def test_every_accepted_form_is_the_same_month(text):
    assert parse_period(text) == "2022-11"


@pytest.mark.parametrize("text", ["2022-13", "Novv-22", "22-11", "", "11/2022"])
def test_unreadable_months_are_refused_with_the_text(text):
    with pytest.raises(ValueError, match="is not a month"):
        parse_period(text)


def test_window_counts_back_across_a_year_end():
    assert window("2022-02", 3) == ["2021-12", "2022-01", "2022-02"]
    assert len(window("2022-11", 13)) == 13 and window("2022-11", 13)[0] == "2021-11"


def test_shift_and_label():
    assert shift("2022-01", -1) == "2021-12"
    assert shift("2022-12", -3) == "2022-09"
    assert label("2022-11") == "Nov-22"


def test_month_columns_are_exactly_the_yyyy_mm_names_in_order():
    columns = ["area", "measure_id", "2021-11", "2022-10", "band_2022-10", "target", 2022, "2022-1", "1999-12"]
    assert month_columns(columns) == ["2021-11", "2022-10", "1999-12"]
