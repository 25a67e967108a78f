"""An engine for big reference tables: DuckDB reads the file (the ``big`` extra, ``pip install
'factcheck-numbers[big]'``). Imported only on this path: ``--engine duckdb``, or ``--engine auto`` for a
file above factcheck._reference.BIG_FILE (or a Parquet file) without a cache entry, when duckdb is
installed.

The header, the column plan and every rule about cells stay the default engine's (factcheck._reference):
DuckDB only reads the table. The distinct key cells (dimension, metadata and alias columns) in order of
first appearance make the same entries and alias map as the default engine's index; the rows of the
series a claims file needs are then selected in DuckDB and turned into observations by the same code.
So the verdicts, values, rows and problems are the default engine's.

A CSV file is read with every column as text (``all_varchar``), in strict mode. Row numbers are lines:
a row's line is the header's last line plus its position, which holds when every line after the header
is exactly one record; this is checked (the count of records against the count of line ends). A file
where it does not hold (a quoted line break, a blank line) or that DuckDB refuses (a row with another
number of fields, bytes that are not UTF-8) is read by the default engine instead, which reports such
rows as it always does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from factcheck._errors import InputError, Problem
from factcheck._reference import (
    ProgressFn,
    ReferenceSpec,
    Source,
    _Abort,
    _claims_pos,
    _csv_rows,
    _Loader,
    _Problems,
    _scale_of,
    _stat,
)


def open_duckdb_source(spec: ReferenceSpec, *, progress: ProgressFn | None = None, required: bool = False) -> Source | None:
    """A Source read by DuckDB, or None when this file is better read by the default engine."""
    try:
        import duckdb
    except ImportError:
        if required:
            raise InputError(Problem(*_claims_pos(spec), "the duckdb engine needs the optional extra: pip install 'factcheck-numbers[big]'")) from None
        return None
    path = spec.path
    suffix = path.suffix.lower()
    if suffix == ".json":
        return None
    display = spec.display_path or str(path)
    problems = _Problems(display)
    layout = (spec.layout or "auto").strip().lower()
    decimal = spec.decimal or "."
    entry_scale = _scale_of(spec.scale) if spec.scale is not None else (1.0, "")
    st = _stat(path)
    parquet = suffix in (".parquet", ".pq")
    con = duckdb.connect()
    if progress is not None:
        progress(f"reading {display} (duckdb)", 0, None)
    try:
        if parquet:
            try:
                con.execute("CREATE TEMP TABLE t AS SELECT * FROM read_parquet(?)", [str(path)])
            except Exception as e:  # duckdb raises its own error types
                problems.add(0, 0, f"not a readable Parquet file ({(str(e).splitlines() or [type(e).__name__])[0]})")
                problems.raise_if_any()
            header = [d[0] for d in con.execute("SELECT * FROM t LIMIT 0").description]
            header_line, first_line = 0, 1
            cols = ['"' + h.replace('"', '""') + '"' for h in header]
        else:
            try:
                head = _csv_rows(path, display, problems, suffix == ".tsv")
            except _Abort:
                problems.raise_if_any()
                raise AssertionError("unreachable") from None  # pragma: no cover
            head.close()
            header, header_line, delimiter = head.header, head.header_line, head.delimiter
            first_line = head.consumed + 1
            n = len(header)
            cols = [f"c{i}" for i in range(n)]
            columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n)) + "}"
            try:
                con.execute(
                    f"CREATE TEMP TABLE t AS SELECT * FROM read_csv(?, header=false, skip={head.consumed}, "
                    f"delim=?, quote='\"', escape='\"', all_varchar=true, auto_detect=false, columns={columns}, "
                    "strict_mode=true, null_padding=false)", [str(path), delimiter])
            except Exception:
                return None  # a row DuckDB refuses: the default engine says which
            records = con.execute("SELECT count(*) FROM t").fetchone()[0]
            if records != _line_count(path, head.consumed):
                return None  # a quoted line break or a blank line: rows are not lines
        loader = _Loader(spec, display, problems, header, header_line, layout, decimal, entry_scale or (1.0, ""), None)
        loader.plan()
        problems.raise_if_any()
        loader.prepare()
        cell = _parquet_cell if parquet else _csv_cell
        key_idx = loader.key_idx
        typed: dict[int, list[tuple]] = {}  # entry -> its key cells as DuckDB holds them
        if key_idx:
            key_cols = ", ".join(cols[i] for i in key_idx)
            firsts = con.execute(f"SELECT {key_cols}, min(rowid) AS __r FROM t GROUP BY ALL ORDER BY __r").fetchall()
            for rec in firsts:
                e = loader.entry_of(tuple(cell(v) for v in rec[:-1]))
                typed.setdefault(e, []).append(rec[:-1])
        elif con.execute("SELECT count(*) FROM t").fetchone()[0]:
            loader.entry_of(())
        index = loader.index()
        index.kind = "duckdb"
        if progress is not None:
            progress(f"reading {display} (duckdb)", 1, 1)
        src = DuckSource(index, path, st)
        src.attach(con, cols, loader, cell, first_line, typed)
        con = None  # kept by the source
        return src
    finally:
        if con is not None:
            con.close()


def _csv_cell(v: Any) -> str:
    return "" if v is None else v


def _parquet_cell(v: Any) -> str:
    # as factcheck._reference._parquet_rows writes a Parquet value
    if v is None:
        return ""
    if isinstance(v, float) and v != v:
        return ""
    return str(v)


def _line_count(path: Path, skip: int) -> int:
    """Lines after the first ``skip`` (a last line without a line end counts)."""
    n = 0
    last = b"\n"
    with open(path, "rb") as f:
        while True:
            block = f.read(8 << 20)
            if not block:
                break
            n += block.count(b"\n")
            last = block[-1:]
    if last != b"\n":
        n += 1
    return max(0, n - skip)


class DuckSource(Source):
    """A Source whose rows DuckDB selects: those of the entries asked for, in file order."""

    def attach(self, con: Any, cols: list[str], loader: _Loader, cell: Any, first_line: int,
               typed: dict[int, list[tuple]]) -> None:
        self._con = con
        self._cols = cols
        self._key_idx = loader.key_idx
        self._keyget = loader.keyget
        self._entry_of_cells = loader._by_cells
        self._cell = cell
        self._first_line = first_line
        self._typed = typed

    def runs_of(self, entries: Iterable[int]) -> Iterator[tuple[int, int, int, int, list[list[str]]]]:
        entries = list(entries)
        if not entries:
            return iter(())
        con, cols = self._con, self._cols
        if not self._key_idx:
            res = con.execute("SELECT rowid, * FROM t ORDER BY rowid")
        else:
            keys = [cols[j] for j in self._key_idx]
            con.execute(f"CREATE OR REPLACE TEMP TABLE w AS SELECT {', '.join(keys)} FROM t LIMIT 0")
            wanted = [k for e in entries for k in self._typed.get(e, ())]
            con.executemany(f"INSERT INTO w VALUES ({', '.join('?' * len(keys))})", wanted)
            on = " AND ".join(f"t.{c} IS NOT DISTINCT FROM w.{c}" for c in keys)
            res = con.execute(f"SELECT t.rowid, t.* FROM t SEMI JOIN w ON {on} ORDER BY t.rowid")
        return self._rows(res, self._cell, self._first_line)

    def _rows(self, res: Any, cell: Any, first: int) -> Iterator[tuple[int, int, int, int, list[list[str]]]]:
        keyget = self._keyget
        by_cells = self._entry_of_cells
        while True:
            batch = res.fetchmany(10_000)
            if not batch:
                break
            for rec in batch:
                row = [cell(v) for v in rec[1:]]
                e = by_cells.get(keyget(row))
                if e is None:  # pragma: no cover - a Parquet value that did not round-trip through text
                    continue
                yield e, rec[0], 1, first + rec[0], [row]

