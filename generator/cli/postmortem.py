"""`frankly postmortem`: the root cause, what changes, and action items, written
through the same byte-keeping engine as the other editing commands; and
`--done` to mark an action item done later."""

from __future__ import annotations

import re
import sys

import click

from generator.cli.common import CONFIG_OPTION, fail, project_paths
from generator.cli.editor import NOW_OPTION, SCISSORS, stdin_is_tty, write
from generator.editing.entries import find_entry, load_site
from generator.editing.plans import plan_action_done, plan_postmortem, public_url
from generator.editing.values import EditError, parse_now


POSTMORTEM_SECTIONS = ("Root cause: why it happened", "What changes so it does not happen again",
                       "Action items, one per line: what will change; who owns it; due date (optional)")


def _postmortem_sections(text: str) -> list[str]:
    """The three sections of the postmortem skeleton, as the editor filled them in."""
    text = text.split(SCISSORS, 1)[0]
    parts = re.split(r"^=== .* ===[ \t]*$", text, flags=re.M)
    if len(parts) != len(POSTMORTEM_SECTIONS) + 1:
        raise EditError("the postmortem text must keep its three '=== ... ===' headings (root cause, what changes, "
                        "action items); nothing was written")
    return [part.strip("\n") for part in parts[1:]]


@click.command("postmortem")
@click.argument("slug")
@click.option("--root-cause", default=None, help="Why it happened (Markdown).")
@click.option("--changes", default=None, help="What changes so it does not happen again (Markdown).")
@click.option("--action", "actions", multiple=True, metavar="'WHAT; OWNER[; DUE]'",
              help="An action item: what will change, who owns it, optionally its due date. Repeatable.")
@click.option("--done", "done", default=None, metavar="ITEM",
              help="Mark an action item of the existing postmortem done: its number (from 1) or the start of its title.")
@click.option("--while-open", is_flag=True, help="Publish the postmortem although the entry is not resolved yet.")
@NOW_OPTION
@CONFIG_OPTION
def postmortem_command(slug, root_cause, changes, actions, done, while_open, now_text, config_file):
    """Add the postmortem: the root cause, what changes, and action items with owners.

    \b
    frankly postmortem 2026-11-20-sms-delivery-delayed \\
        --root-cause "A router's firmware bug dropped the route to Frankfurt." \\
        --changes "Two independent routes; firmware updates tested on one router first." \\
        --action "Add a second route to Frankfurt; Network team; 2026-12-31"
    frankly postmortem 2026-11-20-sms-delivery-delayed --done 1

    Without --root-cause and --changes, the text comes from standard input or
    $EDITOR, in a skeleton with three headings. Refuses a second postmortem.
    """
    try:
        paths = project_paths(config_file)
        site = load_site(paths)
        parse_now(now_text, site)
        if done is not None:
            if root_cause or changes or actions:
                raise EditError("--done marks an action item of the existing postmortem; give it alone")
            edit, _ = write(paths, site, now_text, lambda now: plan_action_done(paths, slug, done))
            click.echo(edit.summary)
            return
        find_entry(paths, slug)
        if root_cause is None or changes is None:
            skeleton = "".join(f"=== {title} ===\n{value or ''}\n\n" for title, value in
                               zip(POSTMORTEM_SECTIONS, (root_cause, changes, "\n".join(actions))))
            text = sys.stdin.read() if not stdin_is_tty() else _edited(skeleton, f"Postmortem of {slug}")
            given_cause, given_changes, given_actions = _postmortem_sections(text)
            root_cause = root_cause or given_cause
            changes = changes or given_changes
            actions = actions or tuple(line.strip().removeprefix("- ").strip() for line in given_actions.splitlines() if line.strip())
        edit, _ = write(paths, site, now_text, lambda now: plan_postmortem(
            paths, now, slug, root_cause=root_cause, changes=changes, actions=actions, while_open=while_open))
    except EditError as exc:
        fail(str(exc))
    click.echo(edit.summary)
    click.echo(f"Public address: {public_url(site, edit.path.stem, 'postmortem')}")


def _edited(skeleton: str, context: str) -> str:
    """The skeleton as the editor left it in $EDITOR."""
    edited = click.edit(skeleton + f"{SCISSORS}\n# Fill in the three parts above; everything below this line is ignored.\n# {context}\n",
                        extension=".md", require_save=True)
    if edited is None:
        raise EditError("the postmortem was not saved; nothing was written")
    return edited


POSTMORTEM_COMMANDS = [postmortem_command]
