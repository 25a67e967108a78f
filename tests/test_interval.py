"""Intervals: the existing core, interval arithmetic with open/closed ends and infinities, division
by intervals that hold zero, three-valued comparisons and Kleene logic.

Table-driven cases pin the exact results; hypothesis properties check soundness: for points inside
the operands (open ends respected), the exact result lies inside the interval result, and a TRUE or
FALSE comparison agrees with every pair of points.
"""

from __future__ import annotations

import math
import operator
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from factcheck._interval import (
    EMPTY,
    INF,
    Interval,
    IntervalDivisionByZero,
    Truth,
    absolute,
    add,
    compare,
    div,
    maximum,
    minimum,
    mul,
    neg,
    sub,
    truth_and,
    truth_not,
    truth_or,
)

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN


def iv(text: str) -> Interval:
    """'[1, 2)', '(-inf, 3]', '[5, 5]' -> Interval."""
    text = text.strip()
    lc, rc = text[0] == "[", text[-1] == "]"
    lo, hi = (float(p) for p in text[1:-1].split(","))
    return Interval(lo, hi, lc, rc)


def same(a: Interval, b: Interval) -> bool:
    return (a.low, a.high, a.low_closed, a.high_closed) == (b.low, b.high, b.low_closed, b.high_closed)


# --------------------------------------------------------------------------------------------------
# The existing core keeps working
# --------------------------------------------------------------------------------------------------


def test_core_api_unchanged():
    five = Interval.half_open(4.5, 5.5)
    assert five.contains(4.5) and not five.contains(5.5)
    assert Interval.point(3) == Interval(3, 3, True, True)
    assert Interval.closed(1, 2).high_closed
    assert five.meets(Interval.point(5.0)) and not five.meets(Interval.point(5.5))
    assert five.intersection(Interval.closed(5, 6)) == Interval(5, 5.5, True, False)
    assert Interval.closed(1, 2).gap(Interval.closed(4, 5)) == 2
    assert five.scaled(2) == Interval(9, 11, True, False)
    assert five.widened(0.5, 0.5) == Interval(4, 6, True, False)
    assert five.midpoint == 5.0 and Interval(1, INF).midpoint is None
    assert str(five) == "[4.5, 5.5)"
    assert str(Interval(-INF, 3, True, True)) == "(−∞, 3]"
    assert Interval(2, 1).is_empty and not Interval.point(1).is_empty and Interval.point(1).bounded
    # dataclass equality is still structural (not the numeric question, which is compare())
    assert Interval(1, 2) == Interval(1, 2) and Interval(1, 2) != Interval(1, 2, True, True)


# --------------------------------------------------------------------------------------------------
# Arithmetic, table-driven
# --------------------------------------------------------------------------------------------------

ARITHMETIC = [
    # addition: an end is closed when both ends that make it are closed
    (add, "[1, 2)", "[3, 4)", "[4, 6)"),
    (add, "[1, 2]", "(3, 4]", "(4, 6]"),
    (add, "[1, 1]", "[2, 2]", "[3, 3]"),
    (add, "(-inf, 2]", "[1, 3]", "(-inf, 5]"),
    (add, "[1, inf)", "(-inf, 0]", "(-inf, inf)"),
    # subtraction swaps the ends of the second operand
    (sub, "[1, 2)", "[3, 4)", "(-3, -1)"),
    (sub, "[5, 6]", "(1, 2]", "[3, 5)"),
    (sub, "[1, inf)", "[0, 1]", "[0, inf)"),
    # multiplication: corners, zero, infinities (0 × ∞ = 0)
    (mul, "[1, 2)", "[3, 4)", "[3, 8)"),
    (mul, "[-1, 2]", "[3, 4]", "[-4, 8]"),
    (mul, "(-1, 2)", "[3, 4]", "(-4, 8)"),
    (mul, "[-2, -1]", "[-4, -3]", "[3, 8]"),
    (mul, "[-1, 1)", "(-1, 1]", "[-1, 1)"),
    (mul, "[1, 2)", "(-1, 3]", "(-2, 6)"),
    (mul, "[0, 1)", "[2, inf)", "[0, inf)"),
    (mul, "(0, 1]", "[1, inf)", "(0, inf)"),
    (mul, "(0, 1]", "(-inf, 0)", "(-inf, 0)"),
    (mul, "[0, 0]", "(-inf, inf)", "[0, 0]"),
    (mul, "(-inf, inf)", "[0, 0]", "[0, 0]"),
    (mul, "[0, 1]", "(-inf, inf)", "(-inf, inf)"),
    (mul, "[2, 3]", "[0, 0]", "[0, 0]"),
    (mul, "(-inf, -1]", "(-inf, -1]", "[1, inf)"),
    # division: 0 as an end of the divisor is left out; 0 inside gives the whole line
    (div, "[1, 1]", "[0, 2]", "[0.5, inf)"),
    (div, "[1, 1]", "(0, 2]", "[0.5, inf)"),
    (div, "[1, 1]", "[0, 2)", "(0.5, inf)"),
    (div, "[1, 1]", "[-1, 2]", "(-inf, inf)"),
    (div, "[1, 1]", "[-2, 0]", "(-inf, -0.5]"),
    (div, "[1, 1]", "[2, 4)", "(0.25, 0.5]"),
    (div, "[6, 8)", "(2, 4]", "[1.5, 4)"),
    (div, "[-1, 1]", "[2, 4]", "[-0.5, 0.5]"),
    (div, "[1, 2]", "[1, inf)", "(0, 2]"),
    (div, "[0, 1]", "(0, 1]", "[0, inf)"),
    (div, "[0, 0]", "[1, 2]", "[0, 0]"),
    (div, "[0, 0]", "[-1, 1]", "[0, 0]"),
    (div, "[0, 0]", "[0, 1]", "[0, 0]"),
    (div, "[-2, -1]", "(0, 1]", "(-inf, -1]"),
    (div, "[1, 2]", "(-inf, -1]", "[-2, 0)"),
]


@pytest.mark.parametrize("op, a, b, expected", ARITHMETIC)
def test_arithmetic(op, a, b, expected):
    result = op(iv(a), iv(b))
    assert same(result, iv(expected)), f"{op.__name__}({a}, {b}) = {result}, expected {expected}"


UNARY = [
    (neg, "[1, 2)", "(-2, -1]"),
    (neg, "(-inf, 3]", "[-3, inf)"),
    (absolute, "[-3, 2]", "[0, 3]"),
    (absolute, "(-3, 2]", "[0, 3)"),
    (absolute, "(-2, 2]", "[0, 2]"),
    (absolute, "[-2, -1)", "(1, 2]"),
    (absolute, "[0, 1)", "[0, 1)"),
    (absolute, "(0, 1)", "(0, 1)"),
    (absolute, "(-1, 0)", "(0, 1)"),
    (absolute, "(-inf, 1]", "[0, inf)"),
    (absolute, "(-inf, -1]", "[1, inf)"),
]


@pytest.mark.parametrize("op, a, expected", UNARY)
def test_unary(op, a, expected):
    assert same(op(iv(a)), iv(expected))


MINMAX = [
    (minimum, ["[1, 5)", "[2, 5)"], "[1, 5)"),
    (minimum, ["[1, 5]", "[2, 5]"], "[1, 5]"),
    (minimum, ["[1, 5]", "[2, 5)"], "[1, 5)"),  # min reaches 5 only when both are 5
    (minimum, ["(1, 3]", "[1, 2]"], "[1, 2]"),
    (minimum, ["[1, inf)", "[2, 3]"], "[1, 3]"),
    (minimum, ["[4, 6]", "[1, 2)", "(0, 9]"], "(0, 2)"),
    (maximum, ["[1, 5)", "[2, 5)"], "[2, 5)"),
    (maximum, ["[1, 3]", "(1, 2]"], "(1, 3]"),  # max(x, y) >= y > 1
    (maximum, ["(-inf, 0]", "[-1, 1)"], "[-1, 1)"),
]


@pytest.mark.parametrize("op, args, expected", MINMAX)
def test_min_max(op, args, expected):
    assert same(op(*(iv(a) for a in args)), iv(expected))


def test_operators_and_numbers():
    a = Interval.half_open(1, 2)
    assert same(a + 1, iv("[2, 3)"))
    assert same(1 + a, iv("[2, 3)"))
    assert same(a - 1, iv("[0, 1)"))
    assert same(3 - a, iv("(1, 2]"))
    assert same(a * 2, iv("[2, 4)"))
    assert same(2 * a, iv("[2, 4)"))
    assert same(a / 2, iv("[0.5, 1)"))
    assert same(2 / a, iv("(1, 2]"))
    assert same(-a, iv("(-2, -1]"))
    assert +a is a
    assert same(abs(Interval.closed(-3, 1)), iv("[0, 3]"))
    assert same(add(1, 2), iv("[3, 3]"))
    assert same(Interval.entire(), iv("(-inf, inf)"))
    with pytest.raises(TypeError):
        add(a, "1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        minimum()


@pytest.mark.parametrize(
    "a, b",
    [("[1, 2]", "[0, 0]"), ("[0, 0]", "[0, 0]"), ("(-inf, inf)", "[0, 0]"), ("[-1, 1]", "[0, 0]")],
)
def test_division_by_exact_zero_raises(a, b):
    with pytest.raises(IntervalDivisionByZero):
        div(iv(a), iv(b))
    assert issubclass(IntervalDivisionByZero, ZeroDivisionError)
    with pytest.raises(ZeroDivisionError):
        iv(a) / 0


def test_infinite_ends_are_open_in_results():
    # An operand written with a "closed" infinite end is read as open.
    a = Interval(-INF, 1, True, True)
    result = a + Interval.closed(0, 1)
    assert result.low == -INF and not result.low_closed and result.high_closed


def test_empty_operands_give_empty():
    empty = Interval(2, 1)
    for op in (add, sub, mul, div):
        assert op(empty, Interval.closed(1, 2)).is_empty
        assert op(Interval.closed(1, 2), empty).is_empty
    assert neg(empty).is_empty and absolute(empty).is_empty and minimum(empty, Interval.point(1)).is_empty
    assert EMPTY.is_empty
    assert compare(empty, "<", Interval.point(1)) is U


def test_inexact_ends_are_rounded_outward():
    # 0.1 is not 1/10; 0.1 × 3 is not a float. The result still holds the exact product and the float
    # product, and is at most a couple of ulps wide.
    r = Interval.point(0.1) * 3
    assert r.contains(Fraction(0.1) * 3) and r.contains(0.1 * 3)
    assert r.high - r.low <= 2 * math.ulp(0.3)
    r = Interval.half_open(414.65, 414.75) - Interval.half_open(411.15, 411.25)
    assert r.contains(3.5) and r.low < 3.41 < 3.59 < r.high < 3.61


def test_no_nan_from_zero_times_infinity():
    for a, b in [("[0, 0]", "(-inf, inf)"), ("[0, 1]", "[1, inf)"), ("(-inf, 0]", "[0, inf)")]:
        r = mul(iv(a), iv(b))
        assert not math.isnan(r.low) and not math.isnan(r.high)


# --------------------------------------------------------------------------------------------------
# Comparisons and Kleene logic
# --------------------------------------------------------------------------------------------------

COMPARE = [
    ("[11.5, 12.5)", "<=", "[14.5, 15.5)", T),
    ("[15.5, 16.5)", "<=", "[14.5, 15.5)", F),
    ("[14.5, 15.5)", "<=", "[14.5, 15.5)", U),
    ("[1, 2)", "<", "[2, 3)", T),
    ("[1, 2]", "<", "[2, 3]", U),
    ("[1, 2]", "<", "(2, 3]", T),
    ("[2, 3]", "<", "[1, 2]", F),
    ("[2, 3]", "<", "[1, 2)", F),
    ("[1, 2]", "<=", "[2, 3]", T),
    ("[2, 3)", "<=", "[1, 2)", F),
    ("[2, 3]", "<=", "[1, 2]", U),  # x = y = 2
    ("(2, 3]", "<=", "[1, 2]", F),
    ("[2, 3)", ">", "[1, 2)", T),
    ("[2, 3)", ">=", "[1, 2]", T),
    ("[1, 2)", ">=", "[2, 3)", F),
    ("[1, 2]", ">=", "[2, 3)", U),
    ("[3, 3]", "==", "[3, 3]", T),
    ("[1, 2)", "==", "[2, 3]", F),
    ("[1, 2]", "==", "[2, 3]", U),
    ("[1, 2]", "==", "[1, 2]", U),
    ("[1, 1]", "==", "[2, 2]", F),
    ("[3, 3]", "!=", "[3, 3]", F),
    ("[1, 2)", "!=", "[2, 3]", T),
    ("[1, 2]", "!=", "[2, 3]", U),
    ("(5, inf)", ">", "[1, 5]", T),
    ("(-inf, 0)", "<", "[1, 1]", T),
    ("(-inf, inf)", "<", "[1, 1]", U),
    ("[5, inf)", "<", "[1, 4]", F),
]


@pytest.mark.parametrize("a, op, b, expected", COMPARE)
def test_compare(a, op, b, expected):
    assert compare(iv(a), op, iv(b)) is expected


def test_compare_numbers_and_bad_operator():
    assert compare(1, "<", 2) is T
    assert compare(Interval.half_open(17.5, 18.5), "==", 18) is U
    with pytest.raises(ValueError):
        compare(1, "=<", 2)


KLEENE_AND = {(T, T): T, (T, U): U, (T, F): F, (U, U): U, (U, F): F, (F, F): F}
KLEENE_OR = {(T, T): T, (T, U): T, (T, F): T, (U, U): U, (U, F): U, (F, F): F}


@pytest.mark.parametrize("pair", list(KLEENE_AND))
def test_kleene(pair):
    a, b = pair
    assert truth_and(a, b) is KLEENE_AND[pair] and truth_and(b, a) is KLEENE_AND[pair]
    assert truth_or(a, b) is KLEENE_OR[pair] and truth_or(b, a) is KLEENE_OR[pair]
    assert (a & b) is KLEENE_AND[pair] and (a | b) is KLEENE_OR[pair]


def test_kleene_not_and_truth_values():
    assert truth_not(T) is F and truth_not(F) is T and truth_not(U) is U
    assert ~U is U
    assert Truth.of(True) is T and Truth.of(False) is F
    assert str(U) == "undetermined"
    assert truth_and() is T and truth_or() is F
    with pytest.raises(TypeError):
        bool(U)  # a three-valued answer must be compared explicitly


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------

FINITE = st.one_of(
    st.sampled_from([0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 3.0, 10.0]),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
)
SPAN = 1e6  # how far from a finite end points are drawn on an unbounded side


@st.composite
def intervals(draw) -> Interval:
    if draw(st.integers(0, 9)) == 0:
        return Interval.point(draw(FINITE))
    a, b = sorted((draw(FINITE), draw(FINITE)))
    if draw(st.integers(0, 5)) == 0:
        a = -INF
    if draw(st.integers(0, 5)) == 0:
        b = INF
    assume(math.nextafter(a, INF) < b)  # room for an interior point
    return Interval(a, b, draw(st.booleans()), draw(st.booleans()))


def point_in(draw, i: Interval) -> float:
    choices = []
    if i.low_closed and math.isfinite(i.low):
        choices.append(i.low)
    if i.high_closed and math.isfinite(i.high):
        choices.append(i.high)
    if i.low == i.high:
        return i.low
    if choices and draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(choices))
    lo = i.low if math.isfinite(i.low) else (i.high if math.isfinite(i.high) else 0.0) - SPAN
    hi = i.high if math.isfinite(i.high) else (i.low if math.isfinite(i.low) else 0.0) + SPAN
    x = draw(
        st.floats(
            min_value=lo,
            max_value=hi,
            exclude_min=math.isfinite(i.low),
            exclude_max=math.isfinite(i.high),
            allow_nan=False,
        )
    )
    assert i.contains(x)
    return x


@st.composite
def operands(draw):
    a, b = draw(intervals()), draw(intervals())
    return a, b, point_in(draw, a), point_in(draw, b)


def check_inside(result: Interval, exact: Fraction, approx: float) -> None:
    """The exact real result is inside (open ends respected); the float result inside the closure."""
    assert result.contains(exact), f"{exact} ({float(exact)}) not in {result!r}"
    if math.isfinite(approx):
        assert result.low <= approx <= result.high, f"{approx} not in {result!r}"


BINARY = [
    (add, operator.add),
    (sub, operator.sub),
    (mul, operator.mul),
]


@settings(max_examples=300, deadline=None)
@given(operands(), st.sampled_from(BINARY))
def test_binary_results_contain_point_results(ops, fns):
    a, b, x, y = ops
    interval_op, point_op = fns
    check_inside(interval_op(a, b), point_op(Fraction(x), Fraction(y)), point_op(x, y))


@settings(max_examples=300, deadline=None)
@given(operands())
def test_division_contains_point_results(ops):
    a, b, x, y = ops
    if b.low == b.high == 0:
        with pytest.raises(IntervalDivisionByZero):
            div(a, b)
        return
    assume(y != 0)
    check_inside(div(a, b), Fraction(x) / Fraction(y), x / y)


@settings(max_examples=300, deadline=None)
@given(operands())
def test_unary_and_min_max_contain_point_results(ops):
    a, b, x, y = ops
    check_inside(neg(a), -Fraction(x), -x)
    check_inside(absolute(a), abs(Fraction(x)), abs(x))
    check_inside(minimum(a, b), min(Fraction(x), Fraction(y)), min(x, y))
    check_inside(maximum(a, b), max(Fraction(x), Fraction(y)), max(x, y))


POINT_OPS = {
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    ">": operator.gt,
}


@settings(max_examples=300, deadline=None)
@given(operands(), st.sampled_from(sorted(POINT_OPS)))
def test_comparisons_agree_with_points(ops, op):
    a, b, x, y = ops
    truth = compare(a, op, b)
    holds = POINT_OPS[op](x, y)
    if truth is T:
        assert holds, f"{a} {op} {b} is TRUE but {x} {op} {y} is not"
    elif truth is F:
        assert not holds, f"{a} {op} {b} is FALSE but {x} {op} {y} holds"


@settings(max_examples=300, deadline=None)
@given(intervals(), intervals())
def test_comparisons_are_consistent(a, b):
    # the mirror images agree, and a definite answer for < excludes the opposite for >=
    assert compare(a, "<", b) is compare(b, ">", a)
    assert compare(a, "<=", b) is compare(b, ">=", a)
    assert compare(a, "!=", b) is truth_not(compare(a, "==", b))
    assert compare(a, ">=", b) is truth_not(compare(a, "<", b))
    assert compare(a, ">", b) is truth_not(compare(a, "<=", b))


@settings(max_examples=300, deadline=None)
@given(intervals(), intervals())
def test_closed_bounded_results_are_tight(a, b):
    # For closed bounded operands, the ends of a + b and a × b are reached by end points (up to the
    # outward rounding of one ulp).
    assume(a.bounded and b.bounded)
    a, b = Interval.closed(a.low, a.high), Interval.closed(b.low, b.high)
    for op in (operator.add, operator.mul):
        r = op(a, b)
        corners = [Fraction(op(Fraction(p), Fraction(q))) for p in (a.low, a.high) for q in (b.low, b.high)]
        lo, hi = min(corners), max(corners)
        assert r.low_closed and r.high_closed
        assert r.low <= lo <= Fraction(r.low) + Fraction(math.ulp(r.low))
        assert Fraction(r.high) - Fraction(math.ulp(r.high)) <= hi <= r.high
