"""A corpus of hostile inputs: each class of file, value, name and path that
once crashed, hung or leaked gives its exact FILE:LINE:COL message, exit 1, no
traceback, and leaves the last good site byte for byte as it was.

The large files are generated here (billion laughs, 100,000 levels of
nesting, 2 GB); the builds that read them run in a subprocess with its memory
capped, so a regression shows as a failed test, not a machine out of memory.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FRANKLY, GOOD_INCIDENT, editors_files, invoke, tree_bytes
from generator.cli import main

F = "incidents/2026-05-01-x.yaml"
GOOD = GOOD_INCIDENT
SUMMARY = "1 problem in 1 file."  # what `frankly check` ends with; `build` adds what it did not do
BUILD_SUMMARY = "1 problem in 1 file; nothing was built."


def laughs(mapping: bool) -> str:
    """Nine levels of ten aliases each: 10**9 values when expanded."""
    if mapping:
        first = "l0: &l0 {" + ", ".join(f"{k}: x" for k in "abcdefghij") + "}"
        rest = [f"l{i}: &l{i} {{" + ", ".join(f"{k}: *l{i - 1}" for k in "abcdefghij") + "}" for i in range(1, 9)]
    else:
        first = "l0: &l0 [" + ", ".join(["x"] * 10) + "]"
        rest = [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9)]
    return GOOD + "\n".join([first, *rest]) + "\n"


def replaced(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


SUMMARY_AT = "summary: Something broke."

#: name -> (file name, content, the problem line). Each is one class of input.
INCIDENT_FILES: dict[str, tuple[str, str | bytes, str]] = {
    # ---- resources: bounded, with the limit and the place in the message
    "aliases expanding lists": ("2026-05-01-x.yaml", laughs(False), f"{F}:18:40: this file holds more than 100,000 values here (an alias counts as all it repeats); an incident holds a few hundred: write the values out instead of repeating aliases"),
    "aliases expanding mappings": ("2026-05-01-x.yaml", laughs(True), f"{F}:18:29: this file holds more than 100,000 values here (an alias counts as all it repeats); an incident holds a few hundred: write the values out instead of repeating aliases"),
    "100,000 nested flow lists": ("2026-05-01-x.yaml", GOOD + "extra: " + "[" * 100_000 + "]" * 100_000 + "\n", f"{F}:14:39: lists and mappings are nested more than 32 levels deep here; an incident needs about 5: write this part flatter"),
    "200 nested block mappings": ("2026-05-01-x.yaml", GOOD + "".join("  " * i + "k:\n" for i in range(200)), f"{F}:46:65: lists and mappings are nested more than 32 levels deep here; an incident needs about 5: write this part flatter"),
    "100,000 nested block lists": ("2026-05-01-x.yaml", GOOD + "extra:\n" + "- " * 100_000 + "x\n", f"{F}:15:63: lists and mappings are nested more than 32 levels deep here; an incident needs about 5: write this part flatter"),
    "a 2 MB file": ("2026-05-01-x.yaml", replaced("message: Fixed.", "message: " + "word " * 400_000), f"{F}:1:1: the file is 1.9 MiB, more than the 1 MiB an input file may hold; an incident is a few kilobytes: publish long documents elsewhere and link to them"),
    "a 300,000-character text": ("2026-05-01-x.yaml", replaced("message: Fixed.", "message: " + "w" * 300_000), f"{F}:13:14: this text is 300,000 characters long, more than the 200,000 one value may hold; publish a document this long elsewhere and link to it"),
    "10,001 list items": ("2026-05-01-x.yaml", GOOD + "aliases: [" + ", ".join(["2026-01-01-a"] * 10_001) + "]\n", f"{F}:14:10: this list has more than 10,000 items; split it or shorten it"),
    # ---- tags and scalar forms
    "!!int on text": ("2026-05-01-x.yaml", replaced("impact: minor", "impact: !!int minor"), f"{F}:4:9: 'minor' is not a whole number, as its tag !!int says; remove the tag or fix the value"),
    "!!float on text": ("2026-05-01-x.yaml", replaced("impact: minor", "impact: !!float minor"), f"{F}:4:9: 'minor' is not a number, as its tag !!float says; remove the tag or fix the value"),
    "!!bool on yes": ("2026-05-01-x.yaml", replaced("impact: minor", "impact: !!bool yes"), f"{F}:4:9: 'yes' is not true or false, as its tag !!bool says; remove the tag or fix the value"),
    "!!null on text": ("2026-05-01-x.yaml", replaced("impact: minor", "impact: !!null minor"), f"{F}:4:9: 'minor' is not null or nothing, as its tag !!null says; remove the tag or fix the value"),
    "!!timestamp": ("2026-05-01-x.yaml", replaced("  - at: 2026-05-01T10:00:00+00:00", "  - at: !!timestamp 2026-05-01T10:00:00+00:00"), f"{F}:8:9: the tag !!timestamp is not supported; remove it and write the value as plain text"),
    "!!map on a value": ("2026-05-01-x.yaml", replaced("impact: minor", "impact: !!map minor"), f"{F}:4:9: the tag !!map does not fit a single value; remove the tag"),
    "!!str on a mapping": ("2026-05-01-x.yaml", replaced("components:\n", "components: !!str\n"), f"{F}:5:13: the tag !!str does not fit a mapping; remove the tag"),
    "!!set": ("2026-05-01-x.yaml", replaced("components:\n", "components: !!set\n"), f"{F}:5:13: the tag !!set does not fit a mapping; remove the tag"),
    "!!omap": ("2026-05-01-x.yaml", replaced("updates:\n", "updates: !!omap\n"), f"{F}:7:10: the tag !!omap does not fit a list; remove the tag"),
    "!!binary": ("2026-05-01-x.yaml", replaced("title: Broken thing", "title: !!binary QnJva2Vu"), f"{F}:2:8: the tag !!binary is not supported; remove it and write the value as plain text"),
    "a Python object tag": ("2026-05-01-x.yaml", replaced("title: Broken thing", "title: !python/object:os.system rm"), f"{F}:2:8: the tag !python/object:os.system is not supported; remove it and write the value as plain text"),
    "a tagged key": ("2026-05-01-x.yaml", replaced("title: Broken thing", "!!str title: Broken thing"), f"{F}:2:1: a key must be plain text, without a tag (!!str); remove the tag"),
    "a complex key": ("2026-05-01-x.yaml", replaced("title: Broken thing", "? [title]\n: Broken thing"), f"{F}:2:3: a key must be plain text, not a list or mapping"),
    "a 5,000-digit number": ("2026-05-01-x.yaml", replaced("impact: minor", "impact: " + "9" * 5000), f"{F}:4:9: this number has 5,000 digits; the numbers Frankly reads have at most 18"),
    # ---- characters no page or feed can carry
    "NUL in the file": ("2026-05-01-x.yaml", replaced(SUMMARY_AT, "summary: Something\x00broke."), f"{F}:3:19: the file contains U+0000 (a control character); no page or feed can carry it: remove it"),
    "NUL as an escape": ("2026-05-01-x.yaml", replaced(SUMMARY_AT, 'summary: "Something\\0broke."'), f"{F}:3:10: this text contains U+0000 (a control character), written as an escape; no page or feed can carry it: remove it"),
    "BEL as an escape": ("2026-05-01-x.yaml", replaced(SUMMARY_AT, 'summary: "Something\\abroke."'), f"{F}:3:10: this text contains U+0007 (a control character), written as an escape; no page or feed can carry it: remove it"),
    "U+FFFE as an escape": ("2026-05-01-x.yaml", replaced(SUMMARY_AT, 'summary: "Something\\uFFFEbroke."'), f"{F}:3:10: this text contains U+FFFE (a noncharacter), written as an escape; no page or feed can carry it: remove it"),
    "a C1 control": ("2026-05-01-x.yaml", replaced(SUMMARY_AT, "summary: Something\x9bbroke."), f"{F}:3:19: the file contains U+009B (a control character); no page or feed can carry it: remove it"),
    "U+FDD0": ("2026-05-01-x.yaml", replaced(SUMMARY_AT, "summary: Something\ufdd0broke."), f"{F}:3:19: the file contains U+FDD0 (a noncharacter); no page or feed can carry it: remove it"),
    "a lone surrogate escape": ("2026-05-01-x.yaml", replaced(SUMMARY_AT, 'summary: "Something\\ud800broke."'), f"{F}:3:22: YAML syntax error: while parsing a quoted scalar, found invalid Unicode character escape code; check the indentation, colons and quotes on this line and the one before"),
    # U+2028 and NEL: YAML counts a line there, editors do not. Refused, at the editor's own line.
    "U+2028": ("2026-05-01-x.yaml", replaced(SUMMARY_AT, "summary: Something\u2028broke.\ntitle: again"), f"{F}:3:19: the file contains U+2028 (a line separator, which YAML reads as a line break that editors do not show); replace it with a real line break"),
    "NEL": ("2026-05-01-x.yaml", replaced(SUMMARY_AT, "summary: Something\x85broke."), f"{F}:3:19: the file contains U+0085 (a next line, which YAML reads as a line break that editors do not show); replace it with a real line break"),
    "invalid UTF-8 on line 13": ("2026-05-01-x.yaml", replaced("message: Fixed.", "message: Fix\udcffed.").encode("utf-8", "surrogateescape"), f"{F}:13:17: the file is not UTF-8 text: byte 0xFF here cannot be read; save the file as UTF-8"),
    # ---- time
    "year 1": ("2026-05-01-x.yaml", replaced("2026-05-01T10:00:00+00:00", "0001-01-01T10:00:00+00:00"), f"{F}:8:9: updates #1.at: '0001-01-01T10:00:00+00:00' is out of range: years go from 1970 to 2099; check the year"),
    "year 9999": ("2026-05-01-x.yaml", replaced("2026-05-01T11:00:00+00:00", "9999-12-31T23:59:59+00:00"), f"{F}:11:9: updates #2.at: '9999-12-31T23:59:59+00:00' is out of range: years go from 1970 to 2099; check the year"),
    "year 2107": ("2026-05-01-x.yaml", replaced("2026-05-01T11:00:00+00:00", "2107-01-01T00:00:00+00:00"), f"{F}:11:9: updates #2.at: '2107-01-01T00:00:00+00:00' is out of range: years go from 1970 to 2099; check the year"),
    "9999999999d": ("2026-05-01-x.yaml", replaced("    message: Looking.", "    message: Looking.\n    next_update: 9999999999d"), f"{F}:11:18: updates #1.next_update: '9999999999d' is longer than 366 days, the longest duration Frankly reads"),
    "a date in 9999": ("2026-05-01-x.yaml", GOOD + "compensation:\n  at: 2026-05-01T12:00:00+00:00\n  offer: A month free.\n  eligible: Everyone.\n  how_to_claim: Nothing to do.\n  until: 9999-12-31\n", f"{F}:19:10: compensation.until: '9999-12-31' is out of range: years go from 1970 to 2099; check the year"),
    # ---- names
    "an upper-case .YAML": ("2026-05-01-x.YAML", GOOD, "incidents/2026-05-01-x.YAML:1:1: incident files end in .yaml, in lower case; rename it to 2026-05-01-x.yaml"),
    "a newline in the file name": ("2026-05-01-x\n.yaml", GOOD, "incidents/2026-05-01-x\\n.yaml:1:1: the file name must be YYYY-MM-DD-short-slug.yaml with a real date and only lower-case letters, digits and hyphens, e.g. 2026-11-20-messaging-outage.yaml; it becomes the permanent address, so rename the file"),
    "a newline in an alias": ("2026-05-01-x.yaml", GOOD + 'aliases: ["2026-01-01-old\\n"]\n', f"{F}:14:11: '2026-01-01-old\\n' is not a slug; former addresses look like 2026-11-20-messaging-outage"),
    "CR LF in a title": ("2026-05-01-x.yaml", replaced("title: Broken thing", 'title: "Broken\\r\\nBcc: all@example.com"'), f"{F}:2:8: title: this text must be one line, but it contains a carriage return (a line break) at character 7; write it on one line (a block scalar such as '>' or '|' adds a line break)"),
    "a folded title": ("2026-05-01-x.yaml", replaced("title: Broken thing", "title: >\n  Broken thing"), f"{F}:2:8: title: this text must be one line, but it contains a line break at character 13; write it on one line (a block scalar such as '>' or '|' adds a line break)"),
    "a tab in a title": ("2026-05-01-x.yaml", replaced("title: Broken thing", 'title: "Broken\\tthing"'), f"{F}:2:8: title: this text must be one line, but it contains a tab at character 7; write it on one line (a block scalar such as '>' or '|' adds a line break)"),
    "a right-to-left override echoed": ("2026-05-01-x.yaml", replaced("status: investigating", 'status: "investi\u202egating"'), f"{F}:9:13: 'investi\\u202egating' is not a status for an incident; use one of: investigating, identified, monitoring, resolved"),
}

#: Inputs large enough that a regression would eat the machine: run in a capped subprocess.
HEAVY = {"aliases expanding lists", "aliases expanding mappings", "100,000 nested flow lists", "100,000 nested block lists"}


@pytest.fixture(scope="module")
def built(built_fixture_site: Path) -> Path:
    """The test site, built once (the session's build, shared with the other files; only
    ever copied): every case starts from its last good site."""
    return built_fixture_site.parent


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    for old in (root / "incidents").iterdir():
        old.unlink()
    return root


def _capped() -> None:  # in the child: 2 GiB of address space, 60 s of CPU
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))


def frankly_capped(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*FRANKLY, *args],
        cwd=root, capture_output=True, text=True, timeout=120, preexec_fn=_capped,
    )


def frankly(root: Path, *args: str, heavy: bool = False):
    """(exit status, stdout, stderr) of `frankly`: in this process (fast), or capped in a child for heavy inputs."""
    if heavy:
        result = frankly_capped(root, *args)
        return result.returncode, result.stdout, result.stderr
    result = invoke(root, *args)
    return result.exit_code, result.stdout, result.stderr


def assert_refused(root: Path, expected: list[str], heavy: bool = False) -> None:
    """`frankly check` and `frankly build` both refuse with exactly ``expected``; site/ is untouched."""
    site_before = tree_bytes(root / "site")
    for command in ("check", "build"):
        status, _, stderr = frankly(root, command, heavy=heavy)
        assert status == 1, (command, stderr)
        assert "Traceback" not in stderr
        wanted = [BUILD_SUMMARY if line == SUMMARY and command == "build" else line for line in expected]
        assert stderr.splitlines() == wanted, command
    assert tree_bytes(root / "site") == site_before
    assert not list(root.glob(".site-build-*"))


@pytest.mark.parametrize("case", list(INCIDENT_FILES))
def test_hostile_incident_file(project: Path, case: str):
    name, content, problem = INCIDENT_FILES[case]
    path = project / "incidents" / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    assert_refused(project, [problem, SUMMARY], heavy=case in HEAVY)


SECRET = "TOP SECRET: hunter2"


def _symlink_outside(root: Path) -> None:
    secret = root.parent / "secret.yaml"
    secret.write_text(f"title: {SECRET}\nthis is: [not, valid\n", encoding="utf-8")
    os.symlink(secret, root / "incidents" / "2026-05-01-x.yaml")


def _sparse_2_gb(root: Path) -> None:
    with open(root / "incidents" / "2026-05-01-x.yaml", "wb") as handle:
        handle.truncate(2 << 30)


#: name -> (what to put in incidents/, the problem line)
PATHS = {
    "a symlink to a file outside the project": (_symlink_outside, f"{F}:1:1: this is a symbolic link to a file outside the project; copy the file into the project instead"),
    "a symlink to /dev/zero": (lambda root: os.symlink("/dev/zero", root / "incidents" / "2026-05-01-x.yaml"), f"{F}:1:1: this is a symbolic link to a file outside the project; copy the file into the project instead"),
    "a FIFO": (lambda root: os.mkfifo(root / "incidents" / "2026-05-01-x.yaml"), f"{F}:1:1: this is a named pipe (FIFO), not a file; only regular files are read: remove it or replace it with a file"),
    "a folder named .yaml": (lambda root: (root / "incidents" / "2026-05-01-x.yaml").mkdir(), f"{F}:1:1: this is a folder, not a file; only regular files are read: remove it or replace it with a file"),
    "a sparse 2 GB file": (_sparse_2_gb, f"{F}:1:1: the file is 2,048.0 MiB, more than the 1 MiB an input file may hold; an incident is a few kilobytes: publish long documents elsewhere and link to them"),
}


@pytest.mark.parametrize("case", list(PATHS))
def test_only_regular_files_inside_the_project_are_read(project: Path, case: str):
    make, problem = PATHS[case]
    make(project)
    assert_refused(project, [problem, SUMMARY])


def test_the_content_of_a_file_outside_is_never_echoed(project: Path):
    _symlink_outside(project)
    for command in ("check", "build"):
        _, stdout, stderr = frankly(project, command)
        assert "hunter2" not in stdout + stderr
    assert "hunter2" not in b"".join(tree_bytes(project / "site").values()).decode("utf-8", "replace")


def _site(edit):
    def apply(root: Path) -> None:
        path = root / "site_config" / "site.yaml"
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return apply


S = "site_config/site.yaml"
LAUGHS = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 9))
SITE_FILES = {
    "a zone that is a folder": (_site(lambda s: re.sub(r"time_zone: .*", "time_zone: Europe", s)), f"{S}:4:12: time_zone: 'Europe' is not a time zone; use an IANA name such as Europe/Berlin, America/New_York or UTC ('Europe' is a region: name a zone in it, such as Europe/Amsterdam)"),
    "an over-long zone": (_site(lambda s: re.sub(r"time_zone: .*", "time_zone: " + "Europe/" * 60 + "Paris", s)), f"{S}:4:12: time_zone: '{('Europe/' * 15)[:100]}…' is not a time zone; use an IANA name such as Europe/Berlin, America/New_York or UTC"),
    "a misspelt zone": (_site(lambda s: re.sub(r"time_zone: .*", "time_zone: Europe/Pariss", s)), f"{S}:4:12: time_zone: 'Europe/Pariss' is not a time zone; use an IANA name such as Europe/Berlin, America/New_York or UTC (did you mean Europe/Paris?)"),
    "an unknown language": (_site(lambda s: re.sub(r"language: .*", "language: xx", s)), f"{S}:5:11: language: 'xx' is not a language Frankly knows; use a code such as en, en-GB, fr, fr-CA or de"),
    "a 5,000-digit count": (_site(lambda s: s + "recent_count: " + "9" * 5000 + "\n"), f"{S}:18:15: this number has 5,000 digits; the numbers Frankly reads have at most 18"),
    "aliases expanding": (_site(lambda s: s + LAUGHS), f"{S}:22:40: this file holds more than 100,000 values here (an alias counts as all it repeats); an incident holds a few hundred: write the values out instead of repeating aliases"),
    "a 9999999999d commitment": (_site(lambda s: s + "commitments:\n  update_every: 9999999999d\n"), f"{S}:19:17: commitments.update_every: '9999999999d' is longer than 366 days, the longest duration Frankly reads"),
    "site.yaml linked to /dev/zero": (lambda root: ((root / S).unlink(), os.symlink("/dev/zero", root / S)), f"{S}:1:1: this is a symbolic link to a file outside the project; copy the file into the project instead"),
}


@pytest.mark.parametrize("case", list(SITE_FILES))
def test_hostile_site_configuration(built: Path, tmp_path: Path, case: str):
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    make, problem = SITE_FILES[case]
    make(root)
    assert_refused(root, [problem, SUMMARY])


@pytest.mark.parametrize("case", sorted(c for c in set(INCIDENT_FILES) - HEAVY if INCIDENT_FILES[c][0] == "2026-05-01-x.yaml"))
def test_editing_commands_refuse_a_hostile_file_and_keep_it(project: Path, case: str):
    """`frankly update` on a hostile file refuses with its problem and writes nothing."""
    name, content, problem = INCIDENT_FILES[case]
    path = project / "incidents" / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = editors_files(project)
    status, _, stderr = frankly(project, "update", "2026-05-01-x", "A note.", "--status", "resolved", "--now", "2026-05-01T12:00:00+00:00")
    assert status == 1 and "Traceback" not in stderr
    assert problem.split(": ", 1)[1] in stderr, stderr
    assert editors_files(project) == before


@pytest.mark.parametrize(("text", "problem"), [
    ("Still\x00 looking.", "the message contains U+0000 (a control character) at line 1, column 6 of the text; remove it. Nothing was written."),
    ("Line one.\nLine \x1b[2J two.", "the message contains U+001B (a control character) at line 2, column 6 of the text; remove it. Nothing was written."),
    ("Bad \ufffe char.", "the message contains U+FFFE (a noncharacter) at line 1, column 5 of the text; remove it. Nothing was written."),
])
def test_editing_commands_refuse_text_no_page_can_carry(built: Path, tmp_path: Path, text: str, problem: str):
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    before = editors_files(root)
    result = CliRunner().invoke(main, ["update", "2026-04-01-api-migration", "-", "-f", str(root / "mkdocs.yml")], input=text)
    assert (result.exit_code, result.stderr) == (1, problem + "\n")
    assert editors_files(root) == before


def test_invisible_line_breaks_in_a_message_become_line_breaks(built: Path, tmp_path: Path):
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    result = invoke(root, "update", "2026-04-01-api-migration", "First\u2028second\x85third.", "--now", "2026-04-01T15:00:00+00:00")
    assert result.exit_code == 0, result.stderr
    text = (root / "incidents" / "2026-04-01-api-migration.yaml").read_text(encoding="utf-8")
    assert "      First\n      second\n      third.\n" in text
