"""`compute:` derivations, table-driven from tests/fixtures/compute.yaml, and their input errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from factcheck._run import CheckOptions, check_one

FIXTURE = Path(__file__).parent / "fixtures" / "compute.yaml"
CASES = YAML(typ="safe").load(FIXTURE.read_text(encoding="utf-8"))["cases"]


def _write(tmp: Path, data: str, claims: list) -> Path:
    (tmp / "data.csv").write_text(data, encoding="utf-8")
    with (tmp / "claims.yaml").open("w", encoding="utf-8") as f:
        YAML().dump({"version": 1, "references": [{"path": "data.csv"}], "claims": claims}, f)
    return tmp / "claims.yaml"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_compute(case: dict, tmp_path: Path) -> None:
    report = check_one(_write(tmp_path, case["data"], case["claims"]), CheckOptions())
    assert not report.problems, report.problems
    got = {c.id: c for c in report.claims}
    for claim_id, want in case["expect"].items():
        derived = [e for e in got[claim_id].evidence if e.how == "compute"]
        assert [e.verdict for e in derived] == want["derived"], [e.detail for e in derived]
        if "value" in want:
            mid = (derived[0].value.low + derived[0].value.high) / 2
            assert mid == pytest.approx(want["value"], abs=0.06)
            assert derived[0].detail  # every number that went in is shown


@pytest.mark.parametrize(
    ("compute", "message"),
    [
        ('ref(metric="exports") + 5%', "compute: "),
        ('ref(metric="exports", dataset="nowhere.csv")', "dataset 'nowhere.csv' is not among"),
        ('ref(metric="exports").__class__', "compute: "),
        ('ref(metric="exports", period="2021-13")', "compute: "),
    ],
)
def test_compute_input_errors(compute: str, message: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "subject,metric,period,value,unit\nU,exports,2021,5,USD\n",
                  [{"id": "a", "subject": "U", "metric": "exports", "value": "5 USD", "period": 2021,
                    "compute": compute}])
    r = subprocess.run([sys.executable, "-m", "factcheck", "check", str(path)], capture_output=True, text=True)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert message in r.stderr and "claims.yaml:" in r.stderr
