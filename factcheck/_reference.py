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
Reading only what the claims need
    A file is first *indexed* (every series and the rows it has, the alias map), then the rows of the
    series wanted are *materialized* into observations (see "the loader" below). `factcheck check`
    wants the series its claims can match (:func:`needed_series`); the rows of other series are not
    parsed, so a bad cell, period or scale there, or a row with too many fields, is not reported. A CSV
    file is indexed from its bytes by one regular expression that takes a run of lines with the same
    key cells at a time, only the key cells of each new run parsed, without the csv module, unless a
    quoted field holds a line break, a line ends in a lone CR or a byte is not UTF-8 (then row by row).
    A big file (``PART_MIN_BYTES``) is indexed in parts, one a core, by forked workers, joined into the
    index one pass would make (see ``_Loader._index_in_parts``). The rows wanted are read in bulk: the
    cells after the key cells split at once and checked a column at a time, so that every problem of
    those rows is known when the Dataset is made; the
    observations of a series are made when it is first looked at (the lists of :class:`Dataset` fill
    themselves on first use). :class:`Source` holds an index (the cache, factcheck._cache, keeps it).
"""

from __future__ import annotations

import collections
import csv
import dataclasses
import functools
import itertools
import json
import operator
import re
import sys
import types
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from factcheck._errors import InputError, Problem, SyntaxProblem
from factcheck._gc import paused
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
# names are normalised in one place, for the dataset's aliases and the engine's lookups alike
from factcheck._matching import norm_name  # noqa: E402


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
    observations: list[Observation]  # in file order (a list made on first use: see _Lazy)
    # each list sorted by period (stable: file order within), made on first use; its ``units`` (the set of
    # its observations' units) is known before
    series: dict[SeriesKey, list[Observation]]
    alias_map: dict[str, dict[str, str]]  # dimension -> norm_name(alias) -> value as written
    dimensions: tuple[str, ...] = ()  # every dimension name, sorted (constants from set: included)
    layout: str = "tidy"  # the layout used ("tidy" or "wide")
    header: tuple[str, ...] = ()  # the file's column names
    complete: bool = True  # False: only the series a claims file needs were read (see load_dataset's wanted)

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


@dataclass
class _CsvHead:
    """What reading a CSV file's header found, and the rows after it (the general path)."""

    header: list[str]
    header_line: int
    rows: Iterator[tuple[int, list[str]]]
    close: Callable[[], None]
    delimiter: str
    consumed: int  # physical lines read up to and including the header (an Excel sep= line, blank lines)


def _csv_rows(path: Path, display: str, problems: _Problems, tsv: bool, row_problems: Any = None) -> _CsvHead:
    """The header, and an iterator of (line, row) after it. UTF-8 and CSV errors met in the rows are
    recorded in ``row_problems`` (default: ``problems``) and surface from the iterator as _Abort."""
    row_problems = problems if row_problems is None else row_problems
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

    consumed = reader.line_num

    def rows() -> Iterator[tuple[int, list[str]]]:
        prev = reader.line_num
        try:
            for row in reader:
                yield prev + 1, row
                prev = reader.line_num
        except UnicodeDecodeError:
            row_problems.add_problem(_bad_utf8(path, display))
            raise _Abort from None
        except csv.Error as e:
            row_problems.add(prev + 1, 1, f"not a readable CSV row ({e})")
            raise _Abort from None
        finally:
            f.close()

    return _CsvHead(header, header_line, rows(), f.close, delim, consumed)


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
            return str(v)  # a number (_Num) as plain text
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
#
# Reading a reference file has two steps. *Indexing* reads the whole file once and records, for every
# distinct series (and combination of metadata cells: an "entry"), where its rows are: for a CSV file,
# runs of consecutive lines (byte offset, first line, length), found without parsing the value cells
# (_Loader.index_csv: a block of bytes at a time, one regular expression taking a run at a time, the
# key cells of new runs parsed together); for JSON, Parquet and CSV files the fast path cannot take
# (quoted line breaks, lone CR line ends, invalid UTF-8), the rows themselves. Alias columns are read
# for every row while indexing, so the alias map is complete. *Materializing* reads the rows of the
# wanted entries and finds every problem of those rows (a bad value, period or scale cell, a row with
# too many fields); their Observations are made when a series is first looked at (_View). The index is
# what the cache (factcheck._cache) keeps; a Source holds it and serves a Dataset of any set of series.

ProgressFn = Callable[[str, float, "float | None"], None]


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
    included) once per distinct series, after the file is indexed and before any of its value cells is
    parsed; rows of series it refuses are skipped (their period, value and metadata cells are not even
    read, nor their problems reported). It must depend on the dimensions alone. Alias columns are read
    for every row all the same, so ``alias_map`` is complete.
    """
    return open_source(spec).dataset(spec, wanted)


def check_spec(spec: ReferenceSpec) -> None:
    """The problems of a reference entry itself (layout, decimal, scale; the file missing or a folder)."""
    display = spec.display_path or str(spec.path)
    problems = _Problems(display)
    claims_pos = _claims_pos(spec)
    layout = (spec.layout or "auto").strip().lower()
    if layout not in ("auto", "tidy", "wide"):
        problems.add_problem(Problem(*claims_pos, f"layout '{spec.layout}' is not one of auto, tidy, wide"))
    decimal = spec.decimal or "."
    if decimal not in (".", ","):
        problems.add_problem(Problem(*claims_pos, f"decimal '{spec.decimal}' must be '.' or ','"))
    if spec.scale is not None and _scale_of(spec.scale) is None:
        problems.add_problem(Problem(*claims_pos, f"scale '{spec.scale}' is not a scale (thousand, million, billion, trillion or a number)"))
    problems.raise_if_any()
    path = spec.path
    if not path.exists():
        raise InputError(Problem(*claims_pos, f"reference file '{display}' not found"))
    if path.is_dir():
        raise InputError(Problem(*claims_pos, f"reference '{display}' is a folder, not a file"))


def _claims_pos(spec: ReferenceSpec) -> tuple[str, int, int]:
    display = spec.display_path or str(spec.path)
    return (spec.claims_path or display, spec.line if spec.claims_path else 0, spec.column if spec.claims_path else 0)


def spec_options(spec: ReferenceSpec) -> tuple:
    """Everything of a reference entry that changes what its file reads as (its display path aside)."""
    return (
        (spec.layout or "auto").strip().lower(), spec.scale, spec.unit, spec.source,
        tuple(sorted((str(k), _scalar(v)) for k, v in (spec.set or {}).items())),
        tuple(sorted((str(k), str(v)) for k, v in (spec.columns or {}).items())),
        tuple(str(a) for a in spec.aliases or ()), spec.decimal or ".",
    )


BIG_FILE = 50 << 20  # bytes: above this, engine "auto" may read a CSV file with DuckDB (see open_source)


def open_source(spec: ReferenceSpec, *, cache: Any = None, progress: ProgressFn | None = None,
                engine: str = "python") -> "Source":
    """Index the file of ``spec``, or take its index from ``cache`` (a :class:`factcheck._cache.DiskCache`).

    ``engine``: "python" (the default engine), "duckdb" (factcheck._bigtable; the ``big`` extra), or
    "auto": when duckdb is installed, DuckDB for a Parquet file, and for a CSV file above BIG_FILE when
    there is no cache to keep its index in and the machine has at least 4 cores; else the default
    engine. (Measured on 2 cores, the default engine reads a 90 MB CSV file as fast as DuckDB in CPU
    time and in wall time, and its cached index makes every later run read only the rows it needs.)
    """
    check_spec(spec)
    path = spec.path
    if cache is not None:
        with paused():
            src = cache.load(spec)
        if src is not None:
            return src
    if engine == "duckdb" or (engine == "auto" and _wants_duckdb(path, cache is None)):
        from factcheck._bigtable import open_duckdb_source

        src = open_duckdb_source(spec, progress=progress, required=engine == "duckdb")
        if src is not None:
            return src
    hasher = cache.hasher() if cache is not None else None
    st = _stat(path)
    index, hashed = _build_index(spec, hasher, progress)
    src = Source(index, path, st)
    if cache is not None:
        cache.store(spec, src, hasher if hashed else None)
    return src


def _wants_duckdb(path: Path, uncached: bool) -> bool:
    import importlib.util
    import os

    try:
        parquet = path.suffix.lower() in (".parquet", ".pq")
        big = uncached and path.stat().st_size > BIG_FILE and (os.cpu_count() or 1) >= 4
    except OSError:
        return False
    return (parquet or big) and importlib.util.find_spec("duckdb") is not None


def _stat(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _build_index(spec: ReferenceSpec, hasher: Any, progress: ProgressFn | None) -> tuple["_Index", bool]:
    """Index the file; (index, whether ``hasher`` saw every byte of it). ``hasher``: None, or a
    factcheck._cache.ContentHasher (fed as the file is read, or given to a thread: see index_csv)."""
    display = spec.display_path or str(spec.path)
    problems = _Problems(display)
    claims_pos = _claims_pos(spec)
    layout = (spec.layout or "auto").strip().lower()
    decimal = spec.decimal or "."
    entry_scale = _scale_of(spec.scale) if spec.scale is not None else (1.0, "")
    path = spec.path
    suffix = path.suffix.lower()
    json_cols: dict[int, int] | None = None
    close: Callable[[], None] = _nothing
    recorder = _Recorder()
    head: _CsvHead | None = None
    try:
        if suffix in (".parquet", ".pq"):
            header, header_line, rows, close = _parquet_rows(spec, problems)
        elif suffix == ".json":
            header, header_line, rows, json_cols = _json_rows(path, display, problems)
        else:
            head = _csv_rows(path, display, problems, suffix == ".tsv", recorder)
            header, header_line, rows, close = head.header, head.header_line, head.rows, head.close
    except _Abort:
        problems.raise_if_any()
        raise AssertionError("unreachable") from None  # pragma: no cover
    except OSError as e:
        raise InputError(Problem(*claims_pos, f"reference file '{display}' cannot be read ({e.strerror or e})")) from None

    loader = _Loader(spec, display, problems, header, header_line, layout, decimal, entry_scale or (1.0, ""), json_cols)
    hashed = False
    try:
        with paused():
            loader.plan()
            problems.raise_if_any()
            loader.prepare()
            fast = False
            if head is not None:
                close()  # the fast path reads the bytes itself
                fast = loader.index_csv(path, head, hasher, progress)
                hashed = fast
                if not fast:  # start again on the general path
                    loader.reset()
                    head = _csv_rows(path, display, problems, suffix == ".tsv", recorder)
                    rows, close = head.rows, head.close
            if not fast:
                try:
                    loader.index_rows(rows)
                except _Abort:
                    loader.aborted = True
    finally:
        close()
    index = loader.index()
    if recorder.calls:
        # indexing stopped at a bad row: the rows before it are checked as a full read would have, in
        # file order, then that problem follows
        index.row_problems = recorder.calls
        index.aborted = True
    return index, hashed


def _nothing() -> None:
    pass


class _Recorder:
    """Problems met in the rows while indexing, replayed after the problems of the rows before them."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def add(self, line: int, column: int, message: str) -> None:
        self.calls.append(("add", line, column, message))

    def add_problem(self, p: Problem) -> None:
        self.calls.append(("add_problem", p))


def _replay(calls: list[tuple], P: _Problems) -> None:
    for c in calls:
        if c[0] == "add":
            P.add(c[1], c[2], c[3])
        else:
            P.add_problem(c[1])


@dataclass
class _Index:
    """A reference file indexed by entry (a series key and metadata cells), in columns: plain data and
    integer arrays (see factcheck._cache for how it is stored). Entries are numbered in order of first
    appearance; runs (consecutive rows of one entry) are kept in file order."""

    kind: str  # "csv": runs of lines in the file; "rows": the rows themselves (a run is one row)
    header: list[str]
    header_line: int
    layout: str
    role_at: dict[str, int]
    dim_at: dict[str, int]
    period_cols: list[tuple[int, Period]]
    dimensions: tuple[str, ...]
    alias_map: dict[str, dict[str, str]]
    key_dims: tuple[str, ...]  # the dimensions of every series key, sorted
    values: list[list[str]]  # per key dimension: its distinct values
    ids: list[array]  # per key dimension: entry -> value id
    metas: list[tuple[str, ...]]  # distinct metadata cells, as written
    meta_ids: array  # entry -> metadata id
    run_entry: array  # the entry of each run, runs in file order
    run_off: array  # "csv": byte offset of each run; "rows": its sequence number
    run_line: array  # first line of each run
    run_len: array  # "csv": bytes of each run (its last line end left out); "rows": empty
    rows: list[list[str]] | None = None  # "rows": the row of each run
    inv: dict[str, tuple[array, array]] = field(default_factory=dict)  # dimension: value id -> entries (CSR), made on first use
    delimiter: str = ","
    key_cols: list[int] = field(default_factory=list)  # the columns of the key cells (dimensions, metadata, aliases), sorted
    json_cols: dict[int, int] | None = None
    row_problems: list[tuple] = field(default_factory=list)  # the problem that stopped indexing
    aborted: bool = False  # never cached

    @property
    def entries(self) -> int:
        return len(self.meta_ids)

    def key(self, e: int) -> SeriesKey:
        pairs = self.__dict__.get("_pairs")
        if pairs is None:  # (dimension, value) of every value id, made once: keys share them
            pairs = self.__dict__["_pairs"] = [[(d, v) for v in vals] for d, vals in zip(self.key_dims, self.values)]
        return tuple([p[ids[e]] for p, ids in zip(pairs, self.ids)])

    def runs_of(self, entries: Iterable[int]) -> list[int]:
        """The runs of ``entries``, in file order. The first call walks every run; later ones (the claims
        files of a run that share this index) look the entries up in a table of each entry's runs, made
        at the second call: a few series of a 1,000,000-row table then cost microseconds, not
        milliseconds."""
        d = self.__dict__
        table = d.get("_runs_by_entry")
        if table is None and d.get("_runs_asked"):
            table = d["_runs_by_entry"] = self._runs_table()
        if table is not None:
            starts, order = table
            return sorted(itertools.chain.from_iterable(order[starts[e]:starts[e + 1]] for e in set(entries)))
        d["_runs_asked"] = True
        flags = bytearray(self.entries)
        for e in entries:
            flags[e] = 1
        return list(itertools.compress(range(len(self.run_entry)), map(flags.__getitem__, self.run_entry)))

    def _runs_table(self) -> tuple[array, array]:
        """(starts, order): the runs of entry e are order[starts[e]:starts[e + 1]], in file order."""
        order = array("q", sorted(range(len(self.run_entry)), key=self.run_entry.__getitem__))  # stable
        counts = collections.Counter(self.run_entry)
        starts = array("q", [0, *itertools.accumulate(counts.get(e, 0) for e in range(self.entries))])
        return starts, order

    def inverted(self, dim: str) -> tuple[array, array]:
        """(starts, entries): the entries with value id v of ``dim`` are entries[starts[v]:starts[v + 1]],
        in order. Made on first use and kept (so a cache entry written after a run holds it)."""
        hit = self.inv.get(dim)
        if hit is None:
            k = self.key_dims.index(dim)
            col, n, nv = self.ids[k], self.entries, len(self.values[k])
            if nv == 1:
                hit = (array("q", [0, n]), array("i", range(n)))
            else:
                order = array("i", sorted(range(n), key=col.__getitem__))  # stable: entries in order
                counts = collections.Counter(col)
                hit = (array("q", [0, *itertools.accumulate(counts.get(i, 0) for i in range(nv))]), order)
            self.inv[dim] = hit
        return hit


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
        self.alias_map: dict[str, dict[str, str]] = {}
        self.set_dims = {str(k): _scalar(v) for k, v in (spec.set or {}).items()}
        self.aborted = False
        self.kind = "rows"
        self.delimiter = ","

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

    # -- entries ---------------------------------------------------------------------------------
    def prepare(self) -> None:
        """The key cells of a row: its dimension cells (by dimension name), metadata cells, alias cells."""
        self.dim_names = sorted(self.dim_at)
        self.meta_names = tuple(r for r in METADATA if r in self.role_at)
        self.key_idx = ([self.dim_at[d] for d in self.dim_names] + [self.role_at[r] for r in self.meta_names]
                        + [a for a, _ in self.alias_of])
        self.n_dims = len(self.dim_names)
        self.n_meta = len(self.meta_names)
        idx = self.key_idx
        if len(idx) == 0:
            self.keyget: Callable[[Any], tuple] = lambda row: ()
        elif len(idx) == 1:
            j0 = idx[0]
            self.keyget = lambda row: (row[j0],)
        else:
            self.keyget = operator.itemgetter(*idx)
        # alias cells: (dimension, position of its main cell in the key cells, position of the alias cell)
        self.alias_pos = [(d, self.dim_names.index(d), self.n_dims + self.n_meta + k)
                          for k, (_, d) in enumerate(self.alias_of)]
        sig = [m for _, m, _ in self.alias_pos] + [a for _, _, a in self.alias_pos]
        self._alias_sig = operator.itemgetter(*sig) if sig else None  # (main cells..., alias cells...)
        self.reset()

    def reset(self) -> None:
        self.alias_map = {}
        self.key_dims = tuple(sorted(set(self.dim_names) | set(self.set_dims)))
        self._kvs: list[tuple[str, ...]] = []  # entry -> its dimension cells, stripped
        self._mcs: list[tuple[str, ...]] = []  # entry -> its metadata cells
        # the runs, in file order: entry, byte offset (or row number), first line, bytes
        self.run_entry, self.run_off, self.run_line, self.run_len = array("i"), array("q"), array("q"), array("q")
        self.rows: list[list[str]] = []
        self._by_cells: dict[tuple, int] = {}
        self._by_km: dict[tuple, int] = {}
        self._heads: dict[Any, int] = {}  # the key groups of a run (bytes) -> its entry (-1: key cells all blank)
        self._alias_seen: set[tuple] = set()
        self._normed: dict[str, str] = {}
        self.aborted = False

    def entry_of(self, cells: tuple) -> int:
        """The entry of a row's key cells (new entries in order of first appearance)."""
        e = self._by_cells.get(cells)
        if e is not None:
            return e
        if self.alias_pos:
            self._note_aliases(self._alias_sig(cells))
        nd = self.n_dims
        km = tuple(map(str.strip, cells[:nd])) + cells[nd:nd + self.n_meta]  # stripped dimensions, metadata
        e = self._by_km.get(km)
        if e is None:
            e = self._by_km[km] = len(self._kvs)
            self._kvs.append(km[:nd])
            self._mcs.append(km[nd:])
        self._by_cells[cells] = e
        return e

    def entries_of(self, many: list[tuple]) -> list[int]:
        """entry_of of many key cells (each new), at once: the same entries, in C where it can be."""
        if self.alias_pos:
            seen = self._alias_seen
            for sig in dict.fromkeys(map(self._alias_sig, many)):
                if sig not in seen:
                    self._note_aliases(sig)
        nd, nm = self.n_dims, self.n_meta
        by_km = self._by_km
        dims = list(itertools.chain.from_iterable(map(operator.itemgetter(slice(0, nd)), many))) if nd else []
        if list(map(str.strip, dims)) != dims:  # a cell to strip
            kms = [tuple(map(str.strip, cells[:nd])) + cells[nd:nd + nm] for cells in many]
        elif len(self.key_idx) == nd + nm:
            kms = many
        else:
            kms = list(map(operator.itemgetter(slice(0, nd + nm)), many))
        fresh = [km for km in dict.fromkeys(kms) if km not in by_km]
        if fresh:
            by_km.update(zip(fresh, range(len(self._kvs), len(self._kvs) + len(fresh))))
            self._kvs.extend(map(operator.itemgetter(slice(0, nd)), fresh))
            self._mcs.extend(map(operator.itemgetter(slice(nd, None)), fresh))
        ents = list(map(by_km.__getitem__, kms))
        self._by_cells.update(zip(many, ents))
        return ents

    def _note_aliases(self, sig: tuple) -> None:
        """The alias map's names from a row's main and alias cells (``sig``, as _alias_sig takes them)."""
        self._alias_seen.add(sig)
        alias_map = self.alias_map
        normed = self._normed
        na = len(self.alias_pos)
        for k, (dim, _, _) in enumerate(self.alias_pos):
            canon = sig[k].strip()
            if not canon:
                continue
            m = alias_map.setdefault(dim, {})
            for n in (canon, sig[na + k]):
                nn = normed.get(n)
                if nn is None:
                    nn = normed[n] = norm_name(n)
                if not nn or nn in MISSING:
                    continue
                m.setdefault(nn, canon)
                short = nn.lstrip("0")
                if nn.isdigit() and short and short != nn:
                    m.setdefault(short, canon)

    def index(self) -> _Index:
        """The index, in columns."""
        # value ids per key dimension (set: constants have one value), metadata ids
        n = len(self._kvs)
        values: list[list[str]] = []
        ids: list[array] = []
        for d in self.key_dims:
            if d in self.set_dims:
                values.append([self.set_dims[d]])
                ids.append(array("i", bytes(4 * n)))
                continue
            col = list(map(operator.itemgetter(self.dim_names.index(d)), self._kvs))
            vals, vids = _numbered(col)
            values.append(vals)
            ids.append(vids)
        metas, meta_ids = _numbered(self._mcs)
        return _Index(self.kind, self.header, self.header_line, self.layout, self.role_at, self.dim_at,
                      self.period_cols, self.dimensions, self.alias_map, self.key_dims, values,
                      ids, metas, meta_ids, self.run_entry, self.run_off, self.run_line, self.run_len,
                      self.rows if self.kind == "rows" else None, {}, self.delimiter, sorted(set(self.key_idx)),
                      self.json_cols, aborted=self.aborted)

    # -- the general path: rows one by one -------------------------------------------------------
    def index_rows(self, rows: Iterable[tuple[int, list[str]]]) -> None:
        self.kind = "rows"
        ncols = len(self.header)
        keyget = self.keyget
        by_cells = self._by_cells
        entry_of = self.entry_of
        add_entry, add_seq, add_line, add_row = (self.run_entry.append, self.run_off.append,
                                                 self.run_line.append, self.rows.append)
        seq = 0
        for line, row in rows:
            n = len(row)
            if n != ncols:
                if n == 0 or not any(c.strip() for c in row):
                    continue  # a blank line
                padded = row[:ncols] if n > ncols else row + [""] * (ncols - n)
            else:
                padded = row
            cells = keyget(padded)
            e = by_cells.get(cells)
            if e is None:
                e = entry_of(cells)
            add_entry(e)
            add_seq(seq)
            add_line(line)
            add_row(row)
            seq += 1

    # -- the fast path: a CSV file's bytes ---------------------------------------------------------
    def index_csv(self, path: Path, head: _CsvHead, hasher: Any, progress: ProgressFn | None) -> bool:
        """Index a CSV file from its bytes: runs of lines with the same key cells are found by one regular
        expression (see _run_pattern), only the key cells of each distinct run parsed. False when the file
        needs the general path (a quoted field with a line break, a lone CR line end, a byte that is not
        UTF-8, an odd delimiter)."""
        delim = head.delimiter
        if len(delim) != 1 or delim in "\"\r\n" or not delim.isascii():
            return False
        self.kind = "csv"
        self.delimiter = delim
        d = delim.encode()
        h = (max(self.key_idx) + 1) if self.key_idx else 0
        ncols = len(self.header)
        self._csv = functools.partial(csv.reader, delimiter=delim, strict=False)
        self._run_rx = self._run_pattern(d, ncols) if h else None
        size = path.stat().st_size
        parts = _parts(path, size) if h else []
        if parts:
            return self._index_in_parts(path, head, hasher, progress, size, parts)
        with open(path, "rb") as f:
            return self._scan_range(f, 0, None, head.consumed + 1, head.consumed, hasher, progress, size) is not None

    def _scan_range(self, f: Any, start: int, stop: int | None, line: int, header_lines: int, hasher: Any,
                    progress: ProgressFn | None, size: int) -> int | None:
        """Index the lines in bytes [start, stop) of the open file ``f`` (``stop`` None: to its end; both at
        the start of a line; at 0, the ``header_lines`` first lines are skipped), the first numbered
        ``line``; the number of the line after them, or None when the file needs the general path."""
        h = bool(self.key_idx)
        f.seek(start)
        carry = b""
        first = start == 0
        base = start  # file offset of the first byte of the next buffer
        done = start
        while True:
            want = _BLOCK if stop is None else min(_BLOCK, stop - done)
            block = f.read(want) if want > 0 else b""
            if hasher is not None:
                hasher.update(block)
            done += len(block)
            data = carry + block if carry else block
            if first:
                first = False
                skip = 0
                for _ in range(header_lines):
                    j = data.find(b"\n", skip)
                    if j < 0:
                        return None  # a header longer than a block: the general path
                    skip = j + 1
                region = data[:skip]
                if b"\r" in region and region.count(b"\r") != region.count(b"\r\n"):
                    return None
                data = data[skip:]
                base = skip
            if not block:
                if not data:
                    break
                buf = data + b"\n"  # the last line has no line end
                carry = b""
            else:
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    carry = data
                    continue
                buf, carry = (data, b"") if cut == len(data) else (data[:cut], data[cut:])
            if not _whole_lines(buf):
                return None
            nl = self._scan_fast(buf, base, line) if h else self._scan_one(buf, base, line)
            if nl is False:
                return None
            line += nl
            base += len(buf)
            if progress is not None:
                progress(f"reading {self.display}", done if stop is None else done * size // max(stop, 1), size)
            if not block:
                break
        return line

    # -- the fast path in parts: a big file indexed by several processes ------------------------------
    # The file is cut at line starts into parts; each part after the first is indexed by a forked worker
    # process from a fresh start (lines numbered from 0, entries in order of first appearance in the
    # part), while this process indexes the first part. The parts are joined in file order: a part's
    # entry keys not met before become entries here, in its order of first appearance (as one pass
    # would have numbered them), its runs are renumbered and their lines moved on. Then a thread
    # computes the content hash while the run goes on (hashlib lets go of the interpreter lock;
    # factcheck._cache waits for it). A worker that fails, or finds the file
    # needs the general path, is no error: its part is indexed here (and on the general path when it
    # must be, as one pass would have decided). Measured on 2 cores (tests/benchmarks/scale.py): an
    # 88 MB, 1,000,000-row file is indexed in about 0.7x the wall time of one pass, for about 1.3x its
    # CPU time (the whole cold check: 1.52 s against 1.71 s); a 14 MB file gained nothing (every line a
    # series of its own: joining the parts costs what the second core saves), hence PART_MIN_BYTES.

    def _index_in_parts(self, path: Path, head: _CsvHead, hasher: Any, progress: ProgressFn | None, size: int,
                        parts: list[tuple[int, int | None]]) -> bool:
        import os

        workers: list[tuple[int, int, int, int | None]] = []  # (pid, read end, start, stop); pid 0: read here
        try:
            for start, stop in parts[1:]:
                try:
                    workers.append(self._fork_part(path, start, stop))
                except OSError:  # no process to be had (a limit): this part is read here
                    workers.append((0, -1, start, stop))
            with open(path, "rb") as f:
                line = self._scan_range(f, 0, parts[0][1], head.consumed + 1, head.consumed, None, progress, size)
                while line is not None and workers:
                    pid, fd, start, stop = workers.pop(0)
                    got = _collect(pid, fd) if pid else None
                    if got is not None:
                        line = self._adopt_part(got, line)
                    else:  # the worker failed, or the file needs the general path: that part is read here
                        line = self._scan_range(f, start, stop, line, 0, None, progress, size)
            if line is None:
                return False
            if hasher is not None:
                hasher.in_thread(path)  # while the run goes on (a factcheck._cache.ContentHasher)
            return True
        finally:
            for pid, fd, _, _ in workers:  # left when this part needs the general path
                if pid:
                    _stop_worker(pid, fd)

    def _fork_part(self, path: Path, start: int, stop: int | None) -> tuple[int, int, int, int | None]:
        import marshal
        import os

        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: index its part, send it, and leave (no clean-up of the parent's state)
            code = 1
            try:
                os.close(r)
                with open(path, "rb") as f:
                    nlines = self._scan_range(f, start, stop, 0, 0, None, None, 0)
                if nlines is None:
                    payload = marshal.dumps(None)
                else:  # the entries' keys in order (first appearance), the alias map, the runs
                    kms = list(map(operator.add, self._kvs, self._mcs))
                    payload = marshal.dumps((nlines, kms, self.alias_map, self.run_entry.tobytes(),
                                             self.run_off.tobytes(), self.run_line.tobytes(), self.run_len.tobytes()))
                with os.fdopen(w, "wb") as out:
                    out.write(payload)
                code = 0
            except BaseException:  # noqa: BLE001 - the parent reads the part itself
                pass
            finally:
                os._exit(code)
        os.close(w)
        return pid, r, start, stop

    def _adopt_part(self, got: tuple, line0: int) -> int:
        """Join a worker's part (see _index_in_parts) whose first line is ``line0``; the line after it.

        Its entries' keys (stripped dimension cells and metadata cells, in its order of first
        appearance) not met before become entries here in that order, as one pass would have numbered
        them. Its alias map joins this one as one pass would have made it: a name keeps the first
        canonical name it was given. (Only the entries are joined, not the key cells as written: those
        serve reading, and a part read here after this one finds its entries by key all the same.)"""
        nlines, kms, alias_map, ent_b, off_b, line_b, len_b = got
        by_km = self._by_km
        fresh = [km for km in kms if km not in by_km]
        if fresh:
            nd = self.n_dims
            by_km.update(zip(fresh, range(len(self._kvs), len(self._kvs) + len(fresh))))
            self._kvs.extend(map(operator.itemgetter(slice(0, nd)), fresh))
            self._mcs.extend(map(operator.itemgetter(slice(nd, None)), fresh))
        to_here = list(map(by_km.__getitem__, kms))
        for dim, names in alias_map.items():
            mine = self.alias_map.setdefault(dim, {})
            for name, canon in names.items():
                mine.setdefault(name, canon)
        ents, lines = array("i"), array("q")
        ents.frombytes(ent_b)
        lines.frombytes(line_b)
        self.run_entry.extend(map(to_here.__getitem__, ents))
        self.run_line.extend(map(line0.__add__, lines))
        self.run_off.frombytes(off_b)
        self.run_len.frombytes(len_b)
        return line0 + nlines

    def _run_pattern(self, d: bytes, ncols: int) -> re.Pattern:
        """The pattern of a run: a line, then the lines after it with the same key cells (back-references),
        the run captured as its first line and its other lines, and the key cells (a group for each
        stretch of adjacent key columns, with the delimiter after each cell).

        A key cell is unquoted without quotes, or quoted with doubled quotes inside and no line break
        (what the csv module reads the same way); the columns between key columns likewise; the rest of
        the line after the last key column is anything (the caller checks that its quotes pair up: else
        a quoted field may hold a line break, and the file goes down the general path). A line that is
        no run (a blank or short row, a cell quoted otherwise) matches the other branch, alone (its
        group is the last): so the matches cover the buffer, and the engine never searches. The
        quantifiers are possessive: nothing is ever given back.
        """
        dd = re.escape(d)
        cell = rb'(?:"[^"\n]*+(?:""[^"\n]*+)*+"|[^' + dd + rb'"\r\n]*+)'
        keys = sorted(set(self.key_idx))
        h = keys[-1] + 1
        cols = [cell + dd if j < ncols - 1 else cell for j in range(h)]  # each cell with its delimiter
        first: list[bytes] = []
        then: list[bytes] = []
        j, group = 0, 2
        while j < h:
            if j in keys:
                k = j
                while k + 1 < h and k + 1 in keys:
                    k += 1
                first.append(b"(" + b"".join(cols[j:k + 1]) + b")")
                then.append(b"\\%d" % group)
                group += 1
                j = k + 1
            else:
                first.append(cols[j])
                then.append(cols[j])
                j += 1
        tail = rb"[^\n]*+\n" if h < ncols else rb"\r?\n"
        self._key_groups = group - 2
        self._prefix = self._key_groups == 1 and keys == list(range(h))  # every cell before the rest is a key cell
        self._quotes_after_keys = False  # met a line with quotes after its key cells
        self._trailing = h < ncols  # the last key group ends with a delimiter
        # the key cells parsed from the groups (in column order) -> the order of keyget
        perm = [keys.index(j) for j in self.key_idx]
        self._from_groups = None if perm == list(range(len(keys))) else operator.itemgetter(*perm)
        self._n_keys = len(keys)
        self._keys_of = operator.itemgetter(1) if self._key_groups == 1 else operator.itemgetter(slice(1, group - 1))
        # (first line, key groups..., the run's other lines) | a line that is no run
        return re.compile(b"(" + b"".join(first) + tail + b")((?:" + b"".join(then) + tail + rb")*+)|([^\n]*+\n)")

    def _scan_fast(self, buf: bytes, base: int, line0: int) -> int | bool:
        """The runs of one buffer of whole lines (checked by _whole_lines), appended to the index; the
        number of lines. False when the file needs the general path (an odd number of quotes on a line).
        The buffer's runs, their lengths and key cells are taken by one findall; only the key cells of
        runs not met before are parsed (together), and new entries numbered in order of appearance."""
        found = self._run_rx.findall(buf)  # [(first line, key cells..., other lines, odd line)]: in C
        firsts = list(map(_FIRST, found))
        if b"" in firsts:  # a line that is no run
            return self._scan_odd(buf, base, line0, found)
        rest = list(map(operator.itemgetter(-2), found))
        lens = list(map(operator.add, map(len, firsts), map(len, rest)))
        del firsts
        if any(rest):  # line ends: 1 + those of the other lines (removed to count them: faster than count)
            nls = list(map(operator.sub, map(len, rest), map(len, map(bytes.replace, rest, _NL, _EMPTY))))
            nls = list(map(operator.add, nls, itertools.repeat(1)))
        else:
            nls = [1] * len(lens)
        del rest
        keys = list(map(self._keys_of, found))
        if b'"' in buf:
            # quotes after the key cells must pair up on each line (else a quoted field may hold a line
            # break); when the pattern read every quote (all in key cells), there is nothing more to do
            inside = False
            if self._prefix and not self._quotes_after_keys:
                quotes = len(buf) - len(buf.replace(b'"', b""))
                inside = quotes == sum(map(operator.mul, map(bytes.count, keys, _QUOTE), nls))
                self._quotes_after_keys = not inside
            if not inside and not _quotes_pair(buf):
                return False
        heads = self._heads
        new = [k for k in dict.fromkeys(keys) if k not in heads]
        if new:
            cells_of = self._parse_heads(new)
            if cells_of is None:
                return self._scan_odd(buf, base, line0, None)
            by_cells = self._by_cells
            if "" in map(str.strip, map("".join, cells_of)) or any(map(by_cells.__contains__, cells_of)):
                # key cells all blank, or met before under other bytes ("A" and A): run by run, so that
                # entries are numbered in order of first appearance
                return self._scan_odd(buf, base, line0, found)
            heads.update(zip(new, self.entries_of(cells_of)))
        del found
        ents = list(map(heads.__getitem__, keys))
        if -1 in ents:  # key cells all blank (met before): line by line
            return self._scan_odd_keys(buf, base, line0, keys, lens, nls)
        offs = list(itertools.accumulate(lens, initial=base))
        offs.pop()
        lines = list(itertools.accumulate(nls, initial=line0))
        total = lines.pop() - line0
        self.run_entry.extend(ents)
        self.run_off.extend(offs)
        self.run_line.extend(lines)
        self.run_len.extend(map(operator.sub, lens, itertools.repeat(1)))
        return total

    def _scan_odd(self, buf: bytes, base: int, line0: int, found: list[tuple] | None) -> int | bool:
        """_scan_fast for a buffer with lines that are no run or whose key cells are all blank: those
        line by line (csv), the others as runs; every line on its own when ``found`` is None."""
        if b'"' in buf and not _quotes_pair(buf):
            return False
        if found is None:
            out: list[tuple] = []
            n = self._careful_lines(buf, 0, base, line0, buf.count(b"\n"), out)
            self._add_runs(out)
            return n
        keys = [self._keys_of(t) if t[0] else None for t in found]
        lens = [len(t[0]) + len(t[-2]) if t[0] else len(t[-1]) for t in found]
        nls = [1 + t[-2].count(b"\n") if t[0] else 1 for t in found]
        return self._scan_odd_keys(buf, base, line0, keys, lens, nls)

    def _scan_odd_keys(self, buf: bytes, base: int, line0: int, keys: list[Any], lens: list[int], nls: list[int]) -> int:
        """The runs (their key groups, bytes and lines; no key groups: a line that is no run) one by one."""
        out: list[tuple] = []
        pos, line = 0, line0
        heads = self._heads
        for k, length, n in zip(keys, lens, nls):
            e = heads.get(k) if k is not None else -1
            if e is None:
                cells = self._parse_heads([k])
                if cells is None:
                    e = -1
                else:
                    e = self._by_cells.get(cells[0])
                    if e is None:
                        e = self.entry_of(cells[0]) if "".join(cells[0]).strip() else -1
                    heads[k] = e
            if e >= 0:
                out.append((e, base + pos, line, length - 1))
            else:
                self._careful_lines(buf, pos, base, line, n, out)
            pos += length
            line += n
        self._add_runs(out)
        return line - line0

    def _careful_lines(self, buf: bytes, pos: int, base: int, line: int, n: int, out: list) -> int:
        """_careful for the ``n`` lines from ``buf[pos]`` on; n."""
        for k in range(n):
            eol = buf.index(b"\n", pos)
            self._careful(buf[pos:eol], base + pos, line + k, out)
            pos = eol + 1
        return n

    def _add_runs(self, out: list[tuple]) -> None:
        for e, off, line, length in out:
            self.run_entry.append(e)
            self.run_off.append(off)
            self.run_line.append(line)
            self.run_len.append(length)

    def _parse_heads(self, new: list[Any]) -> list[tuple] | None:
        """The key cells (keyget's order) of runs, from their key groups' bytes; None if they do not read
        as the cells expected (not expected: the pattern took them)."""
        d = self.delimiter
        n = self._n_keys
        big = b"\n".join(new if self._key_groups == 1 else map(b"".join, new)) + b"\n"
        if self._trailing:
            big = big.replace(d.encode() + b"\n", b"\n")  # cells hold no line break: these are the last delimiters
        text = big.decode("utf-8")
        rows: list[Any]
        flat: list[str] | None = None
        if '"' not in text:
            flat = text.replace("\n", d).split(d)
            flat.pop()  # after the last line end
        elif "\0" not in text:
            # every cell quoted ("a","b, c"): the quotes and delimiters between cells, then the quotes at
            # either end of each line, go; no quote may be left (one inside a cell is doubled)
            t = ("\n" + text.replace('"' + d + '"', "\0")).replace('\n"', "\n").replace('"\n', "\n")
            if '"' not in t:
                flat = t[1:-1].replace("\n", "\0").split("\0")
        if flat is not None:
            if len(flat) != n * len(new):
                return None
            rows = list(zip(*[iter(flat)] * n))
        else:
            lines = text.split("\n")
            lines.pop()
            rows = list(self._csv(lines))
            if n == 1 and [] in rows:  # an empty cell alone
                rows = [r or [""] for r in rows]
            if len(rows) != len(new) or set(map(len, rows)) != {n}:
                return None
        pick = self._from_groups
        if pick is None:
            return list(map(tuple, rows))
        if len(self.key_idx) == 1:
            return list(zip(map(pick, rows)))
        return list(map(pick, rows))

    def _scan_one(self, buf: bytes, base: int, line0: int) -> int | bool:
        """A buffer of a file without key cells (one entry): one run; the number of lines. False when a
        line has an odd number of quotes (perhaps a quoted line break: the general path)."""
        if b'"' in buf and not _quotes_pair(buf):
            return False
        e = self._by_cells.get(())
        if e is None:
            e = self.entry_of(())
        self._add_runs([(e, base, line0, len(buf) - 1)])
        return buf.count(b"\n")

    def _careful(self, raw: bytes, off: int, line: int, out: list) -> None:
        """One line on its own: parsed whole, a blank row skipped, a short one padded."""
        ncols = len(self.header)
        row = next(self._csv([raw.decode("utf-8")]), [])
        n = len(row)
        if n != ncols:
            if n == 0 or not any(c.strip() for c in row):
                return
            row = row[:ncols] if n > ncols else row + [""] * (ncols - n)
        out.append((self.entry_of(self.keyget(row)), off, line, len(raw)))


_NOT_QUOTE_NL = bytes(b for b in range(256) if b not in (0x22, 0x0A))
_NL, _EMPTY, _QUOTE = itertools.repeat(b"\n"), itertools.repeat(b""), itertools.repeat(b'"')  # map arguments


def _quotes_pair(buf: bytes) -> bool:
    """Whether every line of ``buf`` has an even number of quotes."""
    only = buf.translate(None, _NOT_QUOTE_NL)  # the quotes and line ends
    return not any(n & 1 for n in set(map(len, only.split(b"\n"))))


def _numbered(items: list) -> tuple[list, array]:
    """(the distinct items in order of first appearance, the number of each item among them)."""
    distinct = list(dict.fromkeys(items))
    number = dict(zip(distinct, range(len(distinct))))
    return distinct, array("i", map(number.__getitem__, items))




def _whole_lines(buf: bytes) -> bool:
    """Whether the lines of ``buf`` are what the csv module reads as lines: UTF-8, no lone CR."""
    if not buf.isascii():
        try:
            buf.decode("utf-8")
        except UnicodeDecodeError:
            return False
    return not (b"\r" in buf and buf.count(b"\r") != buf.count(b"\r\n"))
_BLOCK = 512 << 10  # bytes read at a time (a buffer that stays in the processor's cache)
PART_MIN_BYTES = 32 << 20  # a CSV file this big is indexed in parts, one a core (_Loader._index_in_parts)
MAX_PARTS = 4
_FIRST_PART_WEIGHT = 1.15


def _parts(path: Path, size: int) -> list[tuple[int, int | None]]:
    """The parts a CSV file is indexed in, (start, stop) byte ranges cut at line starts (the last one's
    stop None: to the end); [] for one pass: a small file, one core, no fork (Windows), FACTCHECK_JOBS=1."""
    import os

    if size < PART_MIN_BYTES or not hasattr(os, "fork"):
        return []
    env = os.environ.get("FACTCHECK_JOBS", "").strip()
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    n = int(env) if env.isdigit() and int(env) > 0 else cores
    n = min(n, MAX_PARTS, size // (PART_MIN_BYTES // 2))
    if n < 2:
        return []
    cuts = [0]
    # this process's part is a little bigger: a worker also pays for its fork and for sending its part
    # (measured on 2 cores: about 15 % of its time), and the parts should end together
    total = _FIRST_PART_WEIGHT + n - 1
    try:
        with open(path, "rb") as f:
            for k in range(1, n):
                at = int(size * (_FIRST_PART_WEIGHT + k - 1) / total)
                f.seek(at)
                chunk = f.read(1 << 20)
                j = chunk.find(b"\n")
                if j < 0:
                    return []  # a line of a megabyte: one pass
                cut = at + j + 1
                if cut <= cuts[-1] or cut >= size:
                    return []
                cuts.append(cut)
    except OSError:
        return []
    return [(a, b) for a, b in zip(cuts, cuts[1:])] + [(cuts[-1], None)]


def _collect(pid: int, fd: int) -> tuple | None:
    """What a worker of _Loader._fork_part sent (None: it failed, or the file needs the general path)."""
    import marshal
    import os

    status = -1
    try:
        with os.fdopen(fd, "rb") as inp:
            data = inp.read()
    except OSError:
        data = b""
    finally:
        try:
            _, status = os.waitpid(pid, 0)
        except OSError:  # reaped elsewhere (SIGCHLD ignored): the data, if whole, tells
            status = 0
    if status != 0 or not data:
        return None
    try:
        got = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    return got if isinstance(got, tuple) and len(got) == 7 else None


def _stop_worker(pid: int, fd: int) -> None:
    import os
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        os.close(fd)
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except OSError:
        pass


# ------------------------------------------------------------------------------------------ sources
class Source:
    """A reference file, indexed: Datasets of any set of its series, materialized on demand.

    One Source serves every reference entry with the same file and options (display paths may differ:
    each gets its own view, since observations carry the display path). Materialized series are kept,
    so claims files sharing a dataset parse each series once.
    """

    def __init__(self, index: _Index, path: Path, stat: tuple[int, int, int]):
        self.index = index
        self.path = Path(path)
        self.stat = stat
        self._views: dict[str, _View] = {}
        self._lookup: _KeyIndex | None = None
        self.from_cache = False
        # (metric, threshold) -> (id of a metric name that scores at least the threshold for it, score)...
        # (see needed_series, MetricShortlist); kept by the cache (factcheck._cache) beside the index
        self.metric_matches: dict[tuple[str, float], tuple[tuple[int, float], ...]] = {}

    def lookup(self) -> "_KeyIndex":
        if self._lookup is None:
            self._lookup = _KeyIndex(self.index, self.metric_matches)
        return self._lookup

    def runs_of(self, entries: Iterable[int]) -> Iterator[tuple[int, int, int, int, list[list[str]]]]:
        """The rows of ``entries`` in file order, run by run: (entry, order, step, first line, rows).
        The i-th row of a run is on line ``first line + i`` and sorts as ``order + i * step``."""
        ix = self.index
        sel = ix.runs_of(entries)
        ent, off, line = ix.run_entry, ix.run_off, ix.run_line
        if ix.kind == "rows":
            rows = ix.rows
            return ((ent[r], off[r], 0, line[r], [rows[r]]) for r in sel)  # type: ignore[index]
        length = ix.run_len
        return self._read_runs([(off[r], line[r], length[r], ent[r]) for r in sel])

    def _read_runs(self, spans: list[tuple[int, int, int, int]]) -> Iterator[tuple[int, int, int, int, list[list[str]]]]:
        reader = functools.partial(csv.reader, delimiter=self.index.delimiter, strict=False)
        for e, off, line, text in self.read_texts(spans):
            yield e, off, 1, line, list(reader(text.split("\n")))

    def read_texts(self, spans: list[tuple[int, int, int, int]]) -> Iterator[tuple[int, int, int, str]]:
        """The text of each span (offset, first line, length, entry) of a CSV file, in the order given
        (file order): (entry, offset, first line, text)."""
        if _stat(self.path) != self.stat:
            raise InputError(Problem(str(self.path), 0, 0, "the reference file changed while it was being read; run the check again"))
        with open(self.path, "rb") as f:
            k = 0
            n = len(spans)
            while k < n:
                # one read for runs close together
                lo = spans[k][0]
                hi = lo + spans[k][2]
                j = k + 1
                while j < n and spans[j][0] - hi < 8192 and spans[j][0] + spans[j][2] - lo < (16 << 20):
                    hi = max(hi, spans[j][0] + spans[j][2])
                    j += 1
                f.seek(lo)
                data = f.read(hi - lo + 1)
                if data.isascii():  # one decoding, the spans cut from the text (a byte is a character)
                    text = data.decode("ascii")
                    for off, line, length, e in spans[k:j]:
                        yield e, off, line, text[off - lo:off - lo + length]
                else:
                    for off, line, length, e in spans[k:j]:
                        yield e, off, line, data[off - lo:off - lo + length].decode("utf-8")
                k = j

    def dataset(self, spec: ReferenceSpec, wanted: Any = None) -> Dataset:
        """The Dataset of ``spec`` (this file): every series, or those ``wanted``: a function of a
        series' dimensions, a set of series keys, or :class:`Needed` (from :func:`needed_series`).
        Raises InputError with the problems of the rows read."""
        display = spec.display_path or str(spec.path)
        view = self._views.get(display)
        if view is None:
            view = self._views[display] = _View(self, spec, display)
        ix = self.index
        if wanted is None:
            entries: Iterable[int] = range(ix.entries)
        elif isinstance(wanted, Needed):
            entries = sorted(wanted.entries)
        elif callable(wanted):
            ok: dict[SeriesKey, bool] = {}
            entries = []
            for e in range(ix.entries):
                key = ix.key(e)
                a = ok.get(key)
                if a is None:
                    a = ok[key] = bool(wanted(dict(key)))
                if a:
                    entries.append(e)
        else:
            lk = self.lookup()
            entries = sorted(e for key in wanted for e in lk.entries_of_key(key))
        return view.dataset(entries, complete=wanted is None)


_FIRST = operator.itemgetter(0)


@dataclass(frozen=True)
class Needed:
    """Entries of a Source that a claims file needs (see :func:`needed_series`)."""

    entries: frozenset[int]


class _KeyIndex:
    """Lookups over every entry of a Source: by dimension value (as factcheck._engine._dim_index
    normalises it), by metric name, and the metric names' shortlist."""

    def __init__(self, ix: _Index, matches: dict[tuple[str, float], tuple[tuple[int, float], ...]] | None = None):
        from factcheck._matching import norm_name as mnorm

        self.ix = ix
        self._mnorm = mnorm
        self._norm: dict[str, dict[str, list[int]]] = {}  # dimension -> normalised value -> value ids
        self.dims = frozenset(ix.key_dims)
        self.alias_map = ix.alias_map
        self._shortlist: Any = None
        self._metric_vid: dict[str, int] | None = None
        self._matches = {} if matches is None else matches

    def norm(self, dim: str) -> dict[str, list[int]]:
        """normalised value (as factcheck._engine._dim_index has it) -> value ids of ``dim``."""
        nm = self._norm.get(dim)
        if nm is None:
            nm = self._norm[dim] = {}
            mnorm = self._mnorm
            for i, v in enumerate(self.ix.values[self.ix.key_dims.index(dim)]):
                nm.setdefault(mnorm(v), []).append(i)
        return nm

    def entries_with(self, dim: str, vids: Iterable[int]) -> set[int]:
        starts, order = self.ix.inverted(dim)
        out: set[int] = set()
        for v in vids:
            out.update(order[starts[v]:starts[v + 1]])
        return out

    def metric_matches(self, metric: str, threshold: float) -> tuple[int, ...]:
        """The ids of the metric names that score at least ``threshold`` for ``metric`` (with their
        scores, remembered by the shortlist and kept with the index by the cache: scoring is most of
        the work of choosing series)."""
        hit = self._matches.get((metric, threshold))
        if hit is None:
            self.shortlist().matches(metric, threshold)
            hit = self._matches[(metric, threshold)]
        return tuple([i for i, _ in hit])

    def entries_of_key(self, key: SeriesKey) -> list[int]:
        sets = None
        for d, v in key:
            if d not in self.dims:
                return []
            try:
                vid = self.ix.values[self.ix.key_dims.index(d)].index(v)
            except ValueError:
                return []
            got = self.entries_with(d, (vid,))
            sets = got if sets is None else sets & got
        if sets is None:
            return list(range(self.ix.entries))
        return sorted(sets)

    def metric_vid(self) -> dict[str, int]:
        if self._metric_vid is None:
            self._metric_vid = {v: i for i, v in enumerate(self.metric_names())}
        return self._metric_vid

    def metric_names(self) -> list[str]:
        return self.ix.values[self.ix.key_dims.index("metric")] if "metric" in self.dims else []

    def shortlist(self) -> "MetricShortlist":
        """The metric names' shortlist, its answers those kept for this index (``matches``)."""
        if self._shortlist is None:
            self._shortlist = MetricShortlist(self.metric_names(), self._matches)
        return self._shortlist


class _View:
    """A Source as seen from one display path: the entries read so far (_Part), each read once.

    A CSV file's entries are read in bulk (_read_csv): their rows checked, their observations made when
    a series is first looked at; others (and entries with a problem) row by row (_materialize), their
    observations made at once. Either way every problem of the rows read is known when a Dataset is
    made, and the Datasets of several claims files share the observations.
    """

    def __init__(self, source: Source, spec: ReferenceSpec, display: str):
        self.source = source
        self.spec = spec
        self.display = display
        ix = source.index
        self.ix = ix
        self.q = _Quantities()
        self.entry_k, self.entry_word = _scale_of(spec.scale) if spec.scale is not None else (1.0, "")
        self.decimal = spec.decimal or "."
        self.entry_unit, self.entry_unit_scale = self.q.unit(spec.unit) if spec.unit else ("", None)
        self.default_source = spec.source or Path(display).name
        self._interned: dict[str, str] = {}
        self._meta: dict[tuple, Any] = {}
        self._pcache: dict[str, Any] = {}
        self._done: dict[int, _Part] = {}  # entry -> what was read of it
        self._cell_kit: Any = None
        self._head_rx: Any = None
        self._meta_units: dict[int, frozenset[str]] = {}  # metadata id -> {its unit}

    # -- metadata -----------------------------------------------------------------------------
    def _meta_of(self, ms: tuple) -> Any:
        m = self._meta.get(ms)
        if m is None:
            unit, k, word, source, url, published, note, errors = self._resolve_meta(ms)
            m = self._meta[ms] = (unit, source, url, published, note, (k, word, self.decimal), {}, errors)
        return m

    def _resolve_meta(self, cells: tuple[str, ...]):
        """Resolve a row's metadata cells: (unit, k, word, source, url, published, note, errors)."""
        names = tuple(r for r in METADATA if r in self.ix.role_at)
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
                errors.append(("scale", f"scale '{s}' in column '{self.ix.header[self.ix.role_at['scale']]}' is not a scale (thousand, million, billion, trillion or a number)"))
            else:
                k, word = sc
        src = d.get("source", "").strip() or self.default_source
        it = self._interned.setdefault
        url, published, note = (d.get(r, "").strip() for r in ("url", "published", "note"))
        return (sys.intern(unit), k, word, it(src, src), it(url, url), it(published, published), note, errors)

    # -- rows to observations -----------------------------------------------------------------------
    def _cells(self) -> Any:
        """What reading cells needs, made once: constructors, column positions, the plain-number test."""
        c = self._cell_kit
        if c is None:
            ix = self.ix
            h = ix.header
            field_names = [f.name for f in dataclasses.fields(Observation)]
            c = types.SimpleNamespace(
                make_lazy=_constructor(Observation, [n for n in field_names if n != "value"], {}),
                make_full=_constructor(Observation, field_names, {"_lazy": None}),
                # a plain decimal number: ASCII digits, a minus sign, the decimal mark between digits
                plain=re.compile(r"-?[0-9]+(?:" + re.escape(self.decimal) + r"[0-9]+)?").fullmatch,
                wide=ix.layout == "wide",
                value_cols=[(i, p, h[i]) for i, p in ix.period_cols] if ix.layout == "wide" else [],
                vi=ix.role_at.get("value", -1) if ix.layout != "wide" else -1,
                pi=ix.role_at.get("period", -1) if ix.layout != "wide" else -1,
            )
            c.vname = h[c.vi] if c.vi >= 0 else ""
            c.pname = h[c.pi] if c.pi >= 0 else ""
            spans = [(p.start, p.end) for _, p, _ in c.value_cols]
            c.cols_in_order = spans == sorted(spans)  # a wide row's cells come in period order
            c.spans = {}  # period cell -> (start, end)
            self._cell_kit = c
        return c

    def _period_of(self, text: str) -> Any:
        """The Period of a period cell, or the SyntaxProblem saying why it is none (remembered)."""
        p = self._pcache.get(text)
        if p is None:
            try:
                p = parse_period(text.strip())
            except SyntaxProblem as err:
                p = err
            self._pcache[text] = p
        return p

    def _materialize(self, entries: list[int], runs: Iterable[tuple[int, int, int, int, list[list[str]]]]) -> None:
        """Parse ``runs`` (the rows of ``entries``, not yet done, as Source.runs_of gives them) into
        observations and problems, row by row: the general path, and every row that the bulk path of
        _read_csv does not take."""
        ix = self.ix
        done = self._done
        parts = {e: _Part() for e in entries}
        done.update(parts)
        h = ix.header
        ncols = len(h)
        display = self.display
        decimal = self.decimal
        json_cols = ix.json_cols
        slow = self.q.slow
        missing = MISSING
        kit = self._cells()
        make_lazy, make_full, plain_number = kit.make_lazy, kit.make_full, kit.plain
        key_of = ix.key
        metas = ix.metas
        meta_ids = ix.meta_ids
        meta_of = self._meta_of
        meta_col = {r: ix.role_at[r] + 1 for r in METADATA if r in ix.role_at}
        pcache = self._pcache
        period_of = self._period_of
        wide = kit.wide
        value_cols = kit.value_cols
        vi, pi, vname, pname = kit.vi, kit.pi, kit.vname, kit.pname
        for e, order0, step, line0, rows in runs:
            key = key_of(e)
            meta = meta_of(metas[meta_ids[e]])
            part = parts[e]
            ords, lst, probs = part.ords, part.obs, part.probs
            unit, source, url, published, note, lazy, qcache, errors = meta
            line = line0 - 1
            for row in rows:
                line += 1
                n = len(row)
                if n != ncols:
                    if n == 0 or not any(c.strip() for c in row):
                        continue  # a blank line
                    if n > ncols:
                        extra = [c for c in row[ncols:] if c.strip()]
                        if extra:
                            probs.append((order0 + (line - line0) * step, line, ncols + 1,
                                          f"the row has {n} fields, the header {ncols}: '{extra[0]}' has no column"))
                        row = row[:ncols]
                    else:
                        row = row + [""] * (ncols - n)
                if errors:
                    for role, msg in errors:
                        probs.append((order0 + (line - line0) * step, line,
                                      json_cols.get(line, 1) if json_cols is not None else meta_col[role], msg))
                    continue
                order = order0 + (line - line0) * step
                if wide:
                    for ci, period, cname in value_cols:
                        raw = row[ci]
                        if not raw:
                            continue
                        s = raw.strip()
                        # fast path: a plain decimal number (every digit significant); checked now, built lazily
                        if plain_number(s) is not None and len(s) < 300:
                            lst.append(make_lazy(display, line, cname, ci + 1, key, period, s, unit, source, url, published, note, lazy))
                            ords.append(order)
                            continue
                        if not s or s in missing:
                            continue
                        q = qcache.get(s)
                        if q is None:
                            try:
                                q = slow(s, decimal, unit, lazy[0], lazy[1])
                            except SyntaxProblem as err:
                                col = json_cols.get(line, 1) if json_cols is not None else ci + 1
                                probs.append((order, line, col, f"value '{s}' in column '{cname}' is not a number ({err.message})"))
                                continue
                            if len(qcache) < _QCACHE_MAX:
                                qcache[s] = q
                        lst.append(make_full(display, line, cname, ci + 1, key, period, q, s, q.unit, source, url, published, note))
                        ords.append(order)
                    continue
                raw = row[vi]
                if not raw or raw.isspace():
                    continue
                s = raw.strip()
                if s in missing:
                    continue
                ptext = row[pi]
                period = pcache.get(ptext)
                if period is None:
                    period = period_of(ptext)
                if period.__class__ is SyntaxProblem:
                    t = ptext.strip()
                    col = json_cols.get(line, 1) if json_cols is not None else pi + 1
                    if not t:
                        probs.append((order, line, col, f"the value '{s}' has no period (column '{pname}' is empty)"))
                    else:
                        probs.append((order, line, col, f"period '{t}' in column '{pname}' is not a period ({period.message})"))
                    continue
                if plain_number(s) is not None and len(s) < 300:
                    lst.append(make_lazy(display, line, vname, vi + 1, key, period, s, unit, source, url, published, note, lazy))
                    ords.append(order)
                    continue
                q = qcache.get(s)
                if q is None:
                    try:
                        q = slow(s, decimal, unit, lazy[0], lazy[1])
                    except SyntaxProblem as err:
                        col = json_cols.get(line, 1) if json_cols is not None else vi + 1
                        probs.append((order, line, col, f"value '{s}' in column '{vname}' is not a number ({err.message})"))
                        continue
                    if len(qcache) < _QCACHE_MAX:
                        qcache[s] = q
                lst.append(make_full(display, line, vname, vi + 1, key, period, q, s, q.unit, source, url, published, note))
                ords.append(order)
        for part in parts.values():
            part.nonempty = bool(part.obs)

    def _read_csv(self, entries: list[int]) -> None:
        """The rows of ``entries`` (not yet done) of a CSV file, in bulk: the runs read at once, and the
        cells the observations need checked in bulk (every value cell a plain number, a missing mark or
        empty; every period cell a period; no row of another width; no bad metadata): a tidy table's a
        column at a time (see _columns); a wide table's period cells, when they are the rest of each line
        after the key cells, by one pattern over all those rests. Entries whose rows pass keep them,
        their observations made on first use (_Part.make); the others are read again row by row
        (_materialize), which finds their problems."""
        ix = self.ix
        src = self.source
        sel = ix.runs_of(entries)
        off, line, length, ent = ix.run_off, ix.run_line, ix.run_len, ix.run_entry
        spans = [(off[r], line[r], length[r], ent[r]) for r in sel]
        texts: list[list[str]] = []  # the lines of each run
        runs: list[tuple[int, int, int, int, int]] = []  # (entry, first row, rows, first line, order)
        rows = 0
        for e, o, ln, text in src.read_texts(spans):
            lines = text.split("\n") if "\n" in text else [text]
            runs.append((e, rows, len(lines), ln, o))
            texts.append(lines)
            rows += len(lines)
        kit = self._cells()
        ncols = len(ix.header)
        want = [kit.vi, kit.pi] if not kit.wide else [ci for ci, _, _ in kit.value_cols]
        metas, meta_ids, meta_of = ix.metas, ix.meta_ids, self._meta_of
        careful = {e for e in entries if meta_of(metas[meta_ids[e]])[7]}  # a bad scale cell
        h, lines = self._rests(texts, min(want))
        del texts
        bad: set[int]
        d = ix.delimiter
        if (kit.wide and lines is not None and want == list(range(h, want[-1] + 1))
                and d not in "0123456789-+" + self.decimal and not any(d in m for m in MISSING)):
            # the cells after the key cells: period cells, then perhaps ignored ones; all are checked
            bad = self._unclean_rests("\n".join(lines), lines, ncols - h)
            trail = ncols - 1 - want[-1]  # ignored cells after the period cells (a delimiter ending the line)
            periods = map(_FIRST, map(str.rsplit, lines, itertools.repeat(d), itertools.repeat(trail))) if trail else lines
            nonempty = list(map(_DIGIT, periods))  # checked: a cell with a digit is a number
            build: Callable[..., Any] = functools.partial(self._build_rests, lines=lines, h=h)
        else:
            got = self._columns("\n".join(lines), h, rows, want) if lines is not None else None
            if got is None:  # another way of quoting, or a row of another width: the csv module, row by row
                got, short = self._columns_by_row(src, spans, rows, want)
                where = list(itertools.accumulate(r[2] for r in runs))
                careful.update(runs[bisect_right(where, i)][0] for i in short)
            cols = dict(zip(want, got))
            if not kit.wide:
                vals, ptexts = cols[kit.vi], cols[kit.pi]
                bad = self._unclean(vals)
                wrong = {t for t in set(ptexts) if self._period_of(t).__class__ is SyntaxProblem}
                if wrong:
                    bad.update(i for i, t in enumerate(ptexts) if t in wrong)
                nonempty = list(map(operator.not_, map(_ABSENT.__contains__, vals)))
            else:
                bad = {i % max(rows, 1) for i in self._unclean(list(itertools.chain.from_iterable(got)))}
                nonempty = list(map(operator.not_, map(_ABSENT.issuperset, zip(*got))))
            build = functools.partial(self._build_cols, cols=cols)
        if bad:
            where = list(itertools.accumulate(r[2] for r in runs))  # a bad row's run
            careful.update(runs[bisect_right(where, i)][0] for i in bad)
        done = self._done
        for e in entries:
            done[e] = _Part()
        for e, a, n, ln, o in runs:
            if e not in careful:
                part = done[e]
                if part.make is None:
                    part.make, part.chunks = build, []
                part.chunks.append((a, n, ln, o))
                if not part.nonempty and any(nonempty[a:a + n]):
                    part.nonempty = True
        if careful:
            todo = [e for e in entries if e in careful]
            self._materialize(todo, src.runs_of(todo))

    def _rests(self, texts: list[list[str]], first: int) -> tuple[int, list[str] | None]:
        """(h, the rest of every line after its first h cells, without CR), when those cells are the key
        cells and column ``first`` comes after them: every line of a run then starts with the same
        characters (the index's pattern took the run's lines by a back-reference to those cells; the
        first and last line are checked here), which go. (h, None) otherwise."""
        ix = self.ix
        h = max(ix.key_cols) + 1 if ix.key_cols else 0
        if not (ix.key_cols == list(range(h)) and 0 < h <= first):
            return h, None
        head = self._head_rx
        if head is None:
            dd = re.escape(ix.delimiter)
            cell = r'(?:"[^"\n]*+(?:""[^"\n]*+)*+"|[^' + dd + r'"\r\n]*+)'
            head = self._head_rx = re.compile((cell + dd) * h)
        rests: list[str] = []
        add, more = rests.append, rests.extend
        match = head.match
        for lines in texts:
            first_line = lines[0]
            m = match(first_line)
            if m is None:
                return h, None
            cut = m.end()
            if len(lines) == 1:
                add(first_line[cut:])
                continue
            if not lines[-1].startswith(first_line[:cut]):
                return h, None
            more(map(operator.itemgetter(slice(cut, None)), lines))
        if "\r" in rests[0] or "\r" in rests[-1]:  # a line end (\r\n): there is no other CR
            rests = [r.replace("\r", "") for r in rests]
        return h, rests

    def _columns(self, body: str, h: int, rows: int, want: list[int]) -> list[list[str]] | None:
        """The cells of columns ``want`` (a list a column) of the rests of lines from _rests: split at
        once by the delimiter where there is no quote, else where every cell is quoted, by the quotes
        and delimiters; else by the csv module. None when some line has another number of cells."""
        if not rows:
            return [[] for _ in want]
        d = self.ix.delimiter
        k = len(self.ix.header) - h
        flat: list[str] | None = None
        if '"' not in body:
            flat = body.replace("\n", d).split(d)
        elif "\0" not in body:
            # every cell quoted ("a","","b"): the quotes and delimiters between cells, then the quotes at
            # either end of each line, go; no quote nor delimiter may be left
            t = ("\n" + body.replace('"' + d + '"', "\0") + "\n").replace('\n"', "\n").replace('"\n', "\n")
            if '"' not in t and d not in t:
                flat = t[1:-1].replace("\n", "\0").split("\0")
        if flat is not None:
            if len(flat) != rows * k:
                return None
            return [flat[j - h::k] for j in want]
        rows_of = list(csv.reader(body.split("\n"), delimiter=d, strict=False))
        if len(rows_of) != rows or set(map(len, rows_of)) != {k}:
            return None
        return [list(map(operator.itemgetter(j - h), rows_of)) for j in want]

    def _columns_by_row(self, src: "Source", spans: list[tuple[int, int, int, int]], rows: int,
                        want: list[int]) -> tuple[list[list[str]], set[int]]:
        """The cells of columns ``want`` of the rows of ``spans``, row by row (csv module), and the rows of
        another width (their cells are padded with empty ones)."""
        ncols = len(self.ix.header)
        out: list[list[str]] = [[] for _ in want]
        short: set[int] = set()
        i = 0
        for _, _, _, _, rws in src._read_runs(spans):
            for row in rws:
                if len(row) != ncols:
                    short.add(i)
                    row = (row + [""] * ncols)[:ncols]
                for col, j in zip(out, want):
                    col.append(row[j])
                i += 1
        if i != rows:  # a quoted line break after all: every row is suspect
            short.update(range(rows))
        return out, short

    def _unclean_rests(self, body: str, lines: list[str], k: int) -> set[int]:
        """The rows (of ``lines``, the rests of a wide table's rows: its period cells) that do not have
        ``k`` cells each empty, a missing mark or a plain number (of fewer than 300 characters), quoted
        or not."""
        d = self.ix.delimiter
        if set(map(str.count, lines, itertools.repeat(d))) == {k - 1}:
            text = body + "\n"
            if ((text[:1] == '"' and _clean_rx("quoted rows", self.decimal, d).fullmatch(text) is not None)
                    or _clean_rx("rows", self.decimal, d).fullmatch(text) is not None
                    or _clean_rx("rows+", self.decimal, d).fullmatch(text) is not None):
                return set()
        one = _clean_rx("row+", self.decimal, d).fullmatch
        return {i for i, line in enumerate(lines) if line.count(d) != k - 1 or one(line) is None}

    def _unclean(self, cells: list[str]) -> set[int]:
        """The cells (their positions) that are neither empty, nor a missing mark, nor a plain number
        (of fewer than 300 characters)."""
        if not cells:
            return set()
        text = "\n".join(cells) + "\n"
        if (_clean_rx("nums", self.decimal).fullmatch(text) is not None
                or _clean_rx("cells", self.decimal).fullmatch(text) is not None):
            return set()
        return {i for i, m in enumerate(map(_clean_rx("cell", self.decimal).fullmatch, cells)) if m is None}

    def _entry_parts(self, e: int) -> tuple:
        """What every observation of entry ``e`` shares: (the cells kit, its series key, unit, source,
        url, published, note, lazy value flag)."""
        ix = self.ix
        unit, source, url, published, note, lazy, _, _ = self._meta_of(ix.metas[ix.meta_ids[e]])
        return self._cells(), ix.key(e), unit, source, url, published, note, lazy

    def _build_cols(self, e: int, chunks: list[tuple[int, int, int, int]], cols: dict[int, list[str]],
                    only: Any = None) -> tuple[list[int], list[Observation], bool]:
        """The observations of entry ``e`` from its cells (``cols``: column -> the cells of the rows read
        by _read_csv, which checked them; ``chunks``: its runs there): (orders, observations, whether
        they are in period order already). ``only``: the (start, end) of the one period wanted."""
        kit, key, unit, source, url, published, note, lazy = self._entry_parts(e)
        make, display, absent = kit.make_lazy, self.display, _ABSENT
        ords: list[int] = []
        obs: list[Observation] = []
        add_ord, add = ords.append, obs.append
        if kit.wide:
            value_cols = [(cols[ci], ci + 1, period, cname) for ci, period, cname in kit.value_cols
                          if only is None or (period.start, period.end) == only]
            for a, n, line0, order0 in chunks:
                for i in range(a, a + n):
                    line = line0 + i - a
                    for cells, column, period, cname in value_cols:
                        raw = cells[i]
                        if raw not in absent:
                            add(make(display, line, cname, column, key, period, raw, unit, source, url, published, note, lazy))
                            add_ord(order0 + i - a)
            return ords, obs, kit.cols_in_order and sum(n for _, n, _, _ in chunks) == 1
        vals, ptexts = cols[kit.vi], cols[kit.pi]
        column, vname = kit.vi + 1, kit.vname
        pcache = self._pcache
        spans = kit.spans
        last: tuple = ()
        in_order = True
        for a, n, line0, order0 in chunks:
            for i in range(a, a + n):
                raw = vals[i]
                if raw not in absent:
                    t = ptexts[i]
                    period = pcache[t]
                    if only is not None and (period.start, period.end) != only:
                        continue
                    add(make(display, line0 + i - a, vname, column, key, period, raw, unit, source, url, published, note, lazy))
                    add_ord(order0 + i - a)
                    if in_order:
                        span = spans.get(t)
                        if span is None:
                            span = spans[t] = (period.start, period.end)
                        in_order = last <= span
                        last = span
        return ords, obs, in_order

    def _build_rests(self, e: int, chunks: list[tuple[int, int, int, int]], lines: list[str], h: int,
                     only: Any = None) -> tuple[list[int], list[Observation], bool]:
        """The observations of entry ``e`` of a wide table from the rests of its lines (its period cells,
        checked by _unclean_rests: no cell holds a quote or delimiter but those around it), as _build_cols."""
        kit, key, unit, source, url, published, note, lazy = self._entry_parts(e)
        make, display, absent = kit.make_lazy, self.display, _ABSENT
        d = self.ix.delimiter
        value_cols = [(ci - h, ci + 1, period, cname) for ci, period, cname in kit.value_cols
                      if only is None or (period.start, period.end) == only]
        ords: list[int] = []
        obs: list[Observation] = []
        add_ord, add = ords.append, obs.append
        for a, n, line0, order0 in chunks:
            for i in range(n):
                cells = lines[a + i].replace('"', "").split(d)
                for j, column, period, cname in value_cols:
                    raw = cells[j]
                    if raw not in absent:
                        add(make(display, line0 + i, cname, column, key, period, raw, unit, source, url, published, note, lazy))
                        add_ord(order0 + i)
        return ords, obs, kit.cols_in_order and sum(n for _, n, _, _ in chunks) == 1

    def _part(self, e: int) -> "_Part":
        """The part of entry ``e`` (read), its observations made."""
        part = self._done[e]
        if part.make is not None:
            make, part.make = part.make, None
            with paused():
                part.ords, part.obs, part.in_order = make(e, part.chunks)
            part.chunks = None
        return part

    def _units_of(self, e: int) -> frozenset[str]:
        """The units of the observations of entry ``e`` (read), without making them when they are not
        made yet: then every cell is a plain number, of the unit of its row's metadata."""
        part = self._done[e]
        if part.make is not None:
            m = self.ix.meta_ids[e]
            got = self._meta_units.get(m)
            if got is None:
                got = self._meta_units[m] = frozenset((self._meta_of(self.ix.metas[m])[0],))
            return got
        return frozenset(map(_UNIT, part.obs))

    def _series_at(self, entries: list[int], span: Any) -> list[Observation] | None:
        """The observations of a one-entry series for one period ``span`` (start, end), in the series'
        order, without making the others (factcheck._engine's _Group.at asks); None when the entry is
        made already (or was read row by row): then the whole series is the way."""
        part = self._done[entries[0]]
        if part.make is None:
            return None
        return part.make(entries[0], part.chunks, only=span)[1]

    def _series_obs(self, entries: list[int]) -> list[Observation]:
        """The observations of one series (its entries): in period order, file order within a period."""
        if len(entries) == 1:
            part = self._part(entries[0])
            if part.in_order:
                return part.obs  # (the caller copies it)
            lst = list(part.obs)
        else:
            lst = self._merged(entries)
        if len(lst) > 1:
            lst.sort(key=_PERIOD_SPAN)
        return lst

    def _merged(self, entries: list[int]) -> list[Observation]:
        """The observations of ``entries`` in file order (a wide row's cells in column order)."""
        parts = [self._part(e) for e in entries]
        if len(parts) == 1:
            return list(parts[0].obs)
        merged = [(o, i, k) for i, p in enumerate(parts) for k, o in enumerate(p.ords)]
        merged.sort(key=_FIRST)  # stable: a wide row's cells keep their column order
        return [parts[i].obs[k] for _, i, k in merged]

    def dataset(self, entries: Iterable[int], complete: bool) -> Dataset:
        """The Dataset of ``entries``: those not read yet are read; InputError with their problems."""
        with paused():
            return self._dataset(list(entries), complete)

    def _dataset(self, entries: list[int], complete: bool) -> Dataset:
        todo = [e for e in entries if e not in self._done]
        if todo:
            if self.ix.kind == "csv" and type(self.source) is Source:
                self._read_csv(todo)
            else:
                self._materialize(todo, self.source.runs_of(todo))
        ix = self.ix
        done = self._done
        P = _Problems(self.display)
        problems = [p for e in entries for p in done[e].probs]
        if problems:
            problems.sort(key=_FIRST)
            for _, line, col, msg in problems:
                P.add(line, col, msg)
        if ix.aborted:
            _replay(ix.row_problems, P)
        P.raise_if_any()
        by_key: dict[SeriesKey, list[int]] = {}
        for e in entries:
            by_key.setdefault(ix.key(e), []).append(e)
        series: dict[SeriesKey, list[Observation]] = {}
        units_of = self._units_of
        for key, ents in by_key.items():
            ents = [e for e in ents if done[e].nonempty]
            if ents:
                units = units_of(ents[0]) if len(ents) == 1 else frozenset().union(*map(units_of, ents))
                series[key] = _Lazy.deferred(functools.partial(self._series_obs, ents), units,
                                             functools.partial(self._series_at, ents) if len(ents) == 1 else None)
        return Dataset(
            path=self.display,
            observations=_Lazy.deferred(functools.partial(self._merged, [e for e in entries if done[e].nonempty])),
            series=series,
            alias_map=ix.alias_map,
            dimensions=ix.dimensions,
            layout=ix.layout,
            header=tuple(ix.header),
            complete=complete,
        )


class _Part:
    """An entry as a view has read it: its problems, whether it has observations, and the observations
    (with their orders: file order) once made; until they are, ``make(entry, chunks)`` makes them
    (``chunks``: where its rows are in what _read_csv read)."""

    __slots__ = ("probs", "ords", "obs", "make", "chunks", "nonempty", "in_order")

    def __init__(self) -> None:
        self.probs: list[tuple] = []
        self.ords: list[int] = []
        self.obs: list[Observation] = []
        self.make: Callable[..., tuple[list[int], list[Observation], bool]] | None = None
        self.chunks: list[tuple[int, int, int, int]] | None = None
        self.nonempty = False
        self.in_order = False  # obs are in period order already


_ABSENT = MISSING | {""}  # cells that are no observation, as written (a plain number never is one)


@functools.lru_cache(maxsize=None)
def _clean_rx(kind: str, decimal: str, delimiter: str = ",") -> re.Pattern:
    """Patterns that check cells in bulk, each compiled when first needed (the missing marks make a
    long alternation): "nums", lines each a plain number; "cells", lines each a plain number, a missing
    mark or empty; "cell", one such cell; "rows", lines of cells split by the delimiter, each quoted or
    not, a plain number or empty; "quoted rows", the same with every cell quoted (as the World Bank
    writes them: no alternation to try at each cell); "rows+", "rows" with missing marks too; "row+",
    one such line. A plain number here has fewer than 300 characters (longer ones are left to the value
    grammar)."""
    num = r"-?+[0-9]{1,150}+(?:" + re.escape(decimal) + r"[0-9]{1,148}+)?+"
    marks = "|".join(re.escape(m) for m in sorted(MISSING, key=len, reverse=True))
    d = re.escape(delimiter)
    if kind == "nums":
        return re.compile(r"(?:" + num + r"\n)*+")
    if kind == "cells":
        return re.compile(r"(?:(?:" + num + "|" + marks + r")?+\n)*+")
    if kind == "cell":
        return re.compile(r"(?:" + num + "|" + marks + r")?+")
    if kind == "quoted rows":
        cell = r'"(?:' + num + ')?+"'
        return re.compile(r"(?:" + cell + r"(?:" + d + cell + r")*+\n)*+")
    v = r"(?:" + num + ")?+" if kind == "rows" else r"(?:" + num + r'|(?=[^"\n' + d + "])(?:" + marks + "))?+"  # (an empty cell tries no mark)
    cell = r'(?>"' + v + '"|' + v + ")"
    row = cell + r"(?:" + d + cell + r")*+"
    return re.compile(row if kind == "row+" else r"(?:" + row + r"\n)*+")
_DIGIT = re.compile("[0-9]").search


class _Lazy(list):
    """A list made on first use: the observations of a series, which a Dataset holds for every series a
    claims file may need, though many are never looked at. Every way of reading it (len, iteration,
    indexing, comparison, pickling ...) first fills it; then it is the list it holds. ``units``, when
    not None, is the set of the units of its observations, known without making them."""

    __slots__ = ("_make", "units", "pick")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._make: Callable[[], list] | None = None
        self.units: frozenset[str] | None = None
        self.pick = None

    @classmethod
    def deferred(cls, make: Callable[[], list], units: frozenset[str] | None = None, pick: Any = None) -> "_Lazy":
        out = list.__new__(cls)  # empty, as __init__ would leave it
        out._make = make
        out.units = units
        out.pick = pick
        return out

    def _fill(self) -> None:
        make = self._make
        if make is not None:
            self._make = None
            list.extend(self, make())

    def __reduce_ex__(self, protocol: Any) -> Any:
        self._fill()
        return (list, (list(self),))

    def __radd__(self, other: Any) -> Any:
        if not isinstance(other, list):
            return NotImplemented
        self._fill()
        return list.__add__(other, self)


def _filled(name: str) -> Callable[..., Any]:
    base = getattr(list, name)

    def method(self: _Lazy, *args: Any, **kw: Any) -> Any:
        if self._make is not None:
            self._fill()
        for a in args:
            if a.__class__ is _Lazy and a._make is not None:
                a._fill()
        return base(self, *args, **kw)

    method.__name__ = method.__qualname__ = name
    return method


for _name in ("__iter__", "__reversed__", "__len__", "__getitem__", "__contains__", "__eq__", "__ne__", "__lt__",
              "__le__", "__gt__", "__ge__", "__repr__", "__add__", "__mul__", "__rmul__", "__iadd__", "__imul__",
              "__setitem__", "__delitem__", "append", "extend", "insert", "pop", "remove", "clear", "index", "count",
              "copy", "sort", "reverse", "__sizeof__"):
    setattr(_Lazy, _name, _filled(_name))
del _name


_PERIOD_SPAN = operator.attrgetter("period.start", "period.end")
_UNIT = operator.attrgetter("unit")


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# ------------------------------------------------------------------------------------------ what a claims file needs
#
# A claims file needs, of each dataset, the series that find_series could use: those whose entity
# dimensions match a claim's (by name or alias, as factcheck._engine._candidate_keys finds them) and
# whose metric scores at least the match threshold for the claim's metric (or every series, for a claim
# without one); the same for every ref/sum/growth of its compute expressions. The metric scores come
# from factcheck._matching.metric_score itself, on a shortlist that provably holds every name scoring
# above zero: metric_score gives 0 to names sharing no word key (a word's first three letters, or the
# word itself when it is not alphabetic) with the query, and at most 100 × the weight of the query's
# words whose key the name has. Names whose bound is below the threshold are never scored.


def claim_requests(cf: Any) -> list[tuple[dict[str, str], str | None]] | None:
    """(dimensions, metric) of every claim of a claims file and of every ref/sum/growth of its compute
    expressions (as factcheck._compute's Resolver makes them); None, meaning every series, when an
    expression cannot be read (the check reports it)."""
    out: list[tuple[dict[str, str], str | None]] = []
    for claim in cf.claims:
        out.append((dict(claim.dims), claim.metric))
        for text in claim.compute:
            from factcheck._compute import Resolver  # (imported only for a claims file with expressions)
            from factcheck._expr import parse_expr

            try:
                expr = parse_expr(text, known_ids=[], compute=True)
                resolver = Resolver(claim, [], None, cf.settings)  # type: ignore[arg-type]
                for site in expr.calls:
                    sub = resolver._sub_claim(dict(site.keywords), use_claim_dims=site.func != "sum")
                    out.append((dict(sub.dims), sub.metric))
            except Exception:
                return None
    return out


class MetricShortlist:
    """The metric names of a dataset, with an index of their word keys (made when first needed).

    ``known``: answers already found, (query, threshold) -> ((position of a name, score), ...), as the
    cache keeps them beside an index (see _KeyIndex); new answers are added to it.
    """

    def __init__(self, names: list[str], known: dict[tuple[str, float], tuple[tuple[int, float], ...]] | None = None):
        self.names = names
        self.known = {} if known is None else known
        self._memo: dict[tuple[str, float], list[tuple[str, float]]] = {}
        self._postings: dict[str, list[int]] | None = None
        self._exact: dict[str, list[int]] = {}

    @property
    def postings(self) -> dict[str, list[int]]:
        """word key -> the positions of the names that have it."""
        if self._postings is None:
            from factcheck._matching import _read

            postings: dict[str, list[int]] = {}
            for i, n in enumerate(self.names):
                r = _read(n)
                for k in r.keys:
                    postings.setdefault(k, []).append(i)
                self._exact.setdefault(r.processed, []).append(i)
            self._postings = postings
        return self._postings

    @property
    def exact(self) -> dict[str, list[int]]:
        """default_process of a name -> the positions of the names that read so."""
        self.postings  # noqa: B018 - made with them
        return self._exact

    def matches(self, query: str, threshold: float) -> list[tuple[str, float]]:
        """Every name whose metric_score for ``query`` is at least ``threshold``: (name, score)."""
        hit = self._memo.get((query, threshold))
        if hit is not None:
            return hit
        known = self.known.get((query, threshold))
        if known is not None:
            names = self.names
            out = self._memo[(query, threshold)] = [(names[i], s) for i, s in known]
            return out
        from factcheck._matching import _read

        q = _read(query)
        weight: dict[str, float] = {}
        for t, w in zip(q.tokens, q.weights):
            k = t[:3] if t.isalpha() else t
            weight[k] = weight.get(k, 0.0) + w
        cand: set[int] = set()
        if threshold <= 0:
            cand = set(range(len(self.names)))
        elif q.total > 0:
            bound: dict[int, float] = {}
            for k, w in weight.items():
                for i in self.postings.get(k, ()):
                    bound[i] = bound.get(i, 0.0) + w
            need = threshold * q.total / 100.0 - 1e-9
            cand = {i for i, b in bound.items() if b >= need}
        if q.processed:
            cand.update(self.exact.get(q.processed, ()))
        out = []
        found = []
        for i in sorted(cand):
            s = score(query, self.names[i])
            if s >= threshold:
                out.append((self.names[i], s))
                found.append((i, s))
        self._memo[(query, threshold)] = out
        self.known[(query, threshold)] = tuple(found)
        return out


_SCORES: dict[tuple[str, str], float] = {}


def score(query: str, name: str) -> float:
    """factcheck._matching.metric_score, remembered."""
    s = _SCORES.get((query, name))
    if s is None:
        from factcheck._matching import metric_score

        if len(_SCORES) > 1_000_000:
            _SCORES.clear()
        s = _SCORES[(query, name)] = metric_score(query, name)
    return s


def needed_series(source: Source, requests: Iterable[tuple[dict[str, str], str | None]], book: Any,
                  threshold: float) -> Needed:
    """The entries of ``source`` that any of ``requests`` (a claim's dimensions and metric) can match:
    the entity dimensions as factcheck._engine._candidate_keys matches them, the metric as find_series
    scores it."""
    with paused():
        return _needed_series(source, requests, book, threshold)


def _needed_series(source: Source, requests: Iterable[tuple[dict[str, str], str | None]], book: Any,
                   threshold: float) -> Needed:
    from factcheck._matching import norm_name as mnorm

    lk = source.lookup()
    ix = lk.ix
    metric_ids = ix.ids[ix.key_dims.index("metric")] if "metric" in lk.dims else None
    out: set[int] = set()
    seen: set[tuple] = set()
    entities: dict[tuple[str, str], set[int]] = {}  # (dimension, value) -> its entries
    # the entries of some entity dimensions (a claim's), and those grouped by metric (made when a second
    # claim is about them: None until a first is)
    scoped: dict[tuple, tuple[set[int], dict[int, list[int]] | None]] = {}
    everything = None
    for dims, metric in requests:
        where = tuple(sorted(dims.items()))
        if (where, metric) in seen:
            continue
        seen.add((where, metric))
        ent: set[int] | None = None
        if dims:
            hit = scoped.get(where)
            if hit is None:
                for name, value in where:
                    got = entities.get((name, value))
                    if got is None:
                        if name not in lk.dims:
                            got = set()  # the dataset lacks a dimension the claim names
                        else:
                            norm = lk.norm(name)
                            names = set(book.names(value))
                            canon = lk.alias_map.get(name, {}).get(mnorm(value))
                            if canon is not None:
                                names |= book.names(canon)
                            got = lk.entries_with(name, [v for n in names for v in norm.get(n, ())])
                        entities[(name, value)] = got
                    ent = got if ent is None else ent & got
                    if not ent:
                        break
                hit = scoped[where] = (ent or set(), None)
            ent = hit[0]
            if not ent:
                continue
        if metric is None:
            if ent is None:
                if everything is None:
                    everything = set(range(source.index.entries))
                out |= everything
            else:
                out |= ent
            continue
        if metric_ids is None:
            continue
        vids = lk.metric_matches(metric, threshold)
        if not vids:
            continue
        if ent is None:
            out |= lk.entries_with("metric", vids)
            continue
        by_metric = scoped[where][1]
        if by_metric is None:  # the first claim about these entities: their entries are looked at
            scoped[where] = (ent, {})
            wanted = set(vids)
            out.update(e for e in ent if metric_ids[e] in wanted)
            continue
        if not by_metric:  # a second: grouped by metric, for it and every other claim about them
            for e in ent:
                by_metric.setdefault(metric_ids[e], []).append(e)
        for v in vids:
            got = by_metric.get(v)
            if got:
                out.update(got)
    return Needed(frozenset(out))
