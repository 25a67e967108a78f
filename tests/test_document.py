"""The document side: quotes located (D201), their numbers against the claims' values (D202), coverage (D203).

Table-driven: the rules of the contract ("Checks against the document", the D202 rule) one row each,
then the CLI end to end on a copy of the worked example with one quote paraphrased beyond recognition
and one number mistyped.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factcheck._claims import load_claims_file
from factcheck._document import document_findings, load_document, locate_quote, normalise, same_value
from factcheck._errors import InputError
from factcheck._quantity import parse_value
from factcheck._scan import find_quantities
from factcheck.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_DIR = ROOT / "claims"
EXAMPLE = EXAMPLE_DIR / "uzbekistan-russia-2021.yaml"
ARTICLE = EXAMPLE_DIR / "uzbekistan-russia-2021.txt"
runner = CliRunner()


def write_doc(tmp_path: Path, text: str, name: str = "doc.txt") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# =============================================================================== normalising, locating
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It is  already\n\nFIVE billion", "it is already five billion"),
        ("an ally – that’s exactly “how”", "an ally - that's exactly \"how\""),
        (r"we have \$14 billion worth", "we have $14 billion worth"),
        ("**five** billion and _more_", "five billion and more"),
        ("see [the report](https://example.org/r) now", "see the report now"),
        ("## Trade grew", "trade grew"),
        ("snake_case_name stays", "snake_case_name stays"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("doc_text", "quote", "line", "column", "exact"),
    [
        # whitespace and a blank line inside the passage
        ("Intro.\n\nThere has never been such a\n\nfigure in our relationship yet.",
         "There has never been such a figure", 3, 1, True),
        # typographic dash and apostrophe in the document, plain ones in the quote
        ("first line\nbut also an ally – that’s exactly how we treat it", "an ally - that's exactly how", 2, 10, True),
        # the document's markdown escape against the quote's plain dollar (and the reverse)
        ("Today:\nwe already have \\$14 billion worth of projects", "we already have $14 billion worth", 2, 1, True),
        ("we already have $14 billion worth of projects", r"have \$14 billion worth", 1, 12, True),
        # case and emphasis
        ("The **Presidents** noted the importance", "the presidents noted", 1, 1, True),
        # a heading's hashes are not part of the text
        ("## Trade grew by 5%\n", "Trade grew by 5%", 1, 4, True),
        # a near quote (a word changed) is found fuzzily
        ("Trade turnover is growing: despite the pandemic, it grew by more than 15 percent last year.",
         "it grew by more than 15 per cent last year", 1, 50, False),
    ],
)
def test_locate_quote(tmp_path: Path, doc_text: str, quote: str, line: int, column: int, exact: bool) -> None:
    doc = load_document(write_doc(tmp_path, doc_text))
    m = locate_quote(doc, quote, 85)
    assert m is not None
    assert m.exact is exact
    assert m.score >= 85
    assert (m.line, m.column) == (line, column), m
    assert m.end_line >= m.line


def test_locate_quote_in_the_worked_example() -> None:
    doc = load_document(ARTICLE)
    m = locate_quote(doc, "we already have $14 billion worth of projects under development today")
    assert m is not None and m.exact
    assert (m.line, m.column) == (25, 31)
    # the original text at that place keeps its escape
    assert doc.text[m.start:m.end].startswith("we already have \\$14 billion")
    m = locate_quote(doc, "an ally - that's exactly how we treat Uzbekistan")
    assert m is not None and m.exact and m.line == 11


def test_a_quote_not_there_gives_the_closest_passage(tmp_path: Path) -> None:
    doc = load_document(write_doc(tmp_path, "Alpha beta.\nThree large forums were held: regional and media.\nOmega."))
    m = locate_quote(doc, "several big conferences took place before the trip", 85)
    assert m is not None and m.score < 85 and not m.exact
    assert m.passage and m.passage in " ".join(doc.clean.split())


# ====================================================================================== loading
def test_missing_document_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        load_document(tmp_path / "nope.txt", "nope.txt")
    assert "file not found" in str(e.value)


def test_bad_utf8_document_has_a_position(tmp_path: Path) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(b"line one\nline \xff two\n")
    with pytest.raises(InputError) as e:
        load_document(p, "bad.txt")
    assert str(e.value.problems[0]).startswith("bad.txt:2:6: not valid UTF-8")


def test_html_without_the_extra_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "bs4", None)  # as if beautifulsoup4 were not installed
    p = write_doc(tmp_path, "<p>Trade reached $6 billion.</p>", "page.html")
    with pytest.raises(InputError) as e:
        load_document(p, "page.html")
    assert "pip install 'factcheck-numbers[html]'" in str(e.value)


def test_html_document(tmp_path: Path) -> None:
    pytest.importorskip("bs4")
    html = ("<html><head><title>T</title><script>var x = 5;</script></head>\n<body>\n"
            "<h1>Talks</h1>\n<p>In 2020, the volume of mutual trade exceeded <b>$5.6&nbsp;billion</b>.</p>\n"
            "<p>Their number has reached 15.</p>\n</body></html>\n")
    doc = load_document(write_doc(tmp_path, html, "page.html"))
    assert "var x" not in doc.text
    m = locate_quote(doc, "the volume of mutual trade exceeded $5.6 billion")
    assert m is not None and m.exact
    assert m.line == 4  # the line of the HTML file
    m = locate_quote(doc, "Their number has reached 15")
    assert m is not None and (m.line, m.column) == (5, 4)


# ====================================================================================== D202: equal values
@pytest.mark.parametrize(
    ("document_says", "claim_value", "equal"),
    [
        ("it is already five billion", "five billion USD", True),  # the claim adds the unit from context
        ("18 percent of the turnover", "18%", True),
        ("exceeded \\$5.6 billion", "more than 5.6 billion USD", True),
        ("exceeded $5.6 billion", "5.6 billion USD", False),  # the claims file dropped the bound
        ("about three thousand", "about three thousand enterprises", True),
        ("about three thousand", "three thousand enterprises", False),  # dropped the approximation
        ("close to $7 billion", "close to 7 billion USD", True),
        ("close to $7 billion", "about 7 billion USD", False),  # another approximation, another interval
        ("it is already five billion", "6 billion USD", False),
        ("has reached 15", "15 branches", True),
        ("over 35 agreements", "over 35 agreements", True),
        ("more than 50 high-level mutual visits", "more than 50 visits", True),
        ("has doubled", "doubled", True),
        ("has doubled", "tripled", False),
        ("18 percent", "18 documents", False),
        ("$14 billion", "14 billion EUR", False),
        ("$14 billion", "14.0 billion USD", False),  # another precision: another interval
        ("reached 5.6", "5.6 billion USD", True),  # a scale the document leaves implicit
    ],
)
def test_same_value(document_says: str, claim_value: str, equal: bool) -> None:
    found = find_quantities(document_says)
    assert found, document_says
    assert same_value(found[0].quantity, parse_value(claim_value)) is equal


# ====================================================================================== D201/D202 on files
def claims_file(tmp_path: Path, doc_text: str, claims: list[dict], *, published: str | None = "2021-11-19") -> Path:
    write_doc(tmp_path, doc_text, "doc.txt")
    lines = ["version: 1", "document:", "  path: doc.txt"]
    if published:
        lines.append(f"  published: {published}")
    lines.append("claims:")
    for c in claims:
        lines.append(f"  - id: {c['id']}")
        for k in ("quote", "value", "period"):
            if k in c:
                lines.append(f"    {k}: {json.dumps(c[k])}")
    p = tmp_path / "c.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


NINE = "And, as you said, the trade turnover is growing:\nby the end of nine months, it is already five billion."
TRADE = "Good relations.\nIn 2020, the volume of mutual trade exceeded \\$5.6 billion, and more."
GREW = "Trade turnover is growing: despite the pandemic, it grew by more than 15 percent last year."
FORUM = ("It was noted that the Second Educational Forum took place in Moscow on November 16-17, "
         "following which over 35 agreements on new areas of the partnership were adopted.")


@pytest.mark.parametrize(
    ("doc_text", "quote", "value", "codes"),
    [
        (NINE, "by the end of nine months, it is already five billion", "five billion USD", []),
        (NINE, "by the end of nine months, it is already five billion", "6 billion USD", ["D202"]),
        (NINE, "by the end of nine months,\n it is already five billion", "five billion USD", []),
        (TRADE, "In 2020, the volume of mutual trade exceeded $5.6 billion", "more than 5.6 billion USD", []),
        (TRADE, "In 2020, the volume of mutual trade exceeded $5.6 billion", "5.6 billion USD", ["D202"]),
        # a hedge before the quote in the document's sentence is not the quote's
        (TRADE, "$5.6 billion, and more", "more than 5.6 billion USD", ["D202"]),
        (TRADE, "$5.6 billion, and more", "5.6 billion USD", []),
        ("To date, 18 percent of Uzbekistan's total trade turnover is accounted for by Russia.",
         "18 percent of Uzbekistan's total trade turnover", "18%", []),
        ("Over the past four years, the number of enterprises has doubled and amounts to about three thousand.",
         "the number of enterprises has doubled", "doubled", []),
        ("Over the past four years, the number of enterprises has doubled and amounts to about three thousand.",
         "amounts to about three thousand", "about three thousand enterprises", []),
        # dates, day numbers and ordinals are not the quote's numbers
        (FORUM, "on November 16-17, following which over 35 agreements", "over 35 agreements", []),
        (FORUM, "on November 16-17, following which over 35 agreements", "17", ["D202"]),
        (FORUM, "the Second Educational Forum took place in Moscow on November 16-17", "2", ["D202"]),
        ("In 2020, trade grew.", "In 2020, trade grew", "2020", ["D202"]),
        # an elapsed time is an amount
        ("This is based on the forum – when we started it three years ago, we had nothing.",
         "when we started it three years ago", "three years", []),
        # a quote found fuzzily whose number differs from the document's: the document's number counts,
        # and so does the quote's
        (GREW, "it grew by more than 16 percent last year", "more than 16%", ["D202"]),
        (GREW, "it grew by more than 16 percent last year", "more than 15%", ["D202"]),
        (GREW, "it grew by more than 15 per cent last year", "more than 15%", []),
        # a quote paraphrased beyond recognition: D201 (and no D202 for a quote without a number)
        (NINE, "the delegations attended several big conferences beforehand", "five billion USD", ["D201"]),
        # a quote not found whose own number differs too
        (NINE, "revenue from tourism tripled to 7 million visitors", "five billion USD", ["D201", "D202"]),
    ],
)
def test_document_checks(tmp_path: Path, doc_text: str, quote: str, value: str, codes: list[str]) -> None:
    p = claims_file(tmp_path, doc_text, [{"id": "c1", "quote": quote, "value": value}])
    cf = load_claims_file(p)
    check = document_findings(cf, ())
    assert sorted(f.code for f in check.findings) == sorted(codes), [f.message for f in check.findings]
    claim = cf.claims[0]
    for f in check.findings:
        assert f.claims == ("c1",)
        assert f.document is not None and f.document.path.endswith("doc.txt")
        field = "quote" if f.code == "D201" else "value"
        assert (f.line, f.column) == claim.pos(field)
    if "D201" not in codes:
        assert "c1" in check.locations


def test_d201_message_shows_the_closest_passage(tmp_path: Path) -> None:
    p = claims_file(tmp_path, NINE, [{"id": "c1", "quote": "by the end of nine weeks we sold five hats",
                                      "value": "five hats"}])
    check = document_findings(load_claims_file(p), ())
    (f,) = [f for f in check.findings if f.code == "D201"]
    assert f.severity == "error"
    assert f.message.startswith("c1: quote not found in ") and "doc.txt (best match " in f.message
    assert "%: “" in f.message and "nine months" in f.message


def test_d202_message(tmp_path: Path) -> None:
    p = claims_file(tmp_path, NINE, [{"id": "c1", "quote": "it is already five billion", "value": "6 billion USD"}])
    (f,) = document_findings(load_claims_file(p), ()).findings
    assert f.message == "c1: the document says five billion; the claims file says 6 billion USD"
    assert f.document is not None and f.document.line == 2
    p = claims_file(tmp_path, TRADE, [{"id": "c1", "quote": "mutual trade exceeded $5.6 billion",
                                       "value": "5.6 billion USD"}])
    (f,) = document_findings(load_claims_file(p), ()).findings
    assert "the document says exceeded $5.6 billion; the claims file says 5.6 billion USD" in f.message
    assert "a bound in the document, exact in the claims file" in f.message


def test_an_empty_document_finds_no_quote(tmp_path: Path) -> None:
    p = claims_file(tmp_path, "\n\n", [{"id": "c1", "quote": "five billion", "value": "five billion"}])
    (f,) = document_findings(load_claims_file(p), ()).findings
    assert f.code == "D201" and "it is empty" in f.message


def test_d202_messages_for_a_fuzzy_quote(tmp_path: Path) -> None:
    p = claims_file(tmp_path, GREW, [{"id": "c1", "quote": "it grew by more than 16 percent last year",
                                      "value": "more than 16%"}])
    (f,) = document_findings(load_claims_file(p), ()).findings
    assert f.message == "c1: the document says more than 15 percent; the claims file says more than 16%"
    p = claims_file(tmp_path, GREW, [{"id": "c1", "quote": "it grew by more than 16 percent last year",
                                      "value": "more than 15%"}])
    (f,) = document_findings(load_claims_file(p), ()).findings
    assert f.message == ("c1: the quote says more than 16 percent; the claims file says more than 15% "
                         "(the document: more than 15 percent)")


def test_no_quote_and_no_document_give_nothing(tmp_path: Path) -> None:
    p = claims_file(tmp_path, NINE, [{"id": "c1", "value": "6 billion USD"}])
    check = document_findings(load_claims_file(p), ())
    assert check.findings == [] and check.locations == {}
    p = tmp_path / "nodoc.yaml"
    p.write_text("version: 1\nclaims:\n  - {id: a, quote: anything at all, value: 5, period: 2020}\n")
    check = document_findings(load_claims_file(p), (), coverage=True)
    assert check.findings == [] and check.coverage is None


def test_the_worked_example_has_no_document_findings() -> None:
    cf = load_claims_file(EXAMPLE)
    check = document_findings(cf, (), coverage=True)
    assert check.findings == []
    assert set(check.locations) == {c.id for c in cf.claims}
    assert check.coverage == {"numbers": 19, "claimed": 19}


# ====================================================================================== the CLI end to end
@pytest.fixture()
def broken_example(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A copy of the worked example: one quote paraphrased beyond recognition, one number mistyped."""
    shutil.copytree(EXAMPLE_DIR, tmp_path / "claims")
    p = tmp_path / "claims" / "uzbekistan-russia-2021.yaml"
    text = p.read_text(encoding="utf-8")
    text = text.replace("quote: Three large forums were held",
                        "quote: The delegations attended several big conferences beforehand")
    old = ("quote: by the end of nine months, it is already five billion\n    metric: trade turnover\n"
           "    value: five billion USD")
    assert old in text
    text = text.replace(old, old.replace("value: five billion USD", "value: 6 billion USD"))
    p.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    where = {
        "quote": 1 + next(i for i, ln in enumerate(lines) if "several big conferences" in ln),
        "value": 1 + next(i for i, ln in enumerate(lines) if "value: 6 billion USD" in ln),
    }
    return p, where


def test_cli_reports_d201_and_d202_in_the_terminal(broken_example, monkeypatch: pytest.MonkeyPatch) -> None:
    p, where = broken_example
    monkeypatch.setenv("COLUMNS", "250")
    r = runner.invoke(app, ["check", str(p), "--color", "never", "--select", "D"])
    assert r.exit_code == 1, r.output
    out = r.output
    assert f"D201 quote-not-found (line {where['quote']}, document line 51)" in out  # the closest passage
    assert "forums_before_visit: quote not found in" in out and "(best match " in out
    assert f"D202 quote-number-mismatch (line {where['value']}, document line 19)" in out
    assert "trade_2021_9m: the document says five billion; the claims file says 6 billion USD" in out
    # the claims that were found carry their document line
    assert "document line 19)" in out


def test_cli_reports_d201_and_d202_in_json(broken_example) -> None:
    p, where = broken_example
    r = runner.invoke(app, ["check", str(p), "--format", "json"])
    assert r.exit_code == 1
    data = json.loads(r.output)
    (f,) = data["files"]
    by_code = {x["code"]: x for x in f["findings"] if x["code"].startswith("D")}
    assert set(by_code) == {"D201", "D202"}
    d201, d202 = by_code["D201"], by_code["D202"]
    assert d201["claims"] == ["forums_before_visit"] and d201["severity"] == "error"
    assert d201["line"] == where["quote"]
    assert d202["claims"] == ["trade_2021_9m"] and d202["line"] == where["value"]
    assert d202["document"]["line"] == 19 and d202["document"]["path"].endswith("uzbekistan-russia-2021.txt")
    claims = {c["id"]: c for c in f["claims"]}
    assert claims["trade_2021_9m"]["quote_location"]["line"] == 19
    assert claims["forums_before_visit"]["quote_location"] is None


def test_cli_ignore_and_claim_level_ignore(broken_example) -> None:
    p, _ = broken_example
    r = runner.invoke(app, ["check", str(p), "--format", "json", "--ignore", "D201"])
    codes = {x["code"] for x in json.loads(r.output)["files"][0]["findings"]}
    assert "D201" not in codes and "D202" in codes
    text = p.read_text(encoding="utf-8").replace(
        "value: 6 billion USD", "value: 6 billion USD\n    ignore: {D202: the quote rounds down}")
    p.write_text(text, encoding="utf-8")
    data = json.loads(runner.invoke(app, ["check", str(p), "--format", "json"]).output)
    assert "D202" not in {x["code"] for x in data["files"][0]["findings"]}
    assert "D202" in {x["code"] for x in data["files"][0]["suppressed"]}


def test_coverage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(EXAMPLE_DIR, tmp_path / "claims")
    p = tmp_path / "claims" / "uzbekistan-russia-2021.yaml"
    monkeypatch.setenv("COLUMNS", "200")
    r = runner.invoke(app, ["check", str(p), "--coverage", "--color", "never"])
    assert "19 of 19 numbers in the document are claimed" in r.output
    # without the claim on documents signed, its number is not covered
    text = p.read_text(encoding="utf-8")
    start = text.index("  - id: documents_signed")
    end = text.index("\nrelations:")
    p.write_text(text[:start] + text[end:], encoding="utf-8")
    r = runner.invoke(app, ["check", str(p), "--coverage", "--color", "never"])
    assert "18 of 19 numbers in the document are claimed" in r.output
    assert "D203 uncovered-number" in r.output and "“18 bilateral documents” (document line 66)" in r.output
    data = json.loads(runner.invoke(app, ["check", str(p), "--coverage", "--format", "json"]).output)
    assert data["coverage"] == {"numbers": 19, "claimed": 18}
    (d203,) = [x for x in data["files"][0]["findings"] if x["code"] == "D203"]
    assert d203["severity"] == "info" and d203["document"]["line"] == 66
    # without --coverage: no D203 and no figure
    data = json.loads(runner.invoke(app, ["check", str(p), "--format", "json"]).output)
    assert "coverage" not in data
    assert not [x for x in data["files"][0]["findings"] if x["code"] == "D203"]


def test_findings_across_claims_carry_the_document_line() -> None:
    data = json.loads(runner.invoke(app, ["check", str(EXAMPLE), "--format", "json"]).output)
    (c102,) = [x for x in data["files"][0]["findings"] if x["code"] == "C102"]
    assert c102["document"] is not None and c102["document"]["line"] == 19


def test_unreadable_document_is_exit_2(tmp_path: Path) -> None:
    p = claims_file(tmp_path, NINE, [{"id": "c1", "quote": "five billion", "value": "five billion"}])
    (tmp_path / "doc.txt").write_bytes(b"caf\xe9 five billion\n")
    r = runner.invoke(app, ["check", str(p)])
    assert r.exit_code == 2
