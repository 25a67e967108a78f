"""The worked example: the verdicts of every claim of the Uzbekistan–Russia article.

These are the answers a careful human reaches from the data in claims/data/ (see its README); if one
changes, either the checker or the data changed, and a person should look.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "claims" / "uzbekistan-russia-2021.yaml"

EXPECTED = {
    "russia_share_2021": "supported",  # 17.9 % (Gazeta.uz) and 17.9 % computed from the committee's tables
    "trade_growth_2020": "disputed",  # +15.6 % (Russian government) against about −15 % (Uzbek tables)
    "trade_2021_9m": "supported",  # five billion against 5.1 bn (Daryo)
    "trade_2021_forecast_mirziyoyev": "contradicted",  # seven billion [6.5, 7.5) against 7.517 bn
    "forums_before_visit": "unverified",
    "projects_under_development": "supported",  # 14 bn against "over 14" bn
    "interregional_forum_age": "unverified",
    "visits_2021": "unverified",
    "trade_2020": "supported",  # more than 5.6 bn: 5.6 (Kursiv) and 5.9 (Russian government)
    "trade_2021_10m": "unverified",  # no source states Jan–Oct for Russia
    "trade_2021_forecast": "contradicted",  # close to 7 bn [6.3, 7.5) against 7.517 bn
    "enterprises_doubled": "supported",  # 2,335 / 961 = 2.43, about 2x
    "enterprises_2021": "contradicted",  # about 3,000 [2,500, 3,500) against 2,291 and 2,335
    "investments_accumulated": "unverified",
    "projects_joint_preparation": "supported",
    "agreements_education_forum": "unverified",
    "branches_total": "disputed",  # 15 (Yuz.uz) against 14 (Kremlin, "the fifteenth is underway")
    "branches_opened_4y": "supported",
    "documents_signed": "supported",
}


@pytest.fixture(scope="module")
def report() -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "factcheck", "check", str(EXAMPLE), "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr  # contradicted claims are errors
    return json.loads(proc.stdout)


def claims(report: dict) -> dict[str, dict]:
    return {c["id"]: c for c in report["files"][0]["claims"]}


def test_every_claim_has_its_verdict(report: dict) -> None:
    got = {k: v["verdict"] for k, v in claims(report).items()}
    assert got == EXPECTED


def test_share_is_supported_by_the_published_figure_and_the_raw_tables(report: dict) -> None:
    share = claims(report)["russia_share_2021"]
    assert share["claimed"]["low"] == 17.5 and share["claimed"]["high"] == 18.5
    values = sorted(round(e["value"], 1) for e in share["evidence"])
    assert values == [17.9, 17.9]
    assert {e["how"] for e in share["evidence"]} == {"row", "compute"}


def test_growth_2020_shows_both_sources(report: dict) -> None:
    growth = claims(report)["trade_growth_2020"]
    by = {e["verdict"]: e for e in growth["evidence"]}
    assert by["supported"]["value"] == pytest.approx(15.6)
    assert "Government of the Russian Federation" in by["supported"]["source"]
    assert by["contradicted"]["value"] == pytest.approx(-15.1, abs=0.1)
    assert "State Statistics Committee" in by["contradicted"]["source"]


def test_enterprises_contradicted_with_the_gap(report: dict) -> None:
    c = claims(report)["enterprises_2021"]
    assert sorted(e["value"] for e in c["evidence"]) == [2291, 2335]
    # about three thousand is [2,500, 3,500): the nearest count, 2,335, is 164.5 below its low end
    assert c["gap"]["absolute"] == pytest.approx(164.5)
    assert c["gap"]["relative"] == pytest.approx(164.5 / 2335, rel=1e-3)


def test_forecast_judged_against_the_outcome(report: dict) -> None:
    c = claims(report)["trade_2021_forecast"]
    assert c["forecast"] is True
    assert c["evidence"][0]["value"] == pytest.approx(7.517e9)
    assert c["claimed"]["low"] == pytest.approx(6.3e9) and c["claimed"]["high"] == pytest.approx(7.5e9)


def test_nine_and_ten_months_flagged_as_cumulative_jump(report: dict) -> None:
    findings = report["files"][0]["findings"]
    c102 = [f for f in findings if f["code"] == "C102"]
    assert len(c102) == 1
    f = c102[0]
    assert f["severity"] == "warning"
    assert f["claims"] == ["trade_2021_9m", "trade_2021_10m"]
    assert "1 billion USD in October 2021" in f["message"]
    assert "1.8× the Jan–Sep 2021 monthly average of 0.56 billion USD" in f["message"]


def test_summary_counts(report: dict) -> None:
    s = report["summary"]
    assert s["claims"] == len(EXPECTED)
    for verdict in ("supported", "contradicted", "disputed", "unverified", "pending", "ambiguous"):
        assert s[verdict] == sum(1 for v in EXPECTED.values() if v == verdict)
    assert s["exit_code"] == 1


def test_every_claim_quotes_the_article() -> None:
    from factcheck._claims import load_claims_file

    cf = load_claims_file(EXAMPLE)
    assert all(c.quote for c in cf.claims)
    assert len(cf.claims) == len(EXPECTED)
