"""How a claim finds its reference series: entity dimensions by name or alias, `metric` fuzzily.

The metric scorer is rapidfuzz's token-set and token-sort ratios on ``default_process``-ed strings,
corrected for what token-set misses: words of the candidate that the claim does not have (an
"opened" or a "growth" more) cost points. See :func:`metric_score` and
``tests/test_matching.py`` for the measured set of queries it is tuned on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping

METADATA = frozenset({"source", "url", "published", "note", "unit", "scale"})

_WS = re.compile(r"\s+")


def norm_name(s: str) -> str:
    """Case-, accent- and whitespace-insensitive form of a name."""
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("’", "'").replace("‘", "'").replace("`", "'")
    return _WS.sub(" ", s.casefold()).strip()


class AliasBook:
    """Groups of names that stand for one entity: from the claims file and from alias columns."""

    def __init__(self, groups: Mapping[str, Iterable[str]] = ()):
        self._group: dict[str, frozenset[str]] = {}
        for canonical, names in dict(groups).items():
            self.add(canonical, names)

    def add(self, canonical: str, names: Iterable[str]) -> None:
        members = {norm_name(canonical), *(norm_name(n) for n in names)}
        for m in list(members):
            members |= self._group.get(m, frozenset())
        frozen = frozenset(members)
        for m in frozen:
            self._group[m] = frozen

    def names(self, name: str) -> frozenset[str]:
        n = norm_name(name)
        return self._group.get(n, frozenset((n,)))

    def same(self, a: str, b: str) -> bool:
        return bool(self.names(a) & self.names(b))


# --------------------------------------------------------------------------- metric scoring

_STOP = frozenset({"of", "the", "a", "an", "in", "on", "for", "to", "and", "with", "by", "at", "from", "per", "%"})


def _tokens(s: str) -> list[str]:
    from rapidfuzz.utils import default_process

    return [t for t in default_process(s).split() if t not in _STOP]


def metric_score(query: str, candidate: str) -> float:
    """Score 0–100 of how well a series' metric name matches the claim's `metric`.

    Start: 0.7 × token_set_ratio + 0.3 × token_sort_ratio on ``default_process`` (the measured
    baseline). Token-set alone scores a candidate that merely *contains* the query as 100 ("branches
    of Russian universities opened" for "branches of Russian universities"), so every content word of
    the candidate that has no close counterpart in the query costs points, and every content word of
    the query missing from the candidate costs more. Equal names (after processing) score 100.
    """
    from rapidfuzz import fuzz
    from rapidfuzz.utils import default_process

    q, c = default_process(query), default_process(candidate)
    if not q or not c:
        return 0.0
    if q == c:
        return 100.0
    base = 0.7 * fuzz.token_set_ratio(q, c) + 0.3 * fuzz.token_sort_ratio(q, c)
    qt, ct = _tokens(query), _tokens(candidate)
    extra = sum(1 for t in ct if not _has_close(t, qt))
    missing = sum(1 for t in qt if not _has_close(t, ct))
    penalty = 6.0 * extra + 10.0 * missing
    return max(0.0, min(99.0, base - penalty))


def _has_close(token: str, others: list[str]) -> bool:
    from rapidfuzz import fuzz

    for o in others:
        if o == token:
            return True
        if len(token) >= 4 and len(o) >= 4 and (o.startswith(token[:4]) or token.startswith(o[:4])):
            if fuzz.ratio(token, o) >= 75:
                return True
    return False


def shortlist(query: str, names: list[str], limit: int = 20, cutoff: float = 40.0) -> list[tuple[str, float]]:
    """A cheap first pass over many series names (rapidfuzz's C scorer), before the precise score."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.utils import default_process

    hits = process.extract(
        query, names, scorer=fuzz.token_set_ratio, processor=default_process, limit=limit, score_cutoff=cutoff
    )
    return [(names[i], s) for _, s, i in hits]


@dataclass(frozen=True, slots=True)
class Scored:
    key: tuple[tuple[str, str], ...]  # the series' dimensions
    score: float | None  # None when the claim names no metric


def series_name(key: tuple[tuple[str, str], ...]) -> str:
    d = dict(key)
    parts = [d.get("metric", "")] + [v for k, v in key if k != "metric"]
    return " · ".join(p for p in parts if p)
