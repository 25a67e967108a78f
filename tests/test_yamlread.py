"""The fast YAML reader (libyaml) gives what the round-trip loader gives: the same data, the same
positions for every value and key, and hands over (returns None) whenever it could not be sure."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from factcheck import _yamlread
from factcheck._claims import _Reader, _key_position, _load_yaml_rt, _plain

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not _yamlread._setup(), reason="ruamel.yaml.clib is not installed")


def _texts() -> list[tuple[str, str]]:
    """Every YAML text of the project's tests: the files, and the claims files written inline in the
    data-driven fixtures."""
    out = []
    for p in sorted([*ROOT.glob("claims/**/*.yaml"), *ROOT.glob("tests/**/*.yaml"), *ROOT.glob("tests/**/*.yml")]):
        if "_data" in p.parts:
            continue
        out.append((str(p.relative_to(ROOT)), p.read_text(encoding="utf-8-sig")))
    y = YAML(typ="safe", pure=True)
    for fx in sorted(ROOT.glob("tests/fixtures/*.yaml")):
        def walk(v, where):
            if isinstance(v, dict):
                for k, x in v.items():
                    if isinstance(x, str) and str(k).endswith((".yaml", ".yml")):
                        out.append((f"{where}/{k}", x))
                    else:
                        walk(x, f"{where}/{k}")
            elif isinstance(v, list):
                for i, x in enumerate(v):
                    walk(x, f"{where}[{i}]")
        doc = y.load(fx.read_text(encoding="utf-8"))
        walk(doc, fx.name)
        for i, case in enumerate(doc.get("cases") or []):  # claims given as data: written out two ways
            if isinstance(case, dict) and isinstance(case.get("claims"), list):
                body = {"version": 1, "references": [{"path": "data.csv", "source": "a source"}], "claims": case["claims"]}
                if case.get("relations"):
                    body["relations"] = case["relations"]
                out.append((f"{fx.name}[{i}] block", _dump(body, False)))
                out.append((f"{fx.name}[{i}] flow", _dump(body, None)))
    return out


def _dump(data, flow) -> str:
    import io

    y = YAML()
    y.default_flow_style = flow
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


TEXTS = _texts()


def _locations(v, loc=()):
    yield loc
    if isinstance(v, dict):
        for k, x in v.items():
            yield from _locations(x, loc + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _locations(x, loc + (i,))


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _round_trip(text: str):
    reader = _Reader(Path("x.yaml"), "x.yaml")
    raw, where = _load_yaml_rt(text, reader)
    return raw, where


def test_there_are_many_texts_to_compare():
    assert len(TEXTS) > 80


@pytest.mark.parametrize("name,text", TEXTS, ids=[n for n, _ in TEXTS])
def test_fast_reader_matches_round_trip(name, text):
    fast = _yamlread.load(text)
    try:
        raw, where = _round_trip(text)
    except Exception:  # the round-trip loader reports an error: the fast reader must have handed over
        assert fast is None
        return
    if fast is None:
        return  # handed over: the round-trip loader answers, nothing to compare
    data, values, keys = fast
    assert _same(data, _plain(raw))
    for loc in _locations(data):
        assert values[loc] == where(loc), loc
        if loc and isinstance(loc[-1], str):
            assert keys[loc] == _key_position(raw, loc), loc


def test_most_texts_are_read_fast():
    fast = sum(_yamlread.load(t) is not None for _, t in TEXTS)
    assert fast >= 0.8 * len(TEXTS)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # duplicate key: ruamel says where
        "a: !!int '5'\n",  # explicit tag
        "base: &b {x: 1}\nc:\n  <<: *b\n",  # merge key
        "1: one\n",  # a number as a key
        "? [a]\n: 1\n",  # a list as a key
        "%YAML 1.1\n---\na: yes\n",  # a directive
        "a: [1\n",  # broken
        "a: 1\n---\nb: 2\n",  # two documents
        "[" * 300 + "]" * 300,  # deeper than any claims file
        "a:\nb: 1\n",  # an empty value
        "a: &x {b: 1}\nc: *x\n",  # an anchor and an alias
        "a: ! x\n",  # the non-specific tag
    ],
)
def test_hands_over_what_only_round_trip_reproduces(text):
    assert _yamlread.load(text) is None


SCALARS = ["1", "-1", "+5", "0", "017", "0o17", "0x1F", "1_000", "1.5", "-0.5", ".5", "5.", "1e3", "1E-3", "-1.5e+3", "~",
           ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "true", "True", "FALSE", "yes", "no", "on", "null", "Null",
           "2021-11-19", "2021-11-19T10:00:00", "2021", "2021-11", "1:20", "0b101", "12 %", "about 3,000", "$7 bn",
           "1,000", "0.0", "-0", "1e999", "12e", "0x", "y", "n", "NULL", "TRUE"]


@pytest.mark.parametrize("scalar", SCALARS)
def test_plain_scalars_resolve_as_round_trip_does(scalar):
    text = f"v: {scalar}\n"
    fast = _yamlread.load(text)
    raw, _ = _round_trip(text)
    assert fast is not None
    assert _same(fast[0], _plain(raw)), (fast[0], _plain(raw))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789+-._eExXoObB:~ aAfFlLnNsStTuU", min_size=1, max_size=8))
def test_any_plain_scalar_resolves_as_round_trip_does(scalar):
    text = f"v: {scalar}\n"
    try:
        raw, _ = _round_trip(text)
    except Exception:
        return
    fast = _yamlread.load(text)
    if fast is not None:
        assert _same(fast[0], _plain(raw)), (scalar, fast[0], _plain(raw))


_SCALAR = st.one_of(
    st.text(max_size=12), st.integers(-10**20, 10**20), st.floats(allow_nan=False), st.booleans(), st.none(),
    st.sampled_from(["2021-11-19", "about 3,000", "12 %", "yes", "0x1F", "1_000", ".nan", "# not a comment", "a: b"]),
)
_KEY = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_ é", min_size=1, max_size=8)
_TREE = st.recursive(_SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEY, inner, max_size=4),
                     max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEY, _TREE, min_size=1, max_size=5), st.sampled_from([False, True, None]))
def test_any_written_tree_reads_the_same(tree, flow):
    text = _dump(tree, flow)
    try:
        raw, where = _round_trip(text)
    except Exception:  # noqa: BLE001 - ruamel writes some control characters it cannot read back
        assert _yamlread.load(text) is None
        return
    fast = _yamlread.load(text)
    if fast is None:
        return
    data, values, keys = fast
    assert _same(data, _plain(raw))
    for loc in _locations(data):
        assert values[loc] == where(loc), (loc, text)
        if loc and isinstance(loc[-1], str):
            assert keys[loc] == _key_position(raw, loc), (loc, text)
