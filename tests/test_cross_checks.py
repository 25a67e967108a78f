"""Checks across claims, table-driven from tests/fixtures/cross_checks.yaml."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from factcheck._claims import Settings
from factcheck._run import CheckOptions, check_one

FIXTURE = Path(__file__).parent / "fixtures" / "cross_checks.yaml"
CASES = YAML(typ="safe").load(FIXTURE.read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_cross_checks(case: dict, tmp_path: Path) -> None:
    doc = {"version": 1, "claims": case["claims"]}
    for key in ("document", "relations"):
        if key in case:
            doc[key] = case[key]
    y = YAML()
    with (tmp_path / "claims.yaml").open("w", encoding="utf-8") as f:
        y.dump(doc, f)
    settings = replace(Settings(), **case.get("settings", {}))
    report = check_one(tmp_path / "claims.yaml", CheckOptions(settings=settings))
    assert not report.problems, report.problems
    got = [f for f in report.findings if f.code.startswith("C")]
    want = case["findings"]
    assert len(got) == len(want), [f.message for f in got]
    for f, w in zip(got, want):
        assert f.code == w["code"]
        assert f.severity == w["severity"]
        assert sorted(f.claims) == sorted(w["claims"])
        assert w["contains"] in f.message, f.message
        assert f.line > 0
