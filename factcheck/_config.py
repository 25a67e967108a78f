"""The configuration file: `factcheck.toml`, or `[tool.factcheck]` in `pyproject.toml`.

:func:`find_config` walks up from a claims file's folder, as ruff does: in each folder a
``factcheck.toml`` (whatever it holds) wins, then a ``pyproject.toml`` with a ``[tool.factcheck]`` table;
the walk stops at the filesystem root, or at a folder holding ``.git`` once that folder is checked.
:func:`load_config` reads one file into a frozen :class:`Config`; every unknown key, wrong type or bad
value is an :class:`~factcheck._errors.InputError` with the line and column of its key.
:meth:`Config.merge` lays command-line values over it (the claims file's own ``defaults.hedges`` wins
over the configuration when the claims file is loaded).

```toml
# factcheck.toml (the same keys go under [tool.factcheck] in pyproject.toml)
fail_on = "warning"            # error | warning | info | never
select = ["R", "C1", "D201"]   # codes or code prefixes; empty: every code
ignore = ["D203"]
hedges = {about = "10%", nearly = "10%"}
match_threshold = 60           # 0-100: the lowest metric score that matches
ambiguity_margin = 3           # points: two series closer than this are ambiguous
c102_threshold = 1.5           # > 1: the C102 warning ratio
quote_threshold = 85           # 0-100: the lowest quote match that finds a quote
paths = ["claims"]             # what `factcheck check` checks without arguments (relative to this file)
format = "text"                # the default output format
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from factcheck._claims import Settings, _did_you_mean, _fraction, _TomlPositions, read_text
from factcheck._errors import InputError, Problem

CONFIG_NAME = "factcheck.toml"
PYPROJECT = "pyproject.toml"
FAIL_ON = ("error", "warning", "info", "never")
HEDGES = ("about", "nearly")
_DEFAULTS = Settings()


@dataclass(frozen=True)
class Config:
    """Settings from a configuration file (or the defaults), before the command line."""

    path: Path | None = None  # the file it came from; None: the defaults
    fail_on: str = "error"
    select: tuple[str, ...] = ()  # codes or prefixes ("D2"); empty: every code
    ignore: tuple[str, ...] = ()
    hedges: dict[str, float] = field(default_factory=lambda: dict(_DEFAULTS.hedges))  # fractions
    match_threshold: float = _DEFAULTS.match_threshold
    ambiguity_margin: float = _DEFAULTS.ambiguity_margin
    c102_threshold: float = _DEFAULTS.c102_threshold
    quote_threshold: float = _DEFAULTS.quote_threshold
    paths: tuple[Path, ...] = ()  # relative to the configuration file's folder, joined to it
    format: str | None = None

    def merge(self, cli_overrides: dict[str, Any]) -> Config:
        """A copy with command-line values laid over: a value of None (or an empty list) is "not given".

        Keys are the field names; values are checked as in the file (``InputError`` naming the option
        otherwise). ``hedges`` merge key by key; ``paths`` stay as given (relative to the working folder).
        """
        changes: dict[str, Any] = {}
        problems: list[Problem] = []
        for key, value in cli_overrides.items():
            if key not in _CHECKS:
                raise TypeError(f"Config.merge: unknown setting '{key}'")
            value = getattr(value, "value", value)  # an Enum from the command line
            if value is None or (isinstance(value, (list, tuple)) and not value):
                continue
            if isinstance(value, tuple):
                value = list(value)
            if key == "paths":
                changes[key] = tuple(Path(p) for p in value)
                continue
            try:
                value = _CHECKS[key](value)
            except _Bad as e:
                problems.append(Problem("command line", 0, 0, f"{key.replace('_', '-')}: {e}"))
                continue
            changes[key] = {**self.hedges, **value} if key == "hedges" else value
        if problems:
            raise InputError(problems)
        return replace(self, **changes)

    def settings(self) -> Settings:
        """The knobs the claims loader and the engine take."""
        return Settings(hedges=dict(self.hedges), match_threshold=self.match_threshold,
                        ambiguity_margin=self.ambiguity_margin, c102_threshold=self.c102_threshold,
                        quote_threshold=self.quote_threshold)

    def check_options(self, **extra: Any):
        """A :class:`factcheck._run.CheckOptions` for these settings (``extra``: e.g. ``coverage=True``)."""
        from factcheck._run import CheckOptions

        return CheckOptions(fail_on=self.fail_on, settings=self.settings(), select=frozenset(self.select),
                            ignore=frozenset(self.ignore), **extra)


# --------------------------------------------------------------------------- finding the file


def find_config(start: Path, seen: list | None = None) -> Path | None:
    """The configuration file that governs ``start`` (a claims file or a folder), or None.

    ``seen``, when given, gets ``(path, existed)`` for every path looked at, in order (what the replay
    cache checks: a configuration file created later must be noticed)."""
    start = Path(start).resolve()
    folder = start if start.is_dir() else start.parent

    def look(path: Path, there: bool) -> bool:
        if seen is not None:
            seen.append((path, there))
        return there

    for d in (folder, *folder.parents):
        candidate = d / CONFIG_NAME
        if look(candidate, candidate.is_file()):
            return candidate
        candidate = d / PYPROJECT
        if look(candidate, candidate.is_file()) and _has_table(candidate):
            return candidate
        if look(d / ".git", (d / ".git").exists()):
            return None
    return None


def discover_config(paths: Sequence[Path] = (), cwd: Path | None = None, seen: list | None = None) -> Config:
    """The configuration for a run over ``paths``: found from the first of them (else the working folder).
    ``seen``: see :func:`find_config`."""
    start = Path(paths[0]) if paths else (cwd or Path.cwd())
    found = find_config(start, seen)
    return load_config(found) if found is not None else Config()


_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*factcheck\s*[\].]", re.M)


def _has_table(pyproject: Path) -> bool:
    import tomllib

    try:
        text = pyproject.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return bool(_TABLE.search(text))  # broken, but ours: load_config will say where
    tool = data.get("tool")
    return isinstance(tool, dict) and isinstance(tool.get("factcheck"), dict)


# --------------------------------------------------------------------------- reading the file


class _Bad(ValueError):
    """A value that is not allowed; the message says why."""


def _number(low: float | None = None, high: float | None = None, above: float | None = None):
    def check(v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise _Bad(f"expected a number, got {_type(v)}")
        if (low is not None and v < low) or (high is not None and v > high) or (above is not None and v <= above):
            if above is not None:
                raise _Bad(f"must be greater than {above:g}, got {v!r}")
            if high is None:
                raise _Bad(f"must be at least {low:g}, got {v!r}")
            raise _Bad(f"must be between {low:g} and {high:g}, got {v!r}")
        return float(v)

    return check


def _choice(options: Sequence[str]):
    def check(v: Any) -> str:
        if not isinstance(v, str):
            raise _Bad(f"expected a string, got {_type(v)}")
        if v not in options:
            raise _Bad(f"'{v}' is not one of {', '.join(options)}{_did_you_mean(v, list(options))}")
        return v

    return check


def _codes(v: Any) -> tuple[str, ...]:
    from factcheck._rules import RULES

    if not isinstance(v, list):
        raise _Bad(f"expected a list of codes like [\"R101\", \"D2\"], got {_type(v)}")
    out = []
    for item in v:
        if not isinstance(item, str):
            raise _Bad(f"expected codes as strings, got {_type(item)}")
        code = item.strip().upper()
        if not code or not any(r.code.startswith(code) for r in RULES):
            raise _Bad(f"'{item}' is not a finding code or a prefix of one"
                       f"{_did_you_mean(code, [r.code for r in RULES])}")
        out.append(code)
    return tuple(out)


def _hedges(v: Any) -> dict[str, float]:
    if not isinstance(v, dict):
        raise _Bad(f"expected a table like {{about = \"10%\", nearly = \"10%\"}}, got {_type(v)}")
    out = {}
    for k, x in v.items():
        if k not in HEDGES:
            raise _Bad(f"unknown hedge '{k}' (one of {', '.join(HEDGES)}){_did_you_mean(k, list(HEDGES))}")
        frac = _hedge_width(x)
        if frac is None:
            raise _Bad(f"hedge width for '{k}' must be a percentage like \"10%\", got {x!r}")
        out[k] = frac
    return out


def _hedge_width(x: Any) -> float | None:
    """``"10%"`` (or 10, or 0.1) as the fraction 0.1; None when it is no percentage below 100."""
    frac = None if isinstance(x, bool) else _fraction(x)
    return frac if frac is not None and 0 <= frac < 1 else None


def _paths(v: Any) -> list[str]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(p, str) and p for p in v):
        raise _Bad(f"expected a list of paths, got {_type(v)}")
    return v


def _format(v: Any) -> str:
    from factcheck.output import FORMATS

    return _choice(tuple(FORMATS))(v)


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "fail_on": _choice(FAIL_ON),
    "select": _codes,
    "ignore": _codes,
    "hedges": _hedges,
    "match_threshold": _number(0, 100),
    "ambiguity_margin": _number(0, 100),
    "c102_threshold": _number(above=1),
    "quote_threshold": _number(0, 100),
    "paths": _paths,
    "format": _format,
}


def _type(v: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(v), type(v).__name__)


def load_config(path: Path) -> Config:
    """Read a ``factcheck.toml`` or the ``[tool.factcheck]`` table of a ``pyproject.toml``."""
    import tomllib

    from factcheck._run import display_path

    path = Path(path)
    shown = display_path(path)
    text = read_text(path, shown)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        raise InputError(Problem(shown, line, col, f"invalid TOML: {str(e).split(' (at')[0]}")) from None

    positions = _TomlPositions(text)
    lines = text.splitlines()

    def key_at(loc: tuple) -> tuple[int, int]:
        line, _ = positions(loc)
        src = lines[line - 1] if 0 < line <= len(lines) else ""
        col = src.find(str(loc[-1]))
        return line, (col + 1 if col >= 0 else 1)

    tool = ("tool", "factcheck")
    sections: list[tuple[tuple, dict]] = []  # (prefix, table)
    problems: list[Problem] = []
    nested = data.get("tool", {}).get("factcheck") if isinstance(data.get("tool"), dict) else None
    if path.name == PYPROJECT:
        if nested is not None:
            sections.append((tool, nested))
    else:
        top = {k: v for k, v in data.items() if k != "tool"}
        sections.append(((), top))
        if "tool" in data and not isinstance(data["tool"], dict):
            problems.append(Problem(shown, *key_at(("tool",)), "'tool' must be a table holding [tool.factcheck]"))
        elif "tool" in data:
            for k in data["tool"]:
                if k != "factcheck":
                    problems.append(Problem(shown, *key_at(("tool", k)),
                                            f"unknown table 'tool.{k}' (only [tool.factcheck] is read here)"))
            if nested is not None:
                sections.append((tool, nested))

    values: dict[str, Any] = {}
    seen: dict[str, tuple] = {}
    for prefix, table in sections:
        if not isinstance(table, dict):
            problems.append(Problem(shown, *key_at(prefix), "[tool.factcheck] must be a table"))
            continue
        for key, raw in table.items():
            loc = (*prefix, key)
            if key not in _CHECKS:
                problems.append(Problem(shown, *key_at(loc),
                                        f"unknown setting '{key}'{_did_you_mean(key, list(_CHECKS))}"))
                continue
            if key in seen:
                problems.append(Problem(shown, *key_at(loc), f"'{key}' is set twice (also at line "
                                                              f"{key_at(seen[key])[0]})"))
                continue
            seen[key] = loc
            try:
                values[key] = _CHECKS[key](raw)
            except _Bad as e:
                sub = loc
                if key == "hedges" and isinstance(raw, dict):  # point at the bad hedge where we can
                    bad = next((k for k in raw if k not in HEDGES or _hedge_width(raw[k]) is None), None)
                    if bad is not None:
                        sub = (*loc, bad)
                problems.append(Problem(shown, *positions(sub), f"{key}: {e}"))
    if problems:
        raise InputError(sorted(problems))

    if "hedges" in values:
        values["hedges"] = {**_DEFAULTS.hedges, **values["hedges"]}
    if "paths" in values:
        values["paths"] = tuple(path.parent / p for p in values["paths"])
    return Config(path=path, **values)
