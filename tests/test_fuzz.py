"""Property-based tests (hypothesis) of the loader and the editing engine on
mutated real incident files: whatever the mutation, the only thing that
escapes is the project's own problem type, and every problem line is
printable and points inside the file.

`make test` runs a bounded number of examples; `make fuzz` runs the same
properties for much longer (the "fuzz" profile, tests/conftest.py).
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURE_SITE, REPO
from generator.editing.plans import plan_update
from generator.editing.values import EditError
from generator.input.load import ProjectPaths, load_all
from generator.input.problems import InvalidInput

SOURCES = sorted((REPO / "incidents").glob("*.yaml")) + sorted((FIXTURE_SITE / "incidents").glob("*.yaml"))
TEXTS = [path.read_text(encoding="utf-8") for path in SOURCES]
PROJECT = ProjectPaths.at(FIXTURE_SITE)
TARGET = PROJECT.incidents_dir / "2026-05-01-fuzzed.yaml"

#: What mutations insert: YAML's syntax, tags, aliases, escapes, numbers, dates,
#: and the characters no page can carry.
PIECES = st.sampled_from([
    ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "?", "|", ">", "&a ", "*a", "!!int ", "!!str ", "!!map ",
    "!!timestamp ", "!foo ", '"', "'", "\\", "\\0", "\\uFFFE", "\\ud800", "#", "\n", "\r\n", "\r", "\t", "  ",
    "\x00", "\x1b", "\x85", "\u2028", "\ufeff", "\ufffe", "\U0001fffe", "é", "😀", "~", "null", "true", "yes",
    "0x1F", "0o17", "1e999", ".nan", "9" * 40, "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00", "2026-13-45",
    "30m", "9999999999d", "<<: *a", "---", "...", "%YAML 1.1\n", "updates:", "status: resolved", "at: ",
])


@st.composite
def mutated(draw) -> str:
    """A real incident file with a few insertions, deletions and line swaps."""
    text = draw(st.sampled_from(TEXTS))
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "swap lines", "duplicate line"]))
        if action == "insert":
            text = text[:where] + draw(st.one_of(PIECES, st.text(max_size=8))) + text[where:]
        elif action == "delete":
            text = text[:where] + text[where + draw(st.integers(1, 40)):]
        elif action == "replace":
            text = text[:where] + draw(PIECES) + text[where + 1:]
        else:
            lines = text.split("\n")
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if action == "swap lines":
                lines[a], lines[b] = lines[b], lines[a]
            else:
                lines.insert(a, lines[b])
            text = "\n".join(lines)
    return text


def _check_problems(exc: InvalidInput, text: str) -> None:
    lines = re.split(r"\r\n|\r|\n", text)  # the line breaks editors see, and libyaml counts
    for problem in exc.problems.items:
        shown = str(problem)
        assert not [c for c in shown if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Cn", "Zl", "Zp")], shown
        if problem.path.endswith("2026-05-01-fuzzed.yaml"):
            assert 1 <= problem.line <= len(lines) + 1, shown


@given(mutated())
def test_loading_a_mutated_file_gives_problems_never_an_exception(text: str):
    try:
        load_all(PROJECT, pending={TARGET: text})
    except InvalidInput as exc:
        _check_problems(exc, text)


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory) -> ProjectPaths:
    root = tmp_path_factory.mktemp("fuzz") / "project"
    shutil.copytree(FIXTURE_SITE, root)
    return ProjectPaths.at(root)


@given(text=mutated(), message=st.text(min_size=1, max_size=40))
def test_updating_a_mutated_file_refuses_or_adds_exactly_one_update(fuzz_project: ProjectPaths, text: str, message: str):
    """The editing engine on a damaged file: an EditError, or the file plus one update that loads."""
    target = fuzz_project.incidents_dir / "2026-05-01-fuzzed.yaml"
    target.write_text(text, encoding="utf-8", errors="surrogatepass", newline="")
    site = load_all(PROJECT).site
    try:
        edit = plan_update(fuzz_project, site, datetime(2026, 5, 2, 12, tzinfo=timezone.utc), target.name,
                           message=message, status="identified")
    except EditError as exc:
        assert str(exc)
        return
    assert edit.before == text
    try:
        load_all(fuzz_project, pending={target: edit.after})
    except InvalidInput as exc:
        _check_problems(exc, edit.after)


def test_the_fuzz_targets_are_real_files():
    assert len(TEXTS) >= 5 and all(Path(p).stat().st_size > 200 for p in SOURCES)
