"""The `factcheck` command (the console script and ``python -m factcheck``): a replayed run first, else
the typer CLI (:mod:`factcheck.cli`).

A `factcheck check` whose inputs have not changed since a run that stored its output is answered from
the replay cache (:mod:`factcheck._replay`) with nothing imported but the standard library: no typer,
rich, pydantic or checking code. Anything else, and any miss or doubt, goes to the CLI unchanged.
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


if __name__ == "__main__":
    sys.exit(main())
