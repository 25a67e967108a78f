"""The expression language of relations and compute: what is accepted, what is refused (and where),
units, evaluation over intervals and at the values as written, and the C103/C104 judgement."""

from __future__ import annotations

import ast
import builtins
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import factcheck._expr as expr_module
from factcheck._errors import SyntaxProblem
from factcheck._expr import (
    MAX_DEPTH,
    MAX_LENGTH,
    CallSite,
    Expr,
    UnitMismatch,
    UValue,
    evaluate,
    evaluate_at,
    judge_relation,
    parse_expr,
    same_unit,
    to_expr_value,
)
from factcheck._interval import Interval, Truth

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
IDS = {"a", "b", "c", "x", "y", "branches_opened_4y", "branches_total", "usd", "eur", "pct", "pct2", "pp"}


def iv(text: str) -> Interval:
    text = text.strip()
    lo, hi = (float(p) for p in text[1:-1].split(","))
    return Interval(lo, hi, text[0] == "[", text[-1] == "]")


def same(a: Interval, b: Interval) -> bool:
    return (a.low, a.high, a.low_closed, a.high_closed) == (b.low, b.high, b.low_closed, b.high_closed)


ENV = {
    "a": UValue(iv("[1, 2)")),
    "b": UValue(iv("[3, 4)")),
    "c": UValue(iv("[5, 5]")),
    "x": UValue(iv("[-1, 1]")),
    "y": UValue(iv("[0, 0]")),
    "usd": UValue(iv("[5.55e9, 5.65e9)"), "USD"),
    "eur": UValue(iv("[1, 2)"), "EUR"),
    "pct": to_expr_value(iv("[17.5, 18.5)"), "%"),
    "pct2": to_expr_value(iv("[15.5, 16.5)"), "percent"),
    "pp": to_expr_value(iv("[1.5, 2.5)"), "pp"),
}


def run(text: str, env=ENV, **kw):
    return evaluate(parse_expr(text, known_ids=IDS, **kw), env)


# --------------------------------------------------------------------------------------------------
# Accepted expressions and their values
# --------------------------------------------------------------------------------------------------

NUMERIC = [
    ("a + b", "[4, 6)"),
    ("a - b", "(-3, -1)"),
    ("a * b", "[3, 8)"),
    ("b / a", "(1.5, 4)"),
    ("-a", "(-2, -1]"),
    ("+a", "[1, 2)"),
    ("(a + b) * 2", "[8, 12)"),
    ("2 * (a + 1)", "[4, 6)"),
    ("a + 1e3", "[1001, 1002)"),
    ("a + 0.5", "[1.5, 2.5)"),
    ("abs(a - b)", "(1, 3)"),
    ("min(a, b, 3)", "[1, 2)"),
    ("max(a, b)", "[3, 4)"),
    ("max(a, 1.5)", "[1.5, 2)"),
    ("c / x", "(-inf, inf)"),  # 0 inside the divisor: the honest, unbounded result
    ("a\n  + b", "[4, 6)"),  # a YAML block scalar may span lines
    ("  a + b  ", "[4, 6)"),
]


@pytest.mark.parametrize("text, expected", NUMERIC)
def test_numeric_expressions(text, expected):
    result = run(text)
    assert isinstance(result, UValue) and result.unit == ""
    assert same(result.interval, iv(expected)), f"{text} = {result}"


RELATIONS = [
    ("a < b", T),
    ("b < a", F),
    ("a <= a", U),  # the dependency problem: two occurrences are independent
    ("a < b <= c", T),  # chained
    ("a < b > c", F),
    ("a < b and b < c", T),
    ("a < b and b > c", F),
    ("a < b or b > c", T),
    ("a == 1.5 or b > c", U),
    ("not a < b", F),
    ("not a == 1.5", U),
    ("c == 5", T),
    ("c != 5", F),
    ("a != 3", T),
    ("abs(x) <= 1", T),
]


@pytest.mark.parametrize("text, expected", RELATIONS)
def test_relations_are_three_valued(text, expected):
    assert run(text) is expected


def test_parse_result():
    e = parse_expr("a + b * a", known_ids=IDS)
    assert isinstance(e, Expr) and e.text == "a + b * a" and str(e) == "a + b * a"
    assert e.names == frozenset({"a", "b"}) and e.calls == ()
    assert isinstance(e.tree, ast.Expression)
    hash(e)


# --------------------------------------------------------------------------------------------------
# Refused expressions, with the offset of the offending part
# --------------------------------------------------------------------------------------------------

LONG = "a + " * 600 + "a"

REFUSED = [
    ("__import__('os').system('echo pwned')", 0, "only these functions can be called"),
    ("a.__class__", 0, "attribute access is not allowed"),
    ("[x for x in ()]", 0, "comprehensions are not allowed"),
    ("open('f')", 0, "function 'open' is not allowed"),
    ("lambda: 1", 0, "lambda is not allowed"),
    ("x[0]", 0, "subscripts are not allowed"),
    ("2 ** 1000000", 2, "operator '**' is not allowed"),
    ('"abc"', 0, "strings are not allowed"),
    ('f"{a}"', 0, "f-strings are not allowed"),
    ("(a := 1)", 1, "assignment (:=) is not allowed"),
    ("a if b else c", 0, "conditional expressions"),
    (LONG, MAX_LENGTH, "expression is too long"),
    ("a // b", 2, "operator '//' is not allowed"),
    ("a % b", 2, "operator '%' is not allowed"),
    ("a @ b", 2, "operator '@' is not allowed"),
    ("(a) & (b)", 4, "operator '&' is not allowed"),
    ("a | b", 2, "operator '|' is not allowed"),
    ("a ^ b", 2, "operator '^' is not allowed"),
    ("a << 2", 2, "operator '<<' is not allowed"),
    ("~a", 0, "operator '~' is not allowed"),
    ("a is b", 2, "operator 'is' is not allowed"),
    ("a is not b", 2, "operator 'is not' is not allowed"),
    ("a in b", 2, "operator 'in' is not allowed"),
    ("a not in b", 2, "operator 'not in' is not allowed"),
    ("a < b + c.real", 8, "attribute access is not allowed"),
    ("a + b[1:2]", 4, "subscripts are not allowed"),
    ("{}", 0, "dict literals"),
    ("[a]", 0, "list literals"),
    ("{a}", 0, "set literals"),
    ("(a, b)", 0, "tuples"),
    ("min(*a)", 4, "starred arguments"),
    ("max(a, key=b)", 7, "positional arguments only"),
    ("abs()", 0, "abs() takes one argument"),
    ("min(a)", 0, "min() takes two or more arguments"),
    ("True", 0, "True is not allowed"),
    ("None", 0, "None is not allowed"),
    ("...", 0, "Ellipsis is not allowed"),
    ("1j", 0, "1j is not allowed"),
    ("a + 1e999", 4, "number is too large"),
    ("a + " + "9" * 400, 4, "number is too large"),
    ("a # comment", 2, "comments"),
    ("a + b # c\n + c", 6, "comments"),
    ("ref(metric='x')", 0, "ref() is allowed only in a compute expression"),
    ("sum(metric='x') + a", 0, "sum() is allowed only in a compute expression"),
    ("getattr(a, 'b')", 0, "function 'getattr' is not allowed"),
    ("(lambda: 1)()", 0, "only these functions can be called"),
    ("a.b()", 0, "only these functions can be called"),
    ("globals()", 0, "function 'globals' is not allowed"),
    ("b'x'", 0, "strings are not allowed"),
    ("await a", 0, "await is not allowed"),
    ("abs", 0, "unknown claim id 'abs'"),
    ("a + zz", 4, "unknown claim id 'zz'"),
    # Python syntax errors, with their offsets
    ("a b", 2, "invalid expression"),
    ("a +", 3, "invalid expression: incomplete expression"),
    ("(a", 0, "invalid expression: '(' was never closed"),
    ("a = 1", 2, "invalid expression"),
    ("", 0, "empty expression"),
    ("   ", 0, "empty expression"),
    ("a\x00", 1, "NUL"),
    # nesting: brackets before the parser sees them, and any other nesting after
    ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), MAX_DEPTH, "nested too deeply"),
    ("-" * (MAX_DEPTH + 5) + "a", MAX_DEPTH, "nested too deeply"),
    ("a" + " + a" * 60, 0, "nested too deeply"),
]


@pytest.mark.parametrize("text, offset, message", REFUSED)
def test_refused(text, offset, message):
    with pytest.raises(SyntaxProblem) as info:
        parse_expr(text, known_ids=IDS)
    assert message in info.value.message
    assert info.value.offset == offset, f"{text!r}: {info.value.message} at {info.value.offset}"


def test_unknown_id_suggests_the_closest():
    with pytest.raises(SyntaxProblem) as info:
        parse_expr("branches_opned_4y <= branches_total", known_ids=IDS)
    assert info.value.message == (
        "unknown claim id 'branches_opned_4y' (did you mean 'branches_opened_4y'?)"
    )
    assert info.value.offset == 0
    with pytest.raises(SyntaxProblem) as info:
        parse_expr("a <= qwertyuiop", known_ids=IDS)
    assert info.value.message == "unknown claim id 'qwertyuiop'" and info.value.offset == 5


def test_offsets_count_characters_across_lines_and_non_ascii():
    # AST columns are UTF-8 bytes; offsets are characters of the text as given
    text = 'ref(partner="Россия") + foo'
    with pytest.raises(SyntaxProblem) as info:
        parse_expr(text, known_ids=IDS, compute=True)
    assert info.value.offset == text.index("foo")
    text = "a +\n  b +\n  open('f')"
    with pytest.raises(SyntaxProblem) as info:
        parse_expr(text, known_ids=IDS)
    assert info.value.offset == text.index("open")
    text = "  \n a.b"
    with pytest.raises(SyntaxProblem) as info:
        parse_expr(text, known_ids=IDS)
    assert info.value.offset == text.index("a.b")
    text = 'ref(partner="Россия") ** 2'
    with pytest.raises(SyntaxProblem) as info:
        parse_expr(text, known_ids=IDS, compute=True)
    assert info.value.offset == text.index("**")
    text = "a +\n b $"
    with pytest.raises(SyntaxProblem) as info:
        parse_expr(text, known_ids=IDS)
    assert info.value.offset == text.index("$")


def test_length_and_depth_limits_accept_what_is_under_them():
    ok = "a" + " + a" * (MAX_DEPTH - 1)
    assert parse_expr(ok, known_ids=IDS).names == {"a"}
    ok = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse_expr(ok, known_ids=IDS).names == {"a"}
    with pytest.raises(SyntaxProblem):
        parse_expr("a" * (MAX_LENGTH + 1), known_ids={"a" * (MAX_LENGTH + 1)})


# --------------------------------------------------------------------------------------------------
# compute expressions
# --------------------------------------------------------------------------------------------------

COMPUTE = """(ref(metric="exports", partner="Russia") + ref(metric="imports", partner="Russia"))
         / (sum(metric="exports") + sum(metric="imports"))"""


def test_compute_call_sites():
    e = parse_expr(COMPUTE, known_ids=IDS, compute=True)
    assert [c.func for c in e.calls] == ["ref", "ref", "sum", "sum"]
    first = e.calls[0]
    assert dict(first.keywords) == {"metric": "exports", "partner": "Russia"}
    assert first.offset == 1 and COMPUTE[first.offset : first.end_offset] == first.text
    assert first.text == 'ref(metric="exports", partner="Russia")'
    assert e.calls[2].offset == COMPUTE.index("sum(")
    assert e.names == frozenset()
    hash(first)
    e = parse_expr('growth(metric="exports", period=2020, source="#1")', known_ids=IDS, compute=True)
    assert dict(e.calls[0].keywords) == {"metric": "exports", "period": 2020, "source": "#1"}


def test_compute_evaluation_calls_back():
    e = parse_expr(COMPUTE, known_ids=IDS, compute=True)
    data = {("ref", "exports"): 2.0, ("ref", "imports"): 3.0, ("sum", "exports"): 10.0, ("sum", "imports"): 15.0}
    seen: list[CallSite] = []

    def call(site: CallSite) -> UValue:
        seen.append(site)
        return UValue(Interval.point(data[site.func, site.keywords["metric"]]), "USD")

    result = evaluate(e, {}, call=call)
    assert isinstance(result, UValue) and result.unit == "" and result.ratio
    assert result.interval.contains(0.2) and result.interval.high - result.interval.low < 1e-15
    assert len(seen) == 4
    with pytest.raises(SyntaxProblem) as info:
        evaluate(e, {})  # no reference data
    assert info.value.offset == 1


COMPUTE_REFUSED = [
    ('ref("exports")', 4, "keyword arguments only"),
    ("ref(metric=a)", 11, "must be a string or a number"),
    ("ref(metric=True)", 11, "must be a string or a number"),
    ("ref(metric=['x'])", 11, "must be a string or a number"),
    ("ref(**a)", 6, "'**' arguments"),
    ("ref(metric='x', metric='y')", 23, "twice"),
    ("ref(metric='x') + 'y'", 18, "strings are not allowed"),
    ("ref(metric='x').value", 0, "attribute access"),
    ("ref(metric=f'{a}')", 11, "must be a string or a number"),
    ("load(metric='x')", 0, "function 'load' is not allowed (only abs, min, max, ref, sum, growth)"),
]


@pytest.mark.parametrize("text, offset, message", COMPUTE_REFUSED)
def test_compute_refused(text, offset, message):
    with pytest.raises(SyntaxProblem) as info:
        parse_expr(text, known_ids=IDS, compute=True)
    assert message in info.value.message
    assert info.value.offset == offset, info.value.message


# --------------------------------------------------------------------------------------------------
# Nothing is ever executed
# --------------------------------------------------------------------------------------------------

HOSTILE = [
    "__import__('os').system('touch {marker}')",
    "open('{marker}', 'w')",
    "__import__('pathlib').Path('{marker}').touch()",
    "exec(\"open('{marker}', 'w')\")",
    "eval(\"open('{marker}', 'w')\")",
    "(lambda: open('{marker}', 'w'))()",
    "[open('{marker}', 'w') for _ in (1,)]",
    "a.__class__.__base__.__subclasses__()",
    "breakpoint()",
]


@pytest.mark.parametrize("template", HOSTILE)
def test_nothing_is_executed(template, tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    text = template.format(marker=marker)
    imported: list[str] = []
    opened: list[object] = []
    real_import = builtins.__import__

    def spy_import(name, *args, **kwargs):
        imported.append(name)
        return real_import(name, *args, **kwargs)

    def spy_open(*args, **kwargs):  # pragma: no cover - must not be called
        opened.append(args)
        raise AssertionError("open() was called")

    monkeypatch.setattr(builtins, "__import__", spy_import)
    monkeypatch.setattr(builtins, "open", spy_open)
    for compute in (False, True):
        with pytest.raises(SyntaxProblem):
            e = parse_expr(text, known_ids={"a"}, compute=compute)
            evaluate(e, {"a": UValue(Interval.point(1.0))})  # not reached
    monkeypatch.undo()
    assert not marker.exists()
    assert opened == []
    assert not {"os", "pathlib", "subprocess", "shutil"} & set(imported)


def test_module_never_calls_eval_exec_or_compile():
    tree = ast.parse(Path(expr_module.__file__).read_text(encoding="utf-8"))
    forbidden = {"eval", "exec", "compile", "__import__", "literal_eval", "execfile"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            assert name not in forbidden, f"{name}() at line {node.lineno}"


# --------------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------------


def test_to_expr_value():
    pct = to_expr_value(iv("[17.5, 18.5)"), "%")
    assert same(pct.interval, iv("[0.175, 0.185)")) and pct.unit == "" and pct.ratio
    assert to_expr_value(iv("[17.5, 18.5)"), "percent") == pct
    assert to_expr_value(iv("[17.5, 18.5)"), "per cent") == pct
    pp = to_expr_value(iv("[2.45, 2.55)"), "pp")
    assert pp.unit == "pp" and not pp.ratio and same(pp.interval, Interval(0.0245, 0.0255, True, False))
    ratio = to_expr_value(iv("[1.5, 2.5)"), "x")
    assert ratio == UValue(iv("[1.5, 2.5)"), "", True)
    money = to_expr_value(iv("[5.55, 5.65)"), "USD", scale=1e9)
    assert money.unit == "USD" and same(money.interval, iv("[5.55e9, 5.65e9)"))
    assert to_expr_value(iv("[14.5, 15.5)"), "branches").unit == "branches"
    assert to_expr_value(iv("[14.5, 15.5)"), "") == UValue(iv("[14.5, 15.5)"), "")
    assert to_expr_value(iv("[1, 2)"), "USD / barrel").unit == "USD/barrel"


def test_same_unit():
    assert same_unit("branches", "branch") and same_unit("Branches", "branch")
    assert same_unit("enterprises", "enterprise") and same_unit("companies", "company")
    assert same_unit("USD", "usd") and not same_unit("USD", "EUR")
    assert same_unit("USD/barrel", "USD per barrel") and same_unit("USD*USD", "USD * USD")
    assert not same_unit("USD", "") and same_unit("", "")


UNITS_OK = [
    ("usd + usd", "USD", False),
    ("usd + 1", "USD", False),  # a plain number takes the unit
    ("2 * usd", "USD", False),
    ("usd * pct", "USD", False),
    ("usd / 2", "USD", False),
    ("usd * usd", "USD*USD", False),
    ("usd / usd", "", True),  # USD / USD is a ratio, which meets a percentage as a fraction
    ("1 / usd", "1/USD", False),
    ("pct / usd", "1/USD", False),
    ("usd * usd / usd", "USD", False),
    ("pct - pct2", "", True),
    ("pct + 0.01", "", True),
    ("pct - pct2 + pp", "pp", False),  # percentage points are a difference of fractions
    ("min(usd, 5e9)", "USD", False),
    ("abs(-usd)", "USD", False),
    ("a + b", "", False),
]


@pytest.mark.parametrize("text, unit, ratio", UNITS_OK)
def test_units_combine(text, unit, ratio):
    result = run(text)
    assert (result.unit, result.ratio) == (unit, ratio)


def test_units_in_comparisons():
    assert run("pct == usd / usd") is F  # both dimensionless: compared
    assert run("usd > 1") is T
    assert run("pp < pct") is T
    env = dict(ENV, b=UValue(iv("[3, 4)"), "branches"), c=UValue(iv("[3, 4)"), "Branch"))
    assert run("b <= c", env) is U


UNITS_REFUSED = [
    ("usd + pct", "+", "cannot add a percentage or ratio to USD"),
    ("usd - eur", "-", "cannot subtract EUR from USD"),
    ("usd < eur", "<", "cannot compare USD with EUR"),
    ("usd == pct", "==", "cannot compare USD with a percentage or ratio"),
    ("a < usd + eur", "+", "cannot add EUR to USD"),
    ("usd * usd + usd", "+", "cannot add USD to USD*USD"),
    ("pp + usd", "+", "cannot add USD to pp"),
    ("usd / usd + usd", "+", "cannot add USD to a percentage or ratio"),
]


@pytest.mark.parametrize("text, symbol, message", UNITS_REFUSED)
def test_units_refused_at_the_operator(text, symbol, message):
    with pytest.raises(UnitMismatch) as info:
        run(text)
    assert info.value.message == message
    assert info.value.offset == text.index(f" {symbol} ") + 1
    assert isinstance(info.value, SyntaxProblem)


def test_unit_mismatch_in_min_max_and_claims_with_words():
    with pytest.raises(UnitMismatch) as info:
        run("max(usd, eur)")
    assert info.value.offset == 9
    env = dict(ENV, b=UValue(iv("[3, 4)"), "branches"))
    with pytest.raises(UnitMismatch) as info:
        run("usd + b", env)
    assert info.value.offset == 4


# --------------------------------------------------------------------------------------------------
# Evaluation errors
# --------------------------------------------------------------------------------------------------


def test_division_by_exact_zero():
    for text in ("a / 0", "a / y", "a / (c - c)", "a / (0 * x)"):
        with pytest.raises(SyntaxProblem) as info:
            run(text)
        assert info.value.message == "division by zero"
        assert info.value.offset == text.index("/")


def test_type_errors_in_evaluation():
    with pytest.raises(SyntaxProblem) as info:
        run("(a < b) + 1")
    assert "cannot be used as a number" in info.value.message and info.value.offset == 1
    with pytest.raises(SyntaxProblem) as info:
        run("a < b and c")
    assert "cannot be used as a condition" in info.value.message and info.value.offset == 10
    with pytest.raises(SyntaxProblem) as info:
        run("not a")
    assert info.value.offset == 4
    with pytest.raises(SyntaxProblem) as info:
        evaluate(parse_expr("a + b", known_ids=IDS), {"a": UValue(Interval.point(1))})
    assert "no value for claim id 'b'" in info.value.message and info.value.offset == 4


def test_env_accepts_intervals_and_numbers():
    e = parse_expr("a + b", known_ids=IDS)
    assert same(evaluate(e, {"a": Interval.point(1), "b": 2}).interval, Interval.point(3))


# --------------------------------------------------------------------------------------------------
# At the values as written (C104)
# --------------------------------------------------------------------------------------------------


def test_evaluate_at_uses_a_relative_tolerance():
    assert 0.1 + 0.2 != 0.3  # floats alone get such sums wrong
    e = parse_expr("a == b - c", known_ids=IDS)
    assert evaluate_at(e, {"a": 3.5, "b": 414.7, "c": 411.2}) is True
    assert evaluate_at(e, {"a": 3.6, "b": 414.7, "c": 411.2}) is False
    assert evaluate_at(parse_expr("a + b - c == 0", known_ids=IDS), {"a": 0.1, "b": 0.2, "c": 0.3}) is True
    assert evaluate_at(parse_expr("a + b - c < 0", known_ids=IDS), {"a": 0.1, "b": 0.2, "c": 0.3}) is False
    assert evaluate_at(parse_expr("a + b - c <= 0", known_ids=IDS), {"a": 0.1, "b": 0.2, "c": 0.3}) is True
    assert evaluate_at(parse_expr("a + b", known_ids=IDS), {"a": 1, "b": 2}) == 3.0
    assert evaluate_at(parse_expr("max(a, b) * 2", known_ids=IDS), {"a": 1, "b": 2}) == 4.0


def test_evaluate_at_checks_units_and_converts_percentages():
    e = parse_expr("pct == usd / eur", known_ids=IDS)
    assert evaluate_at(e, {"pct": (18, "%"), "usd": (9, "USD"), "eur": (50, "usd")}) is True
    with pytest.raises(UnitMismatch):
        evaluate_at(e, {"pct": (18, "%"), "usd": (9, "USD"), "eur": (50, "EUR")})
    written = {"pct": to_expr_value(Interval.point(18), "%"), "usd": UValue(Interval.point(1), "USD")}
    with pytest.raises(UnitMismatch):
        evaluate_at(parse_expr("pct < usd", known_ids=IDS), written)
    with pytest.raises(SyntaxProblem):
        evaluate_at(parse_expr("a / b", known_ids=IDS), {"a": 1, "b": 0})


# --------------------------------------------------------------------------------------------------
# Relations: holds / edge (C104) / violated (C103)
# --------------------------------------------------------------------------------------------------


def claims(**values):
    """claim id -> (written number, unit) in; (env of intervals, written points) out."""
    from decimal import Decimal

    env, written = {}, {}
    for name, (number, unit) in values.items():
        d = Decimal(str(number))
        h = float(Decimal(1).scaleb(d.as_tuple().exponent) / 2)  # half a unit of the last digit
        env[name] = to_expr_value(Interval.half_open(float(number) - h, float(number) + h), unit)
        written[name] = to_expr_value(Interval.point(float(number)), unit)
    return env, written


def judge(text, **values):
    env, written = claims(**values)
    return judge_relation(parse_expr(text, known_ids=set(values)), env, written)


def test_relation_holds_for_every_value():
    out = judge("branches_opened_4y <= branches_total", branches_opened_4y=(12, ""), branches_total=(15, ""))
    assert (out.status, out.truth, out.at_written, out.code) == ("holds", T, True, None)
    assert out.explanation == (
        "branches_opened_4y [11.5, 12.5) <= branches_total [14.5, 15.5): holds for every value"
    )


def test_relation_violated_is_c103():
    out = judge("branches_opened_4y <= branches_total", branches_opened_4y=(16, ""), branches_total=(15, ""))
    assert (out.status, out.truth, out.code) == ("violated", F, "C103")
    assert out.explanation.startswith("branches_opened_4y [15.5, 16.5) <= branches_total [14.5, 15.5): ")
    assert "no values" in out.explanation


def test_relation_that_holds_as_written_with_float_noise():
    out = judge("a == b - c", a=(3.5, ""), b=(414.7, ""), c=(411.2, ""))
    assert (out.status, out.truth, out.at_written) == ("holds", U, True)
    assert out.explanation.startswith("a [3.45, 3.55) == b - c → (3.4, 3.6) (where b [414.65, 414.75), c ")
    assert "holds at the values as written" in out.explanation


def test_relation_at_the_edge_is_c104():
    # 4.4 + 5.4 is 9.8, not 10. With 10 written as a whole number ([9.5, 10.5)) the intervals meet
    # ([4.35, 4.45) + [5.35, 5.45) = [9.7, 9.9)), yet the numbers as written disagree: the edge.
    # Written as 10.0 ([9.95, 10.05)), no values can satisfy it: violated.
    out = judge("total == a + b", total=(10, ""), a=(4.4, ""), b=(5.4, ""))
    assert (out.status, out.truth, out.at_written, out.code) == ("edge", U, False, "C104")
    assert "(10 == 9.8)" in out.explanation
    out = judge("total == a + b", total=(10.0, ""), a=(4.4, ""), b=(5.4, ""))
    assert out.status == "violated"
    # 15 opened of 15 in total: "fewer than" needs the rounding to go one way
    out = judge("opened < total", opened=(15, ""), total=(15, ""))
    assert (out.status, out.truth, out.at_written) == ("edge", U, False)


def test_relation_with_percentages_and_money():
    out = judge("share == part / whole", share=(18, "%"), part=(0.9, "billion USD"), whole=(5, "billion USD"))
    assert out.status == "holds"  # 0.9 / 5 = 0.18
    out = judge("share == part / whole", share=(25, "%"), part=(0.9, "USD"), whole=(5, "USD"))
    assert out.status == "violated"
    with pytest.raises(UnitMismatch):
        judge("share == part", share=(25, "%"), part=(0.9, "USD"))


def test_relation_with_compound_logic_and_repeated_ids():
    out = judge("a <= b and b <= c", a=(1, ""), b=(2, ""), c=(3, ""))
    assert out.status == "holds" and out.truth is T
    assert out.explanation.startswith("a [0.5, 1.5) <= b [1.5, 2.5); b [1.5, 2.5) <= c [2.5, 3.5)")
    out = judge("a < b <= c", a=(1, ""), b=(2, ""), c=(3, ""))
    assert out.explanation.startswith("a [0.5, 1.5) < b [1.5, 2.5) <= c [2.5, 3.5): ")
    out = judge("a - a == 0", a=(1, ""))
    assert out.status == "holds" and out.truth is U and "more than once" in out.explanation


def test_relation_must_be_a_comparison():
    with pytest.raises(SyntaxProblem) as info:
        judge("a + b", a=(1, ""), b=(2, ""))
    assert "must be a comparison" in info.value.message


def test_relation_not_evaluable_as_written():
    # the divisor's interval [-0.5, 0.5) contains 0 and 0 is the value written: decided by intervals only
    out = judge("a / b > 1", a=(1, ""), b=(0, ""))
    assert out.at_written is None and out.status == "holds"


# --------------------------------------------------------------------------------------------------
# Property: the interval evaluation encloses the evaluation at any points of the intervals
# --------------------------------------------------------------------------------------------------

FORMULAS = ["a * b - a / (b + 3)", "abs(a - b) * 2 + min(a, b)", "max(a, b) / (1 + abs(a))", "-(a + b) * (a - b)"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(FORMULAS),
    st.floats(-100, 100),
    st.floats(0.001, 10),
    st.floats(0, 1),
    st.floats(0.5, 20),
    st.floats(0.001, 10),
    st.floats(0, 1),
)
def test_interval_evaluation_encloses_points(formula, a0, aw, at, b0, bw, bt):
    a_iv, b_iv = Interval.closed(a0, a0 + aw), Interval.closed(b0, b0 + bw)
    a, b = a0 + at * aw, b0 + bt * bw
    e = parse_expr(formula, known_ids={"a", "b"})
    result = evaluate(e, {"a": UValue(a_iv), "b": UValue(b_iv)}).interval
    point = evaluate_at(e, {"a": a, "b": b})
    slack = 1e-9 * max(1.0, abs(point))
    assert result.low - slack <= point <= result.high + slack
    for op in ("<", "<=", "==", ">=", ">"):
        rel = parse_expr(f"{formula} {op} a", known_ids={"a", "b"})
        truth = evaluate(rel, {"a": UValue(a_iv), "b": UValue(b_iv)})
        if truth is T or truth is F:
            import operator as o

            fn = {"<": o.lt, "<=": o.le, "==": o.eq, ">=": o.ge, ">": o.gt}[op]
            exact = fn(point, a)
            assert exact == (truth is T) or math.isclose(point, a, rel_tol=1e-9, abs_tol=1e-12)
