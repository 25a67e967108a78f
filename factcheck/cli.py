"""The `factcheck` command: a thin typer layer over the core library.

Options are parsed first; consoles are built after, so ``--color`` and ``NO_COLOR`` are honoured.
Machine formats are written with plain writes, never through rich.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from factcheck import __version__

app = typer.Typer(
    name="factcheck",
    help="Check the numbers in a document against reference data, against each other and against the document.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class Engine(str, Enum):
    auto = "auto"
    python = "python"
    duckdb = "duckdb"


def _version(value: bool) -> None:
    if value:
        print(f"factcheck {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """factcheck: which numbers in a text hold up against the data, and which contradict it or each other."""


def use_color(choice: Color, stream=None) -> bool:
    stream = stream or sys.stdout
    if choice == Color.always:
        return True
    if choice == Color.never:
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def term_width(stream=None) -> int:
    stream = stream or sys.stdout
    cols = os.environ.get("COLUMNS")
    if cols and cols.isdigit():
        return max(40, int(cols))
    if hasattr(stream, "isatty") and stream.isatty():
        import shutil

        return max(40, shutil.get_terminal_size((100, 24)).columns)
    return 100


def fail_input(problems, debug_exc: BaseException | None = None) -> None:
    for p in problems:
        sys.stderr.write(f"{p}\n")
    raise typer.Exit(2)


def write_output(text: str, output: Optional[Path]) -> None:
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)


@app.command()
def check(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        help="Claims files or folders (default: the configuration's `paths`, else claims/).")] = None,
    format: Annotated[Optional[str], typer.Option(
        "--format", "-f", help="Output format: text, json, sarif, junit, github or markdown.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option(
        "--fail-on", help="Lowest severity that makes the exit code 1 [default: error].")] = None,
    select: Annotated[Optional[list[str]], typer.Option(
        "--select", help="Only these codes or code prefixes (repeat, or comma-separated).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(
        "--ignore", help="Leave out these codes or code prefixes (repeat, or comma-separated).")] = None,
    coverage: Annotated[bool, typer.Option(
        "--coverage", help="List the numbers in the document that no claim covers (D203).")] = False,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with findings (report only).")] = False,
    color: Annotated[Color, typer.Option("--color", help="Colour in the terminal report.")] = Color.auto,
    config: Annotated[Optional[Path], typer.Option(
        "--config", help="A configuration file (default: factcheck.toml or pyproject.toml found upwards).")] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Ignore configuration files.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on an internal error.")] = False,
    engine: Annotated[Engine, typer.Option(
        "--engine", help="How reference files are read: python (built in), duckdb (pip install "
        "'factcheck-numbers[big]'), or auto: duckdb, when installed, for Parquet files and for CSV files over "
        "50 MB read without the cache on 4 cores or more; else python.")] = Engine.auto,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Neither read nor write .factcheck_cache/ (indexed reference files).")] = False,
) -> None:
    """Check claims files against their reference data, each other and their document.

    Exit 0: nothing at or above the fail level; 1: findings at or above it; 2: bad input or usage.
    """
    from factcheck._config import Config, discover_config, load_config
    from factcheck._errors import InputError
    from factcheck._run import all_problems, run_check
    from factcheck.output import FORMATS, get_formatter

    probes: list = []  # what the configuration search looked at (for the replay cache)
    try:
        cfg = Config() if no_config else (load_config(config) if config else discover_config(paths or [], seen=probes))
        cfg = cfg.merge({"fail_on": fail_on, "format": format, "select": _codes(select), "ignore": _codes(ignore)})
    except InputError as e:
        fail_input(e.problems)
    fmt = cfg.format or "text"
    if fmt not in FORMATS:
        sys.stderr.write(f"factcheck: unknown format '{fmt}' (choose from {', '.join(FORMATS)})\n")
        raise typer.Exit(2)
    progress = _Progress() if fmt == "text" and _is_tty(sys.stderr) else None
    try:
        targets = list(paths or cfg.paths or [Path("claims")])
        from dataclasses import replace

        options = replace(cfg.check_options(coverage=coverage), use_cache=not no_cache, engine=engine.value,
                          progress=progress)
        deps: list = []
        try:
            report = run_check(targets, options, deps=deps)
        finally:
            if progress is not None:
                progress.close()
        problems = all_problems(report)
        formatter = get_formatter(fmt, color=use_color(color) and output is None, width=term_width())
        if problems:
            for p in problems:
                sys.stderr.write(f"{p}\n")
            # Machine formats still report (a JUnit `error`, a SARIF result) so CI shows where it broke;
            # the terminal report is not printed over the problems.
            if formatter.machine:
                write_output(formatter.format(report), output)
            raise typer.Exit(2)
        text = formatter.format(report)
        write_output(text, output)
        side = getattr(formatter, "write_side_effects", None)
        side_effects = side(report) if side is not None else None
    except typer.Exit:
        raise
    except Exception as e:  # an internal error: say so, exit 2
        _internal(e, debug)
    code = 0 if exit_zero else report.exit_code()
    if not no_cache and output is None and side_effects is None and not (progress is not None and progress.shown):
        from factcheck._claims import CLAIMS_SUFFIXES
        from factcheck._replay import armed, remember

        if armed():  # this run came through the entry point (factcheck._entry): the next may be replayed
            remember(text, code, [*targets, *deps, *([config] if config and not no_config else [])], probes,
                     suffixes=CLAIMS_SUFFIXES)
    raise typer.Exit(code)


def _is_tty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class _Progress:
    """A progress bar on stderr for any task (reading a big table, a folder of files) that has taken
    more than a second; rich is imported only then. The core calls it as ``progress(task, done, total)``."""

    DELAY = 1.0

    def __init__(self) -> None:
        import time

        self._clock = time.monotonic
        self._start: dict[str, float] = {}
        self._bar = None
        self._ids: dict[str, object] = {}
        self.shown = False  # whether the bar was ever drawn

    def __call__(self, task: str, done: float, total: "float | None") -> None:
        now = self._clock()
        start = self._start.setdefault(task, now)
        if self._bar is None:
            if now - start < self.DELAY:
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                                 TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self._bar.start()
            self.shown = True
        tid = self._ids.get(task)
        if tid is None:
            tid = self._ids[task] = self._bar.add_task(task, total=total)
        self._bar.update(tid, completed=done, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _codes(values: Optional[list[str]]) -> list[str]:
    return [c.strip().upper() for v in values or [] for c in v.split(",") if c.strip()]


@app.command()
def rules(
    format: Annotated[str, typer.Option("--format", "-f", help="text or markdown.")] = "text",
) -> None:
    """List every finding code with its name, default severity and meaning."""
    from factcheck._rules import RULES, render_rules_markdown

    if format == "markdown":
        sys.stdout.write(render_rules_markdown())
        return
    for r in RULES:
        sys.stdout.write(f"{r.code}  {r.name:<24} {r.severity:<8} {r.summary}\n")


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="The claims file.")],
    claim_id: Annotated[str, typer.Argument(help="The claim's id.")],
    color: Annotated[Color, typer.Option("--color", help="Colour in the output.")] = Color.auto,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on an internal error.")] = False,
) -> None:
    """Show the whole reasoning for one claim: interval, candidate series, values compared, arithmetic."""
    from factcheck._errors import InputError
    from factcheck._explain import explain_claim

    try:
        text = explain_claim(file, claim_id)
    except InputError as e:
        fail_input(e.problems)
    except Exception as e:
        _internal(e, debug)
    from rich.console import Console

    con = Console(force_terminal=use_color(color), no_color=not use_color(color), width=term_width(),
                  highlight=False, emoji=False)
    con.print(text)


from factcheck.cli_document import extract as _extract, series as _series

app.command("extract")(_extract)
app.command("series")(_series)


def _internal(e: BaseException, debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exception(e)
    else:
        sys.stderr.write(f"factcheck: internal error: {type(e).__name__}: {e} (run with --debug for the traceback)\n")
    raise typer.Exit(2)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
