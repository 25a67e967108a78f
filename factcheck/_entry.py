"""The `factcheck` command (the console script and ``python -m factcheck``): a replayed run first, else
the typer CLI (:mod:`factcheck.cli`).

A `factcheck check` whose inputs have not changed since a run that stored its output is answered from
the replay cache (:mod:`factcheck._replay`) with nothing imported but the standard library: no typer,
rich, pydantic or checking code. Anything else, and any miss or doubt, goes to the CLI unchanged.

The process then ends without tearing the interpreter down (:func:`run`): once the report is written
and the streams flushed, freeing every object of a big run one by one (a 1,000-claim check against a
20,000-series table: 0.15 s, a tenth of the run) serves no one.
"""


import sys


def main() -> int | None:
    from factcheck import _replay

    code = _replay.serve(sys.argv)
    if code is not None:
        return code
    try:
        from factcheck.cli import main as cli_main

        return cli_main()
    finally:
        _replay.disarm()


def run() -> None:
    """The console script and ``python -m factcheck``: :func:`main`, then the exit status as
    ``sys.exit`` gives it, but without the interpreter's teardown (``os._exit``) once stdout and stderr
    are flushed. Any trouble flushing (a closed pipe) leaves the exit to Python, as before, and so does
    a profiler or tracer (cProfile, coverage), which writes its results at the interpreter's exit."""
    try:
        status = main()
    except SystemExit as e:
        status = e.code
    if status is None:
        code = 0
    elif isinstance(status, int):
        code = status
    else:  # sys.exit("message"): the message on stderr, status 1
        sys.stderr.write(f"{status}\n")
        code = 1
    if sys.getprofile() is not None or sys.gettrace() is not None:
        raise SystemExit(code)  # a profiler or coverage writes its results at the interpreter's exit
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    import os

    os._exit(code % 256)  # as the system keeps it: -1 is 255, 256 is 0


if __name__ == "__main__":
    run()
