"""The shortcuts of the value grammar give what the full parser gives.

``parse_value`` reads the common shape of a claimed value, ``[hedge ]number[ scale][%]``, without the
tokenizer (``factcheck._quantity._common``); the hedge widths are remembered per written width. Here
every such text, and its near misses, is parsed both ways: the same Quantity (compared field by field,
floats by their repr), or the same SyntaxProblem (message and offset).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck._errors import SyntaxProblem
from factcheck._quantity import _HEDGE_PHRASES, _Parser, parse_value

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEDGE_WORDS = sorted(p for p in _HEDGE_PHRASES if p.replace(" ", "").isalpha()) + [
    "", "", "", "between", "from", "minus", "doubled", "some odd", "About", "more  than", "usd", "a", "an",
]
SCALES = ["", " thousand", " million", " billion", " trillion", " thousands", " Million", " mn", "  million",
          " k", "m", " bn", " hundred", " dozen"]
TAILS = ["", "", "%", "%", " %", " percent", " USD", "x", " pp", ".", " or more", "+", " - 6", " to 7",
         " and 8", "-5", "%%", " ", " .5"]
WIDTHS = [None, {}, {"about": 0.05}, {"nearly": "15%"}, {"about": 0.2, "nearly": 0.02},
          {"about": "abc"}, {"nearly": -1.0}, {"about": True}, {"about": 10}, {"about": "10%"}]


def _digits() -> st.SearchStrategy[str]:
    whole = (
        st.integers(0, 10**18).map(str)
        | st.integers(0, 10**18).map(lambda n: f"{n:,}")
        | st.sampled_from(["0", "00", "007", "10", "100", "1000", "2500", "0,000", "007,000", "1,00", "1,0000",
                           "12,345,678,901,234", "1,234,567,890,123,456", ",123", "1,,000"])
    )
    frac = st.none() | st.integers(0, 10**17).map(str) | st.sampled_from(["0", "00", "5", "50", "05"])
    return st.tuples(whole, frac).map(lambda t: t[0] if t[1] is None else f"{t[0]}.{t[1]}")


def _full(text: str, reference: bool, hedges) -> object:
    try:
        return _Parser(text, reference, ".", hedges).parse()
    except SyntaxProblem as e:
        return ("error", e.message, e.offset)


def _fast(text: str, reference: bool, hedges) -> object:
    try:
        return parse_value(text, reference=reference, hedges=hedges)
    except SyntaxProblem as e:
        return ("error", e.message, e.offset)


def _same(a: object, b: object) -> None:
    if isinstance(a, tuple) or isinstance(b, tuple):
        assert a == b
        return
    for name in ("text", "number", "interval", "unit", "scale", "scale_word", "hedge", "hedge_class",
                 "half_unit", "high_number"):
        x, y = getattr(a, name), getattr(b, name)
        assert type(x) is type(y), name
        assert repr(x) == repr(y), name


@SETTINGS
@given(st.sampled_from(HEDGE_WORDS), _digits(), st.sampled_from(SCALES), st.sampled_from(TAILS),
       st.booleans(), st.sampled_from(WIDTHS), st.sampled_from(["", " "]))
def test_common_shape_reads_as_the_parser_reads_it(hedge, number, scale, tail, reference, widths, around):
    text = f"{around}{hedge + ' ' if hedge else ''}{number}{scale}{tail}{around}"
    _same(_fast(text, reference, widths), _full(text, reference, widths))


TABLE = [
    "22.4%", "0.3%", "nearly 816.5 million", "nearly 1.6 trillion", "more than 7.8%", "8.17 trillion",
    "about 5 billion", "about 3000", "about 3,000", "up to 10%", "at least 0", "less than 0.0%",
    "an estimated 2.5 million", "more than 0.000000000000001%", "123456789012345.123456789012345 trillion",
    "in the region of 40", "some 12 thousand", "just over 5%", "not quite 100", "almost 7", "approx. 5",
    "around 900", "about 10 million%", "circa 1990", "well over 50%", "a little more than 20 billion",
    "no more than 3", "close to 0", "about 0", "nearly 0.0", "5 billion", "5%", "5", "5.0", "05.50%",
    "more than 3,000", "about 1,234.5 million", "nearly 0,000%", "1,000,000,000,000 trillion", "about 12,34",
]


def test_table_of_values_reads_as_the_parser_reads_it():
    for text in TABLE:
        for reference in (False, True):
            for widths in WIDTHS:
                _same(_fast(text, reference, widths), _full(text, reference, widths))


def test_hedge_widths_are_remembered_per_width_written():
    # the same width given as a string, a float and an int: each read on its own terms
    a = parse_value("about 100", hedges={"about": "50%"})
    b = parse_value("about 100", hedges={"about": 0.5})
    c = parse_value("about 100", hedges={"about": 50})
    assert a.interval == b.interval
    assert c.interval != b.interval
    assert parse_value("about 100", hedges={"about": 0.5}).interval == b.interval
    for bad in ({"about": True}, {"about": "x"}, {"about": -0.5}):
        try:
            parse_value("about 100", hedges=bad)
        except SyntaxProblem as e:
            assert "hedge width for 'about'" in e.message
        else:  # pragma: no cover
            raise AssertionError(bad)


@SETTINGS
@given(st.one_of(st.floats(allow_nan=True), st.integers(-10, 10**13), st.booleans(), st.none(),
                 st.text(alphabet="0123456789.%-e ", max_size=8), st.decimals(allow_nan=False)),
       st.sampled_from(["about", "nearly"]))
def test_remembered_width_is_the_width_read(w, key):
    from factcheck._quantity import _width, _width_of

    def read(fn):
        try:
            return fn(w, key, 3) if fn is _width_of else fn({key: w}, key, 3)
        except SyntaxProblem as e:
            return ("error", e.message, e.offset)

    first = read(_width_of)
    assert read(_width) == first
    assert read(_width) == first  # and again, from the memo
