"""`frankly init DIR`: a new status-site repository for a company that installs Frankly as a package.

The files live in ``generator/editing/new_site/`` as package data. Names starting with
``dot-`` become dotfiles (``dot-github`` -> ``.github``) because package-data
globs skip hidden files.
"""

from __future__ import annotations

from importlib import metadata, resources
from importlib.abc import Traversable
from pathlib import Path

SCAFFOLD = resources.files("generator.editing") / "new_site"


class ScaffoldError(Exception):
    """Why init refused; nothing was written."""


def _version() -> str:
    try:
        return metadata.version("frankly")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0.1.0"


def _files(folder: Traversable, prefix: tuple[str, ...] = ()):
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = "." + entry.name[4:] if entry.name.startswith("dot-") else entry.name
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            yield from _files(entry, prefix + (name,))
        else:
            yield prefix + (name,), entry


def create(directory: Path) -> list[Path]:
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
            content = content.replace(b"{frankly_version}", _version().encode("ascii"))
        target.write_bytes(content)
        written.append(target)
    return written
