"""Intervals of real numbers with open or closed ends, possibly unbounded.

A claimed value is an interval, never a point (see the contract, "The value grammar"). This module is
the numeric core: construction, membership and the question every verdict asks, "do these two
intervals meet?", and the interval arithmetic and three-valued comparisons that relations
(``relations:``) and ``compute`` expressions are evaluated in.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from typing import Union

from factcheck._fastinit import fast_init

INF = math.inf


@fast_init
@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float
    low_closed: bool = True
    high_closed: bool = False

    @classmethod
    def point(cls, x: float) -> "Interval":
        return cls(x, x, True, True)

    @classmethod
    def closed(cls, low: float, high: float) -> "Interval":
        return cls(low, high, True, True)

    @classmethod
    def half_open(cls, low: float, high: float) -> "Interval":
        return cls(low, high, True, False)

    @property
    def is_empty(self) -> bool:
        if self.low > self.high:
            return True
        if self.low == self.high:
            return not (self.low_closed and self.high_closed)
        return False

    @property
    def bounded(self) -> bool:
        return math.isfinite(self.low) and math.isfinite(self.high)

    def contains(self, x: float) -> bool:
        if x < self.low or x > self.high:
            return False
        if x == self.low and not self.low_closed:
            return False
        if x == self.high and not self.high_closed:
            return False
        return True

    def meets(self, other: "Interval") -> bool:
        """True when the two intervals share at least one point (their intersection is not empty;
        worked out here without building it, as every verdict asks this)."""
        low, high, low_closed, high_closed = self._common_ends(other)
        if low > high:
            return False
        if low == high:
            return bool(low_closed and high_closed)
        return True

    def intersection(self, other: "Interval") -> "Interval":
        return Interval(*self._common_ends(other))

    def _common_ends(self, other: "Interval") -> tuple[float, float, bool, bool]:
        """The ends of the intersection: (low, high, low_closed, high_closed); low > high when empty."""
        if self.low > other.low:
            low, low_closed = self.low, self.low_closed
        elif self.low < other.low:
            low, low_closed = other.low, other.low_closed
        else:
            low, low_closed = self.low, self.low_closed and other.low_closed
        if self.high < other.high:
            high, high_closed = self.high, self.high_closed
        elif self.high > other.high:
            high, high_closed = other.high, other.high_closed
        else:
            high, high_closed = self.high, self.high_closed and other.high_closed
        return low, high, low_closed, high_closed

    def gap(self, other: "Interval") -> float:
        """Distance between the two intervals: 0 when they meet or touch."""
        if self.high <= other.low:
            return other.low - self.high
        if other.high <= self.low:
            return self.low - other.high
        return 0.0

    def scaled(self, k: float) -> "Interval":
        """Multiply both ends by a positive constant (a change of scale)."""
        if k <= 0:
            raise ValueError("scale factor must be positive")
        return Interval(self.low * k, self.high * k, self.low_closed, self.high_closed)

    def widened(self, below: float, above: float) -> "Interval":
        return Interval(self.low - below, self.high + above, self.low_closed, self.high_closed)

    @property
    def midpoint(self) -> float | None:
        if self.bounded:
            return (self.low + self.high) / 2
        return None

    @classmethod
    def entire(cls) -> "Interval":
        return cls(-INF, INF, False, False)

    # Arithmetic (see "Interval arithmetic" below). A plain int or float is the point interval.
    # ``==`` stays structural equality of the dataclass; use :func:`compare` for the numeric question.
    def __add__(self, other: "Interval | float") -> "Interval":
        return add(self, other)

    def __radd__(self, other: "Interval | float") -> "Interval":
        return add(other, self)

    def __sub__(self, other: "Interval | float") -> "Interval":
        return sub(self, other)

    def __rsub__(self, other: "Interval | float") -> "Interval":
        return sub(other, self)

    def __mul__(self, other: "Interval | float") -> "Interval":
        return mul(self, other)

    def __rmul__(self, other: "Interval | float") -> "Interval":
        return mul(other, self)

    def __truediv__(self, other: "Interval | float") -> "Interval":
        return div(self, other)

    def __rtruediv__(self, other: "Interval | float") -> "Interval":
        return div(other, self)

    def __neg__(self) -> "Interval":
        return neg(self)

    def __pos__(self) -> "Interval":
        return self

    def __abs__(self) -> "Interval":
        return absolute(self)

    def __str__(self) -> str:
        lb = "[" if self.low_closed and math.isfinite(self.low) else "("
        rb = "]" if self.high_closed and math.isfinite(self.high) else ")"
        return f"{lb}{_fmt(self.low)}, {_fmt(self.high)}{rb}"


EMPTY = Interval(0.0, 0.0, False, False)  # what arithmetic on an empty operand gives


def _fmt(x: float) -> str:
    if x == INF:
        return "∞"
    if x == -INF:
        return "−∞"
    for k, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "mn")):
        if 1e3 * k > abs(x) >= k:  # 5.5e9 reads as "5.5 bn" in explanations
            return f"{x / k:.6g} {word}"
    return f"{x:.6g}"


# ---------------------------------------------------------------------------------------------------
# Interval arithmetic
#
# Every operation returns the smallest interval (the hull) that holds ``x op y`` for every x in the
# first operand and y in the second, with each end open or closed as it really is: an end is closed
# exactly when some pair of points reaches it. Infinite ends are always open (∞ is not a number that
# a point can take), whatever the ``*_closed`` flag of an operand says.
#
# The ends are computed exactly (with :class:`fractions.Fraction`) and then rounded OUTWARD to floats:
# an end that is not exactly representable becomes the next float outside it, and is closed. So the
# result holds the exact real result for every pair of points, and also the float result of any single
# correctly rounded operation on them. An end that is exact keeps its true closure.
#
# Conventions of extended interval arithmetic: 0 × ±∞ = 0 (a zero end times an unbounded operand
# contributes 0, reached only if 0 is in one of the operands); x / ±∞ = 0 (a limit, never reached);
# division by an interval that has 0 as an end excludes that 0 (1 / [0, 2] = [0.5, ∞)); division by an
# interval with 0 inside gives (−∞, ∞), the single interval that encloses both halves; division by
# exactly [0, 0] raises :class:`IntervalDivisionByZero`. An empty operand gives the empty interval.
# ---------------------------------------------------------------------------------------------------

_MAX = sys.float_info.max

Number = Union[int, float]
_Ext = Union[Fraction, float]  # an exact end: a Fraction, or a float only when it is ±∞


class IntervalDivisionByZero(ZeroDivisionError):
    """Division by the interval [0, 0]: there is no quotient at all. Callers report an input error."""


def _as_interval(x: "Interval | Number") -> "Interval":
    if isinstance(x, Interval):
        if math.isnan(x.low) or math.isnan(x.high):
            raise ValueError(f"interval with a NaN end: {x!r}")
        return x
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"not a number or an interval: {x!r}")
    x = float(x)
    if math.isnan(x):
        raise ValueError("NaN is not a number here")
    return Interval.point(x)


def _lc(i: "Interval") -> bool:
    """The low end is closed (an infinite end never is)."""
    return i.low_closed and math.isfinite(i.low)


def _hc(i: "Interval") -> bool:
    return i.high_closed and math.isfinite(i.high)


def _nonempty(i: "Interval") -> bool:
    """Non-empty, counting infinite ends as open (so [∞, ∞] is empty)."""
    if i.low < i.high:
        return True
    return i.low == i.high and _lc(i) and _hc(i)


def _has_zero(lo: _Ext, lc: bool, hi: _Ext, hc: bool) -> bool:
    return (lo < 0 or (lo == 0 and lc)) and (hi > 0 or (hi == 0 and hc))


def _is_inf(v: _Ext) -> bool:
    """An exact end is infinite only as a float; a huge Fraction is finite (float() would overflow)."""
    return isinstance(v, float) and math.isinf(v)


def _ex(x: float) -> _Ext:
    return x if math.isinf(x) else Fraction(x)


def _round_down(v: _Ext) -> tuple[float, bool]:
    """The largest float <= v, and whether it is exactly v."""
    if isinstance(v, float):
        return v, True
    try:
        f = float(v)  # correctly rounded (integer true division)
    except OverflowError:
        return (-INF if v < 0 else _MAX), False
    if math.isinf(f):  # pragma: no cover - float() raises instead, kept for safety
        return (-INF if v < 0 else _MAX), False
    exact = Fraction(f)
    if exact == v:
        return f + 0.0, True  # + 0.0 turns -0.0 into 0.0
    if exact > v:
        f = math.nextafter(f, -INF)
    return f + 0.0, False


def _round_up(v: _Ext) -> tuple[float, bool]:
    f, exact = _round_down(-v)
    return -f + 0.0, exact


def _make(lo: _Ext, lc: bool, hi: _Ext, hc: bool) -> "Interval":
    """An Interval from exact ends, rounded outward. An inexact end is closed (see above)."""
    low, low_exact = _round_down(lo)
    high, high_exact = _round_up(hi)
    low_closed = (lc or not low_exact) and math.isfinite(low)
    high_closed = (hc or not high_exact) and math.isfinite(high)
    return Interval(low, high, low_closed, high_closed)


def _empty() -> "Interval":
    return EMPTY


def _ext_mul(a: _Ext, b: _Ext) -> _Ext:
    if a == 0 or b == 0:
        return Fraction(0)  # 0 × ±∞ = 0
    if isinstance(a, float) or isinstance(b, float):
        return INF if (a > 0) == (b > 0) else -INF
    return a * b


_Ends = tuple[_Ext, bool, _Ext, bool]  # low, low_closed, high, high_closed (exact)


def _ends(i: "Interval") -> _Ends:
    return _ex(i.low), _lc(i), _ex(i.high), _hc(i)


def _mul_ends(a: _Ends, b: _Ends) -> _Ends:
    alo, alc, ahi, ahc = a
    blo, blc, bhi, bhc = b
    corners = [
        (_ext_mul(x, y), xc and yc)
        for x, xc in ((alo, alc), (ahi, ahc))
        for y, yc in ((blo, blc), (bhi, bhc))
    ]
    zero_reached = _has_zero(*a) or _has_zero(*b)
    lo = min(v for v, _ in corners)
    hi = max(v for v, _ in corners)
    # A non-zero extremum of x·y over a box is reached only at a corner; zero wherever a factor is 0.
    lc = any(c for v, c in corners if v == lo) or (lo == 0 and zero_reached)
    hc = any(c for v, c in corners if v == hi) or (hi == 0 and zero_reached)
    return lo, lc and not _is_inf(lo), hi, hc and not _is_inf(hi)


def _recip(v: _Ext) -> _Ext:
    if isinstance(v, float):  # ±∞
        return Fraction(0)
    return 1 / v


def add(a: "Interval | Number", b: "Interval | Number") -> "Interval":
    a, b = _as_interval(a), _as_interval(b)
    if not (_nonempty(a) and _nonempty(b)):
        return _empty()
    alo, alc, ahi, ahc = _ends(a)
    blo, blc, bhi, bhc = _ends(b)
    lo = -INF if -INF in (alo, blo) else alo + blo
    hi = INF if INF in (ahi, bhi) else ahi + bhi
    return _make(lo, alc and blc, hi, ahc and bhc)


def neg(a: "Interval | Number") -> "Interval":
    a = _as_interval(a)
    if not _nonempty(a):
        return _empty()
    return Interval(-a.high + 0.0, -a.low + 0.0, _hc(a), _lc(a))


def sub(a: "Interval | Number", b: "Interval | Number") -> "Interval":
    return add(a, neg(b))


def mul(a: "Interval | Number", b: "Interval | Number") -> "Interval":
    a, b = _as_interval(a), _as_interval(b)
    if not (_nonempty(a) and _nonempty(b)):
        return _empty()
    return _make(*_mul_ends(_ends(a), _ends(b)))


def div(a: "Interval | Number", b: "Interval | Number") -> "Interval":
    """a / b. Raises :class:`IntervalDivisionByZero` when b is exactly [0, 0]."""
    a, b = _as_interval(a), _as_interval(b)
    if not (_nonempty(a) and _nonempty(b)):
        return _empty()
    if b.low == 0 and b.high == 0:
        raise IntervalDivisionByZero("division by zero")
    if a.low == 0 and a.high == 0:  # 0 / y = 0 for every y ≠ 0 in b
        return Interval.point(0.0)
    blo, blc, bhi, bhc = _ends(b)
    if blo < 0 < bhi:  # zero inside: (−∞, −ε] ∪ [ε, ∞) at best; one enclosing interval
        return Interval(-INF, INF, False, False)
    if blo >= 0:  # b ⊂ [0, ∞): its 0, if any, is left out
        r_lo, r_lc = _recip(bhi), bhc and not isinstance(bhi, float)
        r_hi, r_hc = (INF, False) if blo == 0 else (_recip(blo), blc)
    else:  # b ⊂ (−∞, 0]
        r_lo, r_lc = (-INF, False) if bhi == 0 else (_recip(bhi), bhc)
        r_hi, r_hc = _recip(blo), blc and not isinstance(blo, float)
    return _make(*_mul_ends(_ends(a), (r_lo, r_lc, r_hi, r_hc)))


def absolute(a: "Interval | Number") -> "Interval":
    a = _as_interval(a)
    if not _nonempty(a):
        return _empty()
    if a.low >= 0:
        return Interval(a.low, a.high, _lc(a), _hc(a))
    if a.high <= 0:
        return neg(a)
    top = max(-a.low, a.high)
    closed = (-a.low == top and _lc(a)) or (a.high == top and _hc(a))
    return Interval(0.0, top, True, closed and math.isfinite(top))


def _min2(a: "Interval", b: "Interval") -> "Interval":
    if a.low < b.low:
        lo, lc = a.low, _lc(a)
    elif b.low < a.low:
        lo, lc = b.low, _lc(b)
    else:
        lo, lc = a.low, _lc(a) or _lc(b)
    if a.high < b.high:
        hi, hc = a.high, _hc(a)
    elif b.high < a.high:
        hi, hc = b.high, _hc(b)
    else:  # min(x, y) reaches the common top only when both x and y do
        hi, hc = a.high, _hc(a) and _hc(b)
    return Interval(lo, hi, lc, hc)


def minimum(*xs: "Interval | Number") -> "Interval":
    """The interval of min(x1, x2, ...) over all points of the operands."""
    if not xs:
        raise TypeError("minimum() needs at least one operand")
    items = [_as_interval(x) for x in xs]
    if not all(_nonempty(i) for i in items):
        return _empty()
    result = Interval(items[0].low, items[0].high, _lc(items[0]), _hc(items[0]))
    for i in items[1:]:
        result = _min2(result, i)
    return result


def maximum(*xs: "Interval | Number") -> "Interval":
    """The interval of max(x1, x2, ...) over all points of the operands."""
    if not xs:
        raise TypeError("maximum() needs at least one operand")
    return neg(minimum(*(neg(x) for x in xs)))


# ---------------------------------------------------------------------------------------------------
# Three-valued comparisons (Kleene logic)
# ---------------------------------------------------------------------------------------------------


class Truth(Enum):
    """The answer to a question about intervals: true for every pair of points, for none, or some."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "undetermined"

    @classmethod
    def of(cls, value: bool) -> "Truth":
        return cls.TRUE if value else cls.FALSE

    def __and__(self, other: "Truth") -> "Truth":
        return truth_and(self, other)

    def __or__(self, other: "Truth") -> "Truth":
        return truth_or(self, other)

    def __invert__(self) -> "Truth":
        return truth_not(self)

    def __bool__(self) -> bool:
        raise TypeError("a Truth has three values; compare it with Truth.TRUE / FALSE / UNKNOWN")

    def __str__(self) -> str:
        return self.value


def truth_and(*ts: Truth) -> Truth:
    """Kleene conjunction: FALSE if any is FALSE, TRUE if all are TRUE, else UNKNOWN."""
    if any(t is Truth.FALSE for t in ts):
        return Truth.FALSE
    if all(t is Truth.TRUE for t in ts):
        return Truth.TRUE
    return Truth.UNKNOWN


def truth_or(*ts: Truth) -> Truth:
    """Kleene disjunction: TRUE if any is TRUE, FALSE if all are FALSE, else UNKNOWN."""
    if any(t is Truth.TRUE for t in ts):
        return Truth.TRUE
    if all(t is Truth.FALSE for t in ts):
        return Truth.FALSE
    return Truth.UNKNOWN


def truth_not(t: Truth) -> Truth:
    if t is Truth.TRUE:
        return Truth.FALSE
    if t is Truth.FALSE:
        return Truth.TRUE
    return Truth.UNKNOWN


COMPARISONS = ("<", "<=", "==", "!=", ">=", ">")


def _less(a: "Interval", b: "Interval") -> Truth:
    """x < y for x in a, y in b."""
    if a.high < b.low or (a.high == b.low and not (_hc(a) and _lc(b))):
        return Truth.TRUE
    if a.low >= b.high:
        return Truth.FALSE
    return Truth.UNKNOWN


def _less_equal(a: "Interval", b: "Interval") -> Truth:
    """x <= y for x in a, y in b."""
    if a.high <= b.low:
        return Truth.TRUE
    if a.low > b.high or (a.low == b.high and not (_lc(a) and _hc(b))):
        return Truth.FALSE
    return Truth.UNKNOWN


def _equal(a: "Interval", b: "Interval") -> Truth:
    if a.low == a.high == b.low == b.high and math.isfinite(a.low):
        return Truth.TRUE  # both the same single point (they are non-empty here)
    if not _nonempty(a.intersection(b)):
        return Truth.FALSE
    return Truth.UNKNOWN


def compare(a: "Interval | Number", op: str, b: "Interval | Number") -> Truth:
    """Three-valued ``a op b``: TRUE when it holds for every pair of points x in a, y in b, FALSE when
    for none, UNKNOWN otherwise. ``op`` is one of ``< <= == != >= >``. An empty operand gives UNKNOWN
    (there are no pairs, so "every" and "none" would both be vacuously true)."""
    a, b = _as_interval(a), _as_interval(b)
    if op not in COMPARISONS:
        raise ValueError(f"unknown comparison {op!r}")
    if not (_nonempty(a) and _nonempty(b)):
        return Truth.UNKNOWN
    if op == "<":
        return _less(a, b)
    if op == "<=":
        return _less_equal(a, b)
    if op == ">":
        return _less(b, a)
    if op == ">=":
        return _less_equal(b, a)
    if op == "==":
        return _equal(a, b)
    return truth_not(_equal(a, b))
