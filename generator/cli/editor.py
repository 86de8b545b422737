"""What the editing commands share: their options, reading a message (argument,
-m, standard input or $EDITOR), and writing an edit under the project's lock."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Callable

import click

from generator.editing.entries import Edit, apply, writer_lock
from generator.editing.values import EditError, parse_now
from generator.input.load import Catalog

SCISSORS = "# ------------------------ >8 ------------------------"

NOW_OPTION = click.option(
    "--now", "now_text", envvar="FRANKLY_NOW", default=None, metavar="TIME",
    help="Use this time instead of the clock (ISO with UTC offset, e.g. 2026-11-20T09:14:00+01:00). Also env FRANKLY_NOW.",
)
NEXT_UPDATE_OPTION = click.option(
    "--next-update", default=None, metavar="WHEN",
    help="Promise the next update: 30m, 1h, 2h30m, 1d, a time of day (14:00) or a timestamp.",
)
POSTED_TO_OPTION = click.option(
    "--posted-to", multiple=True, metavar="URL",
    help="Where this update also went out: a post's URL, or a channel name (sms, email). Repeatable.",
)


def read_message(given: str | None, what: str, context: str) -> str:
    """The text from the argument, from stdin ('-' or piped), or from $EDITOR."""
    if given == "-" or (given is None and not stdin_is_tty()):
        text = sys.stdin.read()
    elif given is not None:
        text = given
    else:
        template = f"\n\n{SCISSORS}\n# Write the {what} above this line; everything below it is ignored.\n# {context}\n"
        edited = click.edit(template, extension=".md", require_save=True)
        if edited is None:
            raise EditError(f"the {what} was not saved; nothing was written")
        text = edited.split(SCISSORS, 1)[0]
    if not text.strip():
        raise EditError(
            f"the {what} is empty; nothing was written. Give it as the last argument or with -m \"...\", "
            "pipe it in (or give - to read standard input), or write it in the editor that opens when you give none"
        )
    return text


def one_message(argument: str | None, option: str | None) -> str | None:
    """The message given as the last argument or with -m (either form, as editors type it)."""
    if argument is not None and option is not None and argument != option:
        raise EditError("the message was given twice (as an argument and with -m); give it once")
    return option if option is not None else argument


MESSAGE_OPTION = click.option("--message", "-m", "message_option", default=None,
                              help="The message ('-' reads stdin); the same as giving it as the last argument.")


def stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def write(paths, site, now_text, plan: Callable[[datetime], Edit]) -> tuple[Edit, Catalog]:
    """Plan and write an edit holding the project's writer lock.

    "now" is read inside the lock, after the message was written: two editors
    who run a command at the same moment get their changes in one after the
    other, in the order of their timestamps, and neither is lost.
    """
    with writer_lock(paths):
        edit = plan(parse_now(now_text, site))
        return edit, apply(paths, edit)
