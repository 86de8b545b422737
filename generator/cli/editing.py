"""The editing commands: `frankly new`, `update`, `resolve`, `apologize`, `compensate`, `init`
(`postmortem` is in :mod:`.postmortem`, `translate` and the ``--lang`` option in :mod:`.translate`, the templates
in :mod:`.templates`, what they share in :mod:`.editor`).

Only argument handling lives here; the edits themselves are in :mod:`generator.editing`
and the scaffold in :mod:`generator.editing.scaffold`. Every refusal is a message on
stderr and exit status 1, never a traceback, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.common import CONFIG_OPTION, fail, project_paths
from generator.cli.editor import MESSAGE_OPTION, NEXT_UPDATE_OPTION, NOW_OPTION, POSTED_TO_OPTION, one_message, read_message, write
from generator.cli.templates import filled_template, list_templates_of
from generator.cli.translate import LANG_OPTION, TRANSLATE_COMMANDS
from generator.editing.entries import find_entry, load_site
from generator.editing.plans import next_step, plan_apology, plan_compensation, plan_new, plan_update, public_url
from generator.editing.values import EditError, parse_languages, parse_now
from generator.input.values import Kind
from generator.input.problems import counted, display_path


@click.command("new")
@click.argument("title", required=False)
@click.argument("message_argument", metavar="[MESSAGE]", required=False)
@click.option("--template", "-t", "template_name", default=None, metavar="NAME",
              help="Start from site_config/templates/NAME.yaml (its title, components, first message...); options given here win.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="A value for a template's {KEY} placeholder. Repeatable.")
@click.option("--list-templates", is_flag=True, help="List the templates and their placeholders, and write nothing.")
@click.option("--component", "-c", "components", multiple=True, metavar="ID[:STATUS]",
              help="Affected component from site.yaml, optionally with its status (major_outage, partial_outage, "
                   "degraded_performance, under_maintenance; short: major, partial, degraded). Repeatable.")
@click.option("--impact", default=None, metavar="IMPACT", help="none, minor, major or critical (default: major for an incident).")
@click.option("--kind", default=None, metavar="KIND", help="incident (default), maintenance or notice.")
@click.option("--window", nargs=2, default=None, metavar="START END", help="Maintenance window; times without offset are in the site's zone.")
@click.option("--message", "-m", default=None, help="First update for customers ('-' reads stdin; default: $EDITOR).")
@click.option("--summary", default=None, help="One paragraph on what happened (default: the first message).")
@click.option("--status", default=None, help="Status of the first update (default: investigating / scheduled / posted).")
@click.option("--slug", default=None, help="Address part after the date (default: made from the title).")
@click.option("--impact-started", default=None, metavar="TIME",
              help="When impact began, if before this first post: a time of day (07:40, the latest one before now) or a timestamp.")
@LANG_OPTION
@click.option("--translated-title", "titles", multiple=True, nargs=2, metavar="LANG TEXT",
              help="The title in another of the site's languages (--lang gives the first message in it, and the summary "
                   "when --summary is not given). Repeatable.")
@NEXT_UPDATE_OPTION
@POSTED_TO_OPTION
@NOW_OPTION
@CONFIG_OPTION
def new_command(title, message_argument, template_name, sets, list_templates, components, impact, kind, window, message, summary, status,
                slug, impact_started, translations, titles, next_update, posted_to, now_text, config_file):
    """Start a new incident, maintenance or notice: incidents/<today>-<slug>.yaml.

    \b
    frankly new "SMS delivery delayed" --component sms:major_outage --impact major \\
        -m "Many text messages are delayed. We are investigating." --next-update 30m

    Prints the file and the public address it will have. Never overwrites a file.
    With --template, the prepared entry of site_config/templates/NAME.yaml:

    \b
    frankly new --template sms-delay --set region=Bavaria
    """
    try:
        paths = project_paths(config_file)
        site = load_site(paths)
        if list_templates:
            list_templates_of(paths, site)
            return
        given = one_message(message_argument, message)
        if template_name is not None:
            template = filled_template(paths, site, template_name, sets)
            title = title or template.title
            given = given if given is not None else template.message
            components = components or tuple(f"{cid}:{status.value}" for cid, status in template.components.items())
            impact = impact or (template.impact.value if template.impact else None)
            kind = kind or template.kind.value
            summary = summary or template.summary
            next_update = next_update or template.next_update
        if not title:
            raise EditError("give the entry a title (frankly new \"SMS delivery delayed\" ...) or start from a template: --template NAME")
        kind_value = _kind(kind or "incident")
        parse_now(now_text, site)  # a wrong --now is refused before any editor opens
        texts = parse_languages(translations, site, "--lang", "message")
        title_texts = parse_languages(titles, site, "--translated-title", "title")
        text = read_message(given, "first update message", f"New {kind_value.value}: {title}")
        edit, _ = write(paths, site, now_text, lambda now: plan_new(
            paths, site, now, title=title, message=text, kind=kind_value, components=components, impact=impact,
            window=tuple(window) if window else None, summary=summary, status=status, next_update=next_update,
            posted_to=posted_to, slug=slug, impact_started=impact_started, translations=texts, titles=title_texts))
    except EditError as exc:
        fail(str(exc))
    slug_text = edit.path.stem
    click.echo(edit.summary)
    click.echo(f"Public address (live after the next build and deploy): {public_url(site, slug_text)}")
    click.echo(f"Next: {next_step(kind_value, slug_text)}")


def _kind(text: str) -> Kind:
    try:
        return Kind(text.strip().lower())
    except ValueError:
        raise EditError(f"--kind: '{text}' is not a kind; use one of: incident, maintenance, notice") from None


def _report_update(site, catalog, edit) -> None:
    incident = next(i for i in catalog.incidents if i.slug == edit.path.stem)
    click.echo(edit.summary)
    click.echo(f"Link to this update: {public_url(site, incident.slug, incident.updates[-1].anchor)}")


@click.command("update")
@click.argument("slug")
@click.argument("message", required=False)
@click.option("--status", "-s", default=None, help="New status (default: keep the current one).")
@click.option("--component", "-c", "components", multiple=True, metavar="ID:STATUS",
              help="A component's status from this update on, e.g. sms:partial_outage. Repeatable.")
@click.option("--reopens", is_flag=True, help="Reopen an entry that was resolved/completed/closed.")
@MESSAGE_OPTION
@LANG_OPTION
@NEXT_UPDATE_OPTION
@POSTED_TO_OPTION
@NOW_OPTION
@CONFIG_OPTION
def update_command(slug, message, status, components, reopens, message_option, translations, next_update, posted_to, now_text, config_file):
    """Append an update to an entry, stamped now.

    \b
    frankly update 2026-11-20-sms-delivery-delayed --status identified \\
        "A faulty router in Frankfurt; we are replacing it." --next-update 1h

    MESSAGE may be '-' (read stdin); without it, piped stdin or $EDITOR is used.
    SLUG may also be the file's path, or its part after the date if unique.
    """
    try:
        paths = project_paths(config_file)
        site = load_site(paths)
        parse_now(now_text, site)  # a wrong --now is refused before any editor opens
        find_entry(paths, slug)  # an unknown slug is reported before any editor opens
        texts = parse_languages(translations, site, "--lang", "message")
        text = read_message(one_message(message, message_option), "update message", f"Update for {slug}")
        edit, catalog = write(paths, site, now_text, lambda now: plan_update(
            paths, site, now, slug, message=text, status=status, next_update=next_update, posted_to=posted_to,
            components=components, reopens=reopens, translations=texts))
    except EditError as exc:
        fail(str(exc))
    _report_update(site, catalog, edit)


@click.command("resolve")
@click.argument("slug")
@click.argument("message", required=False)
@MESSAGE_OPTION
@click.option("--template", "-t", "template_name", default=None, metavar="NAME",
              help="Close with the standard resolution message of site_config/templates/NAME.yaml.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="A value for a placeholder of that message. Repeatable.")
@LANG_OPTION
@POSTED_TO_OPTION
@NOW_OPTION
@CONFIG_OPTION
def resolve_command(slug, message, message_option, template_name, sets, translations, posted_to, now_text, config_file):
    """Append the closing update (resolved / completed / closed), stamped now.

    \b
    frankly resolve 2026-11-20-sms-delivery-delayed "All messages were delivered; SMS works normally again."
    """
    try:
        paths = project_paths(config_file)
        site = load_site(paths)
        parse_now(now_text, site)  # a wrong --now is refused before any editor opens
        find_entry(paths, slug)
        texts = parse_languages(translations, site, "--lang", "message")
        given = one_message(message, message_option)
        if given is None and template_name is not None:
            given = filled_template(paths, site, template_name, sets).resolution
            if not given:
                raise EditError(f"--template: the template {template_name} has no 'resolution:' message; give the message instead")
        text = read_message(given, "closing message", f"Closing update for {slug}")
        edit, catalog = write(paths, site, now_text, lambda now: plan_update(
            paths, site, now, slug, message=text, posted_to=posted_to, closing=True, translations=texts))
    except EditError as exc:
        fail(str(exc))
    _report_update(site, catalog, edit)


@click.command("apologize")
@click.argument("slug")
@click.argument("statement", required=False)
@click.option("--by", required=True, help="Full name of the person who apologises.")
@click.option("--role", required=True, help="Their role, e.g. Chief Executive Officer.")
@click.option("--video", default=None, metavar="URL", help="Link to a video of the apology.")
@click.option("--link", default=None, metavar="URL", help="Link to the statement elsewhere (blog, press release).")
@MESSAGE_OPTION
@LANG_OPTION
@NOW_OPTION
@CONFIG_OPTION
def apologize_command(slug, statement, by, role, video, link, message_option, translations, now_text, config_file):
    """Add a named person's apology to an entry, dated now.

    \b
    frankly apologize 2026-11-20-sms-delivery-delayed --by "Maria Okafor" --role "Chief Executive Officer" \\
        "For six hours many of you could not send a text. That is our failure. I am sorry."
    """
    try:
        paths = project_paths(config_file)
        site = load_site(paths)
        parse_now(now_text, site)  # a wrong --now is refused before any editor opens
        find_entry(paths, slug)
        texts = parse_languages(translations, site, "--lang", "statement")
        text = read_message(one_message(statement, message_option), "apology statement", f"Apology by {by} ({role}) for {slug}; write it in the first person")
        edit, _ = write(paths, site, now_text, lambda now: plan_apology(
            paths, now, slug, by=by, role=role, statement=text, video=video, link=link, translations=texts))
    except EditError as exc:
        fail(str(exc))
    click.echo(edit.summary)
    click.echo(f"Public address: {public_url(site, edit.path.stem)}")


@click.command("compensate")
@click.argument("slug")
@click.option("--offer", required=True, help="What is offered, e.g. \"One month's base fee credited to your next bill.\"")
@click.option("--eligible", required=True, help="Who is eligible.")
@click.option("--how-to-claim", required=True, help="How to claim it ('Nothing to do: it is automatic.' is a fine answer).")
@click.option("--until", default=None, metavar="DATE", help="Last day to claim, e.g. 2026-12-31.")
@NOW_OPTION
@CONFIG_OPTION
def compensate_command(slug, offer, eligible, how_to_claim, until, now_text, config_file):
    """Add the compensation offer to an entry, dated now."""
    try:
        paths = project_paths(config_file)
        site = load_site(paths)
        parse_now(now_text, site)
        edit, _ = write(paths, site, now_text, lambda now: plan_compensation(
            paths, now, slug, offer=offer, eligible=eligible, how_to_claim=how_to_claim, until=until))
    except EditError as exc:
        fail(str(exc))
    click.echo(edit.summary)


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--install-from", "install_from", default=None, metavar="ROUTE",
              help="How the new site installs Frankly: 'index' (frankly==VERSION from PyPI or your index), "
                   "'vendor' (this Frankly's wheel, copied into vendor/: works with no index), a "
                   "git+https://…@REV URL, or the path of a Frankly .whl file. Default: the way this Frankly "
                   "was installed (an index if it came from one, else vendor).")
@click.option("--here", is_flag=True,
              help="Instead of a new folder: turn this repository (a copy of Frankly's, or of another "
                   "site) into a clean site: remove the demo's entries and templates, write a new site.yaml.")
@CONFIG_OPTION
def init_command(directory: Path | None, install_from: str | None, here: bool, config_file: str):
    """Create a new status-site repository in DIRECTORY (which must be empty or not exist).

    With --here, clean the demo out of the current repository instead.
    """
    from generator.editing.install_route import choose
    from generator.editing.scaffold import ScaffoldError, create, reset_here

    if here:
        if directory is not None or install_from is not None:
            fail("--here cleans the current repository: give neither DIRECTORY nor --install-from with it")
        try:
            removed, written = reset_here(project_paths(config_file))
        except ScaffoldError as exc:
            fail(str(exc))
        click.echo(f"Removed the demo: {counted(len(removed), 'file')} (git keeps them); wrote "
                   + ", ".join(display_path(path, Path.cwd()) for path in written) + ".")
        click.echo(
            "\nNext steps:\n"
            "  1. Edit site_config/site.yaml: your name, company, base_url, time_zone and components.\n"
            "  2. frankly check && frankly build     (or frankly serve for a live preview)\n"
            "  3. git add -A && git commit -m 'Our status site' (addresses_since in site.yaml lets the demo's files go)"
        )
        return
    if directory is None:
        fail("give the folder to create (frankly init DIR), or --here to clean the demo out of this repository")
    try:
        route = choose(install_from)
        written = create(directory, route)
    except (ScaffoldError, EditError) as exc:
        fail(str(exc))
    click.echo(f"Created a Frankly status site in {directory}/ ({counted(len(written), 'file')}); "
               f"it installs Frankly {route.explanation}: {route.requirement}")
    click.echo(
        "\nNext steps:\n"
        f"  1. cd {directory}\n"
        "  2. Edit site_config/site.yaml: your name, company, base_url, time_zone and components.\n"
        "  3. Delete the example in incidents/ (it would be published as if it were real).\n"
        "  4. python3 -m venv .venv && .venv/bin/pip install -r requirements.txt\n"
        "  5. . .venv/bin/activate && frankly check && frankly build     (or frankly serve for a live preview)\n"
        "  6. git init && git add . && git commit -m 'Status site'\n"
        "  7. Push to GitHub and set Settings > Pages > Source to 'GitHub Actions':\n"
        "     .github/workflows/status-site.yml checks and builds every pull request\n"
        "     and deploys every push to main."
    )


EDIT_COMMANDS = [new_command, update_command, resolve_command, apologize_command, compensate_command, init_command, *TRANSLATE_COMMANDS]
