"""`factcheck extract`: the scanner, the draft, and how well it finds the worked example's claims.

The worked example's claims file is the answer key: every value it claims should be drafted (recall), and
every drafted quantity should be one it claims (precision). Run with ``-s`` to see both figures.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from factcheck._claims import ID_RE, load_claims_file
from factcheck._document import load_document, locate_quote, same_value
from factcheck._extract import draft_claims, extract_claims
from factcheck._quantity import parse_value
from factcheck._scan import find_periods, find_quantities, scan
from factcheck.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_DIR = ROOT / "claims"
EXAMPLE = EXAMPLE_DIR / "uzbekistan-russia-2021.yaml"
ARTICLE = EXAMPLE_DIR / "uzbekistan-russia-2021.txt"
PUBLISHED = date(2021, 11, 19)
runner = CliRunner()


# ============================================================================================ the scanner
@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("by the end of nine months, it is already five billion", ["five billion"]),
        ("we already have \\$14 billion worth of projects", ["14 billion USD"]),
        ("exports of $6 billion and USD 5 million", ["6 billion USD", "5 million USD"]),
        ("revenue of 5.6 bn in 2020", ["5.6 billion"]),
        ("18 percent of the total, 15.6% of exports and 3 per cent of GDP", ["18%", "15.6%", "3%"]),
        ("it grew by more than 15 percent last year", ["more than 15%"]),
        ("amounts to about three thousand", ["about three thousand"]),
        ("is expected to come close to \\$7 billion by the end of the year", ["close to 7 billion USD"]),
        ("following which over 35 agreements were adopted", ["over 35 agreements"]),
        ("the volume exceeds \\$10 billion", ["more than 10 billion USD"]),
        ("This year, more than 50 high-level mutual visits have been organized.", ["more than 50 visits"]),
        ("the number has doubled and then tripled", ["doubled", "tripled"]),
        ("prices rose 2.5 times", ["2.5 times"]),
        ("between 5 and 6 billion dollars, or 5-6 billion", ["between 5 and 6 billion USD", "5-6 billion"]),
        ("twelve branches and fifteen schools", ["twelve branches", "fifteen schools"]),
        ("Their number has reached 15, and 12 have been opened", ["15", "12"]),
        ("when we started it three years ago", ["three years"]),
        ("a rise of 3 percentage points", ["3 pp"]),
        ("1,200 or more people", ["at least 1,200 people"]),
        # not amounts: dates, years, ordinals, names, clock times, references, "the two"
        ("In 2020, on November 19 and November 16-17, in May this year", []),
        ("the Second Forum and the Sputnik V vaccine against COVID-19", []),
        ("the two countries, at 10:30, under Article 5 and No. 12 of the decree", []),
        ("one of the leaders, in the national one", []),
        ("in 2018-2021 and since 1999", []),
    ],
)
def test_find_quantities(text: str, values: list[str]) -> None:
    assert [f.display for f in find_quantities(text)] == values


def test_found_spans_and_quantities() -> None:
    text = "In 2020, the volume of mutual trade exceeded \\$5.6 billion, and more."
    (f,) = find_quantities(text)
    assert text[f.start:f.end] == "exceeded \\$5.6 billion"
    assert text[f.number_start:f.number_end] == "\\$5.6 billion"
    assert f.hedge == "more_than" and f.hedge_text == "exceeded"
    assert f.quantity.unit == "USD" and f.quantity.interval.low == 5.6e9
    assert text[f.sentence[0]:f.sentence[1]] == text.rstrip()
    assert f.bare_text == "$5.6 billion"


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("In 2020, trade grew", "2020"),
        ("it grew last year", "2020"),
        ("This year, visits", "2021"),
        ("by the end of nine months", "2021-01/2021-09"),
        ("in ten months of this year", "2021-01/2021-10"),
        ("in the first nine months of 2020", "2020-01/2020-09"),
        ("by the end of the year", "2021"),
        ("on November 19", "2021-11-19"),
        ("in Moscow on November 16-17", "2021-11-16/2021-11-17"),
        ("in May this year", "2021-05"),
        ("in the last 4 years", "2018/2021"),
        ("over the past four years", "2018/2021"),
        ("three years ago", "2018"),
        ("in 2018-2021", "2018/2021"),
        ("in the third quarter of 2021", "2021-Q3"),
        ("in the first half of this year", "2021-01/2021-06"),
        ("on 2021-10-05", "2021-10-05"),
        ("To date", None),
    ],
)
def test_periods(text: str, period: str | None) -> None:
    (p,) = find_periods(text)
    assert p.resolve(PUBLISHED) == period


def test_scan_of_the_article_keeps_dates_apart() -> None:
    sc = scan(ARTICLE.read_text(encoding="utf-8"))
    assert len(sc.quantities) == 19
    texts = {p.text for p in sc.periods}
    assert {"November 19", "In 2020", "November 16-17", "May this year", "last year", "nine months",
            "ten months of this year", "the last 4 years", "three years ago"} <= texts


_SOUP = ("the in of and more than about over exceeded nearly $ \\$ 5 15 2020 2,300 3.5 five billion million percent % "
         "per cent November 19 16-17 last year this year months years ago nine ten doubled tripled between from "
         "to - – , . ; : \" ' ( ) [ ] * _ # \n \n\n USD EUR bn m k visits enterprises — one two the Second Q3 "
         "first half of").split(" ")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_SOUP), min_size=1, max_size=50))
def test_any_text_scans_and_drafts_a_loadable_file(tmp_path_factory, words: list[str]) -> None:
    text = " ".join(words)
    sc = scan(text)
    for f in sc.quantities:
        assert text[f.start:f.end] == f.text
        assert f.start <= f.number_start <= f.number_end <= f.end
        assert parse_value(f.value_text).interval == f.quantity.interval
    d = tmp_path_factory.mktemp("soup")
    (d / "d.txt").write_text(text, encoding="utf-8")
    draft = extract_claims(load_document(d / "d.txt"), published=PUBLISHED, path_text="d.txt")
    (d / "c.yaml").write_text(draft, encoding="utf-8")
    cf = load_claims_file(d / "c.yaml")
    assert len({c.id for c in cf.claims}) == len(cf.claims) == len(sc.quantities)


# ============================================================================================ the draft
def _key(doc) -> list[tuple]:
    cf = load_claims_file(EXAMPLE)
    out = []
    for c in cf.claims:
        m = locate_quote(doc, c.quote)
        assert m is not None and m.exact, c.id
        out.append((c, m.clean_start, m.clean_end, parse_value(c.value_text)))
    return out


def test_recall_and_precision_on_the_worked_example() -> None:
    doc = load_document(ARTICLE)
    drafts = draft_claims(doc, published=PUBLISHED)
    key = _key(doc)

    def correct(dc, k) -> bool:
        _, s, e, value = k
        f = dc.found
        return same_value(parse_value(dc.value), value) and s <= f.number_start and f.number_end <= e

    found_keys = [k for k in key if any(correct(dc, k) for dc in drafts)]
    right = [dc for dc in drafts if any(correct(dc, k) for k in key)]
    recall = len(found_keys) / len(key)
    precision = len(right) / len(drafts)
    print(f"\nextract on the worked example: recall {recall:.1%} ({len(found_keys)} of {len(key)} claimed values), "
          f"precision {precision:.1%} ({len(right)} of {len(drafts)} drafted claims)")
    missed = [k[0].id for k in key if k not in found_keys]
    wrong = [(dc.id, dc.value) for dc in drafts if dc not in right]
    assert recall >= 0.95, missed
    assert precision >= 0.80, wrong


def test_the_draft_loads_and_its_ids_are_unique_and_valid(tmp_path: Path) -> None:
    doc = load_document(ARTICLE)
    text = extract_claims(doc, published=PUBLISHED, path_text="uzbekistan-russia-2021.txt")
    shutil.copy(ARTICLE, tmp_path / ARTICLE.name)
    p = tmp_path / "draft.yaml"
    p.write_text(text, encoding="utf-8")
    cf = load_claims_file(p)
    ids = [c.id for c in cf.claims]
    assert len(ids) == len(set(ids)) == 19
    assert all(ID_RE.match(i) for i in ids)
    assert all(c.metric is None for c in cf.claims)
    assert text.count("# TODO: metric") == 19
    assert cf.document.published == PUBLISHED
    drafts = draft_claims(doc, published=PUBLISHED)
    assert [c.value_text for c in cf.claims] == [d.value for d in drafts]
    # every drafted quote is in the document, as written there
    for c in cf.claims:
        m = locate_quote(doc, c.quote)
        assert m is not None and m.exact, c.quote
    by_id = {c.id: c for c in cf.claims}
    assert by_id["mutual_trade_2020"].value_text == "more than 5.6 billion USD"
    assert by_id["mutual_trade_2020"].period.text == "2020" and by_id["mutual_trade_2020"].kind == "flow"
    assert by_id["trade_turnover_2021_9m"].period.text == "2021-01/2021-09"
    assert by_id["trade_turnover_2021_9m"].quote == "by the end of nine months, it is already five billion"
    # and it is checked without any input error (the document checks find nothing wrong in it)
    r = runner.invoke(app, ["check", str(p), "--format", "json", "--select", "D"])
    assert r.exit_code == 0, r.output


def test_ruamel_keeps_the_comments_through_an_edit(tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    text = extract_claims(load_document(ARTICLE), published=PUBLISHED)
    y = YAML()
    data = y.load(text)
    data["claims"][0]["metric"] = "share of trade turnover"
    import io

    buf = io.StringIO()
    y.dump(data, buf)
    assert buf.getvalue().count("# TODO: metric") == 19
    assert "metric: share of trade turnover" in buf.getvalue()


def test_a_draft_without_a_date_still_loads(tmp_path: Path) -> None:
    doc_path = tmp_path / "note.md"
    doc_path.write_text("# Note\n\nExports grew by 12 percent last year and reached **\\$3 billion**.\n",
                        encoding="utf-8")
    text = extract_claims(load_document(doc_path), path_text="note.md")
    p = tmp_path / "c.yaml"
    p.write_text(text, encoding="utf-8")
    cf = load_claims_file(p)
    assert [c.value_text for c in cf.claims] == ["12%", "3 billion USD"]
    assert "TODO: period" in text


# ============================================================================================ the commands
def test_extract_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    r = runner.invoke(app, ["extract", str(ARTICLE), "--published", "2021-11-19"])
    assert r.exit_code == 0, r.output
    assert "version: 1" in r.output and "value: more than 5.6 billion USD" in r.output
    shutil.copy(ARTICLE, tmp_path / ARTICLE.name)
    out = tmp_path / "sub" / "draft.yaml"
    out.parent.mkdir()
    r = runner.invoke(app, ["extract", str(tmp_path / ARTICLE.name), "--published", "2021-11-19", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "path: ../uzbekistan-russia-2021.txt" in out.read_text(encoding="utf-8")
    assert len(load_claims_file(out).claims) == 19


def test_extract_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    out.write_text("mine\n", encoding="utf-8")
    r = runner.invoke(app, ["extract", str(ARTICLE), "-o", str(out)])
    assert r.exit_code == 2
    assert "exists" in r.output and "--force" in r.output
    assert out.read_text(encoding="utf-8") == "mine\n"
    r = runner.invoke(app, ["extract", str(ARTICLE), "-o", str(out), "--force", "--published", "2021-11-19"])
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").count("  - id: ") == 19


@pytest.mark.parametrize("bad", ["19.11.2021", "2021-13-01", "yesterday"])
def test_extract_bad_published_date_is_exit_2(bad: str) -> None:
    r = runner.invoke(app, ["extract", str(ARTICLE), "--published", bad])
    assert r.exit_code == 2
    assert "--published" in r.output


def test_extract_missing_document_is_exit_2(tmp_path: Path) -> None:
    r = runner.invoke(app, ["extract", str(tmp_path / "none.txt")])
    assert r.exit_code == 2
    assert "file not found" in r.output


def test_series_lists_matching_series(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    r = runner.invoke(app, ["series", "trade turnover", "--in", str(EXAMPLE), "--limit", "3"])
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert "trade turnover" in lines[2]  # the best match first, after the title and the header
    assert "published-figures.csv" in r.output and "2019" in r.output
    r = runner.invoke(app, ["series", "enterprises", "--in", str(EXAMPLE_DIR / "data" / "published-figures.csv")])
    assert r.exit_code == 0, r.output
    assert "enterprises with Russian capital" in r.output and "partner=Russia" in r.output


def test_series_bad_input_is_exit_2(tmp_path: Path) -> None:
    r = runner.invoke(app, ["series", "trade", "--in", str(tmp_path / "none.csv")])
    assert r.exit_code == 2
    assert "file not found" in r.output


def test_importing_the_commands_is_cheap() -> None:
    code = ("import sys, factcheck.cli; heavy = ('rapidfuzz', 'ruamel', 'factcheck._scan', 'factcheck._document', "
            "'factcheck._extract'); print([m for m in heavy if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
