"""Output formats: one small module per format, each a :class:`Formatter` that turns a report into text.

Formats are looked up by name and imported only when used, so the CLI pays for none it does not print.
Machine formats (everything but ``text``) are plain strings written without rich.
"""

from __future__ import annotations

import importlib
from typing import Protocol

from factcheck._report import Report

FORMATS: dict[str, str] = {
    "text": "factcheck.output.terminal:TerminalFormatter",
    "json": "factcheck.output.json_format:JsonFormatter",
    "sarif": "factcheck.output.sarif:SarifFormatter",
    "junit": "factcheck.output.junit:JunitFormatter",
    "github": "factcheck.output.github:GithubFormatter",
    "markdown": "factcheck.output.markdown:MarkdownFormatter",
}


class Formatter(Protocol):
    """Turns a whole report into the text of one format."""

    name: str
    machine: bool  # True: plain text for programs, never through rich

    def format(self, report: Report) -> str: ...


def get_formatter(name: str, **options) -> Formatter:
    try:
        target = FORMATS[name]
    except KeyError:
        raise KeyError(f"unknown format '{name}' (choose from {', '.join(FORMATS)})") from None
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)(**options)
