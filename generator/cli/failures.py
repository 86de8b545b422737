"""What an editor sees when Frankly itself fails: one line, never a traceback.

The line says which command failed, what the error was and where in the
code, that nothing the editor wrote was changed, and where the full report
(the traceback, the command line, the versions) was written. ``--debug``
anywhere on the command line, or ``FRANKLY_DEBUG=1``, shows the traceback
instead.
"""

from __future__ import annotations

import os
import sys

import click

from generator.publication.reports import DEBUG_FLAG, one_line, write_report


def debugging(args: list[str]) -> bool:
    return DEBUG_FLAG in args or os.environ.get("FRANKLY_DEBUG", "") not in ("", "0")


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
