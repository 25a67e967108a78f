"""`--format json`: the contract's JSON report, stable keys, written with the json module alone.

:func:`report_dict` defines the document; the text is exactly ``json.dumps(report_dict(report), indent=2,
ensure_ascii=False, allow_nan=False)`` and a newline, written faster:

* :func:`dumps_indented` gives json.dumps' indented text from the json module's C encoder, which does
  whole containers at once but indents nothing: each container is encoded with the item separator of
  its depth ("," and the newline and indentation of its items), a placeholder standing for each nested
  container, which is written the same way and put in its place. The json module would write the
  indented text one small string at a time, in Python.
* The claims, most of the document, are not built as dicts at all: :class:`_Claims` takes the plain
  values of a claim (in the order claim_dict has them) straight from the ClaimResult, encodes them with
  one call of the C encoder, and puts them into a template of the claim's shape, made once from
  claim_dict's own dict for that shape and checked against it. A field added to claim_dict goes into
  _claim_leaves too (tests/test_json_format.py says so when it is missing).
"""

from __future__ import annotations

import json
import math
from typing import Any, Callable

from factcheck._report import ClaimResult, Evidence, Finding, Gap, Location, Report, Value


def _num(x: float | None) -> float | int | None:
    """A number for the document: None unless finite, an int when whole, else at most 12 significant
    digits."""
    if x is None or not math.isfinite(x):
        return None
    if float(x).is_integer() and abs(x) < 2**53:
        return int(x)
    if type(x) is float and len(float.__repr__(x)) <= 13:
        # at most 12 significant digits already: rounding to 12 gives the same decimal, the same float
        return x
    return float(f"{x:.12g}")


def _value(v: Value) -> dict[str, Any]:
    return {
        "text": v.text, "low": _num(v.low), "high": _num(v.high), "unit": v.unit,
        "low_closed": v.low_closed, "high_closed": v.high_closed, "scale": v.scale_word or None,
        "hedge": v.hedge or None,
    }


def _gap(g: Gap | None) -> dict[str, Any] | None:
    if g is None:
        return None
    return {"absolute": _num(g.absolute), "relative": None if g.relative is None else round(g.relative, 6)}


def _loc(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    return {"path": loc.path, "line": loc.line, "column": loc.column}


def _evidence(e: Evidence) -> dict[str, Any]:
    v = e.value
    mid = (v.low + v.high) / 2 if math.isfinite(v.low) and math.isfinite(v.high) else (
        v.low if math.isfinite(v.low) else v.high)
    return {
        "dataset": e.dataset, "row": e.row, "series": e.series,
        "score": None if e.score is None else round(e.score, 1),
        "value": _num(mid), "low": _num(v.low), "high": _num(v.high), "text": v.text, "unit": v.unit,
        "period": e.period, "source": e.source, "url": e.url, "published": e.published,
        "verdict": e.verdict, "gap": _gap(e.gap), "how": e.how, "column": e.column,
        "rows": list(e.rows), "detail": e.detail or None,
    }


def claim_dict(c: ClaimResult) -> dict[str, Any]:
    return {
        "id": c.id, "verdict": c.verdict, "severity": c.severity, "code": c.code, "line": c.line,
        "column": c.column, "claimed": _value(c.claimed), "period": c.period, "kind": c.kind,
        "metric": c.metric, "dimensions": dict(c.dimensions), "forecast": c.forecast,
        "quote": c.quote, "quote_location": _loc(c.quote_location),
        "evidence": [_evidence(e) for e in c.evidence],
        "candidates": [{"series": k.series, "score": round(k.score, 1), "dataset": k.dataset, "row": k.row}
                       for k in c.candidates],
        "reason": c.reason or None, "gap": _gap(c.gap),
        "ignore": list(c.ignored),
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code, "name": f.name, "severity": f.severity, "claims": list(f.claims), "line": f.line,
        "column": f.column, "message": f.message, "document": _loc(f.document),
        "related": [_loc(r) for r in f.related],
    }


def report_dict(report: Report) -> dict[str, Any]:
    return _report_dict(report, lambda claims: [claim_dict(c) for c in claims])


def _report_dict(report: Report, claims_of: Callable[[tuple[ClaimResult, ...]], Any]) -> dict[str, Any]:
    """The document, with ``claims_of(file.claims)`` as each file's claims."""
    s = report.summary()
    files = []
    for f in report.files:
        files.append({
            "path": f.path,
            "document": f.document,
            "claims": claims_of(f.claims),
            "findings": [finding_dict(x) for x in f.findings],
            "suppressed": [finding_dict(x) for x in f.suppressed],
            "relations": [{"id": r.id, "expr": r.text, "status": r.status, "line": r.line,
                           "explanation": r.explanation} for r in f.relations],
            "problems": [str(p) for p in f.problems],
        })
    summary = {"claims": s.claims, **s.verdicts, "findings": s.findings, "suppressed": s.suppressed,
               "exit_code": s.exit_code}
    out = {"version": 1, "files": files, "summary": summary}
    if report.extra:
        out.update(report.extra)
    return out


class JsonFormatter:
    name = "json"
    machine = True

    def __init__(self, **_: Any):
        pass

    def format(self, report: Report) -> str:
        return dumps_indented(_report_dict(report, _Claims)) + "\n"


# --------------------------------------------------------------------------- indented JSON, fast


_PLAIN = frozenset({str, int, float, bool, type(None)})  # what the C encoder writes as the json module does
_EMPTY_OK = frozenset({list, tuple, dict})  # written "[]" / "{}" by both, when empty
_STR = frozenset({str})
_HOLE = "\x00\x1ffactcheck: a nested value\x1f\x00"  # stands for a nested container while its parent is encoded
_ENCODED_HOLE = json.encoder.encode_basestring(_HOLE)


def dumps_indented(obj: Any, indent: int = 2) -> str:
    """``json.dumps(obj, indent=indent, ensure_ascii=False, allow_nan=False)``, the same text.

    For JSON data (dicts, lists, tuples, strings, numbers, booleans, None); anything else raises the
    TypeError json.dumps raises, a float that is not finite its ValueError, a circular reference its
    ValueError.

    Each container is encoded by the C encoder with the item separator of its depth ("," and the
    newline and indentation of its items), so its items come out indented; a nested container in it
    (not empty) is replaced by a placeholder string first, encoded in turn at its own depth, and put
    where the placeholder's text is. Should the placeholder's text occur in the data itself, or the C
    encoder refuse a value, that container is written item by item as the json module does.
    """
    if indent < 0 or json.encoder.c_make_encoder is None:  # no C encoder: the json module itself
        return json.dumps(obj, indent=indent, ensure_ascii=False, allow_nan=False)
    parts: list[str] = []
    _Writer(indent, parts).value(obj, 0)
    return "".join(parts)


class _Writer:
    """Writes one document into ``parts``; see dumps_indented."""

    __slots__ = ("unit", "parts", "newlines", "encoders", "markers")

    def __init__(self, indent: int, parts: list[str]):
        self.unit = " " * indent
        self.parts = parts
        self.newlines: list[str] = []  # "\n" and the indentation of each depth
        self.encoders: list[Any] = []  # a C encoder for each depth: items separated by "," and that newline
        self.markers: set[int] = set()  # the containers being written (a circular reference is an error)

    def newline(self, depth: int) -> str:
        while len(self.newlines) <= depth:
            self.newlines.append("\n" + self.unit * len(self.newlines))
        return self.newlines[depth]

    def encoder(self, depth: int) -> Any:
        """The C encoder writing a container at ``depth`` (its items stand at ``depth + 1``)."""
        while len(self.encoders) <= depth:
            sep = "," + self.newline(len(self.encoders) + 1)
            self.encoders.append(json.encoder.c_make_encoder(
                None, None, json.encoder.encode_basestring, None, ": ", sep, False, False, False))
        return self.encoders[depth]

    def value(self, o: Any, depth: int) -> None:
        if isinstance(o, str):
            self.parts.append(json.encoder.encode_basestring(o))
        elif o is None:
            self.parts.append("null")
        elif o is True:
            self.parts.append("true")
        elif o is False:
            self.parts.append("false")
        elif isinstance(o, int):
            self.parts.append(int.__repr__(o))
        elif isinstance(o, float):
            self.parts.append(_float(o))
        elif isinstance(o, (list, tuple)):
            self.container(o, depth, False)
        elif isinstance(o, dict):
            self.container(o, depth, True)
        elif isinstance(o, _Claims):
            o.write(self, depth)
        else:
            raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")

    def text(self, o: Any, depth: int) -> str:
        """``o`` written at ``depth``, as a string."""
        parts, self.parts = self.parts, []
        try:
            self.value(o, depth)
            return "".join(self.parts)
        finally:
            self.parts = parts

    def container(self, o: Any, depth: int, is_dict: bool) -> None:
        parts = self.parts
        if not o:
            parts.append("{}" if is_dict else "[]")
            return
        if id(o) in self.markers:
            raise ValueError("Circular reference detected")
        self.markers.add(id(o))
        if not is_dict or _STR.issuperset(map(type, o)):
            values = list(o.values()) if is_dict else o
            types = list(map(type, values))
            nested = [] if _PLAIN.issuperset(types) else [
                i for i, t in enumerate(types) if t not in _PLAIN and (t not in _EMPTY_OK or values[i])]
            text = self.encode(o, values, nested, depth, is_dict)
            if text is not None:
                pieces = text.split(_ENCODED_HOLE) if nested else [text]
                if len(pieces) == len(nested) + 1:
                    # "{" / "[" and the items; each nested value between two pieces; "}" / "]"
                    parts.append(pieces[0][0] + self.newline(depth + 1) + pieces[0][1:] if len(pieces) > 1 else
                                 pieces[0][0] + self.newline(depth + 1) + pieces[0][1:-1] + self.newline(depth) +
                                 pieces[0][-1])
                    for k, i in enumerate(nested, 1):
                        self.value(values[i], depth + 1)
                        piece = pieces[k]
                        parts.append(piece if k < len(nested) else piece[:-1] + self.newline(depth) + piece[-1])
                    self.markers.discard(id(o))
                    return
        self.one_by_one(o, depth, is_dict)
        self.markers.discard(id(o))

    def encode(self, o: Any, values: Any, nested: list[int], depth: int, is_dict: bool) -> str | None:
        """The C encoder's text of ``o`` with a placeholder for each nested value; None if it refuses."""
        if nested:
            if is_dict:
                keys = list(o)
                o = dict(o)
                for i in nested:
                    o[keys[i]] = _HOLE
            else:
                o = list(o)
                for i in nested:
                    o[i] = _HOLE
        try:
            return "".join(self.encoder(depth)(o, 0))
        except (ValueError, TypeError):  # not finite, or not JSON: the item by item path says how
            return None

    def one_by_one(self, o: Any, depth: int, is_dict: bool) -> None:
        """The container written as the json module writes it, item by item."""
        parts = self.parts
        sep = "," + self.newline(depth + 1)
        parts.append(("{" if is_dict else "[") + self.newline(depth + 1))
        if not is_dict:
            for n, v in enumerate(o):
                if n:
                    parts.append(sep)
                self.value(v, depth + 1)
        else:
            for n, (k, v) in enumerate(o.items()):
                if isinstance(k, str):
                    pass
                elif isinstance(k, float):
                    k = _float(k)
                elif k is True:
                    k = "true"
                elif k is False:
                    k = "false"
                elif k is None:
                    k = "null"
                elif isinstance(k, int):
                    k = int.__repr__(k)
                else:
                    raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")
                parts.append(f"{sep if n else ''}{json.encoder.encode_basestring(k)}: ")
                self.value(v, depth + 1)
        parts.append(self.newline(depth) + ("}" if is_dict else "]"))


# --------------------------------------------------------------------------- the claims, fast


_LEAF = "\x00\x1ffactcheck: a value\x1f\x00"
_ENCODED_LEAF = json.encoder.encode_basestring(_LEAF)
_LEAVES = json.encoder.c_make_encoder(None, None, json.encoder.encode_basestring, None, ": ", "\n",
                                      False, False, False) if json.encoder.c_make_encoder else None


class _Claims:
    """A file's claims in the document: the list of claim_dict(c), written by :meth:`write` as
    dumps_indented would write it.

    A claim's plain values, in the order they stand in claim_dict's dict (:func:`_claim_leaves`), are
    put into the template of the claim's shape (indentation, depth, dimension names, how many pieces of
    evidence, rows, candidates ...): the text of that claim_dict's dict written by dumps_indented with
    every value a placeholder, cut at the placeholders. The values of all the claims are encoded by one
    call of the C encoder (a list, items separated by a newline, which no encoded value contains). A
    template is made from the first claim of its shape, and used only if the values claim_dict gives
    that claim are the ones _claim_leaves gives. A claim with anything else than plain values, or a
    float that is not finite, is written from its claim_dict by dumps_indented.
    """

    __slots__ = ("claims",)
    _templates: dict[tuple, list[str] | None] = {}

    def __init__(self, claims: tuple[ClaimResult, ...]):
        self.claims = claims

    def write(self, w: _Writer, depth: int) -> None:
        if not self.claims:
            w.parts.append("[]")
            return
        inner = depth + 1
        # each claim: its template and its values, or None (written from claim_dict)
        plan = [self.prepare(c, w, inner) for c in self.claims]
        every = [v for p in plan if p is not None for v in p[1]]
        encoded = _encode_values(every)
        parts = w.parts
        parts.append("[" + w.newline(inner))
        sep = "," + w.newline(inner)
        at = 0
        for n, (c, p) in enumerate(zip(self.claims, plan)):
            if n:
                parts.append(sep)
            if p is not None:
                pieces, values = p
                if encoded is not None:
                    mine = encoded[at:at + len(values)]
                    at += len(values)
                else:  # a value the C encoder refuses, somewhere: each claim on its own
                    mine = _encode_values(values)
                if mine is not None:
                    text = pieces.copy()
                    text[1::2] = mine
                    parts.append("".join(text))
                    continue
            parts.append(w.text(claim_dict(c), inner))
        parts.append(w.newline(depth) + "]")

    def prepare(self, c: ClaimResult, w: _Writer, depth: int) -> tuple[list[str], list[Any]] | None:
        """The claim's template (cut at its values) and its values; None if the claim is to be written
        from its claim_dict."""
        try:
            dims = dict(c.dimensions)
            leaves = _claim_leaves(c, dims)
        except Exception:  # as claim_dict would fail, or not: the slow path says
            return None
        if not _PLAIN.issuperset(map(type, leaves)):
            return None
        shape = (w.unit, depth, tuple(dims), c.quote_location is None, c.gap is None, len(c.candidates),
                 len(c.ignored), tuple([(e.gap is None, len(e.rows)) for e in c.evidence]))
        template = self._templates.get(shape, False)
        if template is False:
            template, lasting = _template(c, leaves, w, depth)
            if lasting:
                if len(self._templates) > 10_000:
                    self._templates.clear()
                self._templates[shape] = template
        return None if template is None else (template, leaves)


def _encode_values(values: list[Any]) -> list[str] | None:
    """Each value as the C encoder writes it; None if it refuses one (a float that is not finite)."""
    if _LEAVES is None:
        return None
    try:
        text = "".join(_LEAVES(values, 0))
    except (ValueError, TypeError):
        return None
    encoded = text[1:-1].split("\n") if values else []
    return encoded if len(encoded) == len(values) else None


def _template(c: ClaimResult, leaves: list[Any], w: _Writer, depth: int) -> tuple[list[str] | None, bool]:
    """The text of claim_dict(c) at ``depth``, cut where its values stand, or None unless claim_dict's
    values are ``leaves`` (the same JSON) in the same order; and whether the answer holds for every
    claim of c's shape (not when a value of c's own could not be encoded)."""
    d = claim_dict(c)
    values: list[Any] = []
    skeleton = _placeholders(d, values)
    if len(values) != len(leaves) or not _PLAIN.issuperset(map(type, values)):
        return None, True
    mine, theirs = _encode_values(leaves), _encode_values(values)
    if mine is None or theirs is None:
        return None, False
    if mine != theirs:
        return None, True
    pieces = w.text(skeleton, depth).split(_ENCODED_LEAF)
    if len(pieces) != len(values) + 1:
        return None, False  # the placeholder's text in a dimension's name
    out: list[str] = [pieces[0]]
    for piece in pieces[1:]:
        out += ("", piece)  # a value goes where the empty string stands
    return out, True


def _placeholders(o: Any, values: list[Any]) -> Any:
    """``o`` with each plain value replaced by the placeholder (collected in ``values``, in order)."""
    if isinstance(o, dict):
        return {k: _placeholders(v, values) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_placeholders(v, values) for v in o]
    values.append(o)
    return _LEAF


def _claim_leaves(c: ClaimResult, dims: dict[str, Any]) -> list[Any]:
    """The plain values of claim_dict(c), in its order (see _Claims); ``dims`` is dict(c.dimensions)."""
    v = c.claimed
    out = [c.id, c.verdict, c.severity, c.code, c.line, c.column,
           v.text, _num(v.low), _num(v.high), v.unit, v.low_closed, v.high_closed, v.scale_word or None,
           v.hedge or None,
           c.period, c.kind, c.metric]
    out += dims.values()
    out += (c.forecast, c.quote)
    loc = c.quote_location
    if loc is None:
        out.append(None)
    else:
        out += (loc.path, loc.line, loc.column)
    for e in c.evidence:
        v = e.value
        mid = (v.low + v.high) / 2 if math.isfinite(v.low) and math.isfinite(v.high) else (
            v.low if math.isfinite(v.low) else v.high)
        out += (e.dataset, e.row, e.series, None if e.score is None else round(e.score, 1), _num(mid), _num(v.low),
                _num(v.high), v.text, v.unit, e.period, e.source, e.url, e.published, e.verdict)
        g = e.gap
        if g is None:
            out.append(None)
        else:
            out += (_num(g.absolute), None if g.relative is None else round(g.relative, 6))
        out += (e.how, e.column)
        out += e.rows
        out.append(e.detail or None)
    for k in c.candidates:
        out += (k.series, round(k.score, 1), k.dataset, k.row)
    out.append(c.reason or None)
    g = c.gap
    if g is None:
        out.append(None)
    else:
        out += (_num(g.absolute), None if g.relative is None else round(g.relative, 6))
    out += c.ignored
    return out


def _float(o: float) -> str:
    if o != o or o in (math.inf, -math.inf):
        raise ValueError("Out of range float values are not JSON compliant: " + repr(o))
    return float.__repr__(o)
