"""What every `frankly` command shares: the -f option, mkdocs' validated
configuration, the project's paths, and failing with a message instead of a
traceback."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from generator.input.load import Catalog, ProjectPaths, load_all
from generator.input.problems import InvalidInput, printable

CONFIG_OPTION = click.option(
    "-f", "--config-file", "config_file", default="mkdocs.yml", show_default=True,
    type=click.Path(dir_okay=False), help="The site's mkdocs.yml; inputs are found relative to it.",
)


def mkdocs_config(config_file: str, **overrides):
    """mkdocs' validated config (including our plugin's options), or exit 1 with the reason."""
    from mkdocs import exceptions
    from mkdocs.config import load_config

    if not Path(config_file).is_file():
        fail(f"{config_file}: not found; run frankly in the folder that holds mkdocs.yml, or pass -f PATH")
    try:
        return load_config(config_file=config_file, **overrides)
    except exceptions.ConfigurationError as exc:
        fail(f"{config_file}: {exc}")


def config_paths(config) -> ProjectPaths:
    """Where the inputs are, as the site's frankly plugin options say."""
    plugin = config.plugins.get("frankly")
    if plugin is None:
        fail(f"{config.config_file_path}: add 'frankly' under 'plugins:' so mkdocs builds the status pages")
    return plugin.paths(config)


def project_paths(config_file: str) -> ProjectPaths:
    """The project's paths from its mkdocs.yml."""
    return config_paths(mkdocs_config(config_file))


def fail(message: str) -> None:
    """Print ``message`` on stderr and exit 1. Each line is printed with its
    control characters escaped: text from a file name or a value never moves
    the terminal's cursor or forges a line of its own."""
    click.echo("\n".join(printable(line) for line in message.split("\n")), err=True)
    sys.exit(1)


def load_checked(paths: ProjectPaths, consequence: str = "nothing was built", spread: bool = False) -> Catalog:
    """Every input loaded and validated, or exit 1 with every problem as FILE:LINE:COL
    (``spread``: on every core, for a command that ends after one build: load_all)."""
    try:
        return load_all(paths, spread=spread)
    except InvalidInput as exc:
        fail(exc.problems.report(consequence))
        raise  # unreachable; keeps type checkers happy


class Moment(click.ParamType):
    """A timestamp with its UTC offset, e.g. 2026-11-23T15:00:00+01:00."""

    name = "TIMESTAMP"

    def convert(self, value, param, ctx):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"'{value}' is not a timestamp; write it as 2026-11-23T15:00:00+01:00", param, ctx)
        if moment.utcoffset() is None:
            self.fail(f"'{value}' has no UTC offset; add one, e.g. {value}+01:00 or {value}Z", param, ctx)
        return moment
