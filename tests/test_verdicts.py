"""Verdicts, table-driven from tests/fixtures/verdicts.yaml: a table, claims, the verdict each must get."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from factcheck._run import CheckOptions, check_one

FIXTURE = Path(__file__).parent / "fixtures" / "verdicts.yaml"
CASES = YAML(typ="safe").load(FIXTURE.read_text(encoding="utf-8"))["cases"]


def _dump(data, path: Path) -> None:
    y = YAML()
    y.default_flow_style = False
    with path.open("w", encoding="utf-8") as f:
        y.dump(data, f)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_verdicts(case: dict, tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text(case["data"], encoding="utf-8")
    doc = {"version": 1, "references": [{"path": "data.csv"}], "claims": case["claims"]}
    if "document" in case:
        doc["document"] = case["document"]
    if "aliases" in case:
        doc["aliases"] = case["aliases"]
    _dump(doc, tmp_path / "claims.yaml")
    report = check_one(tmp_path / "claims.yaml", CheckOptions())
    assert not report.problems, report.problems
    got = {c.id: c for c in report.claims}
    for claim_id, want in case["expect"].items():
        c = got[claim_id]
        if isinstance(want, str):
            assert c.verdict == want, f"{claim_id}: {c.verdict} ({c.reason or c.evidence})"
        else:
            assert c.verdict == want["verdict"], f"{claim_id}: {c.verdict}"
            assert [e.verdict for e in c.evidence] == want["evidence"], claim_id
