"""The entry files of a project, as the editing commands read, validate and write them.

The whole project is validated with the real :func:`load_all` on the
would-be content before anything is written, and the file is replaced
atomically (temporary file + ``os.replace``). On any error the file is left
exactly as it was. Writers of one project take turns (:func:`writer_lock`):
two editors who run `frankly update` at the same moment both get their
update into the file, one after the other.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import filelock

from generator.editing.values import EditError
from generator.input.files import FileProblem, read_text
from generator.input.load import Catalog, ProjectPaths, load_all, load_site_config, slug_of
from generator.input.model import Site
from generator.input.problems import InvalidInput, Problems, display_path
from generator.input.values import Kind
from generator.input.yamlnodes import YamlProblem
from generator.input.yamlsource import read_yaml

# ---------------------------------------------------------------- the project


@dataclass(frozen=True)
class Edit:
    """One planned change: the file, its bytes before (None: new file) and after."""

    path: Path
    before: str | None
    after: str
    summary: str


def load_site(paths: ProjectPaths) -> Site:
    problems = Problems()
    site = load_site_config(paths, problems)
    if site is None:
        raise EditError(problems.report().rsplit("\n", 1)[0] + "\nFix site.yaml first; nothing was written.")
    return site


def find_entry(paths: ProjectPaths, given: str) -> Path:
    """The incident file for a slug, a file name or a path; a unique '-suffix' match is accepted too."""
    slug = slug_of(given)
    file = paths.incidents_dir / f"{slug}.yaml"
    if file.is_file():
        return file
    existing = sorted(p.stem for p in paths.incidents_dir.glob("*.yaml")) if paths.incidents_dir.is_dir() else []
    matches = [s for s in existing if s.endswith("-" + slug)]
    if len(matches) == 1:
        return paths.incidents_dir / f"{matches[0]}.yaml"
    shown = display_path(paths.incidents_dir, paths.root)
    if len(matches) > 1:
        raise EditError(f"'{given}' matches several entries: {', '.join(matches)}; give the full slug")
    hint = difflib.get_close_matches(slug, existing, n=1, cutoff=0.6)
    guess = f"; did you mean '{hint[0]}'?" if hint else ""
    raise EditError(f"no entry '{slug}': {shown}/{slug}.yaml does not exist{guess}")


def read_entry(file: Path, paths: ProjectPaths) -> tuple[str, dict[str, Any]]:
    shown = display_path(file, paths.root)
    try:
        text = read_text(file, paths.root)
        data, _ = read_yaml(text)
    except (FileProblem, YamlProblem) as exc:
        raise EditError(f"{shown}:{exc.position.line}:{exc.position.column}: {exc.message}\nFix the file first; nothing was written.") from None
    if not isinstance(data, dict):
        raise EditError(f"{shown}:1:1: the file must be a YAML mapping of keys (title:, updates:, ...)")
    return text, data


def entry_kind(data: dict[str, Any], shown: str) -> Kind:
    try:
        return Kind(data.get("kind"))
    except ValueError:
        raise EditError(f"{shown}: 'kind' is not incident, maintenance or notice; run `frankly check` and fix it first") from None


def current_status(data: dict[str, Any], shown: str) -> str:
    updates = data.get("updates")
    if not isinstance(updates, list) or not updates or not isinstance(updates[-1], dict) or not isinstance(updates[-1].get("status"), str):
        raise EditError(f"{shown}: the last update has no status; run `frankly check` and fix it first")
    return updates[-1]["status"]


def validate(paths: ProjectPaths, edit: Edit) -> Catalog:
    """Load the whole project as it would be after ``edit``; raise EditError with every problem."""
    try:
        return load_all(paths, pending={edit.path: edit.after})
    except InvalidInput as exc:
        shown = display_path(edit.path, paths.root)
        lines = [str(p) for p in exc.problems.sorted()]
        lines.append(
            f"Nothing was written: {shown} is unchanged. "
            + (f"Line numbers in {shown} refer to the file as it would have been after this change." if edit.before is not None else "")
        )
        raise EditError("\n".join(line.rstrip() for line in lines)) from None


#: Seconds a command waits for another one writing to the same project.
LOCK_WAIT = 60


@contextlib.contextmanager
def writer_lock(paths: ProjectPaths) -> Iterator[None]:
    """Hold the project's writer lock: read, plan, validate and write inside it.

    An operating-system lock (``filelock``: flock on Linux and macOS, the
    runner of CI included, LockFileEx on Windows) on ``.cache/frankly/edit.lock``
    beside mkdocs.yml; released by the system if the process dies.
    """
    lock_file = paths.root / ".cache" / "frankly" / "edit.lock"
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(lock_file, timeout=LOCK_WAIT)
        lock.acquire()
    except filelock.Timeout:
        raise EditError(
            f"another frankly command has been writing to this project for {LOCK_WAIT} s "
            f"({display_path(lock_file, paths.root)} is held); nothing was written: run the command again"
        ) from None
    except OSError as exc:
        raise EditError(f"cannot lock {display_path(lock_file, paths.root)}: {exc.strerror or exc}; nothing was written") from None
    try:
        yield
    finally:
        lock.release()


def write_atomically(path: Path, text: str, *, new: bool) -> None:
    """Write via a temporary file in the same folder and a rename: readers see the old or the new file, never half."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if new:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the file from a web server or other editors
            try:
                os.link(tmp, path)  # fails if the file appeared meanwhile: never overwrite
            except FileExistsError:
                raise EditError(f"{path.name} already exists; nothing was written") from None
            except OSError:
                if path.exists():
                    raise EditError(f"{path.name} already exists; nothing was written") from None
                os.replace(tmp, path)
        else:
            shutil.copymode(path, tmp)
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _current(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def apply(paths: ProjectPaths, edit: Edit) -> Catalog:
    """Validate the project with the edit, then write it. Nothing is written on any error."""
    catalog = validate(paths, edit)
    if edit.before is not None and _current(edit.path) != edit.before:
        raise EditError(f"{display_path(edit.path, paths.root)} changed on disk while this command ran; nothing was written, run it again")
    try:
        edit.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(edit.path, edit.after, new=edit.before is None)
    except OSError as exc:
        raise EditError(f"cannot write {display_path(edit.path, paths.root)}: {exc.strerror or exc}; nothing was written") from None
    return catalog
