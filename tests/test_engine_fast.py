"""The judge's shortcuts give what the plain way gives.

- series made on first use (factcheck._reference's ``_Lazy``, which knows its units before it is made):
  the same matches and results as the plain reference of tests/test_engine_props.py, and a series whose
  units rule it out is not made to find that out;
- a series that can give the observations of one period without being made (``pick(span)``): the same
  results, the series left unmade when the period is there;
- ``norm_name``'s shortcut for ASCII text gives what NFKD and dropping combining marks give;
- a metric name is exact (equal to the claim's after norm_name) only with a score of 100 (or 0), which
  the judge relies on to normalise only those names.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from factcheck._claims import Claim, Settings
from factcheck._engine import find_series, judge
from factcheck._matching import metric_score, norm_name
from factcheck._periods import parse_period
from factcheck._quantity import parse_value
from factcheck._reference import Dataset, Observation, _Lazy

from test_engine_props import BOOK, METRICS, SETTINGS, claims, datasets, groups_of, ref_find_series, ref_judge


def _lazy(ds: Dataset) -> tuple[Dataset, list[_Lazy]]:
    """The dataset with each series a list made on first use (its units known before), as the reader
    gives them; and those lists."""
    made: list[_Lazy] = []
    series = {}
    for key, obs in ds.series.items():
        lst = _Lazy.deferred(lambda obs=obs: list(obs), frozenset(o.unit for o in obs))
        made.append(lst)
        series[key] = lst
    return Dataset(path=ds.path, observations=ds.observations, series=series, alias_map=ds.alias_map), made


@SETTINGS
@given(datasets(), st.lists(claims(), min_size=1, max_size=4), st.sampled_from([0.0, 50.0, 60.0, 95.0]),
       st.sampled_from([0.0, 3.0, 10.0, -1.0]))
def test_series_made_on_first_use_give_the_same_results(data, some_claims, threshold, margin) -> None:
    s = Settings(match_threshold=threshold, ambiguity_margin=margin)
    for claim in some_claims:
        lazy = [_lazy(ds)[0] for ds in data]  # fresh, unmade lists for each claim
        mine = find_series(claim, lazy, BOOK, s)
        ref = ref_find_series(claim, data, BOOK, s)
        assert [g.key for g in mine.chosen] == [g.key for g in ref.chosen]
        assert [g.key for g in mine.rejected_units] == [g.key for g in ref.rejected_units]
        assert [set(g.units) for g in mine.rejected_units] == [set(g.units) for g in ref.rejected_units]
        assert groups_of(mine) == groups_of(ref)
        assert mine.ambiguous_reason == ref.ambiguous_reason
        lazy = [_lazy(ds)[0] for ds in data]
        assert judge(claim, lazy, BOOK, s)[0] == ref_judge(claim, data, BOOK, s)


def _obs(key: tuple, unit: str, period: str = "2021", raw: str = "16.66") -> Observation:
    return Observation(dataset="d.csv", row=2, column="value", column_index=3, dims=key, period=parse_period(period),
                       value=parse_value(raw, reference=True), raw=raw, unit=unit, source="d.csv")


def _claim(value: str, metric: str = "exports") -> Claim:
    return Claim(id="c", line=1, column=1, value=parse_value(value), value_text=value, period=parse_period("2021"),
                 period_given=True, kind="stock", kind_given=False, metric=metric, dims={"subject": "UZ"},
                 where_keys=frozenset())


def test_a_series_ruled_out_by_its_units_is_not_made() -> None:
    usd = (("metric", "exports"), ("partner", "China"), ("subject", "Uzbekistan"))
    pct = (("metric", "exports"), ("partner", "Russia"), ("subject", "Uzbekistan"))
    ds, made = _lazy(Dataset(path="d.csv", observations=[], alias_map={},
                             series={usd: [_obs(usd, "USD")], pct: [_obs(pct, "percent", raw="5.6")]}))
    result, match = judge(_claim("5.6%"), [ds], BOOK, Settings())
    assert result.verdict == "supported"
    assert [g.key for g in match.chosen] == [pct]
    assert made[0]._make is not None  # the USD series: its units said no, its observations never made
    assert made[1]._make is None
    # every series ruled out: the reason names the units, still without making them
    ds, made = _lazy(Dataset(path="d.csv", observations=[], alias_map={}, series={usd: [_obs(usd, "USD")]}))
    result, _ = judge(_claim("5.6 branches"), [ds], BOOK, Settings())
    assert result.verdict == "unverified"
    assert "units differ" in result.reason and "USD" in result.reason
    assert made[0]._make is not None


class _Picking(list):
    """A series list that gives the observations of a period span without being made (as a reader may):
    ``made`` says whether the whole list was asked for; ``give_up`` makes pick answer None."""

    def __init__(self, obs: list, give_up: bool = False):
        super().__init__(obs)
        self.made = False
        self.give_up = give_up
        self.units = frozenset(o.unit for o in obs)

    def pick(self, span: tuple) -> list | None:
        if self.give_up:
            return None
        return [o for o in list.__iter__(self) if (o.period.start, o.period.end) == span]

    def __iter__(self):
        self.made = True
        return super().__iter__()


def _picking(ds: Dataset, give_up: bool) -> Dataset:
    return Dataset(path=ds.path, observations=ds.observations, alias_map=ds.alias_map,
                   series={k: _Picking(v, give_up) for k, v in ds.series.items()})


@SETTINGS
@given(datasets(), st.lists(claims(), min_size=1, max_size=4), st.sampled_from([0.0, 60.0]), st.booleans())
def test_series_that_pick_a_period_give_the_same_results(data, some_claims, threshold, give_up) -> None:
    s = Settings(match_threshold=threshold)
    for claim in some_claims:
        picking = [_picking(ds, give_up) for ds in data]
        assert judge(claim, picking, BOOK, s)[0] == ref_judge(claim, data, BOOK, s)


def test_a_period_is_picked_without_making_the_series() -> None:
    key = (("metric", "exports"), ("subject", "Uzbekistan"))
    obs = [_obs(key, "", period=p, raw=r) for p, r in (("2020", "15.1"), ("2021", "16.66"), ("2022", "17.2"))]
    series = _Picking(obs)
    ds = Dataset(path="d.csv", observations=[], alias_map={}, series={key: series})
    result, _ = judge(_claim("16.7"), [ds], BOOK, Settings())
    assert result.verdict == "supported" and result.evidence[0].row == obs[1].row
    assert not series.made
    # no observation for the period: the series is made, to say which periods it has
    result, _ = judge(dataclasses.replace(_claim("16.7"), period=parse_period("2019")), [ds], BOOK, Settings())
    assert result.verdict == "unverified" and "(it has 2020, 2021, 2022)" in result.reason
    assert series.made


_WS = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


def _norm_name_plain(s: str) -> str:
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _WS.sub(" ", s.translate(_QUOTES).casefold()).strip()


@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=127)),
                 st.sampled_from(["Côte d’Ivoire", "  GDP   (current US$) ", "Türkiye", "ﬁnance", "A\tB\x1cC", "`x´"])))
def test_norm_name_is_nfkd_without_combining_marks(s: str) -> None:
    norm_name.cache_clear()
    assert norm_name(s) == _norm_name_plain(s)


@given(st.sampled_from(METRICS + ["GDP", "jobless rate", "", " ", "%", "(%)", "the", "Exports"]),
       st.sampled_from(METRICS + ["GDP", "gdp", "", " ", "%", "(%)", "The", "exports ", "EXPORTS"]))
def test_names_equal_after_norm_name_score_100_or_0(a: str, b: str) -> None:
    if norm_name(a) == norm_name(b):
        assert metric_score(a, b) in (0.0, 100.0)
