"""Start-up benchmark: `factcheck check` on the worked example against importing its libraries.

Prints the median wall time of each command over N runs and their ratio. The bound we hold ourselves
to (see the tracker): the check within 1.5x of `python -c "import typer, rich, rapidfuzz, pydantic,
ruamel.yaml"`, both measured in this run. Never asserted in a test: machines differ.

Three runs of the check: warm (unchanged since the last run: replayed from the replay cache, nothing
imported but the standard library; against a bare `python -c pass`), warm without the replay cache
(FACTCHECK_NO_REPLAY=1: the CLI, with the report served from the report cache) and cold (--no-cache).

    uv run python tests/benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE = [sys.executable, "-c", "import typer, rich, rapidfuzz, pydantic, ruamel.yaml"]
BARE = [sys.executable, "-c", "pass"]
CHECK = [sys.executable, "-m", "factcheck", "check", "claims/uzbekistan-russia-2021.yaml", "--color", "never"]
NO_REPLAY = {"FACTCHECK_NO_REPLAY": "1"}  # the CLI runs; the report comes from the report cache
COLD = CHECK + ["--no-cache"]  # nothing served from .factcheck_cache/: every file parsed and read


def timed(cmd: list[str], runs: int, env: dict | None = None) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           env={**os.environ, **env} if env else None)
        times.append(time.perf_counter() - t0)
        if p.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.decode()[-500:]}")
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    timed(BASELINE, 2)  # warm the file cache (and factcheck's own caches)
    timed(CHECK, 2)
    timed(CHECK, 2, NO_REPLAY)
    timed(COLD, 1)
    # interleave so a busy machine hurts all alike
    base, bare, check, report, cold = [], [], [], [], []
    for _ in range(args.runs):
        base.append(timed(BASELINE, 1))
        bare.append(timed(BARE, 1))
        check.append(timed(CHECK, 1))
        report.append(timed(CHECK, 1, NO_REPLAY))
        cold.append(timed(COLD, 1))
    b, p, c, r, k = (statistics.median(x) for x in (base, bare, check, report, cold))
    print(f"baseline  import typer, rich, rapidfuzz, pydantic, ruamel.yaml : {b * 1000:7.1f} ms (median of {args.runs})")
    print(f"          python -c pass                                       : {p * 1000:7.1f} ms")
    print(f"factcheck check claims/uzbekistan-russia-2021.yaml (replayed)  : {c * 1000:7.1f} ms  ratio {c / b:.2f}x "
          f"(bound 1.5x), {c / p:.2f}x python -c pass")
    print(f"  the same with FACTCHECK_NO_REPLAY=1 (the report cache)       : {r * 1000:7.1f} ms  ratio {r / b:.2f}x")
    print(f"  the same with --no-cache (a first run)                       : {k * 1000:7.1f} ms  ratio {k / b:.2f}x")


if __name__ == "__main__":
    main()
