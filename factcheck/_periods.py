"""Periods of time: years, quarters, months, days and intervals of them (ISO 8601).

A :class:`Period` is a half-open span of days ``[start, end)`` (``end`` is exclusive). Its form
(``granularity``) and its canonical ``text`` are functions of the span alone, so two periods are equal
exactly when they cover the same days:

- a span of exactly one calendar year is the year (``2021``), of one quarter the quarter (``2021-Q3``), of
  one month the month (``2021-10``), of one day the day (``2021-11-19``);
- any other span is an ``interval``, written with the coarsest endpoints that fit: years when it runs from
  1 January to 31 December (``2018/2021``), else months when it runs from the first of a month to the last
  of a month (``2021-01/2021-10``), else days (``2021-01-05/2021-02-10``).

So ``2021-01-01/2021-09-30`` and ``2021-01/2021-09`` are the same period (text ``2021-01/2021-09``) and
``2021-01/2021-12`` is the year ``2021``. ``parse_period`` raises :class:`SyntaxProblem` with the offset of
the offending part.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable

from factcheck._errors import SyntaxProblem

__all__ = [
    "Period",
    "parse_period",
    "period_of_day",
    "year_period",
    "quarter_period",
    "month_period",
    "tiling",
]

MIN_YEAR = 1000
MAX_YEAR = 9998  # (the end of a year is the first day of the next: date() stops at 9999)

_ONE_DAY = timedelta(days=1)
_MONTH_NAMES = calendar.month_name  # English, independent of locale for the C locale


def _add_months(d: date, n: int) -> date:
    """First-of-month arithmetic: ``d`` must be the first of a month."""
    m0 = d.year * 12 + (d.month - 1) + n
    return date(m0 // 12, m0 % 12 + 1, 1)


def _months_between(a: date, b: date) -> int:
    return (b.year * 12 + b.month) - (a.year * 12 + a.month)


def _shift_years(d: date, n: int) -> date:
    """The same calendar day ``n`` years away; 29 February becomes 28 February in a common year."""
    y = d.year + n
    try:
        return d.replace(year=y)
    except ValueError:
        return date(y, 2, 28)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A half-open span of days ``[start, end)``. Build it with :func:`parse_period` or :meth:`from_span`.

    Ordered by start, then end. Equal periods cover the same days (form and text follow from the span).
    """

    start: date
    end: date  # exclusive
    granularity: str  # "year", "quarter", "month", "day" or "interval"
    text: str  # canonical ISO 8601 text

    # -- construction -------------------------------------------------------------------------------
    @classmethod
    def from_span(cls, start: date, end: date) -> "Period":
        """The period covering ``[start, end)``, with its canonical form and text."""
        if end <= start:
            raise ValueError(f"empty period: {start} .. {end}")
        gran, text = _canonical(start, end)
        return cls(start, end, gran, text)

    # -- questions ----------------------------------------------------------------------------------
    def __str__(self) -> str:
        return self.text

    @property
    def span(self) -> tuple[date, date]:
        return (self.start, self.end)

    @property
    def last_day(self) -> date:
        """The last day inside the period (``end`` is exclusive)."""
        return self.end - _ONE_DAY

    def contains(self, other: "Period | date") -> bool:
        """True when ``other`` (a period or a day) lies wholly inside this period."""
        if isinstance(other, date):
            return self.start <= other < self.end
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: "Period") -> bool:
        """True when the two periods share at least one day."""
        return self.start < other.end and other.start < self.end

    def same_start(self, other: "Period") -> bool:
        return self.start == other.start

    def is_cumulative_prefix_of(self, other: "Period") -> bool:
        """True when both start together and this one ends earlier (Jan–Sep is a prefix of Jan–Oct)."""
        return self.start == other.start and self.end < other.end

    def length_days(self) -> int:
        return (self.end - self.start).days

    def length_months(self) -> int | None:
        """Whole months covered, or None when the period does not start and end on month boundaries."""
        if self.start.day != 1 or self.end.day != 1:
            return None
        return _months_between(self.start, self.end)

    def previous(self) -> "Period":
        """The previous period of the same length and form.

        A year, quarter, month or day: the one before (2021 -> 2020, 2021-Q1 -> 2020-Q4, a day -> the day
        before). An interval shorter than a year: the same interval a year earlier (2021-01/2021-10 ->
        2020-01/2020-10, as year-on-year growth compares). An interval of a year or more: the interval of
        the same length that ends where this one starts (2018/2021 -> 2014/2017).
        """
        g = self.granularity
        s, e = self.start, self.end
        if g == "day":
            return Period.from_span(s - _ONE_DAY, s)
        if g in ("year", "quarter", "month"):
            n = _months_between(s, e)
            return Period.from_span(_add_months(s, -n), s)
        months = self.length_months()
        if months is not None:
            shift = 12 if months < 12 else months
            return Period.from_span(_add_months(s, -shift), _add_months(e, -shift))
        if _shift_years(s, 1) >= e:  # shorter than a year: a year back
            ns, ne = _shift_years(s, -1), _shift_years(e, -1)
            if ne <= ns:  # pragma: no cover - only a 29 February edge could do this
                ne = ns + _ONE_DAY
            return Period.from_span(ns, ne)
        n = e - s
        return Period.from_span(s - n, s)

    def next(self) -> "Period":
        """The period of the same form that follows (the inverse of :meth:`previous` for fixed forms)."""
        g = self.granularity
        s, e = self.start, self.end
        if g == "day":
            return Period.from_span(e, e + _ONE_DAY)
        months = self.length_months()
        if g in ("year", "quarter", "month"):
            return Period.from_span(e, _add_months(e, months))  # type: ignore[arg-type]
        if months is not None:
            shift = 12 if months < 12 else months
            return Period.from_span(_add_months(s, shift), _add_months(e, shift))
        if _shift_years(s, 1) >= e:
            return Period.from_span(_shift_years(s, 1), _shift_years(e, 1))
        return Period.from_span(e, e + (e - s))


def _canonical(start: date, end: date) -> tuple[str, str]:
    if end - start == _ONE_DAY:
        return "day", start.isoformat()
    if start.day == 1 and end.day == 1:
        n = _months_between(start, end)
        if n == 12 and start.month == 1:
            return "year", f"{start.year:04d}"
        if n == 3 and start.month % 3 == 1:
            return "quarter", f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
        if n == 1:
            return "month", f"{start.year:04d}-{start.month:02d}"
        last = _add_months(end, -1)
        if start.month == 1 and end.month == 1:
            return "interval", f"{start.year:04d}/{last.year:04d}"
        return "interval", f"{start.year:04d}-{start.month:02d}/{last.year:04d}-{last.month:02d}"
    return "interval", f"{start.isoformat()}/{(end - _ONE_DAY).isoformat()}"


# -- constructors for single periods -----------------------------------------------------------------
def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year + 1, 1, 1), "year", f"{year:04d}")


def quarter_period(year: int, quarter: int) -> Period:
    s = date(year, 3 * quarter - 2, 1)
    return Period(s, _add_months(s, 3), "quarter", f"{year:04d}-Q{quarter}")


def month_period(year: int, month: int) -> Period:
    s = date(year, month, 1)
    return Period(s, _add_months(s, 1), "month", f"{year:04d}-{month:02d}")


def period_of_day(d: date) -> Period:
    """The one-day period of ``d``."""
    if isinstance(d, datetime):
        d = d.date()
    return Period(d, d + _ONE_DAY, "day", d.isoformat())


# -- parsing ------------------------------------------------------------------------------------------
_SINGLE = re.compile(
    r"""(?P<year>\d{4})
        (?: -(?P<month>\d{2})(?:-(?P<day>\d{2}))?
          | -?[Qq](?P<quarter>\d)
        )?""",
    re.X | re.ASCII,
)

_HINT = "write a year 2021, a month 2021-10, a quarter 2021-Q3, a day 2021-11-19 or an interval 2021-01/2021-10"


def _parse_single(s: str, base: int) -> Period:
    m = _SINGLE.fullmatch(s)
    if m is None:
        raise SyntaxProblem(f"'{s}' is not a period: {_HINT}", base)
    y = int(m["year"])
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise SyntaxProblem(f"year {m['year']} is out of range ({MIN_YEAR}–{MAX_YEAR})", base)
    if m["quarter"] is not None:
        q = int(m["quarter"])
        if not 1 <= q <= 4:
            raise SyntaxProblem(f"quarter {q} does not exist (Q1 to Q4)", base + m.start("quarter"))
        return quarter_period(y, q)
    if m["month"] is None:
        return year_period(y)
    mo = int(m["month"])
    if not 1 <= mo <= 12:
        raise SyntaxProblem(f"month {mo} does not exist", base + m.start("month"))
    if m["day"] is None:
        return month_period(y, mo)
    d = int(m["day"])
    if not 1 <= d <= calendar.monthrange(y, mo)[1]:
        raise SyntaxProblem(f"day {d} does not exist in {_MONTH_NAMES[mo]} {y}", base + m.start("day"))
    return period_of_day(date(y, mo, d))


def parse_period(text: "str | int | date") -> Period:
    """Parse an ISO 8601 period: ``2020``, ``2021-10``, ``2021-Q3`` (``2021Q3``, ``2021-q3``),
    ``2021-11-19`` or an interval ``a/b`` of any two of those (from the start of ``a`` to the end of ``b``).

    Also takes an ``int`` year and a ``date`` (YAML reads ``2020`` and ``2021-11-19`` as those).
    Raises :class:`SyntaxProblem` with the 0-based offset of the offending part.
    """
    if isinstance(text, bool):
        raise SyntaxProblem(f"'{text}' is not a period: {_HINT}", 0)
    if isinstance(text, int):
        text = str(text)
    elif isinstance(text, datetime):
        return period_of_day(text.date())
    elif isinstance(text, date):
        return period_of_day(text)
    elif not isinstance(text, str):
        raise SyntaxProblem(f"{text!r} is not a period: {_HINT}", 0)
    hit = _READ.get(text)
    if hit is not None:
        return hit
    period = _parse_text(text)
    if len(_READ) < 4096:
        _READ[text] = period
    return period


# Periods already read, by their text (a Period is immutable): a claims file names the same few
# periods again and again. tests/test_periods_memo.py checks the memo against _parse_text.
_READ: dict[str, Period] = {}


def _parse_text(text: str) -> Period:
    lead = len(text) - len(text.lstrip())
    s = text.strip()
    if not s:
        raise SyntaxProblem(f"an empty period: {_HINT}", 0)
    slash = s.find("/")
    if slash < 0:
        return _parse_single(s, lead)
    left, right = s[:slash], s[slash + 1 :]
    if "/" in right:
        raise SyntaxProblem(f"'{s}' is not a period: an interval has one '/'", lead + slash + 1 + right.index("/"))
    rw = len(right) - len(right.lstrip())
    a = _parse_single(left.strip(), lead)
    b = _parse_single(right.strip(), lead + slash + 1 + rw)
    if b.end <= a.start:
        raise SyntaxProblem(f"the interval ends ({b.text}) before it starts ({a.text})", lead + slash + 1 + rw)
    return Period.from_span(a.start, b.end)


# -- tiling -------------------------------------------------------------------------------------------
_PREFERENCE = ("month", "quarter", "day", "year")


def tiling(target: Period, periods: Iterable[Period]) -> list[Period] | None:
    """Shorter periods among ``periods`` that exactly tile ``target``: no gap, no overlap.

    Twelve months make a year, three months a quarter, ten months Jan–Oct; quarters make a year; a mix
    is fine when it tiles exactly. Only periods strictly inside ``target`` (never ``target`` itself) are
    used. A tiling of one form is preferred, months first, then quarters, days and years; then any mix,
    with as few pieces as the search finds first (longest piece first). Returns the pieces in time
    order, or None when no exact tiling exists. Duplicates in ``periods`` are used once.

    Runs in O(n log n): the pieces form a graph on their boundary dates and the search walks it once.
    """
    inside: dict[tuple[date, date], Period] = {}
    ts, te = target.start, target.end
    for p in periods:
        if p.start >= ts and p.end <= te and (p.start != ts or p.end != te):
            inside.setdefault((p.start, p.end), p)
    if not inside:
        return None
    pieces = list(inside.values())
    for gran in _PREFERENCE:
        uniform = [p for p in pieces if p.granularity == gran]
        if uniform:
            found = _path(ts, te, uniform)
            if found is not None:
                return found
    grans = {p.granularity for p in pieces}
    if len(grans) == 1 and next(iter(grans)) in _PREFERENCE:
        return None  # already searched above
    return _path(ts, te, pieces)


def _path(ts: date, te: date, pieces: list[Period]) -> list[Period] | None:
    by_start: dict[date, list[Period]] = {}
    for p in pieces:
        by_start.setdefault(p.start, []).append(p)
    for lst in by_start.values():
        lst.sort(key=lambda p: p.end, reverse=True)  # longest first
    # iterative depth-first search over boundary dates, remembering dead ends
    dead: set[date] = set()
    chain: list[Period] = []
    stack: list[tuple[date, int]] = [(ts, 0)]
    while stack:
        at, i = stack[-1]
        if at == te:
            return list(chain)
        options = by_start.get(at, ())
        while i < len(options) and (options[i].end in dead):
            i += 1
        if i >= len(options):
            dead.add(at)
            stack.pop()
            if chain:
                chain.pop()
            continue
        stack[-1] = (at, i + 1)
        p = options[i]
        chain.append(p)
        stack.append((p.end, 0))
    return None
