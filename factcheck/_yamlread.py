"""Reading a YAML claims file fast: libyaml composes the node tree, we build plain data and positions.

ruamel.yaml's round-trip loader (pure Python) keeps the line and column of every node, which every
error message and finding needs, but it reads a 1,000-claim file in about 1.6 s. The C parser of
ruamel.yaml.clib (libyaml, the ``oldlibyaml`` extra of ruamel.yaml) composes the same file in
about 0.06 s and its nodes carry their marks, so this module turns its nodes into the plain Python
values the rest of factcheck reads, with a table of positions, resolving plain scalars by the same
YAML 1.2 rules as ruamel (its own resolver decides the tag; the values are built as its round-trip
constructor builds them, then made plain as :func:`factcheck._claims._plain` does).

The fast reader answers only for what it reproduces exactly; for anything else :func:`load` returns
None and the caller uses the round-trip loader, whose behaviour (and error messages) stay the
reference: invalid YAML (every error message comes from ruamel), duplicate keys, explicit tags
(``!!int "5"``), merge keys (``<<``), keys that are not plain strings, empty values (``key:`` with
nothing after it: the two place them differently), ``%`` directives, the characters that YAML 1.1
counts as line breaks and 1.2 does not (NEL, U+2028, U+2029), nesting deeper than any claims
file, or no C parser installed. ``tests/test_yamlread.py`` checks that both
readers give the same data and the same positions on every YAML file of the test suite.
"""

from __future__ import annotations

from typing import Any

Pos = tuple[int, int]

_PLAIN = "?"  # the tag our resolver gives a plain scalar or a collection without an explicit tag
_QUOTED = "!"  # ... and a quoted scalar without one

_TAG = "tag:yaml.org,2002:"


class _Fallback(Exception):
    """Something only the round-trip loader reproduces exactly."""


_parser_class: Any = None
_resolver: Any = None


def _setup() -> bool:
    """Import the C parser (once); False when ruamel.yaml.clib is not installed."""
    global _parser_class, _resolver
    if _parser_class is not None:
        return _parser_class is not False
    try:
        try:
            from _ruamel_yaml import CParser
        except ImportError:
            from _ruamel_yaml_clibz import CParser  # the zig-built successor, when that is what is installed
        from ruamel.yaml.resolver import VersionedResolver
    except ImportError:
        _parser_class = False
        return False

    class _Composer(CParser):  # type: ignore[misc, valid-type]
        """libyaml's composer with a resolver that only tells plain from quoted: we resolve later."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if isinstance(implicit, tuple):
                implicit = implicit[0]
            return _PLAIN if implicit else _QUOTED

        def descend_resolver(self, *args: Any) -> None:
            return None

        def ascend_resolver(self, *args: Any) -> None:
            return None

    # ruamel's YAML 1.2 implicit resolvers (first character -> [(tag, regexp)]), applied as its
    # BaseResolver.resolve applies them, memoised: its own resolve() costs 20 µs a scalar.
    table = VersionedResolver(version=(1, 2)).versioned_resolver
    anywhere = list(table.get(None, []))
    memo: dict[str, str] = {}

    def resolve(text: str) -> str:
        tag = memo.get(text)
        if tag is None:
            tag = _TAG + "str"
            for t, regexp in table.get(text[0] if text else "", []) + anywhere:
                if regexp.match(text):
                    tag = t
                    break
            if len(memo) < 100_000:
                memo[text] = tag
        return tag

    _resolver = resolve
    _parser_class = _Composer
    return True


def load(text: str) -> tuple[Any, dict[tuple, Pos], dict[tuple, Pos]] | None:
    """``(data, value_positions, key_positions)`` for ``text``, or None: use the round-trip loader.

    Positions are 1-based (line, column). ``value_positions[loc]`` is where the node at ``loc`` (a tuple
    of keys and indexes, ``()`` the root) starts; ``key_positions[loc]`` where the key ``loc[-1]`` of the
    mapping at ``loc[:-1]`` is written.
    """
    if "\n%" in text or text.startswith("%") or not _setup():
        return None
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        return None  # line breaks to libyaml (YAML 1.1), not to ruamel: the lines would be counted differently
    try:
        root = _parser_class(text).get_single_node()
    except Exception:  # noqa: BLE001 - every YAML error is reported by the round-trip loader
        return None
    if root is None:
        return None, {(): (1, 1)}, {}
    values: dict[tuple, Pos] = {}
    keys: dict[tuple, Pos] = {}
    try:
        data = _build(root, (), values, keys, 0)
    except (_Fallback, RecursionError):
        return None
    return data, values, keys


_MAX_DEPTH = 200  # deeper than any claims file; the round-trip loader reports what is deeper still


def _build(node: Any, loc: tuple, values: dict, keys: dict, depth: int) -> Any:
    mark = node.start_mark
    values[loc] = (mark.line + 1, mark.column + 1)
    tag = node.ctag.suffix  # the string the composer gave (ours, or an explicit tag)
    if depth > _MAX_DEPTH:
        raise _Fallback
    kind = node.id
    if kind == "scalar":
        if tag == _QUOTED:
            return node.value
        if tag != _PLAIN:
            raise _Fallback  # an explicit tag
        if not node.value:
            raise _Fallback  # an empty value: ruamel places it at the next token, libyaml after the colon
        return _scalar(node.value)
    if tag != _PLAIN:
        raise _Fallback
    if kind == "sequence":
        return [_build(item, loc + (i,), values, keys, depth + 1) for i, item in enumerate(node.value)]
    if kind == "mapping":
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            ktag = knode.ctag.suffix
            if knode.id != "scalar" or ktag not in (_PLAIN, _QUOTED):
                raise _Fallback  # a list as a key, or an explicit tag
            if ktag == _PLAIN and _resolver(knode.value) != _TAG + "str":
                raise _Fallback  # a key that is not plain text (a number, null, a merge key …)
            key = knode.value
            if key in out:
                raise _Fallback  # a duplicate key: the round-trip loader says where
            kloc = loc + (key,)
            km = knode.start_mark
            keys[kloc] = (km.line + 1, km.column + 1)
            out[key] = _build(vnode, kloc, values, keys, depth + 1)
        return out
    raise _Fallback


def _scalar(text: str) -> Any:
    """A plain scalar's value, as ruamel's round-trip constructor gives it (YAML 1.2), made plain."""
    tag = _resolver(text)
    if tag == _TAG + "str" or tag == _TAG + "timestamp":
        return text  # dates stay the text they were written as (factcheck._claims keeps them so)
    if tag == _TAG + "int":
        return _int(text)
    if tag == _TAG + "float":
        return _float(text)
    if tag == _TAG + "bool":
        return text.lower() == "true"
    if tag == _TAG + "null":
        return None
    raise _Fallback  # "=" (the value tag) and anything new


def _int(text: str) -> int:
    s = text.replace("_", "")
    sign = 1
    if s[:1] in "+-":
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if s.lower().startswith(prefix):
            return sign * int(s[2:], base)
    return sign * int(s)


def _float(text: str) -> float:
    s = text.replace("_", "").lower()
    if s in (".inf", "+.inf"):
        return float("inf")
    if s == "-.inf":
        return float("-inf")
    if s == ".nan":
        return float("nan")
    return float(s)
