"""`--format json` is written fast, and the text is exactly what the json module writes.

The reference: ``json.dumps(report_dict(report), indent=2, ensure_ascii=False, allow_nan=False)`` and a
newline. Checked with hypothesis on random JSON data (dumps_indented) and on random reports (the whole
formatter, whose claims take a path of their own), and on the golden report.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck._report import Candidate, ClaimResult, Evidence, FileReport, Gap, Location, Report, Value
from factcheck.output import json_format
from factcheck.output.json_format import JsonFormatter, dumps_indented, report_dict

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference(obj, indent=2) -> str:
    return json.dumps(obj, indent=indent, ensure_ascii=False, allow_nan=False)


# ------------------------------------------------------------------------- dumps_indented on any data

# text that makes the encoder work: quotes, backslashes, control characters, non-ASCII, line separators,
# and the placeholders the writer uses
TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", '"', "\\", "\n", "\x00", "\u2028", "%s", "%", "é", "😀", json_format._HOLE,
                     json_format._LEAF, json_format._ENCODED_HOLE, "a\"\\u0000b"]),
)
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
PLAIN = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=-2**70, max_value=2**70), FLOATS,
                  TEXT)
KEYS = st.one_of(TEXT, st.integers(), FLOATS, st.booleans(), st.none())


def json_data(keys=TEXT):
    return st.recursive(
        PLAIN,
        lambda inner: st.one_of(
            st.lists(inner, max_size=6),
            st.lists(inner, max_size=4).map(tuple),
            st.dictionaries(keys, inner, max_size=6),
        ),
        max_leaves=40,
    )


@SETTINGS
@given(json_data(), st.sampled_from([0, 1, 2, 4]))
def test_dumps_indented_is_json_dumps_with_indent(data, indent) -> None:
    assert dumps_indented(data, indent) == reference(data, indent)


@SETTINGS
@given(json_data(keys=KEYS))
def test_keys_that_are_not_strings_are_written_as_json_does(data) -> None:
    assert dumps_indented(data) == reference(data)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_floats_that_are_not_finite_are_refused_as_json_does(bad) -> None:
    for data in (bad, [1, bad], {"a": [1, {"b": bad}]}, {"a": "x", "b": bad}):
        with pytest.raises(ValueError) as mine:
            dumps_indented(data)
        with pytest.raises(ValueError) as theirs:
            reference(data)
        assert str(mine.value) == str(theirs.value)


def test_what_json_cannot_write_is_refused_as_json_does() -> None:
    for data in ({"a": {1, 2}}, [object()], {(1, 2): "tuple key"}):
        with pytest.raises(TypeError) as mine:
            dumps_indented(data)
        with pytest.raises(TypeError) as theirs:
            reference(data)
        assert str(mine.value) == str(theirs.value)
    loop: list = [1]
    loop.append({"again": loop})
    with pytest.raises(ValueError, match="Circular reference"):
        dumps_indented(loop)


def test_subclasses_of_plain_types_are_written_as_json_does() -> None:
    class Name(str):
        pass

    class Count(int):
        def __repr__(self) -> str:
            return "Count!"

    data = {"a": [Name("x"), Count(3), True], Name("k"): {"n": Count(2)}, "t": (1, 2)}
    assert dumps_indented(data) == reference(data)


# ------------------------------------------------------------------------- the formatter on any report

FINITE = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False)
NUMBER = st.one_of(FINITE, st.integers(-10**6, 10**6).map(float), st.sampled_from([math.inf, -math.inf, 0.0, -0.0]))
OPT_TEXT = st.one_of(st.none(), TEXT)


@st.composite
def values(draw) -> Value:
    low, high = sorted([draw(NUMBER), draw(NUMBER)])
    return Value(draw(TEXT), low, high, draw(st.booleans()), draw(st.booleans()), draw(TEXT),
                 draw(st.sampled_from(["", "billion", "million"])), draw(st.sampled_from(["", "about"])))


GAPS = st.one_of(st.none(), st.builds(Gap, FINITE, st.one_of(st.none(), FINITE)))
LOCATIONS = st.one_of(st.none(), st.builds(Location, TEXT, st.integers(0, 10**6), st.integers(0, 500)))


@st.composite
def evidence(draw) -> Evidence:
    return Evidence(
        dataset=draw(TEXT), row=draw(st.one_of(st.none(), st.integers(1, 10**7))), series=draw(TEXT),
        score=draw(st.one_of(st.none(), st.floats(0, 100))), value=draw(values()), period=draw(TEXT),
        source=draw(TEXT), verdict=draw(st.sampled_from(["supported", "contradicted", "ambiguous"])),
        gap=draw(GAPS), url=draw(OPT_TEXT), published=draw(OPT_TEXT), column=draw(OPT_TEXT),
        how=draw(st.sampled_from(["row", "tiled", "latest", "compute"])), detail=draw(TEXT),
        rows=tuple(draw(st.lists(st.integers(1, 10**7), max_size=4))),
    )


@st.composite
def claims(draw) -> ClaimResult:
    return ClaimResult(
        id=draw(TEXT), verdict=draw(st.sampled_from(["supported", "contradicted", "disputed", "ambiguous",
                                                     "unverified", "pending"])),
        line=draw(st.integers(1, 10**5)), column=draw(st.integers(0, 200)), claimed=draw(values()),
        period=draw(TEXT), kind=draw(st.sampled_from(["stock", "flow", "share", "change"])), metric=draw(OPT_TEXT),
        dimensions=tuple(draw(st.lists(st.tuples(st.sampled_from(["subject", "partner", "sex", "é"]), TEXT),
                                       max_size=3))),
        quote=draw(OPT_TEXT), quote_location=draw(LOCATIONS), forecast=draw(st.booleans()),
        evidence=tuple(draw(st.lists(evidence(), max_size=3))),
        candidates=tuple(draw(st.lists(st.builds(Candidate, TEXT, st.floats(0, 100), TEXT,
                                                 st.one_of(st.none(), st.integers(1, 10**6))), max_size=3))),
        reason=draw(TEXT), gap=draw(GAPS), ignored=tuple(draw(st.lists(st.sampled_from(["D202", "R101"]), max_size=2))),
    )


@st.composite
def reports(draw) -> Report:
    files = tuple(FileReport(path=draw(TEXT), claims=tuple(draw(st.lists(claims(), max_size=5))),
                             document=draw(OPT_TEXT)) for _ in range(draw(st.integers(0, 2))))
    extra = draw(st.one_of(st.just({}), st.dictionaries(TEXT, json_data(), max_size=2)))
    return Report(files=files, extra=extra)


@SETTINGS
@given(reports())
def test_the_json_report_is_json_dumps_of_report_dict(report) -> None:
    try:
        expected = reference(report_dict(report)) + "\n"
    except ValueError:  # a gap that is not finite: refused alike
        with pytest.raises(ValueError):
            JsonFormatter().format(report)
        return
    assert JsonFormatter().format(report) == expected


def test_claims_of_one_shape_share_a_template_and_odd_ones_take_the_slow_path() -> None:
    v = Value("5 billion USD", 4.5e9, 5.5e9, True, False, "USD", "billion")
    plain = [ClaimResult(id=f"c{i}", verdict="unverified", line=i, column=1, claimed=v, period="2021", kind="stock",
                         metric="exports", dimensions=(("subject", "Uzbekistan"),), reason="no data")
             for i in range(5)]
    odd = ClaimResult(id="odd", verdict="supported", line=9, column=1, claimed=v, period="2021", kind="stock",
                      metric=["not", "a", "string"], dimensions=(("subject", "x"),))  # type: ignore[arg-type]
    report = Report(files=(FileReport(path="c.yaml", claims=(*plain, odd)),))
    assert JsonFormatter().format(report) == reference(report_dict(report)) + "\n"


@given(st.floats(allow_nan=True, allow_infinity=True))
@settings(max_examples=2000, deadline=None)
def test_numbers_keep_twelve_significant_digits(x) -> None:
    expected = None if not math.isfinite(x) else int(x) if x.is_integer() and abs(x) < 2**53 else float(f"{x:.12g}")
    got = json_format._num(x)
    assert type(got) is type(expected) and repr(got) == repr(expected)


def test_the_fast_path_knows_every_value_of_claim_dict() -> None:
    """Claims with every kind of field take the fast path: their values, as the formatter takes them
    from the ClaimResult, are claim_dict's, in order (a field added to one and not the other fails here)."""
    v = Value("5.6 billion USD", 5.55e9, 5.65e9, True, False, "USD", "billion", "about")
    e = Evidence(dataset="d.csv", row=3, series="exports · UZ", score=97.5, value=v, period="2021", source="Stat.uz",
                 verdict="contradicted", gap=Gap(-1e8, -0.0178), url="https://x", published="2022-01-01",
                 column="value", column_index=4, how="tiled", detail="a + b", rows=(3, 4))
    full = ClaimResult(id="c1", verdict="disputed", line=3, column=5, claimed=v, period="2021", kind="flow",
                       metric="exports", dimensions=(("subject", "UZ"), ("partner", "RU")), quote="q",
                       quote_location=Location("doc.txt", 2, 7), forecast=True, evidence=(e, e),
                       candidates=(Candidate("a", 81.0, "d.csv", 2),), reason="why", gap=Gap(1.0, None),
                       ignored=("D202",), ignore_reason="so", note="n")
    bare = ClaimResult(id="c2", verdict="unverified", line=9, column=1, claimed=v, period="2021", kind="stock")
    for c in (full, bare):
        values: list = []
        json_format._placeholders(json_format.claim_dict(c), values)
        assert json_format._claim_leaves(c, dict(c.dimensions)) == values
