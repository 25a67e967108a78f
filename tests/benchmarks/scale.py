"""Scale benchmark: `factcheck check` on big reference tables, beside the csv module reading them.

Generates its data under ``tests/benchmarks/_data/`` (git-ignored; rebuilt when the sizes change):

- ``tidy.csv``: a World-Bank-style tidy table, ``Country Name, Country Code, Indicator Name,
  Indicator Code, period, value``: 250 countries × 200 indicators × 20 years = 1,000,000 rows;
- ``wide.csv``: the World Bank's own download layout, one row a series (country × indicator) and a
  column a year, 1960–2023: 20,000 series × 64 years, early years often empty;
- ``tidy-claims.yaml`` and ``wide-claims.yaml``: 1,000 claims each against them (metrics as a
  journalist writes them, from ``tests/data/metric_queries.yaml``; countries by name, code or an alias;
  most values right, some wrong, some series that do not exist);
- ``many/``: 500 small claims files (4 claims each) against ``tidy.csv``.

Indicator names are the realistic WDI names of ``tests/data/metric_queries.yaml``; country names are
the WDI's. For each scenario it runs `factcheck check` as a subprocess and prints its wall time, CPU time
(user + system of the child, from ``resource.getrusage(RUSAGE_CHILDREN)``) and peak memory (the child's
max RSS), best of N, beside the baseline measured in the same run: a subprocess in which Python's csv
module reads the same file (``for row in csv.reader(f): pass``). It prints two ratios: wall time over
the baseline's wall time (what a user waits; factcheck may use both cores) and CPU time over the
baseline's CPU time (what the machine spends; steadier when the machine is shared). Never asserted.

Beside the checks, a floor: Python starting and importing the libraries the command needs (typer,
pydantic-core, ruamel.yaml and its C parser, rapidfuzz), reading nothing.

Scenarios: cold (an empty ``.factcheck_cache``: the table is indexed, the cache written; a big file by
one process a core, and again in one process with FACTCHECK_JOBS=1), warm (the same
run again: the report cache answers for an unchanged claims file), warm with the claims file edited
before each run (no report to reuse: the index cache serves the reference data), and ``--no-cache``;
the folder of 500 files against one of them alone (worker processes as factcheck chooses, and in one
process with FACTCHECK_JOBS=1); the DuckDB engine against the default one when duckdb is installed.
Then, in one process, where the time goes: imports, parsing the claims file, the reference data
(indexing or the cached index, choosing the series, reading their rows), judging, writing the cache.
The OS file cache is warm in every scenario (the data was just written): "cold" is factcheck's cache.

    uv run python tests/benchmarks/scale.py               # full size (takes a few minutes)
    uv run python tests/benchmarks/scale.py --quick       # 100,000 rows, 2,000 wide series, 100 files
    uv run python tests/benchmarks/scale.py --rows 300000 --runs 5 --only tidy
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "_data"
QUERIES = ROOT / "tests" / "data" / "metric_queries.yaml"

# (name as the World Bank writes it, ISO3 code, another name a journalist writes)
COUNTRIES: list[tuple[str, str, str]] = [
    ("Afghanistan", "AFG", ""), ("Albania", "ALB", ""), ("Algeria", "DZA", ""), ("American Samoa", "ASM", ""),
    ("Andorra", "AND", ""), ("Angola", "AGO", ""), ("Antigua and Barbuda", "ATG", "Antigua"),
    ("Argentina", "ARG", ""), ("Armenia", "ARM", ""), ("Aruba", "ABW", ""), ("Australia", "AUS", ""),
    ("Austria", "AUT", ""), ("Azerbaijan", "AZE", ""), ("Bahamas, The", "BHS", "Bahamas"), ("Bahrain", "BHR", ""),
    ("Bangladesh", "BGD", ""), ("Barbados", "BRB", ""), ("Belarus", "BLR", ""), ("Belgium", "BEL", ""),
    ("Belize", "BLZ", ""), ("Benin", "BEN", ""), ("Bermuda", "BMU", ""), ("Bhutan", "BTN", ""),
    ("Bolivia", "BOL", ""), ("Bosnia and Herzegovina", "BIH", "Bosnia"), ("Botswana", "BWA", ""),
    ("Brazil", "BRA", ""), ("British Virgin Islands", "VGB", ""), ("Brunei Darussalam", "BRN", "Brunei"),
    ("Bulgaria", "BGR", ""), ("Burkina Faso", "BFA", ""), ("Burundi", "BDI", ""), ("Cabo Verde", "CPV", "Cape Verde"),
    ("Cambodia", "KHM", ""), ("Cameroon", "CMR", ""), ("Canada", "CAN", ""), ("Cayman Islands", "CYM", ""),
    ("Central African Republic", "CAF", ""), ("Chad", "TCD", ""), ("Channel Islands", "CHI", ""), ("Chile", "CHL", ""),
    ("China", "CHN", ""), ("Colombia", "COL", ""), ("Comoros", "COM", ""), ("Congo, Dem. Rep.", "COD", "DR Congo"),
    ("Congo, Rep.", "COG", "Republic of the Congo"), ("Costa Rica", "CRI", ""), ("Cote d'Ivoire", "CIV", "Ivory Coast"),
    ("Croatia", "HRV", ""), ("Cuba", "CUB", ""), ("Curacao", "CUW", ""), ("Cyprus", "CYP", ""),
    ("Czechia", "CZE", "Czech Republic"), ("Denmark", "DNK", ""), ("Djibouti", "DJI", ""), ("Dominica", "DMA", ""),
    ("Dominican Republic", "DOM", ""), ("Ecuador", "ECU", ""), ("Egypt, Arab Rep.", "EGY", "Egypt"),
    ("El Salvador", "SLV", ""), ("Equatorial Guinea", "GNQ", ""), ("Eritrea", "ERI", ""), ("Estonia", "EST", ""),
    ("Eswatini", "SWZ", "Swaziland"), ("Ethiopia", "ETH", ""), ("Faroe Islands", "FRO", ""), ("Fiji", "FJI", ""),
    ("Finland", "FIN", ""), ("France", "FRA", ""), ("French Polynesia", "PYF", ""), ("Gabon", "GAB", ""),
    ("Gambia, The", "GMB", "Gambia"), ("Georgia", "GEO", ""), ("Germany", "DEU", ""), ("Ghana", "GHA", ""),
    ("Gibraltar", "GIB", ""), ("Greece", "GRC", ""), ("Greenland", "GRL", ""), ("Grenada", "GRD", ""),
    ("Guam", "GUM", ""), ("Guatemala", "GTM", ""), ("Guinea", "GIN", ""), ("Guinea-Bissau", "GNB", ""),
    ("Guyana", "GUY", ""), ("Haiti", "HTI", ""), ("Honduras", "HND", ""), ("Hong Kong SAR, China", "HKG", "Hong Kong"),
    ("Hungary", "HUN", ""), ("Iceland", "ISL", ""), ("India", "IND", ""), ("Indonesia", "IDN", ""),
    ("Iran, Islamic Rep.", "IRN", "Iran"), ("Iraq", "IRQ", ""), ("Ireland", "IRL", ""), ("Isle of Man", "IMN", ""),
    ("Israel", "ISR", ""), ("Italy", "ITA", ""), ("Jamaica", "JAM", ""), ("Japan", "JPN", ""), ("Jordan", "JOR", ""),
    ("Kazakhstan", "KAZ", ""), ("Kenya", "KEN", ""), ("Kiribati", "KIR", ""), ("Korea, Dem. People's Rep.", "PRK", "North Korea"),
    ("Korea, Rep.", "KOR", "South Korea"), ("Kosovo", "XKX", ""), ("Kuwait", "KWT", ""),
    ("Kyrgyz Republic", "KGZ", "Kyrgyzstan"), ("Lao PDR", "LAO", "Laos"), ("Latvia", "LVA", ""), ("Lebanon", "LBN", ""),
    ("Lesotho", "LSO", ""), ("Liberia", "LBR", ""), ("Libya", "LBY", ""), ("Liechtenstein", "LIE", ""),
    ("Lithuania", "LTU", ""), ("Luxembourg", "LUX", ""), ("Macao SAR, China", "MAC", "Macau"), ("Madagascar", "MDG", ""),
    ("Malawi", "MWI", ""), ("Malaysia", "MYS", ""), ("Maldives", "MDV", ""), ("Mali", "MLI", ""), ("Malta", "MLT", ""),
    ("Marshall Islands", "MHL", ""), ("Mauritania", "MRT", ""), ("Mauritius", "MUS", ""), ("Mexico", "MEX", ""),
    ("Micronesia, Fed. Sts.", "FSM", "Micronesia"), ("Moldova", "MDA", ""), ("Monaco", "MCO", ""), ("Mongolia", "MNG", ""),
    ("Montenegro", "MNE", ""), ("Morocco", "MAR", ""), ("Mozambique", "MOZ", ""), ("Myanmar", "MMR", "Burma"),
    ("Namibia", "NAM", ""), ("Nauru", "NRU", ""), ("Nepal", "NPL", ""), ("Netherlands", "NLD", "Holland"),
    ("New Caledonia", "NCL", ""), ("New Zealand", "NZL", ""), ("Nicaragua", "NIC", ""), ("Niger", "NER", ""),
    ("Nigeria", "NGA", ""), ("North Macedonia", "MKD", "Macedonia"), ("Northern Mariana Islands", "MNP", ""),
    ("Norway", "NOR", ""), ("Oman", "OMN", ""), ("Pakistan", "PAK", ""), ("Palau", "PLW", ""), ("Panama", "PAN", ""),
    ("Papua New Guinea", "PNG", ""), ("Paraguay", "PRY", ""), ("Peru", "PER", ""), ("Philippines", "PHL", ""),
    ("Poland", "POL", ""), ("Portugal", "PRT", ""), ("Puerto Rico", "PRI", ""), ("Qatar", "QAT", ""),
    ("Romania", "ROU", ""), ("Russian Federation", "RUS", "Russia"), ("Rwanda", "RWA", ""), ("Samoa", "WSM", ""),
    ("San Marino", "SMR", ""), ("Sao Tome and Principe", "STP", ""), ("Saudi Arabia", "SAU", ""), ("Senegal", "SEN", ""),
    ("Serbia", "SRB", ""), ("Seychelles", "SYC", ""), ("Sierra Leone", "SLE", ""), ("Singapore", "SGP", ""),
    ("Sint Maarten (Dutch part)", "SXM", ""), ("Slovak Republic", "SVK", "Slovakia"), ("Slovenia", "SVN", ""),
    ("Solomon Islands", "SLB", ""), ("Somalia", "SOM", ""), ("South Africa", "ZAF", ""), ("South Sudan", "SSD", ""),
    ("Spain", "ESP", ""), ("Sri Lanka", "LKA", ""), ("St. Kitts and Nevis", "KNA", ""), ("St. Lucia", "LCA", "Saint Lucia"),
    ("St. Martin (French part)", "MAF", ""), ("St. Vincent and the Grenadines", "VCT", ""), ("Sudan", "SDN", ""),
    ("Suriname", "SUR", ""), ("Sweden", "SWE", ""), ("Switzerland", "CHE", ""), ("Syrian Arab Republic", "SYR", "Syria"),
    ("Tajikistan", "TJK", ""), ("Tanzania", "TZA", ""), ("Thailand", "THA", ""), ("Timor-Leste", "TLS", "East Timor"),
    ("Togo", "TGO", ""), ("Tonga", "TON", ""), ("Trinidad and Tobago", "TTO", ""), ("Tunisia", "TUN", ""),
    ("Turkiye", "TUR", "Turkey"), ("Turkmenistan", "TKM", ""), ("Turks and Caicos Islands", "TCA", ""),
    ("Tuvalu", "TUV", ""), ("Uganda", "UGA", ""), ("Ukraine", "UKR", ""), ("United Arab Emirates", "ARE", "UAE"),
    ("United Kingdom", "GBR", "Britain"), ("United States", "USA", "US"), ("Uruguay", "URY", ""),
    ("Uzbekistan", "UZB", ""), ("Vanuatu", "VUT", ""), ("Venezuela, RB", "VEN", "Venezuela"), ("Viet Nam", "VNM", "Vietnam"),
    ("Virgin Islands (U.S.)", "VIR", ""), ("West Bank and Gaza", "PSE", "Palestine"), ("Yemen, Rep.", "YEM", "Yemen"),
    ("Zambia", "ZMB", ""), ("Zimbabwe", "ZWE", ""),
    # aggregates
    ("Africa Eastern and Southern", "AFE", ""), ("Africa Western and Central", "AFW", ""), ("Arab World", "ARB", ""),
    ("Caribbean small states", "CSS", ""), ("Central Europe and the Baltics", "CEB", ""),
    ("Early-demographic dividend", "EAR", ""), ("East Asia & Pacific", "EAS", ""),
    ("East Asia & Pacific (excluding high income)", "EAP", ""), ("Euro area", "EMU", "eurozone"),
    ("Europe & Central Asia", "ECS", ""), ("European Union", "EUU", "EU"),
    ("Fragile and conflict affected situations", "FCS", ""), ("Heavily indebted poor countries (HIPC)", "HPC", ""),
    ("High income", "HIC", ""), ("IBRD only", "IBD", ""), ("IDA & IBRD total", "IBT", ""), ("IDA blend", "IDB", ""),
    ("IDA only", "IDX", ""), ("IDA total", "IDA", ""), ("Late-demographic dividend", "LTE", ""),
    ("Latin America & Caribbean", "LCN", "Latin America"), ("Least developed countries: UN classification", "LDC", ""),
    ("Low & middle income", "LMY", ""), ("Low income", "LIC", ""), ("Lower middle income", "LMC", ""),
    ("Middle East & North Africa", "MEA", "MENA"), ("Middle income", "MIC", ""), ("North America", "NAC", ""),
    ("OECD members", "OED", "OECD"), ("Other small states", "OSS", ""), ("Pacific island small states", "PSS", ""),
    ("Post-demographic dividend", "PST", ""), ("Pre-demographic dividend", "PRE", ""), ("Small states", "SST", ""),
    ("South Asia", "SAS", ""), ("Sub-Saharan Africa", "SSF", ""), ("Upper middle income", "UMC", ""),
    ("World", "WLD", "the world"),
]


@dataclass(frozen=True)
class Sizes:
    countries: int
    indicators: int
    years: int  # tidy years
    wide_countries: int
    wide_indicators: int
    claims: int
    files: int

    @property
    def rows(self) -> int:
        return self.countries * self.indicators * self.years

    @property
    def wide_series(self) -> int:
        return self.wide_countries * self.wide_indicators


def sizes_for(rows: int, files: int, claims: int) -> Sizes:
    """250 × 200 × 20 at a million rows; fewer indicators (then countries) for fewer rows."""
    years = 20
    countries = min(len(COUNTRIES), 250)
    indicators = max(1, rows // (years * countries))
    if indicators < 10:
        indicators = 10
        countries = max(1, rows // (years * indicators))
    wide_series = max(100, rows // 50)  # 20,000 at a million rows
    wide_countries = min(len(COUNTRIES), 250)
    wide_indicators = max(1, wide_series // wide_countries)
    return Sizes(countries, indicators, years, wide_countries, wide_indicators, claims, files)


# --------------------------------------------------------------------------- data


def _indicator_names() -> tuple[list[str], list[dict]]:
    from ruamel.yaml import YAML

    doc = YAML(typ="safe").load(QUERIES.read_text(encoding="utf-8"))
    names = [s for s in doc["series"]["country"] if isinstance(s, str)]
    queries = [q for q in doc["queries"] if q.get("pool", "country") == "country"]
    return names, queries


def _code(name: str, i: int) -> str:
    letters = re.sub(r"[^A-Z]", "", name.upper())[:6] or "IND"
    return f"{letters[:2]}.{letters[2:6] or 'X'}.{i:04d}"


def _magnitude(name: str, rng: random.Random) -> tuple[float, int]:
    """A plausible value and its decimals for an indicator name."""
    if "%" in name or "rate" in name.lower() or "index" in name.lower():
        return rng.uniform(0.1, 60.0), rng.choice((2, 3, 4, 6))
    if "US$" in name or "LCU" in name or "$" in name:
        return 10 ** rng.uniform(8, 13), rng.choice((0, 1, 3))
    return 10 ** rng.uniform(2, 9), rng.choice((0, 0, 1))


class _Values:
    """The value of (country, indicator, year), the same in both tables, reproducible."""

    def __init__(self, names: list[str], seed: int = 7):
        rng = random.Random(seed)
        self.base = {n: _magnitude(n, rng) for n in names}
        self.seed = seed

    def text(self, ci: int, name: str, ii: int, year: int) -> str:
        base, dec = self.base[name]
        h = ((ci * 1_000_003 + ii * 10_007 + year * 97 + self.seed) * 2_654_435_761) & 0xFFFFFFFF
        v = base * (0.5 + (ci % 17) / 17) * 1.03 ** (year - 2000) * (0.95 + (h % 1000) / 10_000)
        return f"{v:.{dec}f}"


def _csv_cell(s: str) -> str:
    return f'"{s}"' if ("," in s or '"' in s) else s


def generate(sizes: Sizes, out: Path = DATA, force: bool = False) -> dict[str, Path]:
    """Write the data (unless it is there for these sizes); return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = out / "sizes.json"
    want = json.dumps(sizes.__dict__, sort_keys=True)
    paths = {"tidy": out / "tidy.csv", "wide": out / "wide.csv", "tidy_claims": out / "tidy-claims.yaml",
             "wide_claims": out / "wide-claims.yaml", "many": out / "many", "one": out / "many" / "claims-0000.yaml"}
    if not force and stamp.exists() and stamp.read_text() == want and all(p.exists() for p in paths.values()):
        return paths
    names, queries = _indicator_names()
    rng = random.Random(2024)
    values = _Values(names)
    countries = COUNTRIES[: sizes.countries] if sizes.countries <= len(COUNTRIES) else COUNTRIES
    tidy_ind = [names[i % len(names)] for i in range(sizes.indicators)]
    tidy_ind = _unique(tidy_ind)
    years = list(range(2024 - sizes.years, 2024))

    t0 = time.perf_counter()
    with open(paths["tidy"], "w", encoding="utf-8", newline="") as f:
        f.write("Country Name,Country Code,Indicator Name,Indicator Code,period,value\n")
        for ci, (cname, ccode, _) in enumerate(countries):
            cn = _csv_cell(cname)
            for ii, iname in enumerate(tidy_ind):
                prefix = f"{cn},{ccode},{_csv_cell(iname)},{_code(iname, ii)},"
                f.write("".join(f"{prefix}{y},{values.text(ci, iname, ii, y)}\n" for y in years))
    wide_c = COUNTRIES[: sizes.wide_countries]
    wide_ind = _unique([names[i % len(names)] for i in range(sizes.wide_indicators)])
    wyears = list(range(1960, 2024))
    with open(paths["wide"], "w", encoding="utf-8", newline="") as f:
        f.write('"Country Name","Country Code","Indicator Name","Indicator Code",'
                + ",".join(f'"{y}"' for y in wyears) + ",\n")
        for ci, (cname, ccode, _) in enumerate(wide_c):
            for ii, iname in enumerate(wide_ind):
                first = 1960 + (ci * 7 + ii * 3) % 40  # data starts late for many series
                cells = [values.text(ci, iname, ii, y) if y >= first else "" for y in wyears]
                f.write(f'"{cname}","{ccode}","{iname}","{_code(iname, ii)}",' + ",".join(f'"{c}"' for c in cells) + ",\n")
    spec_cols = "columns: {subject: Country Name, metric: Indicator Name}\n    aliases: [Country Code]"
    for kind, cl, inds, yrs in (("tidy", countries, tidy_ind, years), ("wide", wide_c, wide_ind, wyears[-30:])):
        path = paths[f"{kind}_claims"]
        path.write_text(_claims_text(f"{kind}.csv", spec_cols, kind, sizes.claims, cl, inds, yrs, queries, values,
                                     rng), encoding="utf-8")
    many = paths["many"]
    if many.exists():
        shutil.rmtree(many)
    many.mkdir()
    for i in range(sizes.files):
        (many / f"claims-{i:04d}.yaml").write_text(
            _claims_text("../tidy.csv", spec_cols, "tidy", 4, countries, tidy_ind, years, queries, values,
                         random.Random(i)), encoding="utf-8")
    stamp.write_text(want)
    print(f"generated data in {time.perf_counter() - t0:.1f} s under {out}", file=sys.stderr)
    return paths


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        seen[n] = k + 1
        out.append(n if k == 0 else f"{n} [{k}]")
    return out


def _claims_text(ref: str, spec_cols: str, layout: str, n: int, countries, indicators, years, queries, values,
                 rng: random.Random) -> str:
    by_expect: dict[str, list[str]] = {}
    for q in queries:
        if isinstance(q.get("expect"), str):
            by_expect.setdefault(q["expect"], []).append(q["q"])
    lines = [
        "version: 1",
        "references:",
        f"  - path: {ref}",
        f"    layout: {layout}",
        f"    {spec_cols}",
        "aliases:",
        "ALIASES",
    ]
    lines.append("claims:")
    all_ind = indicators
    used: list[str] = []
    for k in range(n):
        ci = rng.randrange(len(countries))
        cname, ccode, other = countries[ci]
        ii = rng.randrange(len(all_ind))
        iname = all_ind[ii]
        base_name = re.sub(r" \[\d+\]$", "", iname)
        year = rng.choice(years)
        r = rng.random()
        if r < 0.45:
            metric = iname
        elif r < 0.85 and by_expect.get(base_name):
            metric = rng.choice(by_expect[base_name])
        elif r < 0.93:
            metric = base_name.lower()
        else:
            metric = rng.choice(("number of unicorn startups", "cinema tickets sold per capita",
                                 "length of the coastline", "public satisfaction with transport"))
        subject = cname if rng.random() < 0.7 else (other or ccode) if rng.random() < 0.7 else ccode
        raw = float(values.text(ci, iname, ii, year)) if metric != "" else 0.0
        if rng.random() < 0.2:
            raw *= rng.choice((0.7, 1.3, 2.0))
        value = _claim_value(raw, iname, rng)
        if other and subject == other:
            used.append(f"  {json.dumps(cname)}: [{json.dumps(other)}]")
        lines += [
            f"  - id: c{k:04d}",
            f"    metric: {json.dumps(metric)}",
            f"    subject: {json.dumps(subject)}",
            f"    value: {json.dumps(value)}",
            f"    period: {year}",
        ]
    aliases = sorted(set(used)) or ["  {}"]
    if aliases == ["  {}"]:
        lines[lines.index("aliases:")] = "aliases: {}"
        lines.remove("ALIASES")
    else:
        at = lines.index("ALIASES")
        lines[at:at + 1] = aliases
    return "\n".join(lines) + "\n"


def _claim_value(x: float, name: str, rng: random.Random) -> str:
    pct = "%" in name
    hedge = rng.choice(("", "", "", "about ", "more than ", "nearly "))
    if pct:
        return f"{hedge}{x:.1f}%"
    for word, k in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
        if abs(x) >= k:
            return f"{hedge}{x / k:.{rng.choice((1, 2))}f} {word}"
    return f"{hedge}{x:,.0f}"


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child
    rss_mb: float  # the child's peak resident memory
    code: int


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = DATA) -> Run:
    """Run ``cmd``; its wall time, CPU time and peak memory (os.wait4: this child's own rusage)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read() if p.stderr else b""
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited {p.returncode}:\n{err.decode()[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, p.returncode)


def best(cmd: list[str], runs: int, env: dict[str, str] | None = None, before=None, base: "Baseline | None" = None) -> Run:
    """Best of ``runs`` by CPU time (the machine may be shared); ``before()`` runs before each; when
    ``base`` is given, a baseline run is interleaved with each run (a busy spell hurts both alike)."""
    out: list[Run] = []
    for _ in range(runs):
        if base is not None:
            base.measure()
        if before is not None:
            before()
        out.append(run(cmd, env))
    b = min(out, key=lambda r: r.cpu)
    return Run(min(r.wall for r in out), b.cpu, max(r.rss_mb for r in out), b.code)


CSV_READ = "import csv, sys\nwith open(sys.argv[1], newline='', encoding='utf-8') as f:\n    for row in csv.reader(f):\n        pass\n"


class Baseline:
    """Python's csv module reading a file, in a subprocess: the best of every run made so far."""

    def __init__(self, path: Path):
        self.path = path
        self.runs: list[Run] = []

    def measure(self) -> None:
        self.runs.append(run([sys.executable, "-c", CSV_READ, str(self.path)]))

    @property
    def best(self) -> Run:
        b = min(self.runs, key=lambda r: r.cpu)
        return Run(min(r.wall for r in self.runs), b.cpu, max(r.rss_mb for r in self.runs), 0)


PHASES = r'''
import json, sys, time
T = time.process_time
t0 = T()
from pathlib import Path
from factcheck._claims import load_claims_file
from factcheck._engine import check_file, load_datasets
from factcheck._run import CheckOptions
from factcheck import _cache
t1 = T()
cf = load_claims_file(Path(sys.argv[1]), sys.argv[1])
t2 = T()
cache = {}
opts = CheckOptions(use_cache=sys.argv[2] != "nocache", engine=sys.argv[3])
datasets = load_datasets(cf, cache, opts)
t3 = T()
check_file(cf, datasets)
t4 = T()
_cache.flush(cache)
t5 = T()
print(json.dumps({"imports": t1 - t0, "claims": t2 - t1, "datasets": t3 - t2, "judge": t4 - t3, "cache write": t5 - t4,
                  "series": sum(len(d.series) for d in datasets), "observations": sum(len(d.observations) for d in datasets)}))
'''


def phases(claims: Path, mode: str, engine: str, env: dict[str, str], runs: int, before=None) -> dict:
    """Where the time goes, in one process: the best of ``runs`` of each phase (CPU seconds)."""
    out: dict = {}
    for _ in range(runs):
        if before is not None:
            before()
        p = subprocess.run([sys.executable, "-c", PHASES, str(claims), mode, engine], cwd=DATA, env=env,
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(p.stderr[-2000:])
        got = json.loads(p.stdout)
        for k, v in got.items():
            out[k] = min(out.get(k, v), v)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows of the tidy table (default 1,000,000)")
    ap.add_argument("--files", type=int, default=500, help="small claims files in the folder (default 500)")
    ap.add_argument("--claims", type=int, default=1000, help="claims in each big claims file (default 1,000)")
    ap.add_argument("--quick", action="store_true", help="100,000 rows, 100 files, 200 claims, 2 runs")
    ap.add_argument("--runs", type=int, default=3, help="runs of each scenario; the best counts (default 3)")
    ap.add_argument("--only", choices=("tidy", "wide", "many", "duckdb"), action="append",
                    help="only these scenarios (repeat)")
    ap.add_argument("--regenerate", action="store_true", help="write the data again")
    args = ap.parse_args()
    if args.quick:
        args.rows, args.files, args.claims, args.runs = 100_000, 100, 200, 2
    sizes = sizes_for(args.rows, args.files, args.claims)
    paths = generate(sizes, force=args.regenerate)
    only = set(args.only or ("tidy", "wide", "many", "duckdb"))
    cache_dir = DATA / ".factcheck_cache"
    env = dict(os.environ, FACTCHECK_CACHE_DIR=str(cache_dir), COLUMNS="100")
    env.pop("FORCE_COLOR", None)
    env.pop("FACTCHECK_JOBS", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled once, not at every run
    bases = {k: Baseline(paths[k]) for k in ("tidy", "wide")}

    def clear() -> None:
        shutil.rmtree(cache_dir, ignore_errors=True)

    # the console script, as a user runs it (`factcheck check`, `uv run factcheck check`); else -m
    script = Path(sys.executable).with_name("factcheck.exe" if os.name == "nt" else "factcheck")
    entry = [str(script)] if script.exists() else [sys.executable, "-m", "factcheck"]
    check = entry + ["check", "--format", "json", "--no-config"]
    # a floor under any check: Python starting and importing the libraries the command needs (the CLI,
    # the claims file's validation and YAML reader, the matcher), nothing read
    floor_cmd = [sys.executable, "-c", "import typer, pydantic_core, ruamel.yaml, _ruamel_yaml, rapidfuzz"]
    print(f"factcheck scale benchmark: {sizes.rows:,} tidy rows ({_mb(paths['tidy'])}), "
          f"{sizes.wide_series:,} wide series × 64 years ({_mb(paths['wide'])}), {sizes.claims:,} claims, "
          f"{sizes.files} small files; best of {args.runs} by CPU time; {os.cpu_count()} cores")
    print("ratios: the check's wall time (and CPU time: user + system) over the csv module's reading the same "
          "file, in a subprocess too, run between the checks\n")
    print(f"{'scenario':<46} {'wall s':>7} {'cpu s':>7} {'wall x':>7} {'cpu x':>7} {'peak MB':>8}  target")
    notes: list[str] = []

    def line(name: str, r: Run, base: Run | None, target: str = "") -> None:
        wall = f"{r.wall / base.wall:6.2f}x" if base is not None else ""
        cpu = f"{r.cpu / base.cpu:6.2f}x" if base is not None else ""
        print(f"{name:<46} {r.wall:7.2f} {r.cpu:7.2f} {wall:>7} {cpu:>7} {r.rss_mb:8.0f}  {target}", flush=True)

    for kind in ("tidy", "wide"):
        if kind not in only:
            continue
        bl = bases[kind]
        claims = paths[f"{kind}_claims"]
        text = claims.read_text(encoding="utf-8")
        edits = iter(range(1_000_000))

        def edit_claims() -> None:  # a changed claims file: no report cache can answer, the index cache does
            claims.write_text(f"# edit {next(edits)}\n" + text, encoding="utf-8")

        cmd = check + [str(claims.name), "--engine", "python"]
        try:
            cold = best(cmd, args.runs, env, before=clear, base=bl)
            cold_one = best(cmd, args.runs, dict(env, FACTCHECK_JOBS="1"), before=clear, base=bl)
            best(cmd, 1, env)  # the cache is warm
            warm = best(cmd, args.runs, env, base=bl)
            edited = best(cmd, args.runs, env, before=edit_claims, base=bl)
            nocache = best(cmd + ["--no-cache"], args.runs, env, base=bl)
            floor = best(floor_cmd, args.runs, env, base=bl)
        finally:
            claims.write_text(text, encoding="utf-8")
        base = bl.best
        line(f"{kind}: csv module reads the file (baseline)", base, None)
        line(f"{kind}: check, cold cache", cold, base, "≤ 1.5x, < 300 MB")
        line(f"{kind}: check, cold cache, one process", cold_one, base)
        line(f"{kind}: check, warm cache", warm, base, "≤ 0.2x, < 300 MB")
        line(f"{kind}: check, warm cache, claims file edited", edited, base)
        line(f"{kind}: check --no-cache", nocache, base)
        line(f"{kind}: floor: Python importing the libraries", floor, base)
        ph_cold = phases(claims, "cache", "python", env, args.runs, before=clear)
        ph_warm = phases(claims, "cache", "python", env, args.runs)
        for label, ph in (("cold", ph_cold), ("warm", ph_warm)):
            notes.append(f"{kind} {label}, in one process (CPU s): " + ", ".join(
                f"{k} {v:.3f}" for k, v in ph.items() if isinstance(v, float)) +
                f"; {ph['series']:,} series, {ph['observations']:,} observations read; reference data "
                f"{ph['datasets'] / base.cpu:.2f}x the baseline")
    if "many" in only:
        bl = bases["tidy"]
        one = check + [str(paths["one"].relative_to(DATA)), "--engine", "python"]
        folder = check + [str(paths["many"].relative_to(DATA)), "--engine", "python"]
        seq_env = dict(env, FACTCHECK_JOBS="1")
        one_cold = best(one, args.runs, env, before=clear, base=bl)
        folder_cold = best(folder, args.runs, env, before=clear, base=bl)
        folder_cold_seq = best(folder, args.runs, seq_env, before=clear, base=bl)
        best(one, 1, env)
        one_warm = best(one, args.runs, env, base=bl)
        folder_warm = best(folder, args.runs, env, base=bl)
        base = bl.best
        line("one small file, cold cache", one_cold, base)
        line(f"folder of {sizes.files} files, cold cache", folder_cold, base, "≤ 5x one file")
        line(f"folder of {sizes.files} files, cold, one process", folder_cold_seq, base)
        line("one small file, warm cache", one_warm, base)
        line(f"folder of {sizes.files} files, warm cache", folder_warm, base, "≤ 5x one file")
        notes.append(f"folder / one file: cold {folder_cold.cpu / one_cold.cpu:.2f}x CPU, {folder_cold.wall / one_cold.wall:.2f}x "
                     f"wall; warm {folder_warm.cpu / one_warm.cpu:.2f}x CPU, {folder_warm.wall / one_warm.wall:.2f}x wall")
        notes.append(f"cold folder, worker processes against one process: wall {folder_cold.wall:.2f} s against "
                     f"{folder_cold_seq.wall:.2f} s ({folder_cold_seq.wall / folder_cold.wall:.2f}x faster), CPU "
                     f"{folder_cold.cpu:.2f} s against {folder_cold_seq.cpu:.2f} s")
    if "duckdb" in only:
        import importlib.util

        if importlib.util.find_spec("duckdb") is None:
            notes.append("duckdb is not installed: pip install 'factcheck-numbers[big]' to measure its engine")
        else:
            for kind in ("tidy", "wide"):
                bl = bases[kind]
                r = best(check + [paths[f"{kind}_claims"].name, "--engine", "duckdb", "--no-cache"], args.runs, env, base=bl)
                p = best(check + [paths[f"{kind}_claims"].name, "--engine", "python", "--no-cache"], args.runs, env, base=bl)
                line(f"{kind}: check --engine duckdb --no-cache", r, bl.best)
                line(f"{kind}: check --engine python --no-cache", p, bl.best)
    clear()
    print()
    for n in notes:
        print(n)


def _mb(p: Path) -> str:
    return f"{p.stat().st_size / 1e6:.0f} MB"


if __name__ == "__main__":
    main()
