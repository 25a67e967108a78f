"""Reference data: read a dataset (CSV, JSON, Parquet) into observations indexed by series.

A reference entry of the claims file becomes a :class:`ReferenceSpec`; :func:`load_dataset` reads the
file it names and returns a :class:`Dataset`: every observation (one value cell of the table) and an
index of them by series (the dimension values of the row). See the contract, "Reference data".

Columns
    ``value`` and ``period`` (tidy layout), metadata ``unit``, ``scale``, ``source``, ``url``,
    ``published``, ``note`` (recognised by name, case-insensitively), every other column a dimension
    (named as its header is written). ``columns:`` maps a role or a dimension to a column of the file;
    a column whose header names a role or a dimension that ``columns:`` gave to another column is then
    ignored, and a column named like a key of ``set:`` is ignored too (the constant wins). Columns with
    an empty header (an index column written by pandas) are ignored.
Layouts
    ``tidy``: one observation a row. ``wide``: every column whose header is a period (``2010``,
    ``2021-Q1``, ``2021-01`` …) holds values; the other columns are dimensions and metadata.
    ``auto``: wide when there is no ``value`` column and at least one header is a period.
Aliases
    Columns listed in ``aliases:`` are not dimensions; their cells are other names of the value of the
    dimension column they stand beside (the nearest dimension column mapped in ``columns:``, else the
    nearest dimension column). :attr:`Dataset.alias_map` maps ``norm_name(alias)`` to the value as
    written in the dimension column; the first row wins when one alias names two values. An alias made
    of digits also answers without its leading zeros (``008`` and ``8``).
Cells
    An empty cell or a missing mark (``..``, ``NA``, ``N/A``, ``n/a``, ``-``, ``–``, ``—``, ``…``,
    ``...``, ``NaN``, ``:``, ``null``) is no observation. A plain decimal number takes a fast path
    (every digit written is significant: ``2000`` is [1999.5, 2000.5)); anything else goes through the
    value grammar (:func:`factcheck._quantity.parse_value` with ``reference=True``): ``over 14`` is a
    bound, ``almost 6.6`` an approximation, ``1.2e6`` is read.
Scale and unit
    The row's ``scale`` cell, else the entry's ``scale:``, multiplies the value (``thousand``,
    ``million``, ``billion``, ``trillion`` and their short forms, or a plain number such as ``1000``);
    a cell that carries its own scale word (``5.6 billion``) keeps it. The unit likewise: the cell's own
    unit, else the row's ``unit`` cell, else the entry's ``unit:``. Unit words are normalised with
    :func:`factcheck._quantity.normalise_unit`, except that ``count`` (and ``number``) means a plain
    count and becomes the empty unit, so that a table of counts meets a claim about "15 branches" (the
    empty unit meets any unit).
Problems
    Every problem of a file is collected, ``path:line:column: message`` with the file's physical line
    (where the record starts) and the 1-based field number of the cell, and raised at the end as one
    :class:`InputError` (at most ``MAX_PROBLEMS`` of them, then one line saying how many more).
"""

from __future__ import annotations

import csv
import dataclasses
import gc
import json
import operator
import re
import sys
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from factcheck._errors import InputError, Problem, SyntaxProblem
from factcheck._interval import Interval
from factcheck._periods import Period, parse_period

__all__ = [
    "ReferenceSpec",
    "Observation",
    "Dataset",
    "SeriesKey",
    "load_dataset",
    "load_datasets",
    "norm_name",
    "MISSING",
    "ROLES",
    "METADATA",
]

SeriesKey = tuple[tuple[str, str], ...]

ROLES = ("value", "period", "unit", "scale", "source", "url", "published", "note")
METADATA = ("unit", "scale", "source", "url", "published", "note")
MISSING = frozenset(
    {"..", "...", "NA", "N/A", "n/a", "na", "N/a", "-", "–", "—", "…", "NaN", "nan", "NAN", ":",
     "null", "NULL", "None", "#N/A"}
)
MAX_PROBLEMS = 200
_QCACHE_MAX = 100_000  # distinct value cells remembered per (unit, scale) of a file

_SCALES: dict[str, float] = {
    "one": 1.0, "ones": 1.0, "unit": 1.0, "units": 1.0, "1": 1.0,
    "thousand": 1e3, "thousands": 1e3, "k": 1e3, "th": 1e3, "thous": 1e3, "thsd": 1e3,
    "million": 1e6, "millions": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6, "mio": 1e6, "mil": 1e6, "mm": 1e6,
    "billion": 1e9, "billions": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9,
    "trillion": 1e12, "trillions": 1e12, "tn": 1e12, "trn": 1e12, "tln": 1e12,
}
_COUNT_UNITS = frozenset({"count", "counts", "number", "numbers"})
_CANON_SCALE_WORD = {1e3: "thousand", 1e6: "million", 1e9: "billion", 1e12: "trillion"}


# ------------------------------------------------------------------------------------------ names
_WS = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


def norm_name(s: str) -> str:
    """The form in which names are compared: case-folded, accents stripped (NFKD), ’ and ' unified,
    whitespace collapsed and trimmed. ``norm_name("Côte d’Ivoire") == "cote d'ivoire"``."""
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _WS.sub(" ", s.translate(_QUOTES).casefold()).strip()


# ------------------------------------------------------------------------------------------ data types
@dataclass
class ReferenceSpec:
    """One entry of ``references:`` in a claims file, resolved.

    ``path`` is where the file is; ``display_path`` how the user wrote it (for messages); ``claims_path``,
    ``line`` and ``column`` the position of the entry's ``path`` key in the claims file (for problems
    about the entry itself: a missing file, an unknown option).
    """

    path: Path
    display_path: str = ""
    claims_path: str = ""
    line: int = 0
    column: int = 0
    layout: str = "auto"  # "auto" | "tidy" | "wide"
    scale: str | None = None
    unit: str | None = None
    source: str | None = None
    set: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    decimal: str = "."

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        if not self.display_path:
            self.display_path = str(self.path)


@dataclass(frozen=True, slots=True)
class Observation:
    """One value cell of a dataset."""

    dataset: str  # the display path of the file
    row: int  # 1-based physical line where the record starts (CSV); the record's line (JSON)
    column: str  # the value cell's column name (``value`` or a period header)
    column_index: int  # 1-based field number of the value cell
    dims: SeriesKey  # (dimension, value) pairs sorted by dimension; the series key
    period: Period
    value: Any  # factcheck._quantity.Quantity, interval in base units (scale applied)
    raw: str  # the cell's text
    unit: str  # canonical unit ("" for none or a count)
    source: str  # the row's source cell, else the entry's source:, else the file name
    url: str = ""
    published: str = ""
    note: str = ""
    # (scale, scale word, decimal mark) to build ``value`` from ``raw`` on first use (see __getattr__)
    _lazy: Any = field(default=None, repr=False, compare=False)

    def __getattr__(self, name: str) -> Any:
        # Plain numeric cells are checked while the file is read, but their Quantity is built on first
        # use: most observations of a large file are never compared with anything. The ``value`` slot
        # stays empty until then, and an empty slot falls through to here.
        if name == "value":
            lazy = object.__getattribute__(self, "_lazy")
            if lazy is not None:
                k, word, dec_char = lazy
                q = _plain_quantity(self.raw, dec_char, self.unit, k, word)
                object.__setattr__(self, "value", q)
                return q
        raise AttributeError(f"'Observation' object has no attribute '{name}'")

    def dim(self, name: str, default: str | None = None) -> str | None:
        for k, v in self.dims:
            if k == name:
                return v
        return default


@dataclass
class Dataset:
    """A loaded reference file."""

    path: str  # display path
    observations: list[Observation]
    series: dict[SeriesKey, list[Observation]]  # each list sorted by period (stable: file order within)
    alias_map: dict[str, dict[str, str]]  # dimension -> norm_name(alias) -> value as written
    dimensions: tuple[str, ...] = ()  # every dimension name, sorted (constants from set: included)
    layout: str = "tidy"  # the layout used ("tidy" or "wide")
    header: tuple[str, ...] = ()  # the file's column names

    def canonical(self, dimension: str, name: str) -> str | None:
        """The value as written in the file that ``name`` stands for (by alias), or None."""
        return self.alias_map.get(dimension, {}).get(norm_name(name))


# ------------------------------------------------------------------------------------------ quantities
class _Quantities:
    """Builds Quantity objects: plain numbers here (exactly as parse_value's own fast path would, with the
    scale applied), anything else through :func:`factcheck._quantity.parse_value`."""

    def __init__(self) -> None:
        from factcheck import _quantity

        self.parse_value = _quantity.parse_value
        self.Quantity = _quantity.Quantity
        self.normalise_unit = _quantity.normalise_unit

    def slow(self, raw: str, decimal: str, unit: str, k: float, word: str) -> Any:
        """parse_value, then the row's scale and unit where the cell has none of its own."""
        q = self.parse_value(raw, reference=True, decimal=decimal)
        if q.unit and any(c.isdigit() for c in q.unit):
            # "12x3" reads as 12 of a unit "x3": in a table cell that is a typo, not a unit
            at = raw.find(q.unit[:1]) if q.unit[:1] in raw else 0
            raise SyntaxProblem(f"unexpected '{raw[at:].strip() or q.unit}'", max(at, 0))
        if k != 1.0 and not q.scale_word and q.scale == 1.0:
            scaled = None
            if word in ("thousand", "million", "billion", "trillion"):
                try:  # exact decimal arithmetic, as if the scale were written in the cell
                    scaled = self.parse_value(f"{raw} {word}", reference=True, decimal=decimal)
                except SyntaxProblem:
                    scaled = None
                if scaled is not None and (scaled.unit != q.unit or scaled.hedge != q.hedge or scaled.scale != k):
                    scaled = None
            if scaled is not None:
                q = dataclasses.replace(scaled, text=q.text)
            else:
                q = dataclasses.replace(q, interval=q.interval.scaled(k), scale=k, scale_word=word,
                                        half_unit=q.half_unit * k)
        if unit and not q.unit:
            q = dataclasses.replace(q, unit=unit)
        return q

    def unit(self, word: str) -> tuple[str, tuple[float, str] | None]:
        """(canonical unit, scale it carries or None): ``thousand US dollars`` is USD with a scale."""
        w = " ".join(str(word).split())
        if not w or w.casefold() in _COUNT_UNITS:
            return "", None
        first, _, rest = w.partition(" ")
        sc = _SCALES.get(first.casefold()) if rest else None
        if sc is not None and sc != 1.0:
            return self.unit(rest)[0], (sc, _CANON_SCALE_WORD.get(sc, first))
        return self.normalise_unit(w), None


def _plain_quantity(s: str, dec_char: str, unit: str, k: float, word: str) -> Any:
    """The Quantity of a plain decimal number ``s`` (checked by the caller), times the scale ``k``.

    Every digit is significant: h is half a unit of the last digit written. The ends are computed in
    integers and rounded once, so ``0.7`` thousand is [650, 750) exactly, as ``parse_value`` does.
    """
    from factcheck._quantity import Quantity

    ip, _, fp = s.partition(dec_char)
    sign = ip[:1]
    if sign == "-" or sign == "+":
        ip = ip[1:]
    d = len(fp)
    n = int(ip + fp)
    if sign == "-":
        n = -n
    x = n / 10**d if d else float(n)
    p = 10 ** (d + 1)
    if k.is_integer():
        kk = int(k)
        low = (10 * n - 5) * kk / p
        high = (10 * n + 5) * kk / p
        h = 5 * kk / p
    else:
        low = (10 * n - 5) / p * k
        high = (10 * n + 5) / p * k
        h = 5 / p * k
    return Quantity(s, x, _make_interval(low, high, True, high <= x * k), unit, k, word, "", "exact", h, None)


def _constructor(cls: type, names: list[str], fixed: dict[str, Any]) -> Callable[..., Any]:
    """A fast builder for a frozen slots dataclass: ``make(*non_fixed_fields_in_order)``.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` by name, which
    costs more than the rest of reading a cell. This sets the slots through their descriptors instead
    (what ``__init__`` does in effect, without the detour); ``fixed`` fields get constant values. Only
    for classes without ``__post_init__``; falls back to the class itself when it has no slots.
    """
    descs = [cls.__dict__.get(n) for n in names]
    if not all(type(d).__name__ == "member_descriptor" for d in descs) or getattr(cls, "__post_init__", None):
        params = [n for n in names if n not in fixed]

        def make(*args: Any, **kw: Any) -> Any:
            return cls(**dict(zip(params, args)), **kw, **fixed)

        return make
    params = [n for n in names if n not in fixed]
    ns: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    body = ["    o = _new(_cls)"]
    for i, (n, d) in enumerate(zip(names, descs)):
        ns[f"_s{i}"] = d.__set__  # type: ignore[union-attr]
        if n in fixed:
            ns[f"_c{i}"] = fixed[n]
            body.append(f"    _s{i}(o, _c{i})")
        else:
            body.append(f"    _s{i}(o, {n})")
    src = f"def make({', '.join(params)}):\n" + "\n".join(body) + "\n    return o\n"
    exec(src, ns)  # noqa: S102 - generated from field names of our own dataclasses
    return ns["make"]


_make_interval = _constructor(Interval, ["low", "high", "low_closed", "high_closed"], {})


def _scale_of(text: str) -> tuple[float, str] | None:
    """(factor, word) for a scale cell or option; None when it is not a scale."""
    t = str(text).strip()
    if not t:
        return 1.0, ""
    k = _SCALES.get(t.casefold())
    if k is None:
        try:
            k = float(t.replace(",", "").replace(" ", ""))
        except ValueError:
            return None
        if not (k > 0) or k == float("inf"):
            return None
    if k == 1.0:
        return 1.0, ""
    return k, _CANON_SCALE_WORD.get(k, t)


# ------------------------------------------------------------------------------------------ reading files
class _Abort(Exception):
    """The file cannot be read any further; its problems are already recorded."""


class _Problems:
    def __init__(self, path: str):
        self.path = path
        self.items: list[Problem] = []
        self.more = 0

    def add(self, line: int, column: int, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.path, line, column, message))
        else:
            self.more += 1

    def add_problem(self, p: Problem) -> None:
        self.items.append(p)

    def raise_if_any(self) -> None:
        if self.items:
            items = list(self.items)
            if self.more:
                items.append(Problem(self.path, 0, 0, f"... and {self.more} more problems in this file"))
            raise InputError(items)


class _Num(str):
    """A JSON number, kept as the text it was written with (so that ``5.60`` keeps its precision)."""

    __slots__ = ()


def _bad_utf8(path: Path, display: str) -> Problem:
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        off = e.start
        line = data.count(b"\n", 0, off) + 1
        ls = data.rfind(b"\n", 0, off) + 1
        prefix = data[ls:off].decode("utf-8", "replace")
        if ls == 0 and prefix.startswith("\ufeff"):
            prefix = prefix[1:]
        return Problem(display, line, len(prefix) + 1, f"not valid UTF-8 (byte 0x{data[off]:02x} at offset {off})")
    return Problem(display, 1, 1, "not valid UTF-8")  # pragma: no cover - the decoder said otherwise


_DELIMS = (",", ";", "\t", "|")


def _detect_delimiter(sample: str, truncated: bool) -> str:
    """The delimiter that splits the sample into rows of one consistent width (most columns wins)."""
    lines = sample.splitlines(keepends=True)
    if truncated and len(lines) > 1:
        lines = lines[:-1]
    best, best_score = ",", (-1.0, 0)
    for d in _DELIMS:
        try:
            rows = [r for r in csv.reader(lines, delimiter=d) if r]
        except csv.Error:
            continue
        if truncated and len(rows) > 1:
            rows = rows[:-1]  # the last record may be cut short
        if not rows:
            continue
        n = len(rows[0])
        if n < 2:
            continue
        body = rows[1:]
        consistent = (sum(1 for r in body if len(r) == n) / len(body)) if body else 1.0
        score = (consistent, n)
        if score > best_score:
            best, best_score = d, score
    if best_score[0] < 0:
        try:  # a last resort for odd samples
            return csv.Sniffer().sniff(sample, delimiters="".join(_DELIMS)).delimiter
        except csv.Error:
            return ","
    return best


def _csv_rows(path: Path, display: str, problems: _Problems, tsv: bool) -> tuple[list[str], int, Iterator[tuple[int, list[str]]], Callable[[], None]]:
    """(header, header line, iterator of (line, row), close). UTF-8 errors surface from the iterator as _Abort."""
    try:
        f = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise
    try:
        sample = f.read(1 << 16)
        truncated = len(sample) == 1 << 16
    except UnicodeDecodeError:
        f.close()
        problems.add_problem(_bad_utf8(path, display))
        raise _Abort from None
    if not sample.strip():
        f.close()
        problems.add(1, 1, "the file is empty")
        raise _Abort
    skip_first = False
    first_line = sample.split("\n", 1)[0].strip()
    if tsv:
        delim = "\t"
    elif first_line.lower().startswith("sep=") and len(first_line) == 5:  # Excel's hint
        delim, skip_first = first_line[4], True
    else:
        delim = _detect_delimiter(sample, truncated)
    f.seek(0)
    reader = csv.reader(f, delimiter=delim, strict=False)
    header: list[str] | None = None
    header_line = 0
    try:
        if skip_first:
            next(reader, None)
        prev = reader.line_num
        for row in reader:
            if row and any(c.strip() for c in row):
                header = row
                header_line = prev + 1
                break
            prev = reader.line_num
    except UnicodeDecodeError:
        f.close()
        problems.add_problem(_bad_utf8(path, display))
        raise _Abort from None
    except csv.Error as e:
        f.close()
        problems.add(reader.line_num, 1, f"not a readable CSV file ({e})")
        raise _Abort from None
    if header is None:  # pragma: no cover - the sample had text, so there is a row
        f.close()
        problems.add(1, 1, "the file is empty")
        raise _Abort

    def rows() -> Iterator[tuple[int, list[str]]]:
        prev = reader.line_num
        try:
            for row in reader:
                yield prev + 1, row
                prev = reader.line_num
        except UnicodeDecodeError:
            problems.add_problem(_bad_utf8(path, display))
            raise _Abort from None
        except csv.Error as e:
            problems.add(prev + 1, 1, f"not a readable CSV row ({e})")
            raise _Abort from None
        finally:
            f.close()

    return header, header_line, rows(), f.close


def _json_rows(path: Path, display: str, problems: _Problems) -> tuple[list[str], int, Iterator[tuple[int, list[str]]], dict[int, int]]:
    """(header, header line, rows, column-of-line) for a JSON list of records or {"data": [...]}."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add_problem(_bad_utf8(path, display))
        raise _Abort from None
    if not text.strip():
        problems.add(1, 1, "the file is empty")
        raise _Abort
    decoder = json.JSONDecoder(parse_float=_Num, parse_int=_Num, parse_constant=lambda c: "")
    try:
        doc = decoder.decode(text)
    except json.JSONDecodeError as e:
        problems.add(e.lineno, e.colno, f"not valid JSON ({e.msg})")
        raise _Abort from None
    # find where the records are, to give each its line
    i = _ws(text, 0)
    if isinstance(doc, list):
        records, start = doc, i
    elif isinstance(doc, dict) and isinstance(doc.get("data"), list) :
        records, start = doc["data"], _find_data_array(text, i, decoder)
    else:
        what = "an object without a \"data\" list" if isinstance(doc, dict) else f"a {_json_type(doc)}"
        problems.add(1, 1, f"a JSON reference file holds a list of records (objects) or {{\"data\": [...]}}; this one holds {what}")
        raise _Abort
    offsets = _array_offsets(text, start, decoder)
    newlines = [m.start() for m in re.finditer("\n", text)]

    def pos(off: int) -> tuple[int, int]:
        k = bisect_right(newlines, off - 1)
        line_start = newlines[k - 1] + 1 if k else 0
        return k + 1, off - line_start + 1

    header: list[str] = []
    seen: dict[str, int] = {}
    good: list[tuple[int, int, dict]] = []
    for n, (rec, off) in enumerate(zip(records, offsets), 1):
        ln, cl = pos(off)
        if not isinstance(rec, dict):
            problems.add(ln, cl, f"record {n} is a {_json_type(rec)}, not an object")
            continue
        bad = False
        for k, v in rec.items():
            if isinstance(v, (dict, list)):
                problems.add(ln, cl, f"field '{k}' of record {n} holds a {_json_type(v)}; cells are numbers or text")
                bad = True
            if k not in seen:
                seen[k] = len(header)
                header.append(k)
        if not bad:
            good.append((ln, cl, rec))
    cols: dict[int, int] = {ln: cl for ln, cl, _ in good}

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, str):
            return v
        if v is True:
            return "true"
        if v is False:
            return "false"
        return str(v)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for ln, _, rec in good:
            yield ln, [cell(rec.get(k)) for k in header]

    header_line = pos(start)[0]
    return header, header_line, rows(), cols


def _json_type(v: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(type(v), "number")


def _ws(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in " \t\r\n\ufeff":
        i += 1
    return i


def _array_offsets(text: str, i: int, decoder: json.JSONDecoder) -> list[int]:
    """Offsets of the elements of the (valid) JSON array at ``text[i] == '['``."""
    out: list[int] = []
    i = _ws(text, i + 1)
    if text[i] == "]":
        return out
    while True:
        i = _ws(text, i)
        out.append(i)
        _, i = decoder.raw_decode(text, i)
        i = _ws(text, i)
        if text[i] == ",":
            i += 1
            continue
        return out


def _find_data_array(text: str, i: int, decoder: json.JSONDecoder) -> int:
    """Offset of the value of the top-level key "data" in the (valid) JSON object at ``text[i] == '{'``."""
    i = _ws(text, i + 1)
    found = -1
    while text[i] != "}":
        key, i = decoder.raw_decode(text, i)
        i = _ws(text, i)
        i = _ws(text, i + 1)  # past ':'
        if key == "data":
            found = i  # the last "data" key wins, as in json.loads
        _, i = decoder.raw_decode(text, i)
        i = _ws(text, i)
        if text[i] == ",":
            i = _ws(text, i + 1)
    return found


def _parquet_rows(spec: ReferenceSpec, problems: _Problems) -> tuple[list[str], int, Iterator[tuple[int, list[str]]], Callable[[], None]]:
    """Parquet through duckdb (the ``big`` extra). Line numbers are 1-based record numbers."""
    import importlib.util

    if importlib.util.find_spec("duckdb") is None:
        msg = f"{spec.display_path}: Parquet needs the optional extra: pip install 'factcheck-numbers[big]'"
        if spec.claims_path:
            problems.add_problem(Problem(spec.claims_path, spec.line, spec.column, msg))
        else:
            problems.add(0, 0, "Parquet needs the optional extra: pip install 'factcheck-numbers[big]'")
        raise _Abort
    import duckdb  # noqa: PLC0415 - optional, imported only here

    try:
        con = duckdb.connect()
        cur = con.execute("SELECT * FROM read_parquet(?)", [str(spec.path)])
    except Exception as e:  # duckdb raises its own error types
        problems.add(0, 0, f"not a readable Parquet file ({(str(e).splitlines() or [type(e).__name__])[0]})")
        raise _Abort from None
    header = [d[0] for d in cur.description]

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, float) and v != v:
            return ""
        return str(v)

    def rows() -> Iterator[tuple[int, list[str]]]:
        n = 0
        while True:
            batch = cur.fetchmany(10_000)
            if not batch:
                break
            for rec in batch:
                n += 1
                yield n, [cell(v) for v in rec]
        con.close()

    return header, 0, rows(), con.close


# ------------------------------------------------------------------------------------------ the loader
def load_datasets(specs: Iterable[ReferenceSpec]) -> list[Dataset]:
    """Load several references; every problem of every file in one InputError."""
    out: list[Dataset] = []
    problems: list[Problem] = []
    for spec in specs:
        try:
            out.append(load_dataset(spec))
        except InputError as e:
            problems.extend(e.problems)
    if problems:
        raise InputError(problems)
    return out


def load_dataset(spec: ReferenceSpec, *, wanted: Callable[[dict[str, str]], bool] | None = None) -> Dataset:
    """Read the file of ``spec`` into a :class:`Dataset`. Raises :class:`InputError` with every problem.

    ``wanted``, when given, is called with the dimensions of a series (a dict, the ``set:`` constants
    included) once per distinct series, before any of its value cells is parsed; rows of series it
    refuses are skipped (their period and value cells are not even read). It must depend on the
    dimensions alone. Alias columns are read for every row all the same, so ``alias_map`` is complete.
    """
    display = spec.display_path or str(spec.path)
    problems = _Problems(display)
    claims_pos = (spec.claims_path or display, spec.line if spec.claims_path else 0, spec.column if spec.claims_path else 0)

    layout = (spec.layout or "auto").strip().lower()
    if layout not in ("auto", "tidy", "wide"):
        problems.add_problem(Problem(*claims_pos, f"layout '{spec.layout}' is not one of auto, tidy, wide"))
    decimal = spec.decimal or "."
    if decimal not in (".", ","):
        problems.add_problem(Problem(*claims_pos, f"decimal '{spec.decimal}' must be '.' or ','"))
    entry_scale = _scale_of(spec.scale) if spec.scale is not None else (1.0, "")
    if entry_scale is None:
        problems.add_problem(Problem(*claims_pos, f"scale '{spec.scale}' is not a scale (thousand, million, billion, trillion or a number)"))
    problems.raise_if_any()

    path = spec.path
    if not path.exists():
        raise InputError(Problem(*claims_pos, f"reference file '{display}' not found"))
    if path.is_dir():
        raise InputError(Problem(*claims_pos, f"reference '{display}' is a folder, not a file"))

    suffix = path.suffix.lower()
    json_cols: dict[int, int] | None = None
    close: Callable[[], None] = _nothing
    try:
        if suffix in (".parquet", ".pq"):
            header, header_line, rows, close = _parquet_rows(spec, problems)
        elif suffix == ".json":
            header, header_line, rows, json_cols = _json_rows(path, display, problems)
        else:
            header, header_line, rows, close = _csv_rows(path, display, problems, suffix == ".tsv")
    except _Abort:
        problems.raise_if_any()
        raise AssertionError("unreachable") from None  # pragma: no cover
    except OSError as e:
        raise InputError(Problem(*claims_pos, f"reference file '{display}' cannot be read ({e.strerror or e})")) from None

    loader = _Loader(spec, display, problems, header, header_line, layout, decimal, entry_scale or (1.0, ""), json_cols)
    gc_was_on = gc.isenabled()
    gc.disable()  # millions of acyclic objects: the cyclic collector would rescan them again and again
    try:
        loader.plan()
        problems.raise_if_any()
        loader.run(rows, wanted)
    except _Abort:
        pass
    finally:
        close()
        if gc_was_on:
            gc.enable()
    problems.raise_if_any()
    return loader.dataset()


def _nothing() -> None:
    pass


class _Loader:
    def __init__(self, spec, display, problems, header, header_line, layout, decimal, entry_scale, json_cols):
        self.spec: ReferenceSpec = spec
        self.display: str = display
        self.problems: _Problems = problems
        self.header = [h.strip().lstrip("\ufeff").strip() for h in header]
        self.header_line = header_line or 1
        self.layout = layout
        self.decimal = decimal
        self.entry_k, self.entry_word = entry_scale
        self.json_cols = json_cols
        self.q = _Quantities()
        self.entry_unit, self.entry_unit_scale = self.q.unit(spec.unit) if spec.unit else ("", None)
        self.default_source = spec.source or Path(display).name
        self.observations: list[Observation] = []
        self.series: dict[SeriesKey, list[Observation]] = {}
        self.alias_map: dict[str, dict[str, str]] = {}
        self.set_dims = {str(k): _scalar(v) for k, v in (spec.set or {}).items()}
        self._interned: dict[str, str] = {}

    # -- which column is what --------------------------------------------------------------------
    def _find(self, name: str) -> int | None:
        h = self.header
        name = str(name).strip()
        if name in h:
            return h.index(name)
        folded = [i for i, x in enumerate(h) if x.casefold() == name.casefold()]
        if len(folded) == 1:
            return folded[0]
        normed = [i for i, x in enumerate(h) if norm_name(x) == norm_name(name)]
        return normed[0] if len(normed) == 1 else None

    def plan(self) -> None:
        h, P, hl = self.header, self.problems, self.header_line
        cols_list = ", ".join(x for x in h if x) or "(none)"
        first: dict[str, int] = {}
        for i, name in enumerate(h):
            if not name:
                continue
            if name in first:
                P.add(hl, i + 1, f"column name '{name}' appears twice (columns {first[name] + 1} and {i + 1})")
            else:
                first[name] = i
        role_at: dict[str, int] = {}  # role -> column index
        dim_at: dict[str, int] = {}  # dimension -> column index
        mapped_dims: set[str] = set()
        taken: dict[int, str] = {}  # column index -> what took it
        for key, colname in (self.spec.columns or {}).items():
            key = str(key)
            idx = self._find(str(colname))
            if idx is None:
                P.add(hl, 1, f"columns: {key}: no column '{colname}' in the file; the columns are: {cols_list}")
                continue
            if idx in taken:
                P.add(hl, idx + 1, f"columns: column '{h[idx]}' is given twice ({taken[idx]} and {key})")
                continue
            taken[idx] = key
            if key.casefold() in ROLES:
                role_at[key.casefold()] = idx
            else:
                dim_at[key] = idx
                mapped_dims.add(key)
        alias_cols: list[int] = []
        for a in self.spec.aliases or []:
            idx = self._find(str(a))
            if idx is None:
                P.add(hl, 1, f"aliases: no column '{a}' in the file; the columns are: {cols_list}")
                continue
            if idx in taken:
                P.add(hl, idx + 1, f"aliases: column '{h[idx]}' is already the {taken[idx]} column")
                continue
            taken[idx] = "alias"
            alias_cols.append(idx)
        period_cols: list[tuple[int, Period]] = []
        free_dims: list[int] = []
        for i, name in enumerate(h):
            if i in taken or not name:
                continue
            role = name.casefold()
            if role in ROLES:
                if role not in role_at:
                    role_at[role] = i
                continue  # a role that columns: gave to another column: ignored
            if name in dim_at or name in self.set_dims:
                continue  # shadowed by columns: or set:
            try:
                p = parse_period(name)
            except SyntaxProblem:
                p = None
            if p is not None:
                period_cols.append((i, p))
            else:
                free_dims.append(i)
        layout = self.layout
        if layout == "auto":
            layout = "wide" if ("value" not in role_at and period_cols) else "tidy"
        self.layout = layout
        if layout == "tidy":
            free_dims.extend(i for i, _ in period_cols)
            free_dims.sort()
            period_cols = []
            missing = [r for r in ("value", "period") if r not in role_at]
            if missing:
                what = " and ".join(f"'{m}'" for m in missing)
                if self.spec.layout in (None, "", "auto") and "value" in missing:
                    hint = " (a tidy table needs 'value' and 'period' columns; a wide one, columns named like periods: 2020, 2021-Q1 ...)"
                else:
                    hint = " (a tidy table needs 'value' and 'period' columns; columns: can name them)"
                P.add(hl, 1, f"no {what} column{'s' if len(missing) > 1 else ''}{hint}; the columns are: {cols_list}")
        else:
            if "value" in role_at:
                P.add(hl, role_at["value"] + 1, "layout: wide, but the file has a 'value' column (a wide table has its values under period columns)")
            if "period" in role_at:
                free_dims.append(role_at.pop("period"))  # a wide table's 'period' column is just a dimension
                free_dims.sort()
            if not period_cols:
                P.add(hl, 1, f"layout: wide, but no column is named like a period (2020, 2021-Q1, 2021-01 ...); the columns are: {cols_list}")
        for i in free_dims:
            dim_at[h[i]] = i
        # the dimension of each alias column: the nearest mapped dimension column, else the nearest one
        self.alias_of: list[tuple[int, str]] = []
        if alias_cols:
            cands = [(i, d) for d, i in dim_at.items() if d in mapped_dims] or [(i, d) for d, i in dim_at.items()]
            if not cands:
                P.add(hl, alias_cols[0] + 1, "aliases: there is no dimension column for these names to stand for; map one in columns: (e.g. columns: {partner: Country})")
            else:
                for a in alias_cols:
                    i, d = min(cands, key=lambda c: (abs(c[0] - a), c[0]))
                    self.alias_of.append((a, d))
        self.role_at = role_at
        self.dim_at = dim_at
        self.period_cols = period_cols
        self.dimensions = tuple(sorted(set(dim_at) | set(self.set_dims)))

    # -- reading rows ---------------------------------------------------------------------------
    def _meta(self, cells: tuple[str, ...], names: tuple[str, ...]):
        """Resolve a row's metadata cells: (unit, k, word, source, url, published, note, errors)."""
        d = dict(zip(names, cells))
        errors: list[tuple[str, str]] = []
        # scale: the row's scale cell, else the entry's scale:, else a scale word in the unit ("thousand USD")
        unit, unit_scale = self.entry_unit, self.entry_unit_scale
        u = d.get("unit", "").strip()
        if u:
            unit, unit_scale = self.q.unit(u)
        k, word = self.entry_k, self.entry_word
        if self.spec.scale is None and unit_scale is not None:
            k, word = unit_scale
        s = d.get("scale", "").strip()
        if s:
            sc = _scale_of(s)
            if sc is None:
                errors.append(("scale", f"scale '{s}' in column '{self.header[self.role_at['scale']]}' is not a scale (thousand, million, billion, trillion or a number)"))
            else:
                k, word = sc
        src = d.get("source", "").strip() or self.default_source
        it = self._interned.setdefault
        url, published, note = (d.get(r, "").strip() for r in ("url", "published", "note"))
        return (sys.intern(unit), k, word, it(src, src), it(url, url), it(published, published), note, errors)

    def run(self, rows: Iterable[tuple[int, list[str]]], wanted: Callable[[dict[str, str]], bool] | None) -> None:
        h = self.header
        ncols = len(h)
        P = self.problems
        display = self.display
        decimal = self.decimal
        json_cols = self.json_cols
        dec_char = decimal
        slow = self.q.slow
        missing = MISSING
        field_names = [f.name for f in dataclasses.fields(Observation)]
        # an observation of a plain number: no value yet (built on first use, see Observation.__getattr__)
        make_lazy = _constructor(Observation, [n for n in field_names if n != "value"], {})
        make_full = _constructor(Observation, field_names, {"_lazy": None})

        # the series of a row: its dimension cells -> (key, list), or False when not wanted
        dim_names = sorted(self.dim_at)
        n_dims = len(dim_names)
        set_items = tuple(self.set_dims.items())
        series = self.series
        interned: dict[str, str] = {}
        by_dims: dict[tuple, Any] = {}

        def series_of(vs: tuple) -> Any:
            ent = by_dims.get(vs)
            if ent is not None:
                return ent
            d = dict(set_items)
            for name, v in zip(dim_names, vs):
                if name not in d:
                    v = v.strip()
                    d[name] = interned.setdefault(v, v)
            key = tuple(sorted(d.items()))
            if wanted is not None and not wanted(dict(key)):
                ent = False
            else:
                lst = series.get(key)
                if lst is None:
                    lst = series[key] = []
                ent = (key, lst)
            by_dims[vs] = ent
            return ent

        # the metadata of a row: its metadata cells -> resolved
        meta_names = tuple(r for r in METADATA if r in self.role_at)
        meta_col = {r: self.role_at[r] + 1 for r in meta_names}
        by_meta: dict[tuple, Any] = {}

        def meta_of(ms: tuple) -> Any:
            m = by_meta.get(ms)
            if m is None:
                unit, k, word, source, url, published, note, errors = self._meta(ms, meta_names)
                m = by_meta[ms] = (unit, source, url, published, note, (k, word, dec_char), {}, errors)
            return m

        # one dictionary lookup a row for both: (series key, list, metadata) or False
        idx = [self.dim_at[d] for d in dim_names] + [self.role_at[r] for r in meta_names]
        if len(idx) == 0:
            rowget: Callable[[list[str]], Any] = lambda row: ()
        elif len(idx) == 1:
            j0 = idx[0]
            rowget = lambda row: (row[j0],)
        else:
            rowget = operator.itemgetter(*idx)
        by_row: dict[tuple, Any] = {}

        def entry_of(cells: tuple) -> Any:
            ser = series_of(cells[:n_dims])
            if ser is False:
                ent = False
            else:
                ent = (ser[0], ser[1], meta_of(cells[n_dims:]))
            if len(by_row) < 200_000:
                by_row[cells] = ent
            return ent

        # aliases
        alias_of = self.alias_of
        alias_seen: set[tuple] = set()
        alias_map = self.alias_map
        note_aliases: Callable[[list[str]], None] | None = None
        if alias_of:
            alias_idx = [a for a, _ in alias_of]
            alias_dims = [d for _, d in alias_of]
            alias_main = [self.dim_at[d] for d in alias_dims]
            sig_get = operator.itemgetter(*(alias_main + alias_idx))

            def note_aliases(row: list[str]) -> None:
                sig = sig_get(row)
                if sig in alias_seen:
                    return
                alias_seen.add(sig)
                for dim, main_i, a_i in zip(alias_dims, alias_main, alias_idx):
                    canon = row[main_i].strip()
                    if not canon:
                        continue
                    m = alias_map.setdefault(dim, {})
                    for n in (canon, row[a_i]):
                        nn = norm_name(n)
                        if not nn or nn in missing:
                            continue
                        m.setdefault(nn, canon)
                        short = nn.lstrip("0")
                        if nn.isdigit() and short and short != nn:
                            m.setdefault(short, canon)

        # periods: few distinct ones
        pcache: dict[str, Any] = {}

        def period_of(text: str) -> Any:
            try:
                p = parse_period(text.strip())
            except SyntaxProblem as e:
                p = e
            pcache[text] = p
            return p

        observations = self.observations
        wide = self.layout == "wide"
        if wide:
            value_cols = [(i, p, h[i]) for i, p in self.period_cols]
            vi = pi = -1
            vname = pname = ""
        else:
            value_cols = []
            vi = self.role_at["value"]
            pi = self.role_at["period"]
            vname, pname = h[vi], h[pi]

        for line, row in rows:
            n = len(row)
            if n != ncols:
                if n == 0 or not any(c.strip() for c in row):
                    continue  # a blank line
                if n > ncols:
                    extra = [c for c in row[ncols:] if c.strip()]
                    if extra:
                        P.add(line, ncols + 1, f"the row has {n} fields, the header {ncols}: '{extra[0]}' has no column")
                    row = row[:ncols]
                else:
                    row = row + [""] * (ncols - n)
            if note_aliases is not None:
                note_aliases(row)
            cells = rowget(row)
            ent = by_row.get(cells)
            if ent is None:
                ent = entry_of(cells)
            if ent is False:
                continue
            key, lst, meta = ent
            unit, source, url, published, note, lazy, qcache, errors = meta
            if errors:
                for role, msg in errors:
                    P.add(line, json_cols.get(line, 1) if json_cols is not None else meta_col[role], msg)
                continue
            if wide:
                targets = value_cols
            else:
                raw = row[vi]
                if not raw or raw.isspace() or raw.strip() in missing:
                    continue
                ptext = row[pi]
                period = pcache.get(ptext)
                if period is None:
                    period = period_of(ptext)
                if period.__class__ is SyntaxProblem:
                    t = ptext.strip()
                    col = json_cols.get(line, 1) if json_cols is not None else pi + 1
                    if not t:
                        P.add(line, col, f"the value '{raw.strip()}' has no period (column '{pname}' is empty)")
                    else:
                        P.add(line, col, f"period '{t}' in column '{pname}' is not a period ({period.message})")
                    continue
                targets = ((vi, period, vname),)
            for ci, period, cname in targets:
                raw = row[ci]
                if not raw:
                    continue
                s = raw.strip()
                # fast path: a plain decimal number (every digit significant); checked now, built lazily
                plain = False
                if s.isascii() and len(s) < 300:
                    p = s.find(dec_char)
                    if p < 0:
                        plain = s.isdigit() or (s[:1] == "-" and s[1:].isdigit())
                    else:
                        a = s[:p]
                        plain = s[p + 1 :].isdigit() and (a.isdigit() or (a[:1] == "-" and a[1:].isdigit()))
                if plain:
                    obs = make_lazy(display, line, cname, ci + 1, key, period, s, unit, source, url, published, note, lazy)
                else:
                    if not s or s in missing:
                        continue
                    q = qcache.get(s)
                    if q is None:
                        try:
                            q = slow(s, decimal, unit, lazy[0], lazy[1])
                        except SyntaxProblem as e:
                            col = json_cols.get(line, 1) if json_cols is not None else ci + 1
                            P.add(line, col, f"value '{s}' in column '{cname}' is not a number ({e.message})")
                            continue
                        if len(qcache) < _QCACHE_MAX:
                            qcache[s] = q
                    obs = make_full(display, line, cname, ci + 1, key, period, q, s, q.unit, source, url, published, note)
                lst.append(obs)
                observations.append(obs)

    def dataset(self) -> Dataset:
        series = self.series
        for key in [k for k, v in series.items() if not v]:
            del series[key]
        for lst in series.values():
            if len(lst) > 1:
                lst.sort(key=_PERIOD_SPAN)
        return Dataset(
            path=self.display,
            observations=self.observations,
            series=series,
            alias_map=self.alias_map,
            dimensions=self.dimensions,
            layout=self.layout,
            header=tuple(self.header),
        )


_PERIOD_SPAN = operator.attrgetter("period.start", "period.end")


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
