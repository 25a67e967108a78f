"""`--format markdown`: the report as GitHub-flavoured Markdown, for a pull-request comment or a step summary.

A heading, one summary line, then per claims file a table of its claims (verdict, claim, claimed,
reference value, source, gap) and its findings as a list. Symbols, never emoji, and every verdict also
spelled out. Text from the claims, the data and the document is escaped, so a ``|`` or a ``*`` in it
cannot break the table or the emphasis.
"""

from __future__ import annotations

import re
from typing import Any

from factcheck._report import VERDICTS, ClaimResult, FileReport, Finding, Report
from factcheck.output.terminal import SEVERITY_SYMBOL, STYLE, _gap_text

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape(text: str) -> str:
    """Plain text as inline Markdown: punctuation that would format is escaped, HTML is neutralised."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return re.sub(r"\s*\r?\n\s*", "<br>", text.strip())


def code(text: str) -> str:
    """Text as a code span (a pipe is still escaped: GFM splits table cells before inline parsing)."""
    text = text.replace("\n", " ").replace("|", "\\|")
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _summary(report: Report) -> str:
    s = report.summary()
    parts = [f"{STYLE[v][0]} {s.verdicts[v]} {v}" for v in VERDICTS if s.verdicts[v]]
    line = f"**{s.claims} claims**: " + (", ".join(parts) if parts else "none")
    f = s.findings
    line += f"; findings: {f['error']} error, {f['warning']} warning, {f['info']} info"
    if s.suppressed:
        line += f"; {s.suppressed} ignored"
    loaded = sum(1 for x in report.files if x.problems)
    if loaded:
        line += f"; {loaded} file(s) could not be loaded"
    line += f". Exit code {s.exit_code} (fail on {report.fail_on})."
    return line


def _reference(c: ClaimResult) -> tuple[str, str, str]:
    """The reference, source and gap cells of a claim's row."""
    if c.evidence:
        several = len(c.evidence) > 1 or c.verdict == "disputed"
        refs, srcs, gaps = [], [], []
        for e in c.evidence:
            mark = f"{STYLE.get(e.verdict, ('·',))[0]} " if several else ""
            period = f" ({escape(e.period)})" if e.period != c.period else ""
            refs.append(f"{mark}{escape(e.value.text)}{period}")
            if e.how == "compute":
                srcs.append(f"computed: {escape(e.source)}")
            else:
                row = f":{e.row}" if e.row is not None else ""
                srcs.append(f"{escape(e.source)} ({code(e.dataset + row)})")
            gaps.append(escape(_gap_text(e, c)) or "–")
        gap = "<br>".join(gaps) if any(g != "–" for g in gaps) else ""
        return "<br>".join(refs), "<br>".join(srcs), gap
    if c.candidates:
        cands = "<br>".join(f"{escape(k.series)} ({k.score:.0f})" for k in c.candidates[:4])
        more = f"<br>… {len(c.candidates) - 4} more" if len(c.candidates) > 4 else ""
        return f"{escape(c.reason or 'several series match')}<br>{cands}{more}", "", escape(_gap_text(None, c))
    return escape(c.reason or "no reference data"), "", escape(_gap_text(None, c))


def _claim_row(c: ClaimResult) -> str:
    sym = STYLE[c.verdict][0]
    verdict = f"{sym} {c.verdict}"
    if c.code and c.code in c.ignored:
        verdict += " (ignored)"
    claim = code(c.id)
    extra = [escape(c.period)] + (["forecast"] if c.forecast else [])
    claim += "<br>" + " · ".join(extra)
    ref, src, gap = _reference(c)
    return f"| {verdict} | {claim} | {escape(c.claimed.text)} | {ref} | {src} | {gap} |"


def _finding(f: Finding, ignored: bool = False) -> str:
    where = f"line {f.line}"
    if f.document is not None:
        where += f", document {code(f.document.path)} line {f.document.line}"
    sym = SEVERITY_SYMBOL.get(f.severity, "·")
    text = f"- {sym} **{f.code} {escape(f.name)}** ({f.severity}, {where}): {escape(f.message)}"
    return text + (" *(ignored by the claims file)*" if ignored else "")


def _file(f: FileReport) -> list[str]:
    out = [f"### {code(f.path)}", ""]
    if f.problems:
        out += ["✗ **could not be loaded** (E001 input-error):", ""]
        out += [f"- {code(f'{p.path}:{p.line}:{p.column}')}: {escape(p.message)}" for p in f.problems]
        return out + [""]
    if f.document:
        out += [f"Document: {code(f.document)} · {len(f.claims)} claims", ""]
    else:
        out += [f"{len(f.claims)} claims", ""]
    if f.claims:
        out += ["| verdict | claim | claimed | reference | source | gap |",
                "| --- | --- | --- | --- | --- | --- |"]
        out += [_claim_row(c) for c in f.claims]
        out.append("")
    if f.findings or f.suppressed:
        out += ["**Findings**", ""]
        out += [_finding(x) for x in f.findings]
        out += [_finding(x, ignored=True) for x in f.suppressed]
        out.append("")
    return out


class MarkdownFormatter:
    name = "markdown"
    machine = True

    def __init__(self, **_: Any):
        pass

    def format(self, report: Report) -> str:
        out = ["## factcheck", "", _summary(report), ""]
        for f in report.files:
            out += _file(f)
        return "\n".join(out).rstrip("\n") + "\n"
