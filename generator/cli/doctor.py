"""`frankly doctor` (what is wrong with this machine or clone) and `frankly reference`
(the format reference of the installed version)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from generator.checks.environment import environment_findings
from generator.cli.common import CONFIG_OPTION, project_paths
from generator.editing.install_route import installed_from
from generator.input.load import ProjectPaths
from generator.input.problems import counted


@click.command()
@CONFIG_OPTION
def doctor(config_file: str) -> None:
    """Say on one screen what is wrong with the environment: Python, Frankly and
    mkdocs versions, git history, site.yaml placeholders, the cache, serve's port.

    Exits 1 when something would stop a command from working.
    """
    try:
        paths = project_paths(config_file)
    except SystemExit:  # no readable mkdocs.yml here: say what the machine has all the same
        paths = ProjectPaths.at(Path.cwd())
    findings = environment_findings(paths, installed_from())
    for finding in findings:
        click.echo(str(finding))
    failed = [f for f in findings if f.level == "fail"]
    warned = [f for f in findings if f.level == "warn"]
    if failed:
        click.echo(f"{counted(len(failed), 'problem')} to fix before frankly can work here.", err=True)
        raise SystemExit(1)
    click.echo("Everything frankly needs is here." + (f" {counted(len(warned), 'warning')} above." if warned else ""))


@click.command()
def reference() -> None:
    """Print the format reference (every key of site.yaml and the incident files) of this Frankly version."""
    click.echo((resources.files("generator.input") / "FORMAT.md").read_text(encoding="utf-8"), nl=False)


HELP_COMMANDS = [doctor, reference]
