"""Expressions over claim ids: ``relations:`` and ``compute``.

The claims file is data, never code. An expression is parsed with :func:`ast.parse` (parsing only) and
then checked node by node against a whitelist; anything not on it is refused with a
:class:`~factcheck._errors.SyntaxProblem` that carries the 0-based character offset of the offending
part of the text. Nothing is ever evaluated by Python: :func:`evaluate` walks the checked tree itself.
There is no ``eval``, ``exec`` or ``compile`` in this module (a test checks that).

Allowed:

- names, which must be claim ids (the caller passes the ids it knows);
- numbers (``int`` and ``float`` literals; not ``True``/``False``, not complex);
- ``+ - * /``, unary ``-`` and ``+``, parentheses;
- comparisons ``< <= == != >= >``, chained too (``a < b <= c`` is ``a < b and b <= c``);
- ``and``, ``or``, ``not``;
- calls to ``abs`` (one argument), ``min`` and ``max`` (two or more), positional arguments only;
- in a ``compute`` expression only: calls to ``ref``, ``sum`` and ``growth`` with keyword arguments only,
  each a string or number literal: ``ref(metric="exports", partner="Russia", period="2020")``.

Refused: everything else (attributes, subscripts, other names or calls, lambdas, comprehensions,
literals of strings elsewhere, f-strings, lists, dicts, sets, tuples, ``**``, ``//``, ``%``, bitwise
operators, ``is``, ``in``, conditional expressions, ``:=``, starred arguments, comments), text longer than
:data:`MAX_LENGTH` characters and trees nested deeper than :data:`MAX_DEPTH`.

Newlines in the text (a YAML block scalar) are read as spaces, so an expression may span lines; offsets
are always offsets into the text as given.

Evaluation
----------
:func:`evaluate` works in interval arithmetic (:mod:`factcheck._interval`) with units carried
(:class:`UValue`): ``+``, ``-``, comparisons, ``min`` and ``max`` need the same unit or a plain number
(which takes the other side's unit); ``*`` and ``/`` combine units (``USD / USD`` is dimensionless,
``USD / ""`` is ``USD``, ``"" / USD`` is ``1/USD``, ``USD * USD`` is ``USD*USD``). Any other mix is a
:class:`UnitMismatch` at the operator. Unit words compare case-insensitively, singular and plural alike
(``branch``/``branches``). A comparison gives a three-valued :class:`~factcheck._interval.Truth`.

A dimensionless value is one of two kinds (``UValue.ratio``): a *plain number* (a literal, a claim with
no unit), which takes any unit, and a *ratio* (a percentage as a fraction, ``2x``, ``USD / USD``), which is
a quantity of its own: it meets other ratios, plain numbers and percentage points (``pp``), but adding it
to money or comparing it with money is a :class:`UnitMismatch` (``usd_claim + percent_claim``).

**The dependency problem.** Interval evaluation treats every occurrence of a claim id as independent: in
``a - a`` the two ``a`` may take different values, so the result is ``[lo - hi, hi - lo]``, not 0. This is
sound but conservative: FALSE over the intervals really means no values satisfy the relation (C103 is
never raised wrongly), while TRUE and UNKNOWN may be over-cautious when an id appears more than once
(a relation may be reported as holding "at the values as written" where it actually holds for every
value). :func:`judge_relation` mentions it in its explanation when it applies.

:func:`evaluate_at` does the same evaluation at the values as written (floats), comparing with a relative
tolerance of 1e-9 (so that ``414.7 - 411.2 == 3.5`` holds); :func:`judge_relation` combines both into the
verdict for C103 (no values can satisfy) and C104 (holds only at the edge of the intervals).
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Collection, Literal, Mapping, Union

from factcheck._errors import SyntaxProblem
from factcheck._interval import (
    Interval,
    IntervalDivisionByZero,
    Truth,
    absolute,
    add,
    compare,
    div,
    maximum,
    minimum,
    mul,
    neg,
    sub,
    truth_and,
    truth_not,
    truth_or,
)

__all__ = [
    "MAX_LENGTH",
    "MAX_DEPTH",
    "REL_TOL",
    "CallSite",
    "Expr",
    "UValue",
    "UnitMismatch",
    "RelationOutcome",
    "parse_expr",
    "evaluate",
    "evaluate_at",
    "judge_relation",
    "to_expr_value",
    "same_unit",
]

MAX_LENGTH = 2000
MAX_DEPTH = 50
REL_TOL = 1e-9  # comparisons at the values as written (C104)

ARITHMETIC_FUNCTIONS = ("abs", "min", "max")
COMPUTE_FUNCTIONS = ("ref", "sum", "growth")


class UnitMismatch(SyntaxProblem):
    """Units that cannot be combined by an operator (USD + EUR, USD < branches)."""


# ---------------------------------------------------------------------------------------------------
# Parsed expressions
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallSite:
    """One ``ref(...)``, ``sum(...)`` or ``growth(...)`` in a compute expression."""

    func: str
    keywords: Mapping[str, Union[str, int, float]] = field(hash=False)
    offset: int  # 0-based character offset of the call in the expression text
    end_offset: int = 0
    text: str = ""  # the call as written

    def __str__(self) -> str:
        return self.text or f"{self.func}(...)"


@dataclass(frozen=True)
class Expr:
    text: str
    tree: ast.Expression = field(repr=False, compare=False)
    names: frozenset[str]
    calls: tuple[CallSite, ...] = ()
    compute: bool = False
    _source: "_Source" = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.text


class _Source:
    """The text that was parsed and the map from AST positions (UTF-8 byte columns) to offsets."""

    def __init__(self, original: str):
        # Newlines become spaces (same length, so offsets are unchanged); leading white space is cut
        # (eval mode refuses indentation) and added back to every offset.
        flat = original.replace("\\\r\n", "   ").replace("\\\n", "  ").replace("\\\r", "  ")
        flat = flat.replace("\r", " ").replace("\n", " ")
        stripped = flat.lstrip()
        self.original = original
        self.shift = len(flat) - len(stripped)
        self.parsed = stripped
        self.lines = stripped.split("\n")  # one line after flattening; kept general
        self._starts = [0]
        for line in self.lines[:-1]:
            self._starts.append(self._starts[-1] + len(line) + 1)

    def at(self, lineno: int | None, col: int | None) -> int:
        """Offset in the original text of (1-based line, UTF-8 byte column) of the parsed text."""
        if lineno is None or col is None:
            return self.shift
        index = min(max(lineno - 1, 0), len(self.lines) - 1)
        line = self.lines[index]
        chars = len(line.encode("utf-8")[:col].decode("utf-8", errors="ignore"))
        return self.shift + self._starts[index] + chars

    def start(self, node: ast.AST) -> int:
        return self.at(getattr(node, "lineno", None), getattr(node, "col_offset", None))

    def end(self, node: ast.AST) -> int:
        return self.at(getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None))

    def segment(self, node: ast.AST) -> str:
        return self.original[self.start(node) : self.end(node)].replace("\n", " ").replace("\r", " ")

    def find(self, symbol: str, after: ast.AST, before: ast.AST | None) -> int:
        """Offset of an operator written between two nodes (e.g. the ``+`` of a BinOp)."""
        lo = self.end(after)
        hi = self.start(before) if before is not None else len(self.original)
        found = self.original.find(symbol, lo, max(hi, lo))
        return found if found >= 0 else lo


_BIN_OPS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
}
_ALLOWED_BIN = (ast.Add, ast.Sub, ast.Mult, ast.Div)

_CMP_OPS: dict[type, str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.GtE: ">=",
    ast.Gt: ">",
    ast.Is: "is",
    ast.IsNot: "is",
    ast.In: "in",
    ast.NotIn: "not",
}
_ALLOWED_CMP = (ast.Lt, ast.LtE, ast.Eq, ast.NotEq, ast.GtE, ast.Gt)

_REFUSED: dict[type, str] = {
    ast.Attribute: "attribute access is",
    ast.Subscript: "subscripts are",
    ast.Slice: "slices are",
    ast.Lambda: "lambda is",
    ast.ListComp: "comprehensions are",
    ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are",
    ast.GeneratorExp: "generator expressions are",
    ast.JoinedStr: "f-strings are",
    ast.FormattedValue: "f-strings are",
    ast.NamedExpr: "assignment (:=) is",
    ast.IfExp: "conditional expressions (if ... else) are",
    ast.Starred: "starred arguments are",
    ast.Dict: "dict literals are",
    ast.List: "list literals are",
    ast.Set: "set literals are",
    ast.Tuple: "tuples are",
    ast.Await: "await is",
    ast.Yield: "yield is",
    ast.YieldFrom: "yield is",
}


def parse_expr(text: str, *, known_ids: Collection[str], compute: bool = False) -> Expr:
    """Parse and check an expression. Raises :class:`SyntaxProblem` (with an offset into ``text``)."""
    if not isinstance(text, str):
        raise SyntaxProblem("an expression must be a string", 0)
    if len(text) > MAX_LENGTH:
        raise SyntaxProblem(
            f"expression is too long ({len(text):,} characters; at most {MAX_LENGTH:,})", MAX_LENGTH
        )
    if not text.strip():
        raise SyntaxProblem("empty expression", 0)
    nul = text.find("\x00")
    if nul >= 0:
        raise SyntaxProblem("expression contains a NUL character", nul)
    _check_brackets(text)
    src = _Source(text)
    try:
        tree = ast.parse(src.parsed, mode="eval")
    except SyntaxError as e:
        if e.offset and e.offset > 0:
            offset = _syntax_offset(src, e)
            message = e.msg
        else:
            offset, message = len(text.rstrip()), "incomplete expression"
        raise SyntaxProblem(f"invalid expression: {message}", offset) from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise SyntaxProblem("expression is too complex to parse", 0) from None
    assert isinstance(tree, ast.Expression)
    _check_depth(tree.body, src)
    checker = _Checker(src, frozenset(known_ids), compute)
    checker.check(tree.body)
    checker.check_comments()
    calls = tuple(sorted(checker.calls, key=lambda c: c.offset))
    return Expr(text, tree, frozenset(checker.names), calls, compute, src)


def _check_brackets(text: str) -> None:
    """Refuse brackets nested deeper than MAX_DEPTH before the parser sees them."""
    depth = 0
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise SyntaxProblem(
                    f"expression is nested too deeply (more than {MAX_DEPTH} levels)", i
                )
        elif ch in ")]}":
            depth -= 1
        i += 1


def _syntax_offset(src: _Source, e: SyntaxError) -> int:
    # SyntaxError.offset is 1-based and counts characters (not bytes) of its line.
    index = min(max((e.lineno or 1) - 1, 0), len(src.lines) - 1)
    return src.shift + src._starts[index] + min(max((e.offset or 1) - 1, 0), len(src.lines[index]))


def _check_depth(root: ast.expr, src: _Source) -> None:
    """Refuse trees nested deeper than MAX_DEPTH, without recursion (it protects the checker)."""
    stack: list[tuple[ast.AST, int]] = [(root, 1)]
    too_deep: int | None = None  # the first offset (leftmost) of a node below the limit
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            at = src.start(node)
            too_deep = at if too_deep is None else min(too_deep, at)
            continue
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1 if isinstance(child, ast.expr) else depth))
    if too_deep is not None:
        raise SyntaxProblem(f"expression is nested too deeply (more than {MAX_DEPTH} levels)", too_deep)


class _Checker:
    def __init__(self, src: _Source, known: frozenset[str], compute: bool):
        self.src = src
        self.known = known
        self.compute = compute
        self.names: set[str] = set()
        self.calls: list[CallSite] = []
        self.string_spans: list[tuple[int, int]] = []

    def refuse(self, message: str, node: ast.AST, offset: int | None = None) -> None:
        raise SyntaxProblem(message, self.src.start(node) if offset is None else offset)

    def functions(self) -> str:
        names = ARITHMETIC_FUNCTIONS + (COMPUTE_FUNCTIONS if self.compute else ())
        return ", ".join(names)

    def check(self, node: ast.AST) -> None:  # noqa: C901 - one branch per node type
        if isinstance(node, ast.Name):
            if node.id not in self.known:
                self.refuse(_unknown_id(node.id, self.known), node)
            self.names.add(node.id)
        elif isinstance(node, ast.Constant):
            self.check_number(node)
        elif isinstance(node, ast.BinOp):
            if not isinstance(node.op, _ALLOWED_BIN):
                symbol = _BIN_OPS.get(type(node.op), "?")
                at = self.src.find(symbol, node.left, node.right)
                self.refuse(f"operator '{symbol}' is not allowed (only + - * /)", node, at)
            self.check(node.left)
            self.check(node.right)
        elif isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Invert):
                self.refuse("operator '~' is not allowed", node)
            self.check(node.operand)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self.check(value)
        elif isinstance(node, ast.Compare):
            left = node.left
            for op, right in zip(node.ops, node.comparators):
                if not isinstance(op, _ALLOWED_CMP):
                    symbol = _CMP_OPS.get(type(op), "?")
                    word = {ast.IsNot: "is not", ast.NotIn: "not in"}.get(type(op), symbol)
                    at = self.src.find(symbol, left, right)
                    self.refuse(
                        f"operator '{word}' is not allowed (only < <= == != >= >)", node, at
                    )
                left = right
            self.check(node.left)
            for right in node.comparators:
                self.check(right)
        elif isinstance(node, ast.Call):
            self.check_call(node)
        else:
            what = _REFUSED.get(type(node), f"{type(node).__name__} is")
            self.refuse(f"{what} not allowed in an expression", node)

    def check_number(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            if isinstance(value, (str, bytes)):
                where = " (except as a keyword value of ref, sum, growth)" if self.compute else ""
                self.refuse(f"strings are not allowed in an expression{where}", node)
            self.refuse(f"{value!r} is not allowed in an expression (only numbers)", node)
        try:
            f = float(value)
        except OverflowError:
            f = math.inf
        if not math.isfinite(f):
            self.refuse("number is too large", node)

    def check_call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Name):
            self.refuse(f"only these functions can be called: {self.functions()}", node)
        name = func.id
        if name in ARITHMETIC_FUNCTIONS:
            if node.keywords:
                self.refuse(f"{name}() takes positional arguments only", node.keywords[0])
            for arg in node.args:
                if isinstance(arg, ast.Starred):
                    self.refuse("starred arguments are not allowed in an expression", arg)
            if name == "abs" and len(node.args) != 1:
                self.refuse(f"abs() takes one argument, not {len(node.args)}", node)
            if name in ("min", "max") and len(node.args) < 2:
                self.refuse(f"{name}() takes two or more arguments", node)
            for arg in node.args:
                self.check(arg)
            return
        if name in COMPUTE_FUNCTIONS:
            if not self.compute:
                self.refuse(f"{name}() is allowed only in a compute expression", node)
            if node.args:
                self.refuse(
                    f"{name}() takes keyword arguments only, e.g. {name}(metric=\"exports\")",
                    node.args[0],
                )
            keywords: dict[str, Union[str, int, float]] = {}
            for kw in node.keywords:
                if kw.arg is None:
                    self.refuse("'**' arguments are not allowed in an expression", kw.value)
                if kw.arg in keywords:
                    self.refuse(f"{name}() has the keyword '{kw.arg}' twice", kw.value)
                value = kw.value
                if not isinstance(value, ast.Constant) or isinstance(value.value, bool) or not isinstance(
                    value.value, (str, int, float)
                ):
                    self.refuse(
                        f"the value of {name}({kw.arg}=...) must be a string or a number", value
                    )
                if not isinstance(value.value, str):
                    self.check_number(value)
                else:
                    self.string_spans.append((self.src.start(value), self.src.end(value)))
                keywords[kw.arg] = value.value
            start, end = self.src.start(node), self.src.end(node)
            self.calls.append(
                CallSite(name, MappingProxyType(keywords), start, end, self.src.segment(node))
            )
            return
        self.refuse(f"function '{name}' is not allowed (only {self.functions()})", node)

    def check_comments(self) -> None:
        """'#' outside a string literal starts a comment, which would hide the rest of the line."""
        text = self.src.original
        start = 0
        while (at := text.find("#", start)) >= 0:
            if not any(lo <= at < hi for lo, hi in self.string_spans):
                raise SyntaxProblem("comments ('#') are not allowed in an expression", at)
            start = at + 1


def _unknown_id(name: str, known: Collection[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown claim id '{name}'{hint}"


# ---------------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------------

_PERCENT = {"%", "percent", "per cent", "percents", "percentage", "pct"}
_POINTS = {"pp", "p.p.", "percentage point", "percentage points", "percent point", "percent points"}
_RATIO = {"x", "times", "ratio", "×"}


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _unit_key(word: str) -> str:
    return _singular(word.strip().casefold())


_UnitMap = dict[str, tuple[str, int]]  # key -> (display, power)


def _parse_unit(unit: str) -> _UnitMap:
    result: _UnitMap = {}
    text = unit.strip().replace(" per ", "/")
    if not text:
        return result
    parts = text.split("/")
    for i, part in enumerate(parts):
        sign = 1 if i == 0 else -1
        for word in part.split("*"):
            word = word.strip().strip("()").strip()
            if not word or word == "1":
                continue
            key = _unit_key(word)
            display, power = result.get(key, (word, 0))
            result[key] = (display, power + sign)
    return {k: v for k, v in result.items() if v[1] != 0}


def _render_unit(units: _UnitMap) -> str:
    num: list[str] = []
    den: list[str] = []
    for _, (display, power) in sorted(units.items()):
        (num if power > 0 else den).extend([display] * abs(power))
    text = "*".join(num)
    if den:
        text = (text or "1") + "/" + ("*".join(den) if len(den) == 1 else "(" + "*".join(den) + ")")
    return text


def _canonical_unit(unit: str) -> str:
    return _render_unit(_parse_unit(unit))


def same_unit(a: str, b: str) -> bool:
    """Units are equal: case-insensitively, singular and plural alike, compound units by their parts."""
    pa, pb = _parse_unit(a), _parse_unit(b)
    return {k: p for k, (_, p) in pa.items()} == {k: p for k, (_, p) in pb.items()}


def _unit_mul(a: str, b: str, sign: int) -> str:
    result = dict(_parse_unit(a))
    for key, (display, power) in _parse_unit(b).items():
        old_display, old_power = result.get(key, (display, 0))
        result[key] = (old_display, old_power + sign * power)
    return _render_unit({k: v for k, v in result.items() if v[1] != 0})


def _unit_join(a: "_Q", b: "_Q") -> tuple[str, bool] | None:
    """The (unit, ratio) of a + b (or of a comparison, min, max); None when they do not mix.

    The same unit; or a plain number, which takes the other's unit; two ratios (percentages, ``x``,
    USD / USD) give a ratio; a ratio meets percentage points (``pp``, a difference of fractions).
    A ratio against money or any other unit is a mismatch (18% + 5 billion USD is meaningless).
    """
    if not a.unit and not a.ratio:
        return b.unit, b.ratio
    if not b.unit and not b.ratio:
        return a.unit, a.ratio
    if a.ratio and b.ratio:
        return "", True
    if a.ratio or b.ratio:
        other = b if a.ratio else a
        return (other.unit, False) if same_unit(other.unit, "pp") else None
    return (a.unit, False) if same_unit(a.unit, b.unit) else None


def _unit_product(a: "_Q", b: "_Q", sign: int) -> tuple[str, bool]:
    """The (unit, ratio) of a * b (sign 1) or a / b (sign -1): USD / USD is a ratio, "" / USD 1/USD."""
    unit = _unit_mul(a.unit, b.unit, sign)
    ratio = not unit and (a.ratio or b.ratio or bool(a.unit) or bool(b.unit))
    return unit, ratio


# ---------------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UValue:
    """A quantity in an expression: an interval of values and a unit ("" for a plain number)."""

    interval: Interval
    unit: str = ""
    # A dimensionless quantity of its own (a percentage as a fraction, a ratio ``x``, USD / USD). Unlike
    # a plain number (unit "" and not a ratio: literals, claims without a unit), it does not take the
    # unit of the other side: ``usd_claim + percent_claim`` is a UnitMismatch, ``usd_claim + 1`` is not.
    ratio: bool = False

    def __str__(self) -> str:
        return f"{self.interval} {self.unit}" if self.unit else str(self.interval)


def to_expr_value(interval: Interval, unit: str, *, scale: float = 1.0) -> UValue:
    """A claim's interval as it enters an expression (contract, "Units in expressions").

    - a percentage (``%``, ``percent``) is a fraction with no unit: 18% [17.5, 18.5) -> [0.175, 0.185);
    - percentage points (``pp``) are fractions too, keeping the unit ``pp`` (2.5 pp -> [0.0245, 0.0255)
      pp), so that ``change_pp == share_2021 - share_2020`` compares like with like;
    - a ratio (``x``, ``times``) is a plain number;
    - any other unit is kept (canonical spelling of compound units), the interval multiplied by
      ``scale`` (pass 1e9 for a value in billions: money is in base units).
    """
    word = (unit or "").strip()
    key = word.casefold()
    if key in _PERCENT or key in _POINTS:
        iv = Interval(interval.low / 100, interval.high / 100, interval.low_closed, interval.high_closed)
        return UValue(iv, "pp", False) if key in _POINTS else UValue(iv, "", True)
    if scale != 1:
        if scale <= 0:
            raise ValueError("scale must be positive")
        interval = Interval(
            interval.low * scale, interval.high * scale, interval.low_closed, interval.high_closed
        )
    if key in _RATIO:
        return UValue(interval, "", True)
    if not key:
        return UValue(interval, "")
    return UValue(interval, _canonical_unit(word))


# ---------------------------------------------------------------------------------------------------
# Evaluation: one walker, two domains (intervals with Truth; points with bool)
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _P:
    """A value at the numbers as written, with the magnitude of what went into it (for the tolerance)."""

    x: float
    mag: float

    def __str__(self) -> str:
        return _fmt_point(self.x)


def _fmt_point(x: float) -> str:
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.10g}"


class _IntervalDomain:
    def const(self, x: float) -> Interval:
        return Interval.point(x)

    def coerce(self, v: Any) -> Interval:
        if isinstance(v, Interval):
            return v
        return Interval.point(float(v))

    add = staticmethod(add)
    sub = staticmethod(sub)
    mul = staticmethod(mul)
    div = staticmethod(div)
    neg = staticmethod(neg)
    abs = staticmethod(absolute)

    def min(self, xs: list[Interval]) -> Interval:
        return minimum(*xs)

    def max(self, xs: list[Interval]) -> Interval:
        return maximum(*xs)

    def compare(self, a: Interval, op: str, b: Interval) -> Truth:
        return compare(a, op, b)

    def conj(self, ts: list[Truth]) -> Truth:
        return truth_and(*ts)

    def disj(self, ts: list[Truth]) -> Truth:
        return truth_or(*ts)

    def negate(self, t: Truth) -> Truth:
        return truth_not(t)


class _PointDomain:
    def const(self, x: float) -> _P:
        return _P(x, abs(x))

    def coerce(self, v: Any) -> _P:
        if isinstance(v, _P):
            return v
        if isinstance(v, Interval):
            if v.low != v.high:
                raise ValueError(f"a value as written must be a single number, not {v}")
            v = v.low
        return self.const(float(v))

    def add(self, a: _P, b: _P) -> _P:
        r = a.x + b.x
        return _P(r, max(a.mag, b.mag, abs(r)))

    def sub(self, a: _P, b: _P) -> _P:
        r = a.x - b.x
        return _P(r, max(a.mag, b.mag, abs(r)))

    def mul(self, a: _P, b: _P) -> _P:
        r = a.x * b.x
        return _P(r, max(abs(r), a.mag * abs(b.x), b.mag * abs(a.x)))

    def div(self, a: _P, b: _P) -> _P:
        if b.x == 0:
            raise IntervalDivisionByZero("division by zero")
        r = a.x / b.x
        return _P(r, max(abs(r), a.mag / abs(b.x), abs(r) * b.mag / abs(b.x)))

    def neg(self, a: _P) -> _P:
        return _P(-a.x, a.mag)

    def abs(self, a: _P) -> _P:
        return _P(abs(a.x), a.mag)

    def min(self, xs: list[_P]) -> _P:
        return min(xs, key=lambda p: p.x)

    def max(self, xs: list[_P]) -> _P:
        return max(xs, key=lambda p: p.x)

    def compare(self, a: _P, op: str, b: _P) -> bool:
        scale = max(abs(a.x), abs(b.x), a.mag, b.mag)
        close = abs(a.x - b.x) <= REL_TOL * scale
        if op == "==":
            return close
        if op == "!=":
            return not close
        if op == "<":
            return a.x < b.x and not close
        if op == "<=":
            return a.x <= b.x or close
        if op == ">":
            return a.x > b.x and not close
        return a.x >= b.x or close

    def conj(self, ts: list[bool]) -> bool:
        return all(ts)

    def disj(self, ts: list[bool]) -> bool:
        return any(ts)

    def negate(self, t: bool) -> bool:
        return not t


@dataclass(frozen=True)
class _Q:
    """A number inside the walker: a domain value (Interval or _P) and a unit."""

    v: Any
    unit: str
    ratio: bool = False


@dataclass
class _Link:
    """One comparison as evaluated, for explanations."""

    left: ast.expr
    op: str
    right: ast.expr
    lv: _Q
    rv: _Q
    result: Any


_BIN_FUNCS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div"}
_CMP_SYMBOLS = {ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!=", ast.GtE: ">=", ast.Gt: ">"}


class _Walker:
    def __init__(
        self,
        expr: Expr,
        domain: Any,
        env: Mapping[str, Any],
        call: Callable[[CallSite], Any] | None,
    ):
        self.expr = expr
        self.src: _Source = expr._source if expr._source is not None else _Source(expr.text)
        self.d = domain
        self.env = env
        self.call = call
        self.links: list[_Link] = []
        self.sites = {c.offset: c for c in expr.calls}

    def problem(self, message: str, offset: int, cls: type = SyntaxProblem) -> SyntaxProblem:
        return cls(message, offset)

    def quantity(self, value: Any, what: str, offset: int) -> _Q:
        """An environment or call value as a _Q."""
        if isinstance(value, tuple) and len(value) == 2:  # (number or Interval, unit as written)
            number, unit = value
            iv = number if isinstance(number, Interval) else Interval.point(float(number))
            value = to_expr_value(iv, unit or "")
        if isinstance(value, UValue):
            return _Q(self.d.coerce(value.interval), value.unit, value.ratio)
        if isinstance(value, (Interval, int, float)) and not isinstance(value, bool):
            return _Q(self.d.coerce(value), "")
        raise self.problem(f"{what} has no numeric value", offset)

    def number(self, node: ast.expr) -> _Q:
        v = self.run(node)
        if not isinstance(v, _Q):
            raise self.problem(
                "a comparison (true/false) cannot be used as a number", self.src.start(node)
            )
        return v

    def truth(self, node: ast.expr) -> Any:
        v = self.run(node)
        if isinstance(v, _Q):
            raise self.problem(
                "a number cannot be used as a condition (compare it with something)",
                self.src.start(node),
            )
        return v

    def run(self, node: ast.expr) -> Any:  # noqa: C901
        src = self.src
        if isinstance(node, ast.Name):
            if node.id not in self.env:
                raise self.problem(f"no value for claim id '{node.id}'", src.start(node))
            return self.quantity(self.env[node.id], f"claim '{node.id}'", src.start(node))
        if isinstance(node, ast.Constant):
            return _Q(self.d.const(float(node.value)), "")
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return self.d.negate(self.truth(node.operand))
            q = self.number(node.operand)
            return _Q(self.d.neg(q.v), q.unit, q.ratio) if isinstance(node.op, ast.USub) else q
        if isinstance(node, ast.BinOp):
            a, b = self.number(node.left), self.number(node.right)
            symbol = _BIN_OPS[type(node.op)]
            at = src.find(symbol, node.left, node.right)
            if isinstance(node.op, (ast.Add, ast.Sub)):
                joined = _unit_join(a, b)
                if joined is None:
                    raise self.problem(
                        f"cannot {'add' if symbol == '+' else 'subtract'} "
                        f"{_unit_name(b)} {'to' if symbol == '+' else 'from'} {_unit_name(a)}",
                        at,
                        UnitMismatch,
                    )
                unit, ratio = joined
            else:
                unit, ratio = _unit_product(a, b, 1 if symbol == "*" else -1)
            try:
                value = getattr(self.d, _BIN_FUNCS[type(node.op)])(a.v, b.v)
            except IntervalDivisionByZero:
                raise self.problem("division by zero", at) from None
            return _Q(value, unit, ratio)
        if isinstance(node, ast.BoolOp):
            ts = [self.truth(v) for v in node.values]
            return self.d.conj(ts) if isinstance(node.op, ast.And) else self.d.disj(ts)
        if isinstance(node, ast.Compare):
            results = []
            left_node, left = node.left, self.number(node.left)
            for op, right_node in zip(node.ops, node.comparators):
                right = self.number(right_node)
                symbol = _CMP_SYMBOLS[type(op)]
                if _unit_join(left, right) is None:
                    raise self.problem(
                        f"cannot compare {_unit_name(left)} with {_unit_name(right)}",
                        src.find(symbol, left_node, right_node),
                        UnitMismatch,
                    )
                result = self.d.compare(left.v, symbol, right.v)
                self.links.append(_Link(left_node, symbol, right_node, left, right, result))
                results.append(result)
                left_node, left = right_node, right
            return results[0] if len(results) == 1 else self.d.conj(results)
        if isinstance(node, ast.Call):
            name = node.func.id  # type: ignore[attr-defined]  # checked by the parser
            if name in COMPUTE_FUNCTIONS:
                site = self.sites.get(src.start(node))
                if self.call is None or site is None:
                    raise self.problem(f"{name}() needs reference data here", src.start(node))
                return self.quantity(self.call(site), f"{name}()", src.start(node))
            args = [self.number(a) for a in node.args]
            if name == "abs":
                return _Q(self.d.abs(args[0].v), args[0].unit, args[0].ratio)
            acc = args[0]
            for arg_node, arg in zip(node.args[1:], args[1:]):
                joined = _unit_join(acc, arg)
                if joined is None:
                    raise self.problem(
                        f"cannot take {name}() of {_unit_name(acc)} and {_unit_name(arg)}",
                        src.start(arg_node),
                        UnitMismatch,
                    )
                acc = _Q(None, *joined)
            values = [a.v for a in args]
            return _Q(self.d.min(values) if name == "min" else self.d.max(values), acc.unit, acc.ratio)
        # parse_expr refuses everything else; a hand-made Expr is refused here too.
        raise self.problem(f"{type(node).__name__} is not allowed in an expression", src.start(node))


def _unit_name(q: _Q) -> str:
    if q.unit:
        return q.unit
    return "a percentage or ratio" if q.ratio else "a plain number"


def _walk(expr: Expr, domain: Any, env: Mapping[str, Any], call: Any) -> tuple[Any, _Walker]:
    walker = _Walker(expr, domain, env, call)
    return walker.run(expr.tree.body), walker


def evaluate(
    expr: Expr,
    env: Mapping[str, UValue],
    *,
    call: Callable[[CallSite], UValue] | None = None,
) -> UValue | Truth:
    """Evaluate over intervals. A number gives a :class:`UValue`, a comparison a :class:`Truth`.

    ``env`` maps claim ids to values (a :class:`UValue`; an :class:`Interval` or number is a plain
    number). ``call`` answers ``ref``/``sum``/``growth`` in compute expressions. Raises
    :class:`SyntaxProblem` (division by exactly zero, a comparison used as a number, a missing value)
    and :class:`UnitMismatch`, each with the offset of the operator or operand concerned.
    """
    value, _ = _walk(expr, _IntervalDomain(), env, call)
    if isinstance(value, _Q):
        return UValue(value.v, value.unit, value.ratio)
    return value


def evaluate_at(
    expr: Expr,
    env_points: Mapping[str, Any],
    *,
    call: Callable[[CallSite], Any] | None = None,
) -> bool | float:
    """Evaluate at the values as written: a float for a number, a bool for a comparison.

    ``env_points`` maps claim ids to a number, a ``(number, unit)`` pair or a :class:`UValue` whose
    interval is a single point. Units are checked as in :func:`evaluate`. Comparisons use a relative
    tolerance of :data:`REL_TOL`, relative to the largest magnitude that went into either side (so
    ``414.7 - 411.2 == 3.5`` and ``0.1 + 0.2 - 0.3 == 0`` hold).
    """
    value, _ = _walk(expr, _PointDomain(), env_points, call)
    if isinstance(value, _Q):
        return value.v.x
    return value


# ---------------------------------------------------------------------------------------------------
# Relations: C103 and C104
# ---------------------------------------------------------------------------------------------------

Status = Literal["holds", "edge", "violated"]


@dataclass(frozen=True)
class RelationOutcome:
    """The judgement of one relation.

    ``status``: ``violated`` (C103) when no values within the claims' intervals satisfy it (FALSE over
    the intervals); ``edge`` (C104) when it is not FALSE over the intervals but false at the values as
    written; ``holds`` otherwise (TRUE over the intervals, or UNKNOWN and true as written, or UNKNOWN
    and not evaluable as written).
    """

    status: Status
    truth: Truth  # over the intervals
    at_written: bool | None  # at the values as written; None when that cannot be evaluated
    explanation: str

    @property
    def code(self) -> str | None:
        return {"violated": "C103", "edge": "C104"}.get(self.status)


def judge_relation(
    expr: Expr,
    env: Mapping[str, UValue],
    written: Mapping[str, Any],
    *,
    call: Callable[[CallSite], UValue] | None = None,
) -> RelationOutcome:
    """Judge a relation over the claims' intervals (``env``) and at their values as written.

    Raises :class:`SyntaxProblem` when the relation is not a comparison (or and/or/not of them), or
    on the errors of :func:`evaluate`.
    """
    truth, walker = _walk(expr, _IntervalDomain(), env, call)
    if not isinstance(truth, Truth):
        raise SyntaxProblem(
            "a relation must be a comparison (< <= == != >= >), not a number", walker.src.shift
        )
    at_written: bool | None
    point_walker: _Walker | None = None
    try:
        at_written, point_walker = _walk(expr, _PointDomain(), written, None if call is None else call)
        if not isinstance(at_written, bool):  # pragma: no cover - same tree, same shape
            at_written = None
    except (SyntaxProblem, ValueError, TypeError):
        at_written = None  # e.g. a written value missing, or a division by a written zero

    if truth is Truth.FALSE:
        status: Status = "violated"
        verdict = "no values within the intervals satisfy it"
    elif at_written is False:
        status = "edge"
        shown = _show_links(point_walker, points=True) if point_walker else ""
        verdict = (
            "holds only at the edge of the intervals: it needs the rounding to go one way, and is "
            f"false at the values as written ({shown})"
        )
    elif truth is Truth.TRUE:
        status = "holds"
        verdict = "holds for every value"
    else:
        status = "holds"
        if at_written:
            verdict = "holds at the values as written, though not for every value within the intervals"
        else:
            verdict = "holds for some values within the intervals"
        repeated = _repeated_names(expr)
        if repeated:
            verdict += (
                f" ({', '.join(repeated)} appear{'s' if len(repeated) == 1 else ''} more than once; "
                "interval evaluation treats each occurrence separately, so this is conservative)"
            )
    explanation = f"{_show_links(walker, points=False)}{_where(expr, walker, env)}: {verdict}"
    return RelationOutcome(status, truth, at_written, explanation)


def _repeated_names(expr: Expr) -> list[str]:
    counts: dict[str, int] = {}
    for node in ast.walk(expr.tree):
        if isinstance(node, ast.Name):
            counts[node.id] = counts.get(node.id, 0) + 1
    return sorted(name for name, n in counts.items() if n > 1)


def _show_value(q: _Q) -> str:
    return f"{q.v} {q.unit}" if q.unit else str(q.v)


def _show_side(src: _Source, node: ast.expr, q: _Q, points: bool) -> str:
    text = src.segment(node)
    if isinstance(node, ast.Constant):
        return text
    if points:
        return _show_value(q)
    if isinstance(node, ast.Name):
        return f"{text} {_show_value(q)}"
    return f"{text} → {_show_value(q)}"


def _show_links(walker: _Walker, *, points: bool) -> str:
    parts: list[str] = []
    previous: ast.expr | None = None
    for link in walker.links:
        right = f"{link.op} {_show_side(walker.src, link.right, link.rv, points)}"
        if previous is link.left:  # the next link of a chain: a < b <= c
            parts[-1] += f" {right}"
        else:
            parts.append(f"{_show_side(walker.src, link.left, link.lv, points)} {right}")
        previous = link.right
    return "; ".join(parts)


def _where(expr: Expr, walker: _Walker, env: Mapping[str, Any]) -> str:
    """The claims that are not a whole side of a comparison, with their intervals."""
    shown = {
        n.id
        for link in walker.links
        for n in (link.left, link.right)
        if isinstance(n, ast.Name)
    }
    hidden = []
    seen: set[str] = set()
    for node in sorted(
        (n for n in ast.walk(expr.tree) if isinstance(n, ast.Name)), key=walker.src.start
    ):
        if node.id in shown or node.id in seen or node.id not in env:
            continue
        seen.add(node.id)
        q = walker.quantity(env[node.id], node.id, 0)
        hidden.append(f"{node.id} {_show_value(q)}")
    return f" (where {', '.join(hidden)})" if hidden else ""
