"""`factcheck extract` and `factcheck series`: the commands that help write a claims file.

Plain typer command functions, registered by :mod:`factcheck.cli`. Importing this module is cheap: the
scanner, rapidfuzz, rich and ruamel.yaml are imported inside the commands.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

__all__ = ["extract", "series"]


def _fail(problems) -> None:
    for p in problems:
        sys.stderr.write(f"{p}\n")
    raise typer.Exit(2)


def _usage(message: str) -> None:
    sys.stderr.write(f"factcheck: {message}\n")
    raise typer.Exit(2)


def extract(
    document: Annotated[Path, typer.Argument(help="The document: plain text, Markdown, or HTML (extra `html`).")],
    published: Annotated[Optional[str], typer.Option(
        "--published",
        help="The document's date, YYYY-MM-DD: resolves 'this year', 'last year', 'nine months'.")] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the draft to this file (default: standard output).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the --output file if it exists.")] = False,
) -> None:
    """Draft a claims file from a document: one claim per number, with quote, value, period and kind.

    Fill in each claim's metric (marked TODO) and the references, then run `factcheck check`.
    """
    from datetime import date

    from factcheck._errors import InputError

    day: date | None = None
    if published is not None:
        try:
            day = date.fromisoformat(published.strip())
        except ValueError:
            _usage(f"--published '{published}' is not a date like 2021-11-19")
    if output is not None and str(output) != "-":
        if output.exists() and not force:
            _usage(f"{output} exists: not overwritten (use --force to replace it)")
        if output.is_dir():
            _usage(f"{output} is a folder: give a file name")
    from factcheck._document import load_document
    from factcheck._extract import extract_claims

    shown = _display(document)
    try:
        doc = load_document(document, shown)
    except InputError as e:
        _fail(e.problems)
    if output is not None and str(output) != "-":
        path_text = os.path.relpath(document.resolve(), output.resolve().parent).replace(os.sep, "/")
    else:
        path_text = shown.replace(os.sep, "/")
    text = extract_claims(doc, published=day, path_text=path_text)
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    tmp = output.with_name(output.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    except OSError as e:
        _usage(f"cannot write {output}: {e.strerror or e}")
    sys.stderr.write(f"wrote {output}: {text.count(chr(10) + '  - id: ')} claims to review\n")


def series(
    query: Annotated[str, typer.Argument(help="Words for the metric, as a claim would write it.")],
    in_: Annotated[Optional[Path], typer.Option(
        "--in", help="A claims file (its references are searched) or a dataset file (default: claims/).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many series to list.")] = 10,
) -> None:
    """List the reference series whose metric best matches a query: how to word a claim's `metric`."""
    from factcheck._errors import InputError

    try:
        rows, where = _series_rows(query, in_, limit)
    except InputError as e:
        _fail(e.problems)
    from rich.console import Console
    from rich.table import Table

    no_color = bool(os.environ.get("NO_COLOR"))
    width = None
    cols = os.environ.get("COLUMNS")
    if cols and cols.isdigit():
        width = max(40, int(cols))
    elif not sys.stdout.isatty():
        width = 120
    con = Console(no_color=no_color, width=width, highlight=False, emoji=False, soft_wrap=False)
    if not rows:
        con.print(f"no series in {where} matches '{query}'")
        return
    table = Table(title=f"series matching '{query}' in {where}", title_justify="left", box=None,
                  pad_edge=False, header_style="bold")
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("metric", overflow="fold")
    table.add_column("dimensions", overflow="fold")
    table.add_column("periods", no_wrap=True)
    table.add_column("n", justify="right")
    table.add_column("dataset", overflow="fold")
    for r in rows:
        table.add_row(f"{r['score']:.0f}", r["metric"], r["dimensions"], r["periods"], str(r["count"]), r["dataset"])
    con.print(table)


def _display(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


_DATASET_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".parquet", ".pq")
_CLAIMS_SUFFIXES = (".yaml", ".yml", ".toml")


def _series_rows(query: str, where: Optional[Path], limit: int) -> tuple[list[dict], str]:
    """The best `limit` series for `query` in the datasets a path names, best first."""
    from factcheck._matching import metric_score, shortlist

    datasets = _datasets(where)
    shown = _display(where) if where is not None else "claims/"
    groups: dict[str, list[tuple[object, tuple, list]]] = {}
    for ds in datasets:
        for key, obs in ds.series.items():
            dims = dict(key)
            # a dataset without a `metric` column (a wide table before its `set:`): its series by name
            metric = dims.get("metric") or " · ".join(v for _, v in key)
            groups.setdefault(str(metric), []).append((ds, key, obs))
    names = sorted(groups)
    if len(names) <= 2000:  # few names: score them all precisely
        best = sorted(((n, metric_score(query, n)) for n in names), key=lambda t: (-t[1], t[0]))[:limit]
    else:  # many (World Bank size): a cheap first pass, then the precise score
        best = shortlist(query, names, limit=limit)
    rows: list[dict] = []
    for name, score in best:
        if score <= 0:
            continue
        for ds, key, obs in groups[name]:
            periods = sorted({o.period for o in obs})
            first, last = (periods[0].text, periods[-1].text) if periods else ("", "")
            has_metric = any(k == "metric" for k, _ in key)
            dims = ", ".join(f"{k}={v}" for k, v in key if k != "metric") if has_metric else ""
            rows.append({"score": score, "metric": name, "dimensions": dims,
                         "periods": first if first == last else f"{first} – {last}", "count": len(obs),
                         "dataset": ds.path})
    rows.sort(key=lambda r: (-r["score"], r["metric"], r["dimensions"]))
    return rows[:limit], shown


def _datasets(where: Optional[Path]) -> list:
    from factcheck._claims import find_claims_files, load_claims_file
    from factcheck._errors import InputError, Problem
    from factcheck._reference import ReferenceSpec, load_dataset, load_datasets

    if where is None:
        base = Path("claims")
        if not base.is_dir():
            raise InputError(Problem("claims/", 0, 0,
                                     "no claims/ folder here: name a claims file or a dataset with --in"))
        files, missing = find_claims_files([base])
        if missing:
            raise InputError(missing)
        paths = files
    elif where.is_dir():
        files, missing = find_claims_files([where])
        if missing:
            raise InputError(missing)
        paths = files
    else:
        if not where.exists():
            raise InputError(Problem(_display(where), 0, 0, "file not found"))
        suffix = where.suffix.lower()
        if suffix in _CLAIMS_SUFFIXES or (suffix == ".json" and _looks_like_claims(where)):
            paths = [where]
        else:
            shown = _display(where)
            return [load_dataset(ReferenceSpec(path=where, display_path=shown))]
    specs: dict[str, ReferenceSpec] = {}
    problems = []
    for p in paths:
        try:
            cf = load_claims_file(p, _display(p))
        except InputError as e:
            problems.extend(e.problems)
            continue
        for spec in cf.references:
            specs.setdefault(str(Path(spec.path).resolve()), spec)
    if problems:
        raise InputError(problems)
    return load_datasets(list(specs.values()))  # every problem of every file at once


def _looks_like_claims(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8-sig", errors="replace")[:4096]
    except OSError:
        return False
    return head.lstrip().startswith("{") and '"version"' in head
