"""Start-up benchmark: `factcheck check` on the worked example against importing its libraries.

Prints the median wall time of each command over N runs and their ratio. The bound we hold ourselves
to (see the tracker): the check within 1.5x of `python -c "import typer, rich, rapidfuzz, pydantic,
ruamel.yaml"`, both measured in this run. Never asserted in a test: machines differ.

    uv run python tests/benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE = [sys.executable, "-c", "import typer, rich, rapidfuzz, pydantic, ruamel.yaml"]
CHECK = [sys.executable, "-m", "factcheck", "check", "claims/uzbekistan-russia-2021.yaml", "--color", "never"]
COLD = CHECK + ["--no-cache"]  # nothing served from .factcheck_cache/: every file parsed and read


def timed(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t0)
        if p.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.decode()[-500:]}")
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    timed(BASELINE, 2)  # warm the file cache (and factcheck's own cache)
    timed(CHECK, 2)
    timed(COLD, 1)
    # interleave so a busy machine hurts all alike
    base, check, cold = [], [], []
    for _ in range(args.runs):
        base.append(timed(BASELINE, 1))
        check.append(timed(CHECK, 1))
        cold.append(timed(COLD, 1))
    b, c, k = statistics.median(base), statistics.median(check), statistics.median(cold)
    print(f"baseline  import typer, rich, rapidfuzz, pydantic, ruamel.yaml : {b * 1000:7.1f} ms (median of {args.runs})")
    print(f"factcheck check claims/uzbekistan-russia-2021.yaml           : {c * 1000:7.1f} ms  ratio {c / b:.2f}x (bound 1.5x)")
    print(f"  the same with --no-cache (a first run)                     : {k * 1000:7.1f} ms  ratio {k / b:.2f}x")


if __name__ == "__main__":
    main()
