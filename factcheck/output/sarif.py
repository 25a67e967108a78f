"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

One run, one rule per code of :data:`factcheck._rules.RULES`, one result per verdict other than
``supported`` (R1xx), per finding, and per problem of a file that could not be loaded (E001). A result's
primary location is the claim in the claims file; the reference rows and the quote in the document are
related locations. Paths are repository-relative URIs under ``%SRCROOT%``; the output has no timestamps
and no absolute paths (unless the report itself holds one), so the same report always gives the same
bytes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from factcheck import __version__
from factcheck._report import FileReport, Finding, Location, Report, claim_findings
from factcheck._rules import RULES, Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/factcheck-numbers/"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "factcheck/v1"


def ci_findings(file: FileReport) -> list[Finding]:
    """Everything a CI format reports for one file, in a stable order.

    A file that could not be loaded gives one E001 finding per problem; otherwise the verdicts other than
    ``supported`` (R1xx, in claim order) and then the file's findings (in report order).
    """
    if file.problems:
        return [Finding("E001", "error", p.message, p.path, p.line, p.column) for p in file.problems]
    return claim_findings(file) + list(file.findings)


def artifact_uri(path: str) -> str:
    """A path as a URI reference: forward slashes, no leading ``./``, reserved characters escaped."""
    p = path.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    if p.startswith("/"):
        return "file://" + quote(p, safe="/")
    if len(p) > 1 and p[1] == ":":  # a Windows drive
        return "file:///" + quote(p, safe="/:")
    return quote(p, safe="/")


def _physical(loc: Location | Finding) -> dict[str, Any]:
    uri = artifact_uri(loc.path)
    art: dict[str, Any] = {"uri": uri}
    if not uri.startswith("file:"):
        art["uriBaseId"] = "%SRCROOT%"
    region: dict[str, Any] = {"startLine": max(1, loc.line or 1), "startColumn": max(1, loc.column or 1)}
    end_line = getattr(loc, "end_line", None)
    end_column = getattr(loc, "end_column", None)
    if end_line is not None and end_line >= region["startLine"]:
        region["endLine"] = end_line
        if end_column is not None and end_column >= 1:
            region["endColumn"] = end_column
    return {"artifactLocation": art, "region": region}


def fingerprint(f: Finding) -> str:
    """Stable across commits: the code, the claims file and the claims named, never the line."""
    ident = ",".join(f.claims) if f.claims else f.message
    return hashlib.sha256(f"{f.code}\0{f.path}\0{ident}".encode()).hexdigest()[:32]


def _rule(r: Rule) -> dict[str, Any]:
    return {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.description},
        "help": {
            "text": f"{r.code} {r.name} ({r.severity}): {r.summary} {r.description}",
            "markdown": f"**{r.code} {r.name}** ({r.severity})\n\n{r.summary}\n\n{r.description}",
        },
        "defaultConfiguration": {"level": LEVELS[r.severity]},
    }


class SarifFormatter:
    name = "sarif"
    machine = True

    def __init__(self, **_: Any):
        pass

    def format(self, report: Report) -> str:
        index = {r.code: i for i, r in enumerate(RULES)}
        results: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        for file in report.files:
            claims = {c.id: c for c in file.claims}
            for f in ci_findings(file):
                results.append(self._result(f, index, claims, seen))
            for f in file.suppressed:
                res = self._result(f, index, claims, seen)
                res["suppressions"] = [{"kind": "inSource", "justification": self._why(f, claims)}]
                results.append(res)
        run = {
            "tool": {"driver": {
                "name": "factcheck",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(r) for r in RULES],
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }
        doc = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
        return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"

    @staticmethod
    def _why(f: Finding, claims: dict) -> str:
        reasons = [claims[c].ignore_reason for c in f.claims if c in claims and claims[c].ignore_reason]
        return "; ".join(reasons) or "ignored by `ignore:` in the claims file"

    def _result(self, f: Finding, index: dict[str, int], claims: dict, seen: dict[str, int]) -> dict[str, Any]:
        res: dict[str, Any] = {"ruleId": f.code}
        if f.code in index:
            res["ruleIndex"] = index[f.code]
        res["level"] = LEVELS.get(f.severity, "warning")
        res["message"] = {"text": f.message}
        res["locations"] = [{"physicalLocation": _physical(f)}]
        related = self._related(f, claims)
        if related:
            res["relatedLocations"] = related
        fp = fingerprint(f)
        n = seen.get(fp, 0)
        seen[fp] = n + 1
        res["partialFingerprints"] = {FINGERPRINT_KEY: fp if n == 0 else f"{fp}:{n + 1}"}
        return res

    @staticmethod
    def _related(f: Finding, claims: dict) -> list[dict[str, Any]]:
        evidence = {}
        for cid in f.claims:
            if cid in claims:
                for e in claims[cid].evidence:
                    evidence.setdefault((e.dataset, e.row), e)
        out: list[dict[str, Any]] = []
        for loc in f.related:
            e = evidence.get((loc.path, loc.line))
            if e is not None:
                text = f"reference row: {e.series} = {e.value.text} ({e.period}, {e.source}): {e.verdict}"
            else:
                text = f"related: {loc.path} line {loc.line}"
            out.append({"id": len(out) + 1, "physicalLocation": _physical(loc), "message": {"text": text}})
        if f.document is not None:
            out.append({"id": len(out) + 1, "physicalLocation": _physical(f.document),
                        "message": {"text": "the quote in the document"}})
        return out
