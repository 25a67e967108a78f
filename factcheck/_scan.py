"""Every quantitative expression in running text, and every expression of time.

:func:`scan` reads a text once and returns

* ``quantities``: each number that states an amount — digits and number words (``five billion``,
  ``three thousand``, ``twelve``), money (``$14 billion``, ``\\$6 billion``, ``USD 5 million``,
  ``5.6 bn``), percentages (``18 percent``, ``15.6%``, ``per cent``), ranges (``5-6 billion``,
  ``between 5 and 6 billion``), multipliers (``doubled``, ``2.5 times``), with the hedge written before
  them (``more than``, ``about``, ``close to``, ``exceeds`` …) or after them (``or more``) and the
  counted noun after a bare number (``50 high-level mutual visits`` → unit ``visit``). Each is a
  :class:`Found`: its span, the text as written, a value text that :func:`parse_value` reads, the
  :class:`Quantity`, its hedge and the sentence it stands in.
* ``periods``: dates and spans of time, which are *not* amounts (``In 2020``, ``November 19``,
  ``November 16-17``, ``in May this year``, ``last year``, ``nine months``, ``ten months of this
  year``, ``the last 4 years``, ``three years ago`` …). Each is a :class:`FoundPeriod` that resolves to
  an ISO 8601 period against the document's date (:meth:`FoundPeriod.resolve`).

A duration said as elapsed time (``three years ago``) is both: a period, and the amount ``three years``.
Ordinals (``Second Forum``), day numbers of dates, years (``2020``), clock times, ``No. 5`` and names
such as ``COVID-19`` are never amounts.

Everything is precompiled; one pass of a period regex and one of a number regex over the text, then a
little local work around each number. The worked example (6 kB) scans in about a millisecond.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from factcheck._errors import SyntaxProblem
from factcheck._quantity import Quantity, parse_value

__all__ = ["Found", "FoundPeriod", "Scan", "scan", "find_quantities", "find_periods", "sentence_spans",
           "clause_spans"]


# ============================================================================================ results
@dataclass(frozen=True, slots=True)
class Found:
    """One quantitative expression in a text."""

    start: int  # span in the text: from the hedge (if any) to the end of the unit or counted noun
    end: int
    text: str  # the text of the span, as written
    value_text: str  # what parse_value reads: "more than 50 visits", "more than $5.6 billion"
    quantity: Quantity
    sentence: tuple[int, int]  # the sentence's span
    hedge: str = ""  # canonical hedge ("more_than", "about", "doubled" ...) or ""
    hedge_text: str = ""  # the hedge as written ("exceeded")
    number_start: int = 0  # the number itself (currency sign included), without hedge and noun
    number_end: int = 0
    bare_text: str = ""  # value_text without the hedge (for a quote that starts after the hedge)
    noun: str = ""  # the counted noun as written ("visits"), when the unit comes from one
    display: str = ""  # the value as a claims file would write it: "more than 5.6 billion USD"


@dataclass(frozen=True, slots=True)
class FoundPeriod:
    """An expression of time, kept symbolically until the document's date resolves it."""

    start: int
    end: int
    text: str
    kind: str  # see resolve()
    a: int | None = None  # meaning depends on kind (a month, a count of months or years, a day ...)
    b: int | None = None
    c: int | None = None
    year: int | None = None  # an explicit year
    rel: int | None = None  # years relative to the document's year (this year 0, last year -1)
    duration: Quantity | None = None  # "nine months" as an amount (months), "three years ago" (years)

    @property
    def is_span(self) -> bool:
        """A stretch of time counted back from now ("the last 4 years"), as opposed to a calendar date."""
        return self.kind in ("past_years", "past_months")

    @property
    def is_date(self) -> bool:
        """A calendar date, year or part of a year (not a duration, not "today")."""
        return self.kind in ("year", "years", "day", "days", "month", "rel_year", "quarter", "half", "months_to")

    def resolve(self, published: date | None) -> str | None:
        """The ISO 8601 period this expression means, given the document's date; None when it cannot say.

        ``year`` 2020; ``years`` 2018/2021; ``day`` 2021-11-19; ``days`` 2021-11-16/2021-11-17; ``month``
        2021-05; ``rel_year`` this/last/next year; ``months_to`` the first N months of a year (2021-01/2021-09);
        ``past_months`` the N whole months before the document's month; ``past_years`` the N years up to the
        document's year (2018/2021 for four); ``years_ago`` the year N years before; ``quarter``, ``half``;
        ``asof`` (today, to date) gives None: the document's date.
        """
        k = self.kind
        py = published.year if published else None
        year = self.year
        if year is None and self.rel is not None and py is not None:
            year = py + self.rel
        try:
            if k == "year":
                return str(self.year)
            if k == "years":
                return f"{self.a}/{self.b}"
            if k == "rel_year":
                return str(year) if year is not None else None
            y = year if year is not None else py
            if y is None:
                return None
            when = (self.a, self.b if k != "month" else 1)
            if (self.year is None and self.rel is None and published is not None and k in ("day", "days", "month")
                    and when > (published.month, published.day if k != "month" else 1)):
                y -= 1  # "in December", written in January: the December before
            if k == "day":
                return date(y, self.a, self.b).isoformat()  # type: ignore[arg-type]
            if k == "days":
                d1, d2 = date(y, self.a, self.b), date(y, self.a, self.c)  # type: ignore[arg-type]
                return f"{d1.isoformat()}/{d2.isoformat()}" if d2 > d1 else d1.isoformat()
            if k == "month":
                return f"{y:04d}-{self.a:02d}"
            if k == "months_to":
                n = self.a or 0
                if not 1 <= n <= 12:
                    return None
                return str(y) if n == 12 else (f"{y:04d}-01" if n == 1 else f"{y:04d}-01/{y:04d}-{n:02d}")
            if k == "past_months":
                if published is None or not self.a:
                    return None
                end = published.year * 12 + published.month - 2  # the last whole month, 0-based
                start = end - self.a + 1
                s = f"{start // 12:04d}-{start % 12 + 1:02d}"
                e = f"{end // 12:04d}-{end % 12 + 1:02d}"
                return s if s == e else f"{s}/{e}"
            if k == "past_years":
                if py is None or not self.a:
                    return None
                return str(py) if self.a == 1 else f"{py - self.a + 1}/{py}"
            if k == "years_ago":
                return str(py - self.a) if py is not None and self.a is not None else None
            if k == "months_ago":
                if published is None or self.a is None:
                    return None
                m0 = published.year * 12 + published.month - 1 - self.a
                return f"{m0 // 12:04d}-{m0 % 12 + 1:02d}"
            if k == "quarter":
                return f"{y:04d}-Q{self.a}"
            if k == "half":
                return f"{y:04d}-01/{y:04d}-06" if self.a == 1 else f"{y:04d}-07/{y:04d}-12"
        except (ValueError, TypeError):
            return None
        return None  # asof


@dataclass(frozen=True, slots=True)
class Scan:
    text: str
    quantities: list[Found]
    periods: list[FoundPeriod]
    sentences: list[tuple[int, int]]


# ========================================================================================= vocabulary
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
         "sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SMALL = {w: i for i, w in enumerate(_ONES)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_NUMW = "|".join(sorted(_ONES + _TENS + ["hundred", "thousand", "million", "billion", "trillion", "dozen"],
                        key=len, reverse=True))
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_FULL_MONTH_RE = "|".join(m.lower() for m in calendar.month_name if m)
_YEAR = r"(?:19\d\d|20\d\d|2100)"
_NUM = rf"(?:\d{{1,3}}|{'|'.join(sorted(_ONES[1:] + _TENS, key=len, reverse=True))})"
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_REL = {"this": 0, "current": 0, "the current": 0, "last": -1, "previous": -1, "the previous": -1,
        "past": -1, "the past": -1, "next": 1, "coming": 1, "the same": 0, "the": 0}

_PERIOD_RE = re.compile(
    rf"""
    (?P<iso>\b(?P<iso_y>{_YEAR})-(?P<iso_m>0[1-9]|1[0-2])-(?P<iso_d>[0-3]\d)\b)
    |(?P<dmy>\b(?:the\s+)?(?P<dmy_d1>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*[-–—]\s*(?P<dmy_d2>[0-3]?\d)(?:st|nd|rd|th)?)?
        \s+(?:of\s+)?(?P<dmy_m>{_MONTH_RE})\b\.?(?:,?\s+(?P<dmy_y>{_YEAR})\b)?)
    |(?P<mdy>\b(?P<mdy_m>{_MONTH_RE})\.?\s+(?P<mdy_d1>[0-3]?\d)(?:st|nd|rd|th)?
        (?:\s*[-–—]\s*(?P<mdy_d2>[0-3]?\d)(?:st|nd|rd|th)?)?\b(?!\s*[.,]\d)(?:,?\s+(?P<mdy_y>{_YEAR})\b)?)
    |(?P<yrs>\b(?:(?:from|between)\s+)?(?P<yrs_a>{_YEAR})\s*(?:[-–—/]|\s(?:to|and|through|until)\s)\s*
        (?P<yrs_b>{_YEAR}|\d\d)\b(?![.,]\d))
    |(?P<qtr>\b(?:(?:the\s+)?(?P<qtr_w>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter|Q(?P<qtr_n>[1-4]))
        (?:\s+(?:of\s+)?(?:(?P<qtr_y>{_YEAR})|(?P<qtr_rel>this|last|next|the\s+current|the\s+previous|the)\s+year))?\b)
    |(?P<half>\b(?:(?:the\s+)?(?P<half_w>first|second)\s+half|H(?P<half_n>[12]))
        (?:\s+(?:of\s+)?(?:(?P<half_y>{_YEAR})|(?P<half_rel>this|last|next|the\s+current|the\s+previous|the)\s+year))?\b)
    |(?P<ago>\b(?P<ago_n>{_NUM})\s+(?P<ago_u>years?|months?)\s+ago\b)
    |(?P<mon>\b(?:(?:the\s+)?(?P<mon_q>first|past|last|previous|next|coming)\s+)?(?P<mon_n>{_NUM})\s+months\b
        (?:\s+of\s+(?:(?P<mon_y>{_YEAR})|(?P<mon_rel>this|last|the\s+current|the\s+previous|the\s+past|the)\s+year))?)
    |(?P<pyr>\b(?:the\s+)?(?P<pyr_q>past|last|previous|recent|next|coming)\s+(?P<pyr_n>{_NUM})\s+years\b)
    |(?P<eoy>\b(?:the\s+)?(?:end|beginning|start)\s+of\s+(?:the|this|(?P<eoy_rel>last|next|the\s+current|the\s+previous)\s+)?\s*year\b)
    |(?P<rel>\b(?P<rel_w>this|current|last|next|previous|past|the\s+same)\s+year\b)
    |(?P<pre>\b(?:in|since|by|until|till|during|from|before|after|through|throughout|early|mid|late|end\s+of
        |beginning\s+of|start\s+of|the\s+year|year)[\s-]+(?P<pre_y>{_YEAR})\b
        (?:\s*(?:[-–—/]|\s(?:to|and|through|until)\s)\s*(?P<pre_y2>{_YEAR}|\d\d)\b)?
        (?![.,]\d|\s*(?:%|percent|per\s+cent)))
    |(?P<my>\b(?:(?:early|mid|late)[\s-]+)?(?P<my_m>{_FULL_MONTH_RE})\b(?:\s+(?P<my_y>{_YEAR})\b
        |\s+(?P<my_rel>this|last|next)\s+year\b)?)
    |(?P<asof>\b(?:today|to\s+date|nowadays|currently|at\s+present|as\s+of\s+now)\b)
    """,
    re.I | re.X,
)
# the words a period can start with: the period regex is tried only there (one alternation tried at every
# position of a text is slow; a set lookup per word is not)
_PERIOD_STARTS = frozenset(
    list(_MONTHS) + _ONES[1:] + _TENS + list(_ORD) + ["q1", "q2", "q3", "q4", "h1", "h2"]
    + """the past last previous recent next coming this current end beginning start in since by until till during
    from before after through throughout early mid late year between today to nowadays currently at as""".split()
)
_WORD_START_RE = re.compile(r"\b\w+")
_NUMBER_STARTS = frozenset(_ONES + _TENS + ["hundred", "thousand", "million", "billion", "trillion", "dozen",
                                           "doubled", "tripled", "trebled", "quadrupled", "halved"])
_PERIOD_ALTS = ("iso", "dmy", "mdy", "yrs", "qtr", "half", "ago", "mon", "pyr", "eoy", "rel", "pre", "my", "asof")

# a number: digits (with thousands separators and decimals), number words, or a multiplying verb
_CORE_RE = re.compile(
    rf"""
    (?P<d>(?<![\w.,:/\\])(?:\d{{1,3}}(?:,\d{{3}})+|\d{{1,3}}(?:[\u00a0\u202f\u2009]\d{{3}})+|\d+)(?:\.\d+)?)
    |(?P<w>\b(?:{_NUMW})(?:(?:\s+|\s*-\s*)(?:{_NUMW}))*\b)
    |(?P<v>\b(?:doubled|tripled|trebled|quadrupled|halved)\b)
    """,
    re.I | re.X,
)
_SCALE_AFTER_RE = re.compile(
    r"(?:\s*(?P<full>thousand|million|billion|trillion)s?\b|\s?(?P<abbr>bn|mln|mn|bln|tn|trn)\b\.?"
    r"|(?P<att>k|m|b)\b)",
    re.I,
)
_PCT_AFTER_RE = re.compile(
    r"\s*(?:%|％|per\s?cent\b|percent\b|percentage\s+points?\b|pp\b\.?|p\.p\.)", re.I
)
_CODES = ("USD EUR RUB UZS GBP JPY CNY CHF KZT KGS TJS TMT INR CAD AUD BRL KRW UAH BYN AZN PLN SEK NOK TRY "
          "AED SAR").split()
_CODE_ALT = "|".join(_CODES)
_CUR_AFTER_RE = re.compile(
    rf"\s+(?:(?:{_CODE_ALT})\b|(?:US\s+|U\.S\.\s+|American\s+)?dollars?\b|euros?\b|(?:Russian\s+)?r[o]?ubles?\b"
    rf"|(?:Uzbek\s+)?soums?\b|so['’]m\b|yuan\b|tenge\b)",
    re.I,
)
_CODE_AFTER_CASE_RE = re.compile(rf"\s+(?:{_CODE_ALT})\b")  # codes after a number only in capitals
_TIMES_AFTER_RE = re.compile(r"(?:\s*(?:x|×)(?![\w])|\s+times\b|\s*-?\s*fold\b)", re.I)
_SIGN_BEFORE_RE = re.compile(r"(?:\\?(?:US\$|U\.S\.\s?\$|\$|€|£|₽|¥|₹|₸))\s?$")
_CODE_BEFORE_RE = re.compile(rf"\b(?:{_CODE_ALT})\s?$")
_POSTFIX_RE = re.compile(
    r"\s+(?:or|and)\s+(?P<w>more|above|over|higher|greater|less|fewer|below|under|lower)\b|(?P<plus>\+)(?!\d)",
    re.I,
)
_RANGE_SEP_D = re.compile(r"\s*(?:[-–—]|to\b|and\b)\s*", re.I)
_RANGE_OPEN_RE = re.compile(r"\b(?P<o>between|from)\s+$", re.I)
_WORD_AFTER_RE = re.compile(r"[ \t]+([A-Za-z][A-Za-z'’-]*)")
_PREV_WORD_RE = re.compile(r"([A-Za-z№#][A-Za-z.]*)\.?\s*$")
_ORDINAL_AFTER_RE = re.compile(r"(?:st|nd|rd|th)\b", re.I)
_DIGITS_ONLY = re.compile(r"\d{4}")
_SIGN_AFTER_SEP_RE = re.compile(r"\\?(?:\$|€|£|₽)")
_MONTH_PREP_RE = re.compile(r"\b(?:in|since|by|until|till|from|during|of|early|mid|late|end of|through)\s+$")
_LAST_WORD_RE = re.compile(r"([A-Za-z.]+)$")

# hedges written before a number: the phrases of the value grammar that read naturally in text
_HEDGES: dict[str, str] = {}
for _canon, _phrases in {
    "more_than": ("more than", "over", "above", "exceeds", "exceeded", "exceeding", "exceed", "in excess of",
                  "upwards of", "greater than", "higher than", "larger than", "just over", "just above",
                  "well over", "well above", "slightly more than", "slightly over", "a little over",
                  "a little more than", "surpassed", "surpasses", "topped", "tops", "beyond"),
    "at_least": ("at least", "no less than", "not less than", "no fewer than", "not fewer than",
                 "a minimum of", "minimum of"),
    "less_than": ("less than", "under", "below", "fewer than", "lower than", "smaller than", "well under",
                  "well below", "slightly less than", "slightly under", "slightly below"),
    "at_most": ("up to", "at most", "no more than", "not more than", "no greater than", "not exceeding",
                "a maximum of", "maximum of"),
    "about": ("about", "around", "approximately", "approx.", "roughly", "some", "circa", "an estimated",
              "estimated", "more or less", "in the region of", "on the order of", "of the order of",
              "in the order of", "something like"),
    "nearly": ("nearly", "almost", "close to", "just under", "just below", "approaching", "not quite",
               "just shy of", "just short of"),
}.items():
    for _p in _phrases:
        _HEDGES[_p] = _canon
# how the grammar reads the hedges that are not its own phrases
_HEDGE_FOR_PARSER = {"surpassed": "more than", "surpasses": "more than", "topped": "more than",
                     "tops": "more than", "beyond": "more than"}
_HEDGE_BEFORE_RE = re.compile(
    r"(?<![\w])(?P<h>" + "|".join(re.escape(p) for p in sorted(_HEDGES, key=len, reverse=True))
    + r")\s+(?:by\s+)?$"
    + r"|(?P<s>~|≈|>=|<=|≥|≤|>|<)\s*$",
    re.I,
)
_SYMBOL_HEDGES = {"~": "about", "≈": "about", ">": "more_than", "<": "less_than", ">=": "at_least",
                  "≥": "at_least", "<=": "at_most", "≤": "at_most"}
_NICE_HEDGES = {"more than", "over", "at least", "less than", "under", "up to", "at most", "about", "around",
                "approximately", "roughly", "nearly", "almost", "close to", "no more than", "no less than",
                "just under", "just over", "some"}
_CANON_DISPLAY = {"more_than": "more than", "at_least": "at least", "less_than": "less than",
                  "at_most": "at most", "about": "about", "nearly": "nearly"}

_STOP = frozenset(
    """a an the of in on at to for by with from and or but nor so yet as than then that this these those it its
    their our his her my your which who whom whose what when where why how is are was were be been being
    have has had having will would shall should can could may might must do does did done not no only also
    already still now today ago since until after before during about over under into out up down per each
    every all both some any other another same such very more most less least just even again there here
    if while whereas because though although according said says say last next past first second
    third year years month months day days week weeks time times percent per cent""".split()
)
_DETERMINERS = frozenset("the these those both its their our his her my your all".split())
_NOT_A_COUNT_BEFORE = frozenset(
    """no no. nos № # article art art. paragraph para section sec chapter ch item page pp p clause resolution
    decree law number part point grade level class stage phase round version season episode vol table fig
    figure annex appendix route flight room apartment building house highway size model""".split()
)
_IRREGULAR_PLURALS = frozenset("people children men women persons staff personnel cattle".split())


# ========================================================================================== sentences
_SENT_END_RE = re.compile(
    r"(?P<p>[.!?…])[\"'”’»)\]]*(?P<ws>[ \t]*\n[ \t]*\n\s*|\s+)(?=[\"'“‘«(\[]?[A-ZА-Я0-9$€£])|\n[ \t]*\n\s*"
)
_ABBREV = frozenset(
    """mr mrs ms dr prof st no vs etc e.g i.e u.s u.k jan feb mar apr jun jul aug sep sept oct nov dec inc ltd
    co jr sr gen col lt sgt rev fig approx est""".split()
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of a text as (start, end) spans, leading and trailing whitespace excluded."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        if m.group("p"):
            # an abbreviation or an initial ("V. Putin") does not end a sentence
            k = m.start("p")
            wm = _LAST_WORD_RE.search(text, max(0, k - 12), k)
            if wm:
                w = wm.group(1).lower().strip(".")
                if (w in _ABBREV or (len(w) == 1 and text[k - 1].isupper())) and "\n" not in m.group():
                    continue
            end = m.start("ws")
        else:
            end = m.start()
        _add_span(text, start, end, out)
        start = m.end()
    _add_span(text, start, len(text), out)
    return out


def _add_span(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


_CLAUSE_RE = re.compile(
    r"\s*[;:]\s+|\s+[–—-]\s+|,\s+(?=(?:and|but|while|whereas|or)\b)|\s+(?=and\s)|[,.!?]?[\"”»]\s+", re.I
)


def clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses of ``text[start:end]``: split at ``;``, ``:``, a spaced dash, ``, and``/``, but`` and
    `` and `` (each clause starts at its conjunction, which :func:`_trim` then drops)."""
    out: list[tuple[int, int]] = []
    s = start
    for m in _CLAUSE_RE.finditer(text, start, end):
        _add_span(text, s, m.start(), out)
        s = m.end()
    _add_span(text, s, end, out)
    return out


# ============================================================================================ scanning
def scan(text: str, *, hedges: Mapping[str, Any] | None = None) -> Scan:
    """Every quantity and every expression of time in ``text`` (see the module's docstring).

    One pass over the words of the text: where a word can start an expression of time, the period regex
    is tried; where it can start a number, the number regex; each match is then extended locally.
    """
    sentences = sentence_spans(text)
    sent_starts = [s for s, _ in sentences]
    periods: list[FoundPeriod] = []
    quantities: list[Found] = []
    match_period = _PERIOD_RE.match
    match_core = _CORE_RE.match
    p_starts = _PERIOD_STARTS
    n_starts = _NUMBER_STARTS
    skip_to = 0
    for w in _WORD_START_RE.finditer(text):
        ws = w.start()
        if ws < skip_to:
            continue
        word = w.group()
        digit = word[0].isdigit()
        low = word.lower() if not digit else word
        if digit or low in p_starts:
            m = match_period(text, ws)
            if m is not None:
                fp = _period(m, text)
                if fp is not None:
                    periods.append(fp)
                    skip_to = fp.end
                    if fp.kind in ("years_ago", "months_ago"):
                        f = _ago_found(m, text, sentences, sent_starts, hedges)
                        if f is not None:
                            quantities.append(f)
                    continue
        if digit or low in n_starts:
            m = match_core(text, ws)
            if m is None:
                continue
            f = _found(m, text, sentences, sent_starts, hedges)
            if f is None:
                continue
            skip_to = f.end
            if isinstance(f, FoundPeriod):
                periods.append(f)
            else:
                quantities.append(f)
    return Scan(text, quantities, periods, sentences)


def find_quantities(text: str, *, hedges: Mapping[str, Any] | None = None) -> list[Found]:
    """Every quantitative expression of ``text`` (dates and years excluded), in text order."""
    return scan(text, hedges=hedges).quantities


def find_periods(text: str) -> list[FoundPeriod]:
    """Every expression of time in ``text``, in text order."""
    return scan(text).periods


def _sentence_of(pos: int, sentences: list[tuple[int, int]], starts: list[int]) -> tuple[int, int]:
    i = bisect_right(starts, pos) - 1
    if i >= 0 and sentences[i][0] <= pos < sentences[i][1] + 1:
        return sentences[i]
    return (pos, pos)


def _word_number(w: str) -> int | None:
    w = w.lower()
    if w.isdigit():
        return int(w)
    return _SMALL.get(w)


def _period(m: re.Match[str], text: str) -> FoundPeriod | None:
    alt = next(a for a in _PERIOD_ALTS if m.group(a) is not None)
    s, e = m.span()
    t = m.group()
    g = m.group

    def rel_of(word: str | None) -> int | None:
        if word is None:
            return None
        return _REL.get(" ".join(word.lower().split()))

    if alt == "iso":
        return FoundPeriod(s, e, t, "day", int(g("iso_m")), int(g("iso_d")), year=int(g("iso_y")))
    if alt in ("dmy", "mdy"):
        mon = _MONTHS[g(f"{alt}_m").lower().rstrip(".")]
        d1 = int(g(f"{alt}_d1"))
        d2 = int(g(f"{alt}_d2")) if g(f"{alt}_d2") else None
        y = int(g(f"{alt}_y")) if g(f"{alt}_y") else None
        if not 1 <= d1 <= 31 or (d2 is not None and not d1 < d2 <= 31):
            return None
        if alt == "mdy" and g("mdy_m")[0].islower() and g("mdy_m").lower() in ("may", "march"):
            return None
        if d2 is None:
            return FoundPeriod(s, e, t, "day", mon, d1, year=y)
        return FoundPeriod(s, e, t, "days", mon, d1, d2, year=y)
    if alt == "yrs":
        a = int(g("yrs_a"))
        bt = g("yrs_b")
        b = int(bt) if len(bt) == 4 else (a // 100) * 100 + int(bt)
        if b <= a:
            return None
        return FoundPeriod(s, e, t, "years", a, b)
    if alt in ("qtr", "half"):
        w = g(f"{alt}_w")
        n = _ORD[w.lower()] if w else int(g(f"{alt}_n"))
        y = int(g(f"{alt}_y")) if g(f"{alt}_y") else None
        return FoundPeriod(s, e, t, "quarter" if alt == "qtr" else "half", n, year=y,
                           rel=rel_of(g(f"{alt}_rel")) if g(f"{alt}_rel") else (None if y else 0))
    if alt == "ago":
        n = _word_number(g("ago_n"))
        if n is None:
            return None
        unit = g("ago_u").lower()
        if unit.startswith("month"):
            return FoundPeriod(s, e, t, "months_ago", n)
        return FoundPeriod(s, e, t, "years_ago", n)
    if alt == "mon":
        n = _word_number(g("mon_n"))
        if n is None or n == 0:
            return None
        q = (g("mon_q") or "").lower()
        y = int(g("mon_y")) if g("mon_y") else None
        dur = _duration(n, "months")
        if q in ("past", "last", "previous") and not y and not g("mon_rel"):
            return FoundPeriod(s, e, t, "past_months", n, duration=dur)
        if q in ("next", "coming"):
            return FoundPeriod(s, e, t, "asof", n, duration=dur)
        return FoundPeriod(s, e, t, "months_to", n, year=y, rel=rel_of(g("mon_rel")) if g("mon_rel") else None,
                           duration=dur)
    if alt == "pyr":
        n = _word_number(g("pyr_n"))
        if n is None or n == 0:
            return None
        q = g("pyr_q").lower()
        kind = "past_years" if q in ("past", "last", "previous", "recent") else "asof"
        return FoundPeriod(s, e, t, kind, n, duration=_duration(n, "years"))
    if alt == "eoy":
        return FoundPeriod(s, e, t, "rel_year", rel=rel_of(g("eoy_rel")) if g("eoy_rel") else 0)
    if alt == "rel":
        return FoundPeriod(s, e, t, "rel_year", rel=rel_of(g("rel_w")))
    if alt == "pre":
        a = int(g("pre_y"))
        if g("pre_y2"):
            bt = g("pre_y2")
            b = int(bt) if len(bt) == 4 else (a // 100) * 100 + int(bt)
            if b > a:
                return FoundPeriod(s, e, t, "years", a, b)
        return FoundPeriod(s, e, t, "year", year=a)
    if alt == "my":
        word = g("my_m")
        if not word[0].isupper():
            return None
        mon = _MONTHS[word.lower()]
        y = int(g("my_y")) if g("my_y") else None
        rel = rel_of(g("my_rel")) if g("my_rel") else None
        if y is None and g("my_rel") is None:
            # a month named alone: only after a preposition of time ("in May", "since March")
            before = text[max(0, s - 12):s].lower()
            if not _MONTH_PREP_RE.search(before):
                return None
        return FoundPeriod(s, e, t, "month", mon, year=y, rel=rel)
    if alt == "asof":
        return FoundPeriod(s, e, t, "asof")
    return None  # pragma: no cover


def _duration(n: int, unit: str) -> Quantity | None:
    try:
        return parse_value(f"{n} {unit}")
    except SyntaxProblem:  # pragma: no cover
        return None


def _ago_found(m: re.Match[str], text: str, sentences, sent_starts, hedges) -> Found | None:
    """``three years ago``: the elapsed time is an amount too (``three years``)."""
    ns, _ = m.span("ago_n")
    ue = m.end("ago_u")
    num = text[ns:m.end("ago_n")]
    unit = m.group("ago_u")
    start = ns
    hedge, hedge_text = "", ""
    hm = _HEDGE_BEFORE_RE.search(text, max(0, ns - 40), ns)
    if hm and hm.group("h"):
        hedge_text = hm.group("h")
        hedge = _HEDGES[" ".join(hedge_text.lower().split())]
        start = hm.start()
    bare = f"{num} {unit}"
    value_text = f"{_parser_hedge(hedge_text)} {bare}" if hedge else bare
    try:
        q = parse_value(value_text, hedges=hedges)
    except SyntaxProblem:
        return None
    disp = f"{_display_hedge(hedge, hedge_text)} {num} {unit}" if hedge else f"{num} {unit}"
    return Found(start, ue, text[start:ue], value_text, q, _sentence_of(ns, sentences, sent_starts), hedge,
                 hedge_text, ns, ue, bare, "", disp)


def _parser_hedge(h: str) -> str:
    key = " ".join(h.lower().split())
    return _HEDGE_FOR_PARSER.get(key, key)


def _display_hedge(hedge: str, written: str) -> str:
    key = " ".join(written.lower().split())
    if key in _NICE_HEDGES:
        return key
    return _CANON_DISPLAY.get(hedge, key)


def _found(m: re.Match[str], text: str, sentences, sent_starts, hedges) -> Found | FoundPeriod | None:
    n = len(text)
    kind = m.lastgroup
    s, e = m.span()
    core = m.group()
    # ------------------------------------------------------------------ what the number is not
    if kind == "d":
        if s >= 2 and text[s - 1] == "-" and text[s - 2].isalpha():  # COVID-19
            return None
        if e < n and (text[e].isalpha() or text[e] == "_"):
            am = _SCALE_AFTER_RE.match(text, e)
            if not (am and am.start() == e and am.end() > e):
                return None  # 19th, 2020s, 3D, G20x
        if e < n and text[e] == ":" and e + 1 < n and text[e + 1].isdigit():
            return None  # a clock time
        pw = _PREV_WORD_RE.search(text, max(0, s - 14), s)
        if pw and pw.group(1).lower().rstrip(".") in _NOT_A_COUNT_BEFORE and text[s - 1] in " \t.#№":
            return None
    elif kind == "w":
        words = core.lower().replace("-", " ").split()
        if words[0] in ("hundred", "thousand", "million", "billion", "trillion", "dozen"):
            return None  # "millions of people": no number
    # ------------------------------------------------------------------ before: sign, code, hedge, opener
    num_start = s
    cur_before = ""
    sm = _SIGN_BEFORE_RE.search(text, max(0, s - 8), s)
    if sm:
        num_start = sm.start()
        cur_before = sm.group().lstrip("\\").strip()
    else:
        cm = _CODE_BEFORE_RE.search(text, max(0, s - 5), s)
        if cm:
            num_start = cm.start()
            cur_before = cm.group().strip() + " "
    minus = ""
    if (num_start >= 1 and text[num_start - 1] in "−-–" and kind == "d"
            and (num_start == 1 or text[num_start - 2] in " \t\n(")):
        minus = "−"  # "-2.5%", "(−3%)": a negative number, the sign attached
        num_start -= 1
    start = num_start
    hedge, hedge_text = "", ""
    hm = _HEDGE_BEFORE_RE.search(text, max(0, num_start - 40), num_start)
    if hm:
        if hm.group("h"):
            hedge_text = hm.group("h")
            hedge = _HEDGES[" ".join(hedge_text.lower().split())]
        else:
            hedge_text = hm.group("s")
            hedge = _SYMBOL_HEDGES[hedge_text]
        start = hm.start()
    opener = ""
    if not hedge:
        om = _RANGE_OPEN_RE.search(text, max(0, num_start - 10), num_start)
        if om:
            opener = om.group("o").lower()
    # ------------------------------------------------------------------ the number itself
    if kind == "v":
        value_text = (f"{_parser_hedge(hedge_text)} " if hedge else "") + core.lower()
        try:
            q = parse_value(value_text, hedges=hedges)
        except SyntaxProblem:
            return None
        disp = (f"{_display_hedge(hedge, hedge_text)} " if hedge else "") + core.lower()
        return Found(start, e, text[start:e], value_text, q, _sentence_of(s, sentences, sent_starts),
                     q.hedge, hedge_text, s, e, core.lower(), "", disp)
    num_text = " ".join(core.split())
    if kind == "w":
        num_text, e = _longest_words(core, s)
        if num_text is None:
            return None
        words = num_text.lower().replace("-", " ").split()
        if words == ["one"] or words == ["zero"]:
            nxt = _SCALE_AFTER_RE.match(text, e) or _PCT_AFTER_RE.match(text, e)
            if not (hedge or cur_before or nxt):
                return None
        if len(words) == 1 and words[0] in _SMALL and _SMALL[words[0]] < 10 and not hedge and not cur_before:
            pw = _PREV_WORD_RE.search(text, max(0, s - 10), s)
            if pw and pw.group(1).lower() in _DETERMINERS:
                return None  # "the two countries"
    pos = e
    # range: "5-6 billion", "5 to 6 billion", "between 5 and 6 billion"
    range_text = ""
    rm = _RANGE_SEP_D.match(text, pos)
    if rm and rm.end() < n:
        sep = rm.group().strip().lower()
        if (sep in ("-", "–", "—") or (sep == "to" and opener != "between") or (sep == "and" and opener == "between")):
            m2 = _CORE_RE.match(text, rm.end())
            sign2 = ""
            if m2 is None:
                sm2 = _SIGN_AFTER_SEP_RE.match(text, rm.end())
                if sm2:
                    m2 = _CORE_RE.match(text, sm2.end())
                    sign2 = sm2.group()
            if m2 is not None and m2.lastgroup in ("d", "w") and (m2.lastgroup == kind or sep != "-"):
                second = " ".join(m2.group().split())
                if not (kind == "d" and m2.lastgroup == "d" and sep == "-" and _DIGITS_ONLY.fullmatch(second)
                        and _DIGITS_ONLY.fullmatch(num_text)):
                    joiner = "-" if sep in ("-", "–", "—") and not opener else f" {sep} "
                    tail = f"{joiner}{sign2.lstrip(chr(92))}{second}"
                    candidate = f"{opener + ' ' if opener else ''}{cur_before}{num_text}{tail}"
                    try:
                        parse_value(candidate)
                        range_text = tail
                        pos = m2.end()
                        if opener:
                            start = min(start, num_start - len(opener) - 1)
                    except SyntaxProblem:
                        pass
    scale = ""
    sm3 = _SCALE_AFTER_RE.match(text, pos)
    if sm3 and sm3.end() > pos:
        if sm3.group("att") and (pos < n and text[pos].isspace()):
            sm3 = None
        if sm3 is not None:
            scale = (sm3.group("full") or sm3.group("abbr") or sm3.group("att")).lower()
            scale = {"bn": "billion", "bln": "billion", "b": "billion", "mln": "million", "mn": "million",
                     "m": "million", "k": "thousand", "tn": "trillion", "trn": "trillion"}.get(scale, scale)
            pos = sm3.end()
    unit = ""
    unit_disp = ""
    noun = ""
    um = _PCT_AFTER_RE.match(text, pos)
    if um:
        u = um.group().strip().lower()
        if u.startswith(("percentage", "pp", "p.p")):
            unit, unit_disp = "percentage points", " pp"
        else:
            unit, unit_disp = "percent", "%"
        pos = um.end()
    elif not cur_before:
        um = _CODE_AFTER_CASE_RE.match(text, pos) or _CUR_AFTER_RE.match(text, pos)
        if um and not (um.group().strip().isalpha() and um.group().strip().upper() in _CODES
                       and not um.group().strip().isupper()):
            unit = um.group().strip()
            pos = um.end()
        else:
            tm = _TIMES_AFTER_RE.match(text, pos)
            if tm:
                unit, unit_disp = "times", " times"
                pos = tm.end()
    # postfix hedge
    post = ""
    if not hedge and not range_text:
        pm = _POSTFIX_RE.match(text, pos)
        if pm:
            post = " or more" if pm.group("plus") else " " + " ".join(pm.group().split())
            pos = pm.end()
    num_end = pos
    # counted noun ("1,200 or more people": after the postfix hedge too)
    if not unit and not cur_before:
        nn, noun_end = _counted_noun(text, pos)
        if nn:
            noun = nn
            pos = noun_end
            if post:
                num_end = pos
    # ------------------------------------------------------------------ a year, not an amount
    if (kind == "d" and not hedge and not cur_before and not scale and not unit and not range_text and not post
            and _DIGITS_ONLY.fullmatch(num_text) and 1900 <= int(num_text) <= 2100):
        return FoundPeriod(s, e, text[s:e], "year", year=int(num_text))
    # ------------------------------------------------------------------ build the value
    cur = cur_before.replace("\\", "")
    bare = f"{opener + ' ' if opener and range_text else ''}{minus}{cur}{num_text}{range_text}"
    if scale:
        bare += f" {scale}"
    if unit == "percent":
        bare += " percent"
    elif unit:
        bare += f" {unit}"
    bare_noun = bare + (f" {noun}" if noun else "")
    if post:
        bare += post
        bare_noun += post
    value_text = (f"{_parser_hedge(hedge_text)} " if hedge else "") + bare_noun
    try:
        q = parse_value(value_text, hedges=hedges)
    except SyntaxProblem:
        try:  # the noun was not a unit after all
            value_text = (f"{_parser_hedge(hedge_text)} " if hedge else "") + bare
            q = parse_value(value_text, hedges=hedges)
            noun = ""
            pos = num_end
            bare_noun = bare
        except SyntaxProblem:
            return None
    # how a claims file writes it: hedge, number, scale, unit code ("more than 5.6 billion USD")
    disp_num = f"{minus}{num_text.lower() if kind == 'w' else num_text}{range_text}"
    if opener and range_text:
        disp_num = f"{opener} {disp_num}"
    disp = disp_num + (f" {scale}" if scale else "")
    if unit_disp:
        disp += unit_disp
    elif q.unit and q.unit.isupper():
        disp += f" {q.unit}"
    elif unit:
        disp += f" {unit}"
    if noun:
        disp += f" {noun.lower() if not noun.isupper() else noun}"
    if post:
        disp = f"{_CANON_DISPLAY[q.hedge]} {disp}" if q.hedge in _CANON_DISPLAY else disp + post
    if hedge:
        disp = f"{_display_hedge(hedge, hedge_text)} {disp}"
    return Found(start, pos, text[start:pos], value_text, q, _sentence_of(s, sentences, sent_starts), q.hedge
                 if q.hedge not in ("", "range") else hedge, hedge_text, num_start, num_end, bare_noun, noun, disp)


_ALPHA_RE = re.compile(r"[A-Za-z]+")


def _longest_words(core: str, s: int) -> tuple[str | None, int]:
    """The longest leading run of number words that reads as one number ("twelve three" -> "twelve")."""
    tokens = [(p.start(), p.end()) for p in _ALPHA_RE.finditer(core)]
    for k in range(len(tokens), 0, -1):
        end = tokens[k - 1][1]
        cand = " ".join(core[:end].split())
        try:
            parse_value(cand)
            return cand, s + end
        except SyntaxProblem:
            continue
    return None, s


def _counted_noun(text: str, pos: int) -> tuple[str, int]:
    """The plural noun that a bare number counts, up to two modifiers on: "50 high-level mutual visits"."""
    p = pos
    for _ in range(3):
        wm = _WORD_AFTER_RE.match(text, p)
        if not wm:
            return "", pos
        w = wm.group(1)
        lw = w.lower()
        if lw in _STOP or lw in _MONTHS:
            return "", pos
        if lw in _IRREGULAR_PLURALS or (len(lw) > 3 and lw.endswith("s") and not lw.endswith(("ss", "us", "is"))
                                        and "'" not in lw and "’" not in lw):
            return w, wm.end()
        if not w[0].isalpha() or w.endswith(("ly", "ed")) and lw not in ("red",):
            return "", pos
        p = wm.end()
    return "", pos
