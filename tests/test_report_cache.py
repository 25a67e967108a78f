"""The report cache: an unchanged claims file is served from .factcheck_cache/reports, never stale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CLAIMS = """version: 1
references: [{path: data.csv}]
claims:
  - {id: ex, metric: exports, value: 16.7 billion USD, period: 2021}
"""
DATA = "metric,period,value,scale,unit\nexports,2021,16.66,billion,USD\n"


def run(folder: Path, *args: str) -> tuple[int, dict]:
    # about the report cache: the replay cache (which would answer an unchanged run first) is off
    env = {k: v for k, v in os.environ.items() if k != "FACTCHECK_CACHE_DIR"}
    env["FACTCHECK_NO_REPLAY"] = "1"
    p = subprocess.run([sys.executable, "-m", "factcheck", "check", "c.yaml", "--format", "json", *args],
                       cwd=folder, capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode in (0, 1) and "Traceback" not in p.stderr, p.stderr
    return p.returncode, json.loads(p.stdout)


def project(tmp: Path) -> Path:
    (tmp / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    (tmp / "c.yaml").write_text(CLAIMS, encoding="utf-8")
    (tmp / "data.csv").write_text(DATA, encoding="utf-8")
    return tmp


def reports(tmp: Path) -> list[Path]:
    return sorted((tmp / ".factcheck_cache" / "reports").glob("*.pickle"))


def test_warm_run_is_served_and_identical(tmp_path: Path) -> None:
    project(tmp_path)
    code1, first = run(tmp_path)
    assert len(reports(tmp_path)) == 1
    code2, second = run(tmp_path)
    assert (code1, first) == (code2, second)


def test_a_changed_reference_is_never_served_stale(tmp_path: Path) -> None:
    project(tmp_path)
    _, first = run(tmp_path)
    assert first["files"][0]["claims"][0]["verdict"] == "supported"
    # same size, same second: only the content differs
    data = tmp_path / "data.csv"
    st = data.stat()
    data.write_text(DATA.replace("16.66", "19.66"), encoding="utf-8")
    os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns))
    code, second = run(tmp_path)
    assert code == 1 and second["files"][0]["claims"][0]["verdict"] == "contradicted"


def test_changed_options_are_a_different_entry(tmp_path: Path) -> None:
    project(tmp_path)
    run(tmp_path)
    run(tmp_path, "--ignore", "R101")
    assert len(reports(tmp_path)) == 2


def test_corrupt_entry_is_ignored_and_rewritten(tmp_path: Path) -> None:
    project(tmp_path)
    _, first = run(tmp_path)
    (entry,) = reports(tmp_path)
    good = entry.read_bytes()
    entry.write_bytes(good[: len(good) // 3])
    _, second = run(tmp_path)
    assert second == first
    import pickle

    rewritten = entry.read_bytes()
    assert len(rewritten) > len(good) // 3
    assert pickle.loads(rewritten[len(b"factcheck-report\n"):])["report"]  # a whole entry again


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    project(tmp_path)
    run(tmp_path, "--no-cache")
    assert not (tmp_path / ".factcheck_cache").exists()


def test_bad_input_writes_no_cache(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / "c.yaml").write_text(CLAIMS.replace("16.7 billion", "fivee billion"), encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "factcheck", "check", "c.yaml"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2
    assert not reports(tmp_path)


def test_a_reference_changed_during_the_check_stores_nothing(tmp_path: Path, monkeypatch) -> None:
    # the report may have been made from the old content: keeping it under the new content's hash
    # would serve a stale report for ever
    import time

    from factcheck import _report_cache

    project(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FACTCHECK_CACHE_DIR", raising=False)
    started = time.time_ns()
    (tmp_path / "data.csv").write_text(DATA.replace("16.66", "17.66"), encoding="utf-8")
    _report_cache.store(tmp_path / "c.yaml", "c.yaml", "opts", "the report", [tmp_path / "data.csv"], started_ns=started)
    assert reports(tmp_path) == []
    # a check that began after the last change is kept
    time.sleep(0.15)
    _report_cache.store(tmp_path / "c.yaml", "c.yaml", "opts", "the report", [tmp_path / "data.csv"],
                        started_ns=time.time_ns())
    assert _report_cache.load(tmp_path / "c.yaml", "c.yaml", "opts") == "the report"
