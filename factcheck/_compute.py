"""`compute:` — evidence derived from the reference data by an expression.

``ref(...)`` is one series, ``sum(...)`` adds every series that matches, ``growth(...)`` is the relative
change from the previous period of the same length. Keywords are dimensions (``metric=``, ``partner=``
…) plus ``period=``, ``dataset=`` (a file name) and ``source=``.

Defaults (the contract's "Precise rules"): ``ref`` and ``growth`` take the claim's own kind,
dimensions, ``where`` and period unless a keyword says otherwise; a keyword value ``"*"`` drops a
dimension of the claim. ``sum`` adds every series its keywords match: the claim's entity dimensions
are not applied to it (the contract's own example, ``sum(metric="exports")`` for Uzbekistan's total
beside ``ref(metric="exports", partner="Russia")``, adds every partner), but the claim's period and
kind are.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Sequence

from factcheck._claims import Claim
from factcheck._errors import SyntaxProblem
from factcheck._interval import Interval
from factcheck._matching import AliasBook, series_name
from factcheck._report import Evidence, Gap, Value

RESERVED = {"period", "dataset", "source", "metric", "kind"}


class Undecided(Exception):
    """A ref that finds several sources that disagree: the derivation is ambiguous."""

    def __init__(self, message: str, candidates: list[str]):
        super().__init__(message)
        self.candidates = candidates


@dataclass
class _Term:
    text: str  # the call as written
    value_text: str
    sources: set[str]
    rows: list[tuple[str, int]]


def _pick_datasets(datasets: Sequence[Any], name: str | None) -> list[Any]:
    if not name:
        return list(datasets)
    out = [d for d in datasets if PurePath(d.path).name == name or d.path == name or d.path.endswith("/" + name)]
    if not out:
        names = ", ".join(sorted(PurePath(d.path).name for d in datasets))
        raise SyntaxProblem(f"dataset '{name}' is not among the claims file's references ({names})", 0)
    return out


class Resolver:
    """Answers ref/sum/growth calls for one claim, recording every number that went in."""

    def __init__(self, claim: Claim, datasets: Sequence[Any], book: AliasBook, settings: Any):
        self.claim = claim
        self.datasets = datasets
        self.book = book
        self.settings = settings
        self.terms: list[_Term] = []
        self.last_dataset: str | None = None

    # -- the claim a call stands for
    def _sub_claim(self, kw: dict, *, use_claim_dims: bool) -> Claim:
        from factcheck._periods import parse_period

        dims = dict(self.claim.dims) if use_claim_dims else {}
        metric = self.claim.metric
        period = self.claim.period
        kind = self.claim.kind
        for k, v in kw.items():
            if k in ("dataset", "source"):
                continue
            if k == "period":
                period = parse_period(str(v))
            elif k == "metric":
                metric = str(v)
            elif k == "kind":
                kind = str(v)
            elif v == "*":
                dims.pop(k, None)
            else:
                dims[k] = str(v)
        # units do not filter here: a share is derived from money, a ratio from counts
        value = dataclasses.replace(self.claim.value, unit="")
        return dataclasses.replace(self.claim, dims=dims, metric=metric, period=period, kind=kind,
                                   as_of=False, forecast=False, value=value)

    def _observations(self, sub: Claim, kw: dict, *, many: bool) -> list[tuple[str, Interval, list[Any]]]:
        """(series name, interval, observations) for each matching series with data for the period."""
        from factcheck._engine import _observations_for, _sum_interval, find_series

        datasets = _pick_datasets(self.datasets, kw.get("dataset"))
        match = find_series(sub, datasets, self.book, self.settings)
        groups = match.groups if many else match.chosen
        groups = [g for g in groups if g not in match.rejected_units]
        if not many and len(match.chosen) > 1:
            raise Undecided(f"{match.ambiguous_reason}", [series_name(g.key) for g in match.chosen])
        if many and sub.metric is not None:
            # a sum adds the series of the best metric, in every other dimension
            top = max(((h.score or 0) for h in groups), default=0)
            best = [g for g in groups if (g.score or 0) == top]
            groups = best
        out = []
        source = kw.get("source")
        for g in groups:
            pieces = []
            for how, obs in _observations_for(sub, g):
                if source is not None:
                    obs = [o for o in obs if o.source == source or source in o.source]
                if obs:
                    pieces.append((how, obs))
            if not pieces:
                continue
            if many:
                how, obs = pieces[0]
                out.append((series_name(g.key), _sum_interval(obs) if how == "tiled" else obs[0].value.interval, obs))
                continue
            ivs = [(_sum_interval(obs) if how == "tiled" else obs[0].value.interval, obs) for how, obs in pieces]
            first_iv = ivs[0][0]
            for iv, obs in ivs[1:]:
                if not iv.meets(first_iv):
                    raise Undecided(
                        f"sources disagree for {series_name(g.key)} {sub.period.text}",
                        [f"{o.source}: {o.raw}" for _, obs2 in ivs for o in obs2[:1]],
                    )
            out.append((series_name(g.key), first_iv, ivs[0][1]))
        return out

    def __call__(self, site: Any) -> Any:
        from factcheck._expr import UValue

        kw = dict(site.keywords)
        func = site.func
        if func == "growth":
            sub = self._sub_claim(kw, use_claim_dims=True)
            now = self._one(sub, kw, site.text)
            # both periods from the same dataset (the contract): pin the one the first came from
            kw_prev = {**kw, "dataset": kw.get("dataset") or self.last_dataset}
            try:
                before_period = sub.period.previous()
            except (ValueError, OverflowError):  # before the calendar's first year
                raise Undecided(f"{site.text}: no period before {sub.period.text}", []) from None
            prev_sub = dataclasses.replace(sub, period=before_period)
            before = self._one(prev_sub, kw_prev, site.text + f" [previous: {prev_sub.period.text}]")
            if before.interval.contains(0):
                raise SyntaxProblem(f"{site.text}: the previous value {before.interval} includes zero", 0)
            from factcheck._interval import div, sub as isub

            ratio = isub(div(now.interval, before.interval), Interval.point(1.0))
            return UValue(ratio, "", True)
        if func == "sum":
            sub = self._sub_claim(kw, use_claim_dims=False)
            rows = self._observations(sub, kw, many=True)
            if not rows:
                raise Undecided(f"{site.text}: no series with data for {sub.period.text}", [])
            low = sum(iv.low for _, iv, _ in rows)
            high = sum(iv.high for _, iv, _ in rows)
            iv = Interval(low, high, all(iv.low_closed for _, iv, _ in rows), all(iv.high_closed for _, iv, _ in rows))
            unit = rows[0][2][0].unit
            self.terms.append(_Term(" ".join(site.text.split()), f"{_fmt(iv, unit)} (sum of {len(rows)} series)",
                                    {o.source for _, _, obs in rows for o in obs},
                                    [(o.dataset, o.row) for _, _, obs in rows for o in obs]))
            return _uvalue(iv, unit)
        sub = self._sub_claim(kw, use_claim_dims=True)
        return self._one(sub, kw, site.text)

    def _one(self, sub: Claim, kw: dict, text: str) -> Any:
        rows = self._observations(sub, kw, many=False)
        if not rows:
            raise Undecided(f"{text}: no observation for {sub.period.text}", [])
        name, iv, obs = rows[0]
        unit = obs[0].unit
        self.last_dataset = obs[0].dataset
        self.terms.append(_Term(" ".join(text.split()), f"{_fmt(iv, unit)} ({name}, {sub.period.text}; {obs[0].source}, "
                                      f"{obs[0].dataset}:{obs[0].row})",
                                {o.source for o in obs}, [(o.dataset, o.row) for o in obs]))
        return _uvalue(iv, unit)


def _uvalue(iv: Interval, unit: str) -> Any:
    from factcheck._expr import to_expr_value

    return to_expr_value(iv, unit)


def _fmt(iv: Interval, unit: str) -> str:
    from factcheck._engine import display_number

    if iv.bounded:
        mid = (iv.low + iv.high) / 2
        sw = "billion" if abs(mid) >= 1e9 else "million" if abs(mid) >= 1e6 else ""
        return display_number(mid, unit, sw, digits=6)
    return str(iv)


def compute_evidence(claim: Claim, datasets: Sequence[Any], book: AliasBook, settings: Any) -> list[Evidence]:
    """One piece of evidence per derivation of the claim's `compute`."""
    from factcheck._expr import evaluate, parse_expr, to_expr_value

    out: list[Evidence] = []
    if not claim.compute:
        return out
    claim_u = to_expr_value(claim.value.interval, claim.value.unit)
    for text in claim.compute:
        expr = parse_expr(text, known_ids=[], compute=True)
        text = " ".join(text.split())  # shown on one line
        resolver = Resolver(claim, datasets, book, settings)
        try:
            result = evaluate(expr, {}, call=resolver)
        except Undecided as e:
            detail = "\n".join([f"{t.text} = {t.value_text}" for t in resolver.terms] + [str(e)] +
                               [f"  candidate: {c}" for c in e.candidates])
            out.append(Evidence(dataset="compute", row=None, series=text, score=None,
                                value=Value("undecided", float("-inf"), float("inf"), False, False, claim.value.unit),
                                period=claim.period.text, source=f"derivation: {str(e)}", verdict="ambiguous",
                                how="compute", detail=detail))
            continue
        if not hasattr(result, "interval"):
            raise SyntaxProblem("a compute expression gives a number, not a comparison", 0)
        if not _units_meet(claim_u, result):
            raise SyntaxProblem(
                f"the derivation gives {result.unit or 'a plain number'}, the claim is in {claim.value.unit or 'no unit'}", 0)
        iv = result.interval
        # back into the claim's unit: a fraction is shown as a percentage for a percent claim
        shown = iv
        if claim.value.unit == "percent" and result.unit == "":
            shown = Interval(iv.low * 100, iv.high * 100, iv.low_closed, iv.high_closed)
        ok = claim_u.interval.meets(iv)
        from factcheck._engine import _gap, display_number

        gap = None if ok else _gap(claim.value.interval, shown)
        mid = shown.midpoint
        text_value = (display_number(mid, claim.value.unit, claim.value.scale_word, digits=3)
                      if mid is not None else str(shown))
        sources = sorted({s for t in resolver.terms for s in t.sources})
        detail = "\n".join([f"{t.text} = {t.value_text}" for t in resolver.terms] +
                           [f"{text} = {_fmt_result(shown, claim.value.unit)}"])
        out.append(Evidence(
            dataset="compute", row=None, series=text, score=None,
            value=Value(text_value, shown.low, shown.high, shown.low_closed, shown.high_closed, claim.value.unit,
                        claim.value.scale_word),
            period=claim.period.text, source="derived from " + "; ".join(sources), verdict="supported" if ok else "contradicted",
            gap=gap if isinstance(gap, Gap) else None, how="compute", detail=detail,
            rows=tuple(r for t in resolver.terms for _, r in t.rows if r is not None)[:50],
        ))
    return out


def _units_meet(a: Any, b: Any) -> bool:
    from factcheck._expr import same_unit

    if a.unit == "" and b.unit == "":
        return True
    if a.unit == "" and not a.ratio:
        return True
    return same_unit(a.unit, b.unit)


def _fmt_result(iv: Interval, unit: str) -> str:
    from factcheck._quantity import format_number

    if iv.bounded:
        return f"{format_number((iv.low + iv.high) / 2, unit, digits=4)}  (interval {iv})"
    return str(iv)
