"""The entries' folders, made ahead by a process of their own while the build goes on.

A build at 10,000 entries makes 10,000 folders in ``incidents/``. Made by the
publishing processes one at a time, just before each entry's files, their
``mkdir`` calls were the largest part of publishing unchanged entries (~0.9 s
of the parent's ~1.6 s at 10,000): two processes making folders in the same
folder take turns on its lock. Made ahead by ``xargs mkdir`` (no Python in the
loop, so no wait on this process's interpreter lock), they are made on the
other core while this process renders the site-wide outputs, and are there
when publishing starts.

Only a folder known to be made is skipped by the writer: if ``mkdir`` fails for
any (one exists already, the disk is full), none counts as made and each is
made, or fails with its own error, as before.

In a Frankly staging folder (`frankly build`), they are started in on_config,
while this process derives the report: a CI build, which has no previous
site's folders to take over, made them in on_files (~0.3 s of the other core
at 10,000), in the way of this process rendering the site-wide outputs on the
same two cores, and left the other core idle while the report was derived. mkdocs
cleans site_dir after on_config, but leaves names that begin with a dot: the
folders are made in ``.frankly-entries-<pid>/`` and that folder is renamed to
``incidents/`` in on_files (:meth:`FoldersAhead.reveal`); ``mkdir`` runs in it
by its inode, so the rename does not disturb it. A build that fails takes its
staging folder with it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

from generator.publication.staging import ENTRIES

#: Below this many folders, making them here costs less than starting a process.
AHEAD_FROM = 500
#: The folder the entries' folders are made in before mkdocs has cleaned site_dir (see above).
HIDDEN = ".frankly-entries-"


class FoldersAhead:
    """Site-relative folders (``incidents/<slug>``) being made in ``site_dir``; with ``hidden``,
    in a folder of its own until :meth:`reveal` moves it to ``incidents/``."""

    def __init__(self, site_dir: Path, folders: Sequence[str], hidden: bool = False):
        self.folders = frozenset(folders)
        self._process: subprocess.Popen | None = None
        self._hidden: Path | None = None
        self._site_dir = site_dir
        xargs, mkdir = shutil.which("xargs"), shutil.which("mkdir")
        if len(self.folders) < AHEAD_FROM or xargs is None or mkdir is None or os.name != "posix":
            return
        parents = {folder.rpartition("/")[0] for folder in self.folders} - {""}
        if hidden and parents == {ENTRIES}:
            self._hidden = where = site_dir / f"{HIDDEN}{os.getpid()}"
            shutil.rmtree(where, ignore_errors=True)
            os.makedirs(where)
            names = sorted(folder.partition("/")[2] for folder in self.folders)
        else:
            where, names = site_dir, sorted(self.folders)
            for parent in sorted(parents):
                os.makedirs(site_dir / parent, exist_ok=True)
        # The names go through a file, not a pipe: xargs reads its input only between
        # its mkdir runs, so writing ~400 KB to a pipe would keep this process waiting.
        with tempfile.TemporaryFile() as listing:
            listing.write(b"\0".join(os.fsencode(name) for name in names))
            listing.seek(0)
            self._process = subprocess.Popen(
                [xargs, "-0", mkdir, "--"], cwd=where, stdin=listing,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )

    def reveal(self) -> None:
        """mkdocs has cleaned site_dir: the hidden folder becomes ``incidents/`` (else none counts as made)."""
        hidden, self._hidden = self._hidden, None
        if hidden is None:
            return
        try:
            os.rename(hidden, self._site_dir / ENTRIES)
        except OSError:  # an incidents/ there already: the writer makes each folder
            self.cancel()
            shutil.rmtree(hidden, ignore_errors=True)

    def wait(self) -> frozenset[str]:
        """The folders now made; empty if they were not all made (or not made ahead)."""
        assert self._hidden is None, "reveal() comes first"
        process, self._process = self._process, None
        if process is None:
            return frozenset()
        return self.folders if process.wait() == 0 else frozenset()

    def cancel(self) -> None:
        """The build failed: stop making folders in a staging folder about to be removed."""
        if self._process is not None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)  # xargs and the mkdir it runs
            except ProcessLookupError:
                pass
            self._process.wait()
            self._process = None
        if self._hidden is not None:
            shutil.rmtree(self._hidden, ignore_errors=True)
            self._hidden = None
