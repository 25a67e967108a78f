"""The configuration file: finding it like ruff, reading it strictly, and the command line over it."""

from __future__ import annotations

from dataclasses import fields
from enum import Enum
from pathlib import Path

import pytest

from factcheck._claims import Settings
from factcheck._config import _CHECKS, Config, discover_config, find_config, load_config
from factcheck._errors import InputError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(exc: pytest.ExceptionInfo) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.message) for p in exc.value.problems]


# ---------------------------------------------------------------------- finding


def test_walking_up_finds_the_nearest(tmp_path):
    (tmp_path / ".git").mkdir()
    outer = write(tmp_path / "factcheck.toml", 'fail_on = "never"\n')
    inner = write(tmp_path / "reports" / "factcheck.toml", "")  # any content, even none
    claims = write(tmp_path / "reports" / "2021" / "claims" / "x.yaml", "version: 1\n")
    assert find_config(claims) == inner.resolve()
    assert find_config(claims.parent) == inner.resolve()
    assert find_config(tmp_path / "other" / "y.yaml") == outer.resolve()


def test_factcheck_toml_wins_over_pyproject_in_the_same_folder(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "pyproject.toml", '[tool.factcheck]\nfail_on = "info"\n')
    own = write(tmp_path / "factcheck.toml", 'fail_on = "warning"\n')
    assert find_config(tmp_path / "x.yaml") == own.resolve()


def test_pyproject_without_the_table_is_skipped(tmp_path):
    (tmp_path / ".git").mkdir()
    outer = write(tmp_path / "pyproject.toml", '[project]\nname = "a"\n\n[tool.factcheck]\nfail_on = "info"\n')
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "b"\n\n[tool.ruff]\nline-length = 100\n')
    assert find_config(tmp_path / "sub" / "claims.yaml") == outer.resolve()
    assert load_config(outer).fail_on == "info"


def test_a_pyproject_with_only_a_subtable_counts(tmp_path):
    (tmp_path / ".git").mkdir()
    p = write(tmp_path / "pyproject.toml", '[tool.factcheck.hedges]\nabout = "5%"\n')
    assert find_config(tmp_path / "x.yaml") == p.resolve()
    assert load_config(p).hedges == {"about": 0.05, "nearly": 0.10}


def test_the_walk_stops_at_the_repository_root(tmp_path):
    write(tmp_path / "factcheck.toml", 'fail_on = "never"\n')  # outside the repository
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert find_config(repo / "claims" / "x.yaml") is None
    here = write(repo / "factcheck.toml", "")  # the folder holding .git is checked before stopping
    assert find_config(repo / "claims" / "x.yaml") == here.resolve()


def test_discover_without_a_file_gives_the_defaults(tmp_path):
    (tmp_path / ".git").mkdir()
    cfg = discover_config([tmp_path / "claims"])
    assert cfg == Config() and cfg.path is None
    assert cfg.settings() == Settings()


# ---------------------------------------------------------------------- reading


def test_every_setting_is_read(tmp_path):
    p = write(tmp_path / "factcheck.toml", """\
fail_on = "warning"
select = ["R", "c1", "D201"]
ignore = ["D203"]
hedges = {about = "5%", nearly = 0.2}
match_threshold = 70
ambiguity_margin = 2.5
c102_threshold = 2
quote_threshold = 90
paths = ["claims", "more/claims"]
format = "sarif"
""")
    cfg = load_config(p)
    assert cfg.path == p
    assert cfg.fail_on == "warning"
    assert cfg.select == ("R", "C1", "D201") and cfg.ignore == ("D203",)
    assert cfg.hedges == {"about": 0.05, "nearly": 0.2}
    assert (cfg.match_threshold, cfg.ambiguity_margin, cfg.c102_threshold, cfg.quote_threshold) == (70, 2.5, 2, 90)
    assert cfg.paths == (tmp_path / "claims", tmp_path / "more" / "claims")
    assert cfg.format == "sarif"
    s = cfg.settings()
    assert (s.hedges, s.match_threshold, s.c102_threshold) == ({"about": 0.05, "nearly": 0.2}, 70, 2)
    opts = cfg.check_options(coverage=True)
    assert opts.fail_on == "warning" and opts.select == frozenset({"R", "C1", "D201"}) and opts.coverage


def test_factcheck_toml_may_use_the_tool_table_too(tmp_path):
    p = write(tmp_path / "factcheck.toml", '[tool.factcheck]\nfail_on = "info"\nignore = ["D2"]\n')
    cfg = load_config(p)
    assert cfg.fail_on == "info" and cfg.ignore == ("D2",)


def test_defaults_match_the_engine_settings():
    cfg = Config()
    s = Settings()
    assert (cfg.hedges, cfg.match_threshold, cfg.ambiguity_margin, cfg.c102_threshold, cfg.quote_threshold) == (
        s.hedges, s.match_threshold, s.ambiguity_margin, s.c102_threshold, s.quote_threshold)
    assert set(_CHECKS) == {f.name for f in fields(Config)} - {"path"}


def test_unknown_key_is_an_error_with_its_position(tmp_path):
    p = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.factcheck]\nfail_on = "error"\n'
                                           '  match_treshold = 70\n')
    with pytest.raises(InputError) as e:
        load_config(p)
    assert problems(e) == [(6, 3, "unknown setting 'match_treshold' (did you mean 'match_threshold'?)")]
    assert str(e.value).endswith("pyproject.toml:6:3: unknown setting 'match_treshold' "
                                 "(did you mean 'match_threshold'?)")


def test_bad_fail_on(tmp_path):
    p = write(tmp_path / "factcheck.toml", '# settings\nfail_on = "warnings"\n')
    with pytest.raises(InputError) as e:
        load_config(p)
    [(line, col, msg)] = problems(e)
    assert (line, col) == (2, 11)
    assert msg == "fail_on: 'warnings' is not one of error, warning, info, never (did you mean 'warning'?)"


@pytest.mark.parametrize("text, line, message", [
    ("fail_on = 1\n", 1, "fail_on: expected a string, got a number"),
    ("match_threshold = 120\n", 1, "match_threshold: must be between 0 and 100, got 120"),
    ("match_threshold = true\n", 1, "match_threshold: expected a number, got a boolean"),
    ("c102_threshold = 1\n", 1, "c102_threshold: must be greater than 1, got 1"),
    ("select = \"R101\"\n", 1, "select: expected a list of codes like [\"R101\", \"D2\"], got a string"),
    ("ignore = [\"X9\"]\n", 1, "ignore: 'X9' is not a finding code or a prefix of one"),
    ("format = \"xml\"\n", 1, "format: 'xml' is not one of text, json, sarif, junit, github, markdown"),
    ("fail_on = \"error\"\n[hedges]\nabout = \"lots\"\n", 3,
     "hedges: hedge width for 'about' must be a percentage like \"10%\", got 'lots'"),
    ("[hedges]\nabot = \"5%\"\n", 2, "hedges: unknown hedge 'abot' (one of about, nearly) (did you mean 'about'?)"),
])
def test_wrong_types_and_values(tmp_path, text, line, message):
    p = write(tmp_path / "factcheck.toml", text)
    with pytest.raises(InputError) as e:
        load_config(p)
    assert [(x.line, x.message) for x in e.value.problems] == [(line, message)]


def test_every_problem_at_once(tmp_path):
    p = write(tmp_path / "factcheck.toml", 'colour = "never"\nfail_on = "x"\nquote_threshold = -1\n')
    with pytest.raises(InputError) as e:
        load_config(p)
    assert [x.line for x in e.value.problems] == [1, 2, 3]


def test_toml_syntax_error_gives_line_and_column(tmp_path):
    p = write(tmp_path / "factcheck.toml", 'fail_on = "error"\nselect = = ["R"]\n')
    with pytest.raises(InputError) as e:
        load_config(p)
    [(line, col, msg)] = problems(e)
    assert (line, col) == (2, 10) and msg.startswith("invalid TOML")


def test_a_setting_given_twice_is_an_error(tmp_path):
    p = write(tmp_path / "factcheck.toml", 'fail_on = "error"\n[tool.factcheck]\nfail_on = "info"\n')
    with pytest.raises(InputError) as e:
        load_config(p)
    assert [(x.line, x.message) for x in e.value.problems] == [(3, "'fail_on' is set twice (also at line 1)")]


# ---------------------------------------------------------------------- the command line over the file


class FailOn(str, Enum):
    info = "info"


def test_cli_override_wins(tmp_path):
    p = write(tmp_path / "factcheck.toml", 'fail_on = "never"\nselect = ["R"]\nhedges = {about = "5%"}\n'
                                           'format = "json"\nmatch_threshold = 70\n')
    cfg = load_config(p).merge({
        "fail_on": FailOn.info, "select": None, "ignore": [], "format": "github",
        "hedges": {"nearly": "20%"}, "match_threshold": None, "paths": [Path("x.yaml")],
    })
    assert cfg.fail_on == "info"  # given: wins (an Enum from typer is fine)
    assert cfg.select == ("R",) and cfg.ignore == ()  # None or empty: the file's value stays
    assert cfg.format == "github"
    assert cfg.hedges == {"about": 0.05, "nearly": 0.2}  # hedges merge key by key
    assert cfg.match_threshold == 70
    assert cfg.paths == (Path("x.yaml"),)
    assert load_config(p).fail_on == "never"  # frozen: merge made a copy


def test_cli_override_is_checked_too():
    with pytest.raises(InputError) as e:
        Config().merge({"fail_on": "sometimes", "c102_threshold": 0.5})
    assert [str(x) for x in e.value.problems] == [
        "command line:0:0: fail-on: 'sometimes' is not one of error, warning, info, never",
        "command line:0:0: c102-threshold: must be greater than 1, got 0.5",
    ]
    with pytest.raises(TypeError):
        Config().merge({"colour": "never"})
