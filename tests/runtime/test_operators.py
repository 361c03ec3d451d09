import datetime as dt

import pytest

from hvshell.runtime import operators as ops
from hvshell.runtime.psobject import Hashtable


def test_comparisons_ignore_case_by_default():
    assert ops.compare("eq", "Running", "running") is True
    assert ops.compare("ceq", "Running", "running") is False
    assert ops.compare("ieq", "A", "a") is True


def test_right_operand_converts_to_left_type():
    assert ops.compare("eq", 1, "1.0") is True
    assert ops.compare("eq", "1.0", 1) is False
    assert ops.compare("eq", 1, "abc") is False


def test_collection_on_left_filters():
    assert ops.compare("eq", [1, 2, 3, 2], 2) == [2, 2]
    assert ops.compare("gt", [1, 2, 3], 1) == [2, 3]
    assert ops.compare("like", ["web01", "sql01"], "web*") == ["web01"]
    assert ops.compare("contains", ["a", "b"], "B") is True
    assert ops.compare("in", "b", ["a", "b"]) is True


def test_null_comparisons():
    assert ops.compare("eq", None, None) is True
    assert ops.compare("eq", None, 0) is False
    assert ops.compare("eq", 0, None) is False


def test_ordering_errors_name_both_values():
    with pytest.raises(ops.OperatorError, match='Could not compare "1" to "abc"'):
        ops.compare("lt", 1, "abc")


def test_arithmetic_follows_left_operand():
    assert ops.add("a", 1) == "a1"
    assert ops.add(1, "2") == 3
    assert ops.add([1, 2], 3) == [1, 2, 3]
    assert ops.multiply("ab", 3) == "ababab"
    assert ops.divide(7, 2) == 3.5
    assert ops.divide(6, 3) == 2 and isinstance(ops.divide(6, 3), int)
    assert ops.modulo(-7, 3) == -1
    with pytest.raises(ops.OperatorError, match="divide by zero"):
        ops.divide(1, 0)


def test_hashtable_addition_rejects_duplicates():
    merged = ops.add(Hashtable([("a", 1)]), Hashtable([("b", 2)]))
    assert merged.keys() == ["a", "b"]
    with pytest.raises(ops.OperatorError):
        ops.add(Hashtable([("a", 1)]), Hashtable([("A", 2)]))


def test_dates_and_spans():
    start = dt.datetime(2014, 3, 25, 9)
    assert ops.add(start, dt.timedelta(hours=1)) == dt.datetime(2014, 3, 25, 10)
    assert ops.subtract(dt.datetime(2014, 3, 26, 9), start) == dt.timedelta(days=1)


def test_regex_operators():
    class Recorder:
        matches = None

        def set_matches(self, table):
            self.matches = table

    recorder = Recorder()
    assert ops.compare("match", "HV01.lab", r"^(?<host>\w+)\.", recorder) is True
    assert recorder.matches["host"] == "HV01"
    assert recorder.matches[0] == "HV01."
    assert ops.compare("replace", "John Smith", [r"(\w+) (\w+)", "$2, $1"]) == "Smith, John"
    assert ops.split("a:b:c:d", [":", 2]) == ["a", "b:c:d"]
    assert ops.unary_split("  one two ") == ["one", "two"]


def test_wildcards():
    assert ops.compare("like", "web01", "WEB*")
    assert ops.compare("like", "web01", "web0?")
    assert ops.compare("like", "web1", "web[0-9]")
    assert not ops.compare("like", "web01", "web0")
    assert ops.compare("like", "a*b", "a`*b")
    assert not ops.compare("clike", "web01", "WEB*")


def test_format_operator():
    assert ops.format_operator("{0:N2}", 1234.5678) == "1,234.57"
    assert ops.format_operator("{0,5}|{1,-3}|", ["ab", "c"]) == "   ab|c  |"
    assert ops.format_operator("{0:P1}", 0.256) == "25.6 %"
    assert ops.format_operator("{0:D3}", 7) == "007"
    with pytest.raises(ops.OperatorError):
        ops.format_operator("{1}", "only one")


def test_range_is_bounded():
    assert ops.make_range(3, 1) == [3, 2, 1]
    with pytest.raises(ops.OperatorError):
        ops.make_range(0, 10**9)


def test_an_invalid_bracket_range_matches_literally():
    assert ops.compare("like", "a[5-1]", "a[5-1]")
    assert not ops.compare("like", "a5", "a[5-1]")
