"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

Each line is ``::error file=…,line=…,col=…,title=CODE name::message`` (``::warning``, ``::notice`` for
info), escaped as the runner expects. :meth:`GithubFormatter.write_side_effects` appends the Markdown
report to the file that ``GITHUB_STEP_SUMMARY`` names; the CLI calls it after printing, so
:meth:`~GithubFormatter.format` stays a pure function of the report.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Mapping

from factcheck._report import Finding, Report
from factcheck.output.sarif import ci_findings

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    props = [f"file={escape_property(f.path)}"]
    if f.line > 0:
        props.append(f"line={f.line}")
        if f.column > 0:
            props.append(f"col={f.column}")
    props.append(f"title={escape_property(f'{f.code} {f.name}')}")
    return f"::{COMMANDS.get(f.severity, 'warning')} {','.join(props)}::{escape_data(f.message)}"


class GithubFormatter:
    name = "github"
    machine = True

    def __init__(self, **_: Any):
        pass

    def format(self, report: Report) -> str:
        lines = [annotation(f) for file in report.files for f in ci_findings(file)]
        return "".join(line + "\n" for line in lines)

    def write_side_effects(self, report: Report, env: Mapping[str, str] = os.environ) -> str | None:
        """Append the Markdown report to ``$GITHUB_STEP_SUMMARY`` when it names a file; return that path."""
        path = env.get("GITHUB_STEP_SUMMARY")
        if not path:
            return None
        from factcheck.output.markdown import MarkdownFormatter

        text = MarkdownFormatter().format(report)
        try:
            with open(path, "a", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except OSError as e:
            sys.stderr.write(f"factcheck: could not write the step summary to {path}: {e.strerror or e}\n")
            return None
        return path
