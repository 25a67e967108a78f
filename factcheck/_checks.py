"""Checks across claims: the document against itself (C101, C102; relations C103, C104).

No reference data is needed: these compare the claims' own intervals.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Iterable

from factcheck._claims import Claim, ClaimsFile
from factcheck._matching import norm_name
from factcheck._report import Finding

_MONTH = calendar.month_abbr


def _quantity_key(c: Claim) -> tuple:
    """What makes two claims 'about the same quantity' (the period aside)."""
    dims = tuple(sorted((k, norm_name(v)) for k, v in c.dims.items()))
    return (norm_name(c.metric or ""), dims, c.kind)


def written(c: Claim) -> float:
    """The claim's value at the number as written, in base units."""
    return c.value.number * c.value.scale


def check_same_quantity(cf: ClaimsFile) -> list[Finding]:
    """C101: two claims about the same quantity whose intervals do not meet."""
    from factcheck._quantity import format_number, units_compatible

    out: list[Finding] = []
    groups: dict[tuple, list[Claim]] = {}
    for c in cf.claims:
        if c.metric is None:
            continue
        groups.setdefault(_quantity_key(c) + (c.period,), []).append(c)
    for claims in groups.values():
        for i, a in enumerate(claims):
            for b in claims[i + 1:]:
                if not units_compatible(a.value.unit, b.value.unit):
                    continue
                if a.value.interval.meets(b.value.interval):
                    continue
                both = "forecasts" if a.forecast and b.forecast else "claims"
                sw = a.value.scale_word or b.value.scale_word
                msg = (f"{a.id} says {a.value_text} and {b.id} says {b.value_text} for the same quantity "
                       f"({a.metric}, {a.period.text}); the two {both} cannot both hold: "
                       f"{_iv(a, sw)} and {_iv(b, sw)} do not meet")
                out.append(Finding("C101", "error", msg, cf.display, b.line, b.column, (a.id, b.id)))
        del claims
    return out


def _iv(c: Claim, sw: str) -> str:
    from factcheck._quantity import format_number

    iv = c.value.interval
    lo = "−∞" if iv.low == float("-inf") else format_number(iv.low, "", sw)
    hi = "∞" if iv.high == float("inf") else format_number(iv.high, c.value.unit, sw)
    return f"{'[' if iv.low_closed else '('}{lo}, {hi}{']' if iv.high_closed else ')'}"


def _months(start: date, end: date) -> float:
    """Length in months (whole months exactly; otherwise days / 30.4375)."""
    if start.day == 1 and end.day == 1:
        return (end.year - start.year) * 12 + end.month - start.month
    return (end - start).days / 30.4375


def period_label(start: date, end: date) -> str:
    """'Jan–Sep 2021', 'October 2021', '2021', '1–19 Nov 2021'; ``end`` exclusive."""
    last = end - timedelta(days=1)
    if start.day == 1 and end.day == 1:
        months = _months(start, end)
        if months == 12 and start.month == 1:
            return str(start.year)
        if months == 1:
            return f"{calendar.month_name[start.month]} {start.year}"
        if start.year == last.year:
            return f"{_MONTH[start.month]}–{_MONTH[last.month]} {start.year}"
        return f"{_MONTH[start.month]} {start.year}–{_MONTH[last.month]} {last.year}"
    if start == last:
        return start.isoformat()
    return f"{start.isoformat()}–{last.isoformat()}"


def check_cumulative(cf: ClaimsFile, threshold: float) -> list[Finding]:
    """C102: running totals of one flow over nested periods (same start) that do not fit together."""
    from factcheck._quantity import format_number, units_compatible

    out: list[Finding] = []
    flows: dict[tuple, list[Claim]] = {}
    for c in cf.claims:
        if c.kind == "flow" and c.metric is not None:
            flows.setdefault(_quantity_key(c), []).append(c)
    for claims in flows.values():
        claims = sorted(claims, key=lambda c: (c.period.start, c.period.end, c.line))
        for i, a in enumerate(claims):
            for b in claims[i + 1:]:
                pa, pb = a.period, b.period
                if pa.start != pb.start or not pa.end < pb.end:
                    continue
                if not units_compatible(a.value.unit, b.value.unit):
                    continue
                sw = b.value.scale_word or a.value.scale_word
                unit = b.value.unit or a.value.unit
                ia, ib = a.value.interval, b.value.interval
                label_a, label_b = period_label(pa.start, pa.end), period_label(pb.start, pb.end)
                # error: no values within the intervals make b >= a
                impossible = ib.high < ia.low or (ib.high == ia.low and not (ib.high_closed and ia.low_closed))
                if impossible:
                    msg = (f"{b.id} ({b.value_text} for {label_b}) is smaller than {a.id} ({a.value_text} for "
                           f"{label_a}), but a running total cannot fall: {_iv(b, sw)} lies below {_iv(a, sw)}")
                    out.append(Finding("C102", "error", msg, cf.display, b.line, b.column, (a.id, b.id)))
                    continue
                xa, xb = written(a), written(b)
                ma, madd = _months(pa.start, pa.end), _months(pa.end, pb.end)
                if ma <= 0 or madd <= 0 or xa <= 0:
                    continue
                rate_a = xa / ma
                increment = xb - xa
                rate_add = increment / madd
                ratio = rate_add / rate_a
                if ratio > threshold or ratio < 1 / threshold:
                    label_add = period_label(pa.end, pb.end)
                    per = "monthly average"
                    inc_text = format_number(increment, unit, sw)
                    if madd == 1:
                        implied = f"{inc_text} in {label_add}"
                    else:
                        implied = f"{inc_text} in {label_add} ({format_number(rate_add, unit, sw)} a month)"
                    if ratio > 0:
                        times = f"{ratio:.1f}× the {label_a} {per} of {format_number(rate_a, unit, sw, digits=2)}"
                    else:
                        times = f"while the {label_a} {per} was {format_number(rate_a, unit, sw, digits=2)}"
                    msg = (f"{format_number(xa, unit, sw)} for {label_a} ({a.id}) and {format_number(xb, unit, sw)} "
                           f"for {label_b} ({b.id}) imply {implied}, {times} "
                           f"(threshold {threshold:g}×)")
                    out.append(Finding("C102", "warning", msg, cf.display, b.line, b.column, (a.id, b.id)))
    return out


def claim_env(claims: Iterable[Claim]) -> tuple[dict, dict]:
    """Each claim's interval and its value as written, as they enter an expression."""
    from factcheck._expr import to_expr_value
    from factcheck._interval import Interval

    env, written = {}, {}
    for c in claims:
        env[c.id] = to_expr_value(c.value.interval, c.value.unit)
        written[c.id] = to_expr_value(Interval.point(written_value(c)), c.value.unit)
    return env, written


def written_value(c: Claim) -> float:
    return c.value.number * c.value.scale


def judge_relations(cf: ClaimsFile) -> list[tuple[object, object]]:
    """(relation, outcome) for every relation; raises SyntaxProblem (units) as the loader reports it."""
    if not cf.relations:
        return []  # no claim enters an expression
    from factcheck._expr import judge_relation

    env, written = claim_env(cf.claims)
    return [(r, judge_relation(r.expr, env, written)) for r in cf.relations]


def check_relations(cf: ClaimsFile, judged: list[tuple[object, object]]) -> list[Finding]:
    """C103 (no values satisfy the relation) and C104 (it holds only at the edge of the intervals)."""
    out: list[Finding] = []
    for r, outcome in judged:
        code = outcome.code
        if code is None:
            continue
        name = f"relation {r.id!r}" if r.id else "relation"
        sev = "error" if code == "C103" else "info"
        msg = f"{name} `{r.text}`: {outcome.explanation}"
        ids = tuple(sorted(r.expr.names))
        out.append(Finding(code, sev, msg, cf.display, r.line, r.column, ids))
    return out


def relation_results(judged: list[tuple[object, object]]) -> list:
    """Every relation with its outcome and the intervals that decided it, for the report."""
    from factcheck._report import RelationResult

    return [RelationResult(r.text, o.status, o.explanation, r.line, r.column, r.id, r.note)
            for r, o in judged]


def check_claims(cf: ClaimsFile) -> tuple[list[Finding], list]:
    """Every check across claims that needs no declaration, then the declared relations (judged once):
    the findings, and each relation's result for the report."""
    judged = judge_relations(cf)
    findings: list[Finding] = []
    findings += check_same_quantity(cf)
    findings += check_cumulative(cf, cf.settings.c102_threshold)
    findings += check_relations(cf, judged)
    return findings, relation_results(judged)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.line, f.column, f.code, f.claims))
