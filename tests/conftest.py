"""Shared fixtures: a copy of the fixed test site, and ways to run Frankly on it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from generator.bench import FRANKLY  # noqa: F401 (the tests' way to run the real console script)
from generator.cli import main

FIXTURE_SITE = Path(__file__).parent / "fixtures" / "site"

# Property-based tests: a bounded run in `make test`, a long one in `make fuzz`.
settings.register_profile("frankly", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("FRANKLY_HYPOTHESIS", "frankly"))
REPO = Path(__file__).parent.parent


#: The files that take longest (pip installs, many builds), handed out first when `make test`
#: runs the files on two workers (Makefile: -n 2 --dist loadfile --no-loadscope-reorder), so
#: the short files fill the end instead of one worker finishing a long file alone.
#: Measured with --durations; order only, nothing is skipped. A serial run keeps the usual order.
SLOWEST_FIRST = ("test_package.py", "test_incremental.py", "test_publish.py", "test_scale.py", "test_faults.py")


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    rank = {name: number for number, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each file keeps its order


@pytest.fixture(autouse=True)
def _not_in_ci(monkeypatch):
    """Every test starts outside CI, wherever it runs: `frankly check` is stricter in CI
    (a shallow clone fails); tests that want CI set the variables themselves.
    Nor with a judging moment: a build in this process sets FRANKLY_NOW (`--now`) and
    SOURCE_DATE_EPOCH, which its children would inherit; undone after each test, so no
    test depends on which ran before it in the same process (`make test`'s workers)."""
    for name in ("CI", "GITHUB_ACTIONS", "FRANKLY_NOW", "SOURCE_DATE_EPOCH"):
        # setenv first: monkeypatch restores only what it recorded, and a delenv of an absent
        # name records nothing, so a value a build sets later would outlive the test.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the fixed test site."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE_SITE, root)
    return root


def run_frankly(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the real `frankly` console entry point in a subprocess, as an editor would."""
    return subprocess.run(
        [*FRANKLY, *args],
        cwd=root, capture_output=True, text=True, timeout=120,
    )


def invoke(root: Path, *args: str):
    """Run `frankly` in-process (fast); returns click's Result."""
    runner = CliRunner()
    with _chdir(root):
        return runner.invoke(main, list(args), catch_exceptions=False)


class _chdir:
    def __init__(self, path: Path):
        self.path, self.old = path, None

    def __enter__(self):
        import os

        self.old = os.getcwd()
        os.chdir(self.path)

    def __exit__(self, *exc):
        import os

        os.chdir(self.old)


#: A small valid incident of the fixture site, for tests that change one thing in it.
GOOD_INCIDENT = """\
kind: incident
title: Broken thing
summary: Something broke.
impact: minor
components:
  api: partial_outage
updates:
  - at: 2026-05-01T10:00:00+00:00
    status: investigating
    message: Looking.
  - at: 2026-05-01T11:00:00+00:00
    status: resolved
    message: Fixed.
"""


def write_incident(root: Path, name: str, text: str) -> Path:
    path = root / "incidents" / name
    path.write_text(text, encoding="utf-8")
    return path


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes: compares whole builds."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def editors_files(root: Path) -> dict[str, bytes]:
    """Every file of a project that an editor or git sees, with its bytes: all
    but ``.cache/`` (the writer lock, cached cards and texts; ignored by git)."""
    return {name: data for name, data in tree_bytes(root).items() if not name.startswith(".cache/")}


def copy_project(source: Path, root: Path, parts: tuple[str, ...] | None = None) -> Path:
    """A writable copy of a site project (all of ``source``, or only ``parts`` of it)."""
    if parts is None:
        shutil.copytree(source, root)
        return root
    root.mkdir(parents=True)
    for part in parts:
        (shutil.copytree if (source / part).is_dir() else shutil.copy)(source / part, root / part)
    return root


def build_copy(tmp_path_factory, source: Path, name: str, parts: tuple[str, ...] | None = None, *args: str) -> Path:
    """Copy a project and build it with the real `frankly build` (and ``args``); returns its site/."""
    root = copy_project(source, tmp_path_factory.mktemp(name) / "project", parts)
    result = run_frankly(root, "build", *args)
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="session")
def built_fixture_site(tmp_path_factory) -> Path:
    """The fixed test site built once per session with the real `frankly build`."""
    return build_copy(tmp_path_factory, FIXTURE_SITE, "built")


@pytest.fixture(scope="session")
def built_demo_site(tmp_path_factory) -> Path:
    """The repository's own demo site (what `make build` builds), built once per session."""
    return build_copy(tmp_path_factory, REPO, "demo", ("mkdocs.yml", "docs", "incidents", "site_config"))


# `frankly check` writes two kinds of lines to stderr: communication warnings
# (test_accountability.py) and notes about the address check (test_social.py).
# Each test looks at its own kind, so neither depends on the other feature.
def stderr_notes(stderr: str) -> str:
    return "".join(line + "\n" for line in stderr.splitlines() if line.startswith("Note: "))


def stderr_without_notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not line.startswith("Note: ")]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, seconds: float = 60.0):
    """Poll ``condition`` until it returns something truthy; bounded, never a timing assertion."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


class serving:
    """`frankly serve` on a free loopback port for the duration of a with-block.

    ``with serving(root, log_path) as base:`` gives the base URL; the server's
    output goes to ``log_path``; the server is stopped on exit.
    """

    def __init__(self, root: Path, log_path: Path):
        self.root, self.log_path = root, log_path

    def __enter__(self) -> str:
        port = free_port()
        self.log = self.log_path.open("w+")
        self.server = subprocess.Popen(
            [*FRANKLY, "serve", "-a", f"127.0.0.1:{port}"],
            cwd=self.root, stdout=self.log, stderr=subprocess.STDOUT,
        )
        return f"http://127.0.0.1:{port}/"

    def __exit__(self, *exc) -> None:
        self.server.terminate()
        self.server.wait(timeout=20)
        self.log.close()
