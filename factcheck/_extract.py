"""A first draft of a claims file from a document: one claim per quantitative expression.

:func:`draft_claims` finds every quantity of the document (:mod:`factcheck._scan`) and, for each, makes
a claim: an ``id`` from the words around it, the ``quote`` (the clause that carries it, as the document
writes it, so that :func:`~factcheck._document.locate_quote` finds it exactly), the ``value`` as the
grammar writes it (``more than 5.6 billion USD``, ``about three thousand``, ``18%``), a ``period`` guessed
from the expressions of time near it and the document's date, and a ``kind`` where the text says.
:func:`extract_claims` writes them as YAML with ruamel.yaml's round-trip types, so that the comments it
leaves (``# TODO: metric`` on every claim) survive later edits. The draft loads with
:func:`~factcheck._claims.load_claims_file` as it is: ``metric`` is left out, with the comment, rather
than given a placeholder that would not load.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from factcheck._document import Document, locate_quote
from factcheck._scan import Found, FoundPeriod, Scan, clause_spans

__all__ = ["DraftClaim", "draft_claims", "extract_claims"]


@dataclass(frozen=True, slots=True)
class DraftClaim:
    id: str
    quote: str
    value: str
    period: str | None
    kind: str | None
    found: Found
    quote_start: int  # offsets of the quote in Document.clean
    quote_end: int
    metric_hint: str
    period_text: str | None = None  # the words the period was read from


# ============================================================================================ words
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SKIP_WORDS = frozenset(
    """a an the of in on at to for by with from and or but nor so as than then that this these those it its
    their our his her my your we you they he she i me us them which who whom whose what when where why how is
    are was were be been being have has had having will would shall should can could may might must do does
    did not no only also already still now today ago since until after before during about over under into
    out up down per each every all both some any other another same such very more most less least just even
    again there here if while whereas because though although said says say noted stressed reached
    exceeded exceeds exceed amounts amounted amount grew grow growing grown rose risen fell fallen increased
    decreased held signed opened organized organised adopted expected come came accounted started made
    become became continues continue reported estimated worth underway total number figure indicator level
    volume value percent per cent billion million thousand trillion hundred dozen year years month months
    day days week weeks quarter half end beginning start date present currently past last next current
    previous recent time times close nearly almost around approximately roughly exceeding above below
    doubled tripled halved got get gets take took taken give gave given well like including despite
    according following within among across through without against towards toward between upon via""".split()
)
_NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety""".split()
)
_MONTH_WORDS = frozenset(
    "january february march april may june july august september october november december".split()
)
_FLOW_WORDS = re.compile(
    r"\b(?:trade|turnover|exports?|imports?|sales|revenues?|inflows?|outflows?|remittances|spending|"
    r"expenditures?|production|output|shipments?|deliveries|income|earnings|receipts)\b",
    re.I,
)
_STOCK_WORDS = re.compile(r"\b(?:accumulated|stock|reserves?|debt|holdings|portfolio)\b", re.I)
# a change said of the number itself: "grew by 15 percent", "grew 4.1%", "growth of 3.5-4%" (not "fell to 4.9%")
_CHANGE_BEFORE = re.compile(
    r"\b(?:(?:grew|grow(?:s|ing)?|increased?|increases|rose|rise[sn]?|fell|fall(?:s|en)?|declined?|declines|"
    r"decreased?|decreases|gained?|dropped|drops?|jumped|jumps?|up|down)(?:\s+by)?|(?:growth|increase|rise|"
    r"decline|decrease|drop|fall|gain|jump)\s+(?:of|by))\s+"
    r"(?:(?:more\s+than|less\s+than|about|almost|nearly|over|some|around|roughly|approximately|just\s+over|"
    r"just\s+under|under|at\s+least|close\s+to|an\s+estimated|a|an)\s+)?$",
    re.I,
)
_SHARE_AFTER = re.compile(r"\s+(?:of|share)\b", re.I)
_SHARE_WORDS = re.compile(r"\b(?:share|proportion|accounted\s+for|accounts\s+for|account\s+for)\b", re.I)
_LEAD_TRIM = re.compile(r"^(?:(?:and|but|or|while|whereas|so)\b[\s,]*|[\s,;:–—\-\"'“”‘’(]+)+", re.I)
_TAIL_TRIM = re.compile(r"[\s,;:–—\-\"'“”‘’)]+$")
_MAX_QUOTE = 90
_OF_RE = re.compile(r"\b(?i:number|volume|value|share|amount|level|total|count)\s+of\s+(?:the\s+)?"
                    r"(?:(?:[a-z]+ed|[A-Z][a-z]*)\s+){0,2}(?P<w>[a-z])")


def _id_word(w: str) -> str:
    w = unicodedata.normalize("NFKD", w)
    w = "".join(c for c in w if not unicodedata.combining(c)).lower()
    w = re.sub(r"['’]s$", "", w)
    return re.sub(r"[^a-z0-9]+", "_", w).strip("_")


# ============================================================================================ periods
def _choose_period(f: Found, clauses: list[tuple[int, int]], periods: list[FoundPeriod],
                   text: str) -> FoundPeriod | None:
    """The expression of time a quantity is about (see the module's docstring of _extract)."""
    own = [p for p in periods if not (p.end <= f.start or p.start >= f.end)]
    cands = [p for p in periods if p not in own and f.sentence[0] <= p.start < f.sentence[1]]
    if not cands:
        return None
    clause = next(((s, e) for s, e in clauses if s <= f.number_start < e), f.sentence)
    in_clause = [p for p in cands if clause[0] <= p.start < clause[1]]
    # 1. right after the number: "more than 15 percent last year", "$7 billion by the end of the year"
    for p in in_clause:
        if p.start >= f.end:
            between = text[f.end:p.start]
            if not re.search(r"[,.;:!?]", between) and len(between.split()) <= 3:
                return p
            break
    # 2. before it in its clause: "In 2020, the volume of mutual trade exceeded $5.6 billion"
    before = [p for p in in_clause if p.end <= f.start]
    if before:
        return before[-1]
    # 3. after it in its clause: "12 have been opened only in the last 4 years"
    after = [p for p in in_clause if p.start >= f.end]
    if after:
        return after[0]
    # 4. a date that frames the whole sentence from its start ("In 2020, ..., and ...")
    earlier = [p for p in cands if p.end <= clause[0] and p.is_date
               and len(text[f.sentence[0]:p.start].split()) <= 1]
    if earlier:
        return earlier[-1]
    return None


# ============================================================================================ quotes
def _quote_span(f: Found, text: str, clauses: list[tuple[int, int]], period: FoundPeriod | None) -> tuple[int, int]:
    over = [(s, e) for s, e in clauses if s < f.end and e > f.start]
    if not over:
        over = [f.sentence]
    qs, qe = min(s for s, _ in over), max(e for _, e in over)
    qs, qe = min(qs, f.start), max(qe, f.end)
    if qe - qs > _MAX_QUOTE:
        # narrow to the comma-separated part that holds the number, with the time phrase before it
        cuts = [m.end() for m in re.finditer(r",\s+", text[qs:qe])]
        bounds = [qs] + [qs + c for c in cuts] + [qe]
        segs = list(zip(bounds, bounds[1:], strict=False))
        k = next((i for i, (a, b) in enumerate(segs) if a <= f.start < b), 0)
        k2 = next((i for i, (a, b) in enumerate(segs) if a < f.end <= b), k)
        lo, hi = k, k2
        if period is not None and period.start < segs[lo][0] and lo > 0:
            j = next((i for i, (a, b) in enumerate(segs) if a <= period.start < b), lo)
            if lo - j <= 2 and segs[lo - 1][1] - segs[j][0] <= 40:
                lo = j
        while segs[hi][1] - segs[lo][0] < 24 and (lo > 0 or hi < len(segs) - 1):
            if lo > 0:
                lo -= 1
            else:
                hi += 1
        qs, qe = segs[lo][0], segs[hi][1]
    piece = text[qs:qe]
    m = _LEAD_TRIM.match(piece)
    if m and qs + m.end() <= f.start:
        qs += m.end()
    piece = text[qs:qe]
    m = _TAIL_TRIM.search(piece)
    if m and qs + m.start() >= f.end:
        qe = qs + m.start()
    if qe > f.end and text[qe - 1] == ".":
        qe -= 1
    return qs, qe


# ============================================================================================ kinds
def _kind(f: Found, text: str, clause: tuple[int, int], period: str | None, pkind: FoundPeriod | None) -> str | None:
    q = f.quantity
    clause_text = text[clause[0]:clause[1]]
    sentence_text = text[f.sentence[0]:f.sentence[1]]
    if q.hedge in ("doubled", "tripled", "quadrupled", "halved"):
        return "change"
    if q.unit in ("percent", "pp"):
        if _CHANGE_BEFORE.search(text, max(clause[0], f.start - 40), f.start):
            return "change"
        if _SHARE_AFTER.match(text, f.end) or _SHARE_WORDS.search(clause_text):
            return "share"
        return None
    if _STOCK_WORDS.search(clause_text):
        return "stock"
    spans_time = pkind is not None and pkind.kind in ("year", "years", "rel_year", "months_to", "past_months",
                                                      "past_years", "quarter", "half", "month")
    if spans_time and (q.unit == "" or (len(q.unit) == 3 and q.unit.isupper())) and _FLOW_WORDS.search(sentence_text):
        return "flow"
    return None


# ============================================================================================ drafting
def draft_claims(doc: Document, *, published: date | None = None) -> list[DraftClaim]:
    """One draft claim per quantity of the document, in document order."""
    from factcheck._quantity import parse_value

    sc: Scan = doc.scan()
    text = doc.clean
    out: list[DraftClaim] = []
    used: set[str] = set()
    clause_cache: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for f in sc.quantities:
        clauses = clause_cache.get(f.sentence)
        if clauses is None:
            clauses = clause_cache[f.sentence] = clause_spans(text, *f.sentence) or [f.sentence]
        p = _choose_period(f, clauses, sc.periods, text)
        period = p.resolve(published) if p is not None else None
        qs, qe = _quote_span(f, text, clauses, p)
        quote = " ".join(text[qs:qe].split())
        m = locate_quote(doc, quote)
        if m is None or not m.exact:  # markup the quote would lose again: quote the file as written
            ts, te = doc.clean_map(qs), doc.clean_map.end(qe)
            quote = " ".join(doc.text[ts:te].split())
        value = f.display
        try:
            ok = parse_value(value).interval == f.quantity.interval
        except Exception:
            ok = False
        if not ok:
            value = f.value_text
        clause = next(((s, e) for s, e in clauses if s <= f.number_start < e), f.sentence)
        kind = _kind(f, text, clause, period, p)
        words = _words(f, text, qs, qe)
        if len(words) < 2:
            more = _words(f, text, *f.sentence)
            words += [w for w in more if w[1] not in {x for _, x in words}]
        if not words:
            prev = [s for s in sc.sentences if s[1] <= f.sentence[0]]
            if prev:
                words = _words(f, text, *prev[-1])
        hint = " ".join(w for _, w in sorted(words[:3]))
        cid = _make_id(words, period, used)
        out.append(DraftClaim(cid, quote, value, period, kind, f, qs, qe, hint, p.text if p else None))
    return out


def _words(f: Found, text: str, qs: int, qe: int) -> list[tuple[int, str]]:
    """Content words of the quote, the counted noun first, then by distance from the number."""
    out: list[tuple[float, int, str]] = []
    heads = {m.start("w") for m in _OF_RE.finditer(text, qs, qe)}
    for m in _WORD_RE.finditer(text, qs, qe):
        w = m.group()
        lw = w.lower().rstrip("'’")
        lw = re.sub(r"['’]s$", "", lw)
        if m.start() >= f.start and m.end() <= f.end and w != f.noun:
            continue
        if lw in _SKIP_WORDS or lw in _NUMBER_WORDS or lw in _MONTH_WORDS or len(lw) < 3:
            continue
        if lw.endswith("ly"):
            continue
        dist = 0 if w == f.noun and f.noun else (f.start - m.end() if m.end() <= f.start else m.start() - f.end + 1)
        if m.start() in heads:
            dist = 0.5  # "the number of enterprises": what is counted
        out.append((max(dist, 0), m.start(), lw))
    out.sort()
    seen: set[str] = set()
    words: list[tuple[int, str]] = []
    for _, pos, w in out:
        if w in seen:
            continue
        seen.add(w)
        words.append((pos, w))
    return words


def _make_id(words: list[tuple[int, str]], period: str | None, used: set[str]) -> str:
    chosen = [w for _, w in sorted(words[:3])]
    parts = [_id_word(w) for w in chosen]
    base = "_".join(p for p in parts if p) or "quantity"
    if period:
        tag = _period_tag(period)
        if tag:
            base = f"{base}_{tag}"
    base = base[:48].rstrip("_")
    if not base[0].isalpha():
        base = "n_" + base
    cid = base
    k = 2
    while cid in used:
        cid = f"{base}_{k}"
        k += 1
    used.add(cid)
    return cid


def _period_tag(period: str) -> str:
    m = re.fullmatch(r"(\d{4})-01/(\d{4})-(\d\d)", period)
    if m and m.group(1) == m.group(2):
        return f"{m.group(1)}_{int(m.group(3))}m"
    m = re.fullmatch(r"(\d{4})/(\d{4})", period)
    if m:
        return f"{m.group(1)}_{m.group(2)}"
    return re.sub(r"[^0-9a-z]+", "_", period.lower())[:10].strip("_") if period[:4].isdigit() and len(period) <= 7 \
        else period[:4]


# ============================================================================================ YAML
def _title(doc: Document) -> str | None:
    for line in doc.clean.splitlines():
        t = line.strip().lstrip("#").strip()
        if t:
            if len(t) <= 200 and not t.endswith((".", ":", ";")):
                return t
            return None
    return None


def extract_claims(doc: Document, *, published: date | None = None, path_text: str | None = None) -> str:
    """A claims-file draft (YAML) for ``doc``; ``path_text`` is the document's path as the claims file will
    write it (relative to where the draft is saved; default: ``doc.display``)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    drafts = draft_claims(doc, published=published)
    root = CommentedMap()
    root["version"] = 1
    d = CommentedMap()
    d["path"] = path_text or doc.display
    title = _title(doc)
    if title:
        d["title"] = title
    if published is not None:
        d["published"] = published
    root["document"] = d
    refs = CommentedSeq()
    refs.fa.set_flow_style()
    root["references"] = refs
    root.yaml_set_comment_before_after_key(
        "references",
        before="The datasets to check the claims against, one entry a file, e.g.\n"
               "  - path: data/figures.csv      (columns: metric, period, value, and any dimension)",
        indent=0,
    )
    claims = CommentedSeq()
    fallback_year = date.today().year
    for dc in drafts:
        c = CommentedMap()
        c["id"] = dc.id
        c["quote"] = dc.quote
        c["value"] = int(dc.value) if dc.value.isdigit() and not dc.value.startswith("0") else dc.value
        hint = f' (try: factcheck series "{dc.metric_hint}")' if dc.metric_hint else ""
        c.yaml_set_comment_before_after_key(
            "value", before=f"TODO: metric: what the number measures, as the reference data names it{hint}",
            indent=4,
        )
        if dc.period is not None:
            c["period"] = int(dc.period) if dc.period.isdigit() else dc.period
            if dc.period_text:
                c.yaml_add_eol_comment(f"# from “{' '.join(dc.period_text.split())}”", "period",
                                       column=len(f"    period: {dc.period}") + 2)
        elif published is None:
            c["period"] = fallback_year
            c.yaml_add_eol_comment("# TODO: period (the document has no date: pass --published)", "period",
                                   column=len(f"    period: {fallback_year}") + 2)
        if dc.kind:
            c["kind"] = dc.kind
        claims.append(c)
    root["claims"] = claims
    y = YAML()
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096  # a quote on one line, as the document has it
    buf = io.StringIO()
    header = (
        f"# A draft of the claims in {doc.display}, made by `factcheck extract`.\n"
        "# Check every field against the text, fill in each claim's `metric` (the TODO comments), drop the\n"
        "# claims not worth checking, add the reference data under `references`, then run `factcheck check`.\n"
    )
    buf.write(header)
    y.dump(root, buf)
    return buf.getvalue()
