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
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

#: Below this many folders, making them here costs less than starting a process.
AHEAD_FROM = 500


class FoldersAhead:
    """Site-relative folders (``incidents/<slug>``) being made in ``site_dir``."""

    def __init__(self, site_dir: Path, folders: Sequence[str]):
        self.folders = frozenset(folders)
        self._process: subprocess.Popen | None = None
        xargs, mkdir = shutil.which("xargs"), shutil.which("mkdir")
        if len(self.folders) < AHEAD_FROM or xargs is None or mkdir is None or os.name != "posix":
            return
        for parent in sorted({folder.rpartition("/")[0] for folder in self.folders} - {""}):
            os.makedirs(site_dir / parent, exist_ok=True)
        # The names go through a file, not a pipe: xargs reads its input only between
        # its mkdir runs, so writing ~400 KB to a pipe would keep this process waiting.
        with tempfile.TemporaryFile() as names:
            names.write(b"\0".join(os.fsencode(folder) for folder in sorted(self.folders)))
            names.seek(0)
            self._process = subprocess.Popen(
                [xargs, "-0", mkdir, "--"], cwd=site_dir, stdin=names,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )

    def wait(self) -> frozenset[str]:
        """The folders now made; empty if they were not all made (or not made ahead)."""
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
            self.wait()
