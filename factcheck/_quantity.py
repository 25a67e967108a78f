"""The value grammar: what a claimed value (or a reference cell) means, as an interval.

``[hedge] [currency] number [scale] [unit]``, or a range (``5-6 billion``, ``between 5 and 6 billion``),
as the contract (``claims-format.md``, "The value grammar") defines it:

* **Precision.** A number means every value that rounds to it, ``[x - h, x + h)`` with ``h`` half a unit of
  its last significant digit. In a claim the trailing zeros of a whole number are not significant
  (``3,000`` is [2500, 3500)); in a reference cell (``reference=True``) every digit written is.
* **Hedges** turn that interval into a bound (``more than``, ``up to`` ...) or widen it (``about``,
  ``nearly`` ...); ``doubled``/``tripled`` are about ``2x``/``3x``.
* **Ranges** run from the low end of the first number's interval to the high end of the second's.

The ends are computed in exact decimal arithmetic (integers times powers of ten) and rounded to float once.
Parsing is a hand-written cursor over precompiled regexes; a plain decimal number takes a fast path,
because reference tables of a million cells come through here. The only exception raised is
:class:`factcheck._errors.SyntaxProblem`, with a 0-based offset into the string as given.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Mapping

from factcheck._errors import SyntaxProblem
from factcheck._interval import Interval

__all__ = [
    "Quantity",
    "parse_value",
    "parse_structured",
    "apply_tolerance",
    "format_number",
    "normalise_unit",
    "units_compatible",
    "HEDGE_CLASSES",
    "SCALE_WORDS",
]

INF = math.inf


# ============================================================================================ the result
@dataclass(frozen=True, slots=True)
class Quantity:
    """A value as written and the interval it means (in base units: scale applied)."""

    text: str  # the input as written, stripped
    number: float  # the first number as written, in its written scale (5.6 for "5.6 billion")
    interval: Interval  # the meaning, in base units ("5.6 billion USD" -> [5.55e9, 5.65e9))
    unit: str  # canonical unit: "", "percent", "pp", "x", "USD", ..., "branch", "USD/barrel"
    scale: float  # multiplier applied: 1, 1e3, 1e6, 1e9, 1e12
    scale_word: str  # "" or "thousand" / "million" / "billion" / "trillion"
    hedge: str  # "" or more_than, at_least, less_than, at_most, about, nearly, doubled, ..., range
    hedge_class: str  # "exact", "bound", "approx", "range"
    half_unit: float  # h in base units
    high_number: float | None = None  # for ranges: the second number as written

    def bound_class(self) -> str:
        """The kind of hedge as D202 compares it: ``exact``, ``bound``, ``approx`` or ``range``."""
        return self.hedge_class

    @property
    def direction(self) -> str:
        """``lower`` for a lower bound (more than / at least), ``upper`` for an upper one, else ``""``."""
        if self.hedge in ("more_than", "at_least"):
            return "lower"
        if self.hedge in ("less_than", "at_most"):
            return "upper"
        return ""


def _make_init(s0: Any, s1: Any, s2: Any, s3: Any, s4: Any, s5: Any, s6: Any, s7: Any, s8: Any, s9: Any) -> Any:
    # The generated __init__ of a frozen dataclass sets each field through object.__setattr__; setting
    # the slots directly is about twice as fast, and reference tables build a million of these.
    def __init__(self: Quantity, text: str, number: float, interval: Interval, unit: str, scale: float,
                 scale_word: str, hedge: str, hedge_class: str, half_unit: float,
                 high_number: float | None = None) -> None:
        s0(self, text)
        s1(self, number)
        s2(self, interval)
        s3(self, unit)
        s4(self, scale)
        s5(self, scale_word)
        s6(self, hedge)
        s7(self, hedge_class)
        s8(self, half_unit)
        s9(self, high_number)

    __init__.__qualname__ = "Quantity.__init__"
    return __init__


def _make_interval_factory() -> Any:
    """Interval(low, high, low_closed, high_closed), built without the frozen __init__ (same object)."""
    names = ("low", "high", "low_closed", "high_closed")
    try:
        if tuple(f for f in Interval.__dataclass_fields__) != names or hasattr(Interval, "__post_init__"):
            return Interval
        a, b, c, d = (getattr(Interval, n).__set__ for n in names)
    except AttributeError:  # pragma: no cover - Interval without slots
        return Interval
    new = object.__new__

    def make(low: float, high: float, low_closed: bool, high_closed: bool) -> Interval:
        iv = new(Interval)
        a(iv, low)
        b(iv, high)
        c(iv, low_closed)
        d(iv, high_closed)
        return iv

    return make


_Q_FIELDS = ("text", "number", "interval", "unit", "scale", "scale_word", "hedge", "hedge_class",
             "half_unit", "high_number")
if tuple(Quantity.__dataclass_fields__) == _Q_FIELDS:
    Quantity.__init__ = _make_init(*(getattr(Quantity, n).__set__ for n in _Q_FIELDS))  # type: ignore[misc]
_Q = Quantity
_I = _make_interval_factory()

HEDGE_CLASSES = {
    "": "exact",
    "more_than": "bound",
    "at_least": "bound",
    "less_than": "bound",
    "at_most": "bound",
    "about": "approx",
    "nearly": "approx",
    "doubled": "approx",
    "tripled": "approx",
    "quadrupled": "approx",
    "halved": "approx",
    "range": "range",
}

# ======================================================================================= vocabulary
SCALE_WORDS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_SCALE_OF_EXP = {0: "", 3: "thousand", 6: "million", 9: "billion", 12: "trillion"}
_SCALE_ALIASES = {
    "thousand": "thousand", "thousands": "thousand", "k": "thousand", "th": "thousand",
    "thous": "thousand", "thsd": "thousand",
    "million": "million", "millions": "million", "m": "million", "mn": "million", "mln": "million",
    "mio": "million", "mil": "million", "mm": "million",
    "billion": "billion", "billions": "billion", "b": "billion", "bn": "billion", "bln": "billion",
    "trillion": "trillion", "trillions": "trillion", "tn": "trillion", "trn": "trillion", "tln": "trillion",
}
# The scales read after a number in a value; "th"/"thous"/"mil"/"mm"/"mio" are accepted only where a
# scale is expected on its own (a structured value's ``scale``, format_number): "5 mm" is millimetres.
_TEXT_SCALES = frozenset(
    "thousand thousands million millions billion billions trillion trillions mln mn bln bn trn tln tn".split()
)
_SCALE_RE = re.compile(
    r"(thousands?|millions?|billions?|trillions?|mln|mn|bln|bn|trn|tln|tn|k|m|b)\.?(?![^\W_])", re.I
)

class _PhraseMatch:
    __slots__ = ("s", "start", "stop")

    def __init__(self, s: str, start: int, stop: int) -> None:
        self.s, self.start, self.stop = s, start, stop

    def group(self) -> str:
        return self.s[self.start:self.stop]

    def end(self) -> int:
        return self.stop


_PHRASE_WORD_RE = re.compile(r"([^\W\d_]+)(\.)?")


class _PhraseMatcher:
    """The longest phrase of a table (``more than``, ``approx.``, ``>=``) at a position, any case.

    A dictionary lookup over the next few words: cheaper to build than one large alternation."""

    __slots__ = ("table", "maxw", "symbols")

    def __init__(self, phrases: Mapping[str, str]) -> None:
        self.table = frozenset(p for p in phrases if p[0].isalpha())
        self.symbols = sorted((p for p in phrases if not p[0].isalpha()), key=len, reverse=True)
        self.maxw = max(len(p.split(" ")) for p in phrases)

    def match(self, s: str, pos: int) -> _PhraseMatch | None:
        for sym in self.symbols:
            if s.startswith(sym, pos):
                return _PhraseMatch(s, pos, pos + len(sym))
        words: list[tuple[str, int, bool]] = []
        p = pos
        n = len(s)
        for _ in range(self.maxw):
            m = _PHRASE_WORD_RE.match(s, p)
            if m is None:
                break
            words.append((m.group(1).lower(), m.end(1), m.group(2) is not None))
            q = m.end()
            if q < n and s[q].isspace():
                p = _WS_RE.match(s, q).end()  # type: ignore[union-attr]
            else:
                break
        table = self.table
        for k in range(len(words), 0, -1):
            key = " ".join(w for w, _, _ in words[:k])
            _, end, dot = words[k - 1]
            if dot and key + "." in table:
                return _PhraseMatch(s, pos, end + 1)
            if key in table and (end >= n or not s[end].isalnum()):
                return _PhraseMatch(s, pos, end)
        return None


_HEDGE_PHRASES: dict[str, str] = {}
for _canon, _phrases in {
    "more_than": (
        "more than", "over", "above", "exceeds", "exceeded", "exceeding", "exceed", "in excess of",
        "upwards of", "upward of", "greater than", "higher than", "larger than", "just over",
        "just above", "well over", "well above", "slightly more than", "slightly over", "slightly above",
        "a little over", "a little more than", "somewhat more than", ">",
    ),
    "at_least": (
        "at least", "no less than", "not less than", "no fewer than", "not fewer than", "a minimum of",
        "minimum of", "minimum", "min.", "min", ">=", "≥", "⩾",
    ),
    "less_than": (
        "less than", "under", "below", "fewer than", "lower than", "smaller than", "well under",
        "well below", "slightly less than", "slightly under", "slightly below", "<",
    ),
    "at_most": (
        "up to", "at most", "no more than", "not more than", "no greater than", "not exceeding",
        "a maximum of", "maximum of", "maximum", "max.", "max", "<=", "≤", "⩽",
    ),
    "about": (
        "about", "around", "approximately", "approx.", "approx", "roughly", "some", "~", "≈", "circa",
        "c.", "ca.", "an estimated", "estimated", "est.", "an approximate", "more or less",
        "in the region of", "on the order of", "of the order of", "in the order of", "round about",
        "something like",
    ),
    "nearly": (
        "nearly", "almost", "close to", "just under", "just below", "approaching", "not quite",
        "just shy of", "just short of", "close on",
    ),
}.items():
    for _p in _phrases:
        _HEDGE_PHRASES[_p] = _canon


_HEDGE_RE = _PhraseMatcher(_HEDGE_PHRASES)
_POSTFIX_HEDGES = {
    "or more": "at_least", "and more": "at_least", "or above": "at_least", "and above": "at_least",
    "or over": "at_least", "and over": "at_least", "or higher": "at_least", "or greater": "at_least",
    "plus": "at_least", "or less": "at_most", "or fewer": "at_most", "and less": "at_most",
    "or below": "at_most", "and below": "at_most", "or under": "at_most", "and under": "at_most",
    "or lower": "at_most",
}
_POSTFIX_RE = _PhraseMatcher(_POSTFIX_HEDGES)
_VERBS = {"doubled": ("doubled", 2, 0), "tripled": ("tripled", 3, 0), "trebled": ("tripled", 3, 0),
          "quadrupled": ("quadrupled", 4, 0), "halved": ("halved", 5, -1)}
_VERB_RE = re.compile(r"(doubled|tripled|trebled|quadrupled|halved)(?![^\W_])", re.I)
_RANGE_OPEN_RE = re.compile(r"(between|from)(?![^\W_])\s*", re.I)

_ONES = {
    "zero": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_NUMBER_WORDS = frozenset(_ONES) | frozenset(_TENS) | {"hundred", "dozen"} | frozenset(SCALE_WORDS)
_NOT_FINITE = frozenset({"nan", "inf", "infinity", "infinite"})
_NOT_UNIT_START = frozenset({"or", "and", "to", "through", "until", "till", "of", "than", "from", "between"})

# currencies ------------------------------------------------------------------------------------------
_ISO_CODES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BYR
    BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
    GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD
    KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RUR RWF SAR SBD SCR SDG SEK SGD SHP SLL SOS SRD SSP
    STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XDR XOF
    XPF YER ZAR ZMW ZWL""".split()
)
# codes recognised in any case ("usd"); the rest only in capitals ("ALL", "TOP", "CUP" are English words)
_COMMON_CODES = frozenset(
    """usd eur gbp rub uzs jpy cny chf kzt kgs tjs tmt inr cad aud brl krw uah byn azn pln sek nok dkk czk
    huf zar mxn sgd hkd aed sar nzd idr thb myr vnd egp ngn pkr bdt ils irr afn ron bgn rsd""".split()
)
_CODE_ALIASES = {"RUR": "RUB", "RMB": "CNY"}
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "usdollar": "USD", "euro": "EUR", "euros": "EUR",
    "ruble": "RUB", "rubles": "RUB", "rouble": "RUB", "roubles": "RUB", "sum": "UZS", "sums": "UZS",
    "soum": "UZS", "soums": "UZS", "so'm": "UZS", "so’m": "UZS", "som": "UZS", "yen": "JPY",
    "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "sterling": "GBP", "tenge": "KZT",
    "hryvnia": "UAH", "hryvnias": "UAH", "hryvnas": "UAH", "rupee": "INR", "rupees": "INR",
}
_CURRENCY_PHRASE_RE = re.compile(
    r"(?:u\.?\s?s\.?\s*dollars?|american\s+dollars?|pounds?\s+sterling|russian\s+(?:rubles?|roubles?)"
    r"|uzbek\s+(?:sums?|soums?|so['’]m)|swiss\s+francs?|chinese\s+yuan|japanese\s+yen|indian\s+rupees?)"
    r"(?![^\W_])",
    re.I,
)
_SIGNS = {
    "US$": "USD", "U.S.$": "USD", "U.S. $": "USD", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD",
    "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "R$": "BRL", "$": "USD", "€": "EUR", "£": "GBP", "₽": "RUB",
    "¥": "JPY", "₹": "INR", "₸": "KZT", "₩": "KRW", "₺": "TRY", "₴": "UAH", "₾": "GEL", "￥": "JPY",
}
_SIGN_RE = re.compile(
    "|".join(re.escape(k) for k in sorted(_SIGNS, key=len, reverse=True)), re.I
)

# units ---------------------------------------------------------------------------------------------
_PCT_RE = re.compile(r"(?:%|％|per\s?-?\s?cents?(?![^\W_])|percents?(?![^\W_])|pct(?![^\W_])\.?)", re.I)
_PP_RE = re.compile(
    r"(?:percentage[\s-]+points?(?![^\W_])|percent(?:age)?\s+pts?(?![^\W_])\.?|pp(?![^\W_])\.?"
    r"|p\.\s?p(?![^\W_])\.?|ppts?(?![^\W_])\.?)",
    re.I,
)
_X_RE = re.compile(r"(?:x|×|times|-?fold)(?![^\W_])", re.I)
_PER_RE = re.compile(r"(?:/|per(?![^\W_]))\s*", re.I)
_WORD_RE = re.compile(r"[^\W\d_](?:[\w'’]|[-.](?=[^\W\d_]))*")
_NO_SINGULAR = frozenset(
    """series species news means headquarters crossroads mathematics economics physics politics
    always perhaps mbps kbps gbps gas bus lens aircraft""".split()
)

# numbers -------------------------------------------------------------------------------------------
_SPACES = "\u00a0\u202f\u2009 "
_NUM_RE = re.compile(
    r"(?:[0-9]|[.,](?=[0-9]))(?:[0-9]|[,.\u00a0\u202f\u2009 ](?=[0-9]))*(?:[eE][+-]?[0-9]+)?"
)
_SIGNED_RE = re.compile(r"(?:[+\-−]|–(?=\s*[0-9.]))|minus(?![^\W_])", re.I)
_WS_RE = re.compile(r"\s*")
_FAST_DOT = re.compile(r"\s*([+-]?)([0-9]{1,300})(?:\.([0-9]{1,300}))?\s*")
_FAST_COMMA = re.compile(r"\s*([+-]?)([0-9]{1,300})(?:,([0-9]{1,300}))?\s*")
_GROUPED_DOT = re.compile(r"\s*([+-]?)([0-9]{1,3}(?:,[0-9]{3}){1,90})(?:\.([0-9]{1,300}))?\s*")
_GROUPED_COMMA = re.compile(r"\s*([+-]?)([0-9]{1,3}(?:\.[0-9]{3}){1,90})(?:,([0-9]{1,300}))?\s*")
_PLAIN_NUMBER_RE = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")
_AND_HALF_RE = re.compile(r"and\s+a\s+half(?![^\W_])", re.I)
_HALF_A_RE = re.compile(r"half\s+an?\s+(thousand|million|billion|trillion)(?![^\W_])", re.I)
_RANGE_SEP_RE = re.compile(r"\s*(?:[-–—]|(?:to|through|until|till)(?![^\W_]))\s*", re.I)
_BETWEEN_SEP_RE = re.compile(r"\s*(?:[-–—]|(?:and|to)(?![^\W_]))\s*", re.I)
_OPSTART_CHAR_RE = re.compile(
    r"\s*(?:[0-9$€£₽¥₹₸₩₺₴₾￥+\-−]|[.,][0-9]|(?:us|c|ca|a|au|nz|hk|s|r)\$|[A-Za-z]{3}\s*[0-9])", re.I
)
_OPSTART_WORDS = frozenset(_ONES) | frozenset(_TENS) | {"a", "an", "half", "minus"}


def _opstart(s: str, pos: int) -> bool:
    """Whether a number (an operand of a range) starts at ``pos``, after optional whitespace."""
    if _OPSTART_CHAR_RE.match(s, pos):
        return True
    m = _WORD_RE.match(s, _WS_RE.match(s, pos).end())  # type: ignore[union-attr]
    return m is not None and m.group().lower().split("-")[0] in _OPSTART_WORDS


_TOKEN_RE = re.compile(r"[^\W_][\w'’.-]*|\S")
_SCALE_TYPO_CANDIDATES = (
    "thousand", "thousands", "million", "millions", "billion", "billions", "trillion", "trillions",
    "percent", "percentage", "dollars", "euros", "rubles", "roubles",
)

_MAX_DIGITS = 330  # a longer integer part overflows a float anyway
_MAX_EXP = 400

_HALF_FLOATS = [5 / 10 ** (d + 1) for d in range(310)]
_HALF_WHOLE = [0.5] + [5.0 * 10 ** (t - 1) for t in range(1, 20)]
_POW10 = [10**k for k in range(320)]


# =================================================================================== exact arithmetic
# A decimal is a pair (n, e) meaning n * 10**e; exponents are kept within a few hundred by the parser.
def _align(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int, int]:
    (an, ae), (bn, be) = a, b
    if ae == be:
        return an, bn, ae
    if ae < be:
        return an, bn * 10 ** (be - ae), ae
    return an * 10 ** (ae - be), bn, be


def _add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    x, y, e = _align(a, b)
    return x + y, e


def _sub(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    x, y, e = _align(a, b)
    return x - y, e


def _lt(a: tuple[int, int], b: tuple[int, int]) -> bool:
    x, y, _ = _align(a, b)
    return x < y


def _mul(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return a[0] * b[0], a[1] + b[1]


def _abs(a: tuple[int, int]) -> tuple[int, int]:
    return abs(a[0]), a[1]


def _to_float(a: tuple[int, int], offset: int = 0) -> float:
    n, e = a
    try:
        if e >= 0:
            return float(n * 10**e)
        return n / 10 ** (-e)
    except OverflowError:
        raise SyntaxProblem("number too large", offset) from None


def _dec_of_float(x: float) -> tuple[int, int]:
    """The shortest decimal that reads back as ``x`` (``0.1`` -> (1, -1))."""
    r = repr(float(x))
    mant, _, exp = r.partition("e")
    e = int(exp) if exp else 0
    if "." in mant:
        ip, fp = mant.split(".")
        if fp == "0":
            fp = ""
    else:
        ip, fp = mant, ""
    return int(ip + fp), e - len(fp)


# ======================================================================================== fast path
def parse_value(
    text: str,
    *,
    reference: bool = False,
    decimal: str = ".",
    hedges: Mapping[str, Any] | None = None,
) -> Quantity:
    """Parse a value (a claim's ``value`` or, with ``reference=True``, a reference cell).

    ``decimal=","`` reads ``5,6`` as 5.6 (then ``.`` and spaces separate thousands). ``hedges`` overrides
    the widths of ``about`` and ``nearly`` (fractions, default 0.10 each). Raises :class:`SyntaxProblem`
    (and nothing else) with the 0-based offset of the offending token.
    """
    if decimal != "." and decimal != ",":
        raise SyntaxProblem(f"decimal must be '.' or ',', not {decimal!r}", 0)
    if not isinstance(text, str):
        raise SyntaxProblem(f"a value must be text, not {type(text).__name__}", 0)
    # fast path: a plain decimal number (a reference cell, mostly), without the tokenizer
    ip, dot, fp = text.partition(decimal)
    sign = ip[:1]
    if sign == "-" or sign == "+":
        ip = ip[1:]
    ok = ip.isdigit() and ip.isascii() and len(ip) <= 300
    if not dot:
        fp = None
    elif ok:
        ok = fp.isdigit() and fp.isascii() and len(fp) <= 300
    if not ok:
        m = (_FAST_DOT if decimal == "." else _FAST_COMMA).fullmatch(text)
        if m is None:
            # "1,234,567.5" (or "1.234.567,5" with decimal=",")
            m = (_GROUPED_DOT if decimal == "." else _GROUPED_COMMA).fullmatch(text)
            if m is None:
                if decimal == ".":
                    m = _COMMON_RE.fullmatch(text)
                    if m is not None:
                        hedge_text, ip, fp, scale_word, pct = m.groups()
                        hedge = _HEDGE_PHRASES.get(hedge_text, "") if hedge_text else ""
                        if hedge or not hedge_text:
                            return _common(text, hedge, ip, fp, scale_word, pct, m.start(2), reference, hedges)
                return _Parser(text, reference, decimal, hedges).parse()
            sign, ip, fp = m.groups()
            ip = ip.replace("," if decimal == "." else ".", "")
        else:
            sign, ip, fp = m.groups()
        text = text.strip()
    if fp is not None:
        # digits after the decimal mark: all significant
        d = len(fp)
        n = int(ip + fp)
        if sign == "-":
            n = -n
        p = _POW10[d + 1]
        x = n / _POW10[d]
        low = (10 * n - 5) / p
        high = (10 * n + 5) / p
        h = _HALF_FLOATS[d]
    elif len(ip) < 16:
        x = float(ip)
        if reference or ip[-1] != "0" or x == 0.0:
            h = 0.5
        else:
            h = _HALF_WHOLE[len(ip) - len(ip.rstrip("0"))]
        if sign == "-":
            x = -x
        low = x - h
        high = x + h
    else:
        n = int(ip)
        if sign == "-":
            n = -n
        x = float(n)
        if reference or n == 0 or ip[-1] != "0":
            h = 0.5
            low = (2 * n - 1) / 2
            high = (2 * n + 1) / 2
        else:
            hi = 5 * _POW10[len(ip) - len(ip.rstrip("0")) - 1]
            h = float(hi)
            low = float(n - hi)
            high = float(n + hi)
    return _Q(text, x, _I(low, high, True, high <= x), "", 1.0, "", "", "exact", h, None)


# The common shape of a claimed value, ``[hedge ]number[ scale][%]`` (``nearly 816.5 million``,
# ``more than 7.8%``), read without the tokenizer. Only what the parser below reads the same way: a
# hedge phrase of lower-case words (looked up whole in _HEDGE_PHRASES), a plain decimal number of at
# most 15+15 digits (commas between groups of three allowed), a lower-case scale word, ``%``, single
# spaces, nothing around. Everything else (and a phrase that is not a hedge) goes to the parser.
# tests/test_quantity_fastpath.py checks that both give the same result.
_COMMON_RE = re.compile(
    r"(?:([a-z]+(?: [a-z]+){0,5}) )?([0-9]{1,3}(?:,[0-9]{3}){1,4}|[0-9]{1,15})(?:\.([0-9]{1,15}))?"
    r"(?: (thousand|million|billion|trillion))?(%)?"
)
_COMMON_SCALE_EXP = {None: 0, "thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_SCALE_FLOAT = {0: 1.0, 3: 1e3, 6: 1e6, 9: 1e9, 12: 1e12}  # float(10**se)


def _common(text: str, hedge: str, ip: str, fp: str | None, scale_word: str | None, pct: str | None,
            start: int, reference: bool, hedges: Mapping[str, Any] | None) -> Quantity:
    """What ``_Parser(text, ...).parse()`` gives for a value of the common shape (see _COMMON_RE): the
    number read as :meth:`_Parser.digits` reads it, the result built as :meth:`_Parser.single` builds it."""
    if "," in ip:
        ip = ip.replace(",", "")
    if fp:
        n = int(ip + fp)
        e = -len(fp)
        he = e - 1  # every digit after the point is significant
        number = n / _POW10[-e]
    else:
        n = int(ip)
        e = 0
        # a whole number's trailing zeros are not significant in a claim (they are in a reference cell)
        he = -1 if reference or n == 0 else len(ip) - len(ip.rstrip("0")) - 1
        number = float(n)
    se = _COMMON_SCALE_EXP[scale_word]
    h = (5, he + se)
    iv = _hedged((n, e + se), h, hedge, hedges, 0 if hedge else start)
    return Quantity(text, number, iv, "percent" if pct else "", _SCALE_FLOAT[se], _SCALE_OF_EXP[se], hedge,
                    HEDGE_CLASSES[hedge], _to_float(h, start), None)


# ======================================================================================== the parser
class _Operand:
    """One number of a value: written as n * 10**e, half unit hn * 10**he, both in the written scale."""

    __slots__ = ("start", "n", "e", "h", "number", "scale_exp", "unit", "unit_pos", "plus", "end")

    def __init__(self, start: int) -> None:
        self.start = start
        self.n = 0
        self.e = 0
        self.h: tuple[int, int] = (5, -1)
        self.number = 0.0
        self.scale_exp: int | None = None
        self.unit: str | None = None
        self.unit_pos = start
        self.plus = -1  # offset of a postfix '+', or -1
        self.end = start


class _Parser:
    __slots__ = ("s", "reference", "decimal", "hedges", "hedge_pos")

    def __init__(self, text: str, reference: bool, decimal: str, hedges: Mapping[str, Any] | None):
        self.hedge_pos = 0
        self.s = text
        self.reference = reference
        self.decimal = decimal
        self.hedges = hedges

    # -------------------------------------------------------------------------------------- helpers
    def ws(self, pos: int) -> int:
        return _WS_RE.match(self.s, pos).end()  # type: ignore[union-attr]

    def token(self, pos: int) -> str:
        m = _NUM_RE.match(self.s, pos) or _TOKEN_RE.match(self.s, pos)
        return m.group() if m else ""

    def unexpected(self, pos: int) -> SyntaxProblem:
        tok = self.token(pos)
        low = tok.lower()
        if low in ("and", "to") or tok in ("-", "–", "—"):
            return SyntaxProblem(f"unexpected '{tok}' (a range reads '5-6' or 'between 5 and 6')", pos)
        if low in _HEDGE_PHRASES or _HEDGE_RE.match(self.s, pos):
            return SyntaxProblem(f"unexpected '{tok}': a hedge goes before the number", pos)
        return SyntaxProblem(f"unexpected '{tok}'", pos)

    # ----------------------------------------------------------------------------------- top level
    def parse(self) -> Quantity:
        s = self.s
        n = len(s)
        pos = self.ws(0)
        if pos == n:
            raise SyntaxProblem("empty value", 0)
        hedge = ""
        hedge_pos = pos
        hedge_text = ""
        m = _HEDGE_RE.match(s, pos)
        if m:
            hedge_text = m.group()
            hedge = _HEDGE_PHRASES[" ".join(hedge_text.lower().split())]
            self.hedge_pos = pos
            pos = self.ws(m.end())
        opener = ""
        if not hedge:
            m = _RANGE_OPEN_RE.match(s, pos)
            if m:
                opener = m.group(1).lower()
                pos = m.end()
        m = _VERB_RE.match(s, pos)
        if m and not opener:
            return self.verb(m, hedge, pos)
        if pos == n:
            if hedge:
                raise SyntaxProblem(f"'{hedge_text}' needs a number after it", pos)
            raise SyntaxProblem(f"'{opener}' needs two numbers: '{opener} 5 and 6'", pos)
        op1 = self.operand(pos, no_and=bool(opener))
        pos = self.ws(op1.end)
        op2 = None
        sep_re = _BETWEEN_SEP_RE if opener == "between" else _RANGE_SEP_RE
        m = sep_re.match(s, pos)
        if m and m.end() > pos and _opstart(s, m.end()):
            if hedge:
                raise SyntaxProblem(
                    f"'{hedge_text}' cannot apply to a range: write the range alone", hedge_pos
                )
            if op1.plus >= 0:
                raise SyntaxProblem("'+' cannot apply to a range", op1.plus)
            op2 = self.operand(self.ws(m.end()), no_and=False)
            pos = self.ws(op2.end)
        elif opener:
            if pos == n:
                raise SyntaxProblem(f"'{opener}' needs a second number: '{opener} 5 and 6'", pos)
            word = "and" if opener == "between" else "to"
            raise SyntaxProblem(f"expected '{word}' and a second number, found '{self.token(pos)}'", pos)
        last = op2 or op1
        m = _POSTFIX_RE.match(s, pos)
        if last.plus >= 0 or m:
            where = last.plus if last.plus >= 0 else pos
            if op2 is not None:
                raise SyntaxProblem("a range cannot also be a bound", where)
            if hedge:
                raise SyntaxProblem(f"two hedges: '{hedge_text}' and '{self.token(where)}'", where)
            if m:
                hedge = _POSTFIX_HEDGES[" ".join(m.group().lower().split())]
                pos = self.ws(m.end())
                if op1.plus >= 0:
                    raise SyntaxProblem("two hedges: '+' and " f"'{m.group()}'", op1.plus)
            else:
                hedge = "at_least"
        if pos < n and s[pos] == ".":
            pos = self.ws(pos + 1)
        if pos < n:
            raise self.unexpected(pos)
        text = s.strip()
        if op2 is None:
            return self.single(text, op1, hedge)
        return self.range(text, op1, op2)

    # ------------------------------------------------------------------------------- build results
    def single(self, text: str, op: _Operand, hedge: str) -> Quantity:
        se = op.scale_exp or 0
        unit = op.unit or ""
        x = (op.n, op.e + se)
        h = (op.h[0], op.h[1] + se)
        iv = _hedged(x, h, hedge, self.hedges, self.hedge_pos if hedge else op.start)
        return Quantity(
            text, op.number, iv, unit, float(10**se), _SCALE_OF_EXP[se], hedge, HEDGE_CLASSES[hedge],
            _to_float(h, op.start), None,
        )

    def range(self, text: str, a: _Operand, b: _Operand) -> Quantity:
        sa, sb = a.scale_exp, b.scale_exp
        if sa is None:
            sa = sb
        if sb is None:
            sb = sa
        sa = sa or 0
        sb = sb or 0
        if a.unit and b.unit and a.unit != b.unit:
            raise SyntaxProblem(f"a range has one unit, not '{a.unit}' and '{b.unit}'", b.unit_pos)
        unit = a.unit or b.unit or ""
        xa, ha = (a.n, a.e + sa), (a.h[0], a.h[1] + sa)
        xb, hb = (b.n, b.e + sb), (b.h[0], b.h[1] + sb)
        if _lt(xb, xa):
            raise SyntaxProblem(
                f"the range runs backwards: {format_number(_to_float(xa), '', '')} to "
                f"{format_number(_to_float(xb), '', '')}",
                b.start,
            )
        low = _to_float(_sub(xa, ha), a.start)
        high_d = _add(xb, hb)
        high = _to_float(high_d, b.start)
        xbf = _to_float(xb, b.start)
        h = ha if _lt(hb, ha) else hb
        number = a.number
        if sa != sb:  # the first number, re-expressed in the scale of the second
            number = _to_float((a.n, a.e + sa - sb), a.start)
        return Quantity(
            text, number, Interval(low, high, True, high <= xbf), unit, float(10**sb), _SCALE_OF_EXP[sb],
            "range", "range", _to_float(h, a.start), b.number,
        )

    def verb(self, m: re.Match[str], hedge: str, pos: int) -> Quantity:
        canon, n, e = _VERBS[m.group(1).lower()]
        end = self.ws(m.end())
        if end < len(self.s) and self.s[end] == ".":
            end = self.ws(end + 1)
        if end < len(self.s):
            raise self.unexpected(end)
        x = (n, e)
        h = (5, e - 1)
        use = hedge or "about"
        iv = _hedged(x, h, use, self.hedges, pos)
        final = hedge or canon
        return Quantity(
            self.s.strip(), _to_float(x), iv, "x", 1.0, "", final, HEDGE_CLASSES[final], _to_float(h), None
        )

    # ------------------------------------------------------------------------------------ operands
    def sign(self, pos: int) -> tuple[int, bool, bool]:
        m = _SIGNED_RE.match(self.s, pos)
        if not m:
            return pos, False, False
        return self.ws(m.end()), m.group() != "+", True

    def currency_prefix(self, pos: int) -> tuple[int, str | None]:
        s = self.s
        m = _SIGN_RE.match(s, pos)
        if m:
            return self.ws(m.end()), _sign_code(m.group())
        m = _WORD_RE.match(s, pos)
        if m:
            w = m.group()
            code = _code_of_word(w)
            if code is not None:
                after = self.ws(m.end())
                if after < len(s) and (s[after] in "0123456789.+-−" or _opstart(s, after)):
                    return after, code
            else:  # "USD5bn" is one word to _WORD_RE
                mm = re.match(r"([A-Za-z]{3})(?=[0-9])", w)
                if mm and _code_of_word(mm.group(1)):
                    return pos + 3, _code_of_word(mm.group(1))
        return pos, None

    def operand(self, pos: int, no_and: bool) -> _Operand:
        s = self.s
        op = _Operand(pos)
        pos, neg, signed = self.sign(pos)
        pos, cur = self.currency_prefix(pos)
        cur_pos = op.start
        if cur and not signed:
            pos, neg, signed = self.sign(pos)
        m = _NUM_RE.match(s, pos)
        if m:
            self.digits(m.group(), pos, op)
            pos = m.end()
            scale_pos = self.ws(pos)
            sm = _SCALE_RE.match(s, scale_pos)
            if sm:
                op.scale_exp = SCALE_WORDS[_SCALE_ALIASES[sm.group(1).lower()]]
                pos = sm.end()
            else:
                wm = _WORD_RE.match(s, scale_pos)
                if wm and wm.group().lower() in ("hundred", "hundreds", "dozen"):
                    raise SyntaxProblem(
                        f"'{wm.group()}' after digits: write the number in digits", scale_pos
                    )
        else:
            if not self.words(pos, op, no_and):
                self.not_a_number(pos)
            pos = op.end
            if op.scale_exp is None:
                sm = _SCALE_RE.match(s, self.ws(pos))
                if sm:
                    op.scale_exp = SCALE_WORDS[_SCALE_ALIASES[sm.group(1).lower()]]
                    pos = sm.end()
        if neg:
            op.n = -op.n
            op.number = -op.number
        if pos < len(s) and s[pos] == "+" and not (pos + 1 < len(s) and s[pos + 1] in "0123456789"):
            op.plus = pos
            pos += 1
        unit, unit_pos, pos = self.unit(pos, cur, cur_pos)
        op.unit = unit
        op.unit_pos = unit_pos
        op.end = pos
        return op

    def not_a_number(self, pos: int) -> None:
        s = self.s
        if pos >= len(s):
            raise SyntaxProblem("expected a number", pos)
        if s[pos] == "∞":
            raise SyntaxProblem("not a finite number", pos)
        m = _WORD_RE.match(s, pos)
        if not m:
            raise SyntaxProblem(f"expected a number, found '{self.token(pos)}'", pos)
        w = m.group()
        if w.lower() in _NOT_FINITE:
            raise SyntaxProblem("not a finite number", pos)
        guess = _did_you_mean(w.lower(), _GUESS_WORDS)
        if guess == w.lower():
            if guess in SCALE_WORDS or guess in ("hundred", "dozen"):
                raise SyntaxProblem(f"'{w}' needs a number before it", pos)
            raise SyntaxProblem(f"expected a number, found '{w}'", pos)
        if guess:
            raise SyntaxProblem(f"'{w}' is not a number (did you mean '{guess}'?)", pos)
        raise SyntaxProblem(f"'{w}' is not a number", pos)

    def digits(self, run: str, pos: int, op: _Operand) -> None:
        """Read a run of digits and separators (``3,000.50``, ``3 000``, ``1.2e6``) into ``op``."""
        dec = self.decimal
        mant, exp_str = run, ""
        for i, c in enumerate(run):
            if c in "eE":
                mant, exp_str = run[:i], run[i + 1:]
                break
        thousands = "," if dec == "." else "."
        where = [i for i, c in enumerate(mant) if c == dec]
        if len(where) > 1:
            if dec == ".":
                raise SyntaxProblem(
                    "a number has one decimal point (is '.' a thousands separator? set decimal: \",\" "
                    "on the reference)",
                    pos + where[1],
                )
            raise SyntaxProblem("a number has one decimal comma", pos + where[1])
        if where:
            ip, fp = mant[: where[0]], mant[where[0] + 1:]
            for i, c in enumerate(fp):
                if not c.isdigit():
                    raise SyntaxProblem(f"unexpected '{c}' after the decimal {'point' if dec == '.' else 'comma'}",
                                        pos + where[0] + 1 + i)
        else:
            ip, fp = mant, ""
        # thousands separators in the integer part
        digits_ip = ip
        seps = [(i, c) for i, c in enumerate(ip) if not c.isdigit()]
        if seps:
            first_sep, first_c = seps[0]
            kind0 = "space" if first_c in _SPACES else first_c
            bad = -1 if 1 <= first_sep <= 3 else first_sep
            if bad < 0:
                prev = first_sep
                for i, c in seps[1:] + [(len(ip), "")]:
                    if i - prev - 1 != 3:
                        bad = prev
                        break
                    if c and ("space" if c in _SPACES else c) != kind0:
                        bad = i
                        break
                    prev = i
            if bad >= 0:
                c = ip[bad]
                if c == "," and dec == ".":
                    raise SyntaxProblem(
                        'decimal comma? set decimal: "," on the reference (a comma separates thousands '
                        "only before groups of three digits)",
                        pos + bad,
                    )
                if c == "." and dec == ",":
                    raise SyntaxProblem(
                        "decimal point? this value is read with decimal: \",\" (a point separates "
                        "thousands only before groups of three digits)",
                        pos + bad,
                    )
                if c in _SPACES:
                    raise SyntaxProblem(
                        f"'{run}' is not one number (a space separates thousands only before groups of "
                        "three digits)",
                        pos + bad,
                    )
                raise SyntaxProblem(f"misplaced thousands separator '{c}'", pos + bad)
            if kind0 not in (thousands, "space"):  # pragma: no cover - the decimal mark is split off above
                raise SyntaxProblem(f"unexpected '{first_c}' in a number", pos + first_sep)
            digits_ip = "".join(c for c in ip if c.isdigit())
        lead = digits_ip.lstrip("0")
        if len(lead) > _MAX_DIGITS:
            raise SyntaxProblem("number too large", pos)
        if len(fp) > _MAX_DIGITS:
            raise SyntaxProblem("too many digits after the decimal point", pos)
        exp = 0
        if exp_str:
            body = exp_str.lstrip("+-").lstrip("0")
            if len(body) > 4:
                raise SyntaxProblem("number too small" if exp_str[0] == "-" else "number too large", pos)
            exp = int(exp_str)
        n = int(digits_ip + fp) if (digits_ip or fp) else 0
        e = exp - len(fp)
        if n:
            mag = len(str(n)) + e
            if mag > 308:
                raise SyntaxProblem("number too large", pos)
            if mag < -300:
                raise SyntaxProblem("number too small", pos)
        elif abs(e) > _MAX_EXP:
            raise SyntaxProblem("number too large" if e > 0 else "number too small", pos)
        if self.reference or fp or n == 0:
            h = (5, e - 1)
        else:
            t = len(digits_ip) - len(digits_ip.rstrip("0"))
            h = (5, e + t - 1)
        op.n, op.e, op.h = n, e, h
        op.number = _to_float((n, e), pos)

    def words(self, pos: int, op: _Operand, no_and: bool) -> bool:
        """Number words: ``five``, ``twenty-five``, ``three hundred``, ``one and a half million`` ..."""
        s = self.s
        m = _HALF_A_RE.match(s, pos)
        if m:
            se = SCALE_WORDS[m.group(1).lower()]
            op.n, op.e, op.h, op.number = 5, -1, (25, -2), 0.5
            op.scale_exp = se
            op.end = m.end()
            return True
        total = 0  # in halves, in base units
        group = 0
        last = ""
        prev_mult = 99
        half = False
        half_exp = -1  # the exponent of the multiplier that a half belongs to
        scale_exp: int | None = None
        end = pos
        p = pos
        while True:
            wm = _WORD_RE.match(s, p)
            if not wm:
                break
            tok = wm.group().lower()
            if tok == "and":
                mh = _AND_HALF_RE.match(s, p)
                if mh and last in ("ones", "teens", "tens", "hundred", "a") and not half:
                    half, half_exp, last = True, 0, "half"
                    end = mh.end()
                    scale_exp = None
                    p = self.ws(end)
                    continue
                if last == "hundred" and not no_and:
                    nxt = _WORD_RE.match(s, self.ws(wm.end()))
                    if nxt and all(x in _ONES or x in _TENS for x in nxt.group().lower().split("-")):
                        last = "hundred_and"
                        p = self.ws(wm.end())
                        continue
                break
            state = (group, last, total, prev_mult, half, half_exp, scale_exp)
            ok = True
            for part in tok.split("-"):
                if part in _ONES:
                    v = _ONES[part]
                    if last in ("", "hundred", "hundred_and", "mult") or (last == "tens" and 1 <= v <= 9):
                        if v == 0 and last != "":
                            ok = False
                            break
                        group += v
                        last = "ones" if v < 10 else "teens"
                        if v == 0:
                            last = "zero"
                    else:
                        ok = False
                        break
                elif part in _TENS:
                    if last in ("", "hundred", "hundred_and", "mult"):
                        group += _TENS[part]
                        last = "tens"
                    else:
                        ok = False
                        break
                elif part == "hundred":
                    if last in ("ones", "a") and group < 10:
                        group *= 100
                        last = "hundred"
                    else:
                        ok = False
                        break
                elif part in SCALE_WORDS:
                    k = SCALE_WORDS[part]
                    if last in ("ones", "teens", "tens", "hundred", "a", "half", "dozen") and k < prev_mult:
                        total += (2 * group + (1 if half and half_exp == 0 else 0)) * 10**k
                        if half and half_exp == 0:
                            half_exp = k
                        group = 0
                        prev_mult = k
                        last = "mult"
                    else:
                        ok = False
                        break
                elif part == "dozen":
                    if last in ("a", "ones", "teens", "tens") and not half:
                        group *= 12
                        last = "dozen"
                    else:
                        ok = False
                        break
                elif part in ("a", "an") and last == "":
                    nxt = _WORD_RE.match(s, self.ws(wm.end()))
                    if nxt and nxt.group().lower().split("-")[0] in ("hundred", "dozen", *SCALE_WORDS):
                        group = 1
                        last = "a"
                    else:
                        ok = False
                        break
                else:
                    ok = False
                    break
            if not ok:
                group, last, total, prev_mult, half, half_exp, scale_exp = state
                break
            end = wm.end()
            scale_exp = prev_mult if last == "mult" else None
            p = self.ws(end)
        if end == pos or last in ("", "a"):
            return False
        if last == "hundred_and":  # "one hundred and" + something that is not a number: stop before 'and'
            last = "hundred"
        total += 2 * group + (1 if half and half_exp == 0 else 0)
        x = (total * 5, -1)  # base units
        if half:
            h = (25, half_exp - 2)
        else:
            whole = total // 2
            t = 0 if whole == 0 else len(str(whole)) - len(str(whole).rstrip("0"))
            h = (5, t - 1)
        se = scale_exp or 0
        op.n, op.e = x[0], x[1] - se
        op.h = (h[0], h[1] - se)
        op.number = _to_float((op.n, op.e), pos)
        op.scale_exp = scale_exp
        op.end = end
        return True

    # --------------------------------------------------------------------------------------- units
    def unit(self, pos: int, cur: str | None, cur_pos: int) -> tuple[str | None, int, int]:
        """The unit after a number: ``%``, ``pp``, ``x``, a currency, words, compounds with ``/``/``per``."""
        s = self.s
        items: list[str] = [cur] if cur else []
        unit_pos = cur_pos if cur else self.ws(pos)
        p = pos
        suffix_checked = False
        while True:
            q = self.ws(p)
            if items:
                m = _PER_RE.match(s, q)
                if m and not _PCT_RE.match(s, q):
                    r = self.ws(m.end())
                    item, r2 = self.unit_item(r, False)
                    if item is None:
                        if m.group().strip() == "/":
                            raise SyntaxProblem("expected a unit after '/'", r)
                        break
                    items.append(item)
                    p = r2
                    continue
                if cur and not suffix_checked:
                    suffix_checked = True
                    item, q2 = self.unit_item(q, q == p)
                    if item is None:
                        break
                    if item == cur:
                        p = q2
                        continue
                    raise SyntaxProblem(f"two units: '{cur}' before the number and '{item}' after it", q)
                break
            item, q2 = self.unit_item(q, q == p)
            if item is None:
                break
            unit_pos = q
            items.append(item)
            p = q2
            suffix_checked = True
        if not items:
            return None, unit_pos, pos
        return "/".join(items), unit_pos, p

    def unit_item(self, q: int, attached: bool) -> tuple[str | None, int]:
        s = self.s
        if q >= len(s):
            return None, q
        m = _PP_RE.match(s, q)
        if m:
            return "pp", m.end()
        m = _PCT_RE.match(s, q)
        if m:
            return "percent", m.end()
        m = _X_RE.match(s, q)
        if m and (attached or not m.group().startswith("-")):
            return "x", m.end()
        m = _SIGN_RE.match(s, q)
        if m:
            return _sign_code(m.group()), m.end()
        m = _CURRENCY_PHRASE_RE.match(s, q)
        if m:
            return _currency_of_phrase(m.group()), m.end()
        start = q
        if attached and s[q] == "-" and q + 1 < len(s):
            start = q + 1
        words: list[str] = []
        end = q
        r = start
        while True:
            wm = _WORD_RE.match(s, r)
            if not wm:
                break
            w = wm.group()
            lw = w.lower()
            if lw == "per" or lw == "plus" or not words and lw in _NOT_UNIT_START:
                break
            if lw in ("to", "and", "through", "until", "till") and _opstart(s, wm.end()):
                break
            if lw in ("or", "and") and _POSTFIX_RE.match(s, r):
                break
            if not words:
                code = _code_of_word(w)
                if code is None:
                    code = _CURRENCY_WORDS.get(lw)
                if code is not None:
                    return code, wm.end()
            if lw in _NUMBER_WORDS or lw in _TEXT_SCALES or lw in _NOT_FINITE:
                raise SyntaxProblem(f"unexpected '{w}'", r)
            _check_typo(w, r)
            words.append(w)
            end = wm.end()
            r = self.ws(end)
            # the next word must follow after a space, and a unit word may not run into a symbol
            if r == end:
                break
        if not words:
            return None, q
        return _canon_words(words), end


# ====================================================================================== hedges & co
def _width(hedges: Mapping[str, Any] | None, key: str, offset: int) -> tuple[int, int]:
    """The width of ``about``/``nearly`` as an exact decimal (default 0.10)."""
    if not hedges or key not in hedges:
        return (1, -1)
    w = hedges[key]
    if w.__class__ in _WIDTH_TYPES:
        hit = _WIDTHS.get((w.__class__, w))
        if hit is not None:
            return hit
    d = _width_of(w, key, offset)
    if w.__class__ in _WIDTH_TYPES and len(_WIDTHS) < 256:
        _WIDTHS[(w.__class__, w)] = d
    return d


# Widths already read, by (type, value) as written: the same width is read for every hedged claim.
_WIDTH_TYPES = frozenset({str, float, int})
_WIDTHS: dict[tuple[type, Any], tuple[int, int]] = {}


def _width_of(w: Any, key: str, offset: int) -> tuple[int, int]:
    bad = SyntaxProblem(f"hedge width for '{key}' must be a fraction such as 0.1 or '10%'", offset)
    try:
        if isinstance(w, bool):
            raise bad
        if isinstance(w, str):
            t = w.strip()
            pct = t.endswith("%")
            f = float(t[:-1] if pct else t)
        else:
            pct = False
            f = float(w)
    except (TypeError, ValueError, OverflowError):
        raise bad from None
    if not math.isfinite(f) or f < 0 or (f and not 1e-12 < f < 1e12):
        raise bad
    d = _dec_of_float(f)
    return (d[0], d[1] - 2) if pct else d


def _hedged(x: tuple[int, int], h: tuple[int, int], hedge: str, hedges: Mapping[str, Any] | None,
            offset: int) -> Interval:
    """The interval of a number x with half unit h under a hedge (contract rule 2)."""
    if hedge == "":
        lo = _to_float(_sub(x, h), offset)
        xf = _to_float(x, offset)
        hi = _to_float(_add(x, h), offset)
        return Interval(lo, hi, True, hi <= xf)
    if hedge == "more_than":
        return Interval(_to_float(x, offset), INF, False, False)
    if hedge == "at_least":
        return Interval(_to_float(x, offset), INF, True, False)
    if hedge == "less_than":
        return Interval(-INF, _to_float(x, offset), False, False)
    if hedge == "at_most":
        return Interval(-INF, _to_float(x, offset), False, True)
    key = "nearly" if hedge == "nearly" else "about"
    w = _width(hedges, key, offset)
    wx = _mul(w, _abs(x))
    lo_d = _sub(x, h)
    lo_w = _sub(x, wx)
    if _lt(lo_w, lo_d):
        lo_d = lo_w
    hi_d = _add(x, h)
    if key == "about":
        hi_w = _add(x, wx)
        if _lt(hi_d, hi_w):
            hi_d = hi_w
    lo = _to_float(lo_d, offset)
    hi = _to_float(hi_d, offset)
    return Interval(lo, hi, True, hi <= _to_float(x, offset))


# ================================================================================== units: canonical
def _sign_code(sign: str) -> str:
    code = _SIGNS.get(sign)
    if code is None:
        code = _SIGNS.get(sign.upper(), "USD")
    return code


def _code_of_word(w: str) -> str | None:
    if len(w) != 3:
        return None
    if w in _ISO_CODES or w == "RMB":
        return _CODE_ALIASES.get(w, w)
    low = w.lower()
    if low in _COMMON_CODES or low in ("rur", "rmb"):
        up = w.upper()
        return _CODE_ALIASES.get(up, up)
    return None


def _currency_of_phrase(p: str) -> str:
    low = p.lower()
    for key, code in (("dollar", "USD"), ("sterling", "GBP"), ("rub", "RUB"), ("roub", "RUB"),
                      ("franc", "CHF"), ("yuan", "CNY"), ("yen", "JPY"), ("rupee", "INR")):
        if key in low:
            return code
    return "UZS"  # sums, soums, so'm


def _singular(w: str) -> str:
    if len(w) <= 3 or w in _NO_SINGULAR or not w[-1] == "s":
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes", "zzes")):
        return w[:-2]
    if w.endswith(("ss", "us", "is", "'s", "’s")):
        return w
    return w[:-1]


def _canon_words(words: list[str]) -> str:
    out = []
    for w in words:
        code = _code_of_word(w)
        out.append(code if code is not None else _singular(w.lower()))
    return " ".join(out)


def _check_typo(w: str, offset: int) -> None:
    """A unit word that is a misspelt scale ('bilion') or 'percent' is an error, not a unit."""
    low = w.lower()
    if len(low) < 5 or low[:2] not in ("th", "mi", "bi", "tr", "pe", "do", "eu", "ru", "ro"):
        return
    if low in _SCALE_TYPO_CANDIDATES or low in _CURRENCY_WORDS or _singular(low) in _SCALE_TYPO_CANDIDATES:
        return
    guess = _did_you_mean(low, _SCALE_TYPO_CANDIDATES, cutoff=0.85)
    if guess and guess != low:
        raise SyntaxProblem(f"'{w}' is not a unit I know (did you mean '{guess}'?)", offset)


def _did_you_mean(word: str, candidates: Any, cutoff: float = 0.75) -> str | None:
    import difflib  # only on the error path

    got = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return got[0] if got else None


_GUESS_WORDS = tuple(
    list(_ONES) + list(_TENS) + ["hundred", "dozen", "half", "between", "from"] + list(SCALE_WORDS)
    + list(_VERBS) + [p for p in _HEDGE_PHRASES if " " not in p and p.isalpha()]
    + ["more", "less", "least", "most", "fewer", "close", "just", "excess", "upwards"]
)


@lru_cache(maxsize=4096)
def normalise_unit(word: str) -> str:
    """The canonical unit of a unit word as written.

    ``%``/``percent``/``per cent`` -> ``percent``; ``pp``/``percentage points`` -> ``pp``; ``x``/``times``
    -> ``x``; currency signs, codes (any case) and words -> the ISO code (``$`` and ``US dollars`` ->
    ``USD``); compounds keep their parts (``usd per barrels`` -> ``USD/barrel``); any other words are
    lower-cased and singularised (``Branches`` -> ``branch``). Never raises.
    """
    if not isinstance(word, str):
        return ""
    w = " ".join(word.split())
    if not w:
        return ""
    try:
        p = _Parser(w, False, ".", None)
        unit, _, end = p.unit(0, None, 0)
        if unit is not None and end == len(w):
            return unit
    except SyntaxProblem:
        pass
    if "/" in w:
        return "/".join(normalise_unit(part) or part for part in w.split("/"))
    return _canon_words(w.split(" "))


@lru_cache(maxsize=4096)
def units_compatible(a: str, b: str) -> bool:
    """Whether a claim in unit ``a`` can be compared with a reference in unit ``b`` (contract, "Units").
    Remembered: the judge asks it of the same few pairs for every claim."""
    na = normalise_unit(a or "")
    nb = normalise_unit(b or "")
    if not na or not nb:
        return True
    if na == "pp" or nb == "pp":
        return na == nb
    return na.lower() == nb.lower()


# ============================================================================================ display
_HEDGE_DISPLAY = {
    "more_than": "more than", "at_least": "at least", "less_than": "less than", "at_most": "at most",
    "about": "about", "nearly": "nearly",
}


def _scale_factor(scale_word: str) -> tuple[float, str]:
    if not scale_word:
        return 1.0, ""
    canon = _SCALE_ALIASES.get(scale_word.strip().lower())
    if canon is None:
        if scale_word.strip().lower() == "hundred":
            return 100.0, "hundred"
        return 1.0, ""
    return float(10 ** SCALE_WORDS[canon]), canon


def _plural(unit: str) -> str:
    if not unit.isalpha() or not unit.islower() or len(unit) <= 2 or unit in ("x", "pp", "percent"):
        return unit
    if unit.endswith(("s", "x", "ch", "sh", "z")):
        return unit + "es" if not unit.endswith("s") else unit
    if unit.endswith("y") and len(unit) > 2 and unit[-2] not in "aeiou":
        return unit[:-1] + "ies"
    return unit + "s"


def format_number(x: float, unit: str = "", scale_word: str = "", *, digits: int | None = None) -> str:
    """A number for people: ``5.6e9, "USD", "billion"`` -> ``5.6 billion USD``; ``17.9, "percent"`` ->
    ``17.9%``; ``2335`` -> ``2,335``. ``x`` is in base units; ``scale_word`` chooses the scale it is shown
    in. ``digits`` limits the significant digits (default: up to 12, trailing zeros dropped)."""
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(xf):
        return "NaN"
    if math.isinf(xf):
        return "∞" if xf > 0 else "−∞"
    k, word = _scale_factor(scale_word)
    v = xf / k
    sig = 12 if digits is None else max(1, int(digits))
    if v == 0:
        v = 0.0
    r = float(f"{v:.{sig}g}")
    if r == 0:
        r = 0.0
    if r.is_integer() and abs(r) < 1e18:
        body = f"{int(r):,}"
    else:
        s = repr(r)
        if "e" in s or "E" in s:
            body = s
        else:
            ip, _, fp = s.partition(".")
            neg = ip.startswith("-")
            ipn = int(ip.lstrip("-") or "0")
            body = ("-" if neg else "") + f"{ipn:,}" + ("." + fp if fp and fp != "0" else "")
    text = f"{body} {word}" if word else body
    u = unit or ""
    if not u:
        return text
    if u == "percent":
        return text + "%"
    if u == "x" and not word:
        return text + "x"
    if u.isalpha() and u.islower() and abs(r) != 1:
        return f"{text} {_plural(u)}"
    return f"{text} {u}"


# ========================================================================================= structured
_STRUCT_KEYS = ("number", "unit", "hedge", "precision", "scale", "high")


def _struct_number(value: Any, key: str, reference: bool = False) -> _Operand:
    if isinstance(value, bool) or value is None:
        raise SyntaxProblem(f"'{key}' must be a number", 0)
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise SyntaxProblem(f"'{key}': not a finite number", 0)
        text = repr(value)
    elif isinstance(value, str):
        text = value.strip()
        if text.lower().lstrip("+-") in _NOT_FINITE:
            raise SyntaxProblem(f"'{key}': not a finite number", 0)
    else:
        try:
            f = float(value)  # Decimal, numpy scalars ...
        except (TypeError, ValueError, OverflowError):
            raise SyntaxProblem(f"'{key}' must be a number, not {type(value).__name__}", 0) from None
        if not math.isfinite(f):
            raise SyntaxProblem(f"'{key}': not a finite number", 0)
        text = str(value)
    p = _Parser(text, reference, ".", None)
    op = _Operand(0)
    pos, neg, _ = p.sign(p.ws(0))
    m = _NUM_RE.match(text, pos)
    if not m or p.ws(m.end()) != len(text):
        raise SyntaxProblem(f"'{key}' must be a number, not {value!r}", 0)
    try:
        p.digits(m.group(), pos, op)
    except SyntaxProblem as e:
        raise SyntaxProblem(f"'{key}': {e.message}", 0) from None
    if neg:
        op.n, op.number = -op.n, -op.number
    return op


def parse_structured(data: Mapping[str, Any], *, hedges: Mapping[str, Any] | None = None) -> Quantity:
    """A structured value, ``{number: 18, unit: percent, hedge: about}``, equal to its text form.

    Keys: ``number`` (required), ``unit``, ``hedge``, ``precision`` (the unit of the last significant
    digit, in the written scale: ``precision: 1`` is h = 0.5; ``0`` means an exact point), ``scale``
    (a word such as ``billion`` or a power of ten) and ``high`` (the second number of a range). Raises
    :class:`SyntaxProblem` (offset 0) naming the bad key.
    """
    if not isinstance(data, Mapping):
        raise SyntaxProblem("a structured value must be a mapping with 'number'", 0)
    for key in data:
        if key not in _STRUCT_KEYS:
            hint = _did_you_mean(str(key), _STRUCT_KEYS, cutoff=0.6)
            extra = f" (did you mean '{hint}'?)" if hint else ""
            raise SyntaxProblem(
                f"unknown key '{key}' in a structured value{extra}; expected {', '.join(_STRUCT_KEYS)}", 0
            )
    if "number" not in data:
        raise SyntaxProblem("a structured value needs 'number'", 0)
    op = _struct_number(data["number"], "number")
    # scale
    se = 0
    sc = data.get("scale")
    if sc is not None and sc != "":
        if isinstance(sc, str):
            canon = _SCALE_ALIASES.get(sc.strip().lower())
            if canon is None and sc.strip().lower() in ("one", "1", "units", "unit"):
                canon = ""
            if canon is None:
                try:
                    f = float(sc.replace(",", "").replace(" ", ""))
                except ValueError:
                    guess = _did_you_mean(sc.strip().lower(), list(SCALE_WORDS), cutoff=0.6)
                    extra = f" (did you mean '{guess}'?)" if guess else ""
                    raise SyntaxProblem(f"'scale': unknown scale {sc!r}{extra}", 0) from None
                se = _scale_exp_of(f)
            else:
                se = SCALE_WORDS[canon] if canon else 0
        elif isinstance(sc, (int, float)) and not isinstance(sc, bool):
            se = _scale_exp_of(float(sc))
        else:
            raise SyntaxProblem("'scale' must be a word such as 'billion' or a power of ten", 0)
    # unit
    u = data.get("unit")
    if u is None:
        unit = ""
    elif isinstance(u, str):
        unit = normalise_unit(u)
    else:
        raise SyntaxProblem(f"'unit' must be text, not {type(u).__name__}", 0)
    # hedge
    hd = data.get("hedge")
    hedge = ""
    if hd is not None and hd != "":
        if not isinstance(hd, str):
            raise SyntaxProblem("'hedge' must be text such as 'about' or 'more than'", 0)
        key = " ".join(hd.strip().lower().replace("_", " ").split())
        if key.replace(" ", "_") in HEDGE_CLASSES:
            hedge = key.replace(" ", "_")
        elif key in _HEDGE_PHRASES:
            hedge = _HEDGE_PHRASES[key]
        elif key in _VERBS:
            hedge = _VERBS[key][0]
        else:
            guess = _did_you_mean(key, list(_HEDGE_PHRASES) + [k for k in HEDGE_CLASSES if k], cutoff=0.6)
            extra = f" (did you mean '{guess}'?)" if guess else ""
            raise SyntaxProblem(f"'hedge': unknown hedge {hd!r}{extra}", 0)
    # precision
    if "precision" in data and data["precision"] is not None:
        pr = data["precision"]
        if isinstance(pr, bool) or not isinstance(pr, (int, float, str)):
            raise SyntaxProblem("'precision' must be a positive number (the unit of the last digit)", 0)
        try:
            pf = float(pr)
        except ValueError:
            raise SyntaxProblem("'precision' must be a positive number (the unit of the last digit)", 0) from None
        if not math.isfinite(pf) or pf < 0 or (pf != 0 and abs(math.log10(pf)) > 300):
            raise SyntaxProblem("'precision' must be a positive number (the unit of the last digit)", 0)
        d = _dec_of_float(pf)
        op.h = (d[0] * 5, d[1] - 1)
    high = None
    if "high" in data and data["high"] is not None:
        high = _struct_number(data["high"], "high")
        if "precision" in data and data["precision"] is not None:
            high.h = op.h
    # build
    x = (op.n, op.e + se)
    h = (op.h[0], op.h[1] + se)
    sw = _SCALE_OF_EXP.get(se, "")
    scale = float(10**se)
    if high is not None or hedge == "range":
        if high is None:
            raise SyntaxProblem("'hedge: range' needs 'high', the second number", 0)
        if hedge not in ("", "range"):
            raise SyntaxProblem("'hedge' cannot apply to a range (a value with 'high')", 0)
        xb = (high.n, high.e + se)
        hb = (high.h[0], high.h[1] + se)
        if _lt(xb, x):
            raise SyntaxProblem("'high' is below 'number': the range runs backwards", 0)
        lo = _to_float(_sub(x, h))
        hi = _to_float(_add(xb, hb))
        iv = Interval(lo, hi, True, hi <= _to_float(xb))
        text = f"{_num_text(op)}-{_num_text(high)}" + _suffix(sw, unit)
        hh = h if _lt(hb, h) else hb
        return Quantity(text, op.number, iv, unit, scale, sw, "range", "range", _to_float(hh), high.number)
    if op.h[0] == 0:
        xf = _to_float(x)
        iv = _hedged(x, h, hedge, hedges, 0) if hedge else Interval(xf, xf, True, True)
    else:
        iv = _hedged(x, h, hedge, hedges, 0)
    if hedge in ("doubled", "tripled", "quadrupled", "halved"):
        unit = unit or "x"
    text = _num_text(op) + _suffix(sw, unit)
    if hedge in _HEDGE_DISPLAY:
        text = f"{_HEDGE_DISPLAY[hedge]} {text}"
    elif hedge:
        text = f"{hedge} ({text})"
    return Quantity(text, op.number, iv, unit, scale, sw, hedge, HEDGE_CLASSES[hedge], _to_float(h), None)


def _scale_exp_of(f: float) -> int:
    for e in (0, 3, 6, 9, 12):
        if f == 10.0**e:
            return e
    raise SyntaxProblem("'scale' must be 1, thousand, million, billion or trillion", 0)


def _num_text(op: _Operand) -> str:
    n, e = op.n, op.e
    if e >= 0:
        return str(n * 10**e)
    s = str(abs(n)).rjust(-e + 1, "0")
    return ("-" if n < 0 else "") + s[:e] + "." + s[e:]


def _suffix(scale_word: str, unit: str) -> str:
    out = f" {scale_word}" if scale_word else ""
    if unit == "percent":
        return out + "%"
    if unit:
        return f"{out} {unit}"
    return out


# ========================================================================================== tolerance
def apply_tolerance(q: Quantity, tolerance: str | float) -> Quantity:
    """Widen a claim's interval at both ends (contract rule 4).

    ``"2%"`` is relative to the number written (each end of a range by its own number); a bare number
    (``0.1`` or ``"0.1"``) is in the claim's written scale and unit; a quantity of its own
    (``"0.1 billion"``, ``"$5 million"``, ``"0.5 pp"`` on a percentage) is absolute. Raises
    :class:`SyntaxProblem` (offset into the tolerance text) for anything else.
    """
    if isinstance(tolerance, bool) or tolerance is None:
        raise SyntaxProblem("tolerance must be a number or a percentage such as '2%'", 0)
    scale_d = _dec_of_float(q.scale)
    low_t: tuple[int, int]
    high_t: tuple[int, int]
    if isinstance(tolerance, (int, float)):
        if not math.isfinite(tolerance):
            raise SyntaxProblem("tolerance: not a finite number", 0)
        t = _dec_of_float(float(tolerance)) if isinstance(tolerance, float) else (int(tolerance), 0)
        low_t = high_t = _mul(t, scale_d)
    elif isinstance(tolerance, str):
        text = tolerance
        if _PLAIN_NUMBER_RE.fullmatch(text):
            op = _struct_number(text, "tolerance")
            low_t = high_t = _mul((op.n, op.e), scale_d)
        else:
            tq = parse_value(text)
            start = len(text) - len(text.lstrip())
            if tq.hedge:
                raise SyntaxProblem("a tolerance is a plain amount, without a hedge or a range", start)
            t_written = _dec_of_float(tq.number)
            if tq.unit == "percent" and tq.scale == 1.0:
                rel = (t_written[0], t_written[1] - 2)
                low_t = _mul(rel, _abs(_mul(_dec_of_float(q.number), scale_d)))
                hn = q.high_number if q.high_number is not None else q.number
                high_t = _mul(rel, _abs(_mul(_dec_of_float(hn), scale_d)))
            elif tq.unit == "pp":
                if q.unit not in ("percent", "pp"):
                    raise SyntaxProblem(f"a tolerance in pp needs a percentage claim, not '{q.unit}'", start)
                low_t = high_t = _mul(t_written, _dec_of_float(tq.scale))
            else:
                if tq.unit and q.unit and not units_compatible(tq.unit, q.unit):
                    raise SyntaxProblem(f"the tolerance is in '{tq.unit}', the claim in '{q.unit}'", start)
                low_t = high_t = _mul(t_written, _dec_of_float(tq.scale))
    else:
        raise SyntaxProblem(f"tolerance must be a number or text, not {type(tolerance).__name__}", 0)
    if low_t[0] < 0 or high_t[0] < 0:
        raise SyntaxProblem("a tolerance cannot be negative", 0)
    iv = q.interval
    lo, hi = iv.low, iv.high
    if math.isfinite(lo):
        lo = _to_float(_sub(_dec_of_float(lo), low_t))
    if math.isfinite(hi):
        hi = _to_float(_add(_dec_of_float(hi), high_t))
    return replace(q, interval=Interval(lo, hi, iv.low_closed, iv.high_closed))
