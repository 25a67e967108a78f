"""The report of a claims file whose inputs have not changed is served from the cache, as ruff serves
lint results: no YAML to parse, no schema to build, no data to read.

Key: the tool's version and a stamp of its code (factcheck._replay.tool_stamp: an edited checkout is
not served old reports), the claims file's content hash, its display path and every option that
changes its report. The entry records each file the report depended on (reference files, the
document) with its size, mtime and content hash; on lookup a dependency whose size or mtime changed
is hashed again and must match, and one changed within 2 seconds of the record is always hashed, so a
changed file is never served stale. A corrupt or foreign entry is ignored (and rewritten by the next
run that checks the file); nothing is written for a file with input problems, nor when an input changed
while the file was being checked (the report may come from its old content).
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Any, Iterable

FORMAT = 1
MAGIC = b"factcheck-report\n"
RACY_NS = 2_000_000_000
GUARD_NS = 100_000_000  # a dependency changed this close to the check's start, or after it: not stored


def _key(claims_path: Path, display: str, options: Any) -> str | None:
    from factcheck import __version__
    from factcheck._cache import hash_file

    try:
        content = hash_file(claims_path)
    except OSError:
        return None
    from factcheck._replay import tool_stamp

    h = hashlib.blake2b(digest_size=20)
    # tool_stamp: the factcheck package's files (an edited checkout is not served its old reports)
    for part in (MAGIC, str(FORMAT), __version__, repr(tool_stamp()), content, display, str(Path.cwd()), repr(options)):
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def _path(claims_path: Path, key: str) -> Path:
    from factcheck._cache import cache_dir

    return cache_dir(claims_path) / "reports" / f"{key}.pickle"


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def load(claims_path: Path, display: str, options: Any, deps: list | None = None) -> Any | None:
    """What :func:`store` kept, or None when there is none or any input changed. On a hit, ``deps`` (when
    given) gets the files the report depended on."""
    from factcheck._cache import hash_file

    key = _key(claims_path, display, options)
    if key is None:
        return None
    try:
        blob = _path(claims_path, key).read_bytes()
        if not blob.startswith(MAGIC):
            return None
        entry = pickle.loads(blob[len(MAGIC):])
        if entry.get("key") != key:
            return None
        for dep, size, mtime_ns, digest, written_ns in entry["deps"]:
            now = _stat(Path(dep))
            if now is None:
                return None
            trusted = now == (size, mtime_ns) and written_ns - mtime_ns > RACY_NS
            if not trusted and hash_file(Path(dep)) != digest:
                return None
        if deps is not None:
            deps.extend(rec[0] for rec in entry["deps"])
        return entry["report"]
    except Exception:  # noqa: BLE001 - a broken entry is a cache miss, never a crash
        return None


def store(claims_path: Path, display: str, options: Any, report: Any, deps: Iterable[Path],
          started_ns: int | None = None) -> None:
    """Remember a report (of a file without input problems: the caller checks) with the files it
    depended on. ``report`` is whatever the caller wants back from :func:`load`. ``started_ns`` (the
    time.time_ns() the check began): a file changed since then, or just before, stores nothing, since
    the report may have been made from its old content."""
    import os
    import time

    from factcheck._cache import _atomic_write, cache_dir, hash_file

    key = _key(claims_path, display, options)
    if key is None:
        return
    try:
        records = []
        written_ns = time.time_ns()
        deps = sorted({Path(d).resolve() for d in deps})
        if started_ns is not None:
            for f in (claims_path, *deps):
                if os.stat(f).st_ctime_ns >= started_ns - GUARD_NS:
                    return
        for dep in deps:
            st = _stat(dep)
            if st is None:
                return
            records.append((str(dep), st[0], st[1], hash_file(dep), written_ns))
        blob = MAGIC + pickle.dumps({"key": key, "deps": records, "report": report},
                                    protocol=pickle.HIGHEST_PROTOCOL)
        folder = cache_dir(claims_path)
        (folder / "reports").mkdir(parents=True, exist_ok=True)
        _ensure_tags(folder)
        _atomic_write(_path(claims_path, key), blob)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is simply not written
        return


def _ensure_tags(folder: Path) -> None:
    from factcheck._cache import CACHEDIR_TAG, GITIGNORE

    for name, text in (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", GITIGNORE)):
        p = folder / name
        if not p.exists():
            try:
                p.write_text(text, encoding="utf-8")
            except OSError:
                pass

