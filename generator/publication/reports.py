"""The report of an unexpected error: one line for the editor, the full
traceback in a file of the system's temporary folder.

Used by the command line (every command) and by the plugin while `frankly
serve` rebuilds, so that an editor never reads a raw traceback.
"""

from __future__ import annotations

import os
import platform
import re
import sys
import tempfile
import traceback
from datetime import datetime, timezone
from pathlib import Path

from generator.input.problems import printable
from generator.workers import WorkerFailed

DEBUG_FLAG = "--debug"


def write_report(exc: BaseException, argv: list[str]) -> Path:
    """The full report of ``exc`` in a new file of the system's temporary folder."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    handle, name = tempfile.mkstemp(prefix=f"frankly-error-{stamp}-", suffix=".log")
    text = "".join(traceback.format_exception(exc))
    failed = _worker_failure(exc)
    if failed is not None:
        text += "\nIn the worker process:\n" + failed.child_traceback
    with os.fdopen(handle, "w", encoding="utf-8") as report:
        report.write(f"command: {' '.join(argv)}\ncwd: {os.getcwd()}\npython: {sys.version.split()[0]} on {platform.platform()}\n")
        report.write(f"frankly: {_version()}\n\n{text}")
    return Path(name)


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("frankly")
    except metadata.PackageNotFoundError:
        return "not installed"


def _where(exc: BaseException) -> str:
    """The innermost frame of Frankly's own code, as 'generator/x.py:12', else the innermost one;
    for a worker process's failure, in that process's traceback."""
    frames = [(f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__)]
    failed = _worker_failure(exc)
    if failed is not None:
        frames = [(name, int(line)) for name, line in _FRAME.findall(failed.child_traceback)] or frames
    ours = [f for f in frames if f"{os.sep}generator{os.sep}" in f[0]] or frames
    if not ours:
        return "unknown place"
    filename, lineno = ours[-1]
    shown = filename.split(f"{os.sep}generator{os.sep}", 1)
    return (f"generator/{shown[1]}" if len(shown) == 2 else filename) + f":{lineno}"


def _worker_failure(exc: BaseException) -> WorkerFailed | None:
    """The worker process's failure ``exc`` is, or was raised from (an OSError raised as itself)."""
    return next((e for e in (exc, exc.__cause__) if isinstance(e, WorkerFailed)), None)


#: A frame's line of a formatted traceback (traceback.format_exc).
_FRAME = re.compile(r'^  File "(.+)", line (\d+)', re.MULTILINE)


def one_line(command: str, exc: BaseException, report: Path) -> str:
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if len(what) > 300:
        what = what[:300] + "…"
    return printable(
        f"frankly {command} failed unexpectedly: {what} (at {_where(exc)}). Nothing you wrote was changed. "
        f"The full report is in {report}; run the command again with {DEBUG_FLAG} to see it here."
    )
