"""Run a check over claims files: the one entry point the CLI (and library users) call."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from factcheck._claims import ClaimsFile, Settings, find_claims_files, load_claims_file
from factcheck._errors import InputError, Problem
from factcheck._report import FileReport, Report


@dataclass(frozen=True)
class CheckOptions:
    fail_on: str = "error"
    settings: Settings = field(default_factory=Settings)
    select: frozenset[str] = frozenset()  # empty: every code
    ignore: frozenset[str] = frozenset()
    coverage: bool = False


def display_path(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def run_check(paths: list[Path], options: CheckOptions | None = None) -> Report:
    """Check every claims file under ``paths``. Files that cannot be loaded carry their problems."""
    options = options or CheckOptions()
    files, missing = find_claims_files(paths)
    reports: list[FileReport] = []
    if missing:
        reports.append(FileReport(path=missing[0].path, problems=tuple(missing)))
    cache: dict = {}
    extra: dict = {}
    for f in files:
        reports.append(check_one(f, options, cache, extra=extra))
    out: dict = {}
    if options.coverage and "coverage" in extra:
        out["coverage"] = extra["coverage"]  # summed over every file that names a document
    return Report(files=tuple(reports), fail_on=options.fail_on, extra=out)


def check_one(path: Path, options: CheckOptions, cache: dict | None = None, *, extra: dict | None = None) -> FileReport:
    """Check one claims file. ``extra``, when given, collects run-wide figures (``coverage`` is summed)."""
    from factcheck._checks import check_claims, sort_findings
    from factcheck._compute import compute_evidence
    from factcheck._document import document_findings
    from factcheck._engine import check_file, load_datasets
    from factcheck._errors import SyntaxProblem
    from factcheck._matching import AliasBook

    shown = display_path(path)
    try:
        cf = load_claims_file(path, shown, options.settings)
        datasets = load_datasets(cf, cache)
        book = AliasBook(cf.aliases)

        def derived(claim):
            try:
                return compute_evidence(claim, datasets, book, cf.settings)
            except SyntaxProblem as e:
                ln, cl = claim.pos("compute")
                raise InputError(Problem(shown, ln, cl, f"compute: {e.message}")) from None

        report = check_file(cf, datasets, compute_evidence=derived)
        # the document: quotes located (D201), their numbers against the values (D202), coverage (D203)
        doc_check = document_findings(cf, report.claims, coverage=options.coverage)
    except InputError as e:
        return FileReport(path=shown, problems=tuple(e.problems))
    where = doc_check.locations
    claims = tuple(replace(c, quote_location=where[c.id]) if c.id in where else c for c in report.claims)
    findings = list(check_claims(cf))
    # a finding on claims carries the place of its (first) claim's quote in the document
    findings = [
        replace(f, document=next((where[c] for c in f.claims if c in where), None))
        if f.document is None and f.claims else f
        for f in findings
    ]
    findings += doc_check.findings
    report = replace(report, claims=claims, findings=tuple(sort_findings(findings)))
    if extra is not None and doc_check.coverage is not None:
        total = extra.setdefault("coverage", {"numbers": 0, "claimed": 0})
        total["numbers"] += doc_check.coverage["numbers"]
        total["claimed"] += doc_check.coverage["claimed"]
    return _filter(report, options)


def _filter(report: FileReport, options: CheckOptions) -> FileReport:
    """Apply --select/--ignore and the claims' own `ignore:` to findings."""

    def wanted(code: str) -> bool:
        if options.select and not any(code.startswith(s) for s in options.select):
            return False
        return not any(code.startswith(s) for s in options.ignore)

    ignored_by_claim = {c.id: set(c.ignored) for c in report.claims}
    kept, suppressed = [], list(report.suppressed)
    for f in report.findings:
        if not wanted(f.code):
            continue
        if f.claims and all(f.code in ignored_by_claim.get(cid, ()) for cid in f.claims):
            suppressed.append(f)
        else:
            kept.append(f)
    claims = tuple(
        c if wanted(c.code or "R100") else replace(c, ignored=tuple({*c.ignored, c.code}))
        for c in report.claims
    )
    return replace(report, findings=tuple(kept), suppressed=tuple(suppressed), claims=claims)


def all_problems(report: Report) -> list[Problem]:
    return [p for f in report.files for p in f.problems]
