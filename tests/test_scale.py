"""Big reference tables: the fast CSV index against the general reader, reading only the series the claims
need (the same report as reading everything), the metric shortlist, one index per file in a run, progress.

The timings are measured by tests/benchmarks/scale.py, never asserted here.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
from pathlib import Path

import pytest

import factcheck._reference as R
from factcheck._errors import InputError
from factcheck._matching import metric_score
from factcheck._reference import MetricShortlist, ReferenceSpec, load_dataset
from factcheck._run import CheckOptions, run_check
from factcheck.output import get_formatter

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "claims" / "uzbekistan-russia-2021.yaml"
QUERIES = ROOT / "tests" / "data" / "metric_queries.yaml"


# --------------------------------------------------------------------------- generated tables


def _cell(rng: random.Random, kind: str, noise: float) -> str:
    if kind == "val":
        if rng.random() < noise:
            return rng.choice(["..", "", "n/a", "1e3", "over 14", "abc", "5,6", " 7 ", "0.70", "12x3"])
        return rng.choice(["1", "2.5", "-3", "1234.5678", "0.001"])
    if kind == "per":
        if rng.random() < noise:
            return rng.choice(["bad", "", " 2019 "])
        return rng.choice(["2020", "2021", "2021-Q1", "2021-01"])
    return rng.choice(["Russia", "Côte d'Ivoire", "Korea, Rep.", 'The "Big" One', "  padded ", "", "Uzbekistan",
                       "A;B", "Bahamas, The", "Ünïcode", "GDP (current US$)", "exports"])


def _quote(s: str, delim: str, rng: random.Random) -> str:
    if any(c in s for c in (delim, '"', "\n", "\r")) or (s and rng.random() < 0.1):
        return '"' + s.replace('"', '""') + '"'
    return s


def make_table(rng: random.Random, path: Path, rows: int = 60, series: int = 6, noise: float = 1.0) -> dict:
    """A random CSV table (tidy or wide, any delimiter, quoting, CRLF, BOM, blank, short and long rows,
    quoted line breaks, bad cells) and reference options for it."""
    delim = rng.choice([",", ",", ";", "\t", "|"])
    tidy = rng.random() < 0.6
    if tidy:
        cols = ["country", "metric", "period", "value"] + rng.sample(["unit", "scale", "source", "code"], rng.randint(0, 3))
        if rng.random() < 0.3:
            rng.shuffle(cols)
    else:
        cols = ["country", "metric"] + rng.sample(["unit", "code", "source"], rng.randint(0, 2)) + ["2019", "2020", "2021"]
    kinds = {"period": "per", "value": "val", "2019": "val", "2020": "val", "2021": "val"}
    consts = {"unit": ["", "USD", "count", "thousand USD"], "scale": ["", "thousand", "bogus"], "source": ["", "IMF", "WB"]}
    keys = [[rng.choice(consts[c]) if c in consts else _cell(rng, "name", 0) for c in cols] for _ in range(series)]
    nl = "\r\n" if rng.random() < 0.2 else "\n"
    lines = (["sep=" + delim] if rng.random() < 0.05 else []) + [delim.join(_quote(c, delim, rng) for c in cols)]
    sort = rng.random() < 0.6
    for i in range(rows):
        k = keys[(i * series // max(rows, 1)) if sort else rng.randrange(series)]
        row = [_cell(rng, kinds[c], 0.1 * noise) if c in kinds else k[j] for j, c in enumerate(cols)]
        r = rng.random() / noise
        if r < 0.03:
            row = row[:-1]
        elif r < 0.05:
            row = row + ["extra"]
        elif r < 0.07:
            row = [""] * len(row)
        text = delim.join(_quote(c, delim, rng) for c in row)
        r = rng.random() / noise
        if r < 0.02:
            text = ""
        elif r < 0.03:
            text = '"multi\nline"' + text[text.find(delim):] if delim in text else text
        lines.append(text)
    body = nl.join(lines) + (nl if rng.random() < 0.8 else "")
    data = body.encode("utf-8")
    if rng.random() < 0.1:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    kw: dict = {"path": path, "display_path": "d/x.csv"}
    if rng.random() < 0.5:
        kw["columns"] = {"partner": "country"}
    if "code" in cols and rng.random() < 0.5:
        kw["aliases"] = ["code"]
    if rng.random() < 0.2:
        kw["scale"] = "million"
    if rng.random() < 0.2:
        kw["set"] = {"subject": "UZ"}
    if delim == ";" and rng.random() < 0.5:
        kw["decimal"] = ","
    return kw


def _obs(o) -> tuple:
    v = o.value
    return (o.dataset, o.row, o.column, o.column_index, o.dims, o.period, o.raw, o.unit, o.source, o.url,
            o.published, o.note, v.interval.low, v.interval.high, v.interval.low_closed, v.interval.high_closed,
            v.unit, v.scale, v.hedge)


def _read(kw: dict, wanted=None) -> tuple:
    try:
        ds = load_dataset(ReferenceSpec(**kw), wanted=wanted)
    except InputError as e:
        return ("problems", [str(p) for p in e.problems])
    return ("ok", [_obs(o) for o in ds.observations], [(k, [_obs(o) for o in v]) for k, v in ds.series.items()],
            ds.alias_map, ds.dimensions, ds.layout, ds.header)


def _general_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(R._Loader, "index_csv", lambda self, *a, **k: False)


@pytest.mark.parametrize("block,parts", [(R._BLOCK, 1), (61, 1), (R._BLOCK, 3), (61, 2)])
def test_fast_index_reads_like_the_general_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int,
                                                  parts: int) -> None:
    """The byte-level index (runs of lines) gives what the csv module row by row gives: observations,
    series and their order, aliases, problems and their order; with tiny read blocks too, and with the
    file indexed in parts by worker processes (every file cut in ``parts``)."""
    joined: list[int] = []
    if parts > 1:
        monkeypatch.setattr(R, "PART_MIN_BYTES", 2)
        monkeypatch.setenv("FACTCHECK_JOBS", str(parts))
        adopt = R._Loader._adopt_part
        monkeypatch.setattr(R._Loader, "_adopt_part", lambda self, *a: joined.append(1) or adopt(self, *a))
    fast_used = 0
    for seed in range(250 if parts == 1 else 60):
        rng = random.Random(seed)
        big = seed % 10 == 0
        kw = make_table(rng, tmp_path / f"t{seed}.csv", rows=800 if big else 60, series=40 if big else 6,
                        noise=0.02 if big else 1.0)
        monkeypatch.setattr(R, "_BLOCK", block)
        ix, _ = R._build_index(ReferenceSpec(**kw), None, None) if _loads(kw) else (None, None)
        fast_used += ix is not None and ix.kind == "csv"
        fast = _read(kw)
        with monkeypatch.context() as m:
            _general_only(m)
            general = _read(kw)
        assert fast == general, f"seed {seed}"
    assert fast_used > 25, "the fast path was taken"
    assert parts == 1 or len(joined) > 25, "files were indexed in parts"


def test_a_failed_part_is_read_by_the_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that fails (killed, out of memory: here, nothing comes back) is no error: its part is
    indexed by the process itself, with the same result."""
    monkeypatch.setattr(R, "PART_MIN_BYTES", 2)
    monkeypatch.setenv("FACTCHECK_JOBS", "4")
    for seed in range(30):
        kw = make_table(random.Random(seed), tmp_path / f"f{seed}.csv", rows=200, series=12, noise=0.02)
        whole = _read(kw)
        with monkeypatch.context() as m:
            m.setattr(R, "_collect", lambda pid, fd: R._stop_worker(pid, fd))
            assert _read(kw) == whole
        with monkeypatch.context() as m:
            m.setattr(os, "fork", lambda: (_ for _ in ()).throw(BlockingIOError(11, "Resource temporarily unavailable")))
            assert _read(kw) == whole  # no process to be had
        with monkeypatch.context() as m:
            _general_only(m)
            assert _read(kw) == whole


def test_parts_are_cut_at_line_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n" + b"".join(b"x%d,%d\n" % (i, i) for i in range(5000)))
    size = path.stat().st_size
    monkeypatch.setattr(R, "PART_MIN_BYTES", 1000)
    monkeypatch.setenv("FACTCHECK_JOBS", "3")
    parts = R._parts(path, size)
    assert len(parts) == 3 and parts[0][0] == 0 and parts[-1][1] is None
    data = path.read_bytes()
    for (a, b), (c, _) in zip(parts, parts[1:]):
        assert b == c and data[b - 1:b] == b"\n" and a < b
    monkeypatch.setenv("FACTCHECK_JOBS", "1")
    assert R._parts(path, size) == []  # one process asked for
    monkeypatch.setenv("FACTCHECK_JOBS", "3")
    monkeypatch.setattr(R, "PART_MIN_BYTES", size + 1)
    assert R._parts(path, size) == []  # too small to pay


def _loads(kw: dict) -> bool:
    try:
        R._build_index(ReferenceSpec(**kw), None, None)
        return True
    except InputError:
        return False


def test_wanted_reads_only_those_series(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``wanted``, a series' observations are those of a full read; rows of other series are not
    read at all, so their problems are not reported."""
    for seed in range(120):
        rng = random.Random(1000 + seed)
        kw = make_table(rng, tmp_path / f"w{seed}.csv")
        full = _read(kw)

        def wanted(dims: dict) -> bool:
            return hash(tuple(sorted(dims.items()))) % 2 == 0

        part = _read(kw, wanted)
        if full[0] == "ok":
            assert part[0] == "ok", seed
            keep = [o for o in full[1] if wanted(dict(o[4]))]
            assert part[1] == keep
            assert [k for k, _ in part[2]] == [k for k, _ in full[2] if wanted(dict(k))]
            assert part[3] == full[3], "the alias map is complete"
        elif part[0] == "problems":
            assert set(part[1]) <= set(full[1]) or any("more problems" in p for p in full[1])


# --------------------------------------------------------------------------- the same report


def _report(paths: list[Path], monkeypatch: pytest.MonkeyPatch | None = None, **opts) -> str:
    report = run_check(paths, CheckOptions(**opts))
    return get_formatter("json", color=False, width=100).format(report)


def _everything(m: pytest.MonkeyPatch) -> None:
    """Read every series, as before the claims chose which (the precise path, without the shortlist)."""
    m.setattr(R, "claim_requests", lambda cf: None)


def test_worked_example_same_report_with_and_without_selection(monkeypatch: pytest.MonkeyPatch) -> None:
    selected = _report([EXAMPLE])
    with monkeypatch.context() as m:
        _everything(m)
        everything = _report([EXAMPLE])
    assert selected == everything
    assert json.loads(selected)["summary"]["claims"] > 10


WDI = [
    "GDP (current US$)", "GDP (constant 2015 US$)", "GDP growth (annual %)", "GDP per capita (current US$)",
    "Exports of goods and services (% of GDP)", "Imports of goods and services (current US$)",
    "Population, total", "Unemployment, total (% of total labor force) (modeled ILO estimate)",
    "Inflation, consumer prices (annual %)", "Foreign direct investment, net inflows (BoP, current US$)",
]


def test_generated_data_same_report_with_and_without_selection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    countries = ["Russian Federation", "Uzbekistan", "Kazakhstan", "Korea, Rep.", "Egypt, Arab Rep."]
    codes = ["RUS", "UZB", "KAZ", "KOR", "EGY"]
    lines = ["Country Name,Country Code,Indicator Name,period,value"]
    for c, code in zip(countries, codes):
        for ind in WDI:
            for year in range(2015, 2022):
                lines.append(f'"{c}",{code},"{ind}",{year},{rng.uniform(1, 1000):.2f}')
    (tmp_path / "wdi.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    queries = ["GDP", "real GDP", "GDP growth", "exports share of GDP", "population", "jobless rate",
               "inflation", "FDI inflows", "imports", "number of cinemas", "GDP per head", "economy"]
    claims = ["version: 1", "references:", "  - path: wdi.csv",
              "    columns: {subject: Country Name, metric: Indicator Name}", "    aliases: [Country Code]",
              "aliases: {Russia: [Russian Federation], Korea: [South Korea]}", "claims:"]
    for k in range(80):
        subject = rng.choice(countries + codes + ["Russia", "South Korea"])
        claims += [f"  - id: c{k}", f"    metric: {json.dumps(rng.choice(queries + WDI))}",
                   f"    subject: {json.dumps(subject)}", f"    value: {rng.uniform(1, 1000):.0f}",
                   f"    period: {rng.randint(2014, 2022)}"]
    claims += ["  - id: open_subject", "    metric: GDP (current US$)", "    value: 5", "    period: 2020",
               "  - id: no_metric", "    subject: KAZ", "    value: 5", "    period: 2020"]
    claims += ["  - id: derived", "    metric: GDP", "    subject: Uzbekistan", "    value: 1", "    period: 2020",
               '    compute: ref(metric="Population, total") / sum(metric="GDP (current US$)")']
    (tmp_path / "c.yaml").write_text("\n".join(claims) + "\n", encoding="utf-8")
    selected = _report([tmp_path / "c.yaml"])
    with monkeypatch.context() as m:
        _everything(m)
        everything = _report([tmp_path / "c.yaml"])
    assert selected == everything
    verdicts = {c["verdict"] for c in json.loads(selected)["files"][0]["claims"]}
    assert {"contradicted", "unverified", "ambiguous"} <= verdicts


# --------------------------------------------------------------------------- the shortlist


def _names_and_queries() -> tuple[list[str], list[str]]:
    from ruamel.yaml import YAML

    doc = YAML(typ="safe").load(QUERIES.read_text(encoding="utf-8"))
    names = [s if isinstance(s, str) else s["name"] for pool in doc["series"].values() for s in pool]
    queries = [q["q"] for q in doc["queries"]] + names[:60]
    return names, queries


@pytest.mark.parametrize("threshold", [0.0, 30.0, 60.0, 85.0, 100.0])
def test_shortlist_keeps_every_name_the_scorer_accepts(threshold: float) -> None:
    """The shortlist never drops a name whose metric_score reaches the threshold, and scores like it."""
    names, queries = _names_and_queries()
    sl = MetricShortlist(names)
    for q in queries:
        precise = {n: s for n in names if (s := metric_score(q, n)) >= threshold}
        got = dict(sl.matches(q, threshold))
        assert got == precise, q


# --------------------------------------------------------------------------- one index per file in a run


def test_specs_differing_only_in_display_path_share_one_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "sub").mkdir()
    (tmp_path / "data" / "d.csv").write_text("subject,metric,period,value\nUZ,exports,2021,16.66\n", encoding="utf-8")
    body = "claims:\n  - {id: ex, subject: UZ, metric: exports, value: 16.7, period: 2021}\n"
    (tmp_path / "a.yaml").write_text("version: 1\nreferences: [{path: data/d.csv}]\n" + body, encoding="utf-8")
    (tmp_path / "sub" / "b.yaml").write_text("version: 1\nreferences: [{path: ../data/d.csv}]\n" + body, encoding="utf-8")
    built: list[str] = []
    real = R._build_index
    monkeypatch.setattr(R, "_build_index", lambda spec, *a: built.append(spec.display_path) or real(spec, *a))
    report = run_check([tmp_path / "a.yaml", tmp_path / "sub" / "b.yaml"], CheckOptions())
    assert len(built) == 1
    datasets = [c.evidence[0].dataset for f in report.files for c in f.claims]
    alone = [c.evidence[0].dataset for p in (tmp_path / "a.yaml", tmp_path / "sub" / "b.yaml")
             for f in run_check([p], CheckOptions()).files for c in f.claims]
    assert datasets == alone and datasets[0] != datasets[1], "each file's evidence names the file as it wrote it"


# --------------------------------------------------------------------------- progress


def test_progress_callback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "".join(f"UZ,m{i % 50},{2000 + i % 20},{i}\n" for i in range(3000))
    (tmp_path / "d.csv").write_text("subject,metric,period,value\n" + rows, encoding="utf-8")
    for k in range(3):
        (tmp_path / f"c{k}.yaml").write_text(
            "version: 1\nreferences: [{path: d.csv}]\nclaims:\n  - {id: a, subject: UZ, metric: m1, value: 1, period: 2001}\n",
            encoding="utf-8")
    monkeypatch.setattr(R, "_BLOCK", 4096)
    calls: list[tuple] = []
    run_check([tmp_path], CheckOptions(progress=lambda task, done, total: calls.append((task, done, total))))
    reading = [c for c in calls if c[0].startswith("reading")]
    assert reading and reading[-1][1] == reading[-1][2] == (tmp_path / "d.csv").stat().st_size
    assert [c[1:] for c in calls if c[0] == "checking claims files"] == [(0, 3), (1, 3), (2, 3)]


def test_progress_bar_waits_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    from factcheck.cli import _Progress

    p = _Progress()
    now = [0.0]
    p._clock = lambda: now[0]
    p("reading x", 1, 10)
    assert p._bar is None, "nothing is drawn for a task shorter than a second"
    now[0] = 1.5
    p("reading x", 5, 10)
    assert p._bar is not None
    p.close()
    assert p._bar is None


def test_dataset_is_marked_partial() -> None:
    from factcheck._claims import load_claims_file
    from factcheck._engine import load_datasets

    cf = load_claims_file(EXAMPLE)
    datasets = load_datasets(cf)
    assert all(not d.complete for d in datasets)
    assert all(dataclasses.is_dataclass(d) for d in datasets)


# --------------------------------------------------------------------------- many files in processes


def test_many_files_in_worker_processes_give_the_same_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    shutil.copytree(EXAMPLE.parent, tmp_path / "claims")
    for k in range(9):
        shutil.copy(EXAMPLE, tmp_path / "claims" / f"copy{k}.yaml")
    (tmp_path / "claims" / "broken.yaml").write_text("version: 1\nclaims:\n  - id: a\n    value: [5\n", encoding="utf-8")
    monkeypatch.setenv("FACTCHECK_JOBS", "1")
    one = run_check([tmp_path / "claims"], CheckOptions(coverage=True))
    monkeypatch.setenv("FACTCHECK_JOBS", "3")
    calls: list[tuple] = []
    many = run_check([tmp_path / "claims"], CheckOptions(coverage=True, progress=lambda *a: calls.append(a)))
    fmt = get_formatter("json", color=False, width=100)
    assert fmt.format(many) == fmt.format(one)
    assert many.extra == one.extra and one.extra["coverage"]["numbers"] > 0
    assert calls[-1] == ("checking claims files", 11, 11)


@pytest.mark.parametrize("decimal", [".", ","])
def test_plain_numbers_read_as_the_value_grammar_reads_them(tmp_path: Path, decimal: str) -> None:
    """The fast path for plain numbers (built lazily) gives the quantity the value grammar gives."""
    from factcheck._quantity import parse_value

    cells = ["0", "7", "-3", "12.50", "-0.001", "0070", "1.2.3", "1e3", "+5", "−2", "٣", "5.", ".5", "-.5", "-",
             "1 000", "12,5", "12,500", "3,000.25", "²", "1_000", "0.70"]
    sep = ";"
    rows = "".join(f'UZ{sep}m{i}{sep}2021{sep}"{c}"\n' for i, c in enumerate(cells))
    (tmp_path / "d.csv").write_text(f"subject{sep}metric{sep}period{sep}value\n" + rows, encoding="utf-8")
    spec = ReferenceSpec(path=tmp_path / "d.csv", display_path="d.csv", decimal=decimal)
    try:
        ds = load_dataset(spec)
    except InputError as e:
        bad = {p.message.split("'")[1] for p in e.problems}
        ds = load_dataset(spec, wanted=lambda d: cells[int(d["metric"][1:])] not in bad)
    for o in ds.observations:
        want = parse_value(o.raw, reference=True, decimal=decimal)
        assert (o.value.interval, o.value.unit, o.value.hedge) == (want.interval, want.unit, want.hedge), o.raw


# --------------------------------------------------------------------------- the bulk read of a CSV file's rows


def _wb_wide(rng: random.Random, series: int, quote_all: bool, nl: str, bad: str | None) -> str:
    """A World Bank download: every cell quoted, a delimiter after the last column, early years empty."""
    years = [str(y) for y in range(1990, 2001)]
    q = (lambda c: '"' + c.replace('"', '""') + '"') if quote_all else (
        lambda c: '"' + c.replace('"', '""') + '"' if ("," in c or '"' in c) else c)
    lines = [",".join(q(c) for c in ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *years]) + ","]
    names = ["Korea, Rep.", "Bahamas, The", 'The "Big" One', "Uzbekistan", "Côte d'Ivoire"]
    for i in range(series):
        cells = [names[i % len(names)], f"C{i % len(names)}", rng.choice(WDI), f"I.{i}"]
        for k in range(len(years)):
            r = rng.random()
            cells.append("" if r < 0.3 else ".." if r < 0.35 else f"{rng.uniform(-1e6, 1e9):.{rng.randint(0, 3)}f}")
        if bad is not None and i == series // 2:
            cells[-3] = bad
        lines.append(",".join(q(c) for c in cells) + ",")
    return nl.join(lines) + nl


def _wb_tidy(rng: random.Random, series: int, quote_all: bool, nl: str, bad: str | None) -> str:
    q = (lambda c: '"' + c.replace('"', '""') + '"') if quote_all else (
        lambda c: '"' + c.replace('"', '""') + '"' if ("," in c or '"' in c) else c)
    lines = ["Country Name,Country Code,Indicator Name,period,value"]
    names = ["Korea, Rep.", "Uzbekistan", 'The "Big" One', "Kazakhstan"]
    for i in range(series):
        name, ind = names[i % len(names)], rng.choice(WDI)
        for year in range(2010, 2010 + rng.randint(1, 6)):
            value = rng.choice(["", "..", f"{rng.uniform(-1e3, 1e6):.2f}", str(rng.randint(0, 10**9))])
            lines.append(",".join(q(c) for c in [name, f"C{i % len(names)}", ind, str(year), value]))
    if bad is not None:
        lines.insert(len(lines) // 2, ",".join(q(c) for c in [names[0], "C0", WDI[0], "2015", bad]))
    return nl.join(lines) + nl


@pytest.mark.parametrize("layout", ["wide", "tidy"])
@pytest.mark.parametrize("quote_all", [True, False])
@pytest.mark.parametrize("nl", ["\n", "\r\n"])
@pytest.mark.parametrize("bad", [None, "abc", " 7 ", "1" * 400, "5.6 billion", '"q"'])
def test_bulk_read_like_row_by_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str, quote_all: bool,
                                   nl: str, bad: str | None) -> None:
    """A file the index reads from its bytes has its rows read in bulk (the cells after the key cells split
    at once, checked a column at a time, observations made on first use): the same observations,
    series and problems as the csv module row by row; every wanted subset too."""
    rng = random.Random(hash((layout, quote_all, nl, bad)) % 1000)
    make = _wb_wide if layout == "wide" else _wb_tidy
    path = tmp_path / "t.csv"
    path.write_bytes(make(rng, 40, quote_all, nl, bad).encode("utf-8"))
    kw = {"path": path, "display_path": "d/t.csv", "layout": layout,
          "columns": {"subject": "Country Name", "metric": "Indicator Name"}, "aliases": ["Country Code"]}
    ix, _ = R._build_index(ReferenceSpec(**kw), None, None)
    assert ix.kind == "csv"
    row_by_row: list[int] = []
    real = R._View._materialize
    monkeypatch.setattr(R._View, "_materialize", lambda self, e, runs: row_by_row.extend(e) or real(self, e, runs))
    fast = _read(kw)
    monkeypatch.setattr(R._View, "_materialize", real)
    if bad is None:
        assert not row_by_row, "clean rows are read in bulk"
    if fast[0] == "ok":
        ds = load_dataset(ReferenceSpec(**kw))
        assert all(v.units == frozenset(o.unit for o in v) for v in ds.series.values())
    with monkeypatch.context() as m:
        _general_only(m)
        general = _read(kw)
    assert fast == general
    if bad in ("abc", '"q"'):
        assert fast[0] == "problems" and any(bad in p for p in fast[1])
    elif bad != "1" * 400:  # (that one is read by the value grammar)
        assert fast[0] == "ok"
    for k in range(3):
        def wanted(dims: dict, k: int = k) -> bool:
            return hash(tuple(sorted(dims.items()))) % 3 != k

        part = _read(kw, wanted)
        with monkeypatch.context() as m:
            _general_only(m)
            assert part == _read(kw, wanted)


def test_bulk_read_makes_observations_on_first_use(tmp_path: Path) -> None:
    """Reading a dataset checks every cell of the series it holds, but makes their observations when a
    series (or the list of all observations) is first looked at; each once, shared by both."""
    path = tmp_path / "t.csv"
    path.write_text(_wb_tidy(random.Random(1), 30, False, "\n", None), encoding="utf-8")
    ds = load_dataset(ReferenceSpec(path=path, columns={"subject": "Country Name", "metric": "Indicator Name"}))
    lists = list(ds.series.values())
    assert all(isinstance(v, R._Lazy) and v._make is not None for v in lists)
    units = [v.units for v in lists]
    first = lists[0]
    assert len(first) > 0 and first._make is None and lists[1]._make is not None
    assert [o for v in lists for o in v] and all(v._make is None for v in lists)
    by_id = {id(o) for v in lists for o in v}
    assert {id(o) for o in ds.observations} == by_id, "the series and the list of all hold the same objects"
    assert units == [frozenset(o.unit for o in v) for v in lists], "a series' units are known before it is made"


def test_lazy_list_is_a_list() -> None:
    made: list[int] = []

    def make() -> list[int]:
        made.append(1)
        return [3, 1, 2]

    def lazy() -> R._Lazy:
        return R._Lazy.deferred(make)

    assert lazy() == [3, 1, 2] and [3, 1, 2] == lazy() and lazy() != [1] and not (lazy() != [3, 1, 2])
    assert len(lazy()) == 3 and list(lazy()) == [3, 1, 2] and lazy()[-1] == 2 and lazy()[1:] == [1, 2]
    assert 2 in lazy() and sorted(lazy()) == [1, 2, 3] and bool(lazy()) and not R._Lazy.deferred(list)
    assert lazy() + [4] == [3, 1, 2, 4] and [0] + lazy() == [0, 3, 1, 2] and lazy() == lazy()
    assert repr(lazy()) == "[3, 1, 2]" and lazy() < [4] and max(lazy()) == 3 and tuple(lazy()) == (3, 1, 2)
    a = lazy()
    a.append(5)
    a.sort()
    assert a == [1, 2, 3, 5] and a.index(5) == 3 and a.count(1) == 1
    import copy
    import pickle

    for b in (pickle.loads(pickle.dumps(lazy())), copy.copy(lazy()), copy.deepcopy(lazy())):
        assert b == [3, 1, 2] and type(b) is list
    assert R._Lazy([1, 2]) == [1, 2] and R._Lazy() == []
    n = len(made)
    c = lazy()
    assert len(made) == n, "made on first use only"
    assert len(c) == 3 and len(c) == 3 and len(made) == n + 1


def test_series_units_are_known_before_the_series_is_made(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("country,metric,unit,period,value\n"
                    "UZ,exports,USD,2020,1\nUZ,exports,USD,2021,5.6 billion EUR\nUZ,exports,percent,2022,3\n"
                    "KZ,exports,,2020,2\nKZ,imports,count,2020,..\n", encoding="utf-8")
    ds = load_dataset(ReferenceSpec(path=path, columns={"subject": "country"}))
    expect = {(("metric", "exports"), ("subject", "UZ")): {"USD", "EUR", "percent"},
              (("metric", "exports"), ("subject", "KZ")): {""}}
    assert {k: set(v.units) for k, v in ds.series.items()} == expect
    assert {k: {o.unit for o in v} for k, v in ds.series.items()} == expect


@pytest.mark.parametrize("header, rows", [
    ("name,2020,2021,,note_ignored", ["A,1,2,7,8", "B,,,7,9", "C,..,,,"]),  # ignored cells after the years
    ("name,2020,,2021", ["A,1,5,2", "B,,5,"]),  # an ignored column between them
    ("name,2020,2021", ["A,1,2", "B,,"]),
])
def test_wide_rows_without_observations_make_no_series(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, header: str,
                                                       rows: list[str]) -> None:
    """A wide row whose period cells are all empty or missing is no series, whatever its ignored cells
    hold: the bulk read says so as the row-by-row one does."""
    path = tmp_path / "w.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    kw = {"path": path, "display_path": "w.csv", "layout": "wide", "set": {"note_ignored": "x"}}
    fast = _read(kw)
    with monkeypatch.context() as m:
        _general_only(m)
        assert fast == _read(kw)
    assert fast[0] == "ok" and [dict(k)["name"] for k, _ in fast[2]] == ["A"]


def test_loaded_data_is_frozen_during_the_run_and_unfrozen_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """run_check hides the loaded claims and reference data from the cyclic collector while it judges
    (gc.freeze), and gives them back at the end: a library caller's collections see them again."""
    import gc

    import factcheck._engine as E

    seen: list[int] = []
    judge = E.check_file

    def spy(*a, **k):
        seen.append(gc.get_freeze_count())
        return judge(*a, **k)

    monkeypatch.setattr(E, "check_file", spy)
    assert gc.get_freeze_count() == 0
    report = run_check([Path("claims/uzbekistan-russia-2021.yaml")], CheckOptions())
    assert seen and seen[0] > 1000  # the claims and the tables were frozen before judging
    assert gc.get_freeze_count() == 0 and report.files[0].claims


def test_a_paused_stretch_in_a_run_freezes_what_it_made_and_outside_a_run_does_not() -> None:
    """Within a frozen run, what a paused stretch made is frozen at its end (the collector would
    otherwise walk it all at the next allocation); outside a run, paused leaves the collector as it was."""
    import gc

    from factcheck._gc import frozen_run, paused

    assert gc.get_freeze_count() == 0
    with paused():
        made = [[i] for i in range(5000)]
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    with frozen_run():
        with paused():
            made = [[i] for i in range(5000)]
            assert not gc.isenabled()
        assert gc.get_freeze_count() >= len(made) and gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_runs_of_entries_from_the_table_as_from_the_walk(tmp_path: Path) -> None:
    """The second and later lookups of an index's runs (a folder of claims files sharing one table) use a
    table of each entry's runs: the same runs, in file order, as the first lookup's walk over all runs."""
    for seed in range(20):
        rng = random.Random(seed)
        kw = make_table(rng, tmp_path / f"r{seed}.csv", rows=300, series=15, noise=0.01)
        ix, _ = R._build_index(ReferenceSpec(**kw), None, None)
        asks = [rng.sample(range(ix.entries), rng.randint(0, ix.entries)) for _ in range(6)]
        got = [ix.runs_of(a) for a in asks]  # the first: a walk; then the table
        assert "_runs_by_entry" in ix.__dict__
        for a, runs in zip(asks, got):
            fresh, _ = R._build_index(ReferenceSpec(**kw), None, None)
            assert runs == fresh.runs_of(a) == sorted(runs)  # each against a first (walking) lookup
            assert {ix.run_entry[r] for r in runs} == set(a)
