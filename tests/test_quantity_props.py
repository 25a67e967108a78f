"""Property tests of the value grammar (factcheck._quantity) with hypothesis.

(a) A number written in any of the accepted forms means an interval that contains the number as written
    (a bound has it as its end); the half unit follows rule 1.
(b) Whatever the text, ``parse_value`` raises nothing but :class:`SyntaxProblem`, with an offset inside
    the text.
"""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck._errors import SyntaxProblem
from factcheck._quantity import (
    _Parser,
    apply_tolerance,
    format_number,
    normalise_unit,
    parse_structured,
    parse_value,
)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SCALES = [
    ("", 0), (" thousand", 3), ("k", 3), (" k", 3), (" million", 6), ("m", 6), (" mn", 6), (" mln", 6),
    (" billion", 9), ("bn", 9), (" bn", 9), ("B", 9), (" bln", 9), (" trillion", 12), (" tn", 12),
]
UNITS = [
    ("", ""), ("%", "percent"), (" percent", "percent"), (" per cent", "percent"), (" pp", "pp"),
    (" percentage points", "pp"), ("x", "x"), (" times", "x"), (" USD", "USD"), (" usd", "USD"),
    (" EUR", "EUR"), (" dollars", "USD"), (" roubles", "RUB"), (" soums", "UZS"), (" branches", "branch"),
    (" enterprises", "enterprise"), (" visits", "visit"), (" USD/barrel", "USD/barrel"),
]
PREFIXES = [("", ""), ("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("USD ", "USD"), ("US$", "USD")]
SIGNS = [("", 1), ("-", -1), ("−", -1), ("+", 1)]
SEPARATORS = ["", ",", " ", "\u00a0", "\u202f"]


def group(digits: str, sep: str) -> str:
    if not sep:
        return digits
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return sep.join(reversed(out))


@st.composite
def written_numbers(draw):
    """(text, reference, exact value as written times scale, expected h, number as written, unit)."""
    whole = draw(st.integers(0, 10**12))
    decimals = draw(st.integers(0, 4))
    frac = draw(st.integers(0, 10**decimals - 1)) if decimals else 0
    sign_text, sign = draw(st.sampled_from(SIGNS))
    sep = draw(st.sampled_from(SEPARATORS))
    scale_text, scale_exp = draw(st.sampled_from(SCALES))
    prefix_text, prefix_unit = draw(st.sampled_from(PREFIXES))
    if prefix_unit:
        unit_text, unit = "", prefix_unit
    else:
        unit_text, unit = draw(st.sampled_from(UNITS))
    reference = draw(st.booleans())
    digits = str(whole)
    number_text = group(digits, sep) + (f".{frac:0{decimals}d}" if decimals else "")
    plain = digits + (f".{frac:0{decimals}d}" if decimals else "")
    if scale_text and unit_text[:1].isalpha():
        unit_text = " " + unit_text  # "5kx" reads as the unit "kx"; "5k x" is 5 thousand times
    text = f"{sign_text}{prefix_text}{number_text}{scale_text}{unit_text}"
    value = Decimal(plain) * sign
    scaled = value.scaleb(scale_exp)
    # rule 1: half a unit of the last significant digit, times the scale
    if decimals or reference or whole == 0:
        h = Decimal(5).scaleb(-decimals - 1 + scale_exp)
    else:
        t = len(digits) - len(digits.rstrip("0"))
        h = Decimal(5).scaleb(t - 1 + scale_exp)
    return text, reference, scaled, h, float(value), unit


@SETTINGS
@given(written_numbers())
def test_a_number_means_an_interval_around_it(case):
    text, reference, scaled, h, number, unit = case
    q = parse_value(text, reference=reference)
    x = float(scaled)
    assert q.interval.contains(x), (text, q.interval, x)
    assert q.interval.low == float(scaled - h)
    assert q.interval.high == float(scaled + h)
    assert q.half_unit == float(h)
    assert q.number == number
    assert q.unit == unit
    assert q.hedge_class == "exact"


HEDGES = [
    ("more than ", "lower", False), ("over ", "lower", False), ("above ", "lower", False),
    ("exceeded ", "lower", False), ("in excess of ", "lower", False), (">", "lower", False),
    ("at least ", "lower", True), ("no less than ", "lower", True), ("≥ ", "lower", True),
    ("less than ", "upper", False), ("under ", "upper", False), ("below ", "upper", False), ("<", "upper", False),
    ("up to ", "upper", True), ("at most ", "upper", True), ("no more than ", "upper", True), ("≤", "upper", True),
    ("about ", "approx", None), ("around ", "approx", None), ("approximately ", "approx", None),
    ("roughly ", "approx", None), ("some ", "approx", None), ("~", "approx", None), ("circa ", "approx", None),
    ("nearly ", "approx", None), ("almost ", "approx", None), ("close to ", "approx", None),
    ("just under ", "approx", None),
]


@SETTINGS
@given(written_numbers(), st.sampled_from(HEDGES), st.sampled_from([None, 0.05, 0.1, 0.25]))
def test_a_hedged_number_contains_it_or_has_it_as_its_bound(case, hedge, width):
    text, reference, scaled, h, number, unit = case
    phrase, kind, closed = hedge
    widths = None if width is None else {"about": width, "nearly": width}
    q = parse_value(phrase + text, reference=reference, hedges=widths)
    x = float(scaled)
    iv = q.interval
    if kind == "lower":
        assert (iv.low, iv.high, iv.low_closed) == (x, math.inf, closed)
        assert iv.contains(x) is closed
        assert q.hedge_class == "bound"
    elif kind == "upper":
        assert (iv.low, iv.high, iv.high_closed) == (-math.inf, x, closed)
        assert iv.contains(x) is closed
        assert q.hedge_class == "bound"
    else:
        assert iv.contains(x)
        # never narrower than the precision interval
        assert iv.low <= float(scaled - h) and iv.high >= float(scaled + h)
        assert q.hedge_class == "approx"
    assert q.number == number


@SETTINGS
@given(st.integers(0, 10**9), st.integers(0, 10**9), st.sampled_from(["-", "–", " to ", " - "]),
       st.sampled_from(SCALES), st.booleans())
def test_a_range_contains_both_ends(a, b, sep, scale, between):
    lo, hi = min(a, b), max(a, b)
    scale_text, exp = scale
    text = f"between {lo} and {hi}{scale_text}" if between else f"{lo}{sep}{hi}{scale_text}"
    q = parse_value(text)
    assert q.hedge_class == "range"
    assert q.interval.contains(float(Decimal(lo).scaleb(exp)))
    assert q.interval.contains(float(Decimal(hi).scaleb(exp)))
    assert q.number == lo and q.high_number == hi


ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n: int) -> str:
    """1 <= n <= 999 in English words."""
    out = []
    if n >= 100:
        out += [ONES[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        out.append(TENS[n // 10] + (f"-{ONES[n % 10]}" if n % 10 else ""))
    elif n or not out:
        out.append(ONES[n])
    return " ".join(out)


@SETTINGS
@given(st.integers(1, 999), st.sampled_from([("", 0), (" thousand", 3), (" million", 6), (" billion", 9)]))
def test_number_words(n, scale):
    scale_text, exp = scale
    q = parse_value(words(n) + scale_text)
    whole = n * 10**exp
    t = len(str(whole)) - len(str(whole).rstrip("0"))
    h = 0.5 if t == 0 else 5 * 10 ** (t - 1)
    assert q.interval.low == whole - h and q.interval.high == whole + h
    assert q.number == n


plain_numbers = st.tuples(
    st.sampled_from(["", "-", "+"]),
    st.integers(0, 10**20).map(str) | st.integers(0, 10**6).map(lambda n: str(n) + "0" * (n % 5)),
    st.none() | st.integers(0, 10**12).map(str),
    st.sampled_from(["", " ", "\t "]),
).map(lambda t: f"{t[3]}{t[0]}{t[1]}{'' if t[2] is None else '.' + t[2]}{t[3]}")


@SETTINGS
@given(plain_numbers, st.booleans())
def test_fast_path_equals_the_full_parser(text, reference):
    assert parse_value(text, reference=reference) == _Parser(text, reference, ".", None).parse()
    comma = text.replace(".", ",")
    assert parse_value(comma, reference=reference, decimal=",") == _Parser(comma, reference, ",", None).parse()


@SETTINGS
@given(st.sampled_from(["", "-", "+"]), st.integers(1000, 10**15), st.none() | st.integers(0, 999).map(str),
       st.booleans())
def test_fast_path_with_thousands_separators_equals_the_full_parser(sign, whole, frac, reference):
    text = f"{sign}{whole:,}" + ("" if frac is None else f".{frac}")
    assert parse_value(text, reference=reference) == _Parser(text, reference, ".", None).parse()
    swapped = text.translate(str.maketrans(",.", ".,"))
    assert parse_value(swapped, reference=reference, decimal=",") == \
        _Parser(swapped, reference, ",", None).parse()


# ------------------------------------------------------------------------------------ (b) robustness
TOKENS = [
    "5", "5.6", "3,000", "3 000", "1,5", "0", "007", ".5", "5.", "1e6", "1e400", "9" * 40, "−", "-", "–", "—",
    "+", "$", "€", "£", "₽", "¥", "US$", "USD", "usd", "EUR", "RUB", "billion", "bn", "b", "B", "m", "k", "mln",
    "thousand", "million", "trillion", "tn", "%", "percent", "per cent", "pp", "p.p.", "percentage points",
    "x", "×", "times", "-fold", "about", "more than", "over", "under", "some", "nearly", "almost", "up to",
    "at least", "~", ">", "<=", "≥", "c.", "approx.", "between", "and", "to", "from", "or more", "doubled",
    "halved", "five", "twenty", "twenty-five", "hundred", "a", "half", "and a half", "dozen", "branches",
    "per", "/", "barrel", "of", ".", ",", "e", "nan", "inf", "∞", "(", ")", "'", "\u00a0", "\u202f", "so'm",
]
token_text = st.lists(st.sampled_from(TOKENS), min_size=0, max_size=7).flatmap(
    lambda toks: st.sampled_from([" ", "", "  "]).map(lambda sep: sep.join(toks))
)
options = st.fixed_dictionaries(
    {"reference": st.booleans(), "decimal": st.sampled_from([".", ","])},
    optional={"hedges": st.sampled_from([{"about": 0.2}, {"nearly": "5%"}, {"about": 0}])},
)


def check_never_raises_anything_else(text, kw):
    try:
        q = parse_value(text, **kw)
    except SyntaxProblem as e:
        assert isinstance(e.message, str) and e.message
        assert 0 <= e.offset <= len(text)
        return
    assert not q.interval.is_empty
    assert q.hedge_class in ("exact", "bound", "approx", "range")
    assert q.interval.low <= q.interval.high
    assert format_number(q.number * q.scale, q.unit, q.scale_word)


@SETTINGS
@given(st.text(), options)
def test_arbitrary_text_raises_only_syntax_problems(text, kw):
    check_never_raises_anything_else(text, kw)


@SETTINGS
@given(token_text, options)
def test_grammar_token_soup_raises_only_syntax_problems(text, kw):
    check_never_raises_anything_else(text, kw)


@SETTINGS
@given(st.text(alphabet="0123456789,. \u00a0eE+-−", max_size=40), options)
def test_digit_soup_raises_only_syntax_problems(text, kw):
    check_never_raises_anything_else(text, kw)


@SETTINGS
@given(st.one_of(st.text(), token_text))
def test_normalise_unit_never_raises_and_is_idempotent(word):
    u = normalise_unit(word)
    assert isinstance(u, str)
    assert normalise_unit(u) == u


@SETTINGS
@given(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["", "USD", "percent", "x", "branch"]),
       st.sampled_from(["", "thousand", "million", "billion", "bn"]))
def test_format_number_never_raises(x, unit, scale_word):
    assert isinstance(format_number(x, unit, scale_word), str)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["number", "unit", "hedge", "precision", "scale", "high", "other"]),
                       st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8))))
def test_structured_raises_only_syntax_problems(data):
    try:
        q = parse_structured(data)
    except SyntaxProblem as e:
        assert e.offset == 0
        return
    assert not q.interval.is_empty


@SETTINGS
@given(st.sampled_from(["5.6 billion USD", "18%", "more than 5", "5-6 billion", "about 100 branches"]),
       st.one_of(st.floats(), st.integers(-10**6, 10**6), token_text, st.text(max_size=10)))
def test_tolerance_raises_only_syntax_problems(value, tolerance):
    q = parse_value(value)
    try:
        t = apply_tolerance(q, tolerance)
    except SyntaxProblem:
        return
    assert t.interval.low <= q.interval.low and t.interval.high >= q.interval.high
