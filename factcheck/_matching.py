"""How a claim finds its reference series: entity dimensions by name or alias, `metric` fuzzily.

The metric scorer reads both names as weighted words (stems, synonyms and abbreviations of statistical
terms, implicit qualifiers weighing little) and scores how much of the claim's words the series name
covers, less points for the series' words the claim does not have (an "opened" or a "growth" more).
See :func:`metric_score`; ``tests/data/metric_queries.yaml`` is the measured set of queries it is tuned
on and ``tests/benchmarks/metric_scorer.py`` compares it with the rapidfuzz baseline. Against many names
at once, :class:`MetricIndex` scores only those that can reach the threshold.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass
from typing import Iterable, Mapping

METADATA = frozenset({"source", "url", "published", "note", "unit", "scale"})

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


@lru_cache(maxsize=200_000)
def norm_name(s: str) -> str:
    """The form in which names are compared: case-folded, accents stripped (NFKD), ’ and ' unified,
    whitespace collapsed and trimmed. ``norm_name("Côte d’Ivoire") == "cote d'ivoire"``."""
    s = str(s)
    if not s.isascii():  # (ASCII text is its own NFKD form, with no combining marks)
        s = unicodedata.normalize("NFKD", s)
        s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _WS.sub(" ", s.translate(_QUOTES).casefold()).strip()


class AliasBook:
    """Groups of names that stand for one entity: from the claims file and from alias columns."""

    def __init__(self, groups: Mapping[str, Iterable[str]] = ()):
        self._group: dict[str, frozenset[str]] = {}
        self.version = 0  # changes with every add: what was worked out from the book may be stale
        for canonical, names in dict(groups).items():
            self.add(canonical, names)

    def add(self, canonical: str, names: Iterable[str]) -> None:
        members = {norm_name(canonical), *(norm_name(n) for n in names)}
        for m in list(members):
            members |= self._group.get(m, frozenset())
        frozen = frozenset(members)
        for m in frozen:
            self._group[m] = frozen
        self.version += 1

    def names(self, name: str) -> frozenset[str]:
        n = norm_name(name)
        return self._group.get(n, frozenset((n,)))

    def same(self, a: str, b: str) -> bool:
        return bool(self.names(a) & self.names(b))


# --------------------------------------------------------------------------- metric scoring
#
# A metric name is read as weighted words. Both names go through the same steps: spelling and symbols
# normalised ("%" -> percent, "US$" -> usd, "R&D", "non-performing"), British to American spelling,
# plurals stemmed, then a small table of statistical synonyms and abbreviations rewritten to one form
# (fdi, gdp per head, jobless, cpi, share -> percent, deficit -> balance, spending -> expenditure ...).
# Stopwords weigh nothing; qualifiers that are usually left implicit ("current", "annual", "total",
# "rate", "BoP", "modeled ILO estimate") weigh little; words inside parentheses (the unit and the
# denominator of a WDI name) weigh half, except "growth" and "percent", which change what is measured.
#
# The score: 100 x the share of the query's weight that the candidate covers (recall; a word covers
# another fully when equal, partly when a close spelling or a stem of it), less points for the
# candidate's weight that the query does not cover (the subset trap: "... opened", "... growth",
# "share of ..."): EXTRA_FIRST points for the first unit of weight, EXTRA_MORE for each further unit,
# since one extra word decides between short names while long WDI names carry many harmless ones.
# Equal names after ``default_process`` score 100, anything else at most 99.

EXTRA_FIRST = 9.0
EXTRA_MORE = 5.0
PAREN_COVER = 0.9

_STOP = frozenset(
    "of the a an in on for to and with by at from as its it is are was be been per than or all into s "
    "including which that this during among between within across via about around".split()
)
_LOW = {  # qualifiers usually left implicit: weight
    "current": 0.25, "annual": 0.25, "total": 0.25, "bop": 0.25, "dod": 0.25, "usd": 0.25, "dollar": 0.25,
    "lcu": 0.25, "estimate": 0.15, "modeled": 0.15, "ilo": 0.15, "modeledestimate": 0.15,
    "nationalestimate": 0.15, "method": 0.25, "period": 0.25,
    "level": 0.2, "amount": 0.2, "figure": 0.2, "number": 0.2, "rate": 0.2, "ratio": 0.25, "overall": 0.25,
    "value": 0.5, "index": 0.5, "net": 0.3, "gross": 0.5, "international": 0.5, "percent": 0.5,
    "constant": 0.5, "average": 0.5, "new": 0.3, "excluding": 0.5, "billion": 0.1, "million": 0.1,
    "thousand": 0.1, "trillion": 0.1, "bilateral": 0.25, "mutual": 0.25,
}
_UNHALVED = frozenset({"growth", "percent"})  # keep their weight inside parentheses

_SPELLING = {
    "labour": "labor", "enrolment": "enrollment", "enrolments": "enrollment", "defence": "defense",
    "programme": "program", "centre": "center", "modelled": "modeled", "tonnes": "tons", "tonne": "ton",
    "litres": "liters", "litre": "liter", "metres": "meters", "metre": "meter", "fertiliser": "fertilizer",
    "fertilisers": "fertilizer", "organisation": "organization", "capitalisation": "capitalization",
}
# phrase -> replacement, on stemmed words (stopwords still present); longest phrases are tried first
_SYNONYMS: dict[str, str] = {
    "gross domestic product": "gdp",
    "gross national income": "gni",
    "gross national product": "gnp",
    "purchasing power parity": "ppp",
    "economic growth": "gdp growth",
    "economy": "gdp",
    "fdi": "foreign direct investment",
    "per head": "per capita",
    "per inhabitant": "per capita",
    "per person": "per capita",
    "jobless": "unemployment",
    "joblessness": "unemployment",
    "unemployed": "unemployment",
    "cpi inflation": "inflation consumer price",
    "cpi": "consumer price index",
    "hicp": "consumer price index",
    "ppi": "producer price index",
    "r d": "research development",
    "m2": "broad money",
    "money supply": "broad money",
    "carbon dioxide": "co2",
    "carbon emission": "co2 emission",
    "ghg": "greenhouse gas",
    "official development assistance": "oda",
    "development aid": "oda",
    "women": "female", "woman": "female", "men": "male",
    "spending": "expenditure", "spend": "expenditure", "outlay": "expenditure",
    "defense": "military",
    "increase": "growth", "rise": "growth", "grow": "growth", "grew": "growth", "change": "growth",
    "decline": "growth", "decrease": "growth", "fall": "growth", "growth rate": "growth",
    "dynamic": "growth",
    "share": "percent", "percentage": "percent", "proportion": "percent", "per cent": "percent",
    "pct": "percent", "pc": "percent",
    "surplus deficit": "balance", "surplus": "balance", "deficit": "balance",
    "public": "government",
    "company": "enterprise", "firm": "enterprise", "business": "enterprise",
    "user": "use", "using": "use",
    "delivery": "supply",
    "trade volume": "trade turnover", "volume trade": "trade turnover", "volume of trade": "trade turnover",
    "vaccination": "immunization",
    "doctor": "physician",
    "nominal": "current",
    "real": "constant",
    "constant price": "constant", "current price": "current",
    "yearly": "annual", "annually": "annual", "year on year": "annual", "yoy": "annual",
    "aged": "age", "older": "above", "over": "above",
    "minus": "excluding", "ex": "excluding", "without": "excluding",
    "tech": "technology", "hi": "high",
    "modeled ilo estimate": "modeledestimate", "national estimate": "nationalestimate",
    "bn": "billion", "mln": "million", "mn": "million", "trn": "trillion", "tn": "trillion",
    "us": "usd", "dollar": "usd",
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10",
    "sales": "turnover",
    "foreign exchange reserve": "reserve", "forex reserve": "reserve", "fx reserve": "reserve",
    "international reserve": "reserve",
    "value added": "output", "production": "output",
    "received": "inflow", "receipt": "inflow", "paid": "outflow", "payment": "outflow",
}
_SYN_TABLE: dict[tuple[str, ...], tuple[str, ...]] = {}
_SYN_MAX = 1


def _stem(t: str) -> str:
    """A light English stemmer: plurals only (branches -> branch, countries -> country)."""
    if len(t) <= 3 or not t.isalpha():
        return t
    if t.endswith("ies") and len(t) > 4:
        return t[:-3] + "y"
    if t.endswith(("sses", "xes", "ches", "shes")):
        return t[:-2]
    if t.endswith("s") and not t.endswith(("ss", "us", "is")):
        return t[:-1]
    return t


def _build_synonyms() -> None:
    global _SYN_MAX
    for src, dst in _SYNONYMS.items():
        key = tuple(_stem(_SPELLING.get(w, w)) for w in src.split())
        _SYN_TABLE[key] = tuple(dst.split())
        _SYN_MAX = max(_SYN_MAX, len(key))


_build_synonyms()

_SYMBOLS = [
    (re.compile(r"%"), " percent "),
    (re.compile(r"\bUS\$|\bUSD\b", re.I), " usd "),
    (re.compile(r"\$"), " dollar "),
    (re.compile(r"\b([a-z])\s*&\s*([a-z])\b", re.I), r" \1 \2 "),  # R&D -> r d
    (re.compile(r"\bnon[-\s]+(?=[a-z])", re.I), "non"),  # non-performing -> nonperforming
    (re.compile(r"(?<=[a-z])isation\b", re.I), "ization"),
    (re.compile(r"'s\b"), ""),  # agriculture's share
]


@dataclass(frozen=True, slots=True)
class _Name:
    """A metric name read for scoring: its weighted words."""

    tokens: tuple[str, ...]
    weights: tuple[float, ...]
    total: float  # sum of the weights
    bag: frozenset[str]
    main: frozenset[str]  # the words outside parentheses
    canonical: str  # the words joined, for the cheap first pass
    by_prefix: Mapping[str, tuple[str, ...]]  # alphabetic words by their first three letters
    keys: frozenset[str]  # those prefixes and the other words: names sharing none score 0
    processed: str  # default_process of the name, for the exact match


def _rewrite(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_SYN_MAX, len(words) - i), 0, -1):
            rep = _SYN_TABLE.get(tuple(words[i:i + n]))
            if rep is not None:
                out.extend(rep)
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


@functools.lru_cache(maxsize=65536)
def _read(name: str) -> _Name:
    from rapidfuzz.utils import default_process

    s = norm_name(name)  # case, accents, quotes, spaces
    for rx, rep in _SYMBOLS:
        s = rx.sub(rep, s)
    # split into parts outside and inside parentheses, keeping the order
    tokens: list[str] = []
    weights: list[float] = []
    main: set[str] = set()
    for depth, part in _paren_parts(s):
        words = [_stem(_SPELLING.get(w, w)) for w in default_process(part).split()]
        for w in _rewrite(words):
            if w in _STOP:
                continue
            weight = 0.5 if w.isdigit() else _LOW.get(w, 1.0)
            if depth and w not in _UNHALVED:
                weight *= 0.5
            if not depth:
                main.add(w)
            tokens.append(w)
            weights.append(weight)
    by_prefix: dict[str, tuple[str, ...]] = {}
    for w in dict.fromkeys(tokens):
        if w.isalpha():
            by_prefix[w[:3]] = by_prefix.get(w[:3], ()) + (w,)
    keys = frozenset(by_prefix) | {w for w in tokens if not w.isalpha()}
    return _Name(tuple(tokens), tuple(weights), sum(weights), frozenset(tokens), frozenset(main), " ".join(tokens),
                 by_prefix, keys, default_process(norm_name(name)))


def _paren_parts(s: str) -> list[tuple[int, str]]:
    parts: list[tuple[int, str]] = []
    depth, buf = 0, []
    for ch in s:
        if ch in "([" or ch in ")]":
            if buf:
                parts.append((depth, "".join(buf)))
                buf = []
            depth = depth + 1 if ch in "([" else max(0, depth - 1)
            continue
        buf.append(ch)
    if buf:
        parts.append((depth, "".join(buf)))
    return parts


_SIM_CACHE: dict[tuple[str, str], float] = {}


def _similar(a: str, b: str) -> float:
    """How far word `a` stands for word `b`: 1 equal, about 0.8–0.95 a variant, 0 unrelated."""
    if a == b:
        return 1.0
    key = (a, b) if a < b else (b, a)
    s = _SIM_CACHE.get(key)
    if s is None:
        if len(_SIM_CACHE) > 200_000:
            _SIM_CACHE.clear()
        s = _SIM_CACHE[key] = _word_similarity(*key)
    return s


def _word_similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    if not (a.isalpha() and b.isalpha()) or a[:3] != b[:3]:
        return 0.0  # numbers must be equal; "employment" is not "unemployment"
    short = min(len(a), len(b))
    prefix = 0
    for x, y in zip(a, b):
        if x != y:
            break
        prefix += 1
    r = fuzz.ratio(a, b) / 100.0
    if r >= 0.85:
        return r
    if prefix >= 5 and prefix >= 0.6 * short:  # industrial/industry, urban/urbanization, economic/economy
        return 0.8
    return 0.0


def _coverage(src: _Name, dst: _Name) -> list[float]:
    """For each word of `src`, how well some word of `dst` covers it (a word of `dst` inside parentheses,
    its unit or denominator, is weaker evidence than one in the name proper)."""
    out = []
    for t in src.tokens:
        if t in dst.main:
            out.append(1.0)
            continue
        best = PAREN_COVER if t in dst.bag else 0.0
        for u in dst.by_prefix.get(t[:3], ()) if t.isalpha() else ():  # a variant shares its first letters
            if best >= 1.0:
                break
            sim = _similar(t, u)
            if sim > best:
                best = max(best, sim if u in dst.main else sim * PAREN_COVER)
        out.append(best)
    return out


def _score(q: _Name, c: _Name) -> float:
    if q.total <= 0 or c.total <= 0 or q.keys.isdisjoint(c.keys):
        return 0.0
    recall = sum(w * s for w, s in zip(q.weights, _coverage(q, c))) / q.total
    extra = sum(w * (1.0 - s) for w, s in zip(c.weights, _coverage(c, q)))
    penalty = EXTRA_FIRST * min(extra, 1.0) + EXTRA_MORE * max(0.0, extra - 1.0)
    return max(0.0, min(99.0, 100.0 * recall - penalty))


@lru_cache(maxsize=1 << 18)
def metric_score(query: str, candidate: str) -> float:
    """Score 0–100 of how well a series' metric name (`candidate`) matches the claim's `metric` (`query`).

    100 for equal names (after :func:`norm_name` and ``default_process``); otherwise at most 99: 100 × the
    weighted share of the query's words that the candidate has (equal, a close spelling, a stem, or a
    synonym from the table above), less points for the candidate's words that the query lacks — so
    "branches of Russian universities opened" loses to "branches of Russian universities", and
    "GDP growth (annual %)" to "GDP (current US$)" for the query "GDP". On this scale the checker's
    defaults fit: a match needs 60 (a query word of two missing is 50 at most), and series within 3
    points of the best are ambiguous (one extra content word costs 5–9 points). Names are read once and
    cached, a pair sharing no word stem scores 0 at once, and each pair's score is remembered (choosing
    the series a claims file needs and judging its claims score the same pairs), so one claim against
    thousands of series names costs little more than the few word comparisons that matter; for a
    threshold, :class:`MetricIndex` skips the names that cannot reach it.
    """
    q, c = _read(query), _read(candidate)
    if not q.processed or not c.processed:
        return 0.0
    if q.processed == c.processed:
        return 100.0
    return _score(q, c)


class MetricIndex:
    """Many metric names, read once, and which of them score at least a threshold for a query.

    A name can reach a threshold only if the query's words whose keys (first three letters, or the word
    itself when not alphabetic) the name shares carry that share of the query's weight: a query word
    is covered only by an equal word or a variant with its first three letters (see :func:`_coverage`),
    and the score is at most 100 × the covered share. So the names are indexed by key; the query's keys
    are taken heaviest first until the ones left could not reach the threshold on their own (a name
    must have one of those taken), the names having one are checked against the bound, and only those
    reaching it (and the names equal after ``default_process``, which score 100) are scored with
    :func:`metric_score`. The answer is exactly the names whose ``metric_score`` reaches the threshold,
    and it is remembered for each (query, threshold).
    """

    __slots__ = ("names", "_keys", "_postings", "_exact", "_memo")

    def __init__(self, names: Iterable[str]):
        self.names: list[str] = list(dict.fromkeys(names))
        self._keys: list[frozenset[str]] = []
        self._postings: dict[str, list[int]] = {}
        self._exact: dict[str, list[int]] = {}
        for i, n in enumerate(self.names):
            r = _read(n)
            self._keys.append(r.keys)
            for k in r.keys:
                self._postings.setdefault(k, []).append(i)
            self._exact.setdefault(r.processed, []).append(i)
        self._memo: dict[tuple[str, float], dict[str, float]] = {}

    def matches(self, query: str, threshold: float) -> dict[str, float]:
        """name -> metric_score(query, name) for every name scoring at least ``threshold``, in the
        order the names were given. The dict is shared between calls: do not change it."""
        hit = self._memo.get((query, threshold))
        if hit is not None:
            return hit
        q = _read(query)
        if threshold <= 0:
            cand: set[int] = set(range(len(self.names)))
        else:
            cand = set()
            if q.total > 0:
                weight: dict[str, float] = {}
                for t, w in zip(q.tokens, q.weights):
                    k = t[:3] if t.isalpha() else t
                    weight[k] = weight.get(k, 0.0) + w
                need = threshold * q.total / 100.0 - 1e-9
                heaviest = sorted(weight.items(), key=lambda kw: -kw[1])
                # the weight of the keys after each: once it falls short of `need`, a name must have
                # one of the keys before
                after = [0.0] * len(heaviest)
                for j in range(len(heaviest) - 2, -1, -1):
                    after[j] = after[j + 1] + heaviest[j + 1][1]
                seen: set[int] = set()
                postings = self._postings
                for j, (k, _) in enumerate(heaviest):
                    seen.update(postings.get(k, ()))
                    if after[j] < need:
                        break
                keys = self._keys
                for i in seen:
                    ki = keys[i]
                    if sum(w for k, w in heaviest if k in ki) >= need:
                        cand.add(i)
            if q.processed:
                cand.update(self._exact.get(q.processed, ()))
        out: dict[str, float] = {}
        names = self.names
        for i in sorted(cand):
            s = metric_score(query, names[i])
            if s >= threshold:
                out[names[i]] = s
        if len(self._memo) > 100_000:
            self._memo.clear()
        self._memo[(query, threshold)] = out
        return out


def shortlist(query: str, names: list[str], limit: int = 20, cutoff: float = 40.0) -> list[tuple[str, float]]:
    """The best `limit` of many series names for `query`, best first, as (name, metric_score).

    A cheap first pass (rapidfuzz's C token-set ratio on the names as read for scoring, so synonyms and
    stems already agree) keeps the names scoring at least `cutoff` on it, at most ``5 × limit`` of them;
    those are scored precisely with :func:`metric_score`.
    """
    from rapidfuzz import fuzz, process

    q = _read(query).canonical
    if not q:
        return []
    pool = [_read(n).canonical for n in names]
    hits = process.extract(q, pool, scorer=fuzz.token_set_ratio, processor=None,
                           limit=max(limit * 5, limit), score_cutoff=cutoff)
    scored = sorted(((names[i], metric_score(query, names[i])) for _, _, i in hits), key=lambda t: (-t[1], t[0]))
    return scored[:limit]


@dataclass(frozen=True, slots=True)
class Scored:
    key: tuple[tuple[str, str], ...]  # the series' dimensions
    score: float | None  # None when the claim names no metric


def series_name(key: tuple[tuple[str, str], ...]) -> str:
    """'metric · subject · partner': the metric first, then the other dimensions' values in order."""
    metric = ""
    rest = []
    for k, v in key:
        if k == "metric":
            metric = v
        elif v:
            rest.append(v)
    return " · ".join([metric, *rest]) if metric else " · ".join(rest)
