"""`frankly catalog LANG`: the site's own catalog of interface words for a language
(site_config/locales/<lang>.po), to add a language Frankly lacks or to change its words."""

from __future__ import annotations

import os
import tempfile

import click

from generator.cli.common import CONFIG_OPTION, fail, project_paths
from generator.input.problems import counted


@click.command("catalog")
@click.argument("language")
@CONFIG_OPTION
def catalog_command(language: str, config_file: str) -> None:
    """Write site_config/locales/LANGUAGE.po with every word Frankly's pages use.

    Translate its msgstr lines; the site's words then win over Frankly's own, and
    what it leaves empty falls back to Frankly's, then to English. Run it again
    after upgrading Frankly: new words are added, your translations kept.
    """
    from babel import UnknownLocaleError

    from generator.outputs import catalogs  # Babel's catalog tools: imported by this command alone

    paths = project_paths(config_file)
    target = paths.site_locales / f"{language}.po"
    try:
        data, total, missing = catalogs.site_catalog(language, target)
    except (ValueError, LookupError, UnknownLocaleError):
        fail(f"'{language}' is not a language Frankly knows; use a code such as de, es, pt-BR or fr-CA")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{language}.", suffix=".po")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, target)
    shown = target.relative_to(paths.root) if target.is_relative_to(paths.root) else target
    click.echo(f"{shown}: {counted(total, 'word')}, {missing} to translate. "
               "Translate each msgstr, then `frankly check` and `frankly build`.")


CATALOG_COMMANDS = [catalog_command]
