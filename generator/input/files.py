"""Reading an input file: only a regular file inside the project, within limits.

An incident folder is written by many hands: what sits in it may be a symlink
to a file elsewhere on the machine (whose content must neither be published
nor echoed in an error), to ``/dev/zero`` (read until memory runs out), a FIFO
(``open`` waits forever), a folder named ``x.yaml``, or a file of gigabytes.
Each of these is a problem with its path; nothing is read beyond the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.input.limits import LIMITS, Limits
from generator.input.yamlnodes import Position, position_at

_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a device",
          stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket"}


class FileProblem(Exception):
    """Why a file cannot be read as input; ``position`` is where, 1:1 when it is the whole file."""

    def __init__(self, message: str, position: Position = Position(1, 1)):
        super().__init__(message)
        self.message = message
        self.position = position


def _inside(path: Path, root: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
    except ValueError:
        return False
    return True


def read_text(path: Path, root: Path, limits: Limits = LIMITS) -> str:
    """The UTF-8 text of ``path``; raises :class:`FileProblem` for anything else.

    Opened without blocking (a FIFO answers at once) and checked on the open
    file itself, so what is read is what was checked.
    """
    try:
        link = path.is_symlink()
        if link and not _inside(path, root):
            raise FileProblem("this is a symbolic link to a file outside the project; copy the file into the project instead")
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
        if not link:
            flags |= getattr(os, "O_NOFOLLOW", 0)  # replaced by a link since the check above: refuse, do not follow
        fd = os.open(path, flags)
    except FileProblem:
        raise
    except OSError as exc:
        raise FileProblem(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise FileProblem(f"this is {kind}, not a file; only regular files are read: remove it or replace it with a file")
        if info.st_size > limits.file_bytes:
            raise FileProblem(_too_large(info.st_size, limits))
        chunks, size = [], 0
        while size <= limits.file_bytes:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limits.file_bytes:  # grew while being read
            raise FileProblem(_too_large(size, limits))
    except OSError as exc:
        raise FileProblem(f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace")
        raise FileProblem(
            f"the file is not UTF-8 text: byte 0x{data[exc.start]:02X} here cannot be read; save the file as UTF-8",
            position_at(before, len(before)),
        ) from None


def _too_large(size: int, limits: Limits) -> str:
    return (f"the file is {size / 1048576:,.1f} MiB, more than the {limits.file_bytes // 1048576} MiB an input file may hold; "
            "an incident is a few kilobytes: publish long documents elsewhere and link to them")
