"""The coloured terminal report (rich): one row per claim, a symbol and a word for each verdict.

Colour is decoration only: every verdict also has a symbol and a word, so the report reads the same
with ``NO_COLOR``, ``--color never`` or when piped.
"""

from __future__ import annotations

import io
from typing import Any

from factcheck._report import ClaimResult, Evidence, FileReport, Finding, Report

STYLE = {
    "supported": ("✓", "green"),
    "contradicted": ("✗", "bold red"),
    "disputed": ("≠", "yellow"),
    "ambiguous": ("?", "yellow"),
    "unverified": ("·", "dim"),
    "pending": ("…", "cyan"),
}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan", "ok": "green"}
SEVERITY_SYMBOL = {"error": "✗", "warning": "!", "info": "i"}


def _short(path: str) -> str:
    """A dataset path without its folders: the row number is what the reader needs."""
    return path.rsplit("/", 1)[-1]


def _gap_text(e: Evidence | None, c: ClaimResult) -> str:
    from factcheck._engine import display_number

    gap = e.gap if e is not None else c.gap
    if gap is None:
        return ""
    if gap.absolute == 0:
        return "touches the claim's interval but does not meet it"
    unit = "pp" if c.claimed.unit == "percent" else c.claimed.unit  # a gap between percentages
    text = display_number(gap.absolute, unit, c.claimed.scale_word, digits=3)
    if gap.absolute > 0 and not text.startswith("+"):
        text = "+" + text
    if gap.relative is not None:
        text += f" ({gap.relative:+.1%})"
    return text


class TerminalFormatter:
    name = "text"
    machine = False

    def __init__(self, color: bool = False, width: int | None = None, verbose: bool = False, **_: Any):
        self.color = color
        self.width = width or 100
        self.verbose = verbose

    def console(self, buf: io.StringIO):
        from rich.console import Console

        return Console(
            file=buf, force_terminal=self.color, no_color=not self.color, width=self.width,
            color_system="standard" if self.color else None, highlight=False, emoji=False,
            legacy_windows=False,
        )

    def format(self, report: Report) -> str:
        buf = io.StringIO()
        con = self.console(buf)
        for f in report.files:
            self._file(con, f)
        self._summary(con, report)
        # rich pads table cells to the width; trailing blanks only get in the way of a pipe or a diff
        return "\n".join(line.rstrip() for line in buf.getvalue().split("\n"))

    # ------------------------------------------------------------------ pieces

    def _file(self, con, f: FileReport) -> None:
        from rich.table import Table
        from rich.text import Text

        head = Text(f.path, style="bold")
        if f.document:
            head.append(f"  ·  document {f.document}", style="dim")
        head.append(f"  ·  {len(f.claims)} claims", style="dim")
        con.print(head)
        if f.problems:
            for p in f.problems:
                con.print(Text(f"  ✗ {p}", style="bold red"))
            con.print()
            return
        table = Table(box=None, show_header=False, pad_edge=False, expand=False, padding=(0, 1))
        table.add_column("verdict", no_wrap=True, min_width=15)
        table.add_column("claim", overflow="fold")
        for c in f.claims:
            sym, style = STYLE[c.verdict]
            verdict = Text(f"{sym} {c.verdict}", style=style)
            body = Text(c.id, style="bold")
            body.append("  ")
            body.append(c.claimed.text)
            meta = [c.period]
            if c.forecast:
                meta.append("forecast")
            if c.quote_location is not None:
                meta.append(f"document line {c.quote_location.line}")
            body.append(f"  ({', '.join(meta)})", style="dim")
            body.append("\n")
            body.append_text(self._reference(c))
            table.add_row(verdict, body)
        con.print(table)
        for r in f.relations:
            sym, style = {"holds": ("✓", "green"), "edge": ("~", "cyan"), "violated": ("✗", "bold red")}[r.status]
            t = Text("  ")
            t.append(f"{sym} relation", style=style)
            t.append(f" {r.id}" if r.id else "")
            t.append(f" (line {r.line})", style="dim")
            t.append(f": {r.explanation}")
            con.print(t)
        for fi in f.findings:
            self._finding(con, fi)
        if f.suppressed:
            con.print(Text(f"  ({len(f.suppressed)} finding(s) ignored by `ignore:` in the claims file)",
                           style="dim"))
        con.print()

    def _reference(self, c: ClaimResult):
        from rich.text import Text

        out = Text()
        if c.evidence:
            many = len(c.evidence) > 1 or c.verdict == "disputed"
            for i, e in enumerate(c.evidence):
                if i:
                    out.append("\n")
                sym, style = STYLE.get(e.verdict, ("·", ""))
                out.append(f"{sym} " if many else "→ ", style=style if many else "dim")
                out.append(e.value.text, style="bold red" if e.verdict == "contradicted" else "bold")
                if e.period != c.period:
                    out.append(f" ({e.period})", style="dim")
                gap = _gap_text(e, c)
                if gap:
                    out.append(f"  gap {gap}" if gap[0] in "+-−0123456789" else f"  {gap}", style="red")
                src = e.source if e.how != "compute" else f"computed: {e.source}"
                out.append(f"  {src}", style="dim")
                if e.dataset and e.how != "compute":
                    out.append(f" · {_short(e.dataset)}" + (f":{e.row}" if e.row else ""), style="dim")
        elif c.candidates:
            out.append(f"? {c.reason}", style="yellow")
            for k in c.candidates[:4]:
                out.append(f"\n  {k.series} (score {k.score:.0f})", style="dim")
            if len(c.candidates) > 4:
                out.append(f"\n  … {len(c.candidates) - 4} more", style="dim")
        else:
            out.append(f"· {c.reason or 'no reference data'}", style="dim")
        return out

    def _finding(self, con, fi: Finding) -> None:
        from rich.text import Text

        style = SEVERITY_STYLE.get(fi.severity, "")
        t = Text("  ")
        t.append(f"{SEVERITY_SYMBOL.get(fi.severity, '·')} {fi.code} {fi.name}", style=style)
        t.append(f" (line {fi.line}", style="dim")
        if fi.document is not None:
            t.append(f", document line {fi.document.line}", style="dim")
        t.append(")", style="dim")
        t.append(f": {fi.message}")
        con.print(t)

    def _summary(self, con, report: Report) -> None:
        from rich.text import Text

        s = report.summary()
        t = Text()
        t.append(f"{s.claims} claims: ", style="bold")
        parts = []
        for verdict in ("supported", "contradicted", "disputed", "ambiguous", "unverified", "pending"):
            n = s.verdicts[verdict]
            if n:
                sym, style = STYLE[verdict]
                parts.append(Text(f"{sym} {n} {verdict}", style=style))
        t.append_text(Text(", ").join(parts) if parts else Text("none"))
        f = s.findings
        if any(f.values()):
            t.append(f"; findings: {f['error']} error, {f['warning']} warning, {f['info']} info")
        if s.suppressed:
            t.append(f"; {s.suppressed} ignored", style="dim")
        cov = report.extra.get("coverage") if report.extra else None
        if cov:
            t.append(f"\n{cov['claimed']} of {cov['numbers']} numbers in the document are claimed")
        con.print(t)
