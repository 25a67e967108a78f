"""Intervals of real numbers with open or closed ends, possibly unbounded.

A claimed value is an interval, never a point (see the contract, "The value grammar"). This module is
the numeric core: construction, membership and the question every verdict asks, "do these two
intervals meet?".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INF = math.inf


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
        """True when the two intervals share at least one point."""
        return not self.intersection(other).is_empty

    def intersection(self, other: "Interval") -> "Interval":
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
        return Interval(low, high, low_closed, high_closed)

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

    def __str__(self) -> str:
        lb = "[" if self.low_closed and math.isfinite(self.low) else "("
        rb = "]" if self.high_closed and math.isfinite(self.high) else ")"
        return f"{lb}{_fmt(self.low)}, {_fmt(self.high)}{rb}"


def _fmt(x: float) -> str:
    if x == INF:
        return "∞"
    if x == -INF:
        return "−∞"
    return f"{x:.6g}"
