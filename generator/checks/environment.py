"""`frankly doctor`: what is wrong with the machine or the clone, on one screen,
for the editor who cannot build during an outage.

Each finding is ``ok``, ``warn`` (works, but something is off) or ``fail`` (a
command will not work), with how to fix it. Nothing here changes anything:
the cache is probed with a file that is removed at once, the port with a bind
that is closed at once.
"""

from __future__ import annotations

import errno
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from generator.checks.addresses import in_ci
from generator.input.load import ProjectPaths, load_all
from generator.input.problems import InvalidInput, counted

MINIMUM_PYTHON = (3, 11)


@dataclass(frozen=True)
class Finding:
    level: str  # ok | warn | fail
    topic: str
    text: str

    def __str__(self) -> str:
        return f"{self.level:<4}  {self.topic:<15} {self.text}"


def python_finding() -> Finding:
    shown = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] < MINIMUM_PYTHON:
        return Finding("fail", "Python", f"{shown} at {sys.executable}; Frankly needs 3.11 or newer: install a newer Python and make the venv again")
    return Finding("ok", "Python", f"{shown} at {sys.executable}")


def package_findings(installed_from: str) -> list[Finding]:
    """Frankly's version and where it came from, then each dependency against Frankly's own ranges."""
    try:
        version = metadata.version("frankly")
    except metadata.PackageNotFoundError:
        return [Finding("warn", "Frankly", "running from a source tree that is not installed: pip install -e . (or make build)")]
    found = [Finding("ok", "Frankly", f"{version}, {installed_from}")]
    wrong: list[str] = []
    for line in metadata.requires("frankly") or []:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue  # test-only extras
        try:
            have = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            wrong.append(f"{requirement.name} is missing (needs {requirement.specifier or 'any version'})")
            continue
        if requirement.name in ("mkdocs", "mkdocs-material"):
            found.append(Finding("ok" if requirement.specifier.contains(have, prereleases=True) else "fail",
                                 requirement.name, f"{have} (Frankly needs {requirement.specifier})"))
        elif not requirement.specifier.contains(have, prereleases=True):
            wrong.append(f"{requirement.name} {have} (needs {requirement.specifier})")
    if wrong:
        found.append(Finding("fail", "packages", "; ".join(wrong) + ": pip install -r requirements.txt again"))
    return found


def git_findings(paths: ProjectPaths) -> list[Finding]:
    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(["git", *args], cwd=paths.root, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    if git("--version") is None:
        return [Finding("warn", "git", "git is not installed: the check that published addresses keep working is skipped")]
    if git("rev-parse", "--show-toplevel") is None:
        return [Finding("warn", "git", f"{paths.root} is not a git repository: commit the site to publish it (git init)")]
    commits = git("rev-list", "--count", "HEAD")
    if commits is None:
        return [Finding("ok", "git", "a repository with no commit yet")]
    if git("rev-parse", "--is-shallow-repository") == "true":
        level = "fail" if in_ci() else "warn"
        return [Finding(level, "git", f"a shallow clone ({counted(int(commits), 'commit')}): renamed or deleted incidents "
                        "cannot be seen; git fetch --unshallow (in GitHub Actions: fetch-depth: 0)")]
    return [Finding("ok", "git", f"the whole history, {counted(int(commits), 'commit')}")]


def site_findings(paths: ProjectPaths) -> list[Finding]:
    """Whether the inputs load, and the placeholders left from `frankly init`."""
    from generator.checks.placeholders import placeholder_warnings

    try:
        catalog = load_all(paths)
    except InvalidInput as exc:
        return [Finding("fail", "inputs", f"{counted(len(exc.problems), 'problem')} in the incident files or site.yaml: run frankly check")]
    found = [Finding("ok", "inputs", f"{counted(len(catalog.incidents), 'entry', 'entries')} and site.yaml are valid")]
    left = placeholder_warnings(paths, catalog)
    if left:
        found.append(Finding("warn", "site.yaml", f"{counted(len(left), 'placeholder')} left from frankly init "
                             f"(first: {left[0].path}:{left[0].line}): frankly check lists them"))
    return found


def cache_finding(root: Path) -> Finding:
    cache = root / ".cache" / "frankly"
    if not cache.exists():
        return Finding("ok", "cache", f"{cache} does not exist yet (the first build makes it; cards are drawn once)")
    try:
        with tempfile.NamedTemporaryFile(dir=cache, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Finding("fail", "cache", f"{cache} is not writable ({exc.strerror}): fix its owner or remove it")
    size = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file())
    return Finding("ok", "cache", f"{cache}, {size / 1048576:.1f} MB, writable")


def port_finding(address: str = "127.0.0.1:8000") -> Finding:
    host, _, port = address.rpartition(":")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, int(port)))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return Finding("warn", "serve", f"{address} is taken (another frankly serve?): "
                               f"frankly serve -a {host}:{int(port) + 1}")
            return Finding("warn", "serve", f"cannot listen on {address}: {exc.strerror}")
    return Finding("ok", "serve", f"{address} is free for frankly serve")


def environment_findings(paths: ProjectPaths, installed_from: str) -> list[Finding]:
    found = [python_finding(), *package_findings(installed_from), *git_findings(paths)]
    if paths.site_config.exists():
        found += site_findings(paths)
    else:
        found.append(Finding("fail", "inputs", f"no {paths.site_config.name} at {paths.site_config}: run frankly doctor in the site's folder, or frankly init"))
    found += [cache_finding(paths.root), port_finding()]
    if in_ci():
        found.append(Finding("ok", "CI", "running in CI (CI or GITHUB_ACTIONS is true): a shallow clone fails the address check"))
    return found
