"""The cache of indexed reference files, as ruff keeps one: ``.factcheck_cache/`` at the project root.

What is kept
    For each reference file, its index (:class:`factcheck._reference._Index`): every series key, the
    alias map, and where each series' rows are in the file (byte offsets of runs of lines), in integer
    arrays, written with :mod:`marshal` (plain values and the arrays' bytes: no pickled objects, so it
    loads in milliseconds and runs no code). A warm run loads the index, works out which series its
    claims need and reads only those rows from the file itself. So a warm cache serves any claims
    file, and the cache stays a few percent of the data's size. Beside an entry, a ``.match`` file
    keeps the metric names each metric of a claim matched, with their scores (the shortlist of
    factcheck._reference.needed_series, which the judge asks too), valid for the code that scored them
    (a digest of factcheck._matching's source and rapidfuzz's).
Keys
    An entry is named by the file's content hash (SHA-256 of its bytes, computed while the file is
    indexed, so a cold run reads the file once) and a digest of everything else that changes how it
    reads: the reference entry's options (layout, scale, unit, source, set, columns, aliases,
    decimal), the cache format and ``factcheck.__version__``. A small stat record per path (size,
    mtime, ctime, inode) remembers the hash, so an unchanged file is not hashed again; the record is
    trusted only when the file was last changed well (2 s) before the record was written, so a change
    within the file system's timestamp granularity is never served stale; otherwise the file is hashed.
    Rows are read from the file after its stat is checked again.
Where
    ``.factcheck_cache/`` in the nearest folder above the claims file that has ``pyproject.toml``,
    ``factcheck.toml`` or ``.git``, else the claims file's folder; ``FACTCHECK_CACHE_DIR`` overrides it.
    The folder holds a ``CACHEDIR.TAG`` and a ``.gitignore`` (``*``).
Safety
    A corrupt, truncated or foreign entry or match file (wrong magic, checksum, version or key, or a
    shape the code does not expect) is ignored and rebuilt, never a crash; a cache that cannot be
    written (read-only folder, full disk) is silently
    not written. Writes are atomic (a temporary file, then ``os.replace``). Entries are written only
    when the whole run had no input problems (``flush``), so bad input writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
import sys
import time
from array import array
from pathlib import Path
from typing import Any

CACHE_DIR_NAME = ".factcheck_cache"
ENV_DIR = "FACTCHECK_CACHE_DIR"
FORMAT = 3  # bump when the index's layout changes (its fields are part of the key as well)
MAGIC = b"factcheck-index\n"
MATCH_MAGIC = b"factcheck-matches\n"
MAX_MATCHES = 100_000  # metric matches kept beside an entry, at most (more are not written)
RACY_NS = 2_000_000_000  # a file changed this close to its record is hashed again
_ROOT_MARKERS = ("pyproject.toml", "factcheck.toml", ".git")

CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by factcheck.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
GITIGNORE = "# Automatically created by factcheck.\n*\n"


def project_root(claims_path: Path) -> Path:
    """The folder of the nearest pyproject.toml, factcheck.toml or .git above the claims file (its own
    folder included), else the claims file's folder."""
    start = Path(claims_path).resolve().parent
    for folder in (start, *start.parents):
        if any((folder / m).exists() for m in _ROOT_MARKERS):
            return folder
    return start


def cache_dir(claims_path: Path) -> Path:
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    return project_root(claims_path) / CACHE_DIR_NAME


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:40]


_HASHES: dict[tuple, str] = {}  # (path, size, mtime, ctime, inode, device) -> content hash, in this process


def _signature(path: Path) -> tuple:
    return _sig_of(path, os.stat(path))


def _sig_of(path: Path | str, st: os.stat_result) -> tuple:
    """(absolute path, size, mtime, ctime, inode, device): the inode and device name the file, so the
    path need not have its links resolved."""
    return (os.path.abspath(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def hash_file(path: Path) -> str:
    """The content hash of a file (SHA-256, hex, 40 digits). Remembered in the process for a file whose stat has not
    changed and that was last changed more than RACY_NS before it was hashed (so that a change within
    the file system's timestamp granularity cannot hide): a run over 500 claims files that name one big
    table hashes it once."""
    sig = _signature(path)
    hit = _HASHES.get(sig)
    if hit is not None:
        return hit
    if _WAITING:
        hit = _waited(sig)
        if hit is not None:
            return hit
    h = hashlib.sha256()
    _feed(path, h)
    digest = h.hexdigest()[:40]
    remember_hash(sig, digest)
    return digest


_FEED_BLOCK = 16 << 20


def _feed(path: Path, hasher: Any) -> None:
    """Feed the bytes of a file to ``hasher``, in big blocks read into one buffer. Reading and hashing
    let go of the interpreter lock; a thread doing this (ContentHasher.in_thread) must take it back
    after each, and waits up to the switch interval (5 ms) each time while the main thread runs Python
    code. Measured on an 88 MB file beside a busy main thread: 0.35-0.4 s with 4 MB blocks, 0.2 s with
    16 MB (32 and 64 MB: no better); 0.1 s alone."""
    with open(path, "rb", buffering=0) as f:
        size = os.fstat(f.fileno()).st_size
        view = memoryview(bytearray(max(1, min(size + 1, _FEED_BLOCK))))
        while True:
            n = f.readinto(view)
            if not n:
                break
            hasher.update(view[:n])


def remember_hash(sig: tuple, digest: str) -> None:
    """Remember ``digest`` for a file of stat signature ``sig`` (taken before it was read), unless the
    file changed meanwhile or too recently."""
    try:
        now = _signature(Path(sig[0]))
    except OSError:
        return
    if now == sig and max(sig[2], sig[3]) < time.time_ns() - RACY_NS:
        if len(_HASHES) > 10_000:
            _HASHES.clear()
        _HASHES[sig] = digest


class ContentHasher:
    """The SHA-256 of a file's bytes, fed as the file is read (update), or computed by a thread while
    the run goes on (in_thread: a big file indexed in parts, factcheck._reference): hexdigest() then
    waits for it, and raises OSError if the thread could not read the whole file."""

    __slots__ = ("_h", "_thread", "_pid", "_failed")

    def __init__(self) -> None:
        self._h = hashlib.sha256()
        self._thread: Any = None
        self._pid = 0
        self._failed = False

    def update(self, data: bytes) -> None:
        self._h.update(data)

    def in_thread(self, path: Path) -> None:
        import threading

        def run() -> None:
            try:
                _feed(path, self._h)
            except OSError:
                self._failed = True

        self._pid = os.getpid()
        self._thread = threading.Thread(target=run, name="factcheck-hash", daemon=True)
        self._thread.start()

    @property
    def pending(self) -> bool:
        return self._thread is not None

    def hexdigest(self) -> str:
        if self._thread is not None:
            if self._pid != os.getpid():  # a forked child: the thread is not here, the hash is partial
                raise OSError("the file was being hashed by another process")
            self._thread.join()
            self._thread = None
        if self._failed:
            raise OSError("the file could not be read to the end")
        return self._h.hexdigest()


# Files whose hash a thread is computing (signature -> hasher): hash_file waits for it rather than read
# the file again. A forked child forgets them (the threads are not there).
_WAITING: dict[tuple, ContentHasher] = {}
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WAITING.clear)


def _waited(sig: tuple, hasher: ContentHasher | None = None) -> str | None:
    """The digest of a file a thread was hashing (``hasher``, else the one _WAITING has for ``sig``),
    when its stat is still ``sig``; else None (changed meanwhile, or not read to the end)."""
    hasher = _WAITING.pop(sig, None) or hasher
    if hasher is None:
        return None
    try:
        digest = DiskCache.content_of(hasher)
        if _signature(Path(sig[0])) != sig:
            return None  # changed meanwhile
    except OSError:
        return None
    remember_hash(sig, digest)
    return digest


class DiskCache:
    """Index entries under one cache folder. Loads at once; stores only when :func:`flush` is called."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.pending: list[tuple[Path, str, Any, str, tuple]] = []
        self.pending_stats: list[tuple[Path, tuple, str]] = []
        self.waiting: list[tuple[Any, Any, tuple, Any]] = []  # (spec, source, signature, hasher): hashed by a thread
        self.matches: list[tuple[str, str, Any, int]] = []  # (content hash, options digest, source, matches read)
        self.hits = 0
        self.misses = 0

    # -- names ------------------------------------------------------------------------------------
    @staticmethod
    def hasher() -> Any:
        """The content hash being computed while a file is read (see content_of)."""
        return ContentHasher()

    @staticmethod
    def content_of(hasher: Any) -> str:
        return hasher.hexdigest()[:40]

    @staticmethod
    def options_digest(spec: Any) -> str:
        from factcheck import __version__
        from factcheck._reference import _Index, spec_options

        fields = tuple((f.name, str(f.type)) for f in dataclasses.fields(_Index))
        machine = (sys.byteorder, array("i").itemsize, array("q").itemsize)
        what = (FORMAT, __version__, sys.version_info[:2], machine, fields, spec_options(spec))
        return _digest(repr(what).encode("utf-8"))

    def _entry_path(self, content: str, options: str) -> Path:
        return self.folder / f"v{FORMAT}" / content[:2] / f"{content}-{options}.idx"

    def _match_path(self, content: str, options: str) -> Path:
        return self.folder / f"v{FORMAT}" / content[:2] / f"{content}-{options}.match"

    def _stat_path(self, path: Path) -> Path:
        return self.folder / f"v{FORMAT}" / "stat" / (_digest(str(path).encode("utf-8", "surrogateescape")) + ".txt")

    # -- reading ----------------------------------------------------------------------------------
    def load(self, spec: Any) -> Any:
        """The Source of ``spec`` from the cache, or None (then the caller indexes the file)."""
        from factcheck._reference import Source, _Index

        path = Path(spec.path).resolve()
        try:
            st = os.stat(path)
        except OSError:
            return None
        rec = self._read_stat(path)
        if rec is None:
            self.misses += 1
            return None
        now_sig = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        content = None
        if rec[0] == now_sig and max(st.st_mtime_ns, st.st_ctime_ns) < rec[2] - RACY_NS:
            content = rec[1]  # unchanged since it was hashed
        elif rec[0][0] == st.st_size:  # perhaps only touched: hash it
            content = hash_file(path)
        if content is None:
            self.misses += 1
            return None
        options = self.options_digest(spec)
        where = self._entry_path(content, options)
        index = self._read_entry(where, f"{content}-{options}")
        if index is not None and not _sound(index):
            _unlink(where)
            index = None
        if not isinstance(index, _Index):
            self.misses += 1
            return None
        st2 = os.stat(path)
        if (st2.st_size, st2.st_mtime_ns, st2.st_ctime_ns) != now_sig[:3]:
            self.misses += 1
            return None  # changed meanwhile
        if content != rec[1] or now_sig != rec[0]:
            self.pending_stats.append((path, now_sig, content))  # remember the new stat
        remember_hash((str(path), *now_sig), content)
        src = Source(index, path, (st.st_size, st.st_mtime_ns, st.st_ino))
        src.from_cache = True
        src.metric_matches.update(self._read_matches(self._match_path(content, options), f"{content}-{options}", index))
        self.matches.append((content, options, src, len(src.metric_matches)))
        self.hits += 1
        return src

    def _read_stat(self, path: Path) -> tuple[tuple, str, int] | None:
        try:
            text = self._stat_path(path).read_text(encoding="utf-8")
            lines = text.split("\n")
            if lines[0] != str(path):
                return None
            sig = tuple(int(x) for x in lines[1].split())
            return sig, lines[2], int(lines[3])
        except (OSError, ValueError, IndexError, UnicodeDecodeError):
            return None

    def _read_entry(self, where: Path, key: str) -> Any:
        try:
            with open(where, "rb") as f:
                data = f.read()
        except OSError:
            return None
        try:
            if not data.startswith(MAGIC):
                raise ValueError("not an index")
            head_end = data.index(b"\n", len(MAGIC))
            fields = data[len(MAGIC):head_end].decode("ascii").split()
            payload = memoryview(data)[head_end + 1:]
            if fields[0] != key or fields[1] != _digest(payload) or int(fields[2]) != len(payload):
                raise ValueError("checksum")
            return decode_index(payload)
        except Exception:  # a corrupt or foreign entry: ignored, removed, rebuilt
            try:
                os.unlink(where)
            except OSError:
                pass
            return None

    def _read_matches(self, where: Path, key: str, index: Any) -> dict:
        """The metric matches kept beside an entry, when the code that scored them is this one; else {}."""
        try:
            with open(where, "rb") as f:
                data = f.read()
        except OSError:
            return {}
        try:
            if not data.startswith(MATCH_MAGIC):
                raise ValueError("not a match file")
            head_end = data.index(b"\n", len(MATCH_MAGIC))
            fields = data[len(MATCH_MAGIC):head_end].decode("ascii").split()
            payload = memoryview(data)[head_end + 1:]
            if fields[0] != key or fields[2] != _digest(payload) or int(fields[3]) != len(payload):
                raise ValueError("checksum")
            if fields[1] != matcher_digest():
                return {}  # scored by other code: of no use, written again at the end of the run
            got = marshal.loads(payload)
            names = len(index.values[index.key_dims.index("metric")]) if "metric" in index.key_dims else 0
            if not isinstance(got, dict) or not all(
                    isinstance(k, tuple) and len(k) == 2 and isinstance(k[0], str) and isinstance(k[1], (int, float))
                    and isinstance(v, tuple) and all(isinstance(m, tuple) and len(m) == 2 and isinstance(m[0], int)
                                                     and 0 <= m[0] < names and isinstance(m[1], float) for m in v)
                    for k, v in got.items()):
                raise ValueError("shape")
            return got
        except Exception:  # corrupt: ignored, removed, written again
            _unlink(where)
            return {}

    # -- writing ----------------------------------------------------------------------------------
    def store(self, spec: Any, source: Any, hasher: Any) -> None:
        """Queue the index of ``source`` (just built from ``spec``'s file) to be written by flush()."""
        if source.index.aborted:
            return
        path = Path(spec.path).resolve()
        try:
            st = os.stat(path)
        except OSError:
            return
        if (st.st_size, st.st_mtime_ns, st.st_ino) != tuple(source.stat):
            return  # changed while it was read
        sig = _sig_of(path, st)
        if getattr(hasher, "pending", False):  # hashed by a thread: queued once it is done (see settle)
            _WAITING[sig] = hasher
            self.waiting.append((spec, source, sig, hasher))
            return
        if hasher is not None:
            content = self.content_of(hasher)
            remember_hash(sig, content)
        else:
            content = hash_file(path)
        self._queue(spec, source, path, content, sig)

    def _queue(self, spec: Any, source: Any, path: Path, content: str, sig: tuple) -> None:
        options = self.options_digest(spec)
        # encoded when written: lookups made meanwhile (factcheck._reference._Index.inverted) go with it
        self.pending.append((path, f"{content}-{options}", source.index, content, sig[1:]))
        self.matches.append((content, options, source, 0))

    def settle(self) -> None:
        """Queue the entries whose file a thread was hashing, once it is done (an entry whose file changed
        meanwhile, or could not be hashed, is not written)."""
        waiting, self.waiting = self.waiting, []
        for spec, source, sig, hasher in waiting:
            content = _waited(sig, hasher)
            if content is not None:
                self._queue(spec, source, Path(spec.path).resolve(), content, sig)

    def flush(self) -> int:
        """Write the queued entries; how many were written. Never raises."""
        self.settle()
        written = 0
        for path, key, index, content, sig in self.pending:
            content_hash, options = key.split("-")
            target = self._entry_path(content_hash, options)
            try:
                payload = index if isinstance(index, bytes) else encode_index(index)  # (ValueError: not marshallable)
                self._prepare()
                head = MAGIC + f"{key} {_digest(payload)} {len(payload)}\n".encode("ascii")
                _atomic_write(target, head + payload)
                old = self._read_stat(path)
                self._write_stat(path, sig, content)
                if old is not None and old[1] != content:  # the file changed: its old entry goes
                    _unlink(self._entry_path(old[1], options))
                    _unlink(self._match_path(old[1], options))
                written += 1
            except (OSError, ValueError):
                continue
        self.pending.clear()
        for path, sig, content in self.pending_stats:
            self._write_stat(path, sig, content)
        self.pending_stats.clear()
        for content, options, source, known in self.matches:
            if known < len(source.metric_matches) <= MAX_MATCHES:  # matches found in this run: kept for the next
                self._write_matches(content, options, source.metric_matches)
        self.matches.clear()
        return written

    def _write_matches(self, content: str, options: str, matches: dict) -> None:
        try:
            payload = marshal.dumps(matches, 0)
            self._prepare()
            head = MATCH_MAGIC + f"{content}-{options} {matcher_digest()} {_digest(payload)} {len(payload)}\n".encode("ascii")
            _atomic_write(self._match_path(content, options), head + payload)
        except (OSError, ValueError):
            pass

    def _write_stat(self, path: Path, sig: tuple, content: str) -> None:
        text = f"{path}\n{' '.join(str(x) for x in sig)}\n{content}\n{time.time_ns()}\n"
        try:
            self._prepare()
            _atomic_write(self._stat_path(path), text.encode("utf-8", "surrogateescape"))
        except OSError:
            pass

    def _prepare(self) -> None:
        """The folder, with its CACHEDIR.TAG and .gitignore."""
        if (self.folder / "CACHEDIR.TAG").exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", GITIGNORE)):
            p = self.folder / name
            if not p.exists():
                _atomic_write(p, text.encode("utf-8"))


# ---------------------------------------------------------------------------------------------- the format
# An entry's payload is marshal data (version 0, so that equal indexes give equal bytes): a tuple of the
# index's fields, in the order of _FIELDS, with every array as (typecode, bytes) and the period columns as
# their positions (the headers are parsed again).

_FIELDS = ("kind", "header", "header_line", "layout", "role_at", "dim_at", "period_cols", "dimensions", "alias_map",
           "key_dims", "values", "ids", "metas", "meta_ids", "run_entry", "run_off", "run_line", "run_len", "rows",
           "inv", "delimiter", "key_cols", "json_cols")


def encode_index(index: Any) -> bytes:
    def arr(a: array) -> tuple[str, bytes]:
        return (a.typecode, a.tobytes())

    out = []
    for name in _FIELDS:
        v = getattr(index, name)
        if name == "period_cols":
            v = [i for i, _ in v]
        elif name == "ids":
            v = [arr(a) for a in v]
        elif name in ("meta_ids", "run_entry", "run_off", "run_line", "run_len"):
            v = arr(v)
        elif name == "inv":
            v = {d: (arr(starts), arr(order)) for d, (starts, order) in v.items()}
        out.append(v)
    return marshal.dumps(tuple(out), 0)  # version 0: the same bytes for equal values (no references, no interning)


def decode_index(payload: Any) -> Any:
    """The index of an entry's payload; raises on data that is not one (see _sound too)."""
    from factcheck._periods import parse_period
    from factcheck._reference import _Index

    def arr(v: Any) -> array:
        tc, data = v
        if tc not in ("i", "q") or not isinstance(data, bytes):
            raise ValueError("not an array")
        a = array(tc)
        a.frombytes(data)
        return a

    got = marshal.loads(payload)
    if not isinstance(got, tuple) or len(got) != len(_FIELDS):
        raise ValueError("not an index")
    f = dict(zip(_FIELDS, got))
    f["period_cols"] = [(i, parse_period(f["header"][i])) for i in f["period_cols"]]
    f["ids"] = [arr(v) for v in f["ids"]]
    for name in ("meta_ids", "run_entry", "run_off", "run_line", "run_len"):
        f[name] = arr(f[name])
    f["inv"] = {d: (arr(a), arr(b)) for d, (a, b) in f["inv"].items()}
    return _Index(**f)


_MATCHER: list[str] = []


def matcher_digest() -> str:
    """A digest of the code that scores metric names (factcheck._matching's source, rapidfuzz's, which
    names its version, the Unicode tables): metric matches kept in the cache hold for this code only."""
    if not _MATCHER:
        import importlib.util
        import unicodedata

        parts = [unicodedata.unidata_version.encode(), repr(sys.version_info[:2]).encode()]
        for name in ("factcheck._matching", "rapidfuzz"):
            try:
                spec = importlib.util.find_spec(name)
                parts.append(Path(spec.origin).read_bytes())  # type: ignore[union-attr, arg-type]
            except Exception:  # no source to read: the matches are not kept
                parts.append(os.urandom(16))
        _MATCHER.append(_digest(b"\0".join(parts)))
    return _MATCHER[0]


def _sound(index: Any) -> bool:
    """The shape of an index read from the cache (a checksum vouches for the bytes, this for the code that
    wrote them)."""
    from factcheck._reference import _Index

    try:
        n = len(index.meta_ids)
        runs = len(index.run_entry)

        def within(a: array, top: int) -> bool:  # (our code writes no negative number)
            return not a or max(a) < top

        return (isinstance(index, _Index) and index.kind in ("csv", "rows") and isinstance(index.inv, dict)
                and isinstance(index.run_entry, array) and runs == len(index.run_off) == len(index.run_line)
                and (index.kind != "csv" or len(index.run_len) == runs)
                and (index.kind != "rows" or (isinstance(index.rows, list) and len(index.rows) == runs))
                and within(index.run_entry, n) and within(index.meta_ids, len(index.metas))
                and len(index.ids) == len(index.key_dims) == len(index.values)
                and all(len(ids) == n and within(ids, len(vals)) for ids, vals in zip(index.ids, index.values))
                and all(d in index.key_dims and len(starts) == len(index.values[index.key_dims.index(d)]) + 1
                        and len(order) == n for d, (starts, order) in index.inv.items())
                and isinstance(index.alias_map, dict) and isinstance(index.header, list)
                and all(0 <= j < len(index.header) for j in index.key_cols))
    except Exception:
        return False


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _atomic_write(target: Path, data: bytes) -> None:
    """Write ``data`` to a new file beside ``target``, then rename it over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".tmp-{os.getpid()}-{time.monotonic_ns()}-{os.urandom(4).hex()}.part"
    try:
        with open(tmp, "xb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ---------------------------------------------------------------------------------------------- a run's caches
_DISK = "__factcheck_disk_caches__"


def disk_cache_for(run_cache: dict | None, claims_path: Path) -> DiskCache:
    """The DiskCache of a claims file's project, one per folder in a run (kept in the run's cache dict)."""
    folder = cache_dir(claims_path)
    caches = run_cache.setdefault(_DISK, {}) if run_cache is not None else {}
    dc = caches.get(folder)
    if dc is None:
        dc = caches[folder] = DiskCache(folder)
    return dc


def flush(run_cache: dict | None) -> int:
    """Write every entry a run queued (call it when the run had no input problems)."""
    if not run_cache:
        return 0
    return sum(dc.flush() for dc in run_cache.get(_DISK, {}).values())


def settle(run_cache: dict | None) -> None:
    """Wait for the content hashes threads are computing (see DiskCache.settle): before a fork."""
    for dc in (run_cache or {}).get(_DISK, {}).values():
        dc.settle()


def take_pending(run_cache: dict | None) -> list:
    """The entries a run queued (to be written by another process's flush), taken out of it."""
    out = []
    for folder, dc in (run_cache or {}).get(_DISK, {}).items():
        dc.settle()
        if dc.pending or dc.pending_stats:
            pending = []
            for p, k, ix, c, s in dc.pending:
                try:
                    pending.append((p, k, encode_index(ix) if not isinstance(ix, bytes) else ix, c, s))
                except ValueError:  # not marshallable: not kept (a cache is never an error)
                    continue
            out.append((folder, pending, list(dc.pending_stats)))
            dc.pending.clear()
            dc.pending_stats.clear()
    return out


def adopt_pending(run_cache: dict, items: list) -> None:
    """Queue in this run the entries another process took (see take_pending)."""
    caches = run_cache.setdefault(_DISK, {})
    for folder, pending, stats in items:
        dc = caches.get(folder)
        if dc is None:
            dc = caches[folder] = DiskCache(folder)
        dc.pending.extend(pending)
        dc.pending_stats.extend(stats)
