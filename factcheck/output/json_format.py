"""`--format json`: the contract's JSON report, stable keys, written with the json module alone."""

from __future__ import annotations

import json
import math
from typing import Any

from factcheck._report import ClaimResult, Evidence, Finding, Gap, Location, Report, Value


def _num(x: float | None) -> float | int | None:
    if x is None or not math.isfinite(x):
        return None
    if float(x).is_integer() and abs(x) < 2**53:
        return int(x)
    return float(f"{x:.12g}")


def _value(v: Value) -> dict[str, Any]:
    return {
        "text": v.text, "low": _num(v.low), "high": _num(v.high), "unit": v.unit,
        "low_closed": v.low_closed, "high_closed": v.high_closed, "scale": v.scale_word or None,
        "hedge": v.hedge or None,
    }


def _gap(g: Gap | None) -> dict[str, Any] | None:
    if g is None:
        return None
    return {"absolute": _num(g.absolute), "relative": None if g.relative is None else round(g.relative, 6)}


def _loc(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    return {"path": loc.path, "line": loc.line, "column": loc.column}


def _evidence(e: Evidence) -> dict[str, Any]:
    v = e.value
    mid = (v.low + v.high) / 2 if math.isfinite(v.low) and math.isfinite(v.high) else (
        v.low if math.isfinite(v.low) else v.high)
    return {
        "dataset": e.dataset, "row": e.row, "series": e.series,
        "score": None if e.score is None else round(e.score, 1),
        "value": _num(mid), "low": _num(v.low), "high": _num(v.high), "text": v.text, "unit": v.unit,
        "period": e.period, "source": e.source, "url": e.url, "published": e.published,
        "verdict": e.verdict, "gap": _gap(e.gap), "how": e.how, "column": e.column,
        "rows": list(e.rows), "detail": e.detail or None,
    }


def claim_dict(c: ClaimResult) -> dict[str, Any]:
    return {
        "id": c.id, "verdict": c.verdict, "severity": c.severity, "code": c.code, "line": c.line,
        "column": c.column, "claimed": _value(c.claimed), "period": c.period, "kind": c.kind,
        "metric": c.metric, "dimensions": dict(c.dimensions), "forecast": c.forecast,
        "quote": c.quote, "quote_location": _loc(c.quote_location),
        "evidence": [_evidence(e) for e in c.evidence],
        "candidates": [{"series": k.series, "score": round(k.score, 1), "dataset": k.dataset, "row": k.row}
                       for k in c.candidates],
        "reason": c.reason or None, "gap": _gap(c.gap),
        "ignore": list(c.ignored),
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code, "name": f.name, "severity": f.severity, "claims": list(f.claims), "line": f.line,
        "column": f.column, "message": f.message, "document": _loc(f.document),
        "related": [_loc(r) for r in f.related],
    }


def report_dict(report: Report) -> dict[str, Any]:
    s = report.summary()
    files = []
    for f in report.files:
        files.append({
            "path": f.path,
            "document": f.document,
            "claims": [claim_dict(c) for c in f.claims],
            "findings": [finding_dict(x) for x in f.findings],
            "suppressed": [finding_dict(x) for x in f.suppressed],
            "relations": [{"id": r.id, "expr": r.text, "status": r.status, "line": r.line,
                           "explanation": r.explanation} for r in f.relations],
            "problems": [str(p) for p in f.problems],
        })
    summary = {"claims": s.claims, **s.verdicts, "findings": s.findings, "suppressed": s.suppressed,
               "exit_code": s.exit_code}
    out = {"version": 1, "files": files, "summary": summary}
    if report.extra:
        out.update(report.extra)
    return out


class JsonFormatter:
    name = "json"
    machine = True

    def __init__(self, **_: Any):
        pass

    def format(self, report: Report) -> str:
        return json.dumps(report_dict(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
