"""`frankly init DIR`: a new status-site repository for a company that installs Frankly
as a package; `frankly init --here`: this repository, used as a template, without its demo.

The files live in ``generator/editing/new_site/`` as package data. Names starting with
``dot-`` become dotfiles (``dot-github`` -> ``.github``) because package-data
globs skip hidden files. How the new site installs Frankly is install_route.py's.
"""

from __future__ import annotations

import subprocess
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from generator.editing.install_route import InstallRoute, place_wheel
from generator.input.load import ProjectPaths

SCAFFOLD = resources.files("generator.editing") / "new_site"


class ScaffoldError(Exception):
    """Why init refused; nothing was written."""


def _files(folder: Traversable, prefix: tuple[str, ...] = ()):
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = "." + entry.name[4:] if entry.name.startswith("dot-") else entry.name
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            yield from _files(entry, prefix + (name,))
        else:
            yield prefix + (name,), entry


def create(directory: Path, route: InstallRoute) -> list[Path]:
    """Write the scaffold into ``directory`` (missing or empty); return the files written."""
    if directory.exists() and not directory.is_dir():
        raise ScaffoldError(f"{directory} is a file; give a folder that is empty or does not exist yet")
    if directory.is_dir() and any(directory.iterdir()):
        raise ScaffoldError(f"{directory} is not empty; frankly init only writes into an empty or new folder, so nothing was written")
    written: list[Path] = []
    for parts, entry in _files(SCAFFOLD):
        target = directory.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        content = entry.read_bytes()
        if parts == ("requirements.txt",):
            content = requirements(route).encode("utf-8")
        target.write_bytes(content)
        written.append(target)
    wheel = place_wheel(route, directory)
    return written + ([wheel] if wheel else [])


def requirements(route: InstallRoute) -> str:
    """The new site's requirements.txt: Frankly, by the chosen route (its CI installs the same)."""
    template = (SCAFFOLD / "requirements.txt").read_text(encoding="utf-8")
    return template.replace("{how}", route.explanation).replace("{frankly_requirement}", route.requirement)


# What `init --here` replaces: the demo's entries and templates go, the scaffold's
# site.yaml and about page come instead; the rest (mkdocs.yml, workflows, docs) stays.
DEMO_FOLDERS = ("incidents", "site_config/templates")
REPLACED = (("site_config", "site.yaml"), ("docs", "about.md"))


def reset_here(paths: ProjectPaths) -> tuple[list[Path], list[Path]]:
    """Remove the demo content of the repository at ``paths`` and write a clean site
    (the scaffold's site.yaml, marked with the commit it started from). Refuses
    unless everything is committed, so git keeps whatever is removed."""
    root = paths.root
    status = _git(root, "status", "--porcelain", "--untracked-files=all")
    if status is None:
        raise ScaffoldError(f"{root} is not a git repository; frankly init --here removes the demo only from a clone, "
                            "where git keeps what is removed")
    if status.strip():
        raise ScaffoldError("there are uncommitted changes; commit or stash them first, so that git keeps "
                            "everything frankly init --here removes (nothing was changed)")
    head = (_git(root, "rev-parse", "HEAD") or "").strip()
    if not head:
        raise ScaffoldError("this repository has no commit yet; frankly init --here is for a clone of an existing site")
    removed: list[Path] = []
    for folder in (paths.incidents_dir, paths.site_config.parent / "templates"):
        for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            file.unlink()
            removed.append(file)
    written: list[Path] = []
    for parts, entry in _files(SCAFFOLD):
        if parts == ("site_config", "site.yaml"):
            target = paths.site_config
            content = entry.read_text(encoding="utf-8") + _started_from(head)
        elif parts in REPLACED or parts[:2] == ("site_config", "templates"):
            target = root.joinpath(*parts)
            content = entry.read_text(encoding="utf-8")
        else:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(target)
    paths.incidents_dir.mkdir(exist_ok=True)
    return removed, written


def _started_from(head: str) -> str:
    return (
        "# This site began as a copy of another repository at this commit: the incident files it\n"
        "# held (the demo) were never published here, so removing them breaks no address.\n"
        f"addresses_since: {head}\n"
    )


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None
