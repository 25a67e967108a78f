"""Judge claims against reference data: find the series, pick the observations, compare intervals.

This is the core of `factcheck check`, with no terminal in it: claims files and datasets in, a
:class:`~factcheck._report.FileReport` out.

A thousand claims against thousands of series are judged in well under a second, so nothing is done
per claim that can be done once: each dataset gets an index (:class:`_SeriesIndex`) on first use, its
series by position, by dimension value (normalised once a value) and by metric; a claim's metric is
scored against the dataset's metric names once (through the shortlist that chose the series to read,
or a :class:`~factcheck._matching.MetricIndex`, either of which skips the names that cannot reach the
threshold), and its dimensions are matched once for each alias book. Candidates are ranked as tuples,
their names looked up only where scores tie; only the chosen series become groups, and only the
observations of the period are looked at. A series the reader makes on first use knows its units
before it is made: whether a claim's unit can be compared with it is asked of those (remembered), so a
series ruled out by its units is never made. The results are those of the plain algorithm (scoring
every candidate, scanning every observation); ``tests/test_engine_props.py`` holds it and checks.
"""

from __future__ import annotations

import operator
import weakref
from bisect import bisect_left
from datetime import timedelta
from itertools import repeat
from typing import Any, Collection, Iterable, Sequence

from factcheck._claims import Claim, ClaimsFile
from factcheck._errors import InputError, Problem
from factcheck._gc import paused
from factcheck._interval import Interval
from factcheck._matching import AliasBook, MetricIndex, norm_name, series_name
from factcheck._periods import tiling
from factcheck._quantity import format_number, units_compatible
from factcheck._report import Candidate, ClaimResult, Evidence, FileReport, Gap, Value

AS_OF_MAX_AGE = timedelta(days=366)


# --------------------------------------------------------------------------- datasets


def load_datasets(cf: ClaimsFile, cache: dict | None = None, options: Any = None) -> list[Any]:
    """Load every reference of a claims file; all problems of all files at once.

    Only the series the claims can match are read (their entity dimensions by name or alias, their
    metric scoring at least the match threshold; the same for every ref/sum/growth of their compute
    expressions): see factcheck._reference.needed_series. ``cache``, a dict shared by the files of a run,
    keeps each file's index (one per file and options, whatever its display path). ``options`` (the
    run's CheckOptions) may set ``use_cache`` (the .factcheck_cache folder), ``engine`` ("auto",
    "python" or "duckdb") and ``progress`` (a callback, see factcheck._reference.ProgressFn). The judge
    reuses the metric scores that chose the series (see _share_metric_names).
    """
    from factcheck._reference import check_spec, claim_requests, needed_series, open_source

    use_disk = bool(getattr(options, "use_cache", False))
    engine = getattr(options, "engine", "auto") or "auto"
    progress = getattr(options, "progress", None)
    disk = None
    if use_disk:
        from factcheck._cache import disk_cache_for

        disk = disk_cache_for(cache, cf.path)
    requests = claim_requests(cf)
    book = AliasBook(cf.aliases)
    problems: list[Problem] = []
    out = []
    for spec in cf.references:
        key = _spec_key(spec)
        try:
            check_spec(spec)
            src = cache.get(key) if cache is not None else None
            if src is None:
                src = open_source(spec, cache=disk, progress=progress, engine=engine)
                if cache is not None:
                    cache[key] = src
            wanted = None if requests is None else needed_series(src, requests, book, cf.settings.match_threshold)
            ds = src.dataset(spec, wanted)
            if requests is not None:
                _share_metric_names(ds, src)
            out.append(ds)
        except InputError as e:
            problems.extend(e.problems)
    if problems:
        raise InputError(problems)
    return out


def _spec_key(spec: Any) -> tuple:
    """A reference file and its options: entries that differ only in display path share one index."""
    from factcheck._reference import spec_options

    return (str(spec.path.resolve()), spec_options(spec))


# --------------------------------------------------------------------------- matching


_UNIT = operator.attrgetter("unit")
_PERIOD_SPAN = operator.attrgetter("period.start", "period.end")
_FIRST = operator.itemgetter(0)
_SECOND = operator.itemgetter(1)


def _columns(keys: list[tuple]) -> dict[str, list[str]] | None:
    """dimension -> its value in each key, when every key has the same dimensions in the same places;
    else None."""
    if not keys or len(set(map(len, keys))) != 1:
        return None if keys else {}
    columns: dict[str, list[str]] = {}
    for place in range(len(keys[0])):
        pairs = list(map(operator.itemgetter(place), keys))
        names = set(map(_FIRST, pairs))
        if len(names) != 1:
            return None
        name = names.pop()
        if name in columns:
            return None
        columns[name] = list(map(_SECOND, pairs))
    return columns


class _Group:
    """One series (by its dimensions) across every dataset that holds it: its observations (those of
    every dataset, in order) and the set of their units."""

    __slots__ = ("key", "score", "exact", "name", "_units", "_parts", "_ordered", "_observations")

    def __init__(self, key: tuple[tuple[str, str], ...], score: float | None, exact: bool,
                 observations: Iterable[Any] = (), units: Iterable[str] | None = None, name: str = "", *,
                 series: tuple[list[Any], ...] | None = None):
        self.key = key
        self.score = score
        self.exact = exact
        self.name = name or series_name(key)  # series_name(key), for display and ranking
        self._units = None if units is None else frozenset(units)  # worked out when asked for
        # the lists of observations, copied into one on first use (most groups a claim finds are only
        # ranked): ``series``, the series as each dataset holds it (in period order, see Dataset.series),
        # else ``observations``
        self._parts = series if series is not None else (observations,)
        self._ordered = series is not None
        self._observations: list[Any] | None = None

    @property
    def observations(self) -> list[Any]:
        obs = self._observations
        if obs is None:
            parts = self._parts
            obs = self._observations = list(parts[0]) if len(parts) == 1 else [o for p in parts for o in p]
        return obs

    @property
    def units(self) -> frozenset[str]:
        if self._units is None:
            parts = self._parts
            known = getattr(parts[0], "units", None) if len(parts) == 1 and self._observations is None else None
            # a series made on first use knows its units without being made (see _usable)
            self._units = known if known.__class__ is frozenset else frozenset(map(_UNIT, self.observations))
        return self._units

    def at(self, period: Any) -> list[Any]:
        """The observations for exactly ``period``, in order. A dataset's series is in period order: its
        observations for a period stand together, found by bisection, not by looking at every one."""
        if not self._ordered:
            return [o for o in self.observations if o.period == period]
        span = (period.start, period.end)
        if len(self._parts) == 1 and self._observations is None:
            # a series not made yet may give the observations of one period without making the others:
            # ``pick(span)``, those of the period span in the series' order, or None (then it is made)
            pick = getattr(self._parts[0], "pick", None)
            if pick is not None:
                got = pick(span)
                if got is not None:
                    return [o for o in got if o.period == period]
        out = []
        # bisection on plain lists (a series may be a list subclass made on first use, whose every
        # item access would go through Python): the one list of observations when the series is one
        for obs in (self.observations,) if len(self._parts) == 1 else map(list, self._parts):
            i, n = bisect_left(obs, span, key=_PERIOD_SPAN), len(obs)
            while i < n:
                o = obs[i]
                if _PERIOD_SPAN(o) != span:
                    break
                if o.period == period:
                    out.append(o)
                i += 1
        return out

    def __repr__(self) -> str:
        return f"_Group({self.name!r}, score={self.score!r}, exact={self.exact!r}, units={sorted(self.units)!r})"


class _SeriesIndex:
    """What find_series asks of one dataset, built once and kept while the dataset lives.

    A series is known by its position in ``ds.series``. Each dimension's normalised values lead to the
    series that have them, each metric name to its series; a :class:`MetricIndex` over the names says
    which of them score at least the threshold for a claim's metric (without scoring the rest). A
    series' display name is worked out when first needed.
    """

    __slots__ = ("series", "size", "keys", "columns", "dims", "metric_of", "by_metric", "metric_index", "shared",
                 "_names", "_scored", "_metric_sets", "_with", "by_dims", "__weakref__")

    def __init__(self, ds: Any, shared: Any = None):
        self.series = ds.series
        self.size = len(ds.series)
        self.keys: list[tuple] = list(ds.series)
        # each dimension's values, a list by series, when every key names the same dimensions in the
        # same places (the usual case); else None, and the keys are read one by one
        self.columns = _columns(self.keys)
        self.dims: dict[str, dict[str, list[int]] | None] = {}  # each dimension's index, made when first asked
        self.by_metric: dict[str, list[int]] = {}
        by_metric, dims = self.by_metric, self.dims
        if self.columns is not None:
            dims.update(dict.fromkeys(self.columns))
            self.metric_of: list[str | None] = self.columns.get("metric") or [None] * self.size
            for i, metric in enumerate(self.metric_of):
                got = by_metric.get(metric)
                if got is None:
                    by_metric[metric] = [i]
                else:
                    got.append(i)
            by_metric.pop(None, None)  # type: ignore[call-overload]
        else:
            self.metric_of = []
            for i, key in enumerate(self.keys):
                metric = None
                for k, v in key:
                    if k == "metric":
                        metric = v
                    elif k not in dims:
                        dims[k] = None
                self.metric_of.append(metric)
                if metric is not None:
                    got = by_metric.get(metric)
                    if got is None:
                        by_metric[metric] = [i]
                    else:
                        got.append(i)
            if by_metric:
                dims["metric"] = None
        self.metric_index: Any = None
        # the lookup of the file the dataset was read from, whose metric shortlist scored the claims'
        # metrics already (see _share_metric_names)
        self.shared = shared
        self._names: list[str | None] = [None] * self.size
        self._scored: dict[tuple[str, float], dict[str, tuple[float, bool]]] = {}
        self._metric_sets: dict[str, frozenset[int]] = {}
        self._with: dict[tuple[str, frozenset[str]], frozenset[int] | None] = {}
        self.by_dims: dict[tuple, frozenset[int]] = {}  # see _with_dims

    def fresh(self, ds: Any) -> bool:
        return ds.series is self.series and len(ds.series) == self.size

    def scored(self, query: str, threshold: float) -> dict[str, tuple[float, bool]]:
        """The metrics that score at least ``threshold`` for ``query``: name -> (score, whether the
        names are equal after norm_name)."""
        got = self._scored.get((query, threshold))
        if got is None:
            if self.metric_index is None:
                self.metric_index = self._shared_names() or MetricIndex(self.by_metric)
            matched = self.metric_index.matches(query, threshold)
            by_metric = self.by_metric
            # names equal after norm_name score 100 (0 when empty after default_process): only those
            # scores can belong to an equal name, and only such names are normalised here
            got = {m: (s, (s == 100.0 or s == 0.0) and norm_name(m) == norm_name(query)) for m, s in
                   (matched.items() if isinstance(matched, dict) else matched) if m in by_metric}
            if len(self._scored) > 100_000:
                self._scored.clear()
            self._scored[(query, threshold)] = got
        return got

    def _shared_names(self) -> Any:
        """The shortlist of the dataset's file when it holds every metric name of the dataset: its
        ``matches(query, threshold)`` gives each name scoring at least the threshold, with its score."""
        if self.shared is None or not self.by_metric:
            return None
        try:
            shortlist = self.shared().shortlist()
            names = set(shortlist.names)
        except (AttributeError, TypeError):
            return None
        return shortlist if names.issuperset(self.by_metric) else None

    def with_metric(self, metric: str) -> frozenset[int]:
        """The series of a metric."""
        got = self._metric_sets.get(metric)
        if got is None:
            got = self._metric_sets[metric] = frozenset(self.by_metric[metric])
        return got

    def values_of(self, dim: str) -> dict[str, list[int]] | None:
        """norm_name of a value of ``dim`` -> the series with it; None when no series has ``dim``."""
        if dim not in self.dims:
            return None
        got = self.dims[dim]
        if got is None:
            raw: dict[str, list[int]] = {}
            if self.columns is not None:
                for i, v in enumerate(self.columns[dim]):
                    at = raw.get(v)
                    if at is None:
                        raw[v] = [i]
                    else:
                        at.append(i)
            else:
                for i, key in enumerate(self.keys):
                    for k, v in key:
                        if k == dim:
                            raw.setdefault(v, []).append(i)
            got = {}
            for v, ids in raw.items():  # normalised once a value, not once a series
                n = norm_name(v)
                if n in got:
                    got[n] = sorted(got[n] + ids)
                else:
                    got[n] = ids
            self.dims[dim] = got
        return got

    def with_value(self, dim: str, names: frozenset[str]) -> frozenset[int] | None:
        """The series whose ``dim`` is one of ``names`` (normalised); None when no series has ``dim``."""
        got = self._with.get((dim, names), False)
        if got is False:
            values = self.values_of(dim)
            got = None if values is None else frozenset(i for n in names for i in values.get(n, ()))
            if len(self._with) > 100_000:
                self._with.clear()
            self._with[(dim, names)] = got
        return got

    def name(self, i: int) -> str:
        """The series' name: series_name of its key."""
        got = self._names[i]
        if got is None:
            got = self._names[i] = series_name(self.keys[i])
        return got


# id(dataset) -> (a weak or strong reference to it, its index or None, where its metric names are scored)
_INDEX: dict[int, tuple[Any, _SeriesIndex | None, Any]] = {}


def _entry(ds: Any) -> tuple[Any, _SeriesIndex | None, Any] | None:
    k = id(ds)
    hit = _INDEX.get(k)
    if hit is not None and (hit[0]() if isinstance(hit[0], weakref.ref) else hit[0]) is ds:
        return hit
    return None


def _remember(ds: Any, ix: _SeriesIndex | None, names: Any) -> None:
    k = id(ds)
    try:
        ref: Any = weakref.ref(ds, lambda _, k=k: _INDEX.pop(k, None))
    except TypeError:  # not weakly referable: kept
        ref = ds
    _INDEX[k] = (ref, ix, names)


def _series_index(ds: Any) -> _SeriesIndex:
    """The dataset's index, built on first use and dropped with the dataset."""
    hit = _entry(ds)
    if hit is not None and hit[1] is not None and hit[1].fresh(ds):
        return hit[1]
    ix = _SeriesIndex(ds, hit[2] if hit is not None else None)
    _remember(ds, ix, ix.shared)
    return ix


def _share_metric_names(ds: Any, src: Any) -> None:
    """Choosing the series of ``src`` to read (factcheck._reference.needed_series) scored each claim's
    metric against the file's metric names, with the same scorer and threshold as find_series: let the
    judge ask the same shortlist (``src.lookup().shortlist()``, its answers remembered) rather than
    score the names again."""
    lookup = getattr(src, "lookup", None)
    if callable(lookup):
        _remember(ds, None, lookup)


def _dim_index(ds: Any) -> dict[str, dict[str, list]]:
    """dimension -> normalised value -> series keys (in the dataset's order)."""
    ix = _series_index(ds)
    keys = ix.keys
    return {d: {v: [keys[i] for i in ids] for v, ids in (ix.values_of(d) or {}).items()} for d in ix.dims}


def _with_dims(claim: Claim, ds: Any, ix: _SeriesIndex, book: AliasBook) -> frozenset[int] | None:
    """The positions of the dataset's series whose entity dimensions match the claim's (by name or
    alias); None when the claim names no dimension (every series). Remembered for each (book, dims)."""
    dims = claim.dims
    if not dims:
        return None
    memo_key = (book, book.version, tuple(dims.items()))
    got = ix.by_dims.get(memo_key)
    if got is None:
        if len(ix.by_dims) > 10_000:
            ix.by_dims.clear()
        got = ix.by_dims[memo_key] = _match_dims(dims, ds, ix, book)
    return got


def _match_dims(dims: dict[str, str], ds: Any, ix: _SeriesIndex, book: AliasBook) -> frozenset[int]:
    result: frozenset[int] | None = None
    alias_map = getattr(ds, "alias_map", {})
    for name, wanted in dims.items():
        names = book.names(wanted)
        canon = alias_map.get(name, {}).get(norm_name(wanted))
        if canon is not None:
            names = names | book.names(canon)
        ids = ix.with_value(name, names)
        if ids is None:
            return frozenset()  # the dataset lacks a dimension the claim names: no evidence from it
        result = ids if result is None else ids & result
        if not result:
            return frozenset()
    return result if result is not None else frozenset()


def _with_metrics(ix: _SeriesIndex, among: frozenset[int] | None, metrics: Collection[str]) -> Collection[int]:
    """The series among ``among`` (None: all) whose metric is one of ``metrics``, in no particular order."""
    if among is not None and len(among) < 4 * len(metrics):
        metric_of = ix.metric_of
        return [i for i in among if metric_of[i] in metrics]
    out: set[int] = set()
    for m in metrics:
        out.update(ix.with_metric(m) if among is None else among & ix.with_metric(m))
    return out


def _candidate_keys(claim: Claim, ds: Any, book: AliasBook) -> Iterable[tuple]:
    """The dataset's series whose entity dimensions match the claim's (by name or alias)."""
    if not claim.dims:
        return ds.series.keys()
    ix = _series_index(ds)
    return sorted(ix.keys[i] for i in _with_dims(claim, ds, ix, book) or ())


# A candidate while find_series ranks them is a tuple: (minus its score, the dataset's place in the
# list, the key or the series' place in the file (the order candidates came in before ranking), key,
# score, exact, then the index and the position of the series in it, or None and every (index,
# position) of a series several datasets hold). Names and units are looked up only where they decide.
_Row = tuple
_KEY, _SCORE, _EXACT, _IX, _AT = 3, 4, 5, 6, 7


def _row_name(row: _Row) -> str:
    ix = row[_IX]
    return ix.name(row[_AT]) if ix is not None else row[_AT][0][0].name(row[_AT][0][1])


def _row_series(row: _Row) -> tuple[list[Any], ...]:
    """The series as each dataset holding it has it."""
    ix = row[_IX]
    if ix is not None:
        return (ix.series[row[_KEY]],)
    return tuple(ix.series[row[_KEY]] for ix, _ in row[_AT])


def _group_of(row: _Row) -> _Group:
    return _Group(row[_KEY], row[_SCORE], row[_EXACT], name=_row_name(row), series=_row_series(row))


def _by_name(row: _Row) -> tuple:
    return (_row_name(row), row[1], row[2])


def _rank(rows: list[_Row]) -> None:
    """Best first: by score, then by name; ties in the order the candidates came in."""
    rows.sort(key=_FIRST)
    if len(set(map(_FIRST, rows))) == len(rows):
        return  # no two equal scores: no names needed
    i, n = 0, len(rows)
    while i < n:
        j = i + 1
        while j < n and rows[j][0] == rows[i][0]:
            j += 1
        if j - i > 1:
            rows[i:j] = sorted(rows[i:j], key=_by_name)
        i = j


class Match:
    """What the matching found for one claim: kept for `factcheck explain` and `compute`.

    ``groups`` are every candidate series, best first; ``rejected_units`` those of them whose units
    the claim's cannot be compared with; ``chosen`` the one (or several equally good) series the claim
    is judged against. The same :class:`_Group` object stands for a series in all three lists; the
    ranked candidates become groups when first asked for (judging needs only the chosen ones)."""

    __slots__ = ("_rows", "_unit", "_made", "_groups", "_rejected", "chosen", "ambiguous_reason", "dims_missing")

    def __init__(self, groups: list[_Group], rejected_units: list[_Group], chosen: list[_Group],
                 ambiguous_reason: str = "", dims_missing: list[str] | None = None):
        self._rows: list[_Row] = []
        self._unit = ""
        self._made: dict[int, _Group] = {}
        self._groups: list[_Group] | None = groups
        self._rejected: list[_Group] | None = rejected_units
        self.chosen = chosen
        self.ambiguous_reason = ambiguous_reason
        self.dims_missing = dims_missing if dims_missing is not None else []

    @classmethod
    def _ranked(cls, rows: list[_Row], unit: str, chosen: list[int], reason: str = "") -> "Match":
        """From find_series' ranked rows, the claim's unit and the rows chosen."""
        m = cls.__new__(cls)
        m._rows, m._unit, m._groups, m._rejected = rows, unit, None, None
        if len(chosen) == 1:
            g = _group_of(rows[chosen[0]])
            m._made, m.chosen = {chosen[0]: g}, [g]
        else:
            m._made = {j: _group_of(rows[j]) for j in chosen}
            m.chosen = list(m._made.values())
        m.ambiguous_reason = reason
        m.dims_missing = []
        return m

    def _group(self, j: int) -> _Group:
        g = self._made.get(j)
        if g is None:
            g = self._made[j] = _group_of(self._rows[j])
        return g

    @property
    def groups(self) -> list[_Group]:
        if self._groups is None:
            self._groups = [self._group(j) for j in range(len(self._rows))]
        return self._groups

    @property
    def rejected_units(self) -> list[_Group]:
        if self._rejected is None:
            unit = self._unit
            self._rejected = [self._group(j) for j, row in enumerate(self._rows) if not _usable(unit, row)]
        return self._rejected

    def __repr__(self) -> str:
        return (f"Match(groups={self.groups!r}, rejected_units={self.rejected_units!r}, chosen={self.chosen!r}, "
                f"ambiguous_reason={self.ambiguous_reason!r})")


def _usable(unit: str, row: _Row) -> bool:
    """Whether a claim in ``unit`` can be compared with the series of ``row``: with any of the units of
    its observations (the first that will do says so). A series made on first use (factcheck._reference's
    _Lazy) knows the set of its units without being made: asked of that set, remembered."""
    for obs in _row_series(row):
        units = getattr(obs, "units", None)
        if units.__class__ is not frozenset:
            if any(map(units_compatible, repeat(unit), map(_UNIT, obs))):
                return True
            continue
        key = (unit, units)
        ok = _UNITS_OK.get(key)
        if ok is None:
            if len(_UNITS_OK) > 10_000:
                _UNITS_OK.clear()
            ok = _UNITS_OK[key] = any(map(units_compatible, repeat(unit), units))
        if ok:
            return True
    return False


# (a claim's unit, the units of a series) -> whether they can be compared
_UNITS_OK: dict[tuple[str, frozenset[str]], bool] = {}


def find_series(claim: Claim, datasets: Sequence[Any], book: AliasBook, settings: Any) -> Match:
    """The series the claim can be about, scored; the usable ones (units); the chosen one(s)."""
    return _find_series(claim, [(ds, _series_index(ds)) for ds in datasets], book, settings)


def _find_series(claim: Claim, indexed: list[tuple[Any, _SeriesIndex]], book: AliasBook, settings: Any) -> Match:
    """find_series over datasets already indexed: (dataset, its index) in order."""
    rows: list[_Row] = []
    seen: dict[tuple, int] | None = None  # key -> row, once a later dataset may hold a series again
    metric = claim.metric
    threshold = settings.match_threshold
    by_key = bool(claim.dims)  # candidates came in the order of their keys, else in the file's order
    for d, (ds, ix) in enumerate(indexed):
        ids: Collection[int] | None = _with_dims(claim, ds, ix, book)
        if ids is not None and not ids:
            continue
        if metric is not None:
            # only the series whose metric reaches the threshold: the others would be dropped below
            scored = ix.scored(metric, threshold)
            if not scored:
                continue
            ids = _with_metrics(ix, ids, scored)
        elif ids is None:
            ids = range(ix.size)
        keys, metric_of = ix.keys, ix.metric_of
        if rows and seen is None:
            seen = {row[_KEY]: j for j, row in enumerate(rows)}
        for i in ids:
            key = keys[i]
            if seen is not None:
                j = seen.get(key)
                if j is not None:  # the same series in another dataset: one group
                    row = rows[j]
                    held = ((row[_IX], row[_AT]),) if row[_IX] is not None else row[_AT]
                    rows[j] = row[:_IX] + (None, held + ((ix, i),))
                    continue
                seen[key] = len(rows)
            if metric is None:
                rows.append((0, d, key if by_key else i, key, None, False, ix, i))
            else:
                s, exact = scored[metric_of[i]]
                rows.append((-s, d, key if by_key else i, key, s, exact, ix, i))
    if len(rows) > 1:
        _rank(rows)
    # the best series whose units the claim's can be compared with, and those about as good
    unit = claim.value.unit
    n = len(rows)
    for first in range(n):
        if _usable(unit, rows[first]):
            break
    else:
        return Match._ranked(rows, unit, [])
    best = rows[first]
    if best[_EXACT]:
        close = [j for j in range(first, n) if rows[j][_EXACT] and _usable(unit, rows[j])]
    elif best[_SCORE] is None:
        close = [j for j in range(first, n) if _usable(unit, rows[j])]
    else:
        top, margin = best[_SCORE], settings.ambiguity_margin
        close = []
        for j in range(first, n):
            row = rows[j]
            off = top - (row[_SCORE] or 0)
            if off <= margin:
                if not row[_EXACT] and _usable(unit, row):
                    close.append(j)
            elif off > margin:
                break  # ranked by score: the rest are further off
    if len(close) == 1:
        return Match._ranked(rows, unit, close)
    # several series about equally good: say in what they differ
    close_keys = [rows[j][_KEY] for j in close]
    values: dict[str, set] = {}
    for key in close_keys:
        dd = dict(key)
        for k in {k for h in (close_keys[0], key) for k, _ in h}:
            values.setdefault(k, set()).add(dd.get(k))
    differing = sorted(k for k, vs in values.items() if len(vs) > 1)
    open_dims = [d for d in differing if d not in claim.dims and d != "metric"]
    if open_dims:
        shown_values = sorted({dict(key).get(open_dims[0], "—") for key in close_keys})
        shown = ", ".join(shown_values[:5]) + (f" and {len(shown_values) - 5} more" if len(shown_values) > 5 else "")
        reason = f"the claim names no {open_dims[0]}, and the matching rows differ in it ({shown})"
    else:
        reason = "several series match the metric about equally"
    return Match._ranked(rows, unit, close, reason)


# --------------------------------------------------------------------------- observations for a period


def _observations_for(claim: Claim, group: _Group) -> list[tuple[str, list[Any]]]:
    """Evidence candidates: (how, observations) — a direct observation, a tiled sum, or the latest (as_of)."""
    period = claim.period
    out: list[tuple[str, list[Any]]] = [("row", [o]) for o in group.at(period)]
    if claim.kind == "flow":
        by_source: dict[tuple[str, str], list[Any]] = {}
        for o in group.observations:
            if o.period != period and period.contains(o.period):
                by_source.setdefault((o.dataset, o.source), []).append(o)
        for (_, _), obs in sorted(by_source.items()):
            periods = {o.period: o for o in obs}
            tiles = tiling(period, periods.keys())
            if tiles:
                out.append(("tiled", [periods[p] for p in tiles]))
    if not out and claim.as_of:
        end = period.end
        latest: dict[tuple[str, str], Any] = {}
        for o in group.observations:
            if o.period.end <= end and end - o.period.end <= AS_OF_MAX_AGE:
                k = (o.dataset, o.source)
                if k not in latest or o.period.end > latest[k].period.end:
                    latest[k] = o
        out.extend(("latest", [o]) for _, o in sorted(latest.items()))
    return out


def _sum_interval(obs: list[Any]) -> Interval:
    low = sum(o.value.interval.low for o in obs)
    high = sum(o.value.interval.high for o in obs)
    return Interval(low, high, all(o.value.interval.low_closed for o in obs),
                    all(o.value.interval.high_closed for o in obs))


def value_of(q: Any, scale_word: str = "") -> Value:
    iv = q.interval
    return Value(display(q, scale_word), iv.low, iv.high, iv.low_closed, iv.high_closed, q.unit, q.scale_word, q.hedge)


_HEDGE_WORDS = {
    "more_than": "more than", "at_least": "at least", "less_than": "less than", "at_most": "at most",
    "about": "about", "nearly": "nearly", "doubled": "about", "tripled": "about",
}


_SCALES = (("trillion", 1e12), ("billion", 1e9), ("million", 1e6))
_SCALE_OF = dict(_SCALES)


def display_number(x: float, unit: str, scale_word: str = "", digits: int | None = None) -> str:
    """A number in the claim's scale where that reads well: 7.517 billion, but 16.5 million, not
    0.0165 billion; 'thousand' is written out (2,291, not 2.291 thousand)."""
    k = _SCALE_OF.get(scale_word)
    if k is None:
        word = ""
    else:
        word = scale_word
        if x != 0 and abs(x) < 0.1 * k:
            word = next((w for w, k in _SCALES if abs(x) >= k), "")
    return format_number(x, unit, word, digits=digits)


def display(q: Any, scale_word: str = "") -> str:
    """A quantity in words, in the given scale (the claim's), e.g. 'more than 14 billion USD'."""
    if q.hedge_class == "range" and q.high_number is not None:
        return q.text
    text = display_number(q.number * q.scale, q.unit, scale_word or q.scale_word)
    hedge = _HEDGE_WORDS.get(q.hedge, "")
    return f"{hedge} {text}" if hedge else text


def _interval_text(iv: Interval, unit: str, scale_word: str) -> str:
    if iv.low == iv.high:
        return display_number(iv.low, unit, scale_word)
    lo = display_number(iv.low, "", scale_word) if iv.low != float("-inf") else "−∞"
    hi = display_number(iv.high, unit, scale_word) if iv.high != float("inf") else "∞"
    return f"{lo} to {hi}"


def _gap(claim_iv: Interval, ref_iv: Interval) -> Gap:
    """Signed distance from the reference to the claim (positive: the claim is higher)."""
    if claim_iv.low >= ref_iv.high:
        absolute, nearest = claim_iv.low - ref_iv.high, ref_iv.high
    else:
        absolute, nearest = claim_iv.high - ref_iv.low, ref_iv.low
    base = ref_iv.midpoint if ref_iv.midpoint is not None else nearest
    rel = absolute / abs(base) if base else None
    return Gap(absolute=absolute, relative=rel)


# --------------------------------------------------------------------------- judging


def judge(claim: Claim, datasets: Sequence[Any], book: AliasBook, settings: Any,
          extra_evidence: Iterable[Evidence] = ()) -> tuple[ClaimResult, Match]:
    return _judge(claim, [(ds, _series_index(ds)) for ds in datasets], book, settings, extra_evidence)


def _judge(claim: Claim, indexed: list[tuple[Any, _SeriesIndex]], book: AliasBook, settings: Any,
           extra_evidence: Iterable[Evidence] = ()) -> tuple[ClaimResult, Match]:
    match = _find_series(claim, indexed, book, settings)
    evidence: list[Evidence] = []
    candidates: tuple[Candidate, ...] = ()
    reason = ""
    q = claim.value
    claim_iv = q.interval
    sw = q.scale_word

    if len(match.chosen) > 1:
        candidates = tuple(
            Candidate(g.name, g.score if g.score is not None else 0.0,
                      g.observations[0].dataset if g.observations else "", g.observations[0].row if g.observations else None)
            for g in match.chosen
        )
        reason = match.ambiguous_reason
    elif match.chosen:
        g = match.chosen[0]
        found = _observations_for(claim, g)
        if found:
            unit = q.unit
            for how, obs in found:
                obs = [o for o in obs if units_compatible(unit, o.unit)]
                if obs:
                    evidence.append(_evidence(claim, g, how, obs, claim_iv, sw))
        if not evidence:
            have = sorted({o.period.text for o in g.observations})
            shown = ", ".join(have[-6:]) + (" …" if len(have) > 6 else "")
            yet = " yet" if claim.forecast else ""
            reason = f"series '{g.name}' has no observation for {claim.period.text}{yet} (it has {shown})"
    else:
        if match.rejected_units:
            g = match.rejected_units[0]
            units = ", ".join(sorted(u or "no unit" for u in g.units))
            reason = (f"units differ: the claim is in {q.unit or 'no unit'}, "
                      f"series '{g.name}' in {units}")
        elif not indexed:
            reason = "no reference data (the claims file lists no `references`)"
        else:
            what = f"metric '{claim.metric}'" if claim.metric else "these dimensions"
            dims = ", ".join(f"{k} {v}" for k, v in claim.dims.items())
            reason = f"no reference series matches {what}" + (f" for {dims}" if dims else "")

    if extra_evidence:
        evidence.extend(extra_evidence)
    verdict = _verdict(evidence, match, claim, reason)
    if verdict == "ambiguous" and not candidates and not reason:
        reason = "a derivation could not decide between sources"
    gap = None
    if verdict == "contradicted":
        gaps = [e.gap for e in evidence if e.gap is not None]
        if gaps:
            gap = min(gaps, key=lambda g: abs(g.absolute))
    ignore = claim.ignore
    result = ClaimResult(
        id=claim.id, verdict=verdict, line=claim.line, column=claim.column,
        # the claimed value as written, with its meaning
        claimed=Value(claim.value_text, claim_iv.low, claim_iv.high, claim_iv.low_closed, claim_iv.high_closed,
                      q.unit, sw, q.hedge),
        period=claim.period.text, kind=claim.kind, metric=claim.metric,
        dimensions=tuple(sorted(claim.dims.items())) if claim.dims else (), quote=claim.quote,
        forecast=claim.forecast, evidence=tuple(evidence), candidates=candidates,
        reason=reason if verdict in ("unverified", "pending", "ambiguous") else "", gap=gap, ignored=tuple(ignore),
        ignore_reason="; ".join(r for r in ignore.values() if r) if ignore else "", note=claim.note,
    )
    return result, match


def _evidence(claim: Claim, g: _Group, how: str, obs: list[Any], claim_iv: Interval, sw: str) -> Evidence:
    """One piece of evidence from the chosen series: a row, a tiled sum or the latest (as_of)."""
    first = obs[0]
    if how == "tiled":
        iv = _sum_interval(obs)
        text = _interval_text(iv, first.unit, sw)
        val = Value(f"{text} (sum of {len(obs)})", iv.low, iv.high, iv.low_closed, iv.high_closed, first.unit, sw)
        detail = " + ".join(f"{o.period.text}: {display(o.value, sw)}" for o in obs)
        period_text = claim.period.text
    else:
        iv = first.value.interval
        val = value_of(first.value, sw)
        raw = getattr(first, "raw", None)
        detail = f"{raw!r} in column {first.column!r}" if raw is not None else ""
        period_text = first.period.text
    ok = claim_iv.meets(iv)
    return Evidence(
        dataset=first.dataset, row=first.row, series=g.name, score=g.score, value=val, period=period_text,
        source=first.source, verdict="supported" if ok else "contradicted", gap=None if ok else _gap(claim_iv, iv),
        url=first.url, published=first.published, column=first.column,
        column_index=getattr(first, "column_index", None), how=how, detail=detail,
        rows=(first.row,) if len(obs) == 1 else tuple(o.row for o in obs),
    )


def _verdict(evidence: list[Evidence], match: Match, claim: Claim, reason: str) -> str:
    verdicts = {e.verdict for e in evidence}
    supported, contradicted = "supported" in verdicts, "contradicted" in verdicts
    if supported or contradicted:  # the evidence that decides: all of one kind, or disputed
        return "disputed" if supported and contradicted else "supported" if supported else "contradicted"
    if len(match.chosen) > 1 or "ambiguous" in verdicts:
        return "ambiguous"
    if claim.forecast and match.chosen:
        return "pending"
    return "unverified"


def check_file(cf: ClaimsFile, datasets: Sequence[Any], *, compute_evidence=None) -> FileReport:
    """Judge every claim of a loaded claims file against the loaded datasets.

    The cyclic garbage collector is paused meanwhile (factcheck._gc), as while a reference file is read:
    judging makes many objects that outlive it (the results) and no reference
    cycles, so a collection would find nothing, only walk the data just loaded once more."""
    book = AliasBook(cf.aliases)
    settings = cf.settings
    results = []
    with paused():
        indexed = [(ds, _series_index(ds)) for ds in datasets]
        for claim in cf.claims:
            extra = compute_evidence(claim) if compute_evidence else ()
            results.append(_judge(claim, indexed, book, settings, extra)[0])
    return FileReport(path=cf.display, claims=tuple(results), findings=(), document=cf.document.display)
