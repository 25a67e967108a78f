"""``parse_period`` remembers the periods it has read: the memo gives what reading gives."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck import _periods
from factcheck._errors import SyntaxProblem
from factcheck._periods import _parse_text, parse_period

SETTINGS = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_piece = st.one_of(
    st.integers(990, 10010).map(str),
    st.tuples(st.integers(1999, 2025), st.integers(0, 13)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.tuples(st.integers(1999, 2025), st.integers(0, 5), st.sampled_from(["-Q", "Q", "-q"])).map(
        lambda t: f"{t[0]}{t[2]}{t[1]}"),
    st.tuples(st.integers(1999, 2025), st.integers(1, 12), st.integers(0, 32)).map(
        lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"),
    st.text(alphabet="0123456789-/Q ", max_size=12),
)
_texts = st.one_of(_piece, st.tuples(_piece, _piece, st.sampled_from(["/", " / ", "/ "])).map(
    lambda t: f"{t[0]}{t[2]}{t[1]}"), _piece.map(lambda s: f" {s} "))


def _read(fn, text):
    try:
        return fn(text)
    except SyntaxProblem as e:
        return ("error", e.message, e.offset)


@SETTINGS
@given(_texts)
def test_remembered_period_is_the_period_read(text):
    first = _read(_parse_text, text)
    assert _read(parse_period, text) == first  # read, and remembered when it is a period
    assert _read(parse_period, text) == first  # from the memo
    if not isinstance(first, tuple):
        again = parse_period(text)
        assert (again.start, again.end, again.granularity, again.text) == (
            first.start, first.end, first.granularity, first.text)


def test_memo_is_bounded_and_keeps_only_periods():
    parse_period("2021")
    assert "2021" in _periods._READ
    try:
        parse_period("2021-13")
    except SyntaxProblem:
        pass
    assert "2021-13" not in _periods._READ
    assert len(_periods._READ) <= 4096
    assert parse_period(2021) == parse_period("2021")
