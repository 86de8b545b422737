"""The templates of `frankly new --template` and `frankly resolve --template`:
listed, chosen, and their placeholders filled from --set (or asked for)."""

from __future__ import annotations

import click

from generator.cli.editor import stdin_is_tty
from generator.editing.values import EditError
from generator.input.problems import Problems, display_path
from generator.input.templates import fill, load_templates, missing, templates_dir


def _loaded_templates(paths, site) -> dict:
    problems = Problems()
    found = load_templates(paths, site, problems)
    if problems:
        raise EditError(problems.report("fix the templates first; nothing was written"))
    return found


def list_templates_of(paths, site) -> None:
    found = _loaded_templates(paths, site)
    if not found:
        click.echo(f"No templates yet: write one per file in {display_path(templates_dir(paths), paths.root)}/ (`frankly reference` explains their keys).")
    for name, template in found.items():
        needs = ", ".join(f"--set {p}=..." for p in template.placeholders())
        click.echo(f"{name}: {template.title}" + (f"  ({needs})" if needs else ""))


def filled_template(paths, site, name: str, sets: tuple[str, ...]):
    """The template ``name`` with its placeholders filled from --set (asked for when a person is at the terminal)."""
    found = _loaded_templates(paths, site)
    if name not in found:
        known = ", ".join(found) or "none"
        raise EditError(f"--template: there is no template '{name}' in {display_path(templates_dir(paths), paths.root)}/; templates: {known}")
    template = found[name]
    values: dict[str, str] = {}
    for pair in sets:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise EditError(f"--set: '{pair}' is not KEY=VALUE, e.g. --set region=Bavaria")
        values[key.strip()] = value.strip()
    unknown = [key for key in values if key not in template.placeholders()]
    if unknown:
        raise EditError(f"--set: the template {name} has no placeholder {{{unknown[0]}}}; its placeholders: "
                        + (", ".join("{" + p + "}" for p in template.placeholders()) or "none"))
    for key in missing(template, values):
        if stdin_is_tty():
            values[key] = click.prompt(f"{{{key}}}").strip()
        if not values.get(key):
            raise EditError(f"the template {name} needs a value for {{{key}}}: add --set {key}=...; nothing was written")
    def filled(text: str | None) -> str | None:
        text = fill(text, values)
        return text.strip() if text is not None else None

    return template.model_copy(update={
        "title": filled(template.title), "summary": filled(template.summary), "message": filled(template.message),
        "next_update": filled(template.next_update), "resolution": filled(template.resolution),
    })
