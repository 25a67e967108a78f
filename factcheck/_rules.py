"""The catalogue of finding codes: stable codes, names, severities and documentation.

Codes never change meaning once released. ``R1xx`` are the verdicts of a claim against reference data
(they stay on claims in the JSON report, but CI formats report them as results), ``C1xx`` checks across
claims, ``D2xx`` checks against the document, ``E0xx`` problems of the input itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: str  # default severity: "error", "warning", "info"
    summary: str  # one line
    description: str  # what it means and what to do about it


RULES: tuple[Rule, ...] = (
    Rule("R101", "contradicted", "error",
         "A claim's interval does not meet the reference value.",
         "Every matching reference observation lies outside the interval the claim's wording allows. "
         "The report gives the reference value, its source, and the gap (absolute, in the claim's unit, "
         "and relative to the reference value). Fix the document or the claim, or show the data is wrong."),
    Rule("R102", "disputed", "warning",
         "Sources disagree: some support the claim and some contradict it.",
         "Several sources state the same series and only some of them meet the claim. Each is shown "
         "with its own verdict; the reader decides which to trust, or the document names its source."),
    Rule("R103", "ambiguous", "warning",
         "More than one reference series matches the claim about equally.",
         "Two series score within the ambiguity margin, or a dimension the claim leaves open differs "
         "between the matching rows. Name the metric more precisely or add the missing dimension."),
    Rule("R104", "unverified", "warning",
         "No reference data matches the claim, or its units cannot be compared.",
         "Nothing in the reference datasets states this quantity for this period, or the units differ "
         "(no currency conversion in format 1). This is the honest answer for a claim no data covers."),
    Rule("R105", "pending", "info",
         "A forecast whose period has no reference data yet.",
         "The series exists but has no observation for the forecast's period. Check again later."),
    Rule("C101", "same-quantity-conflict", "error",
         "Two claims about the same quantity state values that cannot both hold.",
         "The claims share metric, dimensions and period, but their intervals do not meet."),
    Rule("C102", "cumulative-jump", "error",
         "Cumulative figures of one flow over nested periods do not fit together.",
         "For two running totals with the same start, the later must not be smaller than the earlier "
         "(error), and the increment it implies should not run far from the earlier average rate "
         "(warning above the configured ratio, 1.5x by default, either way)."),
    Rule("C103", "relation-violated", "error",
         "A declared relation cannot hold for any values within the claims' intervals.",
         "The relation in `relations:` is false for every value the claims' wording allows."),
    Rule("C104", "relation-edge", "info",
         "A declared relation holds only at the edge of the claims' intervals.",
         "The relation can hold, but is false at the values as written: it needs the rounding to go one way."),
    Rule("D201", "quote-not-found", "error",
         "The claim's quote is not in the document.",
         "No passage of the document matches the quote above the threshold; the closest passage is shown."),
    Rule("D202", "quote-number-mismatch", "error",
         "The number in the quote is not the number in the claim's value.",
         "The claims file mistyped the document: another number, another interval or another kind of hedge."),
    Rule("D203", "uncovered-number", "info",
         "A number in the document that no claim covers.",
         "Reported with --coverage: a quantitative expression in the document that no claim's quote contains."),
    Rule("E001", "input-error", "error",
         "A claims file or a reference file could not be read.",
         "The file is missing, is not valid YAML, JSON or TOML, breaks the claims format, or names a reference "
         "file that cannot be loaded. Nothing in it was checked; each problem is given with its line and column. "
         "The exit code is 2."),
)

BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}

VERDICT_CODES: dict[str, str] = {
    "contradicted": "R101",
    "disputed": "R102",
    "ambiguous": "R103",
    "unverified": "R104",
    "pending": "R105",
}


def rule(code: str) -> Rule:
    return BY_CODE[code]


def render_rules_markdown() -> str:
    """``docs/rules.md``: every code with its name, severity, summary and description (a test keeps them equal)."""
    families = (
        ("R", "Verdicts against reference data"),
        ("C", "Checks across claims"),
        ("D", "Checks against the document"),
        ("E", "Problems of the input"),
    )
    out = [
        "# Finding codes",
        "",
        "<!-- Generated from factcheck/_rules.py by render_rules_markdown(); do not edit by hand. -->",
        "",
        "Codes never change meaning once released. Select or ignore them (or a prefix such as `D2`) with "
        "`select` and `ignore` in the configuration, or on one claim with `ignore:`.",
        "",
        "| code | name | severity | summary |",
        "| --- | --- | --- | --- |",
    ]
    out += [f"| [{r.code}](#{r.code.lower()}-{r.name}) | `{r.name}` | {r.severity} | {r.summary} |" for r in RULES]
    for letter, title in families:
        rules = [r for r in RULES if r.code.startswith(letter)]
        if not rules:
            continue
        out += ["", f"## {title}"]
        for r in rules:
            out += ["", f"### {r.code} {r.name}", "", f"Severity: **{r.severity}**. {r.summary}", "", r.description]
    return "\n".join(out) + "\n"
