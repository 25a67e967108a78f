"""The value grammar (factcheck._quantity), table-driven against the contract's rules 1-4.

Interval ends are compared with ``==``: they are computed in exact decimal arithmetic and rounded to
float once, so ``5.55e9`` is exactly the float of the literal ``5.55e9``, with no float noise.
"""

from __future__ import annotations

import math
import pickle
from dataclasses import FrozenInstanceError, fields, replace

import pytest

from factcheck._errors import SyntaxProblem
from factcheck._interval import Interval
from factcheck._quantity import (
    Quantity,
    _Parser,
    apply_tolerance,
    format_number,
    normalise_unit,
    parse_structured,
    parse_value,
    units_compatible,
)

INF = math.inf
X, B, A, R = "exact", "bound", "approx", "range"


def row(text, low, high, lc, hc, unit="", cls=X, **kw):
    return pytest.param(text, low, high, lc, hc, unit, cls, kw, id=f"{text!r}{'-' + str(kw) if kw else ''}")


CASES = [
    # --- rule 1: precision, claims (trailing zeros of a whole number are not significant)
    row("18", 17.5, 18.5, True, False),
    row("18%", 17.5, 18.5, True, False, "percent"),
    row("18 %", 17.5, 18.5, True, False, "percent"),
    row("18 percent", 17.5, 18.5, True, False, "percent"),
    row("18 per cent", 17.5, 18.5, True, False, "percent"),
    row("5.6", 5.55, 5.65, True, False),
    row("5.60", 5.595, 5.605, True, False),
    row("3,000", 2500, 3500, True, False),
    row("3 000", 2500, 3500, True, False),
    row("3\u00a0000", 2500, 3500, True, False),
    row("3\u202f000", 2500, 3500, True, False),
    row("1,234,567.89", 1234567.885, 1234567.895, True, False),
    row("$100", 50, 150, True, False, "USD"),
    row("10", 5, 15, True, False),
    row("0", -0.5, 0.5, True, False),
    row("2020", 2015, 2025, True, False),
    row("15 branches", 14.5, 15.5, True, False, "branch"),
    row("−2.5", -2.55, -2.45, True, False),
    row("-2.5", -2.55, -2.45, True, False),
    row("+15.6", 15.55, 15.65, True, False),
    row("1.2e6", 1.15e6, 1.25e6, True, False),
    row("1.2E6", 1.15e6, 1.25e6, True, False),
    row("5e-3", 0.0045, 0.0055, True, False),
    row(".5", 0.45, 0.55, True, False),
    row("5.", 4.5, 5.5, True, False),
    row("  17.9  ", 17.85, 17.95, True, False),
    # --- scales
    row("5.6 billion USD", 5.55e9, 5.65e9, True, False, "USD"),
    row("5.6 billion", 5.55e9, 5.65e9, True, False),
    row("$5.6bn", 5.55e9, 5.65e9, True, False, "USD"),
    row("5.6B", 5.55e9, 5.65e9, True, False),
    row("5.6 bln", 5.55e9, 5.65e9, True, False),
    row("5.6 Bn.", 5.55e9, 5.65e9, True, False),
    row("€5m", 4.5e6, 5.5e6, True, False, "EUR"),
    row("5 m", 4.5e6, 5.5e6, True, False),
    row("5 mn", 4.5e6, 5.5e6, True, False),
    row("5 mln. USD", 4.5e6, 5.5e6, True, False, "USD"),
    row("5k", 4500, 5500, True, False),
    row("5 K", 4500, 5500, True, False),
    row("5 thousand", 4500, 5500, True, False),
    row("30 million", 25e6, 35e6, True, False),
    row("5 tn", 4.5e12, 5.5e12, True, False),
    row("5 trillion", 4.5e12, 5.5e12, True, False),
    # --- number words
    row("five billion", 4.5e9, 5.5e9, True, False),
    row("Five Billion USD", 4.5e9, 5.5e9, True, False, "USD"),
    row("three thousand", 2500, 3500, True, False),
    row("twelve", 11.5, 12.5, True, False),
    row("fifteen", 14.5, 15.5, True, False),
    row("twenty", 15, 25, True, False),
    row("twenty-five", 24.5, 25.5, True, False),
    row("twenty five thousand", 24500, 25500, True, False),
    row("three hundred", 250, 350, True, False),
    row("one hundred and five", 104.5, 105.5, True, False),
    row("zero", -0.5, 0.5, True, False),
    row("one and a half million", 1.25e6, 1.75e6, True, False),
    row("half a million", 2.5e5, 7.5e5, True, False),
    row("a million", 5e5, 1.5e6, True, False),
    row("a dozen", 11.5, 12.5, True, False),
    row("two million five hundred thousand", 2.45e6, 2.55e6, True, False),
    row("five bn", 4.5e9, 5.5e9, True, False),
    # --- rule 2: bounds
    row("more than 5.6 billion", 5.6e9, INF, False, False, "", B),
    row("over 14", 14, INF, False, False, "", B),
    row("above 3%", 3, INF, False, False, "percent", B),
    row("exceeded $5.6 billion", 5.6e9, INF, False, False, "USD", B),
    row("exceeds 10", 10, INF, False, False, "", B),
    row("exceeding 10", 10, INF, False, False, "", B),
    row("in excess of 200", 200, INF, False, False, "", B),
    row("upwards of 200", 200, INF, False, False, "", B),
    row("> 5", 5, INF, False, False, "", B),
    row("just over 5", 5, INF, False, False, "", B),
    row("at least 5", 5, INF, True, False, "", B),
    row("no less than 5", 5, INF, True, False, "", B),
    row("not less than 5", 5, INF, True, False, "", B),
    row(">= 5", 5, INF, True, False, "", B),
    row("≥5", 5, INF, True, False, "", B),
    row("5,000+ employees", 5000, INF, True, False, "employee", B),
    row("5 billion or more", 5e9, INF, True, False, "", B),
    row("less than 3", -INF, 3, False, False, "", B),
    row("under 3", -INF, 3, False, False, "", B),
    row("below 3", -INF, 3, False, False, "", B),
    row("fewer than 3 visits", -INF, 3, False, False, "visit", B),
    row("<3", -INF, 3, False, False, "", B),
    row("up to 7", -INF, 7, False, True, "", B),
    row("at most 7", -INF, 7, False, True, "", B),
    row("no more than 7", -INF, 7, False, True, "", B),
    row("not more than 7", -INF, 7, False, True, "", B),
    row("<=7", -INF, 7, False, True, "", B),
    row("≤ 7", -INF, 7, False, True, "", B),
    row("7 or less", -INF, 7, False, True, "", B),
    # --- rule 2: approximations (about: at least x ± 10 %; nearly: [min(x - 10 %, x - h), x + h))
    row("about 5 billion", 4.5e9, 5.5e9, True, False, "", A),
    row("about 18%", 16.2, 19.8, True, False, "percent", A),
    row("around 100", 50, 150, True, False, "", A),
    row("approximately 5.6", 5.04, 6.16, True, False, "", A),
    row("approx. 5.6", 5.04, 6.16, True, False, "", A),
    row("roughly 5.6", 5.04, 6.16, True, False, "", A),
    row("some 5.6", 5.04, 6.16, True, False, "", A),
    row("~5.6", 5.04, 6.16, True, False, "", A),
    row("circa 5.6", 5.04, 6.16, True, False, "", A),
    row("c. 5.6", 5.04, 6.16, True, False, "", A),
    row("an estimated 5.6", 5.04, 6.16, True, False, "", A),
    row("estimated 5.6", 5.04, 6.16, True, False, "", A),
    row("about −5.6", -6.16, -5.04, True, False, "", A),
    row("nearly 6", 5.4, 6.5, True, False, "", A),
    row("almost 6.6", 5.94, 6.65, True, False, "", A),
    row("close to 100", 50, 150, True, False, "", A),
    row("just under 5", 4.5, 5.5, True, False, "", A),
    row("doubled", 1.5, 2.5, True, False, "x", A),
    row("tripled", 2.5, 3.5, True, False, "x", A),
    row("quadrupled", 3.5, 4.5, True, False, "x", A),
    row("halved", 0.45, 0.55, True, False, "x", A),
    row("more than doubled", 2, INF, False, False, "x", B),
    row("about 5", 4.0, 6.0, True, False, "", A, hedges={"about": 0.2}),
    row("about 5", 3.75, 6.25, True, False, "", A, hedges={"about": "25%"}),
    row("nearly 100", 50, 150, True, False, "", A, hedges={"nearly": 0.05}),
    row("nearly 6.6", 5.28, 6.65, True, False, "", A, hedges={"nearly": 0.2}),
    # --- rule 3: ranges
    row("between 5 and 6 billion", 4.5e9, 6.5e9, True, False, "", R),
    row("5-6 billion", 4.5e9, 6.5e9, True, False, "", R),
    row("5 to 6 billion", 4.5e9, 6.5e9, True, False, "", R),
    row("5–6 billion", 4.5e9, 6.5e9, True, False, "", R),
    row("5 — 6 bn", 4.5e9, 6.5e9, True, False, "", R),
    row("5–6", 4.5, 6.5, True, False, "", R),
    row("$5-6bn", 4.5e9, 6.5e9, True, False, "USD", R),
    row("$5bn-$6bn", 4.5e9, 6.5e9, True, False, "USD", R),
    row("5%-6%", 4.5, 6.5, True, False, "percent", R),
    row("5-6%", 4.5, 6.5, True, False, "percent", R),
    row("from 5 to 6 million", 4.5e6, 6.5e6, True, False, "", R),
    row("between 5.5 and 6 billion", 5.45e9, 6.5e9, True, False, "", R),
    row("between five and six billion", 4.5e9, 6.5e9, True, False, "", R),
    row("between 5 million and 1.2 billion", 4.5e6, 1.25e9, True, False, "", R),
    row("-5 to -3", -5.5, -2.5, True, False, "", R),
    row("5 billion - 6", 4.5e9, 6.5e9, True, False, "", R),
    # --- units
    row("5 percentage points", 4.5, 5.5, True, False, "pp"),
    row("1.5 pp", 1.45, 1.55, True, False, "pp"),
    row("2 p.p.", 1.5, 2.5, True, False, "pp"),
    row("2x", 1.5, 2.5, True, False, "x"),
    row("3 times", 2.5, 3.5, True, False, "x"),
    row("3-fold", 2.5, 3.5, True, False, "x"),
    row("100 million roubles", 5e7, 1.5e8, True, False, "RUB"),
    row("100 rubles", 50, 150, True, False, "RUB"),
    row("5 trillion soums", 4.5e12, 5.5e12, True, False, "UZS"),
    row("5 trillion sum", 4.5e12, 5.5e12, True, False, "UZS"),
    row("5.6 billion US dollars", 5.55e9, 5.65e9, True, False, "USD"),
    row("5.6 billion dollars", 5.55e9, 5.65e9, True, False, "USD"),
    row("USD 5.6 billion", 5.55e9, 5.65e9, True, False, "USD"),
    row("usd 5.6 billion", 5.55e9, 5.65e9, True, False, "USD"),
    row("5 eur", 4.5, 5.5, True, False, "EUR"),
    row("5 euros", 4.5, 5.5, True, False, "EUR"),
    row("£5", 4.5, 5.5, True, False, "GBP"),
    row("₽100", 50, 150, True, False, "RUB"),
    row("¥500", 450, 550, True, False, "JPY"),
    row("500 €", 450, 550, True, False, "EUR"),
    row("5 UZS", 4.5, 5.5, True, False, "UZS"),
    row("5 CNY", 4.5, 5.5, True, False, "CNY"),
    row("40 USD/barrel", 35, 45, True, False, "USD/barrel"),
    row("$40 per barrel", 35, 45, True, False, "USD/barrel"),
    row("12 enterprises", 11.5, 12.5, True, False, "enterprise"),
    row("7 agreements", 6.5, 7.5, True, False, "agreement"),
    row("3 companies", 2.5, 3.5, True, False, "company"),
    row("15 new branches", 14.5, 15.5, True, False, "new branch"),
    row("1.5 million tonnes/year", 1.45e6, 1.55e6, True, False, "tonne/year"),
    # --- reference cells: every digit written is significant
    row("2000", 1999.5, 2000.5, True, False, reference=True),
    row("5.66", 5.655, 5.665, True, False, reference=True),
    row("17", 16.5, 17.5, True, False, reference=True),
    row("100", 99.5, 100.5, True, False, reference=True),
    row("3,000", 2999.5, 3000.5, True, False, reference=True),
    row("-40", -40.5, -39.5, True, False, reference=True),
    row(" 17.9 ", 17.85, 17.95, True, False, reference=True),
    row("1.2e6", 1.15e6, 1.25e6, True, False, reference=True),
    row("over 14", 14, INF, False, False, "", B, reference=True),
    row("almost 6.6", 5.94, 6.65, True, False, "", A, reference=True),
    row("5.6 billion", 5.55e9, 5.65e9, True, False, reference=True),
    row("2000 thousand", 1999.5e3, 2000.5e3, True, False, reference=True),
    # --- decimal comma on a reference
    row("5,6", 5.55, 5.65, True, False, reference=True, decimal=","),
    row("1.234,5", 1234.45, 1234.55, True, False, reference=True, decimal=","),
    row("1 234,5", 1234.45, 1234.55, True, False, reference=True, decimal=","),
    row("3.000", 2999.5, 3000.5, True, False, reference=True, decimal=","),
    row("-0,25", -0.255, -0.245, True, False, reference=True, decimal=","),
]


@pytest.mark.parametrize("text, low, high, lc, hc, unit, cls, kw", CASES)
def test_value_grammar(text, low, high, lc, hc, unit, cls, kw):
    q = parse_value(text, **kw)
    assert q.interval == Interval(low, high, lc, hc), q.interval
    assert q.unit == unit
    assert q.hedge_class == cls
    assert q.text == text.strip()
    assert not q.interval.is_empty


def test_there_are_enough_table_cases():
    assert len(CASES) >= 80


# ------------------------------------------------------------------------------------ the other fields
@pytest.mark.parametrize(
    "text, number, scale, scale_word, hedge, half_unit, high_number",
    [
        ("5.6 billion USD", 5.6, 1e9, "billion", "", 0.05e9, None),
        ("18%", 18.0, 1.0, "", "", 0.5, None),
        ("five billion", 5.0, 1e9, "billion", "", 0.5e9, None),
        ("three thousand", 3.0, 1e3, "thousand", "", 500.0, None),
        ("3,000", 3000.0, 1.0, "", "", 500.0, None),
        ("more than 5", 5.0, 1.0, "", "more_than", 0.5, None),
        ("at least 5", 5.0, 1.0, "", "at_least", 0.5, None),
        ("less than 5", 5.0, 1.0, "", "less_than", 0.5, None),
        ("up to 5", 5.0, 1.0, "", "at_most", 0.5, None),
        ("about 5", 5.0, 1.0, "", "about", 0.5, None),
        ("nearly 5", 5.0, 1.0, "", "nearly", 0.5, None),
        ("doubled", 2.0, 1.0, "", "doubled", 0.5, None),
        ("tripled", 3.0, 1.0, "", "tripled", 0.5, None),
        ("between 5 and 6 billion", 5.0, 1e9, "billion", "range", 0.5e9, 6.0),
        ("5.5-6 million", 5.5, 1e6, "million", "range", 0.5e6, 6.0),
        ("−2.5", -2.5, 1.0, "", "", 0.05, None),
        ("$5.6bn", 5.6, 1e9, "billion", "", 0.05e9, None),
        ("5k", 5.0, 1e3, "thousand", "", 500.0, None),
        ("5 mln", 5.0, 1e6, "million", "", 0.5e6, None),
        ("5 tn", 5.0, 1e12, "trillion", "", 0.5e12, None),
    ],
)
def test_fields(text, number, scale, scale_word, hedge, half_unit, high_number):
    q = parse_value(text)
    assert q.number == number
    assert q.scale == scale
    assert q.scale_word == scale_word
    assert q.hedge == hedge
    assert q.half_unit == half_unit
    assert q.high_number == high_number
    assert q.bound_class() == q.hedge_class


def test_quantity_is_a_frozen_dataclass_in_the_agreed_field_order():
    names = [f.name for f in fields(Quantity)]
    assert names == ["text", "number", "interval", "unit", "scale", "scale_word", "hedge", "hedge_class",
                     "half_unit", "high_number"]
    q = parse_value("5.6 billion USD")
    with pytest.raises(FrozenInstanceError):
        q.number = 1.0  # type: ignore[misc]
    assert replace(q, unit="EUR").unit == "EUR"
    assert Quantity(*[getattr(q, n) for n in names]) == q
    assert Quantity(**{n: getattr(q, n) for n in names}) == q
    assert pickle.loads(pickle.dumps(q)) == q and hash(q) == hash(replace(q))


def test_direction():
    assert parse_value("over 5").direction == "lower"
    assert parse_value("at least 5").direction == "lower"
    assert parse_value("under 5").direction == "upper"
    assert parse_value("up to 5").direction == "upper"
    assert parse_value("about 5").direction == ""


def test_no_float_noise():
    q = parse_value("5.6 billion")
    assert q.interval.low == 5.55e9 and q.interval.high == 5.65e9
    q = parse_value("0.3", reference=True)
    assert q.interval.low == 0.25 and q.interval.high == 0.35  # 0.3 - 0.05 in floats is 0.24999999999999997
    q = parse_value("about 0.3")
    assert q.interval.low == 0.25 and q.interval.high == 0.35


def test_huge_precision_stays_a_non_empty_interval():
    # 30 digits: h = 0.5 is below float resolution; the interval still contains the number
    q = parse_value("123456789012345678901234567890", reference=True)
    assert not q.interval.is_empty
    assert q.interval.contains(q.number)


def test_fast_path_equals_full_parser():
    for text in ["0", "7", "10", "2000", "2020", "-40", "+15", "5.6", "5.60", "-0.25", "123456.789",
                 "1234567890123456789", " 42 ", "000", "0.000"]:
        for ref in (False, True):
            fast = parse_value(text, reference=ref)
            full = _Parser(text, ref, ".", None).parse()
            assert fast == full, (text, ref)
    for text in ["5,6", "-0,25", "2000", " 3 "]:
        assert parse_value(text, reference=True, decimal=",") == _Parser(text, True, ",", None).parse()


# ------------------------------------------------------------------------------------------ errors
ERRORS = [
    ("fivee billion", {}, "'fivee' is not a number (did you mean 'five'?)", 0),
    ("  fivee", {}, "'fivee' is not a number (did you mean 'five'?)", 2),
    ("abuot 5", {}, "did you mean 'about'?", 0),
    ("", {}, "empty value", 0),
    ("   ", {}, "empty value", 0),
    ("nan", {}, "not a finite number", 0),
    ("NaN", {"reference": True}, "not a finite number", 0),
    ("inf", {}, "not a finite number", 0),
    ("infinity", {}, "not a finite number", 0),
    ("-inf", {}, "not a finite number", 1),
    ("∞", {}, "not a finite number", 0),
    ("1e400", {}, "number too large", 0),
    ("9" * 500, {}, "number too large", 0),
    ("9" * 500, {"reference": True}, "number too large", 0),
    ("5,6", {}, 'decimal comma? set decimal: ","', 1),
    ("5,6", {"reference": True}, 'decimal comma? set decimal: ","', 1),
    ("1,5 million", {}, 'decimal comma? set decimal: ","', 1),
    ("12,34,567", {}, 'decimal comma?', 2),
    ("1 234,5", {}, 'decimal comma?', 5),
    ("5.6", {"decimal": ","}, "decimal point?", 1),
    ("1.2.3", {}, "one decimal point", 3),
    ("5 bilion", {}, "did you mean 'billion'?", 2),
    ("m", {}, "'m' is not a number", 0),
    ("million", {}, "'million' needs a number before it", 0),
    ("5 and 6", {}, "unexpected 'and'", 2),
    ("between 5", {}, "'between' needs a second number", 9),
    ("between 5 or 6", {}, "expected 'and'", 10),
    ("more than", {}, "'more than' needs a number after it", 9),
    ("6-5", {}, "the range runs backwards", 2),
    ("about 5-6", {}, "cannot apply to a range", 0),
    ("€5 USD", {}, "two units", 3),
    ("5% - 6 pp", {}, "a range has one unit", 7),
    ("5 6", {}, "is not one number", 1),
    ("5 billion 6", {}, "unexpected '6'", 10),
    ("#5", {}, "expected a number, found '#'", 0),
    ("5 five", {}, "unexpected 'five'", 2),
    ("twenty twenty", {}, "unexpected 'twenty'", 7),
    ("5 hundred", {}, "'hundred' after digits", 2),
    ("more than 5+", {}, "two hedges", 11),
    ("5 (2021)", {}, "unexpected '('", 2),
    ("-", {}, "expected a number", 1),
    ("..", {"reference": True}, "expected a number", 0),
    ("18% of GDP", {}, "unexpected 'of'", 4),
    ("doubled to 5", {}, "unexpected 'to'", 8),
    ("5", {"decimal": ";"}, "decimal must be", 0),
    ("about 5", {"hedges": {"about": "lots"}}, "hedge width for 'about'", 0),
]


@pytest.mark.parametrize("text, kw, message, offset", ERRORS, ids=[repr(e[0])[:30] for e in ERRORS])
def test_errors(text, kw, message, offset):
    with pytest.raises(SyntaxProblem) as info:
        parse_value(text, **kw)
    assert message in info.value.message
    assert info.value.offset == offset


def test_not_text_is_a_syntax_problem():
    with pytest.raises(SyntaxProblem, match="must be text"):
        parse_value(5)  # type: ignore[arg-type]


# -------------------------------------------------------------------------------------- structured
def test_structured_equals_text():
    assert parse_structured({"number": 18, "unit": "percent", "hedge": "about"}).interval == \
        parse_value("about 18%").interval
    s = parse_structured({"number": 5.6, "scale": "billion", "unit": "USD"})
    t = parse_value("5.6 billion USD")
    assert (s.interval, s.unit, s.scale, s.scale_word, s.number, s.half_unit) == \
        (t.interval, t.unit, t.scale, t.scale_word, t.number, t.half_unit)
    assert parse_structured({"number": 5, "hedge": "more than"}).interval == parse_value("more than 5").interval
    assert parse_structured({"number": 5, "hedge": "more_than"}).hedge == "more_than"
    assert parse_structured({"number": "3,000"}).interval == parse_value("3,000").interval
    r = parse_structured({"number": 5, "high": 6, "scale": "bn"})
    assert r.interval == parse_value("5-6 billion").interval and r.hedge_class == "range" and r.high_number == 6


@pytest.mark.parametrize(
    "data, low, high",
    [
        ({"number": 100}, 50, 150),
        ({"number": 100, "precision": 1}, 99.5, 100.5),
        ({"number": 100, "precision": 10}, 95, 105),
        ({"number": 5, "precision": 0.1, "scale": "million"}, 4.95e6, 5.05e6),
        ({"number": 5.6, "scale": 1e9}, 5.55e9, 5.65e9),
        ({"number": 5.0}, 4.95, 5.05),
        ({"number": -3}, -3.5, -2.5),
    ],
)
def test_structured_precision(data, low, high):
    q = parse_structured(data)
    assert (q.interval.low, q.interval.high) == (low, high)


def test_structured_precision_zero_is_an_exact_point():
    assert parse_structured({"number": 5, "precision": 0}).interval == Interval(5, 5, True, True)


@pytest.mark.parametrize(
    "data, key",
    [
        ({"number": 5, "precison": 1}, "precison"),
        ({"unit": "x"}, "number"),
        ({"number": True}, "number"),
        ({"number": float("nan")}, "number"),
        ({"number": "five"}, "number"),
        ({"number": 5, "scale": "gazillion"}, "scale"),
        ({"number": 5, "scale": 7}, "scale"),
        ({"number": 5, "precision": -1}, "precision"),
        ({"number": 5, "unit": 3}, "unit"),
        ({"number": 5, "hedge": "abuot"}, "hedge"),
        ({"number": 6, "high": 5}, "high"),
    ],
)
def test_structured_errors_name_the_key(data, key):
    with pytest.raises(SyntaxProblem) as info:
        parse_structured(data)
    assert f"'{key}'" in info.value.message
    assert info.value.offset == 0


# --------------------------------------------------------------------------------------- tolerance
@pytest.mark.parametrize(
    "value, tolerance, low, high",
    [
        ("5.6 billion USD", "2%", 5.438e9, 5.762e9),
        ("5.6 billion USD", 0.1, 5.45e9, 5.75e9),
        ("5.6 billion USD", "0.1", 5.45e9, 5.75e9),
        ("5.6 billion USD", "0.1 billion", 5.45e9, 5.75e9),
        ("5.6 billion USD", "$100 million", 5.45e9, 5.75e9),
        ("18%", "2%", 17.14, 18.86),
        ("18%", "1 pp", 16.5, 19.5),
        ("15 branches", 1, 13.5, 16.5),
        ("more than 5", "10%", 4.5, INF),
        ("5-6 billion", "10%", 4.0e9, 7.1e9),
    ],
)
def test_tolerance(value, tolerance, low, high):
    q = parse_value(value)
    t = apply_tolerance(q, tolerance)
    assert (t.interval.low, t.interval.high) == (low, high)
    assert (t.interval.low_closed, t.interval.high_closed) == (q.interval.low_closed, q.interval.high_closed)
    assert (t.text, t.unit, t.number, t.hedge) == (q.text, q.unit, q.number, q.hedge)


@pytest.mark.parametrize("tolerance", ["-0.1", "about 2%", "abc", "100 million EUR", "1 pp", True])
def test_tolerance_errors(tolerance):
    with pytest.raises(SyntaxProblem):
        apply_tolerance(parse_value("5.6 billion USD"), tolerance)


# ------------------------------------------------------------------------------------------ display
@pytest.mark.parametrize(
    "args, kw, text",
    [
        ((5.6e9, "USD", "billion"), {}, "5.6 billion USD"),
        ((17.9, "percent"), {}, "17.9%"),
        ((2335,), {}, "2,335"),
        ((5.55e9, "", "billion"), {}, "5.55 billion"),
        ((-2.5,), {}, "-2.5"),
        ((1e12, "USD"), {}, "1,000,000,000,000 USD"),
        ((15, "branch"), {}, "15 branches"),
        ((1, "branch"), {}, "1 branch"),
        ((3, "company"), {}, "3 companies"),
        ((2, "x"), {}, "2x"),
        ((1.5, "pp"), {}, "1.5 pp"),
        ((INF,), {}, "∞"),
        ((1234567.891,), {}, "1,234,567.891"),
        ((40, "USD/barrel"), {}, "40 USD/barrel"),
        ((5 / 9 * 1e9, "USD", "billion"), {"digits": 2}, "0.56 billion USD"),
        ((5.65e9 - 5.55e9, "", "bn"), {}, "0.1 billion"),
    ],
)
def test_format_number(args, kw, text):
    assert format_number(*args, **kw) == text


# ---------------------------------------------------------------------------------------- units
@pytest.mark.parametrize(
    "word, unit",
    [
        ("%", "percent"), ("percent", "percent"), ("Per cent", "percent"), ("pp", "pp"),
        ("percentage points", "pp"), ("percentage point", "pp"), ("p.p.", "pp"), ("x", "x"),
        ("times", "x"), ("$", "USD"), ("US dollars", "USD"), ("usd", "USD"), ("dollars", "USD"),
        ("euros", "EUR"), ("€", "EUR"), ("£", "GBP"), ("rubles", "RUB"), ("roubles", "RUB"), ("₽", "RUB"),
        ("sum", "UZS"), ("soum", "UZS"), ("JPY", "JPY"), ("branches", "branch"), ("Enterprises", "enterprise"),
        ("visits", "visit"), ("agreements", "agreement"), ("companies", "company"), ("boxes", "box"),
        ("classes", "class"), ("status", "status"), ("series", "series"), ("USD/barrel", "USD/barrel"),
        ("usd per barrels", "USD/barrel"), ("", ""), ("  ", ""), ("km", "km"),
    ],
)
def test_normalise_unit(word, unit):
    assert normalise_unit(word) == unit


@pytest.mark.parametrize(
    "a, b, ok",
    [
        ("", "", True), ("", "USD", True), ("pp", "", True), ("branch", "branches", True),
        ("Branch", "BRANCHES", True), ("pp", "percent", False), ("percent", "pp", False), ("pp", "pp", True),
        ("USD", "EUR", False), ("USD", "usd", True), ("USD", "$", True), ("USD/barrel", "USD/barrel", True),
        ("USD/barrel", "USD", False), ("percent", "%", True), ("x", "times", True), ("branch", "USD", False),
    ],
)
def test_units_compatible(a, b, ok):
    assert units_compatible(a, b) is ok
