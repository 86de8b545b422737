"""What an editor sees when Frankly itself fails: one line, never a traceback.

The line says which command failed, what the error was and where in the
code, that nothing the editor wrote was changed, and where the full report
(the traceback, the command line, the versions) was written. ``--debug``
anywhere on the command line, or ``FRANKLY_DEBUG=1``, shows the traceback
instead.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import traceback
from datetime import datetime, timezone
from pathlib import Path

import click

from generator.input.problems import printable
from generator.publication.workers import WorkerFailed

DEBUG_FLAG = "--debug"


def debugging(args: list[str]) -> bool:
    return DEBUG_FLAG in args or os.environ.get("FRANKLY_DEBUG", "") not in ("", "0")


def write_report(exc: BaseException, argv: list[str]) -> Path:
    """The full report of ``exc`` in a new file of the system's temporary folder."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    handle, name = tempfile.mkstemp(prefix=f"frankly-error-{stamp}-", suffix=".log")
    text = "".join(traceback.format_exception(exc))
    if isinstance(exc, WorkerFailed):
        text += "\nIn the worker process:\n" + exc.child_traceback
    cause = exc.__cause__
    if isinstance(cause, WorkerFailed) and cause is not exc:
        text += "\nIn the worker process:\n" + cause.child_traceback
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
    """The innermost frame of Frankly's own code, as 'generator/x.py:12', else the innermost one."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f"{os.sep}generator{os.sep}" in f.filename] or frames
    if not ours:
        return "unknown place"
    frame = ours[-1]
    shown = frame.filename.split(f"{os.sep}generator{os.sep}", 1)
    return (f"generator/{shown[1]}" if len(shown) == 2 else frame.filename) + f":{frame.lineno}"


def one_line(command: str, exc: BaseException, report: Path) -> str:
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if len(what) > 300:
        what = what[:300] + "…"
    return printable(
        f"frankly {command} failed unexpectedly: {what} (at {_where(exc)}). Nothing you wrote was changed. "
        f"The full report is in {report}; run the command again with {DEBUG_FLAG} to see it here."
    )


class FranklyGroup(click.Group):
    """The `frankly` group: an unexpected exception in any command becomes one line and exit status 1."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # --debug is accepted anywhere (`frankly build --debug`), before any `--`.
        end = args.index("--") if "--" in args else len(args)
        ctx.meta["frankly_debug"] = debugging(args[:end])
        args = [arg for index, arg in enumerate(args) if not (index < end and arg == DEBUG_FLAG)]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if ctx.meta.get("frankly_debug"):
                raise
            report = write_report(exc, sys.argv)
            click.echo(one_line(ctx.invoked_subcommand or "", exc, report), err=True)
            sys.exit(1)
