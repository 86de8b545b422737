"""`frankly translate`: an existing entry's texts in another of the site's languages
(the edit itself is :mod:`generator.editing.translate`), and the ``--lang`` option
the other editing commands share."""

from __future__ import annotations

import click

from generator.cli.common import CONFIG_OPTION, fail, project_paths
from generator.cli.editor import write
from generator.editing.entries import find_entry, load_site
from generator.editing.translate import plan_translate
from generator.editing.values import EditError

LANG_OPTION = click.option(
    "--lang", "translations", multiple=True, nargs=2, metavar="LANG TEXT",
    help="The same text in another of the site's languages (languages: in site.yaml), e.g. "
         "--lang fr \"Nous enquêtons.\" Repeatable, once per language.",
)


def _text(help_text: str):
    def option(name: str):
        return click.option(name, default=None, metavar="TEXT", help=help_text)
    return option


@click.command("translate")
@click.argument("slug")
@click.argument("language", metavar="LANG")
@_text("The entry's title in LANG.")("--title")
@_text("The entry's summary in LANG (Markdown).")("--summary")
@click.option("--update", "updates", multiple=True, nargs=2, metavar="ID TEXT",
              help="An update's message in LANG: ID is its anchor as on the page (u-20261117t064000z) or 'latest'. Repeatable.")
@_text("The apology's statement in LANG (Markdown).")("--apology")
@_text("The role of the person who apologises, in LANG (their name stays as it is).")("--role")
@_text("The compensation's offer in LANG (Markdown).")("--offer")
@_text("Who is eligible for the compensation, in LANG (Markdown).")("--eligible")
@_text("How to claim the compensation, in LANG (Markdown).")("--how-to-claim")
@_text("The postmortem's root cause in LANG (Markdown).")("--root-cause")
@_text("What changes (the postmortem), in LANG (Markdown).")("--changes")
@click.option("--action", "actions", multiple=True, nargs=2, metavar="N TEXT",
              help="The title of the postmortem's action item N (from 1) in LANG. Repeatable.")
@click.option("--replace", is_flag=True, help="Write anew a text that already has its LANG version (default: refuse).")
@CONFIG_OPTION
def translate_command(slug, language, title, summary, updates, apology, role, offer, eligible, how_to_claim,
                      root_cause, changes, actions, replace, config_file):
    """Add an entry's texts in LANG, one of the site's other languages.

    \b
    frankly translate 2026-11-17-sms-outage fr --title "Panne des SMS" \\
        --update latest "Les SMS sont de nouveau distribués."

    Each text goes under translations: {LANG: ...} of its part of the file; every
    byte already written stays. A text that already has its LANG version is
    refused unless --replace. `frankly check` lists what is not yet translated.
    """
    texts = {"title": title, "summary": summary, "apology": apology, "role": role, "offer": offer,
             "eligible": eligible, "how_to_claim": how_to_claim, "root_cause": root_cause, "changes": changes}
    try:
        paths = project_paths(config_file)
        site = load_site(paths)
        find_entry(paths, slug)
        edit, _ = write(paths, site, None, lambda now: plan_translate(
            paths, site, slug, language, texts=texts, updates=updates, actions=actions, replace=replace))
    except EditError as exc:
        fail(str(exc))
    click.echo(edit.summary)


TRANSLATE_COMMANDS = [translate_command]
