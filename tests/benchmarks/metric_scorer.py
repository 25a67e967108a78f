"""Metric-scorer benchmark: how well a scorer finds a claim's series among realistic series names.

Evaluates scorers on ``tests/data/metric_queries.yaml`` with the checker's decision rule — candidates
pre-filtered by unit, an exact name match after ``default_process`` wins outright, nothing at or above the
threshold is ``none``, the best and any other within the margin of it are ``ambiguous`` — and prints, for
each scorer: overall accuracy, the queries that expect a series (right series chosen; and raw top-1, the
expected series ranked first whatever the threshold and margin), ``ambiguous`` and ``none`` correctness,
wrong picks (a different series chosen: the costly mistake, it turns into a false `contradicted`), and
the time to score every query against every series name, relative to the baseline. Mistakes are listed.

The scorers: (a) the measured starting point, 0.7 × token_set_ratio + 0.3 × token_sort_ratio on
``default_process``; (b) the scorer before this work (token-set/sort less flat penalties for unmatched
words), kept here verbatim; (c) ``factcheck._matching.metric_score``.

Queries marked ``held_out: true`` were written after the scorer was tuned and never tuned on: their
figures are printed apart, as the check against overfitting.

    uv run python tests/benchmarks/metric_scorer.py [--threshold 60] [--margin 3] [--mistakes all|improved|none]
                                                    [--no-timing] [--repeat 3]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "metric_queries.yaml"
THRESHOLD = 60.0
MARGIN = 3.0

Scorer = Callable[[str, str], float]


# --------------------------------------------------------------------------- the data


def unit_of(name: str) -> str:
    """The unit a WDI-style name implies: percent, USD, LCU, or "" (none, which meets any)."""
    if "%" in name:
        return "percent"
    if re.search(r"\bper\b[^()]*\$|LCU per", name):
        return ""  # a rate per dollar, not dollars
    if "US$" in name or "USD" in name:
        return "USD"
    if "LCU" in name:
        return "LCU"
    return ""


@dataclass(frozen=True)
class Query:
    q: str
    unit: str
    pool: str
    expect: str  # a series name, "ambiguous" or "none"
    between: tuple[str, ...] = ()
    held_out: bool = False


@dataclass
class Data:
    pools: dict[str, list[tuple[str, str]]]  # pool -> [(name, unit)]
    queries: list[Query]

    def candidates(self, query: Query) -> list[str]:
        return [n for n, u in self.pools[query.pool] if not query.unit or not u or u == query.unit]

    @property
    def all_names(self) -> list[str]:
        return [n for pool in self.pools.values() for n, _ in pool]


def load(path: Path = DATA) -> Data:
    from ruamel.yaml import YAML

    raw = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    pools: dict[str, list[tuple[str, str]]] = {}
    for pool, items in raw["series"].items():
        entries = []
        for item in items:
            if isinstance(item, str):
                entries.append((item, unit_of(item)))
            else:
                entries.append((item["name"], str(item.get("unit") or "")))
        pools[pool] = entries
    queries = [
        Query(
            q=str(d["q"]),
            unit=str(d.get("unit") or ""),
            pool=str(d.get("pool", "country")),
            expect=str(d["expect"]),
            between=tuple(d.get("between", ())),
            held_out=bool(d.get("held_out", False)),
        )
        for d in raw["queries"]
    ]
    data = Data(pools, queries)
    for query in queries:  # the set must be consistent with itself
        names = data.candidates(query)
        for name in ([query.expect] if query.expect not in ("ambiguous", "none") else []) + list(query.between):
            if name not in names:
                raise ValueError(f"query {query.q!r}: {name!r} is not a candidate in pool {query.pool!r} for unit {query.unit!r}")
    return data


# --------------------------------------------------------------------------- the scorers


def baseline_score(query: str, candidate: str) -> float:
    """(a) The measured starting point."""
    q, c = default_process(query), default_process(candidate)
    if not q or not c:
        return 0.0
    return 0.7 * fuzz.token_set_ratio(q, c) + 0.3 * fuzz.token_sort_ratio(q, c)


_V0_STOP = frozenset({"of", "the", "a", "an", "in", "on", "for", "to", "and", "with", "by", "at", "from", "per", "%"})


def _v0_tokens(s: str) -> list[str]:
    return [t for t in default_process(s).split() if t not in _V0_STOP]


def _v0_has_close(token: str, others: list[str]) -> bool:
    for o in others:
        if o == token:
            return True
        if len(token) >= 4 and len(o) >= 4 and (o.startswith(token[:4]) or token.startswith(o[:4])):
            if fuzz.ratio(token, o) >= 75:
                return True
    return False


def previous_score(query: str, candidate: str) -> float:
    """(b) ``metric_score`` as it was before this work, verbatim."""
    q, c = default_process(query), default_process(candidate)
    if not q or not c:
        return 0.0
    if q == c:
        return 100.0
    base = 0.7 * fuzz.token_set_ratio(q, c) + 0.3 * fuzz.token_sort_ratio(q, c)
    qt, ct = _v0_tokens(query), _v0_tokens(candidate)
    extra = sum(1 for t in ct if not _v0_has_close(t, qt))
    missing = sum(1 for t in qt if not _v0_has_close(t, ct))
    penalty = 6.0 * extra + 10.0 * missing
    return max(0.0, min(99.0, base - penalty))


def improved_score(query: str, candidate: str) -> float:
    """(c) The checker's scorer."""
    from factcheck._matching import metric_score

    return metric_score(query, candidate)


def _clear_caches() -> None:
    import factcheck._matching as m

    for obj in vars(m).values():
        if hasattr(obj, "cache_clear"):
            obj.cache_clear()
    getattr(m, "_SIM_CACHE", {}).clear()


SCORERS: dict[str, Scorer] = {
    "baseline 0.7 set + 0.3 sort": baseline_score,
    "previous metric_score": previous_score,
    "improved metric_score": improved_score,
}


# --------------------------------------------------------------------------- the decision and the figures


def decide(scorer: Scorer, query: str, candidates: list[str], threshold: float = THRESHOLD,
           margin: float = MARGIN) -> tuple[str, list[tuple[float, str]]]:
    """The checker's rule: (verdict, ranked candidates). verdict is a name, "ambiguous" or "none"."""
    pq = default_process(query)
    exact = [c for c in candidates if default_process(c) == pq]
    ranked = sorted(((scorer(query, c), c) for c in candidates), key=lambda t: (-t[0], t[1]))
    if len(exact) == 1:
        return exact[0], ranked
    if len(exact) > 1:
        return "ambiguous", ranked
    passing = [(s, c) for s, c in ranked if s >= threshold]
    if not passing:
        return "none", ranked
    best = passing[0][0]
    close = [c for s, c in passing if best - s <= margin]
    return (close[0] if len(close) == 1 else "ambiguous"), ranked


@dataclass
class Result:
    name: str
    n: int = 0
    correct: int = 0
    series_n: int = 0
    series_ok: int = 0
    top1_ok: int = 0
    ambiguous_n: int = 0
    ambiguous_ok: int = 0
    none_n: int = 0
    none_ok: int = 0
    wrong_pick: int = 0  # chose a series other than the expected one (or any series for ambiguous/none)
    mistakes: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0


def evaluate(scorer: Scorer, data: Data, *, threshold: float = THRESHOLD, margin: float = MARGIN,
             held_out: bool | None = None, name: str = "") -> Result:
    """Figures of one scorer over the queries (held_out None: all; True/False: only those)."""
    res = Result(name)
    for query in data.queries:
        if held_out is not None and query.held_out != held_out:
            continue
        cands = data.candidates(query)
        verdict, ranked = decide(scorer, query.q, cands, threshold, margin)
        ok = verdict == query.expect
        res.n += 1
        res.correct += ok
        if query.expect == "ambiguous":
            res.ambiguous_n += 1
            res.ambiguous_ok += ok
        elif query.expect == "none":
            res.none_n += 1
            res.none_ok += ok
        else:
            res.series_n += 1
            res.series_ok += ok
            res.top1_ok += bool(ranked) and ranked[0][1] == query.expect
        if verdict not in ("ambiguous", "none") and not ok:
            res.wrong_pick += 1
        if not ok:
            top = "; ".join(f"{s:.1f} {c}" for s, c in ranked[:3])
            tag = " [held out]" if query.held_out else ""
            res.mistakes.append(f"{query.q!r} ({query.unit or 'no unit'}, {query.pool}){tag}: expected "
                                f"{query.expect!r}, got {verdict!r}  | top: {top}")
    return res


def pairs(data: Data) -> list[tuple[str, str]]:
    """Every query against every series name (both pools): the timing workload."""
    names = data.all_names
    return [(query.q, n) for query in data.queries for n in names]


def time_scorers(scorers: dict[str, Scorer], work: list[tuple[str, str]], repeat: int = 3) -> dict[str, float]:
    """Best of `repeat` cold passes (the module's caches cleared before each) per scorer, in seconds.

    The rounds interleave the scorers, so that a busy machine slows them alike."""
    best = {name: float("inf") for name in scorers}
    for _ in range(repeat):
        for name, scorer in scorers.items():
            _clear_caches()
            t0 = time.perf_counter()
            for q, c in work:
                scorer(q, c)
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def shortlist_recall(data: Data, limit: int = 20) -> tuple[int, int, list[str]]:
    """How often the expected series survives ``shortlist`` (the cheap first pass) of its candidates."""
    from factcheck._matching import shortlist

    n = ok = 0
    missed = []
    for query in data.queries:
        wanted = [query.expect] if query.expect not in ("ambiguous", "none") else list(query.between)
        if not wanted:
            continue
        kept = {name for name, _ in shortlist(query.q, data.candidates(query), limit=limit)}
        for w in wanted:
            n += 1
            if w in kept:
                ok += 1
            else:
                missed.append(f"{query.q!r}: {w!r}")
    return ok, n, missed


def _pct(a: int, b: int) -> str:
    return f"{a:>3}/{b:<3} {100.0 * a / b:5.1f}%" if b else "    –        "


def table(results: list[Result], times: dict[str, float] | None = None) -> str:
    head = f"{'scorer':<30} {'overall':>15} {'series right':>15} {'raw top-1':>15} {'ambiguous':>15} {'none':>15} {'wrong picks':>11}"
    if times:
        head += f" {'time':>16}"
    lines = [head, "-" * len(head)]
    base_time = times[results[0].name] if times else 0.0
    for r in results:
        line = (f"{r.name:<30} {_pct(r.correct, r.n):>15} {_pct(r.series_ok, r.series_n):>15} "
                f"{_pct(r.top1_ok, r.series_n):>15} {_pct(r.ambiguous_ok, r.ambiguous_n):>15} "
                f"{_pct(r.none_ok, r.none_n):>15} {r.wrong_pick:>11}")
        if times:
            t = times[r.name]
            line += f" {t * 1000:8.1f} ms {t / base_time:4.1f}x"
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threshold", type=float, default=THRESHOLD)
    ap.add_argument("--margin", type=float, default=MARGIN)
    ap.add_argument("--mistakes", choices=["all", "improved", "none"], default="improved")
    ap.add_argument("--no-timing", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="timing rounds (the best is kept)")
    args = ap.parse_args(argv)

    data = load()
    work = pairs(data)
    n_series = len(data.all_names)
    held = sum(q.held_out for q in data.queries)
    print(f"{len(data.queries)} queries ({held} held out) against {n_series} series names "
          f"({', '.join(f'{k}: {len(v)}' for k, v in data.pools.items())}); threshold {args.threshold:g}, "
          f"margin {args.margin:g}\n")
    results = {name: evaluate(s, data, threshold=args.threshold, margin=args.margin, name=name)
               for name, s in SCORERS.items()}
    times = None
    if not args.no_timing:
        times = time_scorers(SCORERS, work, args.repeat)
        print(f"time: one cold pass over {len(work)} query x series pairs, best of {args.repeat}\n")
    print("all queries")
    print(table(list(results.values()), times))
    if held:
        for flag, title in ((False, "tuned-on queries"), (True, "held-out queries (never tuned on)")):
            print(f"\n{title}")
            print(table([evaluate(s, data, threshold=args.threshold, margin=args.margin, held_out=flag, name=name)
                         for name, s in SCORERS.items()]))
    ok, n, missed = shortlist_recall(data)
    print(f"\nshortlist (limit 20) keeps the expected series: {ok}/{n}" + (f"; missed: {missed}" if missed else ""))
    for name, r in results.items():
        if args.mistakes == "none" or (args.mistakes == "improved" and name != "improved metric_score"):
            continue
        print(f"\nmistakes of {name} ({len(r.mistakes)}):")
        for m in r.mistakes:
            print("  " + m)


if __name__ == "__main__":
    sys.exit(main())
