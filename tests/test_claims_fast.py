"""The shortcuts of loading a claims file build what the plain code builds.

``_claims._new_claim`` fills a :class:`Claim` without the frozen dataclass's ``__init__``; here it must
give an object equal to ``Claim(...)``, field by field and in the same order. And the claims read from
a long claims file (through the value grammar's shortcut for common values and the memo of periods)
carry the values and periods the full parsers give.
"""

from __future__ import annotations

import dataclasses
import inspect
import pytest

from factcheck._claims import Claim, _new_claim, load_claims_file
from factcheck._quantity import _Parser

def _fields() -> dict:
    return dict(
        id="c1", line=3, column=5, value=object(), value_text="about 5%", period=object(), period_given=True,
        kind="share", kind_given=False, metric="exports", dims={"subject": "Uzbekistan"},
        where_keys=frozenset({"sector"}), quote="q", compute=("a + b",), tolerance="2%", forecast=True,
        as_of=False, note="n", tags=("t",), ignore={"C101": ""}, positions={"value": (4, 12)},
    )


def test_new_claim_takes_every_field_of_claim():
    names = [f.name for f in dataclasses.fields(Claim)]
    assert list(inspect.signature(_new_claim).parameters) == names
    assert not hasattr(Claim, "__post_init__")


def test_new_claim_builds_what_claim_builds():
    kw = _fields()
    a, b = _new_claim(**kw), Claim(**kw)
    assert a == b
    assert type(a) is Claim
    assert list(vars(a)) == list(vars(b))
    assert all(vars(a)[k] is vars(b)[k] for k in vars(b))
    assert hash(a.id) == hash(b.id)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.id = "other"  # type: ignore[misc]
    assert dataclasses.replace(a, id="c2") == dataclasses.replace(b, id="c2")
    assert repr(a) == repr(b)


VALUES = [
    "22.4%", "0.3%", "nearly 816.5 million", "nearly 1.6 trillion", "more than 7.8%", "8.17 trillion", "5",
    "about 3,000", "1,250", "more than 1,250.5 billion", "up to 10%", "some 12 thousand", "an estimated 40",
    "About 5%", "5 bn", "$5 million", "between 5 and 6 billion", "5-6%", "doubled", "at least 0", "3 000",
    "nearly 0", "approx. 7 million", "7.5 million USD", "about 2.5 times", "12", "12.0", "0.000001%",
]


def test_claims_carry_the_values_the_parser_reads(tmp_path):
    (tmp_path / "data.csv").write_text("country,year,value\nA,2021,1\n", encoding="utf-8")
    lines = ["version: 1", "defaults:", "  hedges: {about: 5%}", "references:", "  - path: data.csv", "claims:"]
    for i in range(600):
        value = VALUES[i % len(VALUES)]
        lines += [f"  - id: c{i:04d}", f"    metric: m{i % 7}", f'    value: "{value}"', f"    period: {2000 + i % 23}"]
    path = tmp_path / "claims.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cf = load_claims_file(path)
    assert len(cf.claims) == 600
    for i, c in enumerate(cf.claims):
        text = VALUES[i % len(VALUES)]
        assert c.value_text == text
        assert repr(c.value) == repr(_Parser(text, False, ".", cf.settings.hedges).parse())
        assert c.period.text == str(2000 + i % 23)
        assert c.positions["value"] == (7 + 4 * i + 2, 12)


def test_kind_remembered_per_metric_is_the_kind_inferred():
    from factcheck._claims import _infer_kind, _kind_of_unit

    metrics = [None, "", "GDP growth", "Exports (% of GDP)", "annual % growth", "Decline in output", "share",
               "GROWTH of exports", "regrowth", "price change (%)", "drop-out rate"]
    for unit in ("percent", "pp", "x", "", "USD", "branch"):
        for m in metrics:
            first = _kind_of_unit(unit, m)
            assert _infer_kind(unit, m) == first
            assert _infer_kind(unit, m) == first  # from the memo, for percentages
