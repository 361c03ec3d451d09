import datetime as dt

import pytest

from hvshell.runtime.conversions import (ConversionError, convert, parse_number, to_bool,
                                         type_matches)
from hvshell.runtime.psobject import format_double, format_timespan


@pytest.mark.parametrize("value, expected", [
    ("", False), ("False", True), ("0", True), (0, False), (0.0, False), (None, False),
    ([], False), ([0], False), ([0, 0], True), ([1], True),
])
def test_truthiness(value, expected):
    assert to_bool(value) is expected


def test_numbers_from_text():
    assert parse_number("4GB") == 4 * 2**30
    assert parse_number("0x1F") == 31
    assert parse_number(" 12 ") == 12
    assert parse_number("1.5e3") == 1500.0
    assert parse_number("abc") is None


def test_int_cast_rounds_half_to_even():
    assert convert(2.5, "int") == 2
    assert convert(3.5, "int") == 4
    assert convert("42", "int") == 42


def test_cast_errors_say_what_and_why():
    with pytest.raises(ConversionError, match='Cannot convert value "abc" to type "System.Int32"'):
        convert("abc", "int")
    with pytest.raises(ConversionError, match="too large or too small"):
        convert(2**40, "int")


def test_dates_and_spans():
    assert convert("2014-03-25 09:30:00", "datetime") == dt.datetime(2014, 3, 25, 9, 30)
    assert convert("1.02:03:04", "timespan") == dt.timedelta(days=1, hours=2, minutes=3, seconds=4)
    assert format_timespan(dt.timedelta(minutes=90)) == "01:30:00"
    assert format_timespan(dt.timedelta(seconds=1.5)) == "00:00:01.5000000"


def test_typed_arrays():
    assert convert(["1", "2"], "int[]") == [1, 2]
    assert convert("x", "string[]") == ["x"]


def test_type_tests():
    assert type_matches(42, "int")
    assert not type_matches("42", "int")
    assert type_matches([1], "array")


def test_double_text_matches_dotnet_framework():
    assert format_double(0.1 + 0.2) == "0.3"
    assert format_double(3.0) == "3"
    assert format_double(1e20) == "1E+20"
    assert format_double(1.5e-5) == "1.5E-05"
