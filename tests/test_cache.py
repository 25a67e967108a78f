"""The cache of indexed reference files (.factcheck_cache/): keys, staleness, corruption, --no-cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factcheck import _cache
from factcheck._cache import DiskCache, cache_dir, project_root
from factcheck._reference import ReferenceSpec, open_source

ROOT = Path(__file__).resolve().parents[1]

DATA = (
    "country,metric,period,value\n"
    "Uzbekistan,exports,2020,15.1\n"
    "Uzbekistan,exports,2021,16.66\n"
    "Uzbekistan,imports,2021,25.5\n"
    "Kazakhstan,exports,2021,60.3\n"
)


def write_project(folder: Path, data: str = DATA, claims: str | None = None) -> Path:
    (folder / "factcheck.toml").write_text("", encoding="utf-8")
    (folder / "data.csv").write_text(data, encoding="utf-8")
    (folder / "c.yaml").write_text(claims or (
        "version: 1\n"
        "references: [{path: data.csv, columns: {subject: country}}]\n"
        "claims:\n"
        "  - {id: ex, subject: Uzbekistan, metric: exports, value: 16.7, period: 2021}\n"
        "  - {id: kz, subject: Kazakhstan, metric: exports, value: 60, period: 2021}\n"), encoding="utf-8")
    return folder / "c.yaml"


def check(claims: Path, *args: str, env: dict | None = None) -> tuple[int, dict, str]:
    # these tests are about the index of reference files: the cached reports (which a warm run of an
    # unchanged claims file would serve before any index is read) are removed first, and the replay
    # cache (which would answer an unchanged run before that) is off
    import shutil

    shutil.rmtree(claims.parent / ".factcheck_cache" / "reports", ignore_errors=True)
    e = {k: v for k, v in os.environ.items() if k not in ("FACTCHECK_CACHE_DIR", "FORCE_COLOR")}
    e["FACTCHECK_NO_REPLAY"] = "1"
    e.update(env or {})
    p = subprocess.run([sys.executable, "-m", "factcheck", "check", claims.name, "--format", "json", *args],
                       cwd=claims.parent, capture_output=True, text=True, env=e, timeout=120)
    assert p.returncode in (0, 1), p.stderr
    return p.returncode, json.loads(p.stdout), p.stderr


def verdicts(report: dict) -> dict[str, tuple]:
    return {c["id"]: (c["verdict"], tuple((float(e["value"]), e["row"]) for e in c["evidence"]))
            for f in report["files"] for c in f["claims"]}


def entries(folder: Path) -> list[Path]:
    return sorted((folder / ".factcheck_cache").rglob("*.idx"))


# --------------------------------------------------------------------------- where


def test_project_root(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    claims = tmp_path / "a" / "b" / "c.yaml"
    assert project_root(claims) == tmp_path / "a" / "b"  # no marker: the claims file's folder
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    assert project_root(claims) == tmp_path
    (tmp_path / "a" / ".git").mkdir()
    assert project_root(claims) == tmp_path / "a"
    (tmp_path / "a" / "b" / "factcheck.toml").write_text("", encoding="utf-8")
    assert project_root(claims) == tmp_path / "a" / "b"
    assert cache_dir(claims) == tmp_path / "a" / "b" / ".factcheck_cache"


def test_cache_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache_dir(tmp_path / "c.yaml") == tmp_path / "elsewhere"


# --------------------------------------------------------------------------- the command line


def test_cold_then_warm_gives_the_same_report(tmp_path: Path) -> None:
    claims = write_project(tmp_path)
    code1, first, _ = check(claims)
    folder = tmp_path / ".factcheck_cache"
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (folder / ".gitignore").read_text().strip().endswith("*")
    assert len(entries(tmp_path)) == 1
    assert not list(folder.rglob("*.part")), "writes are atomic: no temporary file is left"
    code2, second, _ = check(claims)
    assert (code1, first) == (code2, second)
    assert verdicts(first)["ex"][0] == "supported"


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    claims = write_project(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    _, report, _ = check(claims, "--no-cache")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert verdicts(report)["ex"][0] == "supported"


def test_no_cache_ignores_an_existing_entry(tmp_path: Path) -> None:
    claims = write_project(tmp_path)
    check(claims)
    for e in entries(tmp_path):
        e.write_bytes(b"garbage")
    _, report, _ = check(claims, "--no-cache")
    assert verdicts(report)["ex"][0] == "supported"
    assert all(e.read_bytes() == b"garbage" for e in entries(tmp_path)), "--no-cache neither reads nor writes"


def test_changed_file_is_rebuilt(tmp_path: Path) -> None:
    claims = write_project(tmp_path)
    _, first, _ = check(claims)
    assert verdicts(first)["ex"][0] == "supported"
    data = tmp_path / "data.csv"
    st = data.stat()
    # the same size, and the old modification time put back: only the content (and ctime) differ
    data.write_text(DATA.replace("16.66", "19.66"), encoding="utf-8")
    os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert data.stat().st_size == st.st_size
    _, second, _ = check(claims)
    assert verdicts(second)["ex"][0] == "contradicted"
    assert len(entries(tmp_path)) == 1, "the old entry is removed"


def test_changed_layout_of_rows_is_rebuilt(tmp_path: Path) -> None:
    claims = write_project(tmp_path)
    check(claims)
    # rows moved: offsets in an old index would point at the wrong rows
    (tmp_path / "data.csv").write_text("country,metric,period,value\nKazakhstan,exports,2021,60.3\n"
                                       "Uzbekistan,imports,2021,25.5\nUzbekistan,exports,2021,16.66\n", encoding="utf-8")
    _, report, _ = check(claims)
    assert verdicts(report)["ex"] == ("supported", ((16.66, 4),))


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "foreign"])
def test_corrupt_entry_is_rebuilt(tmp_path: Path, damage: str) -> None:
    claims = write_project(tmp_path)
    _, first, _ = check(claims)
    (entry,) = entries(tmp_path)
    data = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        b = bytearray(data)
        b[-20] ^= 0x55
        entry.write_bytes(bytes(b))
    elif damage == "garbage":
        entry.write_bytes(os.urandom(len(data)))
    elif damage == "empty":
        entry.write_bytes(b"")
    else:  # a valid entry of another file under this name
        other = tmp_path / "other"
        other.mkdir()
        check(write_project(other, DATA.replace("Kazakhstan", "Kyrgyzstan")))
        entry.write_bytes(entries(other)[0].read_bytes())
    code, second, err = check(claims)
    assert "Traceback" not in err
    assert second == first
    (again,) = entries(tmp_path)
    assert again.read_bytes() == data, "the entry is written again"


def test_a_warm_cache_serves_other_claims(tmp_path: Path) -> None:
    claims = write_project(tmp_path)
    check(claims)
    other = tmp_path / "d.yaml"
    other.write_text("version: 1\nreferences: [{path: data.csv, columns: {subject: country}}]\nclaims:\n"
                     "  - {id: im, subject: Uzbekistan, metric: imports, value: 25, period: 2021}\n"
                     "  - {id: old, subject: Uzbekistan, metric: exports, value: 15, period: 2020}\n",
                     encoding="utf-8")
    _, warm, _ = check(other)
    _, cold, _ = check(other, "--no-cache")
    assert warm == cold
    assert verdicts(warm) == {"im": ("supported", ((25.5, 4),)), "old": ("supported", ((15.1, 2),))}


def test_options_are_part_of_the_key(tmp_path: Path) -> None:
    claims = write_project(tmp_path)
    check(claims)
    scaled = tmp_path / "s.yaml"
    scaled.write_text("version: 1\nreferences: [{path: data.csv, columns: {subject: country}, scale: billion}]\n"
                      "claims:\n  - {id: ex, subject: Uzbekistan, metric: exports, value: 16.7 billion, period: 2021}\n",
                      encoding="utf-8")
    _, report, _ = check(scaled)
    assert verdicts(report)["ex"][0] == "supported"
    assert len(entries(tmp_path)) == 2


def test_bad_input_writes_no_cache(tmp_path: Path) -> None:
    claims = write_project(tmp_path, DATA + "Uzbekistan,exports,2019,lots\n",
                           "version: 1\nreferences: [{path: data.csv, columns: {subject: country}}]\nclaims:\n"
                           "  - {id: ex, subject: Uzbekistan, metric: exports, value: 16.7 billion, period: 2021}\n")
    p = subprocess.run([sys.executable, "-m", "factcheck", "check", claims.name], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120,
                       env={k: v for k, v in os.environ.items() if k != "FACTCHECK_CACHE_DIR"})
    assert p.returncode == 2 and "lots" in p.stderr
    assert not (tmp_path / ".factcheck_cache").exists()


def test_unwritable_cache_is_no_error(tmp_path: Path) -> None:
    claims = write_project(tmp_path)
    (tmp_path / ".factcheck_cache").write_text("a file where the folder should be", encoding="utf-8")
    code, report, err = check(claims)
    assert "Traceback" not in err and verdicts(report)["ex"][0] == "supported"


# --------------------------------------------------------------------------- the library


def _spec(path: Path) -> ReferenceSpec:
    return ReferenceSpec(path=path, display_path=path.name, columns={"subject": "country"})


def test_stat_record_skips_hashing_and_racy_files_are_hashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data.csv"
    data.write_text(DATA, encoding="utf-8")
    old = time.time() - 60
    os.utime(data, (old, old))
    dc = DiskCache(tmp_path / "cache")
    src = open_source(_spec(data), cache=dc)
    assert not src.from_cache
    assert dc.flush() == 1
    hashed: list[Path] = []
    real = _cache.hash_file
    monkeypatch.setattr(_cache, "hash_file", lambda p: hashed.append(p) or real(p))
    # the file's ctime is now (os.utime): within the racy window, it is hashed whatever its stat says
    src = open_source(_spec(data), cache=DiskCache(tmp_path / "cache"))
    assert src.from_cache and len(hashed) == 1
    monkeypatch.setattr(_cache, "RACY_NS", 0)  # as if the record were written long after the last change
    src = open_source(_spec(data), cache=DiskCache(tmp_path / "cache"))
    assert src.from_cache and len(hashed) == 1, "an unchanged file is not hashed again"
    monkeypatch.setattr(_cache, "RACY_NS", 2_000_000_000)
    hashed.clear()
    data.write_text(DATA.replace("60.3", "61.3"), encoding="utf-8")
    dc = DiskCache(tmp_path / "cache")
    assert not open_source(_spec(data), cache=dc).from_cache
    dc.flush()
    src = open_source(_spec(data), cache=DiskCache(tmp_path / "cache"))
    assert src.from_cache and hashed, "a recently changed file is hashed before its entry is used"
    obs = [o.raw for o in src.dataset(_spec(data)).observations]
    assert "61.3" in obs and "60.3" not in obs


def test_entry_key_check(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text(DATA, encoding="utf-8")
    old = time.time() - 60
    os.utime(data, (old, old))
    dc = DiskCache(tmp_path / "cache")
    open_source(_spec(data), cache=dc)
    dc.flush()
    (entry,) = sorted((tmp_path / "cache").rglob("*.idx"))
    # an entry under another name (a copy, a rename) is refused: its key is inside it
    entry.rename(entry.with_name("0" * 40 + "-" + entry.name.split("-")[1]))
    assert DiskCache(tmp_path / "cache")._read_entry(entry.with_name("0" * 40 + "-" + entry.name.split("-")[1]),
                                                    "x") is None


# --------------------------------------------------------------------------- the format


def _old_file(tmp_path: Path, name: str = "data.csv", text: str = DATA) -> Path:
    data = tmp_path / name
    data.write_text(text, encoding="utf-8")
    old = time.time() - 60
    os.utime(data, (old, old))
    return data


@pytest.mark.parametrize("name, text, kw", [
    ("data.csv", DATA, {}),
    ("wide.csv", '"country","code","2020","2021",\n"Uzbekistan","UZ","1","2",\n"Korea, Rep.","KR","","3",\n',
     {"aliases": ["code"]}),
    ("data.json", '[{"country": "Uzbekistan", "metric": "exports", "period": 2021, "value": 16.66}]', {}),
    ("quoted.csv", 'country,metric,period,value\n"A\nB",exports,2021,1\n', {}),
])
def test_entry_round_trip(tmp_path: Path, name: str, text: str, kw: dict) -> None:
    """An index is stored as marshal data (arrays as bytes) and reads back equal, lookups made meanwhile
    included."""
    from factcheck._cache import decode_index, encode_index
    from factcheck._reference import _build_index

    spec = ReferenceSpec(path=_old_file(tmp_path, name, text), display_path=name, columns={"subject": "country"}, **kw)
    ix, _ = _build_index(spec, None, None)
    ix.inverted("subject")
    payload = encode_index(ix)
    back = decode_index(payload)
    assert back == ix and _cache._sound(back)
    assert encode_index(back) == payload, "the same bytes for the same index"


def test_entry_format_holds_every_field_of_the_index() -> None:
    import dataclasses

    from factcheck._reference import _Index

    never_kept = {"row_problems", "aborted"}  # an index whose reading stopped is not cached
    assert set(_cache._FIELDS) == {f.name for f in dataclasses.fields(_Index)} - never_kept


def _requests() -> list[tuple[dict, str]]:
    return [({"subject": "Uzbekistan"}, "exports"), ({"subject": "Kazakhstan"}, "exports"), ({}, "imports")]


def _needed(src) -> frozenset:
    from factcheck._matching import AliasBook
    from factcheck._reference import needed_series

    return needed_series(src, _requests(), AliasBook(), 60.0).entries


def test_metric_matches_are_kept_beside_the_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The metric names a claim's metric matched are kept (a .match file) and serve the next run without
    scoring; matches scored by other code, or a damaged file, are not used."""
    from factcheck import _reference

    data = _old_file(tmp_path)
    dc = DiskCache(tmp_path / "cache")
    src = open_source(_spec(data), cache=dc)
    first = _needed(src)
    assert first and len(src.metric_matches) == 2
    dc.flush()
    (match,) = sorted((tmp_path / "cache").rglob("*.match"))

    scored = src.lookup().shortlist().matches("exports", 60.0)
    assert scored and all(isinstance(s, float) for _, s in scored)

    def no_scoring(*a, **k):
        raise AssertionError("scored again")

    with monkeypatch.context() as m:
        m.setattr(_reference, "score", no_scoring)
        m.setattr(_reference.MetricShortlist, "postings", property(no_scoring))
        src = open_source(_spec(data), cache=DiskCache(tmp_path / "cache"))
        assert src.from_cache and _needed(src) == first
        assert src.lookup().shortlist().matches("exports", 60.0) == scored, "the judge's answers too"
    with monkeypatch.context() as m:
        m.setattr(_cache, "_MATCHER", ["other code"])
        src = open_source(_spec(data), cache=DiskCache(tmp_path / "cache"))
        assert src.from_cache and not src.metric_matches
    for damage in (b"garbage", match.read_bytes()[:-3], b""):
        match.write_bytes(damage)
        dc = DiskCache(tmp_path / "cache")
        src = open_source(_spec(data), cache=dc)
        assert src.from_cache and not src.metric_matches and not match.exists()
        assert _needed(src) == first
        dc.flush()
        assert match.exists(), "written again"


def test_entry_of_other_shape_is_rebuilt(tmp_path: Path) -> None:
    """An entry whose bytes are sound but whose content is not an index this code reads (values out of
    range) is ignored and removed, never a crash."""
    import marshal

    from factcheck._cache import MAGIC, _digest, encode_index

    data = _old_file(tmp_path)
    dc = DiskCache(tmp_path / "cache")
    src = open_source(_spec(data), cache=dc)
    dc.flush()
    (entry,) = sorted((tmp_path / "cache").rglob("*.idx"))
    key = entry.name[:-4]
    fields = list(marshal.loads(encode_index(src.index)))
    fields[13] = ("i", bytes(4) * (len(src.index.meta_ids) - 1) + (99).to_bytes(4, sys.byteorder))  # meta_ids
    for payload in (marshal.dumps(tuple(fields)), marshal.dumps((1, 2, 3)), marshal.dumps(None)):
        entry.write_bytes(MAGIC + f"{key} {_digest(payload)} {len(payload)}\n".encode("ascii") + payload)
        src = open_source(_spec(data), cache=DiskCache(tmp_path / "cache"))
        assert not src.from_cache and not entry.exists()
        assert [o.raw for o in src.dataset(_spec(data)).observations] == ["15.1", "16.66", "25.5", "60.3"]


def _big_data(rows: int = 3000) -> str:
    lines = ["country,metric,period,value"]
    for i in range(rows):
        lines.append(f"C{i % 300},m{i % 7},{2000 + i % 20},{i}.5")
    return "\n".join(lines) + "\n"


def _parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Index every file in two parts (a forked worker), its content hash computed by a thread."""
    import factcheck._reference as R

    monkeypatch.setattr(R, "PART_MIN_BYTES", 2)
    monkeypatch.setenv("FACTCHECK_JOBS", "2")


def test_hash_computed_by_a_thread_names_the_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file indexed in parts is hashed by a thread while the run goes on: the entry is written under
    its content hash once the thread is done, and found again by the next run."""
    _parts(monkeypatch)
    claims = write_project(tmp_path, _big_data())
    spec = ReferenceSpec(path=tmp_path / "data.csv", columns={"subject": "country"})
    disk = DiskCache(tmp_path / "cache")
    src = open_source(spec, cache=disk)
    assert disk.waiting and not disk.pending  # the hash is being computed
    assert _cache.hash_file(spec.path) == _cache._digest(spec.path.read_bytes())  # waits for it, same digest
    assert disk.flush() == 1
    again = DiskCache(tmp_path / "cache").load(spec)
    assert again is not None and again.index == src.index
    assert claims.exists()


def test_file_changed_while_hashed_by_a_thread_is_not_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _parts(monkeypatch)
    write_project(tmp_path, _big_data())
    spec = ReferenceSpec(path=tmp_path / "data.csv", columns={"subject": "country"})
    disk = DiskCache(tmp_path / "cache")
    open_source(spec, cache=disk)
    assert disk.waiting
    with open(spec.path, "a", encoding="utf-8") as f:
        f.write("Z,m1,2021,1\n")  # after it was indexed
    assert disk.flush() == 0
    assert DiskCache(tmp_path / "cache").load(spec) is None


def test_hash_of_another_process_thread_is_never_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A forked child does not have the parent's hashing thread: its digest would be partial."""
    write_project(tmp_path, _big_data())
    h = _cache.ContentHasher()
    h.in_thread(tmp_path / "data.csv")
    monkeypatch.setattr(os, "getpid", lambda: -1)
    with pytest.raises(OSError):
        h.hexdigest()


def test_thread_that_cannot_read_gives_no_hash(tmp_path: Path) -> None:
    h = _cache.ContentHasher()
    h.in_thread(tmp_path / "missing.csv")
    with pytest.raises(OSError):
        h.hexdigest()


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 3 * 4096 + 17])
def test_a_file_hashed_in_big_blocks_hashes_as_one_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        size: int) -> None:
    """The content hash read in blocks into one buffer (and in a thread) is the SHA-256 of the bytes,
    whatever the file's size against the block."""
    import hashlib

    monkeypatch.setattr(_cache, "_FEED_BLOCK", 4096)
    p = tmp_path / "t.csv"
    data = bytes((i * 7 + 3) % 251 for i in range(size))
    p.write_bytes(data)
    want = hashlib.sha256(data).hexdigest()
    h = hashlib.sha256()
    _cache._feed(p, h)
    assert h.hexdigest() == want
    threaded = _cache.ContentHasher()
    threaded.in_thread(p)
    assert threaded.hexdigest() == want
