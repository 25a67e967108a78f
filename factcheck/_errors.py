"""Input errors: every problem with its position, all at once, never a traceback.

A :class:`Problem` is one ``path:line:column: message`` line. An :class:`InputError` carries one or
more of them; the CLI prints them all and exits with code 2. Lower layers that work on a single string
(the value grammar, periods, expressions) raise :class:`SyntaxProblem` with a 0-based offset into that
string; the layer that knows where the string sits in a file turns it into a :class:`Problem`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    path: str
    line: int  # 1-based; 0 when the whole file is concerned
    column: int  # 1-based; 0 when unknown
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class InputError(Exception):
    """Bad input (a claims file, a reference file, an option). Carries every problem found."""

    def __init__(self, problems: Problem | Iterable[Problem]):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SyntaxProblem(ValueError):
    """A string that does not parse (a value, a period, an expression).

    ``offset`` is the 0-based character offset into the string where the problem is.
    """

    def __init__(self, message: str, offset: int = 0):
        self.message = message
        self.offset = offset
        super().__init__(message)
