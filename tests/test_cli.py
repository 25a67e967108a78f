"""The command line as a user meets it: exit codes, colour, widths, folders, explain."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factcheck.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "claims" / "uzbekistan-russia-2021.yaml"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
runner = CliRunner()


def run(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    e = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "factcheck", *args], cwd=cwd, capture_output=True,
                          text=True, env=e, timeout=120)


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    """A claims file with one supported and one contradicted claim, and one unverified."""
    (tmp_path / "data.csv").write_text(
        "subject,metric,period,value,unit,source\n"
        "Uzbekistan,exports,2021,16.66,billion USD,Stat\n"
        "Uzbekistan,imports,2021,25.51,billion USD,Stat\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text(
        "version: 1\nreferences: [{path: data.csv}]\ndefaults: {subject: Uzbekistan}\nclaims:\n"
        "  - {id: exports, metric: exports, value: 16.7 billion USD, period: 2021}\n"
        "  - {id: imports, metric: imports, value: 31 billion USD, period: 2021}\n"
        "  - {id: visits, metric: visits, value: 50 visits, period: 2021}\n", encoding="utf-8")
    return tmp_path / "c.yaml"


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [("error", 1), ("warning", 1), ("info", 1), ("never", 0)],
)
def test_fail_on(small: Path, fail_on: str, code: int) -> None:
    r = runner.invoke(app, ["check", str(small), "--fail-on", fail_on, "--color", "never"])
    assert r.exit_code == code, r.output


def test_fail_on_warning_counts_unverified(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "version: 1\nclaims:\n  - {id: visits, metric: visits, value: 50 visits, period: 2021}\n", encoding="utf-8")
    assert runner.invoke(app, ["check", str(tmp_path / "c.yaml")]).exit_code == 0
    assert runner.invoke(app, ["check", str(tmp_path / "c.yaml"), "--fail-on", "warning"]).exit_code == 1


def test_exit_zero(small: Path) -> None:
    assert runner.invoke(app, ["check", str(small), "--exit-zero"]).exit_code == 0


def test_bad_option_is_exit_2(small: Path) -> None:
    r = run("check", str(small), "--fail-on", "sometimes")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = run("check", str(small), "--format", "yaml")
    assert r.returncode == 2 and "'yaml' is not one of text, json" in r.stderr


def test_no_color_and_pipe_have_no_escape_codes(small: Path) -> None:
    r = run("check", str(small), env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert not ANSI.search(r.stdout)
    r = run("check", str(small))  # not a terminal
    assert not ANSI.search(r.stdout)
    assert "✓ supported" in r.stdout and "✗ contradicted" in r.stdout and "· unverified" in r.stdout


def test_color_always_colours(small: Path) -> None:
    r = run("check", str(small), "--color", "always")
    assert ANSI.search(r.stdout)


def test_report_fits_80_columns() -> None:
    r = run("check", str(EXAMPLE), env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert r.returncode == 1
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    for claim_id in ("russia_share_2021", "enterprises_2021", "branches_total"):
        assert claim_id in r.stdout
    assert "19 claims:" in r.stdout


def test_json_is_plain_and_parses(small: Path) -> None:
    r = run("check", str(small), "--format", "json", "--color", "always")
    assert not ANSI.search(r.stdout)
    data = json.loads(r.stdout)
    assert [c["verdict"] for c in data["files"][0]["claims"]] == ["supported", "contradicted", "unverified"]
    gap = data["files"][0]["claims"][1]["gap"]
    # 31 bn is [30.5, 31.5) bn; 25.51 bn is [25.505, 25.515) bn: the gap is 4.985 bn
    assert gap["absolute"] == pytest.approx(4.985e9)
    assert gap["relative"] == pytest.approx(4.985 / 25.51, abs=1e-6)


def test_output_file(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    r = run("check", str(small), "--format", "json", "-o", str(out))
    assert r.stdout == "" and json.loads(out.read_text())["summary"]["claims"] == 3


def test_folder_and_default_folder(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "claims", tmp_path / "claims")
    r = run("check", "--format", "json", cwd=tmp_path)  # no argument: claims/
    data = json.loads(r.stdout)
    assert [f["path"] for f in data["files"]] == ["claims/uzbekistan-russia-2021.yaml"]
    r2 = run("check", "claims", "--format", "json", cwd=tmp_path)
    assert json.loads(r2.stdout)["summary"] == data["summary"]


def test_missing_path_is_exit_2(tmp_path: Path) -> None:
    r = run("check", "nowhere.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "nowhere.yaml:0:0: file not found" in r.stderr


def test_explain_shows_the_reasoning() -> None:
    r = run("explain", str(EXAMPLE), "enterprises_2021", env={"NO_COLOR": "1"})
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "about three thousand enterprises" in out
    assert "[2,500, 3,500) enterprise" in out  # the parsed interval
    assert "enterprises with Russian capital" in out and "100.0" in out  # the candidate with its score
    assert "2,291" in out and "2,335" in out
    assert "Verdict: contradicted" in out


def test_explain_compute_shows_the_derivation() -> None:
    r = run("explain", str(EXAMPLE), "russia_share_2021", env={"NO_COLOR": "1"})
    assert r.returncode == 0, r.stderr
    assert "sum(metric=\"exports\"" in r.stdout
    assert "sum of" in r.stdout and "series" in r.stdout


def test_explain_unknown_id() -> None:
    r = run("explain", str(EXAMPLE), "enterprises_2012")
    assert r.returncode == 2 and "did you mean 'enterprises_2021'" in r.stderr


def test_version_and_module_entry() -> None:
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("factcheck ")


@pytest.mark.parametrize(("status", "code", "stderr"), [
    (None, 0, ""),
    (0, 0, ""),
    (1, 1, ""),
    (2, 2, ""),
    (True, 1, ""),
    (256, 0, ""),
    (-1, 255, ""),
    ("factcheck: gone wrong", 1, "factcheck: gone wrong\n"),
])
def test_the_command_exits_with_the_status_sys_exit_would_give(
        status, code: int, stderr: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """The console script ends without the interpreter's teardown (os._exit), with the exit status
    sys.exit would have given, after flushing what it wrote."""
    from factcheck import _entry

    def main():
        print("the report")
        raise SystemExit(status)

    exits: list[int] = []
    monkeypatch.setattr(_entry, "main", main)
    monkeypatch.setattr(os, "_exit", exits.append)
    monkeypatch.setattr(sys, "gettrace", lambda: None)  # as when the tests run under coverage
    monkeypatch.setattr(sys, "getprofile", lambda: None)
    _entry.run()
    out = capsys.readouterr()
    assert exits == [code] and out.out == "the report\n" and out.err == stderr


def test_the_command_leaves_the_exit_to_python_when_its_streams_cannot_be_flushed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A stdout that cannot be flushed (a closed pipe) is left to Python's own exit, as without the fast
    exit: the status is kept."""
    from factcheck import _entry

    class Closed:
        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    exits: list[int] = []
    monkeypatch.setattr(_entry, "main", lambda: 1)
    monkeypatch.setattr(os, "_exit", exits.append)
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    monkeypatch.setattr(sys, "getprofile", lambda: None)
    monkeypatch.setattr(sys, "stdout", Closed())
    with pytest.raises(SystemExit) as e:
        _entry.run()
    assert e.value.code == 1 and exits == []


def test_the_installed_command_writes_its_whole_report_before_it_exits(tmp_path: Path) -> None:
    """A long report through a pipe arrives whole, with the exit status of the check (the process ends
    with os._exit once it has flushed)."""
    r = subprocess.run([sys.executable, "-m", "factcheck", "check", str(EXAMPLE), "--format", "json", "--no-cache"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert len(json.loads(r.stdout)["files"][0]["claims"]) == 19


def test_a_profiled_run_is_left_to_pythons_exit(tmp_path: Path) -> None:
    """Under a profiler (python -m cProfile -m factcheck) the command exits through Python, so the
    profiler writes its results."""
    out = tmp_path / "run.prof"
    r = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "factcheck", "--version"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.startswith("factcheck ")
    assert out.stat().st_size > 0
