"""Judge claims against reference data: find the series, pick the observations, compare intervals.

This is the core of `factcheck check`, with no terminal in it: claims files and datasets in, a
:class:`~factcheck._report.FileReport` out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Iterable, Sequence

from factcheck._claims import Claim, ClaimsFile
from factcheck._errors import InputError, Problem
from factcheck._interval import Interval
from factcheck._matching import AliasBook, metric_score, norm_name, series_name
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
    "python" or "duckdb") and ``progress`` (a callback, see factcheck._reference.ProgressFn).
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
            out.append(src.dataset(spec, wanted))
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


@dataclass(eq=False)
class _Group:
    """One series (by its dimensions) across every dataset that holds it."""

    key: tuple[tuple[str, str], ...]
    score: float | None
    exact: bool
    observations: list[Any] = field(default_factory=list)
    units: set[str] = field(default_factory=set)


@dataclass
class Match:
    """What the matching found for one claim: kept for `factcheck explain`."""

    groups: list[_Group]
    rejected_units: list[_Group]
    chosen: list[_Group]
    ambiguous_reason: str = ""
    dims_missing: list[str] = field(default_factory=list)


_INDEX: dict[int, tuple[Any, dict[str, dict[str, list]]]] = {}


def _dim_index(ds: Any) -> dict[str, dict[str, list]]:
    """dimension -> normalised value -> series keys; built once per dataset."""
    hit = _INDEX.get(id(ds))
    if hit is not None and hit[0] is ds:
        return hit[1]
    idx: dict[str, dict[str, list]] = {}
    for key in ds.series:
        for k, v in key:
            idx.setdefault(k, {}).setdefault(norm_name(v), []).append(key)
    _INDEX[id(ds)] = (ds, idx)
    return idx


def _candidate_keys(claim: Claim, ds: Any, book: AliasBook) -> Iterable[tuple]:
    """The dataset's series whose entity dimensions match the claim's (by name or alias)."""
    if not claim.dims:
        return ds.series.keys()
    idx = _dim_index(ds)
    result: set | None = None
    for name, wanted in claim.dims.items():
        values = idx.get(name)
        if values is None:
            return ()  # the dataset lacks a dimension the claim names: no evidence from it
        names = set(book.names(wanted))
        canon = getattr(ds, "alias_map", {}).get(name, {}).get(norm_name(wanted))
        if canon is not None:
            names |= book.names(canon)
        keys: set = set()
        for n in names:
            keys.update(values.get(n, ()))
        result = keys if result is None else result & keys
        if not result:
            return ()
    return sorted(result or ())


def find_series(claim: Claim, datasets: Sequence[Any], book: AliasBook, settings: Any) -> Match:
    from factcheck._quantity import units_compatible

    groups: dict[tuple, _Group] = {}
    score_cache: dict[str, float] = {}
    for ds in datasets:
        for key in _candidate_keys(claim, ds, book):
            observations = ds.series[key]
            dims = dict(key)
            if claim.metric is not None:
                metric = dims.get("metric")
                if metric is None:
                    continue
                s = score_cache.get(metric)
                if s is None:
                    s = score_cache[metric] = metric_score(claim.metric, metric)
                if s < settings.match_threshold:
                    continue
                exact = norm_name(metric) == norm_name(claim.metric)
            else:
                s, exact = None, False
            g = groups.get(key)
            if g is None:
                g = groups[key] = _Group(key, s, exact)
            g.observations.extend(observations)
            g.units.update(o.unit for o in observations)
    all_groups = sorted(groups.values(), key=lambda g: (-(g.score or 0), series_name(g.key)))
    usable = [g for g in all_groups if any(units_compatible(claim.value.unit, u) for u in g.units)]
    rejected = [g for g in all_groups if g not in usable]
    if not usable:
        return Match(all_groups, rejected, [])
    best = usable[0]
    if best.exact:
        close = [g for g in usable if g.exact]
    elif best.score is None:
        close = usable
    else:
        close = [g for g in usable if not g.exact and (best.score - (g.score or 0)) <= settings.ambiguity_margin]
    if len(close) == 1:
        return Match(all_groups, rejected, close)
    # several series about equally good: say in what they differ
    values: dict[str, set] = {}
    for g in close:
        d = dict(g.key)
        for k in {k for h in (close[0], g) for k, _ in h.key}:
            values.setdefault(k, set()).add(d.get(k))
    differing = sorted(k for k, vs in values.items() if len(vs) > 1)
    open_dims = [d for d in differing if d not in claim.dims and d != "metric"]
    if open_dims:
        values = sorted({dict(g.key).get(open_dims[0], "—") for g in close})
        shown = ", ".join(values[:5]) + (f" and {len(values) - 5} more" if len(values) > 5 else "")
        reason = f"the claim names no {open_dims[0]}, and the matching rows differ in it ({shown})"
    else:
        reason = "several series match the metric about equally"
    return Match(all_groups, rejected, close, reason)


# --------------------------------------------------------------------------- observations for a period


def _observations_for(claim: Claim, group: _Group) -> list[tuple[str, list[Any]]]:
    """Evidence candidates: (how, observations) — a direct observation, a tiled sum, or the latest (as_of)."""
    from factcheck._periods import tiling

    period = claim.period
    direct = [o for o in group.observations if o.period == period]
    out: list[tuple[str, list[Any]]] = [("row", [o]) for o in direct]
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
    return Value(text=display(q, scale_word), low=iv.low, high=iv.high, low_closed=iv.low_closed,
                 high_closed=iv.high_closed, unit=q.unit, scale_word=q.scale_word, hedge=q.hedge)


_HEDGE_WORDS = {
    "more_than": "more than", "at_least": "at least", "less_than": "less than", "at_most": "at most",
    "about": "about", "nearly": "nearly", "doubled": "about", "tripled": "about",
}


_SCALES = (("trillion", 1e12), ("billion", 1e9), ("million", 1e6))


def display_number(x: float, unit: str, scale_word: str = "", digits: int | None = None) -> str:
    """A number in the claim's scale where that reads well: 7.517 billion, but 16.5 million, not
    0.0165 billion; 'thousand' is written out (2,291, not 2.291 thousand)."""
    from factcheck._quantity import format_number

    word = scale_word if scale_word in dict(_SCALES) else ""
    if word and x != 0 and abs(x) < 0.1 * dict(_SCALES)[word]:
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
    match = find_series(claim, datasets, book, settings)
    evidence: list[Evidence] = []
    candidates: tuple[Candidate, ...] = ()
    reason = ""
    claim_iv = claim.value.interval
    sw = claim.value.scale_word

    if len(match.chosen) > 1:
        candidates = tuple(
            Candidate(series_name(g.key), g.score if g.score is not None else 0.0,
                      g.observations[0].dataset if g.observations else "", g.observations[0].row if g.observations else None)
            for g in match.chosen
        )
        reason = match.ambiguous_reason
    elif match.chosen:
        g = match.chosen[0]
        for how, obs in _observations_for(claim, g):
            from factcheck._quantity import units_compatible

            obs = [o for o in obs if units_compatible(claim.value.unit, o.unit)]
            if not obs:
                continue
            first = obs[0]
            if how == "tiled":
                iv = _sum_interval(obs)
                text = _interval_text(iv, first.unit, sw)
                val = Value(text=f"{text} (sum of {len(obs)})", low=iv.low, high=iv.high, low_closed=iv.low_closed,
                            high_closed=iv.high_closed, unit=first.unit, scale_word=sw)
                detail = " + ".join(f"{o.period.text}: {display(o.value, sw)}" for o in obs)
                period_text = claim.period.text
            else:
                iv = first.value.interval
                val = value_of(first.value, sw)
                detail = f"{first.raw!r} in column {first.column!r}" if getattr(first, "raw", None) is not None else ""
                period_text = first.period.text
            ok = claim_iv.meets(iv)
            evidence.append(
                Evidence(
                    dataset=first.dataset, row=first.row, series=series_name(g.key), score=g.score, value=val,
                    period=period_text, source=first.source, verdict="supported" if ok else "contradicted",
                    gap=None if ok else _gap(claim_iv, iv), url=first.url, published=first.published,
                    column=first.column, column_index=getattr(first, "column_index", None), how=how, detail=detail,
                    rows=tuple(o.row for o in obs),
                )
            )
        if not evidence:
            have = sorted({o.period.text for o in g.observations}, key=lambda t: t)
            shown = ", ".join(have[-6:]) + (" …" if len(have) > 6 else "")
            if claim.forecast:
                reason = f"series '{series_name(g.key)}' has no observation for {claim.period.text} yet (it has {shown})"
            else:
                reason = f"series '{series_name(g.key)}' has no observation for {claim.period.text} (it has {shown})"
    else:
        if match.rejected_units:
            g = match.rejected_units[0]
            units = ", ".join(sorted(u or "no unit" for u in g.units))
            reason = (f"units differ: the claim is in {claim.value.unit or 'no unit'}, "
                      f"series '{series_name(g.key)}' in {units}")
        elif not datasets:
            reason = "no reference data (the claims file lists no `references`)"
        else:
            what = f"metric '{claim.metric}'" if claim.metric else "these dimensions"
            dims = ", ".join(f"{k} {v}" for k, v in claim.dims.items())
            reason = f"no reference series matches {what}" + (f" for {dims}" if dims else "")

    evidence.extend(extra_evidence)
    verdict = _verdict(evidence, match, claim, reason)
    if verdict == "ambiguous" and not candidates and not reason:
        reason = "a derivation could not decide between sources"
    gap = None
    if verdict == "contradicted":
        gaps = [e.gap for e in evidence if e.gap is not None]
        if gaps:
            gap = min(gaps, key=lambda g: abs(g.absolute))
    result = ClaimResult(
        id=claim.id, verdict=verdict, line=claim.line, column=claim.column,
        claimed=value_of(claim.value, claim.value.scale_word) if claim.value.hedge_class != "exact"
        else Value(claim.value_text, claim_iv.low, claim_iv.high, claim_iv.low_closed, claim_iv.high_closed,
                   claim.value.unit, claim.value.scale_word, claim.value.hedge),
        period=claim.period.text, kind=claim.kind, metric=claim.metric,
        dimensions=tuple(sorted(claim.dims.items())), quote=claim.quote, forecast=claim.forecast,
        evidence=tuple(evidence), candidates=candidates, reason=reason if verdict in ("unverified", "pending", "ambiguous") else "",
        gap=gap, ignored=tuple(claim.ignore), ignore_reason="; ".join(r for r in claim.ignore.values() if r),
        note=claim.note,
    )
    if result.claimed.text != claim.value_text:
        result = _replace(result, claimed=_replace(result.claimed, text=claim.value_text))
    return result, match


def _replace(obj: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(obj, **changes)


def _verdict(evidence: list[Evidence], match: Match, claim: Claim, reason: str) -> str:
    decided = [e for e in evidence if e.verdict in ("supported", "contradicted")]
    if decided:
        if all(e.verdict == "supported" for e in decided):
            return "supported"
        if all(e.verdict == "contradicted" for e in decided):
            return "contradicted"
        return "disputed"
    if len(match.chosen) > 1 or any(e.verdict == "ambiguous" for e in evidence):
        return "ambiguous"
    if claim.forecast and match.chosen:
        return "pending"
    return "unverified"


def check_file(cf: ClaimsFile, datasets: Sequence[Any], *, compute_evidence=None) -> FileReport:
    """Judge every claim of a loaded claims file against the loaded datasets."""
    book = AliasBook(cf.aliases)
    results = []
    for claim in cf.claims:
        extra = compute_evidence(claim) if compute_evidence else ()
        result, _ = judge(claim, datasets, book, cf.settings, extra)
        results.append(result)
    return FileReport(path=cf.display, claims=tuple(results), findings=(), document=cf.document.display)
