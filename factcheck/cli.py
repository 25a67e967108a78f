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
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Claims files or folders (default: claims/).")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="Output format: text or json.")] = "text",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Lowest severity that makes the exit code 1.")] = FailOn.error,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with findings (report only).")] = False,
    color: Annotated[Color, typer.Option("--color", help="Colour in the terminal report.")] = Color.auto,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on an internal error.")] = False,
) -> None:
    """Check claims files against their reference data. Exit 0: fine, 1: findings, 2: bad input."""
    from factcheck._run import CheckOptions, all_problems, run_check
    from factcheck.output import FORMATS, get_formatter

    if format not in FORMATS:
        sys.stderr.write(f"factcheck: unknown format '{format}' (choose from {', '.join(FORMATS)})\n")
        raise typer.Exit(2)
    try:
        report = run_check(paths or [Path("claims")], CheckOptions(fail_on=fail_on.value))
        problems = all_problems(report)
        if problems:
            fail_input(problems)
        formatter = get_formatter(format, color=use_color(color) and output is None, width=term_width())
        write_output(formatter.format(report), output)
    except typer.Exit:
        raise
    except Exception as e:  # an internal error: say so, exit 2
        _internal(e, debug)
    raise typer.Exit(0 if exit_zero else report.exit_code())


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
