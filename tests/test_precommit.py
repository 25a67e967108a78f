"""The pre-commit hooks of .pre-commit-hooks.yaml, run as a user would: `pre-commit try-repo`.

Slow (pre-commit builds the hook's environment from this repository), so marked `slow`; it runs in the
default suite and in CI. Skipped when pre-commit or git is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]

GOOD = """version: 1
references: [{path: data/figures.csv}]
claims:
  - {id: exports, metric: exports, value: 16.7 billion USD, period: 2021}
"""
DATA = "metric,period,value,scale,unit\nexports,2021,16.66,billion,USD\n"


def _precommit() -> list[str]:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (it is in the dev dependency group)")
    return [sys.executable, "-m", "pre_commit"]


def _repo(tmp: Path, files: dict[str, str]) -> Path:
    repo = tmp / "repo"
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=repo, check=True)
    return repo


def _try(repo: Path, hook: str) -> subprocess.CompletedProcess:
    return subprocess.run([*_precommit(), "try-repo", str(ROOT), hook, "--all-files"], cwd=repo,
                          capture_output=True, text=True, timeout=900)


def test_hook_fails_on_the_example(tmp_path: Path) -> None:
    files = {f"claims/{p.relative_to(ROOT / 'claims')}": p.read_text(encoding="utf-8")
             for p in (ROOT / "claims").rglob("*") if p.is_file()}
    repo = _repo(tmp_path, files)
    r = _try(repo, "factcheck")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "contradicted" in r.stdout


def test_hook_passes_on_supported_claims(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"claims/c.yaml": GOOD, "claims/data/figures.csv": DATA})
    r = _try(repo, "factcheck")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Passed" in r.stdout  # pre-commit shows a hook's output only when it fails


def test_dataset_hook_rechecks_everything(tmp_path: Path) -> None:
    bad = DATA.replace("16.66", "19.2")
    repo = _repo(tmp_path, {"claims/c.yaml": GOOD, "claims/data/figures.csv": bad})
    r = _try(repo, "factcheck-all")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "contradicted" in r.stdout
