"""Reading a YAML claims file fast: libyaml parses, we build plain data and the position of every node.

ruamel.yaml's round-trip loader (pure Python) keeps the line and column of every node, which every
error message and finding needs, but it reads a 1,000-claim file in about 1.6 s. The C parser of
ruamel.yaml.clib (libyaml, the ``oldlibyaml`` extra of ruamel.yaml) parses the same file in about
0.03 s and its events carry their marks, so this module builds from its events the plain Python
values the rest of factcheck reads, with a table of positions, resolving plain scalars by the same
YAML 1.2 rules as ruamel (its own resolver decides the tag; the values are built as its round-trip
constructor builds them, then made plain as :func:`factcheck._claims._plain` does).

The fast reader answers only for what it reproduces exactly; for anything else :func:`load` returns
None and the caller uses the round-trip loader, whose behaviour (and error messages) stay the
reference: invalid YAML (every error message comes from ruamel), duplicate keys, explicit tags
(``!!int "5"``), anchors and aliases, merge keys (``<<``), keys that are not plain strings, empty
values (``key:`` with nothing after it: the two place them differently), ``%`` directives, the
characters that YAML 1.1 counts as line breaks and 1.2 does not (NEL, U+2028, U+2029), nesting
deeper than any claims file, several documents, or no C parser installed. ``tests/test_yamlread.py``
checks that both readers give the same data and the same positions on every YAML text of the tests
and on random trees.
"""

from __future__ import annotations

from typing import Any

Pos = tuple[int, int]

_TAG = "tag:yaml.org,2002:"


class _Fallback(Exception):
    """Something only the round-trip loader reproduces exactly."""


_parser_class: Any = None
_resolver: Any = None
_events: Any = None
_tag_of: Any = None  # an event's tag, or None: its slot ``ctag`` where ruamel keeps it behind a property

# What plain scalars have been read as (their values are immutable: text, numbers, booleans, null), and
# which plain keys resolve to text: a claims file repeats its keys and many of its values.
_VALUES: dict[str, Any] = {}
_TEXT_KEYS: set[str] = set()
_MEMO_SIZE = 100_000
_MISSING = object()


def _setup() -> bool:
    """Import the C parser (once); False when ruamel.yaml.clib is not installed."""
    global _parser_class, _resolver, _events, _tag_of
    if _parser_class is not None:
        return _parser_class is not False
    try:
        try:
            from _ruamel_yaml import CParser
        except ImportError:
            from _ruamel_yaml_clibz import CParser  # the zig-built successor, when that is what is installed
        from ruamel.yaml import events
        from ruamel.yaml.resolver import VersionedResolver
    except ImportError:
        _parser_class = False
        return False

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

    from operator import attrgetter

    # ``event.tag`` is a property of ruamel's events (str(ctag), None when ctag is None): reading the
    # slot itself says as much (tag given or not) and costs no Python call.
    fast_tag = all("ctag" in getattr(c, "__slots__", ()) and isinstance(getattr(c, "tag", None), property)
                   for c in (events.ScalarEvent, events.CollectionStartEvent))
    _tag_of = attrgetter("ctag" if fast_tag else "tag")
    _resolver = resolve
    _events = events
    _parser_class = CParser
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
    values: dict[tuple, Pos] = {}
    keys: dict[tuple, Pos] = {}
    ev = _events
    try:
        get = _parser_class(text).get_event
        get()  # the stream starts
        first = get()
        if first.__class__ is ev.StreamEndEvent:
            return None, {(): (1, 1)}, {}  # no document: only comments, or nothing
        data = _node(get, get(), (), values, keys, 0)
        get()  # the document ends
        if get().__class__ is not ev.StreamEndEvent:
            return None  # a second document: the round-trip loader says it expected one
    except (_Fallback, RecursionError):
        return None
    except Exception:  # noqa: BLE001 - every YAML error is reported by the round-trip loader
        return None
    return data, values, keys


_MAX_DEPTH = 200  # deeper than any claims file; the round-trip loader reports what is deeper still


def _node(get: Any, event: Any, loc: tuple, values: dict, keys: dict, depth: int) -> Any:
    """The value that starts with ``event``, reading the events of its content with ``get``.

    One loop over the events with a stack of the open lists and mappings (no call per node): a
    claims file has thousands of nodes."""
    ev = _events
    scalar_event = ev.ScalarEvent
    seq_start, seq_end = ev.SequenceStartEvent, ev.SequenceEndEvent
    map_start, map_end = ev.MappingStartEvent, ev.MappingEndEvent
    resolve = _resolver
    str_tag = _STR
    tag_of = _tag_of
    read = _VALUES
    read_get = read.get
    text_keys = _TEXT_KEYS
    missing = _MISSING
    root: list[Any] = []
    # the open containers, innermost last: (the container, its location, its depth, a mapping?)
    stack: list[tuple[Any, tuple, int, bool]] = []
    parent: Any = root
    is_map = False
    key: Any = None
    while True:
        # ``event`` starts the value at ``loc`` (at ``depth``); it goes into ``parent`` (under ``key``)
        mark = event.start_mark
        values[loc] = (mark.line + 1, mark.column + 1)
        if event.anchor is not None or depth > _MAX_DEPTH:
            raise _Fallback  # anchors and aliases: the round-trip loader shares the node, positions and all
        kind = event.__class__
        if kind is scalar_event:
            if tag_of(event) is not None:
                raise _Fallback  # an explicit tag, even "!"
            value = event.value
            if event.implicit[0]:
                if not value:
                    raise _Fallback  # an empty value: ruamel places it at the next token, libyaml after the colon
                known = read_get(value, missing)
                if known is missing:
                    known = _scalar(value)
                    if len(read) < _MEMO_SIZE:
                        read[value] = known
                value = known
            if is_map:
                parent[key] = value
            else:
                parent.append(value)
        else:
            if kind is not seq_start and kind is not map_start:
                raise _Fallback  # an alias (it has no tag)
            if tag_of(event) is not None:
                raise _Fallback
            value = [] if kind is seq_start else {}
            if is_map:
                parent[key] = value
            else:
                parent.append(value)
            stack.append((value, loc, depth, kind is map_start))
        # the next value of the innermost open container, closing those that end
        while True:
            if not stack:
                return root[0]
            parent, ploc, pdepth, is_map = stack[-1]
            event = get()
            if is_map:
                if event.__class__ is map_end:
                    stack.pop()
                    continue
                if event.__class__ is not scalar_event or tag_of(event) is not None or event.anchor is not None:
                    raise _Fallback  # a list as a key, a tagged key, an alias
                key = event.value
                if event.implicit[0] and key not in text_keys:
                    if resolve(key) != str_tag:
                        raise _Fallback  # a key that is not plain text (a number, null, a merge key …)
                    if len(text_keys) < _MEMO_SIZE:
                        text_keys.add(key)
                if key in parent:
                    raise _Fallback  # a duplicate key: the round-trip loader says where
                loc = ploc + (key,)
                km = event.start_mark
                keys[loc] = (km.line + 1, km.column + 1)
                event = get()
            else:
                if event.__class__ is seq_end:
                    stack.pop()
                    continue
                loc = ploc + (len(parent),)
            depth = pdepth + 1
            break


_STR = _TAG + "str"
_TIMESTAMP = _TAG + "timestamp"
_INT = _TAG + "int"
_FLOAT = _TAG + "float"
_BOOL = _TAG + "bool"
_NULL = _TAG + "null"


def _scalar(text: str) -> Any:
    """A plain scalar's value, as ruamel's round-trip constructor gives it (YAML 1.2), made plain."""
    tag = _resolver(text)
    if tag == _STR or tag == _TIMESTAMP:
        return text  # dates stay the text they were written as (factcheck._claims keeps them so)
    if tag == _INT:
        return _int(text)
    if tag == _FLOAT:
        return _float(text)
    if tag == _BOOL:
        return text.lower() == "true"
    if tag == _NULL:
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
