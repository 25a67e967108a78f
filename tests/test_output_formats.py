"""Output formats: golden files for a hand-built report, plus structural checks of each format.

The report is built by hand (no checking engine), so these tests pin the formats alone. Rewrite the golden
files with ``uv run pytest tests/test_output_formats.py --update-golden`` and review the diff.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from factcheck._errors import Problem
from factcheck._report import (
    Candidate,
    ClaimResult,
    Evidence,
    FileReport,
    Finding,
    Gap,
    Location,
    Report,
    Value,
)
from factcheck._rules import RULES, render_rules_markdown
from factcheck.output import FORMATS, get_formatter
from factcheck.output.github import GithubFormatter, escape_data, escape_property

ROOT = Path(__file__).parent.parent
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

CLAIMS = "claims/uzbekistan-russia-2021.yaml"
BROKEN = "claims/broken claims.yaml"
DOC = "claims/uzbekistan-russia-2021.txt"
FIGURES = "claims/data/published-figures.csv"
EXPORTS = "claims/data/stat-uz-exports-by-country.csv"
D201_MESSAGE = ("quote not found (best match 72%, threshold 85%):\n"
                "closest passage: 'there are 15 branches of Russian banks, in Tashkent'")


def usd(text: str, low: float, high: float, hedge: str = "") -> Value:
    return Value(text, low, high, True, False, "USD", "billion", hedge)


def pct(text: str, low: float, high: float) -> Value:
    return Value(text, low, high, True, False, "percent")


def row(dataset: str, line: int, series: str, value: Value, period: str, source: str, verdict: str,
        gap: Gap | None = None) -> Evidence:
    return Evidence(dataset=dataset, row=line, series=series, score=97.5, value=value, period=period,
                    source=source, verdict=verdict, gap=gap, column="value", rows=(line,))


def make_report() -> Report:
    claims = (
        ClaimResult(
            id="russia_share_2021", verdict="supported", line=22, column=5,
            claimed=pct("18%", 17.5, 18.5), period="2021-01/2021-10", kind="share",
            metric="share of trade turnover", dimensions=(("subject", "Uzbekistan"), ("partner", "Russia")),
            quote="18 percent of Uzbekistan's total trade turnover is accounted for by Russia",
            quote_location=Location(DOC, 3, 12),
            evidence=(row(FIGURES, 13, "share of trade turnover · Uzbekistan · Russia", pct("17.9", 17.85, 17.95),
                          "2021-01/2021-10", "Stat.uz | State Committee", "supported"),),
        ),
        ClaimResult(
            id="trade_2021_9m", verdict="contradicted", line=29, column=5,
            claimed=usd("five billion USD", 4.5e9, 5.5e9), period="2021-01/2021-09", kind="flow",
            metric="trade turnover", quote="by the end of nine months, it is already five billion",
            quote_location=Location(DOC, 5, 1),
            evidence=(row(FIGURES, 14, "trade turnover · Uzbekistan · Russia", usd("5.9 billion", 5.85e9, 5.95e9),
                          "2021-01/2021-09", "Ministry of Foreign Affairs", "contradicted",
                          Gap(-0.35e9, -0.35 / 5.85)),),
            gap=Gap(-0.35e9, -0.35 / 5.85),
        ),
        ClaimResult(
            id="trade_2021_10m", verdict="disputed", line=36, column=5,
            claimed=usd("5.6 billion USD", 5.55e9, 5.65e9), period="2021-01/2021-10", kind="flow",
            metric="trade turnover", quote="5.6 billion dollars in ten months",
            quote_location=Location(DOC, 6, 20),
            evidence=(
                row(FIGURES, 15, "trade turnover · Uzbekistan · Russia", usd("5.6 billion", 5.55e9, 5.65e9),
                    "2021-01/2021-10", "Stat.uz | State Committee", "supported"),
                row(EXPORTS, 88, "trade turnover · Uzbekistan · Russia", usd("5.8 billion", 5.75e9, 5.85e9),
                    "2021-01/2021-10", "Central Bank *preliminary*", "contradicted", Gap(-0.1e9, -0.1 / 5.75)),
            ),
        ),
        ClaimResult(
            id="investment_total", verdict="ambiguous", line=44, column=5,
            claimed=usd("about 10 billion USD", 9e9, 11e9, "about"), period="2021", kind="stock",
            metric="investment", reason="two series match about equally",
            candidates=(Candidate("accumulated investment · Uzbekistan · Russia", 81.0, FIGURES, 20),
                        Candidate("investment inflows · Uzbekistan · Russia", 79.5, FIGURES, 21)),
            ignored=("D202",), ignore_reason="the document rounds up on purpose",
        ),
        ClaimResult(
            id="branches_total", verdict="unverified", line=52, column=5,
            claimed=Value("15 branches", 14.5, 15.5, True, False, "branches"), period="2021-11-19", kind="stock",
            metric="bank branches", quote="15 branches of Russian banks", reason="no reference data matches",
        ),
        ClaimResult(
            id="trade_2025_forecast", verdict="pending", line=58, column=5,
            claimed=usd("10 billion USD", 9.5e9, 10.5e9), period="2025", kind="flow", metric="trade turnover",
            forecast=True, reason="the series has no observation for 2025 yet",
            quote_location=Location(DOC, 9, 1),
        ),
    )
    findings = (
        Finding("C102", "warning",
                "trade_2021_9m, trade_2021_10m: 0.6 billion USD in 2021-10 is 1.1x the average month before: "
                "within the 1.5x threshold, but the 9-month figure is contradicted",
                CLAIMS, 36, 5, claims=("trade_2021_9m", "trade_2021_10m"), document=Location(DOC, 6, 20),
                related=(Location(CLAIMS, 29, 5),)),
        Finding("D201", "error", D201_MESSAGE, CLAIMS, 53, 12, claims=("branches_total",),
                document=Location(DOC, 8, 1)),
        Finding("D203", "info", "'1.5 trillion' in the document is claimed by no claim", CLAIMS, 1, 0,
                document=Location(DOC, 11, 34)),
    )
    suppressed = (
        Finding("D202", "error", "the quote says 'more than 10 billion', the value 'about 10 billion USD'",
                CLAIMS, 46, 12, claims=("investment_total",), document=Location(DOC, 7, 3)),
    )
    good = FileReport(path=CLAIMS, claims=claims, findings=findings, document=DOC, suppressed=suppressed)
    broken = FileReport(path=BROKEN, problems=(
        Problem(BROKEN, 4, 3, "unknown field 'valu' (did you mean 'value'?)"),
        Problem(BROKEN, 9, 11, "reference file not found: data/missing.csv"),
    ))
    return Report(files=(good, broken), fail_on="error")


REPORT = make_report()
GOLDEN = {"json": "report.json", "sarif": "report.sarif.json", "junit": "report.junit.xml",
          "github": "report.github.txt", "markdown": "report.md"}


# ---------------------------------------------------------------------- golden files


@pytest.mark.parametrize("fmt", list(GOLDEN))
def test_golden(fmt, golden):
    text = get_formatter(fmt, color=True, width=80).format(REPORT)
    golden(GOLDEN[fmt], text)


@pytest.mark.parametrize("fmt", list(GOLDEN))
def test_machine_formats_are_deterministic_and_take_any_option(fmt, monkeypatch, tmp_path):
    f = get_formatter(fmt, color=True, width=40, verbose=True, whatever=1)
    assert f.machine is True and f.name == fmt and fmt in FORMATS
    first = f.format(REPORT)
    monkeypatch.chdir(tmp_path)
    assert get_formatter(fmt).format(make_report()) == first
    first.encode("utf-8")
    assert "\x1b[" not in first  # no terminal colour
    assert str(ROOT) not in first  # no absolute paths


def test_rules_doc_is_generated_from_the_catalogue():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == render_rules_markdown()
    text = render_rules_markdown()
    for r in RULES:
        assert f"### {r.code} {r.name}" in text and r.description in text


# ---------------------------------------------------------------------- SARIF


def sarif() -> dict:
    return json.loads(get_formatter("sarif").format(REPORT))


def test_sarif_is_valid_against_the_published_schema():
    from jsonschema import Draft7Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(Draft7Validator(schema).iter_errors(sarif()), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_sarif_rules_results_and_locations():
    from factcheck import __version__

    doc = sarif()
    assert doc["version"] == "2.1.0" and len(doc["runs"]) == 1
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["name"] == "factcheck" and driver["version"] == __version__ and driver["informationUri"]
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [r.code for r in RULES]
    assert "E001" in [r["id"] for r in rules]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert levels["R101"] == "error" and levels["R102"] == "warning" and levels["R105"] == "note"
    for r in rules:
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert r["help"]["text"] and r["help"]["markdown"]

    results = doc["runs"][0]["results"]
    # five verdicts other than supported, three findings, one suppressed finding, two problems
    assert [r["ruleId"] for r in results] == [
        "R101", "R102", "R103", "R104", "R105", "C102", "D201", "D203", "D202", "E001", "E001"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not loc["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert "\\" not in loc["artifactLocation"]["uri"]
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
    by_rule = {r["ruleId"]: r for r in results}
    assert by_rule["R101"]["level"] == "error" and by_rule["R105"]["level"] == "note"
    assert by_rule["C102"]["level"] == "warning"
    assert by_rule["D203"]["locations"][0]["physicalLocation"]["region"]["startColumn"] == 1  # column 0
    e001 = by_rule["E001"]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert e001["uri"] == "claims/broken%20claims.yaml"

    disputed = by_rule["R102"]["relatedLocations"]
    assert [x["physicalLocation"]["artifactLocation"]["uri"] for x in disputed] == [FIGURES, EXPORTS, DOC]
    assert [x["physicalLocation"]["region"]["startLine"] for x in disputed] == [15, 88, 6]
    assert len({x["id"] for x in disputed}) == 3 and all(x["message"]["text"] for x in disputed)

    assert by_rule["D202"]["suppressions"][0]["kind"] == "inSource"
    assert "suppressions" not in by_rule["D201"]
    prints = [r["partialFingerprints"]["factcheck/v1"] for r in results]
    assert len(set(prints)) == len(prints)


def test_sarif_fingerprints_do_not_move_with_lines():
    from dataclasses import replace

    moved = make_report()
    f0 = moved.files[0]
    moved = replace(moved, files=(replace(f0, claims=tuple(replace(c, line=c.line + 7) for c in f0.claims),
                                          findings=tuple(replace(x, line=x.line + 7) for x in f0.findings)),
                                  *moved.files[1:]))
    fmt = get_formatter("sarif")
    before = [r["partialFingerprints"] for r in json.loads(fmt.format(REPORT))["runs"][0]["results"]]
    after = [r["partialFingerprints"] for r in json.loads(fmt.format(moved))["runs"][0]["results"]]
    assert before == after


# ---------------------------------------------------------------------- JUnit


def test_junit_one_testcase_per_claim_with_the_right_outcome():
    from junitparser import Error, Failure, JUnitXml, Skipped

    xml = JUnitXml.fromstring(get_formatter("junit").format(REPORT))
    suites = {s.name: s for s in xml}
    assert list(suites) == [CLAIMS, BROKEN]

    cases = {c.name: c for c in suites[CLAIMS]}
    claim_ids = [c.id for c in REPORT.files[0].claims]
    assert list(cases) == [*claim_ids, "D203"]  # the finding that names no claim has a testcase of its own

    def kinds(name):
        return [type(r) for r in cases[name].result]

    assert kinds("russia_share_2021") == []
    assert kinds("trade_2021_9m") == [Failure]
    assert cases["trade_2021_9m"].result[0].type == "R101 contradicted"
    assert kinds("trade_2021_10m") == []  # disputed: a warning, so it passes (C102 warning goes to system-out)
    assert "C102" in cases["trade_2021_10m"].system_out
    assert kinds("investment_total") == [Skipped]  # ambiguous, and its D202 is ignored
    assert "ignored" in cases["investment_total"].system_out
    assert kinds("branches_total") == [Failure]  # unverified but D201 (an error) names it: a failure
    assert cases["branches_total"].result[0].type == "D201 quote-not-found"
    assert kinds("trade_2025_forecast") == [Skipped]
    assert kinds("D203") == []
    for c in cases.values():
        assert c.classname == CLAIMS and c._elem.get("file") == CLAIMS and int(c._elem.get("line")) >= 1

    s = suites[CLAIMS]
    assert (s.tests, s.failures, s.errors, s.skipped) == (7, 2, 0, 2)

    load = list(suites[BROKEN])
    assert [c.name for c in load] == ["load"]
    assert [type(r) for r in load[0].result] == [Error]
    assert "unknown field 'valu'" in load[0].result[0].text and "missing.csv" in load[0].result[0].text

    root = xml._elem
    assert root.get("name") == "factcheck"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped"), root.get("time")) \
        == ("8", "2", "1", "2", "0")


# ---------------------------------------------------------------------- GitHub annotations

LINE = re.compile(r"^::(error|warning|notice) file=([^,:]+)(?:,line=(\d+))?(?:,col=(\d+))?,title=([^,:]+)::(.*)$")


def unescape(text: str) -> str:
    for a, b in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(a, b)
    return text


def test_github_annotations_are_escaped_workflow_commands():
    text = get_formatter("github").format(REPORT)
    lines = text.splitlines()
    assert len(lines) == 10  # five verdicts, three findings, two problems; nothing for the ignored D202
    parsed = []
    for line in lines:
        m = LINE.match(line)
        assert m, line
        parsed.append(m.groups())
    assert [p[0] for p in parsed] == ["error", "warning", "warning", "warning", "notice", "warning", "error",
                                      "notice", "error", "error"]
    d201 = next(p for p in parsed if p[4] == "D201 quote-not-found")
    assert (d201[1], d201[2], d201[3]) == (CLAIMS, "53", "12")
    message = d201[5]
    assert "%25" in message and "%0A" in message and "\n" not in message
    assert unescape(message) == D201_MESSAGE
    d203 = next(p for p in parsed if p[4].startswith("D203"))
    assert d203[3] is None  # column unknown: no col
    assert next(p for p in parsed if p[0] == "error" and p[1].startswith("claims/broken"))[1] == BROKEN


def test_github_escaping_rules():
    assert escape_data("50%, a:b\r\nc") == "50%25, a:b%0D%0Ac"
    assert escape_property("50%, a:b\r\nc") == "50%25%2C a%3Ab%0D%0Ac"


def test_github_step_summary_is_appended_only_by_the_side_effect(tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    fmt = GithubFormatter()
    out = fmt.format(REPORT)
    assert summary.read_text(encoding="utf-8") == "earlier step\n"  # format() wrote nothing
    assert fmt.write_side_effects(REPORT, env={"GITHUB_STEP_SUMMARY": str(summary)}) == str(summary)
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + get_formatter("markdown").format(REPORT)
    assert fmt.write_side_effects(REPORT, env={}) is None
    assert fmt.format(REPORT) == out


# ---------------------------------------------------------------------- Markdown


def test_markdown_tables_and_escaping():
    from factcheck.output.markdown import code, escape

    text = get_formatter("markdown").format(REPORT)
    assert text.startswith("## factcheck\n")
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| verdict")
            and not line.startswith("| ---")]
    assert len(rows) == len(REPORT.files[0].claims)
    for r in rows:  # an escaped pipe never splits a cell: six cells in every row
        assert len(re.split(r"(?<!\\)\|", r)) == 8, r
    assert "Stat.uz \\| State Committee" in text
    assert "Central Bank \\*preliminary\\*" in text
    assert "✗ 1 contradicted" in text and "could not be loaded" in text
    assert escape("a|b *c* <x>\nd") == "a\\|b \\*c\\* &lt;x&gt;<br>d"
    assert code("a|b") == "`a\\|b`" and code("x`y") == "``x`y``"
