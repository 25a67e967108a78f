"""The document a claims file checks: loaded, normalised for matching, quotes located, numbers compared.

A :class:`Document` keeps three forms of the text, each with a map back to the one before:

* ``text``: the file as read (for HTML, the text extracted from it);
* ``clean``: Markdown markup stripped for reading — escapes (``\\$14`` -> ``$14``), emphasis markers, link
  syntax (``[text](url)`` -> ``text``), heading ``#``\\ s, list bullets, block quotes — case kept;
* ``norm``: ``clean`` for matching — case-folded, typographic quotes, apostrophes and dashes unified,
  every run of whitespace and line breaks one space.

Offsets in ``norm`` map to ``clean``, offsets in ``clean`` to ``text``, and offsets in ``text`` to a line
and column of the file (for HTML, of the markup), so a quote found in ``norm`` is reported where it
stands in the file.

:func:`locate_quote` finds a claim's quote: an exact substring of ``norm`` first, else the best passage by
rapidfuzz's ``partial_ratio_alignment``. :func:`document_findings` runs the checks of the contract's
"Checks against the document": D201 (quote not found), D202 (the quote's number is not the claim's
value) and, with coverage, D203 (a number no claim covers).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from factcheck._claims import ClaimsFile, read_text
from factcheck._errors import InputError, Problem, SyntaxProblem
from factcheck._report import ClaimResult, Finding, Location

__all__ = ["Document", "QuoteMatch", "DocumentCheck", "load_document", "normalise", "locate_quote",
           "document_findings", "same_value", "HTML_SUFFIXES"]

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
HTML_EXTRA_MESSAGE = "HTML documents need the optional extra: pip install 'factcheck-numbers[html]'"


# ========================================================================================= offset maps
class _OffsetMap:
    """Maps offsets of a derived string back to offsets of its source, by segments.

    A *copy* segment maps character ``i`` to ``source + i``; a *point* segment (a replacement, a collapsed
    run of whitespace) maps every character to one source offset.
    """

    __slots__ = ("starts", "sources", "copies", "length", "source_length")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.sources: list[int] = []
        self.copies: list[bool] = []
        self.length = 0
        self.source_length = 0

    def copy(self, source: int, n: int) -> None:
        if n <= 0:
            return
        if self.copies and self.copies[-1] and self.sources[-1] + (self.length - self.starts[-1]) == source:
            self.length += n  # extends the previous copy
            return
        self.starts.append(self.length)
        self.sources.append(source)
        self.copies.append(True)
        self.length += n

    def point(self, source: int, n: int) -> None:
        if n <= 0:
            return
        self.starts.append(self.length)
        self.sources.append(source)
        self.copies.append(False)
        self.length += n

    def __call__(self, i: int) -> int:
        if i >= self.length:
            return self.source_length
        k = bisect_right(self.starts, i) - 1
        if k < 0:
            return 0
        if self.copies[k]:
            return self.sources[k] + (i - self.starts[k])
        return self.sources[k]

    def end(self, i: int) -> int:
        """The source offset just after derived character ``i - 1`` (for exclusive span ends)."""
        if i <= 0:
            return self(0)
        return self(i - 1) + 1


# ========================================================================================= markup
_MD_RE = re.compile(
    r"(?=[\\!\[*_`#>+\- \t])"  # markup starts with one of these: every other position fails at once
    r"(?:(?P<esc>\\(?P<ch>[\\`*_{}\[\]()#+\-.!$<>|~\"'%&]))"
    r"|(?P<img>!\[(?P<alt>[^\]\n]*)\]\([^)\n]*\))"
    r"|(?P<link>\[(?P<ltext>[^\]\n]+)\]\([^)\n]*\))"
    r"|(?P<head>(?m:^)[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[*+-][ \t]+(?=\S)))"
    r"|(?P<emph>(?:(?<=^)|(?<=[\s(\[\"'“‘]))(?:\*{1,3}|_{1,3})(?=[^\s*_])|(?<=[^\s*_\\])(?:\*{1,3}|_{1,3})(?=$|[\s.,;:!?)\]\"'”’]))"
    r"|(?P<code>`+))",
    re.M,
)


def _strip_markup(text: str) -> tuple[str, _OffsetMap]:
    """Markdown markup removed for reading; the map sends offsets of the result back into ``text``."""
    out: list[str] = []
    mp = _OffsetMap()
    mp.source_length = len(text)
    pos = 0
    for m in _MD_RE.finditer(text):
        s = m.start()
        if s > pos:
            out.append(text[pos:s])
            mp.copy(pos, s - pos)
        kind = m.lastgroup
        if m.group("esc") is not None:
            out.append(m.group("ch"))
            mp.copy(m.start("ch"), 1)
        elif m.group("img") is not None:
            alt = m.group("alt")
            out.append(alt)
            mp.copy(m.start("alt"), len(alt))
        elif m.group("link") is not None:
            lt = m.group("ltext")
            out.append(lt)
            mp.copy(m.start("ltext"), len(lt))
        elif kind in ("head", "emph", "code"):
            pass
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
        mp.copy(pos, len(text) - pos)
    return "".join(out), mp


_QUOTE_TABLE = str.maketrans({
    "’": "'", "‘": "'", "‚": "'", "‛": "'", "ʼ": "'", "`": "'", "´": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "″": '"',
    "–": "-", "—": "-", "‒": "-", "―": "-", "−": "-", "‐": "-", "‑": "-", "⁃": "-",
    "\u00ad": None,  # a soft hyphen is invisible
})
_WS_RE = re.compile(r"\s+")
_WS_ODD_RE = re.compile(r"[^\S ]\s*| \s+")  # whitespace other than one plain space


def _fold(segment: str) -> str:
    return segment.translate(_QUOTE_TABLE).casefold()


def _normalise_mapped(clean: str) -> tuple[str, _OffsetMap]:
    folded = _fold(clean)
    if len(folded) != len(clean):  # a character that folds to several (ß -> ss) or to none: slowly
        return _normalise_mapped_slow(clean)
    mp = _OffsetMap()
    mp.source_length = len(clean)
    starts, sources, copies = mp.starts, mp.sources, mp.copies
    out: list[str] = []
    pos = 0
    length = 0
    for m in _WS_ODD_RE.finditer(folded):  # a single space maps to itself: only other runs make segments
        a, b = m.span()
        if a > pos:
            out.append(folded[pos:a])
            starts.append(length)
            sources.append(pos)
            copies.append(True)
            length += a - pos
        out.append(" ")
        starts.append(length)
        sources.append(a)
        copies.append(False)
        length += 1
        pos = b
    if pos < len(folded):
        out.append(folded[pos:])
        starts.append(length)
        sources.append(pos)
        copies.append(True)
        length += len(folded) - pos
    mp.length = length
    return "".join(out), mp


def _normalise_mapped_slow(clean: str) -> tuple[str, _OffsetMap]:
    out: list[str] = []
    mp = _OffsetMap()
    mp.source_length = len(clean)
    pos = 0

    def add(seg_start: int, seg_end: int) -> None:
        for i, ch in enumerate(clean[seg_start:seg_end]):
            f = _fold(ch)
            out.append(f)
            if len(f) == 1:
                mp.copy(seg_start + i, 1)
            else:
                mp.point(seg_start + i, len(f))

    for m in _WS_RE.finditer(clean):
        if m.start() > pos:
            add(pos, m.start())
        out.append(" ")
        mp.point(m.start(), 1)
        pos = m.end()
    if pos < len(clean):
        add(pos, len(clean))
    return "".join(out), mp


def normalise(text: str) -> str:
    """A text as quotes are matched: Markdown escapes and markup removed, case-folded, quotes and dashes
    unified, whitespace collapsed, trimmed."""
    clean, _ = _strip_markup(text)
    return _WS_RE.sub(" ", _fold(clean)).strip()


# ========================================================================================= the document
@dataclass(eq=False)
class Document:
    path: Path
    display: str
    text: str
    clean: str
    norm: str
    kind: str  # "text", "markdown" or "html"
    clean_map: _OffsetMap = field(repr=False)
    norm_map: _OffsetMap = field(repr=False)
    source_map: _OffsetMap | None = field(default=None, repr=False)  # HTML: text offset -> source offset
    line_starts: list[int] = field(default_factory=list, repr=False)  # of the file as read
    _scan: Any = field(default=None, repr=False)

    # ------------------------------------------------------------------------------- positions
    def position(self, text_offset: int) -> tuple[int, int]:
        """1-based line and column in the file of an offset into ``text``."""
        off = self.source_map(text_offset) if self.source_map is not None else text_offset
        i = bisect_right(self.line_starts, off) - 1
        return i + 1, off - self.line_starts[max(i, 0)] + 1

    def clean_to_text(self, i: int) -> int:
        return self.clean_map(i)

    def norm_to_clean(self, i: int) -> int:
        return self.norm_map(i)

    def location(self, text_start: int, text_end: int) -> Location:
        line, col = self.position(text_start)
        end_line, end_col = self.position(max(text_start, text_end - 1))
        return Location(self.display, line, col, end_line, end_col + 1)

    def clean_location(self, clean_start: int, clean_end: int) -> Location:
        return self.location(self.clean_map(clean_start), self.clean_map.end(clean_end))

    def scan(self, hedges: Mapping[str, Any] | None = None):
        """Every quantity and expression of time in the document (``clean`` offsets), computed once."""
        from factcheck._scan import scan

        if hedges is not None:
            return scan(self.clean, hedges=hedges)
        if self._scan is None:
            self._scan = scan(self.clean)
        return self._scan


def _line_starts(s: str) -> list[int]:
    out = [0]
    find = s.find
    i = find("\n")
    while i >= 0:
        out.append(i + 1)
        i = find("\n", i + 1)
    return out


def load_document(path: Path, display: str | None = None) -> Document:
    """Read a document: plain text, Markdown, or HTML (with the optional extra ``html``).

    A missing file, a folder, bad UTF-8 or a NUL byte is an :class:`InputError` with its position.
    """
    path = Path(path)
    display = display or str(path)
    source = read_text(path, display)
    kind = "markdown" if path.suffix.lower() in (".md", ".markdown", ".mdown", ".mkd") else "text"
    source_map = None
    if path.suffix.lower() in HTML_SUFFIXES:
        kind = "html"
        text, source_map = _html_text(source, display)
    else:
        text = source
    if kind == "html":
        clean, clean_map = text, _OffsetMap()
        clean_map.copy(0, len(text))
        clean_map.source_length = len(text)
    else:
        clean, clean_map = _strip_markup(text)
    norm, norm_map = _normalise_mapped(clean)
    return Document(path, display, text, clean, norm, kind, clean_map, norm_map, source_map, _line_starts(source))


# ----------------------------------------------------------------------------------------- HTML
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object",
                        "nav", "button", "select", "option", "form"})
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
                         "table", "section", "article", "header", "footer", "blockquote", "pre", "figure",
                         "figcaption", "dd", "dt", "dl", "hr", "main", "aside", "address", "caption"})


def _html_text(source: str, display: str) -> tuple[str, _OffsetMap]:
    """The readable text of an HTML page, and a map from its offsets back into the markup.

    BeautifulSoup (the optional extra) with the standard library's parser, which records where each tag
    starts; each piece of text is then found in the markup after its tag, so a quote's line and column
    are those of the HTML file.
    """
    try:
        from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, ProcessingInstruction
        from bs4.element import CData, Declaration
    except ImportError:
        raise InputError(Problem(display, 0, 0, HTML_EXTRA_MESSAGE)) from None
    import html as _html

    soup = BeautifulSoup(source, "html.parser")
    starts = _line_starts(source)
    out: list[str] = []
    mp = _OffsetMap()
    mp.source_length = len(source)
    cursor = 0
    skip_types = (Comment, Doctype, ProcessingInstruction, CData, Declaration)

    def tag_offset(tag: Any) -> int | None:
        line, col = getattr(tag, "sourceline", None), getattr(tag, "sourcepos", None)
        if line is None or col is None:
            return None
        return starts[min(line - 1, len(starts) - 1)] + col

    def newline(at: int) -> None:
        if out and not out[-1].endswith("\n\n"):
            piece = "\n\n" if not out[-1].endswith("\n") else "\n"
            out.append(piece)
            mp.point(at, len(piece))

    root = soup.body or soup
    for el in root.descendants:
        if isinstance(el, NavigableString):
            if isinstance(el, skip_types):
                continue
            if any(p.name in _SKIP_TAGS for p in el.parents if getattr(p, "name", None)):
                continue
            s = str(el)
            if not s:
                continue
            parent_at = tag_offset(el.parent) or cursor
            base = max(cursor, parent_at)
            found = -1
            probe = s.strip()[:40]
            if probe:
                found = source.find(probe, base)
                if found < 0:
                    found = source.find(_html.escape(probe, quote=False), base)
            lead = len(s) - len(s.lstrip())
            if found >= 0 and source.startswith(s.strip(), found):
                start_src = found - lead
                out.append(s)
                mp.copy(max(start_src, 0), len(s))
                cursor = found + len(s.strip())
            else:
                out.append(s)
                mp.point(found if found >= 0 else base, len(s))
                if found >= 0:
                    cursor = found
        elif getattr(el, "name", None) in _BLOCK_TAGS:
            at = tag_offset(el)
            newline(at if at is not None else cursor)
    return "".join(out), mp


# ========================================================================================= locating
@dataclass(frozen=True, slots=True)
class QuoteMatch:
    score: float  # 0-100
    exact: bool
    start: int  # offsets into Document.text
    end: int
    clean_start: int  # offsets into Document.clean
    clean_end: int
    line: int  # 1-based, in the file
    column: int
    end_line: int
    end_column: int  # exclusive
    passage: str  # the matched passage as written, whitespace collapsed

    def found(self, threshold: float) -> bool:
        return self.score >= threshold


def locate_quote(doc: Document, quote: str, threshold: float = 85.0) -> QuoteMatch | None:
    """Where ``quote`` stands in ``doc``: the exact passage (score 100), else the closest passage by
    rapidfuzz's ``partial_ratio_alignment`` — returned even below ``threshold`` (D201 shows it); None only
    for an empty quote or document."""
    nq = normalise(quote)
    if not nq or not doc.norm.strip():
        return None
    i = doc.norm.find(nq)
    if i >= 0:
        return _match(doc, i, i + len(nq), 100.0, True)
    from rapidfuzz import fuzz

    al = fuzz.partial_ratio_alignment(nq, doc.norm)
    if al is None:  # pragma: no cover - only with a score cutoff
        return None
    if len(nq) <= len(doc.norm):
        s, e = al.dest_start, al.dest_end
    else:  # the quote is longer than the document: rapidfuzz aligned the document inside the quote
        s, e = 0, len(doc.norm)
    # widen a cut word at either end to the whole word
    n = doc.norm
    while s > 0 and n[s - 1].isalnum() and n[s].isalnum():
        s -= 1
    while e < len(n) and e > 0 and n[e - 1].isalnum() and n[e].isalnum():
        e += 1
    while s < e and n[s] == " ":
        s += 1
    while e > s and n[e - 1] == " ":
        e -= 1
    return _match(doc, s, e, float(al.score), False)


def _match(doc: Document, ns: int, ne: int, score: float, exact: bool) -> QuoteMatch:
    cs = doc.norm_map(ns)
    ce = doc.norm_map.end(ne)
    ts = doc.clean_map(cs)
    te = doc.clean_map.end(ce)
    loc = doc.location(ts, te)
    passage = " ".join(doc.clean[cs:ce].split())
    return QuoteMatch(score, exact, ts, te, cs, ce, loc.line, loc.column, loc.end_line or loc.line,
                      loc.end_column or loc.column, passage)


# ========================================================================================= D202
_STRONG_UNITS = frozenset({"percent", "pp", "x"})


def _strong(unit: str) -> bool:
    return unit in _STRONG_UNITS or (len(unit) == 3 and unit.isupper())


def _close(a: float, b: float) -> bool:
    if a == b:
        return True
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def same_value(doc_q: Any, claim_q: Any) -> bool:
    """Whether a number of the document and a claim's value are the same (D202): the same interval and
    the same kind of hedge. The claim may add a unit or a scale the document leaves implicit ("five
    billion" is ``five billion USD``; "15" is ``15 branches``); units both sides state must agree."""
    if doc_q.hedge_class != claim_q.hedge_class:
        return False
    if doc_q.hedge_class == "bound" and doc_q.direction != claim_q.direction:
        return False
    du, cu = doc_q.unit or "", claim_q.unit or ""
    if du and cu and du != cu and (_strong(du) or _strong(cu)):
        return False
    if cu == "percent" and du and du != "percent":
        return False
    a, b = doc_q.interval, claim_q.interval
    if _close(a.low, b.low) and _close(a.high, b.high):
        return True
    # a scale the document leaves implicit ("reached 5.6" for 5.6 billion)
    if not doc_q.scale_word and claim_q.scale_word and claim_q.scale != 1:
        k = claim_q.scale
        return _close(a.low * k, b.low) and _close(a.high * k, b.high)
    return False


_HEDGE_KIND = {"exact": "exact", "bound": "a bound", "approx": "approximate", "range": "a range"}


def _claim_quantity(claim: Any, hedges: Mapping[str, Any] | None) -> Any:
    """The claim's value as written, without its tolerance (a tolerance widens the check, not the words)."""
    from factcheck._quantity import parse_value

    try:
        return parse_value(claim.value_text, hedges=hedges)
    except (SyntaxProblem, TypeError):
        return claim.value


def _reparse(found: Any, hedges: Mapping[str, Any] | None, bare: bool = False) -> Any:
    from factcheck._quantity import parse_value

    text = found.bare_text if bare else found.value_text
    try:
        return parse_value(text, hedges=hedges)
    except SyntaxProblem:
        return found.quantity


def _quote_numbers(quote: str, hedges: Mapping[str, Any] | None) -> tuple[list[Any], list[Any]]:
    """The quote's amounts (dates, years and ordinals aside), and its durations ("four years") apart."""
    from factcheck._scan import scan

    clean, _ = _strip_markup(quote)
    sc = scan(clean, hedges=hedges)
    durations = [p for p in sc.periods if p.duration is not None]
    return list(sc.quantities), durations


def _says(items: Sequence[str]) -> str:
    if not items:
        return "no number"
    return ", ".join(items)


# ========================================================================================= findings
@dataclass(frozen=True)
class DocumentCheck:
    locations: dict[str, Location]  # claim id -> where its quote stands (found quotes only)
    matches: dict[str, QuoteMatch]  # claim id -> best passage (every claim with a quote)
    findings: list[Finding]
    coverage: dict[str, int] | None = None  # {"numbers": M, "claimed": N} with coverage=True
    document: Document | None = None


def document_findings(cf: ClaimsFile, results: Sequence[ClaimResult] = (), *, coverage: bool = False,
                      doc: Document | None = None) -> DocumentCheck:
    """The checks against the document: D201, D202 and (with ``coverage``) D203, and each quote's place.

    Nothing when the claims file names no document. A document that cannot be read raises InputError.
    """
    if cf.document.path is None:
        return DocumentCheck({}, {}, [], None, None)
    display = cf.document.display or str(cf.document.path)
    if doc is None:
        doc = load_document(cf.document.path, display)
    threshold = cf.settings.quote_threshold
    hedges = cf.settings.hedges
    judged = {r.id for r in results} if results else None
    locations: dict[str, Location] = {}
    matches: dict[str, QuoteMatch] = {}
    findings: list[Finding] = []
    covered_spans: list[tuple[int, int]] = []
    doc_scan = None
    for claim in cf.claims:
        if not claim.quote or (judged is not None and claim.id not in judged):
            continue
        m = locate_quote(doc, claim.quote, threshold)
        if m is None:
            if normalise(claim.quote):  # an empty document: nothing to find a quote in
                qline, qcol = claim.pos("quote")
                findings.append(Finding(
                    code="D201", severity="error", message=f"{claim.id}: quote not found in {display} (it is empty)",
                    path=cf.display, line=qline, column=qcol, claims=(claim.id,),
                ))
            continue
        matches[claim.id] = m
        found = m.score >= threshold
        loc = Location(display, m.line, m.column, m.end_line, m.end_column)
        qline, qcol = claim.pos("quote")
        if found:
            locations[claim.id] = loc
            covered_spans.append((m.clean_start, m.clean_end))
        else:
            shown = m.passage if len(m.passage) <= 120 else m.passage[:117].rstrip() + "…"
            findings.append(Finding(
                code="D201", severity="error",
                message=(f"{claim.id}: quote not found in {display} (best match {m.score:.0f}%: “{shown}”)"),
                path=cf.display, line=qline, column=qcol, claims=(claim.id,), document=loc,
            ))
        # D202: the quote's numbers must include the claim's value
        value = _claim_quantity(claim, hedges)
        q_nums, q_durations = _quote_numbers(claim.quote, hedges)
        q_ok = any(same_value(_reparse(f, hedges), value) for f in q_nums) or any(
            same_value(p.duration, value) for p in q_durations)
        d_nums: list[tuple[Any, Any]] | None = None
        if found:
            if doc_scan is None:
                doc_scan = doc.scan(hedges)
            d_nums = []
            for f in doc_scan.quantities:
                if f.number_end > m.clean_start and f.number_start < m.clean_end:
                    bare = f.start < m.clean_start  # a hedge before the quote is not the quote's
                    d_nums.append((f, _reparse(f, hedges, bare=bare)))
            d_durations = [p for p in doc_scan.periods
                           if p.duration is not None and p.end > m.clean_start and p.start < m.clean_end]
            d_ok = any(same_value(q, value) for _, q in d_nums) or any(
                same_value(p.duration, value) for p in d_durations)
        else:
            d_ok = True
        if q_ok and d_ok:
            continue
        if not found and not q_nums and not q_durations:
            continue  # a quote not in the document and without a number: D201 says all there is
        value_text = claim.value_text
        if not d_ok:
            said = [_doc_text(f, bare) for f, bare in ((f, f.start < m.clean_start) for f, _ in d_nums or [])]
            hint = _hint([q for _, q in d_nums or []], value)
            message = f"{claim.id}: the document says {_says(said)}; the claims file says {value_text}{hint}"
        else:
            said = [" ".join(f.text.replace("\\", "").split()) for f in q_nums]
            doc_said = [_doc_text(f, f.start < m.clean_start) for f, _ in d_nums or []]
            hint = _hint([_reparse(f, hedges) for f in q_nums], value)
            message = (f"{claim.id}: the quote says {_says(said)}; the claims file says {value_text}{hint}"
                       + (f" (the document: {_says(doc_said)})" if doc_said else ""))
        vline, vcol = claim.pos("value")
        findings.append(Finding(
            code="D202", severity="error", message=message, path=cf.display, line=vline, column=vcol,
            claims=(claim.id,), document=loc,
        ))
    cov = None
    if coverage:
        if doc_scan is None:
            doc_scan = doc.scan(hedges)
        numbers = doc_scan.quantities
        claimed = 0
        spans = sorted(covered_spans)
        for f in numbers:
            if any(f.number_end > s and f.number_start < e for s, e in spans):
                claimed += 1
                continue
            loc = doc.clean_location(f.start, f.end)
            text = " ".join(f.text.replace("\\", "").split())
            findings.append(Finding(
                code="D203", severity="info",
                message=f"“{text}” (document line {loc.line}) is not claimed: no claim's quote covers it",
                path=cf.display, line=cf.document.line, column=cf.document.column, document=loc,
            ))
        cov = {"numbers": len(numbers), "claimed": claimed}
    return DocumentCheck(locations, matches, findings, cov, doc)


def _doc_text(f: Any, bare: bool) -> str:
    t = f.text
    if bare and f.hedge_text:
        t = t[t.lower().find(f.hedge_text.lower()) + len(f.hedge_text):] if f.hedge_text.lower() in t.lower() else t
    return " ".join(t.replace("\\", "").split())


def _hint(doc_quantities: Sequence[Any], value: Any) -> str:
    """Why two values that look alike differ: the hedge ("the claims file drops the bound")."""
    for q in doc_quantities:
        if q.hedge_class != value.hedge_class and _close(q.number, value.number):
            return (f" ({_HEDGE_KIND.get(q.hedge_class, q.hedge_class)} in the document, "
                    f"{_HEDGE_KIND.get(value.hedge_class, value.hedge_class)} in the claims file)")
    return ""
