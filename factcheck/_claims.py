"""Load a claims file (YAML, JSON or TOML) into resolved :class:`Claim` objects.

Every problem is collected with its position (``path:line:column``) and raised at the end as one
:class:`~factcheck._errors.InputError`. YAML and JSON are read with ruamel.yaml in round-trip mode so
every node keeps its line and column; TOML positions are found by a light scan of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

from factcheck._errors import InputError, Problem, SyntaxProblem

CLAIMS_SUFFIXES = (".yaml", ".yml", ".json", ".toml")
ID_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
ENTITY_DIMS = ("subject", "partner")

Pos = tuple[int, int]  # 1-based line and column


@dataclass(frozen=True)
class Settings:
    """Knobs that the configuration file and the command line may set."""

    hedges: dict[str, float] = field(default_factory=lambda: {"about": 0.10, "nearly": 0.10})
    match_threshold: float = 60.0  # minimal metric score (0-100)
    ambiguity_margin: float = 3.0  # best two within this many points: ambiguous
    c102_threshold: float = 1.5
    quote_threshold: float = 85.0


@dataclass(frozen=True)
class Claim:
    id: str
    line: int
    column: int
    value: Any  # factcheck._quantity.Quantity
    value_text: str
    period: Any  # factcheck._periods.Period
    period_given: bool
    kind: str
    kind_given: bool
    metric: str | None
    dims: dict[str, str]  # subject, partner and every `where` key
    where_keys: frozenset[str]
    quote: str | None = None
    compute: tuple[str, ...] = ()
    tolerance: str | None = None
    forecast: bool = False
    as_of: bool = False
    note: str = ""
    tags: tuple[str, ...] = ()
    ignore: dict[str, str] = field(default_factory=dict)
    positions: dict[str, Pos] = field(default_factory=dict)  # field -> position of its value

    def pos(self, name: str) -> Pos:
        return self.positions.get(name, (self.line, self.column))


@dataclass(frozen=True)
class Relation:
    expr: Any  # factcheck._expr.Expr
    text: str
    id: str | None
    note: str
    line: int
    column: int
    ignore: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    path: Path | None
    display: str | None
    title: str | None
    published: date | None
    url: str | None
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class ClaimsFile:
    path: Path
    display: str
    document: Document
    references: tuple[Any, ...]  # factcheck._reference.ReferenceSpec
    aliases: dict[str, tuple[str, ...]]
    claims: tuple[Claim, ...]
    relations: tuple[Relation, ...]
    settings: Settings

    @property
    def base_dir(self) -> Path:
        return self.path.parent


# --------------------------------------------------------------------------- reading


class _Reader:
    """Reads one file's text and knows where each node of it stands."""

    def __init__(self, path: Path, display: str):
        self.path = path
        self.display = display
        self.problems: list[Problem] = []

    def problem(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(self.display, pos[0], pos[1], message))

    def fail(self) -> None:
        if self.problems:
            raise InputError(sorted(set(self.problems), key=lambda p: (p.line, p.column, p.message)))


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 text file (BOM allowed); every failure is an InputError with a position."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(display, 0, 0, "file not found")) from None
    except IsADirectoryError:
        raise InputError(Problem(display, 0, 0, "is a folder, not a file")) from None
    except OSError as e:
        raise InputError(Problem(display, 0, 0, f"cannot read: {e.strerror or e}")) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise InputError(
            Problem(display, line, col, f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})")
        ) from None
    if "\x00" in text:
        i = text.index("\x00")
        line = text.count("\n", 0, i) + 1
        raise InputError(Problem(display, line, i - text.rfind("\n", 0, i), "NUL byte: this is not a text file"))
    return text


def _yaml():
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class _Constructor(RoundTripConstructor):
        """Round-trip constructor that keeps ISO dates as the strings they were written as."""

    _Constructor.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node)
    )
    y = YAML(typ="rt")
    y.Constructor = _Constructor
    y.allow_duplicate_keys = False
    return y


def _load_yaml(text: str, reader: _Reader) -> tuple[Any, Callable[[tuple], Pos], Callable[[tuple], Pos]]:
    """``(data, where, key_where)``: plain data, the position of the node at a location, and of a key.

    libyaml reads it when it can (:mod:`factcheck._yamlread`, 25 times faster); the round-trip loader
    otherwise, and always for the error messages."""
    from factcheck._yamlread import load as fast_load

    fast = fast_load(text)
    if fast is not None:
        data, values, keys = fast

        def where(loc: tuple) -> Pos:
            hit = values.get(loc)
            if hit is not None:
                return hit
            for k in range(len(loc) - 1, -1, -1):
                hit = values.get(loc[:k])
                if hit is not None:
                    return hit
            return (1, 1)

        def key_where(loc: tuple) -> Pos:
            return keys.get(tuple(loc)) or where(tuple(loc[:-1]))

        return data, where, key_where
    raw, where = _load_yaml_rt(text, reader)
    return _plain(raw), where, lambda loc: _key_position(raw, loc)


def _load_yaml_rt(text: str, reader: _Reader) -> tuple[Any, Callable[[tuple], Pos]]:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        data = _yaml().load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = " ".join(str(x) for x in (e.context, e.problem) if x) or "invalid YAML"
        msg = msg.replace("\n", " ")
        if "duplicate key" in msg:
            msg = "duplicate key: " + msg.split("found duplicate key", 1)[-1].split(" with value")[0].strip()
        reader.problem((line, col), f"invalid YAML: {msg}")
        reader.fail()
    except YAMLError as e:
        reader.problem((1, 1), f"invalid YAML: {e}".replace("\n", " "))
        reader.fail()
    except RecursionError:
        reader.problem((1, 1), "invalid YAML: nested too deeply")
        reader.fail()
    return data, lambda loc: _rt_position(data, loc)


def _rt_position(root: Any, loc: tuple) -> Pos:
    """Position of the node at ``loc`` (keys and indexes) in a ruamel round-trip tree.

    With a key last, the position of its value; a key that is not there gives its parent's position.
    """
    node = root
    pos: Pos = (1, 1)
    if hasattr(root, "lc") and root.lc.line is not None:
        pos = (root.lc.line + 1, root.lc.col + 1)
    for part in loc:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(part, int) and isinstance(node, list):
                if part >= len(node):
                    break
                if lc is not None:
                    ln, cl = lc.item(part)
                    pos = (ln + 1, cl + 1)
                node = node[part]
            elif isinstance(node, dict) and part in node:
                if lc is not None:
                    ln, cl = lc.value(part)
                    pos = (ln + 1, cl + 1)
                node = node[part]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return pos


def _key_position(root: Any, loc: tuple) -> Pos:
    """Position of the last key of ``loc`` itself (for unknown fields)."""
    parent = root
    for part in loc[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return _rt_position(root, loc[:-1])
    lc = getattr(parent, "lc", None)
    if lc is not None and isinstance(parent, dict) and loc and loc[-1] in parent:
        try:
            ln, cl = lc.key(loc[-1])
            return ln + 1, cl + 1
        except (KeyError, TypeError):
            pass
    return _rt_position(root, loc[:-1])


def _load_json(text: str, reader: _Reader) -> tuple[Any, Callable[[tuple], Pos], Callable[[tuple], Pos]]:
    import json

    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        reader.problem((e.lineno, e.colno), f"invalid JSON: {e.msg}")
        reader.fail()
    except RecursionError:
        reader.problem((1, 1), "invalid JSON: nested too deeply")
        reader.fail()
    # JSON is YAML: the round-trip loader gives the same data with positions.
    return _load_yaml(text.replace("\t", " "), reader)


class _TomlPositions:
    """Approximate positions in a TOML claims file: table headers and `key =` lines."""

    HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
    KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")

    def __init__(self, text: str):
        self.tables: dict[tuple, int] = {}
        self.keys: dict[tuple, Pos] = {}
        counts: dict[str, int] = {}
        current: tuple = ()
        for n, line in enumerate(text.splitlines(), 1):
            m = self.HEADER.match(line)
            if m:
                name = m.group(1)
                parts = tuple(name.split("."))
                if line.lstrip().startswith("[["):
                    i = counts.get(name, 0)
                    counts[name] = i + 1
                    current = (*parts, i)
                else:
                    if len(parts) > 1 and parts[0] in counts:
                        current = (parts[0], counts[parts[0]] - 1, *parts[1:])
                    else:
                        current = parts
                self.tables[current] = n
                continue
            m = self.KEY.match(line)
            if m:
                key = m.group(1).strip('"')
                col = line.index("=") + 1
                while col < len(line) and line[col] == " ":
                    col += 1
                self.keys[(*current, key)] = (n, col + 1)

    def __call__(self, loc: tuple) -> Pos:
        for k in range(len(loc), 0, -1):
            sub = tuple(loc[:k])
            if sub in self.keys:
                return self.keys[sub]
            if sub in self.tables:
                return (self.tables[sub], 1)
        return (1, 1)


def _load_toml(text: str, reader: _Reader) -> tuple[Any, Callable[[tuple], Pos], Callable[[tuple], Pos]]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        pos = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        reader.problem(pos, f"invalid TOML: {str(e).split(' (at')[0]}")
        reader.fail()
    data = _dates_to_text(data)
    where = _TomlPositions(text)
    return data, where, where


def _dates_to_text(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _dates_to_text(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_dates_to_text(x) for x in v]
    if isinstance(v, date):
        return v.isoformat()
    return v


def _plain(v: Any) -> Any:
    """ruamel's commented containers and scalar strings as plain Python values."""
    if isinstance(v, dict):
        return {str(k) if not isinstance(k, (int, float, bool)) else k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, str):
        return str(v)
    return v


# --------------------------------------------------------------------------- validation


def load_claims_file(path: Path, display: str | None = None, settings: Settings | None = None) -> ClaimsFile:
    """Read, validate and resolve a claims file. Raises InputError with every problem found.

    The cyclic garbage collector is paused meanwhile (when it runs): reading builds tens of thousands
    of small containers, none of them garbage, and its passes over them cost 4% of the load (measured)."""
    from factcheck._gc import paused

    with paused():
        return _load_claims_file(path, display, settings)


def _load_claims_file(path: Path, display: str | None, settings: Settings | None) -> ClaimsFile:
    display = display or str(path)
    reader = _Reader(path, display)
    text = read_text(path, display)
    if not text.strip():
        raise InputError(Problem(display, 1, 1, "the file is empty: a claims file needs at least `version: 1`"))
    suffix = path.suffix.lower()
    if suffix == ".json":
        data, where, key_where = _load_json(text, reader)
    elif suffix == ".toml":
        data, where, key_where = _load_toml(text, reader)
    else:
        data, where, key_where = _load_yaml(text, reader)
    if data is None:
        raise InputError(Problem(display, 1, 1, "the file holds no data: a claims file needs at least `version: 1`"))
    if not isinstance(data, dict):
        reader.problem(where(()), f"a claims file is a mapping (version, references, claims …), not a {_typename(data)}")
        reader.fail()
    model = _validate(data, reader, where, key_where)
    return _resolve(model, data, path, display, reader, where, settings or Settings())


def _typename(v: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(v), type(v).__name__)


def _validate(data: dict, reader: _Reader, where, key_where):
    from pydantic_core import ValidationError

    from factcheck._schema import known_fields, validate

    try:
        return validate(data)
    except ValidationError as e:
        seen: set[tuple] = set()
        for err in e.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and (p[:1].isupper() or p in _UNION_TAGS)))
            kind = err["type"]
            if kind == "extra_forbidden":
                name = str(loc[-1])
                allowed = [f for f in known_fields(loc[:-1]) if f != "hedges" or "defaults" in loc]
                hint = _did_you_mean(name, allowed)
                key = ("extra", loc)
                if key in seen:
                    continue
                seen.add(key)
                reader.problem(key_where(loc), f"unknown field '{name}'{hint}")
                continue
            if kind == "missing":
                key = ("missing", loc)
                if key in seen:
                    continue
                seen.add(key)
                reader.problem(where(loc[:-1]), f"missing required field '{loc[-1]}'")
                continue
            # Union members each report; keep the first message per location.
            key = ("type", loc)
            if key in seen:
                continue
            seen.add(key)
            parts = [str(p) for p in loc if not isinstance(p, int)]
            if len(parts) > 1 and parts[0] in ("claims", "references", "relations"):
                parts = parts[1:]  # the position already says which claim
            field_name = ".".join(parts) or "file"
            reader.problem(where(loc), f"{field_name}: {_pydantic_message(err)}")
        reader.fail()
        raise AssertionError("unreachable")  # pragma: no cover


_UNION_TAGS = {"str", "int", "float", "bool", "list[str]", "dict[str,str]", "literal['flow','stock','change','share']"}


def _pydantic_message(err: dict) -> str:
    kind = err["type"]
    inp = err.get("input")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{_show(inp)} is not allowed; expected {expected}"
    if kind in ("string_type", "int_type", "float_type", "bool_type", "list_type", "dict_type", "model_type",
                "model_attributes_type"):
        want = {"string_type": "text", "int_type": "a whole number", "float_type": "a number",
                "bool_type": "true or false", "list_type": "a list", "dict_type": "a mapping",
                "model_type": "a mapping", "model_attributes_type": "a mapping"}[kind]
        return f"expected {want}, got {_typename(inp)} {_show(inp)}"
    return err["msg"].replace("\n", " ")


def _show(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= 40 else s[:37] + "..."


def _did_you_mean(word: str, options: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _scalar_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return repr(v)
    return str(v)


def _resolve(model, data: dict, path: Path, display: str, reader: _Reader, where, settings: Settings) -> ClaimsFile:
    from factcheck._periods import parse_period
    from factcheck._quantity import apply_tolerance, parse_structured, parse_value
    from factcheck._reference import ReferenceSpec
    from factcheck._schema import REFERENCE_DEFAULTS

    read_lines: list[list[str]] = []  # the file's lines, read when an error position first needs them

    def char_at(pos: Pos) -> str:
        if not read_lines:
            read_lines.append(
                path.read_text(encoding="utf-8-sig", errors="replace").splitlines() if path.suffix.lower() != ".toml" else []
            )
        lines = read_lines[0]
        ln, cl = pos
        if 1 <= ln <= len(lines) and 1 <= cl <= len(lines[ln - 1]):
            return lines[ln - 1][cl - 1]
        return ""

    def at(loc: tuple, offset: int = 0) -> Pos:
        ln, cl = where(loc)
        if offset and char_at((ln, cl)) in ("'", '"'):
            cl += 1
        return ln, cl + offset

    base = path.parent

    # settings from the file
    hedges = dict(settings.hedges)
    defaults = model.get("defaults")
    if defaults is not None and defaults.get("hedges"):
        for k, v in defaults["hedges"].items():
            frac = _fraction(v)
            if frac is None:
                reader.problem(at(("defaults", "hedges", k)), f"hedge width {v!r} is not a percentage like '10%'")
            else:
                hedges[k] = frac
    settings = Settings(hedges=hedges, match_threshold=settings.match_threshold,
                        ambiguity_margin=settings.ambiguity_margin, c102_threshold=settings.c102_threshold,
                        quote_threshold=settings.quote_threshold)

    # document
    doc = model.get("document")
    published: date | None = None
    doc_path = None
    doc_display = None
    if doc is not None:
        if doc.get("published") is not None:
            try:
                p = parse_period(str(doc["published"]))
                if p.granularity != "day":
                    raise SyntaxProblem("published must be a day, like 2021-11-19", 0)
                published = p.start
            except SyntaxProblem as e:
                reader.problem(at(("document", "published"), e.offset), f"document.published: {e.message}")
        if doc.get("path"):
            doc_path = base / doc["path"]
            doc_display = str(Path(display).parent / doc["path"]) if Path(display).parent != Path(".") else doc["path"]
            if not doc_path.is_file():
                reader.problem(at(("document", "path")), f"document '{doc['path']}' not found")
    document = Document(doc_path, doc_display, doc.get("title") if doc else None, published,
                        doc.get("url") if doc else None, *(where(("document",)) if doc is not None else (0, 0)))

    # references
    refs = []
    for i, r in enumerate(model.get("references", ())):
        r = {**REFERENCE_DEFAULTS, **r}  # noqa: PLW2901
        rpath = base / r["path"]
        rdisplay = str(Path(display).parent / r["path"]) if Path(display).parent != Path(".") else r["path"]
        ln, cl = at(("references", i, "path"))
        if not rpath.exists():
            reader.problem((ln, cl), f"reference file '{r['path']}' not found")
        elif rpath.is_dir():
            reader.problem((ln, cl), f"reference '{r['path']}' is a folder, not a file")
        refs.append(
            ReferenceSpec(
                path=rpath, display_path=rdisplay, claims_path=display, line=ln, column=cl,
                layout=r["layout"], scale=r.get("scale"), unit=r.get("unit"), source=r.get("source"),
                set={k: _scalar_text(v) for k, v in r["set"].items()}, columns=dict(r["columns"]),
                aliases=list(r["aliases"]), decimal=r["decimal"],
            )
        )

    aliases = {k: tuple(v) for k, v in model.get("aliases", {}).items()}

    # claims
    dflt = {k: v for k, v in _given(defaults).items() if k != "hedges"} if defaults else {}
    for bad in ("id", "quote", "value"):
        if bad in dflt:
            reader.problem(at(("defaults", bad)), f"defaults.{bad}: a default {bad} makes no sense; set it on each claim")
    seen_ids: dict[str, Pos] = {}
    claims: list[Claim] = []
    if model.get("claims"):
        from factcheck._rules import BY_CODE
    for i, cm in enumerate(model.get("claims", ())):
        loc = ("claims", i)
        cpos = where(loc)
        merged = {**dflt, **_given(cm)}
        if "where" in dflt and cm.get("where") is not None:
            merged["where"] = {**dflt["where"], **cm["where"]}
        cid = cm["id"]
        ok = True
        if not ID_RE.match(cid):
            reader.problem(at(loc + ("id",)), f"claim id '{cid}' must match [a-z][a-z0-9_]* (it is a variable name in relations)")
            ok = False
        elif cid in seen_ids:
            first = seen_ids[cid]
            reader.problem(at(loc + ("id",)), f"duplicate claim id '{cid}' (first used at line {first[0]})")
            ok = False
        else:
            seen_ids[cid] = at(loc + ("id",))
        positions = {k: where(loc + (k,)) for k in cm}

        # value
        quantity = None
        raw_value = merged["value"]
        try:
            if isinstance(raw_value, dict):
                quantity = parse_structured(raw_value, hedges=hedges)
                value_text = quantity.text
            else:
                if isinstance(raw_value, bool):
                    raise SyntaxProblem("a value is a quantity, not true/false", 0)
                value_text = _scalar_text(raw_value) if not isinstance(raw_value, str) else raw_value
                quantity = parse_value(value_text, hedges=hedges)
        except SyntaxProblem as e:
            reader.problem(at(loc + ("value",), e.offset), f"value: {e.message}")
            ok = False
        if quantity is not None and merged.get("tolerance") is not None:
            try:
                quantity = apply_tolerance(quantity, merged["tolerance"])
            except SyntaxProblem as e:
                reader.problem(at(loc + ("tolerance",), e.offset), f"tolerance: {e.message}")
                ok = False

        # period
        period = None
        period_given = "period" in merged
        if period_given:
            try:
                period = parse_period(str(merged["period"]))
            except SyntaxProblem as e:
                ppos = at(loc + ("period",), e.offset) if "period" in cm else at(("defaults", "period"), e.offset)
                reader.problem(ppos, f"period: {e.message}")
                ok = False
        elif published is not None:
            from factcheck._periods import period_of_day

            period = period_of_day(published)
        else:
            reader.problem(cpos, f"claim '{cid}' has no period and the document has no `published` date to default to")
            ok = False

        forecast = merged.get("forecast")
        if forecast is None:
            forecast = bool(period is not None and published is not None and period.end > _next_day(published))
        kind = merged.get("kind")
        kind_given = kind is not None
        if kind is None and quantity is not None:
            kind = _infer_kind(quantity.unit, merged.get("metric"))
        compute = merged.get("compute")
        if isinstance(compute, str):
            compute = [compute]
        ignore = merged.get("ignore") or {}
        if isinstance(ignore, list):
            ignore = {c: "" for c in ignore}
        for code in ignore:
            if code not in BY_CODE:
                reader.problem(at(loc + ("ignore",)), f"ignore: unknown code '{code}'{_did_you_mean(code, list(BY_CODE))}")
        dims: dict[str, str] = {}
        for d in ENTITY_DIMS:
            if merged.get(d) is not None:
                dims[d] = merged[d]
        where_map = {k: _scalar_text(v) for k, v in (merged.get("where") or {}).items()}
        for k in where_map:
            if k in ("metric", "value", "period"):
                reader.problem(at(loc + ("where", k)), f"where: '{k}' is not a dimension; use the claim field")
        dims.update(where_map)
        if not ok or quantity is None or period is None:
            continue
        claims.append(
            _new_claim(
                id=cid, line=cpos[0], column=cpos[1], value=quantity, value_text=value_text,
                period=period, period_given=period_given, kind=kind or "stock", kind_given=kind_given,
                metric=merged.get("metric"), dims=dims, where_keys=frozenset(where_map),
                quote=merged.get("quote"), compute=tuple(compute or ()), tolerance=_opt_str(merged.get("tolerance")),
                forecast=forecast, as_of=bool(merged.get("as_of")), note=merged.get("note", ""),
                tags=tuple(merged.get("tags") or ()), ignore=dict(ignore), positions=positions,
            )
        )

    # relations
    relations: list[Relation] = []
    relation_pos: dict[int, tuple[Pos, str]] = {}
    all_ids = [c["id"] for c in model.get("claims", ())]
    for i, r in enumerate(model.get("relations", ())):
        loc = ("relations", i)
        if isinstance(r, str):
            text, rid, note, rign, eloc = r, None, "", {}, loc
        else:
            text, rid, note = r["expr"], r.get("id"), r.get("note") or ""
            rign = r.get("ignore") or {}
            if isinstance(rign, list):
                rign = {c: "" for c in rign}
            eloc = loc + ("expr",)
        try:
            from factcheck._expr import parse_expr

            expr = parse_expr(text, known_ids=all_ids)
        except SyntaxProblem as e:
            reader.problem(_offset_pos(at(eloc), text, e.offset, char_at), f"relation: {e.message}")
            continue
        ln, cl = where(eloc)
        relations.append(Relation(expr, text, rid, note, ln, cl, dict(rign)))
        relation_pos[id(relations[-1])] = (at(eloc), text)

    # compute expressions are checked here too, so a bad one is an input error with its position
    for i, cm in enumerate(model.get("claims", ())):
        comp = cm.get("compute")
        if comp is None:
            continue
        items = [comp] if isinstance(comp, str) else comp
        for j, text in enumerate(items):
            cloc = ("claims", i, "compute") if isinstance(comp, str) else ("claims", i, "compute", j)
            try:
                from factcheck._expr import parse_expr

                parse_expr(text, known_ids=all_ids, compute=True)
            except SyntaxProblem as e:
                reader.problem(_offset_pos(at(cloc), text, e.offset, char_at), f"compute: {e.message}")

    # relations are evaluated once here, so that a unit mixed wrongly is an input error at its place
    if not reader.problems and relations:
        from factcheck._checks import claim_env
        from factcheck._expr import judge_relation

        env, written = claim_env(claims)
        for rel in relations:
            try:
                judge_relation(rel.expr, env, written)
            except SyntaxProblem as e:
                start, text = relation_pos[id(rel)]
                reader.problem(_offset_pos(start, text, e.offset, char_at), f"relation: {e.message}")
    reader.fail()
    return ClaimsFile(
        path=path, display=display, document=document, references=tuple(refs), aliases=aliases,
        claims=tuple(claims), relations=tuple(relations), settings=settings,
    )


_new_object = object.__new__


def _new_claim(*, id: str, line: int, column: int, value: Any, value_text: str, period: Any, period_given: bool,
               kind: str, kind_given: bool, metric: str | None, dims: dict[str, str], where_keys: frozenset[str],
               quote: str | None, compute: tuple[str, ...], tolerance: str | None, forecast: bool, as_of: bool,
               note: str, tags: tuple[str, ...], ignore: dict[str, str], positions: dict[str, Pos]) -> Claim:
    """``Claim(...)`` with every field given, the same object built ten times faster: the frozen
    dataclass's ``__init__`` sets each of the 21 fields through ``object.__setattr__``, and a claims file
    has thousands of claims. ``tests/test_claims_fast.py`` checks that both build the same claim."""
    c = _new_object(Claim)
    c.__dict__.update(
        id=id, line=line, column=column, value=value, value_text=value_text, period=period,
        period_given=period_given, kind=kind, kind_given=kind_given, metric=metric, dims=dims,
        where_keys=where_keys, quote=quote, compute=compute, tolerance=tolerance, forecast=forecast,
        as_of=as_of, note=note, tags=tags, ignore=ignore, positions=positions,
    )
    return c


def _given(record: dict) -> dict:
    """The fields of a validated record that hold a value (a null is as good as left out), nested too."""
    return {k: _given(v) if isinstance(v, dict) and k == "value" else v for k, v in record.items() if v is not None}


def _offset_pos(start: Pos, text: str, offset: int, char_at: Callable[[Pos], str]) -> Pos:
    """Position of character ``offset`` of a scalar that starts at ``start`` (single-line scalars exact)."""
    ln, cl = start
    if char_at((ln, cl)) in ("'", '"'):
        cl += 1
    before = text[:offset]
    if "\n" in before:
        return ln + before.count("\n"), offset - before.rfind("\n")
    return ln, cl + offset


def _next_day(d: date) -> date:
    from datetime import timedelta

    return d + timedelta(days=1)


def _opt_str(v: Any) -> str | None:
    return None if v is None else str(v)


def _fraction(v: Any) -> float | None:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v) if v < 1 else float(v) / 100
    if isinstance(v, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", v)
        if m:
            return float(m.group(1)) / 100
    return None


_CHANGE_WORDS = re.compile(r"\b(growth|grow|grew|change|increase|decrease|rise|fall|decline|drop|gain)\b", re.I)


def _infer_kind(unit: str, metric: str | None) -> str:
    """The contract: absent, kind is inferred where it can be (a percentage of something is a share)."""
    if unit != "percent":
        return _kind_of_unit(unit)
    kind = _KIND_OF_PERCENT.get(metric)
    if kind is None:
        kind = _kind_of_unit(unit, metric)
        if len(_KIND_OF_PERCENT) < 4096:
            _KIND_OF_PERCENT[metric] = kind
    return kind


# The kind of a percentage by its metric, as found (a claims file names the same few metrics again and again).
_KIND_OF_PERCENT: dict[str | None, str] = {}


def _kind_of_unit(unit: str, metric: str | None = None) -> str:
    m = metric or ""
    if unit in ("pp", "x") or (unit == "percent" and _CHANGE_WORDS.search(m)):
        return "change"
    if unit == "percent":
        return "share"
    return "stock"


def find_claims_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand folders into the claims files they hold (sorted); report paths that do not exist."""
    out: list[Path] = []
    problems: list[Problem] = []
    for p in paths:
        if p.is_dir():
            found = sorted(
                f for f in p.rglob("*") if f.suffix.lower() in CLAIMS_SUFFIXES and f.is_file()
                and not any(part.startswith(".") or part == "data" for part in f.relative_to(p).parts[:-1])
            )
            found = [f for f in found if _looks_like_claims(f)]
            if not found:
                problems.append(Problem(str(p), 0, 0, "no claims files (.yaml, .yml, .json, .toml) in this folder"))
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            problems.append(Problem(str(p), 0, 0, "file not found"))
    return out, problems


def _looks_like_claims(path: Path) -> bool:
    """In a folder, a JSON/TOML/YAML file is a claims file when it says `version` and `claims`."""
    try:
        head = path.read_bytes()[:65536].decode("utf-8", errors="replace")
    except OSError:
        return False
    return "claims" in head and "version" in head
