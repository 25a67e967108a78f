"""The judge, made fast, finds what it found before: property tests against a plain reference.

The reference below is the matching and judging as the engine did it before it was made fast (each
candidate series scored one by one, every observation scanned): straightforward, slow, and the
definition of the results. Random reference datasets (one or two, overlapping, with aliases, several
units, monthly and yearly periods) and random claims (with and without a metric or dimensions, any
unit, flows, as_of, forecasts) go through both; the matches (every group in order, its score and
observations, the rejected and the chosen ones, the reason) and the claim results must be equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck import _engine
from factcheck._claims import Claim, Settings
from factcheck._engine import (
    AS_OF_MAX_AGE,
    _gap,
    _interval_text,
    _sum_interval,
    display,
    find_series,
    judge,
    value_of,
)
from factcheck._matching import AliasBook, MetricIndex, metric_score, norm_name, series_name
from factcheck._periods import parse_period, tiling
from factcheck._quantity import parse_value, units_compatible
from factcheck._reference import Dataset, Observation
from factcheck._report import Candidate, ClaimResult, Evidence, Value

SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])

METRICS = ["GDP (current US$)", "gdp (current us$)", "GDP growth (annual %)", "GDP per capita (current US$)",
           "Exports of goods and services", "exports", "trade turnover", "share of trade turnover",
           "Unemployment, total (% of total labor force)", "unemployment rate", "branches opened", "branches"]
SUBJECTS = ["Uzbekistan", "UZ", "Russia", "Russian Federation", "Côte d’Ivoire", "Cote d'Ivoire", "Kenya"]
PARTNERS = ["Russia", "China", "World"]
UNITS = ["", "USD", "percent", "branch"]
PERIODS = ["2019", "2020", "2021", "2021-01", "2021-02", "2021-03", "2021-Q1", "2021-Q2", "2021-04/2021-06",
           "2021-07/2021-12", "2021-01/2021-10", "2022"]
VALUES = ["5.6", "5.6 billion", "17.9", "1,234", "0", "-3.5", "about 10", "more than 14 billion", "5-6 million"]


# ------------------------------------------------------------------------- the reference: the engine before


@dataclass(eq=False)
class RefGroup:
    key: tuple[tuple[str, str], ...]
    score: float | None
    exact: bool
    observations: list[Any] = field(default_factory=list)
    units: set[str] = field(default_factory=set)


@dataclass
class RefMatch:
    groups: list[RefGroup]
    rejected_units: list[RefGroup]
    chosen: list[RefGroup]
    ambiguous_reason: str = ""


def ref_candidate_keys(claim: Claim, ds: Any, book: AliasBook) -> Iterable[tuple]:
    if not claim.dims:
        return ds.series.keys()
    idx: dict[str, dict[str, list]] = {}
    for key in ds.series:
        for k, v in key:
            idx.setdefault(k, {}).setdefault(norm_name(v), []).append(key)
    result: set | None = None
    for name, wanted in claim.dims.items():
        values = idx.get(name)
        if values is None:
            return ()
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


def ref_find_series(claim: Claim, datasets: Sequence[Any], book: AliasBook, settings: Any) -> RefMatch:
    groups: dict[tuple, RefGroup] = {}
    for ds in datasets:
        for key in ref_candidate_keys(claim, ds, book):
            observations = ds.series[key]
            dims = dict(key)
            if claim.metric is not None:
                metric = dims.get("metric")
                if metric is None:
                    continue
                s = metric_score(claim.metric, metric)
                if s < settings.match_threshold:
                    continue
                exact = norm_name(metric) == norm_name(claim.metric)
            else:
                s, exact = None, False
            g = groups.get(key)
            if g is None:
                g = groups[key] = RefGroup(key, s, exact)
            g.observations.extend(observations)
            g.units.update(o.unit for o in observations)
    all_groups = sorted(groups.values(), key=lambda g: (-(g.score or 0), series_name(g.key)))
    usable = [g for g in all_groups if any(units_compatible(claim.value.unit, u) for u in g.units)]
    rejected = [g for g in all_groups if g not in usable]
    if not usable:
        return RefMatch(all_groups, rejected, [])
    best = usable[0]
    if best.exact:
        close = [g for g in usable if g.exact]
    elif best.score is None:
        close = usable
    else:
        close = [g for g in usable if not g.exact and (best.score - (g.score or 0)) <= settings.ambiguity_margin]
    if len(close) == 1:
        return RefMatch(all_groups, rejected, close)
    values: dict[str, set] = {}
    for g in close:
        d = dict(g.key)
        for k in {k for h in (close[0], g) for k, _ in h.key}:
            values.setdefault(k, set()).add(d.get(k))
    differing = sorted(k for k, vs in values.items() if len(vs) > 1)
    open_dims = [d for d in differing if d not in claim.dims and d != "metric"]
    if open_dims:
        shown_values = sorted({dict(g.key).get(open_dims[0], "—") for g in close})
        shown = ", ".join(shown_values[:5]) + (f" and {len(shown_values) - 5} more" if len(shown_values) > 5 else "")
        reason = f"the claim names no {open_dims[0]}, and the matching rows differ in it ({shown})"
    else:
        reason = "several series match the metric about equally"
    return RefMatch(all_groups, rejected, close, reason)


def ref_observations_for(claim: Claim, group: RefGroup) -> list[tuple[str, list[Any]]]:
    period = claim.period
    out: list[tuple[str, list[Any]]] = [("row", [o]) for o in group.observations if o.period == period]
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


def ref_judge(claim: Claim, datasets: Sequence[Any], book: AliasBook, settings: Any) -> ClaimResult:
    match = ref_find_series(claim, datasets, book, settings)
    evidence: list[Evidence] = []
    candidates: tuple[Candidate, ...] = ()
    reason = ""
    claim_iv = claim.value.interval
    sw = claim.value.scale_word
    if len(match.chosen) > 1:
        candidates = tuple(
            Candidate(series_name(g.key), g.score if g.score is not None else 0.0,
                      g.observations[0].dataset if g.observations else "",
                      g.observations[0].row if g.observations else None)
            for g in match.chosen
        )
        reason = match.ambiguous_reason
    elif match.chosen:
        g = match.chosen[0]
        for how, obs in ref_observations_for(claim, g):
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
            evidence.append(Evidence(
                dataset=first.dataset, row=first.row, series=series_name(g.key), score=g.score, value=val,
                period=period_text, source=first.source, verdict="supported" if ok else "contradicted",
                gap=None if ok else _gap(claim_iv, iv), url=first.url, published=first.published,
                column=first.column, column_index=getattr(first, "column_index", None), how=how, detail=detail,
                rows=tuple(o.row for o in obs)))
        if not evidence:
            have = sorted({o.period.text for o in g.observations})
            shown = ", ".join(have[-6:]) + (" …" if len(have) > 6 else "")
            yet = " yet" if claim.forecast else ""
            reason = f"series '{series_name(g.key)}' has no observation for {claim.period.text}{yet} (it has {shown})"
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
    decided = [e for e in evidence if e.verdict in ("supported", "contradicted")]
    if decided:
        verdict = ("supported" if all(e.verdict == "supported" for e in decided) else
                   "contradicted" if all(e.verdict == "contradicted" for e in decided) else "disputed")
    elif len(match.chosen) > 1:
        verdict = "ambiguous"
    elif claim.forecast and match.chosen:
        verdict = "pending"
    else:
        verdict = "unverified"
    gap = None
    if verdict == "contradicted":
        gaps = [e.gap for e in evidence if e.gap is not None]
        if gaps:
            gap = min(gaps, key=lambda g: abs(g.absolute))
    q = claim.value
    return ClaimResult(
        id=claim.id, verdict=verdict, line=claim.line, column=claim.column,
        claimed=Value(claim.value_text, claim_iv.low, claim_iv.high, claim_iv.low_closed, claim_iv.high_closed,
                      q.unit, q.scale_word, q.hedge),
        period=claim.period.text, kind=claim.kind, metric=claim.metric,
        dimensions=tuple(sorted(claim.dims.items())), quote=claim.quote, forecast=claim.forecast,
        evidence=tuple(evidence), candidates=candidates,
        reason=reason if verdict in ("unverified", "pending", "ambiguous") else "", gap=gap,
        ignored=tuple(claim.ignore), ignore_reason="; ".join(r for r in claim.ignore.values() if r), note=claim.note)


# ------------------------------------------------------------------------- random data


@st.composite
def datasets(draw) -> list[Dataset]:
    out = []
    for d in range(draw(st.integers(1, 2))):
        path = f"data{d}.csv"
        series: dict[tuple, list[Observation]] = {}
        row = 2
        for _ in range(draw(st.integers(0, 14))):
            dims = {}
            if draw(st.integers(0, 9)):
                dims["metric"] = draw(st.sampled_from(METRICS))
            if draw(st.integers(0, 5)):
                dims["subject"] = draw(st.sampled_from(SUBJECTS))
            if draw(st.booleans()):
                dims["partner"] = draw(st.sampled_from(PARTNERS))
            key = tuple(sorted(dims.items()))
            unit = draw(st.sampled_from(UNITS))
            obs = series.setdefault(key, [])
            for p in draw(st.lists(st.sampled_from(PERIODS), min_size=0, max_size=6)):
                raw = draw(st.sampled_from(["16.66", "5.6", "17.9", "0.6", "1234", "5"]))
                source = draw(st.sampled_from(["Stat.uz", "World Bank"]))
                obs.append(Observation(dataset=path, row=row, column="value", column_index=4, dims=key,
                                       period=parse_period(p), value=parse_value(raw, reference=True), raw=raw,
                                       unit=draw(st.sampled_from([unit, unit, ""])), source=source))
                row += 1
        series = {k: sorted(v, key=lambda o: (o.period.start, o.period.end)) for k, v in series.items()
                  if v or draw(st.booleans())}
        alias_map = {"subject": {"russia": "Russian Federation"}} if draw(st.booleans()) else {}
        out.append(Dataset(path=path, observations=[o for v in series.values() for o in v], series=series,
                           alias_map=alias_map))
    return out


@st.composite
def claims(draw) -> Claim:
    text = draw(st.sampled_from(VALUES)) + draw(st.sampled_from(["", " USD", "%", " branches"]))
    dims = {}
    if draw(st.integers(0, 4)):
        dims["subject"] = draw(st.sampled_from(SUBJECTS))
    if draw(st.booleans()):
        dims["partner"] = draw(st.sampled_from(PARTNERS))
    forecast = draw(st.booleans())
    return Claim(
        id="c", line=3, column=5, value=parse_value(text), value_text=text,
        period=parse_period(draw(st.sampled_from(PERIODS))), period_given=True,
        kind=draw(st.sampled_from(["stock", "flow", "share"])), kind_given=True,
        metric=draw(st.one_of(st.none(), st.sampled_from(METRICS + ["GDP", "jobless rate", "trade"]))),
        dims=dims, where_keys=frozenset(), forecast=forecast, as_of=draw(st.booleans()),
        ignore=draw(st.sampled_from([{}, {"R101": ""}, {"D202": "on purpose"}])))


BOOK = AliasBook({"Uzbekistan": ["UZ"], "Côte d'Ivoire": ["Ivory Coast"]})


def groups_of(match) -> list[tuple]:
    return [(g.key, g.score, g.exact, list(g.observations), set(g.units)) for g in match.groups]


@SETTINGS
@given(datasets(), st.lists(claims(), min_size=1, max_size=4), st.sampled_from([0.0, 50.0, 60.0, 95.0]),
       st.sampled_from([0.0, 3.0, 10.0, -1.0]))
def test_matching_and_verdicts_are_as_before(data, some_claims, threshold, margin) -> None:
    s = Settings(match_threshold=threshold, ambiguity_margin=margin)
    for claim in some_claims:
        mine, ref = find_series(claim, data, BOOK, s), ref_find_series(claim, data, BOOK, s)
        assert groups_of(mine) == groups_of(ref)
        assert [g.key for g in mine.rejected_units] == [g.key for g in ref.rejected_units]
        assert [g.key for g in mine.chosen] == [g.key for g in ref.chosen]
        assert all(any(g is h for h in mine.groups) for g in mine.chosen + mine.rejected_units)
        assert mine.ambiguous_reason == ref.ambiguous_reason
        result, _ = judge(claim, data, BOOK, s)
        assert result == ref_judge(claim, data, BOOK, s)


@SETTINGS
@given(st.lists(st.sampled_from(METRICS + ["GDP", "Exports", "unemployment", "rate"]), max_size=12),
       st.sampled_from(METRICS + ["GDP", "jobless rate", "per capita", "%", "the"]), st.sampled_from([0.0, 30.0, 60.0, 85.0, 100.0]))
def test_metric_index_finds_every_name_the_scorer_accepts(names, query, threshold) -> None:
    expected = {n: metric_score(query, n) for n in names if metric_score(query, n) >= threshold}
    assert MetricIndex(names).matches(query, threshold) == expected


def test_a_dataset_changed_after_judging_is_indexed_again() -> None:
    key = (("metric", "exports"), ("subject", "Uzbekistan"))
    obs = Observation(dataset="d.csv", row=2, column="value", column_index=3, dims=key, period=parse_period("2021"),
                      value=parse_value("16.66", reference=True), raw="16.66", unit="", source="d.csv")
    ds = Dataset(path="d.csv", observations=[obs], series={key: [obs]}, alias_map={})
    claim = Claim(id="c", line=1, column=1, value=parse_value("16.7"), value_text="16.7", period=parse_period("2021"),
                  period_given=True, kind="stock", kind_given=False, metric="exports", dims={"subject": "UZ"},
                  where_keys=frozenset())
    assert judge(claim, [ds], BOOK, Settings())[0].verdict == "supported"
    ds.series = {}
    assert judge(claim, [ds], BOOK, Settings())[0].verdict == "unverified"
    assert len(_engine._INDEX) < 10_000
