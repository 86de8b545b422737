"""Problems an editor must fix, each pinned to FILE:LINE:COL.

Every check in the load step reports into a :class:`Problems` list instead of
raising, so one run shows every mistake in every file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

#: Characters an error line never prints as they are: controls (a newline in a
#: file name would forge a second FILE:LINE:COL line), format characters (a
#: right-to-left override reorders the terminal's text), separators, lone
#: surrogates and unassigned code points.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"})


def printable(text: str) -> str:
    """``text`` with every character an error line must not print written as an escape (\\n, \\x00, \\u202e)."""
    if text.isprintable():
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii") if unicodedata.category(char) in _ESCAPED_CATEGORIES else char
        for char in text
    )


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one file. ``line`` and ``column`` are 1-based."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}:{self.column}: {printable(self.message)}"


@dataclass
class Problems:
    """An ordered collection of problems found during one load."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int, column: int, message: str) -> None:
        self.items.append(Problem(path, line, column, message))

    def extend(self, other: "Problems") -> None:
        self.items.extend(other.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))

    def report(self, consequence: str = "nothing was built") -> str:
        """The text shown to an editor: one line per problem, then a count (and
        what did not happen because of them; `frankly check` builds nothing anyway)."""
        lines = [str(p) for p in self.sorted()]
        files = len({p.path for p in self.items})
        noun = "problem" if len(lines) == 1 else "problems"
        tail = f"; {consequence}." if consequence else "."
        lines.append(f"{len(lines)} {noun} in {files} file{'s' if files != 1 else ''}{tail}")
        return "\n".join(lines)


class InvalidInput(Exception):
    """Raised by ``load_all`` when the input has problems; carries all of them."""

    def __init__(self, problems: Problems):
        super().__init__(problems.report())
        self.problems = problems


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """'1 entry', '2 entries': every count Frankly prints agrees with its noun."""
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def display_path(path: Path, root: Path) -> str:
    """The path as an editor typed it: relative to the project root when possible."""
    if path.is_absolute() and root.is_absolute():
        try:  # the usual case, without a system call per file
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
