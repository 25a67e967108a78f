"""The replay cache: an unchanged `factcheck check` prints the last run's bytes and exit code without
importing the CLI; a change to anything in its key, or to any file it depended on, gives a fresh run.

Runs are subprocesses (`python -X importtime -m factcheck`): a replayed run imports neither typer nor
factcheck.cli nor the reference reader, which is how a replayed run is told from a fresh one. Nothing
here asserts a time; the short sleeps let fresh files age past the guard that keeps a run from storing
what it may have read while the file changed (factcheck._replay.GUARD_NS).
"""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from factcheck import _replay

DATA = "metric,period,value,scale,unit\nexports,2021,16.66,billion,USD\nimports,2021,25.51,billion,USD\n"
CLAIMS = """version: 1
references: [{path: data.csv}]
claims:
  - {id: ex, metric: exports, value: 16.7 billion USD, period: 2021}
  - {id: im, metric: imports, value: 31 billion USD, period: 2021}
"""
HEAVY = ("typer", "factcheck.cli", "factcheck._reference", "rich", "pydantic")


@dataclass
class Run:
    code: int
    out: bytes
    err: str  # stderr without the import-time lines
    served: bool  # replayed: nothing heavy was imported

    def json(self) -> dict:
        return json.loads(self.out)

    def verdicts(self) -> dict[str, str]:
        return {c["id"]: c["verdict"] for f in self.json()["files"] for c in f["claims"]}


def base_env(**extra: str) -> dict[str, str]:
    drop = _replay.ENV_NAMES | {"GITHUB_STEP_SUMMARY"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(("FACTCHECK", "_FACTCHECK"))}
    env.update(extra)
    return env


def run(cwd: Path, *args: str, env: dict | None = None, script: Path | None = None) -> Run:
    e = base_env(**(env or {}))
    if script is None:
        cmd = [sys.executable, "-X", "importtime", "-m", "factcheck", "check", *args]
    else:
        cmd = [str(script), "check", *args]
        e["PYTHONPROFILEIMPORTTIME"] = "1"  # not in the key: it changes nothing printed
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, env=e, timeout=120)
    lines = p.stderr.decode("utf-8", "replace").splitlines()
    imported = {ln.rsplit("|", 1)[-1].strip() for ln in lines if ln.startswith("import time:")}
    err = "\n".join(ln for ln in lines if not ln.startswith("import time:"))
    assert "Traceback" not in err, err
    return Run(p.returncode, p.stdout, err, served=not imported & set(HEAVY))


def settle() -> None:
    """Let files written just now age past the guard (a run stores nothing it may have read mid-change)."""
    time.sleep(_replay.GUARD_NS / 1e9 + 0.1)


def project(folder: Path, claims: str = CLAIMS, data: str = DATA) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    (folder / "c.yaml").write_text(claims, encoding="utf-8")
    (folder / "data.csv").write_text(data, encoding="utf-8")
    settle()
    return folder


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "replay").glob("*.bin"))


def head(entry: Path) -> tuple:
    blob = entry.read_bytes()
    at = len(_replay.MAGIC) + 8
    return marshal.loads(blob[at:at + int.from_bytes(blob[len(_replay.MAGIC):at], "little")])


def rewrite_same_size_and_mtime(path: Path, old: str, new: str) -> None:
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert len(old) == len(new) and old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


# ------------------------------------------------------------------------------------------- replayed


def test_second_run_is_replayed(tmp_path: Path) -> None:
    project(tmp_path)
    first = run(tmp_path, "c.yaml", "--format", "json")
    assert not first.served and first.code == 1
    assert first.verdicts() == {"ex": "supported", "im": "contradicted"}
    assert len(entries(tmp_path / ".factcheck_cache")) == 1  # the working folder's project
    assert (tmp_path / ".factcheck_cache" / "CACHEDIR.TAG").exists()
    second = run(tmp_path, "c.yaml", "--format", "json")
    assert second.served, "the second run imported the CLI"
    assert (second.code, second.out, second.err) == (1, first.out, "")


def test_console_script_is_replayed_too(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("factcheck")
    if not script.exists():
        pytest.skip("no console script beside the interpreter")
    project(tmp_path)
    first = run(tmp_path, "c.yaml", "--format", "json", script=script)
    second = run(tmp_path, "c.yaml", "--format", "json", script=script)
    assert not first.served and second.served
    assert (second.code, second.out) == (first.code, first.out)


@pytest.mark.parametrize(("args", "code"), [((), 1), (("--exit-zero",), 0), (("--fail-on", "never"), 0)])
def test_exit_code_is_replayed(tmp_path: Path, args: tuple, code: int) -> None:
    project(tmp_path)
    first = run(tmp_path, "c.yaml", *args)
    second = run(tmp_path, "c.yaml", *args)
    assert second.served and first.code == second.code == code and first.out == second.out


def test_text_report_is_replayed_byte_for_byte(tmp_path: Path) -> None:
    project(tmp_path)
    first = run(tmp_path, "c.yaml", env={"FORCE_COLOR": "1"})
    second = run(tmp_path, "c.yaml", env={"FORCE_COLOR": "1"})
    assert second.served and second.out == first.out and b"\x1b[" in first.out and "✗".encode() in first.out


# ------------------------------------------------------------------------------------------- the key


def test_environment_is_in_the_key(tmp_path: Path) -> None:
    project(tmp_path)
    run(tmp_path, "c.yaml", env={"FORCE_COLOR": "1"})
    plain = run(tmp_path, "c.yaml", env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert not plain.served and b"\x1b[" not in plain.out
    narrow = run(tmp_path, "c.yaml", env={"COLUMNS": "60"})
    wide = run(tmp_path, "c.yaml", env={"COLUMNS": "160"})
    assert not narrow.served and not wide.served and narrow.out != wide.out
    assert run(tmp_path, "c.yaml", env={"COLUMNS": "60"}).out == narrow.out
    assert narrow.out == run(tmp_path, "c.yaml", "--no-cache", env={"COLUMNS": "60"}).out
    other = run(tmp_path, "c.yaml", env={"COLUMNS": "60", "FACTCHECK_ANYTHING": "1"})
    assert not other.served and other.out == narrow.out


def test_format_is_in_the_key(tmp_path: Path) -> None:
    project(tmp_path)
    run(tmp_path, "c.yaml", "--format", "json")
    assert run(tmp_path, "c.yaml", "--format", "json").served
    sarif = run(tmp_path, "c.yaml", "--format", "sarif")
    assert not sarif.served and "runs" in sarif.json()


def test_working_folder_is_in_the_key(tmp_path: Path) -> None:
    cache = tmp_path / "shared-cache"
    a = project(tmp_path / "a")
    b = project(tmp_path / "b", data=DATA.replace("16.66", "19.66"))
    env = {"FACTCHECK_CACHE_DIR": str(cache)}
    first = run(a, "c.yaml", "--format", "json", env=env)
    assert run(a, "c.yaml", "--format", "json", env=env).served
    other = run(b, "c.yaml", "--format", "json", env=env)  # same argv, same environment, same cache
    assert not other.served and other.verdicts()["ex"] == "contradicted"
    assert first.verdicts()["ex"] == "supported" and len(entries(cache)) == 2
    assert not (a / ".factcheck_cache" / "replay").exists()


# ------------------------------------------------------------------------------------------- dependencies


def test_edited_claims_file_is_checked_again(tmp_path: Path) -> None:
    project(tmp_path)
    assert run(tmp_path, "c.yaml", "--format", "json").code == 1
    (tmp_path / "c.yaml").write_text(CLAIMS.replace("31 billion", "25.5 billion"), encoding="utf-8")
    second = run(tmp_path, "c.yaml", "--format", "json")
    assert not second.served and second.code == 0 and second.verdicts()["im"] == "supported"


def test_reference_changed_with_same_size_and_mtime_is_hashed_again(tmp_path: Path) -> None:
    project(tmp_path)
    first = run(tmp_path, "c.yaml", "--format", "json")
    assert first.verdicts()["ex"] == "supported"
    rewrite_same_size_and_mtime(tmp_path / "data.csv", "16.66", "19.66")
    second = run(tmp_path, "c.yaml", "--format", "json")
    assert not second.served and second.verdicts()["ex"] == "contradicted"


def test_old_files_are_trusted_by_stat_and_records_refreshed(tmp_path: Path) -> None:
    project(tmp_path)
    first = run(tmp_path, "c.yaml", "--format", "json")
    (entry,) = entries(tmp_path / ".factcheck_cache")
    mine = lambda: [r for r in head(entry)[4] if r[0] == "file" and Path(r[1]).parent == tmp_path]  # noqa: E731
    assert {Path(r[1]).name for r in mine()} == {"c.yaml", "data.csv", "pyproject.toml"}
    assert all(r[7] - max(r[3], r[4]) <= _replay.RACY_NS for r in mine())  # young files: hashed on every lookup
    time.sleep(_replay.RACY_NS / 1e9 + 0.2)
    assert run(tmp_path, "c.yaml", "--format", "json").served  # hashed again, matched, entry rewritten
    assert all(r[7] - max(r[3], r[4]) > _replay.RACY_NS for r in mine())
    assert run(tmp_path, "c.yaml", "--format", "json").out == first.out
    rewrite_same_size_and_mtime(tmp_path / "data.csv", "16.66", "19.66")  # its ctime still changes
    again = run(tmp_path, "c.yaml", "--format", "json")
    assert not again.served and again.verdicts()["ex"] == "contradicted"


def test_changed_document_is_checked_again(tmp_path: Path) -> None:
    claims = CLAIMS.replace("version: 1\n", "version: 1\ndocument: {path: doc.txt}\n").replace(
        "value: 16.7 billion USD,", "quote: exports reached 16.7 billion dollars, value: 16.7 billion USD,")
    project(tmp_path, claims=claims)
    (tmp_path / "doc.txt").write_text("In 2021 exports reached 16.7 billion dollars.\n", encoding="utf-8")
    settle()
    first = run(tmp_path, "c.yaml", "--format", "json")
    assert run(tmp_path, "c.yaml", "--format", "json").served
    (tmp_path / "doc.txt").write_text("In 2021 sales abroad came to some money.\n", encoding="utf-8")
    second = run(tmp_path, "c.yaml", "--format", "json")
    assert not second.served and second.out != first.out
    codes = {f["code"] for f in second.json()["files"][0]["findings"]}
    assert "D201" in codes, codes


@pytest.mark.parametrize("where", ["factcheck.toml beside", "factcheck.toml above", "pyproject table", ".git"])
def test_configuration_created_later_is_noticed(tmp_path: Path, where: str) -> None:
    project(tmp_path)
    (tmp_path / "claims").mkdir()
    (tmp_path / "c.yaml").rename(tmp_path / "claims" / "c.yaml")
    (tmp_path / "data.csv").rename(tmp_path / "claims" / "data.csv")
    settle()
    first = run(tmp_path, "claims/c.yaml")
    assert first.code == 1 and run(tmp_path, "claims/c.yaml").served
    setting = 'fail_on = "never"\n'
    if where == "factcheck.toml beside":
        (tmp_path / "claims" / "factcheck.toml").write_text(setting, encoding="utf-8")
    elif where == "factcheck.toml above":
        (tmp_path / "factcheck.toml").write_text(setting, encoding="utf-8")
    elif where == "pyproject table":
        with open(tmp_path / "pyproject.toml", "a", encoding="utf-8") as f:
            f.write("\n[tool.factcheck]\n" + setting)
    else:  # the search now stops in claims/: the same settings, but it must be looked at again
        (tmp_path / "claims" / ".git").mkdir()
    second = run(tmp_path, "claims/c.yaml")
    assert not second.served
    assert second.code == (1 if where == ".git" else 0)


# ------------------------------------------------------------------------------------------- safety


@pytest.mark.parametrize("damage", ["empty", "truncated", "header only", "garbage", "foreign", "flipped byte"])
def test_corrupt_entry_is_a_normal_run(tmp_path: Path, damage: str) -> None:
    project(tmp_path)
    first = run(tmp_path, "c.yaml", "--format", "json")
    (entry,) = entries(tmp_path / ".factcheck_cache")
    blob = entry.read_bytes()
    broken = {
        "empty": b"",
        "truncated": blob[: len(blob) - 5],
        "header only": blob[: len(_replay.MAGIC) + 12],
        "garbage": _replay.MAGIC + os.urandom(200),
        "foreign": b"something else entirely\n" + blob[len(_replay.MAGIC):],
        "flipped byte": blob[:-3] + bytes([blob[-3] ^ 0x20]) + blob[-2:],
    }[damage]
    entry.write_bytes(broken)
    second = run(tmp_path, "c.yaml", "--format", "json")
    assert not second.served and (second.code, second.out) == (first.code, first.out)
    third = run(tmp_path, "c.yaml", "--format", "json")  # the normal run wrote a whole entry again
    assert third.served and third.out == first.out


def test_unusable_cache_folder_is_no_error(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / "not-a-folder").write_text("a file where the cache folder should be", encoding="utf-8")
    env = {"FACTCHECK_CACHE_DIR": str(tmp_path / "not-a-folder")}
    first = run(tmp_path, "c.yaml", "--format", "json", env=env)
    second = run(tmp_path, "c.yaml", "--format", "json", env=env)
    assert not second.served and first.code == second.code == 1 and first.out == second.out


def test_no_cache_neither_reads_nor_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path)
    for _ in range(2):
        r = run(tmp_path, "c.yaml", "--no-cache")
        assert not r.served and r.code == 1
    assert not (tmp_path / ".factcheck_cache").exists()

    def no_lookup(inv):  # pragma: no cover - the point is that it is not called
        raise AssertionError("looked up with --no-cache")

    monkeypatch.setattr(_replay, "lookup", no_lookup)
    assert _replay.serve(["factcheck", "check", "c.yaml", "--no-cache"]) is None
    assert not _replay.armed()


@pytest.mark.parametrize("case", ["--output", "github summary", "FACTCHECK_NO_REPLAY"])
def test_nothing_is_stored(tmp_path: Path, case: str) -> None:
    project(tmp_path)
    summary = tmp_path / "summary.md"
    args, env = {
        "--output": (["c.yaml", "-o", "out.json", "--format", "json"], {}),
        "github summary": (["c.yaml", "--format", "github"], {"GITHUB_STEP_SUMMARY": str(summary)}),
        "FACTCHECK_NO_REPLAY": (["c.yaml"], {"FACTCHECK_NO_REPLAY": "1"}),
    }[case]
    for _ in range(2):
        r = run(tmp_path, *args, env=env)
        assert not r.served and r.code == 1
    assert entries(tmp_path / ".factcheck_cache") == []
    if case == "--output":
        assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["files"]
    if case == "github summary":  # the side effect happens on every run
        assert summary.read_text(encoding="utf-8").count("c.yaml") >= 2


# ------------------------------------------------------------------------------------------- folders


def folder_project(tmp_path: Path) -> Path:
    """A project whose claims live in claims/ (two files), with a folder of data the search leaves out."""
    project(tmp_path)
    (tmp_path / "claims").mkdir()
    (tmp_path / "c.yaml").rename(tmp_path / "claims" / "c.yaml")
    (tmp_path / "claims" / "c.yaml").write_text(CLAIMS.replace("path: data.csv", "path: ../data.csv"), encoding="utf-8")
    (tmp_path / "claims" / "d.yaml").write_text(CLAIMS.replace("path: data.csv", "path: ../data.csv")
                                                .replace("id: ex", "id: ex2").replace("id: im", "id: im2"), encoding="utf-8")
    (tmp_path / "claims" / "data").mkdir()
    (tmp_path / "claims" / "data" / "notes.yaml").write_text("version: 1\nclaims: []\n", encoding="utf-8")
    settle()
    return tmp_path / "claims"


def replayed_folder(tmp_path: Path, *args: str) -> Run:
    """The folder run once, then again until it is served (the first run makes the cache folder)."""
    first = run(tmp_path, "claims", "--format", "json", *args)
    assert not first.served and first.code == 1
    settle()
    second = run(tmp_path, "claims", "--format", "json", *args)
    third = run(tmp_path, "claims", "--format", "json", *args)
    assert third.served and (third.code, third.out) == (1, first.out) == (second.code, second.out)
    return third


def test_folder_is_replayed(tmp_path: Path) -> None:
    folder_project(tmp_path)
    r = replayed_folder(tmp_path)
    assert r.verdicts() == {"ex": "supported", "im": "contradicted", "ex2": "supported", "im2": "contradicted"}


@pytest.mark.parametrize("change", [
    "new claims file", "new claims file in a new subfolder", "claims file removed", "claims file renamed",
    "claims file edited", "other YAML file becomes a claims file", "reference file edited",
])
def test_a_changed_folder_is_checked_again(tmp_path: Path, change: str) -> None:
    """Whatever changes which claims files a folder holds, or what they say, is a fresh run."""
    claims = folder_project(tmp_path)
    (claims / "notes.yaml").write_text("title: not claims\n", encoding="utf-8")
    settle()
    before = replayed_folder(tmp_path).verdicts()
    extra = CLAIMS.replace("path: data.csv", "path: ../data.csv").replace("id: ex", "id: new").replace("id: im", "id: new2")
    if change == "new claims file":
        (claims / "e.yaml").write_text(extra, encoding="utf-8")
    elif change == "new claims file in a new subfolder":
        (claims / "sub").mkdir()
        (claims / "sub" / "e.yaml").write_text(extra.replace("../data.csv", "../../data.csv"), encoding="utf-8")
    elif change == "claims file removed":
        (claims / "d.yaml").unlink()
    elif change == "claims file renamed":
        (claims / "d.yaml").rename(claims / "d.txt")
    elif change == "claims file edited":
        rewrite_same_size_and_mtime(claims / "d.yaml", "id: ex2", "id: ex3")
    elif change == "other YAML file becomes a claims file":
        (claims / "notes.yaml").write_text(extra, encoding="utf-8")
    else:
        rewrite_same_size_and_mtime(tmp_path / "data.csv", "16.66", "19.66")
    after = run(tmp_path, "claims", "--format", "json")
    assert not after.served
    assert after.verdicts() != before
    assert after.verdicts() == run(tmp_path, "claims", "--format", "json", "--no-cache").verdicts()


def test_changes_the_folder_search_leaves_out_are_replayed_over(tmp_path: Path) -> None:
    """What changes in the subfolders whose files the search never takes (data/, hidden ones such as a
    cache folder) leaves the stored run valid."""
    claims = folder_project(tmp_path)
    replayed_folder(tmp_path)
    (claims / "data" / "more.yaml").write_text("version: 1\nclaims: []\n", encoding="utf-8")
    (claims / "data" / "notes.yaml").write_text("changed", encoding="utf-8")
    settle()
    assert run(tmp_path, "claims", "--format", "json").served


def test_folder_records_walk_as_the_search_does(tmp_path: Path) -> None:
    from factcheck._claims import CLAIMS_SUFFIXES, find_claims_files

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "a" / "data" / "deep").mkdir(parents=True)
    body = "version: 1\nclaims: []\n"
    for rel in ["x.yaml", "a/y.YML", "a/b/z.json", ".hidden/h.yaml", "data/d.yaml", "a/data/deep/e.toml",
                "a/notes.txt", "a/b/plain.yaml"]:
        (tmp_path / rel).write_text(body if "plain" not in rel else "title: x\n", encoding="utf-8")
    (tmp_path / "a" / "dir.yaml").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    folders, files, others = _replay.folder_records(str(tmp_path), CLAIMS_SUFFIXES)
    assert sorted(folders) == sorted(str(tmp_path / p) if p else str(tmp_path) for p in ["", "a", "a/b", "a/dir.yaml"])
    found, _ = find_claims_files([tmp_path])
    assert {str(f) for f in found} <= set(files)  # every claims file found, and the candidates that are not
    assert sorted(files) == sorted(str(tmp_path / p) for p in ["x.yaml", "a/y.YML", "a/b/z.json", "a/b/plain.yaml"])
    assert others == [str(tmp_path / "gone.yaml")]  # recorded as no file: it could become one


def test_github_format_without_summary_is_replayed(tmp_path: Path) -> None:
    project(tmp_path)
    first = run(tmp_path, "c.yaml", "--format", "github")
    second = run(tmp_path, "c.yaml", "--format", "github")
    assert second.served and second.out == first.out and b"::error" in first.out


def test_bad_input_is_never_stored(tmp_path: Path) -> None:
    project(tmp_path, claims=CLAIMS.replace("value: 31 billion USD", "value: lots"))
    for _ in range(2):
        r = run(tmp_path, "c.yaml")
        assert not r.served and r.code == 2
        assert "c.yaml:5:" in r.err, r.err
    assert entries(tmp_path / ".factcheck_cache") == []


def test_cli_imported_directly_stores_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from factcheck.cli import app

    project(tmp_path)
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path / "cache"))
    r = CliRunner().invoke(app, ["check", str(tmp_path / "c.yaml"), "--format", "json"])
    assert r.exit_code == 1 and json.loads(r.stdout)["files"]
    assert entries(tmp_path / "cache") == []


def test_entry_point_imports_nothing_heavy() -> None:
    code = ("import sys, factcheck._entry, factcheck._replay; "
            "print(sorted(m for m in sys.modules if m.startswith('factcheck') or m.split('.')[0] in "
            "('typer', 'click', 'rich', 'pydantic', 'ruamel', 'rapidfuzz', 'pathlib', 'hashlib')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.strip() == "['factcheck', 'factcheck._entry', 'factcheck._replay']"


# ------------------------------------------------------------------------------------------- remember, in process


@pytest.fixture()
def arm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``arm()``: arm a run over one settled data file, as the entry point does on a miss (inside the test:
    pytest puts its own stdout back between a fixture and the test); gives the Invocation and the file."""
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "d.csv"
    data.write_text(DATA, encoding="utf-8")
    settle()

    def arm_now():
        inv = _replay.invocation(["factcheck", "check", str(data)])
        _replay._arm(inv)
        return inv, data

    try:
        yield arm_now
    finally:
        _replay.disarm()


def test_remember_and_lookup(arm, tmp_path: Path) -> None:
    inv, data = arm()
    sys.stdout.write("the report ✓\n")
    probe = tmp_path / "factcheck.toml"
    assert _replay.remember("the report ✓\n", 1, [data], [(probe, False)])
    code, out = _replay.lookup(inv)
    assert (code, bytes(out)) == (1, "the report ✓\n".encode(sys.stdout.encoding))
    probe.write_text("", encoding="utf-8")  # a configuration file where none was
    assert _replay.lookup(inv) is None


@pytest.mark.parametrize("extra", ["stderr", "stdout"])
def test_remember_refuses_a_run_that_printed_more(arm, extra: str) -> None:
    inv, data = arm()
    sys.stdout.write("the report\n")
    (sys.stderr if extra == "stderr" else sys.stdout).write("something else\n")
    assert not _replay.remember("the report\n", 0, [data])
    assert _replay.lookup(inv) is None


def test_remember_refuses_a_file_changed_during_the_run(arm) -> None:
    inv, data = arm()
    data.write_text(DATA.replace("16.66", "19.66"), encoding="utf-8")  # after the run began
    sys.stdout.write("the report\n")
    assert not _replay.remember("the report\n", 0, [data])
    assert _replay.lookup(inv) is None


def test_remember_needs_the_entry_point() -> None:
    assert not _replay.armed()
    assert not _replay.remember("the report\n", 0, [])


def test_code_stamp_covers_the_package_and_libraries() -> None:
    stamp = _replay.tool_stamp()
    names = {Path(rec[0]).name for rec in stamp}
    assert {"cli.py", "_replay.py", "_reference.py", "json_format.py"} <= names  # subpackages too
    assert not any("__pycache__" in rec[0] for rec in stamp)
    assert any(rec[0].endswith("-packages") for rec in stamp) or not any(p.endswith("-packages") for p in sys.path)
