"""The results of a run: plain immutable dataclasses, no terminal, no formatting.

A :class:`Report` holds one :class:`FileReport` per claims file; each holds a :class:`ClaimResult` per
claim (its verdict and evidence) and the file's :class:`Finding` objects (checks across claims and
against the document). Output formats in :mod:`factcheck.output` turn a report into text. The records
built once a claim are made by an ``__init__`` that sets their slots directly (factcheck._fastinit).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from factcheck._errors import Problem
from factcheck._fastinit import fast_init
from factcheck._rules import BY_CODE, VERDICT_CODES

SEVERITY_RANK = {"ok": 0, "info": 1, "warning": 2, "error": 3}
FAIL_LEVELS = {"info": 1, "warning": 2, "error": 3, "never": 99}

VERDICTS = ("supported", "contradicted", "disputed", "ambiguous", "unverified", "pending")
VERDICT_SEVERITY = {
    "supported": "ok",
    "contradicted": "error",
    "disputed": "warning",
    "ambiguous": "warning",
    "unverified": "warning",
    "pending": "info",
}


@fast_init
@dataclass(frozen=True, slots=True)
class Gap:
    absolute: float  # in the claim's unit and base scale (USD, not billions)
    relative: float | None  # relative to the reference value; None when the reference is 0 or unbounded


@fast_init
@dataclass(frozen=True, slots=True)
class Value:
    """A quantity as shown in a report: the text and its interval in base units."""

    text: str
    low: float
    high: float
    low_closed: bool
    high_closed: bool
    unit: str
    scale_word: str = ""  # the scale the text was written in, for display ("billion")
    hedge: str = ""


@fast_init
@dataclass(frozen=True, slots=True)
class Evidence:
    dataset: str  # display path of the reference file, or "compute"
    row: int | None  # 1-based line in the dataset (first row for a tiled sum)
    series: str  # the series' full name: its dimensions as "metric · subject · partner"
    score: float | None  # metric match score, 0-100
    value: Value
    period: str
    source: str
    verdict: str  # "supported" or "contradicted" (or "ambiguous" for a compute that could not decide)
    gap: Gap | None = None
    url: str | None = None
    published: str | None = None
    column: str | None = None  # the value cell's column name
    column_index: int | None = None  # 1-based
    how: str = "row"  # "row", "tiled" (a sum of shorter periods), "latest" (as_of), "compute"
    detail: str = ""  # arithmetic or derivation, shown by explain
    rows: tuple[int, ...] = ()  # every row that went into it


@fast_init
@dataclass(frozen=True, slots=True)
class Candidate:
    series: str
    score: float
    dataset: str
    row: int | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int
    column: int = 0
    end_line: int | None = None
    end_column: int | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class ClaimResult:
    id: str
    verdict: str
    line: int
    column: int
    claimed: Value
    period: str
    kind: str
    metric: str | None = None
    dimensions: tuple[tuple[str, str], ...] = ()
    quote: str | None = None
    quote_location: Location | None = None  # where the quote stands in the document
    forecast: bool = False
    evidence: tuple[Evidence, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    reason: str = ""  # why unverified / ambiguous / pending
    gap: Gap | None = None
    ignored: tuple[str, ...] = ()  # codes the claim ignores
    ignore_reason: str = ""
    note: str = ""

    @property
    def severity(self) -> str:
        return VERDICT_SEVERITY[self.verdict]

    @property
    def code(self) -> str | None:
        return VERDICT_CODES.get(self.verdict)


@fast_init
@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str
    message: str
    path: str  # the claims file
    line: int
    column: int = 0
    claims: tuple[str, ...] = ()
    document: Location | None = None  # the quote's place in the document, where known
    related: tuple[Location, ...] = ()
    detail: str = ""

    @property
    def name(self) -> str:
        rule = BY_CODE.get(self.code)
        return rule.name if rule else self.code


@fast_init
@dataclass(frozen=True, slots=True)
class RelationResult:
    """A declared relation and how it came out over the claims' intervals."""

    text: str
    status: str  # "holds", "edge" (C104) or "violated" (C103)
    explanation: str  # each claim's interval and the sides that decided it
    line: int
    column: int = 0
    id: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class FileReport:
    path: str  # the claims file as given on the command line (or found in a folder)
    claims: tuple[ClaimResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    document: str | None = None  # the document's path, where one is named
    problems: tuple[Problem, ...] = ()  # set when the file could not be loaded at all
    suppressed: tuple[Finding, ...] = ()  # findings switched off by a claim's `ignore:` (still counted)
    relations: tuple[RelationResult, ...] = ()


@dataclass(frozen=True, slots=True)
class Summary:
    claims: int
    verdicts: dict[str, int]
    findings: dict[str, int]
    suppressed: int
    exit_code: int


@dataclass(frozen=True, slots=True)
class Report:
    files: tuple[FileReport, ...]
    fail_on: str = "error"
    extra: dict = field(default_factory=dict)  # e.g. coverage figures

    def summary(self) -> Summary:
        verdicts = {v: 0 for v in VERDICTS}
        findings = {"error": 0, "warning": 0, "info": 0}
        suppressed = 0
        for f in self.files:
            for c in f.claims:
                verdicts[c.verdict] += 1
            for fi in f.findings:
                findings[fi.severity] += 1
            suppressed += len(f.suppressed)
        return Summary(
            claims=sum(verdicts.values()),
            verdicts=verdicts,
            findings=findings,
            suppressed=suppressed,
            exit_code=self.exit_code(),
        )

    def worst(self) -> int:
        worst = 0
        for f in self.files:
            for c in f.claims:
                if c.code and c.code in c.ignored:
                    continue
                worst = max(worst, SEVERITY_RANK[c.severity])
            for fi in f.findings:
                worst = max(worst, SEVERITY_RANK[fi.severity])
        return worst

    def exit_code(self) -> int:
        if any(f.problems for f in self.files):
            return 2
        return 1 if self.worst() >= FAIL_LEVELS[self.fail_on] else 0


def claim_findings(file: FileReport) -> list[Finding]:
    """Verdicts other than `supported` as findings (R1xx), for formats that speak only of findings."""
    out: list[Finding] = []
    for c in file.claims:
        code = c.code
        if code is None or code in c.ignored:
            continue
        out.append(
            Finding(
                code=code,
                severity=c.severity,
                message=verdict_message(c),
                path=file.path,
                line=c.line,
                column=c.column,
                claims=(c.id,),
                document=c.quote_location,
                related=tuple(
                    Location(e.dataset, e.row, 0) for e in c.evidence if e.row is not None and e.how != "compute"
                ),
            )
        )
    return out


def verdict_message(c: ClaimResult) -> str:
    """One sentence on a claim's verdict, in plain text (no markup)."""
    from factcheck._quantity import format_number

    claimed = c.claimed.text
    if c.verdict == "supported":
        srcs = sorted({e.source for e in c.evidence})
        return f"{c.id}: {claimed} is supported by {', '.join(srcs)}"
    if c.verdict == "contradicted":
        parts = []
        for e in c.evidence:
            g = ""
            if e.gap is not None:
                g = f", off by {format_number(e.gap.absolute, c.claimed.unit, c.claimed.scale_word)}"
                if e.gap.relative is not None:
                    g += f" ({e.gap.relative:+.1%})"
            parts.append(f"{e.value.text} ({e.source}{g})")
        pre = "forecast " if c.forecast else ""
        return f"{c.id}: {pre}{claimed} is contradicted: the data say " + "; ".join(parts)
    if c.verdict == "disputed":
        parts = [f"{e.value.text} from {e.source} ({e.verdict})" for e in c.evidence]
        return f"{c.id}: {claimed} is disputed: " + "; ".join(parts)
    if c.verdict == "ambiguous":
        cands = ", ".join(f"'{k.series}' ({k.score:.0f})" for k in c.candidates)
        return f"{c.id}: {claimed} is ambiguous: {c.reason or 'several series match'}: {cands}"
    if c.verdict == "pending":
        return f"{c.id}: forecast {claimed} is pending: {c.reason}"
    return f"{c.id}: {claimed} is unverified: {c.reason}"
