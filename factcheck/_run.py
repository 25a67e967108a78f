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
    use_cache: bool = False  # keep indexed reference files in .factcheck_cache/ (the CLI: on; --no-cache)
    engine: str = "auto"  # reading reference files: "auto", "python" or "duckdb" (factcheck._reference.open_source)
    progress: Any = field(default=None, compare=False)  # progress(task, done, total): see factcheck._reference.ProgressFn


def display_path(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def run_check(paths: list[Path], options: CheckOptions | None = None, deps: list | None = None) -> Report:
    """Check every claims file under ``paths``. Files that cannot be loaded carry their problems.

    ``deps``, when given, gets every file the reports depended on: each claims file checked, and the
    reference files and document of each that loaded (what the replay cache checks, factcheck._replay).
    """
    from factcheck._gc import frozen_run

    options = options or CheckOptions()
    with frozen_run():  # the data each file loads is frozen once loaded (factcheck._gc)
        return _run_check(paths, options, deps)


def _run_check(paths: list[Path], options: CheckOptions, deps: list | None) -> Report:
    files, missing = find_claims_files(paths)
    reports: list[FileReport] = []
    if missing:
        reports.append(FileReport(path=missing[0].path, problems=tuple(missing)))
    cache: dict = {}
    extra: dict = {}
    parallel = _check_in_parallel(files, options, cache, extra)  # None: sequential (it would not pay)
    for i, f in enumerate(files if parallel is None else ()):
        if options.progress is not None and len(files) > 1:
            options.progress("checking claims files", i, len(files))
        reports.append(check_one(f, options, cache, extra=extra))
    reports.extend(parallel or ())
    if options.use_cache and not any(r.problems for r in reports):
        from factcheck._cache import flush

        flush(cache)  # indexes of the reference files, only when the input was good
    if deps is not None:
        deps.extend(extra.get("deps", ()))
    out: dict = {}
    if options.coverage and "coverage" in extra:
        out["coverage"] = extra["coverage"]  # summed over every file that names a document
    return Report(files=tuple(reports), fail_on=options.fail_on, extra=out)


def check_one(path: Path, options: CheckOptions, cache: dict | None = None, *, extra: dict | None = None) -> FileReport:
    """Check one claims file. ``extra``, when given, collects run-wide figures (``coverage`` is summed,
    ``deps`` lists the files each report depended on: the claims file, its reference files, its document).

    With ``options.use_cache``, the report of a file whose inputs (the claims file, its reference files,
    its document, the options, the tool's version) have not changed is served from the cache.
    """
    shown = display_path(path)
    key = _cache_options(options) if options.use_cache else None
    if key is not None:
        from factcheck import _report_cache

        cached_deps: list = []
        hit = _report_cache.load(path, shown, key, cached_deps)
        if hit is not None:
            report, coverage = hit
            _add_coverage(extra, coverage)
            _add_deps(extra, path, cached_deps)
            return report
    import time

    started = time.time_ns()
    report, coverage, deps = _check_one(path, shown, options, cache)
    _add_coverage(extra, coverage)
    _add_deps(extra, path, deps)
    if key is not None and not report.problems:
        _report_cache.store(path, shown, key, (report, coverage), deps, started_ns=started)
    return report


def _add_deps(extra: dict | None, path: Path, deps) -> None:
    if extra is not None:
        extra.setdefault("deps", []).extend([str(path), *(str(d) for d in deps)])


def _cache_options(options: CheckOptions) -> str:
    """Everything in the options that changes a file's report, in a stable form."""
    s = options.settings
    return repr((sorted(s.hedges.items()), s.match_threshold, s.ambiguity_margin, s.c102_threshold,
                 s.quote_threshold, sorted(options.select), sorted(options.ignore), options.coverage,
                 options.engine))


def _add_coverage(extra: dict | None, coverage: dict | None) -> None:
    if extra is not None and coverage is not None:
        total = extra.setdefault("coverage", {"numbers": 0, "claimed": 0})
        total["numbers"] += coverage["numbers"]
        total["claimed"] += coverage["claimed"]


def _check_one(path: Path, shown: str, options: CheckOptions, cache: dict | None):
    """The report of one claims file, its coverage figures and the files it depended on."""
    from factcheck._checks import check_claims, sort_findings
    from factcheck._engine import check_file, load_datasets
    from factcheck._errors import SyntaxProblem
    from factcheck._gc import freeze
    from factcheck._matching import AliasBook

    try:
        cf = load_claims_file(path, shown, options.settings)
        freeze()
        datasets = load_datasets(cf, cache, options)
        freeze()
        book = AliasBook(cf.aliases)

        def derived(claim):
            if not claim.compute:
                return []
            from factcheck._compute import compute_evidence  # (and the expression language): when used

            try:
                return compute_evidence(claim, datasets, book, cf.settings)
            except SyntaxProblem as e:
                ln, cl = claim.pos("compute")
                raise InputError(Problem(shown, ln, cl, f"compute: {e.message}")) from None

        report = check_file(cf, datasets, compute_evidence=derived)
        # the document: quotes located (D201), their numbers against the values (D202), coverage (D203);
        # its module (9 ms of imports) only for a claims file that names one
        if cf.document.path is not None:
            from factcheck._document import document_findings

            doc_check = document_findings(cf, report.claims, coverage=options.coverage)
            where, doc_findings, doc_coverage = doc_check.locations, doc_check.findings, doc_check.coverage
        else:
            where, doc_findings, doc_coverage = {}, [], None
    except InputError as e:
        return FileReport(path=shown, problems=tuple(e.problems)), None, ()
    claims = tuple(replace(c, quote_location=where[c.id]) if c.id in where else c for c in report.claims)
    findings, relations = check_claims(cf)
    # a finding on claims carries the place of its (first) claim's quote in the document
    findings = [
        replace(f, document=next((where[c] for c in f.claims if c in where), None))
        if f.document is None and f.claims else f
        for f in findings
    ]
    findings += doc_findings
    report = replace(report, claims=claims, findings=tuple(sort_findings(findings)), relations=tuple(relations))
    deps = [spec.path for spec in cf.references] + ([cf.document.path] if cf.document.path else [])
    return _filter(report, options), doc_coverage, deps


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


# --------------------------------------------------------------------------- many files at once
#
# Hundreds of claims files are checked in worker processes, one per core, when the work is big enough:
# the first files are checked here (so the reference files they name are indexed once and handed to
# every worker: the indexes are plain data) until they show that the rest would take a while; reports
# come back in file order, run-wide figures are summed, index cache entries are written here. Measured
# on 2 cores (tests/benchmarks/scale.py, 500 small files against a 1,000,000-row table): about 1.8x
# less wall time for about the same CPU time when the files are checked; when their reports come from
# the report cache, workers would cost more than they save, and none start. FACTCHECK_JOBS sets the
# number of processes (1: none; any number: workers start after the first file, for tests).

PARALLEL_MIN_FILES = 64
PARALLEL_AFTER = 1.0  # seconds: workers start once the files checked so far took this long and the rest would take twice that
_CHUNK = 16
_WORKER: dict = {}


def _jobs(n_files: int) -> int:
    import os

    env = os.environ.get("FACTCHECK_JOBS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    if n_files < PARALLEL_MIN_FILES:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(cores, 8)


def _check_in_parallel(files: list[Path], options: CheckOptions, cache: dict, extra: dict) -> list[FileReport] | None:
    """The reports of ``files`` in file order, the later ones checked in worker processes when that pays;
    None when it cannot (one core, few files: run_check checks them itself)."""
    import os

    jobs = _jobs(len(files))
    if jobs < 2 or len(files) < 2:
        return None
    import multiprocessing
    import time

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    forced = _jobs(0) > 1  # FACTCHECK_JOBS asks for workers
    progress = options.progress
    reports: list[FileReport] = []
    # files are checked here until the rest is known to take long enough to pay for the workers (a
    # report from the cache takes a millisecond; checking a file against a big table, tens of them)
    start = time.monotonic()
    i = 0
    while i < len(files):
        if progress is not None:
            progress("checking claims files", i, len(files))
        reports.append(check_one(files[i], options, cache, extra=extra))
        i += 1
        spent, left = time.monotonic() - start, len(files) - i
        if forced and left or (left >= 2 * _CHUNK and spent > PARALLEL_AFTER and spent / i * left > 2 * PARALLEL_AFTER):
            break
    if i == len(files):
        return reports
    from concurrent.futures import ProcessPoolExecutor

    from factcheck._cache import adopt_pending, settle
    from factcheck._reference import Source

    settle(cache)  # no hashing thread is left running when the workers are forked

    if any(isinstance(v, Source) and type(v) is not Source for v in cache.values()):
        return _sequential_rest(files, i, options, cache, extra, reports)  # a DuckDB connection is not forked
    shared = {k: (v.index, str(v.path), v.stat) for k, v in cache.items() if type(v) is Source}
    chunks = [files[j:j + _CHUNK] for j in range(i, len(files), _CHUNK)]
    worker_options = replace(options, progress=None)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(jobs, len(chunks)), mp_context=context, initializer=_worker_init,
                             initargs=(worker_options, shared)) as ex:
        for part, part_extra, pending in ex.map(_worker_check, chunks):
            reports.extend(part)
            _add_up(extra, part_extra)
            adopt_pending(cache, pending)
            if progress is not None:
                progress("checking claims files", len(reports), len(files))
    return reports


def _sequential_rest(files, start, options, cache, extra, reports):
    for i in range(start, len(files)):
        if options.progress is not None:
            options.progress("checking claims files", i, len(files))
        reports.append(check_one(files[i], options, cache, extra=extra))
    return reports


def _worker_init(options: CheckOptions, shared: dict) -> None:
    import os

    from factcheck._reference import Source

    os.environ["FACTCHECK_JOBS"] = "1"  # the workers take the cores: a big file is not indexed in parts here

    _WORKER["options"] = options
    _WORKER["cache"] = {k: Source(index, Path(path), stat) for k, (index, path, stat) in shared.items()}


def _worker_check(chunk: list[Path]) -> tuple[list[FileReport], dict, list]:
    from factcheck._cache import take_pending

    extra: dict = {}
    cache = _WORKER["cache"]
    reports = [check_one(f, _WORKER["options"], cache, extra=extra) for f in chunk]
    return reports, extra, take_pending(cache)


def _add_up(into: dict, part: dict) -> None:
    """Sum run-wide figures (numbers, in nested dicts) of a worker into the run's; lists are joined."""
    for k, v in part.items():
        if isinstance(v, dict):
            _add_up(into.setdefault(k, {}), v)
        elif isinstance(v, list):
            into.setdefault(k, []).extend(v)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            into[k] = into.get(k, 0) + v
        else:
            into.setdefault(k, v)
