"""A build is made in a staging folder beside ``site/`` and swapped in whole.

What a reader (or the web server) finds at ``site/`` is always one complete
site, the old or the new: on Linux the two folders are exchanged in one
system call (``renameat2`` with ``RENAME_EXCHANGE``); elsewhere two renames a
moment apart. A build that is killed leaves its staging folder behind; the
next build removes every such folder whose build process is gone, and never
one of a build still running.

The swapped-out site's entry folders are kept beside it (``keep_previous``) for
the next build, which claims them (``claim_previous``) and takes over those of
unchanged entries in one rename (generator/publication/kept.py): no folder, no
link and no `rm -rf` per unchanged entry.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import subprocess
from pathlib import Path

from generator.outputs import urls

STAGING = ".site-build-"
PREVIOUS = ".site-previous-"
#: The last swapped-out site's entry folders, for the next build to claim: ``<KEPT><site folder's name>``.
#: Named within PREVIOUS so that every project's .gitignore (``/.site-previous-*/``) already leaves it out.
KEPT = f"{PREVIOUS}kept-"
#: Kept entry folders a build has claimed: ``<PREVIOUS><pid><CLAIMED>``, removed as a leftover once that build is gone.
CLAIMED = "-claimed"
_LEFTOVER = re.compile(rf"^(?:{re.escape(STAGING)}|{re.escape(PREVIOUS)})(\d+)(?:{re.escape(CLAIMED)})?$")
#: The folder of a site (and of each other language's part) that holds its entries' folders.
ENTRIES = urls.ENTRIES.rstrip("/")
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def staging_folder(final: Path) -> Path:
    """This build's staging folder, beside ``final``."""
    return final.parent / f"{STAGING}{os.getpid()}"


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: running
        return True
    return True


def remove_leftovers(final: Path) -> list[Path]:
    """Remove the staging and previous-site folders of builds that are gone; return them."""
    found = []
    try:
        entries = list(final.parent.iterdir())
    except OSError:
        return found
    for entry in entries:
        match = _LEFTOVER.match(entry.name)
        if match and entry.is_dir() and not entry.is_symlink() and not _running(int(match.group(1))):
            found.append(entry)
            remove_in_background(entry)
    return found


def remove_in_background(folder: Path) -> None:
    """Delete ``folder`` with a detached `rm -rf`: at 10,000 entries that is
    50,000 files and ~12 s of disk work nobody needs to wait for."""
    rm = shutil.which("rm")
    if rm is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    subprocess.Popen(
        [rm, "-rf", "--", str(folder)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step; False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(second))


def swap_into_place(staging: Path, final: Path, keep: bool = False) -> None:
    """Put the complete site at ``staging`` in the place of ``final``; the old one is deleted
    after, but for its entry folders if ``keep`` (``keep_previous``)."""
    if final.is_dir() and not final.is_symlink():
        if _exchange(staging, final):
            previous = staging  # now the old site
        else:
            previous = final.parent / f"{PREVIOUS}{os.getpid()}"
            final.rename(previous)
            staging.rename(final)
        if not (keep and keep_previous(previous, final)):
            remove_in_background(previous)
        return
    if final.is_symlink() or final.exists():
        final.unlink()  # a file or a link where the site goes: replaced, as mkdocs would
    staging.rename(final)


def keep_previous(previous: Path, final: Path) -> bool:
    """Keep the entry folders of ``previous`` (the site just swapped out of ``final``) as
    ``final``'s kept folders; the rest of it is deleted in the background. False, and
    nothing kept, when another build has left kept folders there already."""
    kept = final.parent / f"{KEPT}{final.name}"
    try:
        os.rename(previous, kept)  # fails on a non-empty folder of that name: the other build's stay
    except OSError:
        return False
    rest = final.parent / f"{PREVIOUS}{os.getpid()}"
    try:
        os.mkdir(rest)
        _move_all_but_entries(kept, rest, depth=0)
    except OSError:
        pass  # what could not be moved stays until the kept folders are claimed, and goes then
    remove_in_background(rest)
    return True


def _move_all_but_entries(folder: Path, rest: Path, depth: int) -> None:
    """Move everything below ``folder`` into ``rest`` but its ``incidents/`` and, one level
    down, other languages' ``<lang>/incidents/`` (a folder with ``incidents/`` in it)."""
    for name in os.listdir(folder):
        path = folder / name
        if name == ENTRIES and path.is_dir() and not path.is_symlink():
            continue
        if depth == 0 and path.is_dir() and not path.is_symlink() and (path / ENTRIES).is_dir():
            (rest / name).mkdir()
            _move_all_but_entries(path, rest / name, depth=1)
            continue
        os.rename(path, rest / name)


def claim_previous(final: Path) -> Path | None:
    """Take the kept entry folders of ``final`` for this build (one rename: two builds at
    once never both get them); None if there are none. The caller removes them when done."""
    kept, claimed = final.parent / f"{KEPT}{final.name}", final.parent / f"{PREVIOUS}{os.getpid()}{CLAIMED}"
    try:
        os.rename(kept, claimed)
    except OSError:
        return None
    if claimed.is_symlink() or not claimed.is_dir():  # not ours: only ever a folder we renamed there
        claimed.unlink()
        return None
    return claimed


def folder_size(folder: Path) -> int:
    """Bytes of the files below ``folder`` (0 when it is gone)."""
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total
