"""Bad input gives exit code 2, every problem as `path:line:column: message`, no traceback, no file written.

The cases are data: tests/fixtures/bad_inputs.yaml.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

FIXTURE = Path(__file__).parent / "fixtures" / "bad_inputs.yaml"
_data = YAML(typ="safe").load(FIXTURE.read_text(encoding="utf-8"))
CASES = _data["cases"]
BASE = _data["base"]


def _write(folder: Path, name: str, content) -> None:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input(case: dict, tmp_path: Path) -> None:
    for name, content in BASE.items():
        _write(tmp_path, name, content)
    for name, content in case.items():
        if name not in ("name", "errors", "run"):
            _write(tmp_path, name, content)
    before = _snapshot(tmp_path)
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "factcheck", "check", case.get("run", "claims.yaml")],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == len(case["errors"]), proc.stderr
    for line, pattern in zip(lines, case["errors"]):
        assert re.fullmatch(pattern, line), f"{line!r} does not match {pattern!r}"
    assert proc.stdout == "", "nothing is printed on stdout for bad input in the text format"
    assert _snapshot(tmp_path) == before, "no file may be written or changed"
    assert not (tmp_path / "pwned").exists()
