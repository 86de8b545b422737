"""The `frankly` command line: the console script and nothing else.

Each command module defines plain click commands; this group gathers them.
The site commands (check, build, serve, post) are in :mod:`.site`, `notify` in :mod:`.notify`, the editing
commands (new, update, resolve, apologize, compensate, init) in :mod:`.editing`, translate in :mod:`.translate`,
doctor and reference in :mod:`.doctor`, catalog in :mod:`.catalog`, what they share in :mod:`.common`.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn

import click

from generator.cli.catalog import CATALOG_COMMANDS
from generator.cli.doctor import HELP_COMMANDS
from generator.cli.editing import EDIT_COMMANDS
from generator.cli.failures import FranklyGroup
from generator.cli.notify import NOTIFY_COMMANDS
from generator.cli.postmortem import POSTMORTEM_COMMANDS
from generator.cli.site import SITE_COMMANDS
from generator.workers import relax_gc


@click.group(cls=FranklyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="frankly")
def main() -> None:
    """Frankly: an honest status site from incident files in git.

    Write one YAML file per incident, maintenance or notice in incidents/,
    describe the services in site_config/site.yaml, then run `frankly check`
    and `frankly build`. Add --debug to any command to see a traceback
    instead of the one-line report of an unexpected error.
    """
    relax_gc()


for _command in [*SITE_COMMANDS, *EDIT_COMMANDS, *POSTMORTEM_COMMANDS, *NOTIFY_COMMANDS, *HELP_COMMANDS, *CATALOG_COMMANDS]:
    main.add_command(_command)


def run() -> NoReturn:
    """The console script: `frankly` as main() runs it, then an exit that skips freeing
    every object one by one. A build at 10,000 entries holds millions of them, and
    Python's teardown of them took ~2 s after the build had ended; the system takes
    the memory back at once. Exit handlers still run and the output is flushed; with
    other threads still running (none after a command ends, normally) the exit is Python's own."""
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):  # as Python's own exit prints it
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()  # logging's flush, tempfile's and weakref.finalize's clean-ups
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away, a closed stream: nothing left to say
            pass
    os._exit(code & 0xFF)  # as the system truncates sys.exit(256) or sys.exit(-1)


if __name__ == "__main__":  # pragma: no cover
    run()
