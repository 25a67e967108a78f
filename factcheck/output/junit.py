"""`--format junit`: JUnit XML for GitLab, Jenkins and other CI test reports.

One ``<testsuite>`` per claims file and one ``<testcase>`` per claim. A claim fails (``<failure>``) on an
error-severity verdict (contradicted) or on any error finding that names it; it is skipped when its verdict
cannot be checked (unverified, pending, ambiguous) and nothing made it fail; warnings and notes go into its
``<system-out>``. Findings that name no claim get a testcase of their own, named by their code. A file that
could not be loaded is one testcase, ``load``, with an ``<error>`` listing its problems. Every ``time`` is
"0", so the same report always gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from factcheck._report import ClaimResult, Evidence, FileReport, Finding, Report, verdict_message
from factcheck._rules import BY_CODE

SKIPPED_VERDICTS = ("unverified", "pending", "ambiguous")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Characters XML 1.0 cannot hold at all (control characters) become U+FFFD."""
    return _XML_INVALID.sub("\ufffd", text)


def _title(code: str) -> str:
    rule = BY_CODE.get(code)
    return f"{code} {rule.name}" if rule else code


def evidence_line(e: Evidence) -> str:
    """One piece of evidence in plain text: verdict, series, value, period, source and row."""
    where = e.dataset if e.row is None else f"{e.dataset}:{e.row}"
    src = f"computed: {e.source}" if e.how == "compute" else f"{e.source}, {where}"
    return f"{e.verdict}: {e.series} = {e.value.text} ({e.period}; {src})"


def _claim_text(c: ClaimResult) -> list[str]:
    lines = [verdict_message(c)]
    lines += [f"  {evidence_line(e)}" for e in c.evidence]
    lines += [f"  candidate: {k.series} ({k.score:.0f})" for k in c.candidates]
    if c.quote_location is not None:
        q = c.quote_location
        lines.append(f"  quote: {q.path}:{q.line}:{q.column}")
    return lines


def _finding_text(f: Finding) -> str:
    text = f"{_title(f.code)} ({f.severity}, line {f.line}): {f.message}"
    if f.document is not None:
        text += f" [document {f.document.path}:{f.document.line}:{f.document.column}]"
    return text


class JunitFormatter:
    name = "junit"
    machine = True

    def __init__(self, **_: Any):
        pass

    def format(self, report: Report) -> str:
        root = ET.Element("testsuites", name="factcheck")
        totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
        for file in report.files:
            suite = self._suite(file)
            root.append(suite)
            for k in totals:
                totals[k] += int(suite.get(k))
        for k, v in totals.items():
            root.set(k, str(v))
        root.set("time", "0")
        ET.indent(root, space="  ")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

    # ------------------------------------------------------------------ pieces

    def _suite(self, file: FileReport) -> ET.Element:
        suite = ET.Element("testsuite", name=file.path)
        cases: list[ET.Element] = []
        if file.problems:
            case = self._case(file, "load", max(1, min(p.line for p in file.problems) or 1))
            n = len(file.problems)
            ET.SubElement(case, "error", message=_clean(f"could not load {file.path}: {n} problem(s)"),
                          type=_title("E001")).text = _clean("\n".join(str(p) for p in file.problems))
            cases.append(case)
        else:
            ids = {c.id for c in file.claims}
            by_claim: dict[str, list[Finding]] = {c.id: [] for c in file.claims}
            loose: list[Finding] = []
            for f in file.findings:
                named = [cid for cid in f.claims if cid in ids]
                for cid in named:
                    by_claim[cid].append(f)
                if not named:
                    loose.append(f)
            quiet: dict[str, list[Finding]] = {c.id: [] for c in file.claims}
            for f in file.suppressed:
                for cid in f.claims:
                    if cid in ids:
                        quiet[cid].append(f)
            cases += [self._claim_case(file, c, by_claim[c.id], quiet[c.id]) for c in file.claims]
            cases += [self._loose_case(file, f) for f in loose]
        counts = {
            "tests": len(cases),
            "failures": sum(c.find("failure") is not None for c in cases),
            "errors": sum(c.find("error") is not None for c in cases),
            "skipped": sum(c.find("skipped") is not None for c in cases),
        }
        for k, v in counts.items():
            suite.set(k, str(v))
        suite.set("time", "0")
        suite.extend(cases)
        return suite

    @staticmethod
    def _case(file: FileReport, name: str, line: int) -> ET.Element:
        return ET.Element("testcase", classname=file.path, name=name, file=file.path, line=str(max(1, line)),
                          time="0")

    def _claim_case(self, file: FileReport, c: ClaimResult, findings: list[Finding],
                    suppressed: list[Finding]) -> ET.Element:
        case = self._case(file, c.id, c.line)
        ignored = c.code is not None and c.code in c.ignored
        errors = [f for f in findings if f.severity == "error"]
        failures = [(_title(c.code), verdict_message(c))] if c.severity == "error" and not ignored else []
        failures += [(_title(f.code), f.message) for f in errors]  # (type, message)
        out: list[str] = []
        if failures:
            kind, message = failures[0]
            if len(failures) > 1:
                message += f" (and {len(failures) - 1} more)"
            body = _claim_text(c) + [_finding_text(f) for f in errors]
            ET.SubElement(case, "failure", message=_clean(message), type=kind).text = _clean("\n".join(body))
        else:
            if c.verdict in SKIPPED_VERDICTS and not ignored:
                ET.SubElement(case, "skipped", message=_clean(verdict_message(c)))
            out += _claim_text(c)
        out += [_finding_text(f) for f in findings if f.severity != "error"]
        why = f" ({c.ignore_reason})" if c.ignore_reason else ""
        if ignored:
            out.append(f"{_title(c.code)}: ignored by the claims file{why}")
        out += [f"{_finding_text(f)}: ignored by the claims file{why}" for f in suppressed]
        if out:
            ET.SubElement(case, "system-out").text = _clean("\n".join(out))
        return case

    def _loose_case(self, file: FileReport, f: Finding) -> ET.Element:
        case = self._case(file, f.code, f.line)
        if f.severity == "error":
            ET.SubElement(case, "failure", message=_clean(f.message), type=_title(f.code)).text = \
                _clean(_finding_text(f))
        else:
            ET.SubElement(case, "system-out").text = _clean(_finding_text(f))
        return case
