"""The replay cache: a `factcheck check` run whose inputs have not changed prints what the last such run
printed, byte for byte, and exits with its exit code, before typer, rich or any checking code is imported.

Stdlib only (os, sys, marshal; zlib, and _hashlib only when a file must be hashed): the entry point
(:mod:`factcheck._entry`) imports this module first; the typer CLI imports it only to store.

Key
    Everything that can change what a run prints, known before any file is parsed: the cache format,
    ``factcheck.__version__``, the Python (version, executable, ``sys.flags``), the raw ``sys.argv``, the
    working folder, the environment variables that change output or behaviour (``NO_COLOR``,
    ``FORCE_COLOR``, ``COLUMNS``, ``LINES``, ``TERM`` and the others rich, typer and the github format read,
    every ``FACTCHECK*``, ``LC_*`` and ``PYTHON*`` variable but the few that change nothing printed, such
    as ``PYTHONDONTWRITEBYTECODE``), which of stdin, stdout and stderr are
    terminals and the size of those that are, and the encoding of stdout and stderr. The entry is named
    by a checksum of that and holds it whole, compared on lookup. The entry also holds a stamp of the
    code (name, size and mtime of every file of the factcheck package, mtime of each site-packages
    folder on ``sys.path``), so an edited or upgraded factcheck or library is never replayed over.
Dependencies
    Each claims file checked, each reference file and document its report depended on, the ``--config``
    file, and every path the configuration search looked at (``factcheck.toml``, ``pyproject.toml``,
    ``.git`` in each folder upwards), with whether it existed: one that now exists where none did, or no
    longer exists, is a miss. A file is recorded with its size, mtime, ctime, inode, content hash
    (SHA-256) and the time recorded; on lookup a file whose stat changed, or that was changed within
    2 s (``RACY_NS``) before the record, is hashed again and must match (the entry is then rewritten
    with the new stat, once the file is old enough to be trusted). A folder given as a claims path is
    recorded as the search for claims files walked it (:func:`folder_records`): each folder it went
    into with its mtime and a hash of its listing (compared as a file's content is, when its mtime
    changed or is recent), and each file there with a claims file's suffix, claims file or not, as a
    file (its content decides whether it is one); an entry of that suffix that is no plain file must
    still be none.
Where
    ``replay/<name>.bin`` in ``FACTCHECK_CACHE_DIR`` when set, else in ``.factcheck_cache/`` of the
    working folder's project (the nearest folder upwards with ``pyproject.toml``, ``factcheck.toml`` or
    ``.git``, else the working folder itself). At most ``MAX_ENTRIES`` are kept (the oldest go).
Not stored
    With ``--no-cache`` (nor read then) or ``FACTCHECK_NO_REPLAY`` set; with ``-o/--output``; when the run
    did not come through the entry point (``factcheck.cli`` imported directly); when input problems were
    found; when a claims path is neither a plain file nor a folder that can be walked; when the format had
    side effects (``--format github`` with ``GITHUB_STEP_SUMMARY`` set); when a progress bar was shown;
    when anything else was written to stdout, or anything at all to stderr; when a dependency changed
    after the run began (its ctime is within ``GUARD_NS`` of the start or later: the run may have read
    the old content).
Safety
    Any error while reading an entry (corrupt, truncated, foreign, unreadable folder) is a miss, never a
    crash: the normal CLI runs, and bad input is reported there. Entries are written atomically (a
    temporary file, then ``os.replace``); the output's length and CRC-32 are checked before it is written.
"""


import marshal
import os
import sys

FORMAT = 2  # 2: SHA-256 content hashes (1: blake2b)
MAGIC = b"factcheck-replay\n"
RACY_NS = 2_000_000_000  # a file changed this close before its record is always hashed again
GUARD_NS = 100_000_000  # a dependency changed this close to the run's start, or later, stores nothing
MAX_ENTRIES = 64
CACHE_DIR_NAME = ".factcheck_cache"
ENV_DIR = "FACTCHECK_CACHE_DIR"
ENV_OFF = "FACTCHECK_NO_REPLAY"  # set (not "" or "0"): neither read nor write the replay cache
_ROOT_MARKERS = ("pyproject.toml", "factcheck.toml", ".git")
_HEAD_LEN = 8  # bytes: the header's length, little-endian, after MAGIC

# environment variables read by factcheck (cli.py, output/github.py, _run.py, _cache.py), rich, typer
# and shutil.get_terminal_size; and every one whose name starts with a prefix below
ENV_NAMES = frozenset({
    "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TERM", "COLORTERM", "TERM_PROGRAM", "TERMINAL_WIDTH",
    "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES", "PY_COLORS", "CLICOLOR",
    "CLICOLOR_FORCE", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "DATABRICKS_RUNTIME_VERSION", "LANG",
    "LANGUAGE",
})
ENV_PREFIXES = ("FACTCHECK", "_FACTCHECK", "PYTHON", "TYPER", "_TYPER", "LC_")
ENV_IGNORED = frozenset({  # PYTHON* variables that change nothing a run prints or does
    "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONUNBUFFERED", "PYTHONPROFILEIMPORTTIME",
})
# sys.flags that can change what a run does (dont_write_bytecode, verbose and quiet cannot)
_FLAGS = ("debug", "inspect", "interactive", "optimize", "no_user_site", "no_site", "ignore_environment",
          "bytes_warning", "hash_randomization", "isolated", "dev_mode", "utf8_mode", "warn_default_encoding",
          "safe_path", "int_max_str_digits")


class Invocation:
    """What names and keys a run's entry: see the module's docstring."""

    __slots__ = ("material", "path", "folder", "start_ns")

    def __init__(self, material: bytes, folder: str, start_ns: int):
        import zlib

        self.material = material
        self.folder = folder
        name = f"{zlib.crc32(material):08x}{zlib.adler32(material):08x}{len(material):x}"
        self.path = os.path.join(folder, "replay", name + ".bin")
        self.start_ns = start_ns


def invocation(argv: list[str] | None = None) -> Invocation | None:
    """The key of this process's run (None without stderr, or a stdout with bytes under it to replay into)."""
    import time

    start_ns = time.time_ns()
    if sys.stderr is None or getattr(sys.stdout, "buffer", None) is None:
        return None
    from factcheck import __version__

    argv = list(sys.argv if argv is None else argv)
    cwd = os.getcwd()
    env = sorted((k, v) for k, v in os.environ.items()
                 if (k in ENV_NAMES or k.startswith(ENV_PREFIXES)) and k not in ENV_IGNORED)
    ttys = []
    for fd in (0, 1, 2):
        try:
            tty = os.isatty(fd)
            ttys.append((fd, tuple(os.get_terminal_size(fd)) if tty else None))
        except OSError:
            ttys.append((fd, "?"))
    streams = [(getattr(s, "encoding", None), getattr(s, "errors", None)) for s in (sys.stdout, sys.stderr)]
    flags = [getattr(sys.flags, f, None) for f in _FLAGS]
    what = (FORMAT, __version__, sys.version, sys.executable, flags, argv, cwd, env, ttys, streams)
    material = repr(what).encode("utf-8", "surrogateescape")
    return Invocation(material, cache_folder(cwd), start_ns)


def cache_folder(cwd: str) -> str:
    """``FACTCHECK_CACHE_DIR``, else ``.factcheck_cache`` in the working folder's project."""
    env = os.environ.get(ENV_DIR)
    if env:
        return os.path.join(cwd, env)
    folder = cwd
    while True:
        if any(os.path.exists(os.path.join(folder, m)) for m in _ROOT_MARKERS):
            return os.path.join(folder, CACHE_DIR_NAME)
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.join(cwd, CACHE_DIR_NAME)
        folder = parent


_STAMP: list[tuple] = []


def tool_stamp() -> tuple:
    """Name, size and mtime of every file of the factcheck package, and the mtime of each site-packages
    folder on sys.path (installing, removing or upgrading a library changes it). Taken once a process:
    it stands for the code this process runs (a folder of 500 claims files asks for it 1,000 times)."""
    if not _STAMP:
        _STAMP.append(_tool_stamp())
    return _STAMP[0]


def _tool_stamp() -> tuple:
    here = os.path.dirname(os.path.abspath(__file__))
    out = []
    stack = [here]
    while stack:
        with os.scandir(stack.pop()) as it:
            for e in it:
                if e.name == "__pycache__" or e.name.startswith("."):
                    continue
                if e.is_dir():
                    stack.append(e.path)
                else:
                    st = e.stat()
                    out.append((e.path, st.st_size, st.st_mtime_ns))
    out.sort()
    for p in sys.path:
        if p.endswith(("site-packages", "dist-packages")):
            try:
                out.append((p, os.stat(p).st_mtime_ns))
            except OSError:
                pass
    return tuple(out)


def enabled(argv: list[str]) -> bool:
    """Whether this command line may be replayed or stored: `check`, without --no-cache or FACTCHECK_NO_REPLAY."""
    return (len(argv) > 1 and argv[1] == "check" and "--no-cache" not in argv
            and os.environ.get(ENV_OFF, "") in ("", "0"))


# ---------------------------------------------------------------------------------------------- lookup


def lookup(inv: Invocation) -> tuple[int, memoryview] | None:
    """The exit code and stdout bytes of the entry for ``inv``, or None when there is none, it is
    unreadable, or any dependency changed."""
    try:
        with open(inv.path, "rb", buffering=0) as f:
            data = f.readall()
        if not data.startswith(MAGIC):
            return None
        view = memoryview(data)  # slices of it are not copies
        at = len(MAGIC) + _HEAD_LEN
        head_len = int.from_bytes(view[len(MAGIC):at], "little")
        head = marshal.loads(view[at:at + head_len])
        fmt, material, tool, code, deps, size, crc = head
        if fmt != FORMAT or material != inv.material or type(code) is not int:
            return None
        out = view[at + head_len:]
        if len(out) != size:
            return None
        if tool != tool_stamp():
            return None
        refreshed = []
        for rec in deps:
            ok = _verify(rec, refreshed)
            if not ok:
                return None
        import zlib

        if zlib.crc32(out) != crc:
            return None
        if refreshed:
            _refresh(inv, head, deps, refreshed, out)
        return code, out
    except Exception:  # noqa: BLE001 - a broken entry is a miss, never a crash
        return None


def _verify(rec: tuple, refreshed: list) -> bool:
    kind, path = rec[0], rec[1]
    if kind == "absent":
        return not os.path.lexists(path)
    if kind == "exists":
        return os.path.exists(path)
    if kind == "notfile":
        return not os.path.isfile(path)
    if kind == "dir":
        return _verify_folder(rec, refreshed)
    if kind != "file":
        return False
    _, _, size, mtime, ctime, ino, digest, recorded = rec
    try:
        st = os.stat(path)
    except OSError:
        return False
    if (st.st_mode & 0o170000) != 0o100000 or st.st_size != size:
        return False
    if (st.st_mtime_ns, st.st_ctime_ns, st.st_ino) == (mtime, ctime, ino) and recorded - max(mtime, ctime) > RACY_NS:
        return True  # unchanged since it was hashed
    if hash_file(path) != digest:
        return False
    refreshed.append((path, st))
    return True


def _verify_folder(rec: tuple, refreshed: list) -> bool:
    _, path, mtime, listing, recorded = rec
    try:
        st = os.stat(path)
    except OSError:
        return False
    if (st.st_mode & 0o170000) != 0o040000:
        return False
    if st.st_mtime_ns == mtime and recorded - mtime > RACY_NS:
        return True  # no entry added, removed or renamed since it was listed
    if _listing(path) != listing:
        return False
    refreshed.append((path, st))
    return True


def _listing(folder: str) -> str:
    """A hash of the names in a folder ("": it cannot be listed)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return ""
    return _sha256("\0".join(names).encode("utf-8", "surrogateescape")).hexdigest()[:40]


def _sha256(data: bytes = b""):
    """A SHA-256 hasher fed ``data`` (hashlib's OpenSSL one, imported without hashlib when it can be)."""
    try:
        from _hashlib import openssl_sha256 as sha256
    except ImportError:  # pragma: no cover - a Python built without OpenSSL
        from hashlib import sha256
    return sha256(data)


def folder_records(root: str, suffixes: tuple[str, ...]) -> tuple[list[str], list[str], list[str]] | None:
    """What the search for claims files in folder ``root`` depends on (factcheck._claims.find_claims_files
    walks it with ``Path.rglob``): (the folders it goes into, the files with one of ``suffixes``, the
    other entries with one), or None when a folder cannot be listed.

    As rglob, the walk does not follow a symbolic link to a folder; it leaves out the folders whose files
    the search leaves out (below ``root``, one named ``data`` or starting with a dot: what changes in
    them, such as a cache folder, changes nothing found). A new folder or entry anywhere else changes
    the listing of a folder walked."""
    folders: list[str] = []
    files: list[str] = []
    others: list[str] = []
    stack = [root]
    try:
        while stack:
            folder = stack.pop()
            folders.append(folder)
            with os.scandir(folder) as it:
                entries = list(it)
            for e in entries:
                try:
                    walk = e.is_dir() and not e.is_symlink()
                except OSError:
                    walk = False
                if walk:
                    if not (e.name.startswith(".") or e.name == "data"):
                        stack.append(e.path)
                elif os.path.splitext(e.name)[1].lower() in suffixes:
                    (files if os.path.isfile(e.path) else others).append(e.path)
    except OSError:
        return None
    return folders, files, others


def _refresh(inv: Invocation, head: tuple, deps: tuple, refreshed: list, out: bytes) -> None:
    """Rewrite the entry with the new stat of files that were hashed again and matched, once they are old
    enough to be trusted by their stat, so the next lookup need not hash them."""
    import time

    now = time.time_ns()
    new_stat = {p: st for p, st in refreshed if now - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS}
    if not new_stat:
        return
    recs = []
    for rec in deps:
        st = new_stat.get(rec[1]) if rec[0] in ("file", "dir") else None
        if st is not None and rec[0] == "file":
            rec = ("file", rec[1], st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, rec[6], now)
        elif st is not None:
            rec = ("dir", rec[1], st.st_mtime_ns, rec[3], now)
        recs.append(rec)
    fmt, material, tool, code, _, size, crc = head
    try:
        _write_entry(inv.path, (fmt, material, tool, code, tuple(recs), size, crc), out)
    except OSError:
        pass


def hash_file(path: str) -> str:
    """The content hash of a file: SHA-256, hex, its first 40 digits, as factcheck._cache.hash_file gives
    it; when that module is loaded (a run that checked files, storing its output), through it: a
    reference file the run hashed while indexing it is not read again."""
    cache = sys.modules.get("factcheck._cache")
    if cache is not None:
        return cache.hash_file(path)
    h = _sha256()
    with open(path, "rb", buffering=0) as f:
        while True:
            block = f.read(1 << 20)
            if not block:
                break
            h.update(block)
    return h.hexdigest()[:40]


# ---------------------------------------------------------------------------------------------- the entry point


class _Watched:
    """A text stream that counts the characters written through it (the rest is the stream's own)."""

    def __init__(self, stream):
        self._stream = stream
        self.chars = 0

    def write(self, text):
        n = self._stream.write(text)
        self.chars += len(text)
        return n

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._stream, name)


_ARMED: dict = {}


def serve(argv: list[str] | None = None) -> int | None:
    """Write the stored output of this run and return its exit code; or None (a miss), after arming
    :func:`remember` for the normal run that follows."""
    argv = list(sys.argv if argv is None else argv)
    if not enabled(argv):
        return None
    try:
        inv = invocation(argv)
    except Exception:  # noqa: BLE001 - no key, no replay
        return None
    if inv is None:
        return None
    hit = lookup(inv)
    if hit is None:
        _arm(inv)
        return None
    code, out = hit
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    except OSError:  # stdout closed early (e.g. `| head`): as the normal run, exit 2
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 2
    return code


def _arm(inv: Invocation) -> None:
    _ARMED.clear()
    _ARMED.update(inv=inv, out=_Watched(sys.stdout), err=_Watched(sys.stderr))
    sys.stdout, sys.stderr = _ARMED["out"], _ARMED["err"]


def disarm() -> None:
    """Put stdout and stderr back and forget the run (the entry point calls it when the CLI is done)."""
    out, err = _ARMED.get("out"), _ARMED.get("err")
    if out is not None and sys.stdout is out:
        sys.stdout = out._stream
    if err is not None and sys.stderr is err:
        sys.stderr = err._stream
    _ARMED.clear()


def armed() -> bool:
    return "inv" in _ARMED


# ---------------------------------------------------------------------------------------------- storing


def remember(text: str, code: int, files, probes=(), suffixes: tuple[str, ...] = ()) -> bool:
    """Store ``text`` (all this run printed) and ``code`` for the armed run; whether it was stored.

    ``files``: every file the output depended on (the claims files, their reference files and documents,
    the configuration file); each must be a plain file, or a folder searched for claims files with
    ``suffixes`` (see :func:`folder_records`; with no suffixes, a folder stores nothing). ``probes``:
    ``(path, existed)`` for every path the configuration search looked at. Does nothing when the run was
    not armed by :func:`serve`, or when anything but ``text`` went to stdout, or anything to stderr.
    Never raises.
    """
    inv, out, err = _ARMED.get("inv"), _ARMED.get("out"), _ARMED.get("err")
    _ARMED.pop("inv", None)  # once
    if inv is None:
        return False
    try:
        if sys.stdout is not out or sys.stderr is not err or out.chars != len(text) or err.chars:
            return False
        data = text.encode(out.encoding or "utf-8", out.errors or "strict")
        deps = _records(inv, files, probes, suffixes)
        if deps is None:
            return False
        import zlib

        head = (FORMAT, inv.material, tool_stamp(), int(code), deps, len(data), zlib.crc32(data))
        _write_entry(inv.path, head, data)
        _ensure_tags(inv.folder)
        _prune(os.path.dirname(inv.path))
        return True
    except Exception:  # noqa: BLE001 - a cache that cannot be written is simply not written
        return False


def _records(inv: Invocation, files, probes, suffixes: tuple[str, ...] = ()) -> tuple | None:
    """The dependency records, or None when one cannot be trusted (see the module's docstring)."""
    import time

    checks = []
    folders: list[str] = []
    given, files = files, []
    for path in (os.path.abspath(os.fspath(f)) for f in given):
        if not os.path.isdir(path):
            files.append(path)
            continue
        walked = folder_records(path, suffixes) if suffixes else None
        if walked is None:
            return None  # a folder whose listing is not recorded can change
        folders.extend(walked[0])
        files.extend(walked[1])
        checks.extend(("notfile", p) for p in walked[2])
    for folder in dict.fromkeys(folders):
        st = os.stat(folder)
        if st.st_mtime_ns > inv.start_ns - GUARD_NS:
            return None  # an entry was added, removed or renamed while the run searched it, perhaps
        listing = _listing(folder)
        if os.stat(folder).st_mtime_ns != st.st_mtime_ns or not listing:
            return None
        checks.append(("dir", folder, st.st_mtime_ns, listing, time.time_ns()))
    for p, existed in probes:
        path = os.path.abspath(os.fspath(p))
        if existed and os.path.basename(path) != ".git":
            files.append(path)  # a configuration file: its content counts
        elif existed:
            checks.append(("exists", path))
        else:
            checks.append(("absent", path))
    recs = []
    seen = set()
    for path in files:
        if path in seen:
            continue
        seen.add(path)
        st = os.stat(path)
        if (st.st_mode & 0o170000) != 0o100000:
            return None  # a folder (its listing can change), or no plain file
        if max(st.st_mtime_ns, st.st_ctime_ns) > inv.start_ns - GUARD_NS:
            return None  # changed while the run read it, perhaps
        digest = hash_file(path)
        st2 = os.stat(path)
        if (st2.st_size, st2.st_mtime_ns, st2.st_ctime_ns, st2.st_ino) != (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino):
            return None
        recs.append(("file", path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, digest, time.time_ns()))
    for rec in checks:
        if rec[1] in seen:
            continue
        seen.add(rec[1])
        if not _verify(rec, []):
            return None  # not as the search saw it any more
        recs.append(rec)
    return tuple(recs)


def _write_entry(target: str, head: tuple, data: bytes) -> None:
    blob = marshal.dumps(head)
    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".tmp-{os.getpid()}-{os.urandom(6).hex()}.part")
    try:
        with open(tmp, "xb") as f:
            f.write(MAGIC + len(blob).to_bytes(_HEAD_LEN, "little") + blob)
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _ensure_tags(folder: str) -> None:
    from pathlib import Path

    from factcheck._report_cache import _ensure_tags as tags

    tags(Path(folder))


def _prune(folder: str) -> None:
    """Keep the newest MAX_ENTRIES entries (by the time they were written)."""
    try:
        entries = [e for e in os.scandir(folder) if e.name.endswith(".bin")]
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort(key=lambda e: e.stat().st_mtime_ns, reverse=True)
        for e in entries[MAX_ENTRIES:]:
            try:
                os.unlink(e.path)
            except OSError:
                pass
    except OSError:
        pass
