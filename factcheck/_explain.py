"""`factcheck explain FILE CLAIM_ID`: the whole reasoning for one claim, as plain lines.

Returns text (no terminal codes); the CLI prints it. Every number that went into the verdict is shown:
the claim's parsed interval and how it was made, each candidate series with its score, each
observation compared, and the arithmetic of tiled sums.
"""

from __future__ import annotations

from pathlib import Path

from factcheck._errors import InputError, Problem

_HEDGE_RULES = {
    "more_than": "a lower bound, open: (x, ∞)",
    "at_least": "a lower bound, closed: [x, ∞)",
    "less_than": "an upper bound, open: (−∞, x)",
    "at_most": "an upper bound, closed: (−∞, x]",
    "about": "the precision interval widened to at least x ± {about:.0%}",
    "nearly": "[min(x − {nearly:.0%}, x − h), x + h)",
    "doubled": "about 2x",
    "tripled": "about 3x",
    "range": "from the low end of the first number to the high end of the second",
}


def explain_claim(path: Path, claim_id: str) -> str:
    from factcheck._claims import load_claims_file
    from factcheck._engine import judge, load_datasets
    from factcheck._matching import AliasBook, series_name
    from factcheck._engine import display_number as format_number
    from factcheck._run import display_path

    shown = display_path(path)
    cf = load_claims_file(path, shown)
    claim = next((c for c in cf.claims if c.id == claim_id), None)
    if claim is None:
        import difflib

        ids = [c.id for c in cf.claims]
        close = difflib.get_close_matches(claim_id, ids, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise InputError(Problem(shown, 0, 0, f"no claim with id '{claim_id}'{hint}"))
    from factcheck._compute import compute_evidence

    datasets = load_datasets(cf)
    book = AliasBook(cf.aliases)
    result, match = judge(claim, datasets, book, cf.settings, compute_evidence(claim, datasets, book, cf.settings))

    q = claim.value
    sw = q.scale_word
    lines: list[str] = []
    add = lines.append
    add(f"{claim.id}  ({shown}:{claim.line}:{claim.column})")
    if claim.quote:
        add(f"  quote:   “{claim.quote}”")
    add(f"  metric:  {claim.metric or '—'}")
    for k, v in claim.dims.items():
        add(f"  {k + ':':<8} {v}")
    add(f"  period:  {claim.period.text} ({claim.period.granularity}"
        f"{', given' if claim.period_given else ', the document date'})")
    add(f"  kind:    {claim.kind}{'' if claim.kind_given else ' (inferred)'}"
        f"{'; a forecast' if claim.forecast else ''}{'; as of its date: the latest observation counts' if claim.as_of else ''}")
    add("")
    add("The claimed value")
    add(f"  written:   {claim.value_text}")
    add(f"  number:    {format_number(q.number * q.scale, '', sw)} "
        f"(scale {q.scale_word or 'none'}, unit {q.unit or 'none'})")
    add(f"  precision: h = {format_number(q.half_unit, '', sw)} (half a unit of the last significant digit)")
    if q.hedge:
        rule = _HEDGE_RULES.get(q.hedge, q.hedge).format(**cf.settings.hedges)
        add(f"  hedge:     {q.hedge.replace('_', ' ')}: {rule}")
    if claim.tolerance:
        add(f"  tolerance: {claim.tolerance}")
    add(f"  interval:  {_iv(q.interval, q.unit, sw)}")
    add("")
    add("Candidate series")
    if not match.groups:
        add("  none: no series has these dimensions" + (" and a metric close enough" if claim.metric else ""))
    for g in match.groups[:10]:
        mark = "→" if g in match.chosen else " "
        score = "—" if g.score is None else f"{g.score:5.1f}"
        units = ", ".join(sorted(u or "no unit" for u in g.units))
        note = "  (units differ)" if g in match.rejected_units else ""
        add(f"  {mark} {score}  {series_name(g.key)}  [{len(g.observations)} observations, {units}]{note}")
    if len(match.groups) > 10:
        add(f"    … {len(match.groups) - 10} more")
    add(f"  threshold {cf.settings.match_threshold:.0f}, ambiguity margin {cf.settings.ambiguity_margin:.0f} points")
    if match.ambiguous_reason:
        add(f"  ambiguous: {match.ambiguous_reason}")
    add("")
    add("Evidence")
    if not result.evidence:
        add(f"  none: {result.reason}")
    for e in result.evidence:
        if e.how == "compute":
            add(f"  {e.verdict:<12} {e.value.text}  (derived: {e.series})")
            for dl in e.detail.splitlines():
                add(f"               {dl}")
            if e.verdict in ("supported", "contradicted"):
                meets = "meet" if e.verdict == "supported" else "do not meet"
                add(f"               {_iv(q.interval, q.unit, sw)} and the derived value {meets}")
            continue
        where = f"{e.dataset}:{e.row}" if e.row else e.dataset
        add(f"  {e.verdict:<12} {e.value.text}  ({e.period}; {e.source}; {where})")
        add(f"               reference interval {_iv_raw(e.value.low, e.value.high, e.value.low_closed, e.value.high_closed, e.value.unit, sw)}")
        if e.detail:
            for dl in e.detail.splitlines():
                add(f"               {dl}")
        if e.how == "tiled":
            add(f"               a sum of {len(e.rows)} shorter periods that tile {claim.period.text} (rows {', '.join(map(str, e.rows))})")
        if e.how == "latest":
            add(f"               the latest observation at or before {claim.period.text} (as_of)")
        meets = "meet" if e.verdict == "supported" else "do not meet"
        add(f"               {_iv(q.interval, q.unit, sw)} and the reference {meets}")
        if e.gap is not None:
            rel = f" ({e.gap.relative:+.2%} of the reference)" if e.gap.relative is not None else ""
            add(f"               gap: {format_number(e.gap.absolute, q.unit, sw)}{rel}")
    add("")
    verdict_line = f"Verdict: {result.verdict}"
    if result.forecast:
        verdict_line += " (a forecast)"
    if result.reason and result.verdict != "supported":
        verdict_line += f": {result.reason}"
    add(verdict_line)
    if claim.note:
        add(f"Note: {claim.note}")
    return "\n".join(lines)


def _iv(iv, unit: str, scale_word: str) -> str:
    return _iv_raw(iv.low, iv.high, iv.low_closed, iv.high_closed, unit, scale_word)


def _iv_raw(low: float, high: float, lc: bool, hc: bool, unit: str, scale_word: str) -> str:
    from factcheck._engine import display_number as format_number

    lo = "−∞" if low == float("-inf") else format_number(low, "", scale_word)
    hi = "∞" if high == float("inf") else format_number(high, "", scale_word)
    lb = "[" if lc and low != float("-inf") else "("
    rb = "]" if hc and high != float("inf") else ")"
    u = f" {unit}" if unit else ""
    return f"{lb}{lo}, {hi}{rb}{u}"
