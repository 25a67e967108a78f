"""Periods: parsing, canonical form, comparisons, previous(), tiling."""

from __future__ import annotations

import random
import time
from datetime import date

import pytest

from factcheck._errors import SyntaxProblem
from factcheck._periods import (
    Period,
    month_period,
    parse_period,
    period_of_day,
    quarter_period,
    tiling,
    year_period,
)

D = date


@pytest.mark.parametrize(
    "text, start, end, granularity, canonical",
    [
        ("2020", D(2020, 1, 1), D(2021, 1, 1), "year", "2020"),
        (2020, D(2020, 1, 1), D(2021, 1, 1), "year", "2020"),
        ("  2020 ", D(2020, 1, 1), D(2021, 1, 1), "year", "2020"),
        ("2021-10", D(2021, 10, 1), D(2021, 11, 1), "month", "2021-10"),
        ("2021-12", D(2021, 12, 1), D(2022, 1, 1), "month", "2021-12"),
        ("2021-Q3", D(2021, 7, 1), D(2021, 10, 1), "quarter", "2021-Q3"),
        ("2021Q3", D(2021, 7, 1), D(2021, 10, 1), "quarter", "2021-Q3"),
        ("2021-q4", D(2021, 10, 1), D(2022, 1, 1), "quarter", "2021-Q4"),
        ("2021q1", D(2021, 1, 1), D(2021, 4, 1), "quarter", "2021-Q1"),
        ("2021-11-19", D(2021, 11, 19), D(2021, 11, 20), "day", "2021-11-19"),
        ("2020-02-29", D(2020, 2, 29), D(2020, 3, 1), "day", "2020-02-29"),
        (D(2021, 11, 19), D(2021, 11, 19), D(2021, 11, 20), "day", "2021-11-19"),
        ("2021-01/2021-10", D(2021, 1, 1), D(2021, 11, 1), "interval", "2021-01/2021-10"),
        ("2021-01/2021-09", D(2021, 1, 1), D(2021, 10, 1), "interval", "2021-01/2021-09"),
        ("2018/2021", D(2018, 1, 1), D(2022, 1, 1), "interval", "2018/2021"),
        # a day interval on month boundaries is the month interval
        ("2021-01-01/2021-09-30", D(2021, 1, 1), D(2021, 10, 1), "interval", "2021-01/2021-09"),
        ("2021-01-05/2021-02-10", D(2021, 1, 5), D(2021, 2, 11), "interval", "2021-01-05/2021-02-10"),
        # spans of exactly one unit take that unit's form
        ("2021-01/2021-12", D(2021, 1, 1), D(2022, 1, 1), "year", "2021"),
        ("2021-07/2021-09", D(2021, 7, 1), D(2021, 10, 1), "quarter", "2021-Q3"),
        ("2021-08/2021-10", D(2021, 8, 1), D(2021, 11, 1), "interval", "2021-08/2021-10"),
        ("2021-03-01/2021-03-31", D(2021, 3, 1), D(2021, 4, 1), "month", "2021-03"),
        ("2021/2021", D(2021, 1, 1), D(2022, 1, 1), "year", "2021"),
        ("2021-Q1/2021-Q3", D(2021, 1, 1), D(2021, 10, 1), "interval", "2021-01/2021-09"),
        ("2021-11-19/2021-11-19", D(2021, 11, 19), D(2021, 11, 20), "day", "2021-11-19"),
        ("2021-01 / 2021-10", D(2021, 1, 1), D(2021, 11, 1), "interval", "2021-01/2021-10"),
        ("2021/2021-06", D(2021, 1, 1), D(2021, 7, 1), "interval", "2021-01/2021-06"),
        ("1000", D(1000, 1, 1), D(1001, 1, 1), "year", "1000"),
        ("9998-Q4", D(9998, 10, 1), D(9999, 1, 1), "quarter", "9998-Q4"),
    ],
)
def test_parse(text, start, end, granularity, canonical):
    p = parse_period(text)
    assert (p.start, p.end, p.granularity, p.text) == (start, end, granularity, canonical)
    assert str(p) == canonical
    assert parse_period(p.text) == p  # canonical text round-trips


@pytest.mark.parametrize(
    "text, offset, message",
    [
        ("2021-13", 5, "month 13 does not exist"),
        ("2021-00", 5, "month 0 does not exist"),
        ("2021-02-30", 8, "day 30 does not exist in February 2021"),
        ("2021-02-29", 8, "day 29 does not exist in February 2021"),
        ("2021-04-31", 8, "day 31 does not exist in April 2021"),
        ("2021-Q5", 6, "quarter 5 does not exist"),
        ("2021Q0", 5, "quarter 0 does not exist"),
        ("0999", 0, "year 0999 is out of range"),
        ("9999", 0, "year 9999 is out of range (1000–9998)"),
        ("2021/9999-12", 5, "year 9999 is out of range"),
        ("2021-10/2021-01", 8, "the interval ends (2021-01) before it starts (2021-10)"),
        ("2021/2020", 5, "the interval ends (2020) before it starts (2021)"),
        ("2021-01/2021-13", 13, "month 13 does not exist"),
        ("  2021-13", 7, "month 13 does not exist"),
        ("soon", 0, "'soon' is not a period"),
        ("2021-1", 0, "is not a period"),
        ("21", 0, "is not a period"),
        ("2021-10-", 0, "is not a period"),
        ("", 0, "empty period"),
        ("2021/2022/2023", 9, "one '/'"),
        ("2021-W05", 0, "is not a period"),
    ],
)
def test_parse_errors(text, offset, message):
    with pytest.raises(SyntaxProblem) as e:
        parse_period(text)
    assert message in e.value.message
    assert e.value.offset == offset


def test_parse_rejects_bool_and_other_types():
    for bad in (True, 3.5, None):
        with pytest.raises(SyntaxProblem):
            parse_period(bad)


def test_hashable_and_ordered():
    ps = [parse_period(t) for t in ("2021", "2020", "2021-Q1", "2021-01", "2021-01/2021-10", "2020-12-31")]
    assert len({*ps, parse_period("2021-01-01/2021-12-31")}) == len(ps)  # the interval equals the year
    assert [p.text for p in sorted(ps)] == ["2020", "2020-12-31", "2021-01", "2021-Q1", "2021-01/2021-10", "2021"]
    assert parse_period("2021") == year_period(2021)
    assert parse_period("2021-Q2") == quarter_period(2021, 2)
    assert parse_period("2021-02") == month_period(2021, 2)
    assert period_of_day(D(2021, 11, 19)) == parse_period("2021-11-19")


@pytest.mark.parametrize(
    "outer, inner, contains, overlaps",
    [
        ("2021", "2021-Q3", True, True),
        ("2021", "2021-11-19", True, True),
        ("2021", "2021", True, True),
        ("2021-Q3", "2021", False, True),
        ("2021-01/2021-10", "2021-10", True, True),
        ("2021-01/2021-10", "2021-11", False, False),
        ("2021-01/2021-10", "2021-Q4", False, True),
        ("2020", "2021-01-01", False, False),
        ("2018/2021", "2020-Q2", True, True),
    ],
)
def test_contains_overlaps(outer, inner, contains, overlaps):
    a, b = parse_period(outer), parse_period(inner)
    assert a.contains(b) is contains
    assert a.overlaps(b) is overlaps
    assert b.overlaps(a) is overlaps


def test_contains_a_date():
    assert parse_period("2021").contains(D(2021, 12, 31))
    assert not parse_period("2021").contains(D(2022, 1, 1))


@pytest.mark.parametrize(
    "text, months",
    [
        ("2021", 12),
        ("2021-Q3", 3),
        ("2021-10", 1),
        ("2021-01/2021-10", 10),
        ("2018/2021", 48),
        ("2021-11-19", None),
        ("2021-01-05/2021-02-10", None),
    ],
)
def test_length_months(text, months):
    assert parse_period(text).length_months() == months


@pytest.mark.parametrize(
    "text, previous",
    [
        ("2021", "2020"),
        ("2021-Q3", "2021-Q2"),
        ("2021-Q1", "2020-Q4"),
        ("2021-01", "2020-12"),
        ("2021-10", "2021-09"),
        ("2021-11-19", "2021-11-18"),
        ("2021-03-01", "2021-02-28"),
        ("2021-01/2021-10", "2020-01/2020-10"),
        ("2021-01/2021-09", "2020-01/2020-09"),
        ("2018/2021", "2014/2017"),
        ("2021-07/2022-06", "2020-07/2021-06"),
        ("2021-01-05/2021-02-10", "2020-01-05/2020-02-10"),
        ("2021-03-01/2021-03-10", "2020-03-01/2020-03-10"),
    ],
)
def test_previous(text, previous):
    p = parse_period(text)
    prev = p.previous()
    assert prev.text == previous
    assert prev.granularity == p.granularity
    assert prev.next() == p


@pytest.mark.parametrize(
    "a, b, same_start, prefix",
    [
        ("2021-01/2021-09", "2021-01/2021-10", True, True),
        ("2021-01/2021-10", "2021-01/2021-09", True, False),
        ("2021-01/2021-10", "2021-01/2021-10", True, False),
        ("2021-Q1", "2021", True, True),
        ("2021-01", "2021-01/2021-09", True, True),
        ("2021-02/2021-09", "2021-01/2021-10", False, False),
    ],
)
def test_same_start_and_prefix(a, b, same_start, prefix):
    pa, pb = parse_period(a), parse_period(b)
    assert pa.same_start(pb) is same_start
    assert pa.is_cumulative_prefix_of(pb) is prefix


def _ps(*texts):
    return [parse_period(t) for t in texts]


def _months(year, first=1, last=12):
    return [month_period(year, m) for m in range(first, last + 1)]


@pytest.mark.parametrize(
    "target, available, expected",
    [
        ("2021", _months(2021), [f"2021-{m:02d}" for m in range(1, 13)]),
        ("2021-Q3", _months(2021), ["2021-07", "2021-08", "2021-09"]),
        ("2021-01/2021-10", _months(2021), [f"2021-{m:02d}" for m in range(1, 11)]),
        ("2021", _ps("2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"), ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]),
        # months preferred over quarters when both tile
        ("2021", _ps("2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4") + _months(2021), [f"2021-{m:02d}" for m in range(1, 13)]),
        # quarters when months have a gap
        ("2021", _ps("2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4") + _months(2021, 1, 11), ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]),
        # a mix that tiles exactly
        ("2021", _ps("2021-01/2021-09", "2021-Q4"), ["2021-01/2021-09", "2021-Q4"]),
        ("2021", _ps("2021-Q1", "2021-Q2", "2021-07", "2021-08", "2021-09", "2021-Q4"),
         ["2021-Q1", "2021-Q2", "2021-07", "2021-08", "2021-09", "2021-Q4"]),
        ("2018/2021", _ps("2018", "2019", "2020", "2021", "2022"), ["2018", "2019", "2020", "2021"]),
        ("2021-10", [period_of_day(D(2021, 10, d)) for d in range(1, 32)], [f"2021-10-{d:02d}" for d in range(1, 32)]),
        # a gap: no tiling
        ("2021", _months(2021, 1, 11), None),
        ("2021", _ps("2021-Q1", "2021-Q2", "2021-Q4"), None),
        # overlap only: Jan-Sep and Q3 + Q4 overlap; no exact tiling without them overlapping
        ("2021", _ps("2021-01/2021-09", "2021-Q3"), None),
        # the target itself is not a tiling of itself
        ("2021", _ps("2021"), None),
        ("2021", [], None),
        # periods outside the target are ignored
        ("2021-Q1", _months(2020) + _months(2021, 1, 3) + _months(2022), ["2021-01", "2021-02", "2021-03"]),
        # duplicates are fine
        ("2021-Q1", _months(2021, 1, 3) * 2, ["2021-01", "2021-02", "2021-03"]),
    ],
)
def test_tiling(target, available, expected):
    got = tiling(parse_period(target), available)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        assert [p.text for p in got] == expected


def test_tiling_needs_backtracking():
    # longest-first would take Jan-Jun, then find nothing from July; Q1 + Apr-Dec tiles
    target = parse_period("2021")
    got = tiling(target, _ps("2021-01/2021-06", "2021-Q1", "2021-04/2021-12"))
    assert [p.text for p in got] == ["2021-Q1", "2021-04/2021-12"]


def test_tiling_is_fast_on_many_periods():
    rng = random.Random(1)
    days = [period_of_day(D(2000, 1, 1).fromordinal(D(2000, 1, 1).toordinal() + i)) for i in range(20 * 366)]
    months = [month_period(y, m) for y in range(2000, 2021) for m in range(1, 13)]
    pool = days + months
    rng.shuffle(pool)
    t = time.perf_counter()
    got = tiling(parse_period("2005/2015"), pool)
    assert time.perf_counter() - t < 1.0
    assert got is not None and len(got) == 11 * 12 and all(p.granularity == "month" for p in got)
    got = tiling(parse_period("2005/2015"), days)
    assert got is not None and len(got) == (D(2016, 1, 1) - D(2005, 1, 1)).days


def test_period_is_frozen():
    p = parse_period("2021")
    with pytest.raises(AttributeError):
        p.start = D(2020, 1, 1)  # type: ignore[misc]


def test_from_span():
    assert Period.from_span(D(2021, 1, 1), D(2021, 11, 1)).text == "2021-01/2021-10"
    with pytest.raises(ValueError):
        Period.from_span(D(2021, 1, 1), D(2021, 1, 1))
