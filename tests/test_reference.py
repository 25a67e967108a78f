"""Reference data loading: layouts, files, cells, aliases, problems with their positions."""

from __future__ import annotations

import dataclasses
import importlib.util
import math
import sys
from pathlib import Path

import pytest

from factcheck._errors import InputError
from factcheck._periods import parse_period
from factcheck._reference import (
    MAX_PROBLEMS,
    Dataset,
    Observation,
    ReferenceSpec,
    load_dataset,
    load_datasets,
    norm_name,
)

DATA = Path(__file__).parent / "data" / "reference"

UZ_SPEC = dict(
    set={"subject": "Uzbekistan", "metric": "exports"},
    columns={"partner": "Klassifikator_en"},
    aliases=["Klassifikator", "Klassifikator_ru", "Code"],
    scale="thousand",
    unit="USD",
)
RUSSIA_EXPORTS = (("metric", "exports"), ("partner", "Russia"), ("subject", "Uzbekistan"))


def spec(path: Path, display: str | None = None, **kw) -> ReferenceSpec:
    return ReferenceSpec(path=path, display_path=display or f"data/{path.name}", **kw)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p


def problems_of(s: ReferenceSpec, **kw) -> list[str]:
    with pytest.raises(InputError) as e:
        load_dataset(s, **kw)
    return [str(p) for p in e.value.problems]


def by(ds: Dataset, **dims) -> list[Observation]:
    return [o for o in ds.observations if all(o.dim(k) == v for k, v in dims.items())]


# ------------------------------------------------------------------------------- the Uzbek wide table
@pytest.fixture(scope="module")
def uz() -> Dataset:
    return load_dataset(spec(DATA / "uz-exports-excerpt.csv", "data/stat-uz-exports-by-country.csv", **UZ_SPEC))


def test_uzbek_wide_table_russia_2021(uz):
    assert uz.layout == "wide"
    assert uz.dimensions == ("metric", "partner", "subject")  # alias columns are not dimensions
    [obs] = [o for o in by(uz, partner="Russia") if o.period.text == "2021"]
    assert obs.dims == RUSSIA_EXPORTS
    assert (obs.dataset, obs.row, obs.column, obs.column_index) == ("data/stat-uz-exports-by-country.csv", 6, "2021", 16)
    assert obs.raw == "2088237.3"
    assert obs.unit == "USD"
    q = obs.value
    assert q.interval.low == 2088237250.0 and q.interval.high == 2088237350.0
    assert q.interval.low_closed and not q.interval.high_closed
    assert q.interval.midpoint == pytest.approx(2.0882373e9)
    assert (q.number, q.scale, q.scale_word, q.unit, q.hedge_class) == (2088237.3, 1000.0, "thousand", "USD", "exact")
    assert q.half_unit == pytest.approx(50.0)
    assert obs.source == "stat-uz-exports-by-country.csv"  # no source cell, no source: -> the file name


def test_uzbek_wide_table_series_index(uz):
    russia = uz.series[RUSSIA_EXPORTS]
    assert [o.period.text for o in russia] == [str(y) for y in range(2010, 2024)]
    assert len(uz.series) == 6
    assert len(uz.observations) == 6 * 14
    assert all(o.period.granularity == "year" for o in uz.observations)
    # every digit written is significant, trailing zeros too: 0.0 thousand is [-50, 50)
    cuba_2010 = next(o for o in uz.series[(("metric", "exports"), ("partner", "Cuba"), ("subject", "Uzbekistan"))])
    assert cuba_2010.raw == "1.5" and cuba_2010.value.interval.low == 1450.0


@pytest.mark.parametrize(
    "alias, canonical",
    [
        ("Россия", "Russia"),
        ("643", "Russia"),
        ("rossiya", "Russia"),
        ("ROSSIYA", "Russia"),
        ("Russia", "Russia"),
        ("  russia ", "Russia"),
        ("Cote d'Ivoire", "Côte d’Ivoire"),
        ("Kot D’ivuar", "Côte d’Ivoire"),
        ("008", "Albania"),
        ("8", "Albania"),  # a numeric code without its leading zeros
        ("Qirg'iziston", "Kyrgyzstan"),
        ("Türkiya", "Turkey"),  # accent-insensitive
    ],
)
def test_uzbek_aliases(uz, alias, canonical):
    assert uz.canonical("partner", alias) == canonical
    assert uz.alias_map["partner"][norm_name(alias)] == canonical


def test_uzbek_unknown_alias(uz):
    assert uz.canonical("partner", "Narnia") is None
    assert set(uz.alias_map) == {"partner"}


def test_bom_is_not_part_of_the_first_header(uz):
    assert (DATA / "uz-exports-excerpt.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert uz.header[0] == "Code"


def test_wanted_skips_series_before_reading_their_cells():
    seen = []

    def wanted(dims):
        seen.append(dict(dims))
        return dims["partner"] == "Russia"

    ds = load_dataset(spec(DATA / "uz-exports-excerpt.csv", **UZ_SPEC), wanted=wanted)
    assert {o.dim("partner") for o in ds.observations} == {"Russia"}
    assert list(ds.series) == [RUSSIA_EXPORTS]
    assert len(seen) == 6  # once per series
    assert seen[0] == {"metric": "exports", "partner": "Cuba", "subject": "Uzbekistan"}
    assert ds.canonical("partner", "Куба") == "Cuba"  # aliases still come from every row


def test_wanted_skips_bad_cells_of_unwanted_rows(tmp_path):
    p = write(tmp_path, "w.csv", "name,2020\nA,1\nB,abc\n")
    ds = load_dataset(spec(p), wanted=lambda d: d["name"] == "A")
    assert [o.raw for o in ds.observations] == ["1"]


# ------------------------------------------------------------------------------- the tidy published figures
@pytest.fixture(scope="module")
def published() -> Dataset:
    return load_dataset(spec(DATA / "published-figures-excerpt.csv", "data/published-figures.csv"))


def test_published_figures_is_tidy(published):
    assert published.layout == "tidy"
    assert published.dimensions == ("metric", "partner", "subject")
    assert len(published.observations) == 12
    assert all(o.column == "value" and o.column_index == 5 for o in published.observations)


def test_over_14_is_a_lower_bound(published):
    [o] = by(published, metric="value of joint projects")
    q = o.value
    assert o.row == 13 and o.raw == "over 14"
    assert q.hedge_class == "bound" and q.hedge == "more_than"
    assert q.interval.low == 14e9 and not q.interval.low_closed
    assert q.interval.high == math.inf
    assert q.unit == "USD" and q.scale_word == "billion"
    assert o.period == parse_period("2021-11-17")
    assert o.source == "Rossiyskaya Gazeta (Putin's message to the interregional forum)"
    assert o.url == "https://rg.ru/amp/2021/11/17/putin-vstretitsia-s-mirziyoevym-19-noiabria.html"
    assert o.published == "2021-11-17"
    assert "(a lower bound)" in o.note


def test_almost_6_6_is_an_approximation(published):
    [o] = [o for o in by(published, metric="trade turnover") if o.period.text == "2021-01/2021-11"]
    q = o.value
    assert o.row == 7
    assert q.hedge_class == "approx"
    # nearly: [min(x - 10 %, x - h), x + h) = [5.94, 6.65) billion
    assert q.interval.low == pytest.approx(5.94e9) and q.interval.high == pytest.approx(6.65e9)
    assert q.interval.low_closed and not q.interval.high_closed


@pytest.mark.parametrize(
    "row, low, high, unit",
    [
        (2, 6.55e9, 6.65e9, "USD"),  # 6.6 billion
        (4, 1485.75e6, 1485.85e6, "USD"),  # 1485.8 million
        (8, 17.85, 17.95, "percent"),
        (10, 960.5, 961.5, ""),  # count -> no unit
        (11, 14.5, 15.5, ""),
    ],
)
def test_published_plain_values(published, row, low, high, unit):
    [o] = [o for o in published.observations if o.row == row]
    assert o.value.interval.low == pytest.approx(low)
    assert o.value.interval.high == pytest.approx(high)
    assert o.unit == unit == o.value.unit


def test_published_periods_and_sources(published):
    periods = {o.row: o.period.text for o in published.observations}
    assert periods[6] == "2021-01/2021-09"
    assert periods[10] == "2018-04"
    assert periods[12] == "2018/2021"
    sources = {o.source for o in by(published, metric="trade turnover")}
    assert "Kursiv (citing State Statistics Committee of Uzbekistan)" in sources


def test_series_lists_are_in_period_order(published):
    lst = published.series[(("metric", "trade turnover"), ("partner", "Russia"), ("subject", "Uzbekistan"))]
    assert [o.period.text for o in lst] == ["2019", "2020", "2021-01/2021-09", "2021-01/2021-11"]


# ------------------------------------------------------------------------------- observations
def test_observation_is_frozen_hashable_and_value_is_lazy_but_equal(published):
    a = published.observations[0]
    b = dataclasses.replace(a)
    assert a == b and hash(a) == hash(b)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.row = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        a.no_such_thing  # noqa: B018
    assert "value=Quantity(" in repr(a)


def test_observations_pickle(uz):
    import pickle

    fresh = load_dataset(spec(DATA / "uz-exports-excerpt.csv", "data/stat-uz-exports-by-country.csv", **UZ_SPEC))  # values not built yet
    back = pickle.loads(pickle.dumps(fresh))
    assert back.observations == uz.observations
    assert back.series[RUSSIA_EXPORTS][-1].value.interval == uz.series[RUSSIA_EXPORTS][-1].value.interval


# ------------------------------------------------------------------------------- delimiters, encodings, JSON
def test_semicolon_csv_with_decimal_comma():
    ds = load_dataset(spec(DATA / "semicolon-decimal-comma.csv", decimal=","))
    assert ds.dimensions == ("country", "indicator")
    vals = {(o.dim("country"), o.period.text): o.value for o in ds.observations}
    assert len(vals) == 3  # '..' is no observation
    q = vals[("France", "2020")]
    assert q.number == -7.5 and q.interval.low == pytest.approx(-7.55) and q.interval.high == pytest.approx(-7.45)
    assert q.unit == "percent"


def test_semicolon_csv_with_decimal_comma_without_saying_so():
    msgs = problems_of(spec(DATA / "semicolon-decimal-comma.csv"))
    assert msgs[0].startswith("data/semicolon-decimal-comma.csv:2:4: value '-7,5' in column 'value' is not a number (")
    assert "decimal" in msgs[0]
    assert len(msgs) == 3


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiters(tmp_path, delim):
    rows = [["subject", "metric", "period", "value", "note"],
            ["A", "x", "2020", "1.5", "with, a comma; and a semicolon"],
            ["B", "y", "2021-Q1", "2", ""]]
    text = "\n".join(delim.join(f'"{c}"' if any(d in c for d in ",;\t|") else c for c in r) for r in rows) + "\n"
    ds = load_dataset(spec(write(tmp_path, "d.csv", text)))
    assert [(o.dim("subject"), o.period.text, o.raw, o.note) for o in ds.observations] == [
        ("A", "2020", "1.5", "with, a comma; and a semicolon"),
        ("B", "2021-Q1", "2", ""),
    ]


def test_tsv_is_tab(tmp_path):
    ds = load_dataset(spec(write(tmp_path, "t.tsv", "name\tperiod\tvalue\nA, B\t2020\t3\n")))
    assert ds.observations[0].dim("name") == "A, B"


def test_bom_and_crlf(tmp_path):
    p = write(tmp_path, "b.csv", b"\xef\xbb\xbfperiod,value\r\n2020,1\r\n2021,2\r\n")
    ds = load_dataset(spec(p))
    assert [(o.row, o.period.text) for o in ds.observations] == [(2, "2020"), (3, "2021")]
    assert ds.header == ("period", "value")


def test_quoted_multiline_field_keeps_physical_lines(tmp_path):
    text = 'period,value,note\n2019,1,"two\nlines"\n2020,x,\n2021,3,\n'
    msgs = problems_of(spec(write(tmp_path, "m.csv", text)))
    assert msgs == ["data/m.csv:4:2: value 'x' in column 'value' is not a number ('x' is not a number)"]
    ds = load_dataset(spec(write(tmp_path, "m2.csv", text.replace(",x,", ",2,"))))
    assert [(o.row, o.note) for o in ds.observations] == [(2, "two\nlines"), (4, ""), (5, "")]


def test_blank_lines_and_short_rows(tmp_path):
    ds = load_dataset(spec(write(tmp_path, "s.csv", "name,period,value,note\n\nA,2020,1\n\nB,2021,2,n\n")))
    assert [(o.row, o.dim("name"), o.note) for o in ds.observations] == [(3, "A", ""), (5, "B", "n")]


def test_json_records():
    ds = load_dataset(spec(DATA / "records.json"))
    assert ds.layout == "tidy"
    rows = {o.dim("metric"): o for o in ds.observations}
    assert set(rows) == {"trade turnover", "branches", "joint projects"}  # null is no observation
    [a, b] = by(ds, metric="trade turnover")
    assert (a.row, b.row) == (2, 4)  # the line where each record starts
    assert a.raw == "5.60" and a.value.half_unit == pytest.approx(0.005e9)  # the number as written
    assert a.source == "Kursiv" and b.source == "records.json"
    assert rows["branches"].unit == "" and rows["branches"].value.interval.low == 14.5
    assert rows["joint projects"].value.hedge_class == "bound"


def test_json_data_wrapper(tmp_path):
    text = '{"meta": {"x": [1, 2]},\n "data": [\n  {"period": 2020, "value": 1.25},\n  {"period": "2021", "value": "2"}\n]}\n'
    ds = load_dataset(spec(write(tmp_path, "w.json", text)))
    assert [(o.row, o.period.text, o.raw) for o in ds.observations] == [(3, "2020", "1.25"), (4, "2021", "2")]


def test_json_wide(tmp_path):
    text = '[{"country": "A", "2020": 1, "2021": 2}, {"country": "B", "2020": null, "2021": 4}]'
    ds = load_dataset(spec(write(tmp_path, "w.json", text)))
    assert ds.layout == "wide"
    assert [(o.dim("country"), o.period.text, o.raw) for o in ds.observations] == [
        ("A", "2020", "1"), ("A", "2021", "2"), ("B", "2021", "4")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"rows": []}', 'data/x.json:1:1: a JSON reference file holds a list of records (objects) or {"data": [...]}; this one holds an object without a "data" list'),
        ("42", 'data/x.json:1:1: a JSON reference file holds a list of records (objects) or {"data": [...]}; this one holds a number'),
        ('"text"', 'data/x.json:1:1: a JSON reference file holds a list of records (objects) or {"data": [...]}; this one holds a string'),
        ('[{"period": 2020, "value": 1},\n {"period": 2021 "value": 2}]', "data/x.json:2:18: not valid JSON (Expecting ',' delimiter)"),
        ('[{"period": 2020, "value": 1},\n 7]', "data/x.json:2:2: record 2 is a number, not an object"),
        ('[{"period": 2020, "value": [1]}]', "data/x.json:1:2: field 'value' of record 1 holds a list; cells are numbers or text"),
        ('[{"period": 2020, "value": "abc"}]', "data/x.json:1:2: value 'abc' in column 'value' is not a number ('abc' is not a number)"),
    ],
)
def test_json_problems(tmp_path, text, expected):
    assert problems_of(spec(write(tmp_path, "x.json", text))) == [expected]


# ------------------------------------------------------------------------------- cells
@pytest.mark.parametrize("mark", ["", " ", "..", "NA", "N/A", "n/a", "-", "–", "—", "…", "...", "NaN", "nan", ":"])
def test_missing_marks_are_no_observation(tmp_path, mark):
    ds = load_dataset(spec(write(tmp_path, "m.csv", f"name,2020,2021\nA,{mark},5\n")))
    assert [(o.period.text, o.raw) for o in ds.observations] == [("2021", "5")]


@pytest.mark.parametrize(
    "cell, low, high, hedge_class",
    [
        ("2000", 1999.5, 2000.5, "exact"),  # every digit significant in a table
        ("5.66", 5.655, 5.665, "exact"),
        ("-3", -3.5, -2.5, "exact"),
        ("2088237.3", 2088237.25, 2088237.35, "exact"),
        ("1.2e6", 1.15e6, 1.25e6, "exact"),  # scientific notation is read
        ("almost 6.6", 5.94, 6.65, "approx"),
        ("over 14", 14, math.inf, "bound"),
        ("1,234", 1233.5, 1234.5, "exact"),
        (" 7 ", 6.5, 7.5, "exact"),
    ],
)
def test_value_cells(tmp_path, cell, low, high, hedge_class):
    ds = load_dataset(spec(write(tmp_path, "v.csv", f'period,value\n2020,"{cell}"\n')))
    [o] = ds.observations
    assert o.value.interval.low == pytest.approx(low)
    assert o.value.interval.high == pytest.approx(high)
    assert o.value.hedge_class == hedge_class
    assert o.raw == cell.strip()


def test_fast_path_equals_parse_value(tmp_path):
    from factcheck._quantity import parse_value

    cells = ["0.7", "2088237.3", "-12.25", "100", "0.0", "+5", "007"]
    p = write(tmp_path, "f.csv", "period,value\n" + "".join(f"2020,{c}\n" for c in cells))
    ds = load_dataset(spec(p, scale="thousand"))
    for o, c in zip(ds.observations, cells):
        ref = parse_value(f"{c} thousand", reference=True)
        assert o.value.interval == ref.interval, c
        assert o.value.half_unit == pytest.approx(ref.half_unit), c
        assert (o.value.number, o.value.scale, o.value.scale_word) == (ref.number, ref.scale, ref.scale_word), c


def test_bad_value_cells_all_reported_with_positions(tmp_path):
    text = "name,2020,2021\nA,abc,1\nB,2,12x3\nC,3,4\n"
    msgs = problems_of(spec(write(tmp_path, "bad.csv", text)))
    assert msgs == [
        "data/bad.csv:2:2: value 'abc' in column '2020' is not a number ('abc' is not a number)",
        "data/bad.csv:3:3: value '12x3' in column '2021' is not a number (unexpected 'x3')",
    ]


def test_bad_period_in_tidy(tmp_path):
    text = "subject,period,value\nA,2021-13,1\nB,2021-02-30,2\nC,,3\nD,,NA\nE,2021,4\n"
    msgs = problems_of(spec(write(tmp_path, "p.csv", text)))
    assert msgs == [
        "data/p.csv:2:2: period '2021-13' in column 'period' is not a period (month 13 does not exist)",
        "data/p.csv:3:2: period '2021-02-30' in column 'period' is not a period (day 30 does not exist in February 2021)",
        "data/p.csv:4:2: the value '3' has no period (column 'period' is empty)",
    ]


def test_too_many_problems_are_summarised(tmp_path):
    n = MAX_PROBLEMS + 25
    text = "period,value\n" + "2020,x\n" * n
    msgs = problems_of(spec(write(tmp_path, "many.csv", text)))
    assert len(msgs) == MAX_PROBLEMS + 1
    assert msgs[-1] == "data/many.csv:0:0: ... and 25 more problems in this file"


def test_extra_cells_are_a_problem_but_trailing_empty_ones_are_not(tmp_path):
    ok = load_dataset(spec(write(tmp_path, "t.csv", "period,value\n2020,1,\n")))
    assert len(ok.observations) == 1
    msgs = problems_of(spec(write(tmp_path, "e.csv", "period,value\n2020,1,surprise\n")))
    assert msgs == ["data/e.csv:2:3: the row has 3 fields, the header 2: 'surprise' has no column"]


# ------------------------------------------------------------------------------- scale, unit, columns, set
def test_scale_and_unit_per_row_win_over_the_entry(tmp_path):
    text = "name,period,value,scale,unit\nA,2020,5.6,billion,EUR\nB,2020,7,,\nC,2020,8,,count\nD,2020,9,1000,\n"
    ds = load_dataset(spec(write(tmp_path, "s.csv", text), scale="million", unit="USD"))
    got = {o.dim("name"): (o.value.interval.low, o.unit, o.value.scale_word) for o in ds.observations}
    assert got["A"] == (pytest.approx(5.55e9), "EUR", "billion")
    assert got["B"] == (pytest.approx(6.5e6), "USD", "million")
    assert got["C"] == (pytest.approx(7.5e6), "", "million")  # count: no unit
    assert got["D"] == (pytest.approx(8500.0), "USD", "thousand")


def test_scale_word_in_the_unit(tmp_path):
    ds = load_dataset(spec(write(tmp_path, "u.csv", "period,value\n2020,1.5\n"), unit="thousand US dollars"))
    [o] = ds.observations
    assert (o.unit, o.value.scale_word, o.value.interval.low) == ("USD", "thousand", 1450.0)


def test_a_cell_with_its_own_scale_keeps_it(tmp_path):
    ds = load_dataset(spec(write(tmp_path, "c.csv", "period,value\n2020,5.6 billion\n"), scale="million"))
    assert ds.observations[0].value.interval.low == pytest.approx(5.55e9)


def test_bad_scale_cell(tmp_path):
    msgs = problems_of(spec(write(tmp_path, "c.csv", "period,value,scale\n2020,1,lakh\n")))
    assert msgs == ["data/c.csv:2:3: scale 'lakh' in column 'scale' is not a scale (thousand, million, billion, trillion or a number)"]


def test_columns_map_roles_and_dimensions(tmp_path):
    text = "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,value\nUZ,NGDP,2020,57.7,999\n"
    ds = load_dataset(spec(write(tmp_path, "sdmx.csv", text),
                           columns={"subject": "REF_AREA", "metric": "indicator", "period": "TIME_PERIOD", "value": "OBS_VALUE"}))
    [o] = ds.observations
    assert o.dims == (("metric", "NGDP"), ("subject", "UZ"))
    assert (o.raw, o.column, o.column_index) == ("57.7", "OBS_VALUE", 4)


def test_set_gives_constant_dimensions_and_wins_over_a_column(tmp_path):
    text = "subject,partner,period,value\nSomewhere,Russia,2020,1\n"
    ds = load_dataset(spec(write(tmp_path, "s.csv", text), set={"subject": "Uzbekistan", "metric": "exports", "year": 2020}))
    assert ds.observations[0].dims == (("metric", "exports"), ("partner", "Russia"), ("subject", "Uzbekistan"), ("year", "2020"))


def test_alias_column_beside_the_only_dimension(tmp_path):
    text = "Country,Code,2020\nRussian Federation,RUS,1\n"
    ds = load_dataset(spec(write(tmp_path, "a.csv", text), aliases=["Code"]))
    assert ds.canonical("Country", "rus") == "Russian Federation"
    assert ds.dimensions == ("Country",)


def test_source_cell_entry_source_and_file_name(tmp_path):
    text = "period,value,source\n2020,1,Stat office\n2021,2,\n"
    p = write(tmp_path, "src.csv", text)
    assert [o.source for o in load_dataset(spec(p)).observations] == ["Stat office", "src.csv"]
    assert [o.source for o in load_dataset(spec(p, source="IMF")).observations] == ["Stat office", "IMF"]


def test_wide_with_quarter_and_month_columns(tmp_path):
    text = "name,unit,2021-Q1,2021Q2,2021-07,notes\nA,percent,1,2,3,x\n"
    ds = load_dataset(spec(write(tmp_path, "q.csv", text)))
    assert [(o.period.text, o.unit) for o in ds.observations] == [("2021-Q1", "percent"), ("2021-Q2", "percent"), ("2021-07", "percent")]
    assert ds.dimensions == ("name", "notes")


# ------------------------------------------------------------------------------- file-level problems
def test_missing_file_points_at_the_claims_file(tmp_path):
    s = ReferenceSpec(path=tmp_path / "data" / "x.csv", display_path="data/x.csv", claims_path="claims/c.yaml", line=7, column=11)
    assert problems_of(s) == ["claims/c.yaml:7:11: reference file 'data/x.csv' not found"]


def test_not_utf8(tmp_path):
    p = write(tmp_path, "l1.csv", "name,period,value\nZürich,2020,1\n".encode("latin-1"))
    assert problems_of(spec(p)) == ["data/l1.csv:2:2: not valid UTF-8 (byte 0xfc at offset 19)"]


def test_not_utf8_after_the_sample(tmp_path):
    head = "name,period,value\n" + "A,2020,1\n" * 10000
    p = write(tmp_path, "late.csv", head.encode() + b"B\xff,2020,1\n")
    line = 10002
    assert problems_of(spec(p)) == [f"data/late.csv:{line}:2: not valid UTF-8 (byte 0xff at offset {len(head.encode()) + 1})"]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n"])
def test_empty_file(tmp_path, content):
    assert problems_of(spec(write(tmp_path, "e.csv", content))) == ["data/e.csv:1:1: the file is empty"]


def test_empty_json(tmp_path):
    assert problems_of(spec(write(tmp_path, "e.json", ""))) == ["data/e.json:1:1: the file is empty"]


def test_header_only_is_an_empty_dataset(tmp_path):
    ds = load_dataset(spec(write(tmp_path, "h.csv", "period,value\n")))
    assert ds.observations == [] and ds.series == {}


def test_tidy_without_value_and_period(tmp_path):
    msgs = problems_of(spec(write(tmp_path, "t.csv", "subject,amount\nA,1\n"), layout="tidy"))
    assert msgs == ["data/t.csv:1:1: no 'value' and 'period' columns (a tidy table needs 'value' and 'period' columns; columns: can name them); the columns are: subject, amount"]
    msgs = problems_of(spec(write(tmp_path, "a.csv", "subject,year,value\nA,2020,1\n")))
    assert msgs == ["data/a.csv:1:1: no 'period' column (a tidy table needs 'value' and 'period' columns; columns: can name them); the columns are: subject, year, value"]
    msgs = problems_of(spec(write(tmp_path, "n.csv", "subject,amount\nA,1\n")))
    assert msgs[0].startswith("data/n.csv:1:1: no 'value' and 'period' columns (a tidy table needs 'value' and 'period' columns; a wide one, columns named like periods")


def test_wide_without_period_columns(tmp_path):
    msgs = problems_of(spec(write(tmp_path, "w.csv", "subject,amount\nA,1\n"), layout="wide"))
    assert msgs == ["data/w.csv:1:1: layout: wide, but no column is named like a period (2020, 2021-Q1, 2021-01 ...); the columns are: subject, amount"]


def test_duplicate_header(tmp_path):
    msgs = problems_of(spec(write(tmp_path, "d.csv", "name,2020,name,2021\nA,1,B,2\n")))
    assert msgs == ["data/d.csv:1:3: column name 'name' appears twice (columns 1 and 3)"]


def test_unknown_column_in_columns_and_aliases(tmp_path):
    p = write(tmp_path, "c.csv", "Country,2020\nA,1\n")
    msgs = problems_of(spec(p, columns={"partner": "Land"}, aliases=["Code"]))
    assert msgs == [
        "data/c.csv:1:1: columns: partner: no column 'Land' in the file; the columns are: Country, 2020",
        "data/c.csv:1:1: aliases: no column 'Code' in the file; the columns are: Country, 2020",
    ]


def test_bad_entry_options_point_at_the_claims_file(tmp_path):
    p = write(tmp_path, "c.csv", "period,value\n2020,1\n")
    s = spec(p, layout="long", scale="lakh", claims_path="c.yaml", line=3, column=9)
    assert problems_of(s) == [
        "c.yaml:3:9: layout 'long' is not one of auto, tidy, wide",
        "c.yaml:3:9: scale 'lakh' is not a scale (thousand, million, billion, trillion or a number)",
    ]


def test_parquet_needs_the_extra(tmp_path, monkeypatch):
    """Without duckdb (the `big` extra; simulated where it is installed, as in the dev group), a Parquet
    reference is an input problem that says what to install."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "duckdb" else real(name, *a))
    monkeypatch.setitem(sys.modules, "duckdb", None)  # an import would fail too
    p = write(tmp_path, "big.parquet", b"PAR1")
    s = spec(p, claims_path="c.yaml", line=4, column=11)
    assert problems_of(s) == ["c.yaml:4:11: data/big.parquet: Parquet needs the optional extra: pip install 'factcheck-numbers[big]'"]


def test_load_datasets_collects_problems_of_every_file(tmp_path):
    a = write(tmp_path, "a.csv", "period,value\n2020,x\n")
    b = write(tmp_path, "b.csv", "")
    with pytest.raises(InputError) as e:
        load_datasets([spec(a), spec(b), spec(DATA / "records.json")])
    assert [str(p) for p in e.value.problems] == [
        "data/a.csv:2:2: value 'x' in column 'value' is not a number ('x' is not a number)",
        "data/b.csv:1:1: the file is empty",
    ]


def test_reference_module_does_not_import_duckdb():
    import sys

    import factcheck._reference  # noqa: F401

    assert "duckdb" not in sys.modules or importlib.util.find_spec("duckdb") is not None


# ------------------------------------------------------------------------------- names
@pytest.mark.parametrize(
    "a, b",
    [
        ("Côte d’Ivoire", "cote d'ivoire"),
        ("  Russian   Federation ", "russian federation"),
        ("RUSSIA", "russia"),
        ("Türkiye", "turkiye"),
        ("Straße", "strasse"),
        ("Россия", "россия"),
        ("ﬁnance", "finance"),  # NFKD folds the ligature
    ],
)
def test_norm_name(a, b):
    assert norm_name(a) == b
