"""Extraction benchmark: the document side on the worked example's article, after start-up.

Prints the median wall time (over N runs, after a warm-up, in this process) of

* ``find_quantities`` on the article's text (the bound we hold ourselves to: well under 50 ms),
* ``load_document`` (read, strip the markup, normalise with offset maps),
* ``extract_claims`` (scan, choose periods and quotes, draft ids, write the YAML with ruamel.yaml),
* locating every quote of the worked example's claims file (``locate_quote``),

and, as baselines measured in the same run, reading the file and ``re.findall(r"\\d+", text)`` over the
same text, with the ratio of each step to them. Never asserted in a test: machines differ.

    uv run python tests/benchmarks/extract_speed.py [--runs 200]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "claims" / "uzbekistan-russia-2021.txt"
CLAIMS = ROOT / "claims" / "uzbekistan-russia-2021.yaml"


def median_time(fn: Callable[[], object], runs: int) -> float:
    for _ in range(min(5, runs)):
        fn()  # warm: imports, regex caches, lru caches
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args()

    from factcheck._claims import load_claims_file
    from factcheck._document import load_document, locate_quote
    from factcheck._extract import extract_claims
    from factcheck._scan import find_quantities

    text = ARTICLE.read_text(encoding="utf-8")
    quotes = [c.quote for c in load_claims_file(CLAIMS).claims if c.quote]
    doc = load_document(ARTICLE)
    published = date(2021, 11, 19)
    digits = re.compile(r"\d+")

    def locate_all() -> None:
        for q in quotes:
            locate_quote(doc, q)

    base_read = median_time(lambda: ARTICLE.read_text(encoding="utf-8"), args.runs)
    base_re = median_time(lambda: digits.findall(text), args.runs)
    steps = [
        ("find_quantities(text)", median_time(lambda: find_quantities(text), args.runs)),
        ("load_document(path)", median_time(lambda: load_document(ARTICLE), args.runs)),
        ("extract_claims(load_document(path))",
         median_time(lambda: extract_claims(load_document(ARTICLE), published=published), max(20, args.runs // 4))),
        (f"locate_quote x {len(quotes)}", median_time(locate_all, args.runs)),
    ]
    print(f"article: {len(text):,} characters, {len(find_quantities(text))} quantities; median of {args.runs} runs")
    label = 'baseline: re.findall(r"\d+", text)'
    print(f"{'baseline: read the file':<40} {base_read * 1e3:8.3f} ms")
    print(f"{label:<40} {base_re * 1e3:8.3f} ms")
    for name, t in steps:
        print(f"{name:<40} {t * 1e3:8.3f} ms   {t / base_read:8.0f}x reading   {t / base_re:8.0f}x re.findall")


if __name__ == "__main__":
    main()
