"""The DuckDB engine (factcheck._bigtable) gives what the default engine gives: the same observations,
series, aliases and problems, and the same report. Needs the ``big`` extra (duckdb; in the dev group)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed: pip install 'factcheck-numbers[big]' (it is in the dev group)")

import factcheck._reference as R  # noqa: E402
from factcheck._bigtable import open_duckdb_source  # noqa: E402
from factcheck._errors import InputError  # noqa: E402
from factcheck._reference import ReferenceSpec  # noqa: E402
from factcheck._run import CheckOptions, run_check  # noqa: E402
from factcheck.output import get_formatter  # noqa: E402

from test_scale import EXAMPLE, _obs, make_table  # noqa: E402


def _dataset(src, spec: ReferenceSpec, wanted=None) -> tuple:
    try:
        ds = src.dataset(spec, wanted)
    except InputError as e:
        return ("problems", [str(p) for p in e.problems])
    return ("ok", [_obs(o) for o in ds.observations], [(k, [_obs(o) for o in v]) for k, v in ds.series.items()],
            ds.alias_map, ds.dimensions, ds.layout, ds.header)


def _python(spec: ReferenceSpec):
    try:
        return R.open_source(spec, engine="python")
    except InputError as e:
        return e


def test_generated_tables_read_alike(tmp_path: Path) -> None:
    used = 0
    for seed in range(150):
        rng = random.Random(seed)
        clean = seed % 3 != 0
        kw = make_table(rng, tmp_path / f"t{seed}.csv", rows=200 if clean else 40, series=12,
                        noise=0.0001 if clean else 1.0)
        spec = ReferenceSpec(**kw)
        py = _python(spec)
        try:
            duck = open_duckdb_source(spec, required=True)
        except InputError as e:
            assert isinstance(py, InputError) and [str(p) for p in e.problems] == [str(p) for p in py.problems], seed
            continue
        if duck is None:  # this file is the default engine's (a quoted line break, a blank or ragged line)
            continue
        used += 1
        assert not isinstance(py, InputError), seed
        assert _dataset(duck, spec) == _dataset(py, spec), seed

        def wanted(dims: dict) -> bool:
            return hash(tuple(sorted(dims.items()))) % 2 == 1

        assert _dataset(duck, spec, wanted) == _dataset(py, spec, wanted), seed
    assert used > 60, "DuckDB read most of the clean tables"


@pytest.mark.parametrize("body", [
    "a,b,period,value\nx,y,2020,1\n\nx,y,2021,2\n",  # a blank line: DuckDB skips it
    'a,b,period,value\n"x\ny",y,2020,1\nx,y,2021,2\n',  # a quoted line break
    "a,b,period,value\nx,y,2020,1,9\nx,y,2021,2\n",  # a row too long
    "a,b,period,value\nx,y,2020\nx,y,2021,2\n",  # a row too short
    b"a,b,period,value\nx,\xff,2020,1\n",  # not UTF-8
])
def test_files_duckdb_cannot_number_are_the_default_engines(tmp_path: Path, body) -> None:
    p = tmp_path / "d.csv"
    p.write_bytes(body if isinstance(body, bytes) else body.encode())
    spec = ReferenceSpec(path=p, display_path="d.csv")
    try:
        got = open_duckdb_source(spec, required=True)
    except InputError as e:  # found before DuckDB reads anything (the header's sample): as the default engine says
        py = _python(spec)
        assert isinstance(py, InputError) and [str(x) for x in py.problems] == [str(x) for x in e.problems]
        return
    assert got is None
    src = R.open_source(spec, engine="duckdb")  # falls back
    assert not hasattr(src, "_con")


def _report(paths: list[Path], engine: str) -> str:
    report = run_check(paths, CheckOptions(engine=engine))
    return get_formatter("json", color=False, width=100).format(report)


def test_worked_example_same_report() -> None:
    assert _report([EXAMPLE], "duckdb") == _report([EXAMPLE], "python")


def test_generated_claims_same_report(tmp_path: Path) -> None:
    rng = random.Random(3)
    lines = ["Country Name,Country Code,Indicator Name,period,value"]
    countries = [("Russian Federation", "RUS"), ("Uzbekistan", "UZB"), ("Korea, Rep.", "KOR")]
    indicators = ["GDP (current US$)", "GDP growth (annual %)", "Population, total", "Exports of goods and services (% of GDP)"]
    for c, code in countries:
        for ind in indicators:
            for year in range(2015, 2022):
                lines.append(f'"{c}",{code},"{ind}",{year},{rng.uniform(1, 100):.1f}')
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    claims = ["version: 1", "references:", "  - path: d.csv", "    columns: {subject: Country Name, metric: Indicator Name}",
              "    aliases: [Country Code]", "claims:"]
    for k in range(40):
        claims += [f"  - id: c{k}", f"    metric: {json.dumps(rng.choice(indicators + ['GDP', 'population', 'exports']))}",
                   f"    subject: {rng.choice(['RUS', 'Uzbekistan', 'KOR', 'Korea, Rep.'])}",
                   f"    value: {rng.uniform(1, 100):.0f}", f"    period: {rng.randint(2014, 2022)}"]
    (tmp_path / "c.yaml").write_text("\n".join(claims) + "\n", encoding="utf-8")
    assert _report([tmp_path / "c.yaml"], "duckdb") == _report([tmp_path / "c.yaml"], "python")


def test_parquet_reads_alike(tmp_path: Path) -> None:
    csv_path = tmp_path / "d.csv"
    csv_path.write_text("country,metric,period,value,unit\nUZ,exports,2020,15.1,USD\nUZ,exports,2021,16.66,USD\n"
                        "KZ,exports,2021,60.3,USD\nUZ,imports,2021,,USD\n", encoding="utf-8")
    pq = tmp_path / "d.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar=true)) TO '{pq}' (FORMAT parquet)")
    con.close()
    spec = ReferenceSpec(path=pq, display_path="d.parquet", columns={"subject": "country"})
    py = R.open_source(spec, engine="python")  # the general path: every row through duckdb's cursor
    duck = open_duckdb_source(spec, required=True)
    assert duck is not None
    assert _dataset(duck, spec) == _dataset(py, spec)
    assert _dataset(duck, spec)[1][1][6] == "16.66"


def test_auto_reads_parquet_with_duckdb(tmp_path: Path) -> None:
    pq = tmp_path / "d.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 'UZ' AS subject, 'exports' AS metric, '2021' AS period, '16.66' AS value) TO '{pq}' (FORMAT parquet)")
    con.close()
    src = R.open_source(ReferenceSpec(path=pq, display_path="d.parquet"), engine="auto")
    assert hasattr(src, "_con")
