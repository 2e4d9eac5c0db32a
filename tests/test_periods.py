from datetime import date, datetime

import pytest

from kpicore.periods import MonthOutOfRange, label, month_columns, parse_period, shift, window


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


@pytest.mark.parametrize(
    "text", ["0000-01", "9999-12", "1999-12", "2100-01", "Dec 1999", date(1999, 12, 31), datetime(2100, 1, 1)]
)
def test_months_outside_the_accepted_range_are_refused_naming_it(text):
    with pytest.raises(MonthOutOfRange, match=r"outside the months this dashboard accepts \(2000-01 to 2099-12\)"):
        parse_period(text)


def test_the_range_ends_are_accepted_and_a_range_can_be_given():
    assert parse_period("2000-01") == "2000-01" and parse_period("Dec-99") == "2099-12"
    assert parse_period("1990-05", years=(1990, 2030)) == "1990-05"
    with pytest.raises(ValueError, match=r"\(1990-01 to 2030-12\)"):
        parse_period("2031-01", years=(1990, 2030))


@pytest.mark.parametrize(
    "period, text", [("0000-01", "Jan-00"), ("9999-12", "Dec-99"), ("1899-02", "Feb-99"), ("2022-11", "Nov-22")]
)
def test_any_stored_month_has_a_label_without_calendar_limits(period, text):
    assert label(period) == text


@pytest.mark.parametrize("stored", ["2022-13", "2022-00", "not a month", "", "Nov-22", None, 202211])
def test_an_unreadable_stored_month_is_labelled_as_it_is(stored):
    assert label(stored) == ("" if stored is None else str(stored))


def test_month_arithmetic_at_any_year():
    assert shift("0000-01", 1) == "0000-02" and shift("9999-12", -12) == "9998-12"
    assert window("0000-02", 2) == ["0000-01", "0000-02"]
