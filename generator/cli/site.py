"""The site commands: `frankly check`, `build`, `serve` and `post`.

`build` and `serve` hand over to mkdocs (the frankly plugin does the work);
`check` and `post` read the inputs and the derived facts only.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sys
from pathlib import Path

import click

from generator.cli.common import CONFIG_OPTION, Moment, config_paths, fail, load_checked, mkdocs_config, project_paths
from generator.input.parse_cache import use_parse_cache
from generator.input.problems import Problems, printable
from generator.input.templates import load_templates
from generator.input.load import Catalog, ProjectPaths
from generator.publication.staging import (claim_previous, folder_size, remove_in_background, remove_leftovers,
                                           staging_folder, swap_into_place)


def _check_kept_addresses(paths: ProjectPaths, catalog: Catalog, consequence: str = "nothing was built") -> None:
    """Fail when a published incident's address would break (generator/checks/addresses.py)."""
    from generator.checks.addresses import check_kept_addresses

    problems, note = check_kept_addresses(paths, catalog)
    if problems:
        fail(problems.report(consequence))
    if note:
        click.echo(note, err=True)


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


@click.command()
@CONFIG_OPTION
@click.option("--strict", is_flag=True, help="Treat warnings (overdue updates, missing apologies, ...) as errors: exit 1.")
@click.option("--now", "now", type=Moment(), default=None, help="Judge open entries at this time instead of the clock.")
def check(config_file: str, strict: bool, now) -> None:
    """Validate site.yaml and every incident file, and report every problem.

    Each problem is printed as FILE:LINE:COL: what is wrong and how to fix it.
    Exits 1 if there is any problem, 0 otherwise. Builds nothing.
    Then warns about communication: open entries silent longer than the site's
    commitments, overdue promised updates, missing apologies and postmortems,
    maintenance windows that ended without a completing update; and, on a site
    with several languages, texts not yet translated (the newest 20 entries per
    language, the rest counted).
    """
    from datetime import datetime, timezone

    from generator.checks.commitments import warnings
    from generator.checks.interface import interface_warnings
    from generator.checks.placeholders import placeholder_warnings
    from generator.checks.translations import warnings as translation_warnings
    from generator.facts.derive import derive

    paths = project_paths(config_file)
    catalog = load_checked(paths, consequence="", spread=True)
    _check_kept_addresses(paths, catalog, consequence="")
    template_problems = Problems()
    load_templates(paths, catalog.site, template_problems)  # checked here only: a template never holds up a build
    if template_problems:
        fail(template_problems.report(""))
    found = placeholder_warnings(paths, catalog) + interface_warnings(paths, catalog) \
        + warnings(catalog, derive(catalog), paths.root, now or datetime.now(timezone.utc))
    found += translation_warnings(catalog, paths.root, site_config=paths.site_config)
    for warning in found:
        click.echo(str(warning), err=True)
    count = len(catalog.incidents)
    click.echo(f"OK: {count} {'entry' if count == 1 else 'entries'} and {len(catalog.site.components)} components are valid.")
    if found:
        noun = "warning" if len(found) == 1 else "warnings"
        if strict:
            fail(f"{len(found)} {noun}; --strict treats them as errors.")
        click.echo(f"{len(found)} {noun}.", err=True)


@click.command()
@CONFIG_OPTION
@click.option("-d", "--site-dir", default=None, help="Output folder (default: site_dir of mkdocs.yml, normally site/).")
@click.option("-v", "--verbose", is_flag=True, help="Show mkdocs' debug output.")
@click.option("--now", "now", type=Moment(), default=None,
              help="Judge open entries at this time (their silences, overdue promises), e.g. the clock of a "
                   "scheduled build. Without it each entry is judged at its own latest change: same input, same bytes.")
def build(config_file: str, site_dir: str | None, verbose: bool, now) -> None:
    """Check the inputs, then build the static site.

    The site is built into a temporary folder and swapped into place only
    when the whole build succeeded: after any error the previous site is
    left exactly as it was.
    """
    from mkdocs import exceptions
    from mkdocs.commands import build as mkdocs_build

    from generator.outputs import i18n

    _setup_logging(verbose)
    if now is not None:
        os.environ["FRANKLY_NOW"] = now.isoformat()  # read by the plugin, in this process
    config = mkdocs_config(config_file, **({"site_dir": site_dir} if site_dir else {}))
    paths = config_paths(config)
    use_parse_cache(paths.root / ".cache" / "frankly" / "parsed")  # files unchanged since the last build: not parsed again
    try:
        catalog = load_checked(paths, spread=True)  # the plugin's load finds the same files in load.py's _FILE_CACHE
    finally:
        use_parse_cache(None)
    _check_kept_addresses(paths, catalog)
    final = Path(config.site_dir)
    remove_leftovers(final)  # staging folders of builds that were killed
    staging = staging_folder(final)
    config.site_dir = str(staging)
    # The last swapped-out site's entry folders: unchanged entries' are taken over (publication/kept.py).
    kept = config.plugins["frankly"].kept_site = claim_previous(final)
    config.plugins["frankly"].preloaded = catalog  # loaded once: the build publishes what was checked
    try:
        with i18n.use(i18n.SOURCE_LANGUAGE):  # the build publishes in the site's languages; what we say after, in English
            mkdocs_build.build(config)
        swap_into_place(staging, final, keep=True)
    except (exceptions.MkDocsException, SystemExit) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        fail(f"Build failed; the previous {final.name}/ was left untouched. {exc}")
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            shutil.rmtree(staging, ignore_errors=True)
            raise
        written = folder_size(staging)
        shutil.rmtree(staging, ignore_errors=True)
        fail(_disk_full(exc, staging, final, written))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        config.plugins["frankly"].preloaded = None  # for this build alone, even one that failed before using it
        if kept is not None:
            remove_in_background(kept)  # what this build did not take over
    click.echo(f"Built {len(catalog.incidents)} {'entry' if len(catalog.incidents) == 1 else 'entries'} into {final}/")
    _say_placeholders(paths, catalog)
    _say_most_urgent(paths, catalog, config.plugins["frankly"].report, now)


def _say_placeholders(paths: ProjectPaths, catalog: Catalog) -> None:
    """After a build: the values still left from `frankly init`, which the site now publishes."""
    from generator.checks.placeholders import placeholder_warnings

    found = placeholder_warnings(paths, catalog)
    if found:
        noun = "value" if len(found) == 1 else "values"
        click.echo(f"{len(found)} placeholder {noun} from frankly init, published as they are:", err=True)
        for warning in found:
            click.echo(printable(str(warning)), err=True)


def _say_most_urgent(paths: ProjectPaths, catalog: Catalog, report, now) -> None:
    """After a build: how many communication warnings there are and the few most
    urgent (open entries first), from the facts the build derived; `frankly check`
    lists them all."""
    from datetime import datetime, timezone

    from generator.checks.commitments import counted, most_urgent, pending_warnings

    pending = pending_warnings(report, now or datetime.now(timezone.utc))
    found = counted(pending)
    if not found:
        return
    shown = most_urgent(pending, catalog, paths.root)  # positions read for these alone
    noun = "warning" if found == 1 else "warnings"
    click.echo(f"{found} communication {noun}" + (f"; the {len(shown)} most urgent:" if found > len(shown) else ":"), err=True)
    for warning in shown:
        click.echo(printable(str(warning)), err=True)
    if found > len(shown):
        click.echo("Run `frankly check` to see them all.", err=True)


def _disk_full(exc: OSError, staging: Path, final: Path, written: int) -> str:
    """One line: where the disk filled up, and how much room a build needs."""
    names = [str(name) for name in (exc.filename2, exc.filename) if name]  # a copy names its source first
    where = next((name for name in names if name.startswith(str(staging))), names[0] if names else str(final))
    if where.startswith(str(staging)):
        where = final.name + where[len(str(staging)):]
    needed = max(folder_size(final), written)
    return (
        f"no space left on device while writing {where}: the site needs about {needed / 1048576:.0f} MB "
        f"({written / 1048576:.0f} MB were written before the disk filled up); free some space and build again. "
        f"The previous {final.name}/ was left untouched."
    )


@click.command()
@CONFIG_OPTION
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(config_file: str, dev_addr: str) -> None:
    """Preview the site, rebuilding on every save of an incident, site.yaml or docs file.

    A save that breaks a file prints its problems and keeps showing the last
    good build until the file is fixed.
    """
    from mkdocs import exceptions
    from mkdocs.commands import serve as mkdocs_serve

    _setup_logging(False)
    load_checked(project_paths(config_file))
    try:
        mkdocs_serve.serve(config_file=config_file, dev_addr=dev_addr, livereload=True)
    except (exceptions.MkDocsException, SystemExit) as exc:
        fail(str(exc))


@click.command()
@CONFIG_OPTION
@click.argument("slug")
@click.option("--update", "update_id", default=None, metavar="ID",
              help="The update to post (its permanent id, as in the page's #anchor); default: the latest.")
@click.option("--apology", "part", flag_value="apology", default=None, help="Post the entry's apology instead of an update.")
@click.option("--compensation", "part", flag_value="compensation", help="Post the entry's compensation offer instead of an update.")
@click.option("--postmortem", "part", flag_value="postmortem", help="Post the entry's postmortem instead of an update.")
@click.option("--lang", "language", default=None, metavar="LANG",
              help="One of the site's other languages: the texts in it (what is not translated stays in the "
                   "default language), linking to the page in it.")
def post(config_file: str, slug: str, update_id: str | None, part: str | None, language: str | None) -> None:
    """Print ready-to-post text for an entry's latest update (or --update ID,
    or its --apology, --compensation or --postmortem).

    SLUG is the entry's slug, the part after its date when only one entry
    ends so, or its file's path. Prints a version for X (280, links counted
    as 23), for Mastodon (500), for Bluesky (300) and a longer one for
    LinkedIn and Facebook; each ends with the entry's permanent address.
    Words are never cut; a shortened text says so. `frankly notify` posts
    the same texts to the accounts configured in site.yaml.
    """
    from generator.facts.derive import derive
    from generator.outputs import i18n

    from generator.outputs.editions import edition_of, localized

    paths = project_paths(config_file)
    catalog = load_checked(paths)
    languages = catalog.site.languages
    if language is not None and language not in languages:
        fail(f"frankly post: --lang '{language}' is not one of the site's languages ({', '.join(languages)})")
    edition = edition_of(catalog.site, language)
    report = derive(localized(catalog, edition))
    # The posts speak the edition's language, as its pages do (the headers around them stay English).
    with i18n.use(edition.language, paths.site_locales):
        _print_posts(report, slug, update_id, part)


def _print_posts(report, slug: str, update_id: str | None, part: str | None) -> None:
    from generator.outputs import posts

    facts = posts.resolve(report, slug)
    if facts is None:
        fail(posts.unknown_incident_message(report, slug))
    if part is not None:
        if update_id is not None:
            fail(f"frankly post: give either --update or --{part}, not both")
        if getattr(facts.incident, part) is None:
            command = {"apology": "apologize", "compensation": "compensate", "postmortem": "postmortem"}[part]
            fail(f"frankly post: {facts.slug} has no {part} yet; write it with: frankly {command} {facts.slug} ...")
        click.echo(posts.render_posts(posts.compose_part(report, facts, part)))
        return
    update = posts.find_update(facts, update_id)
    if update is None:
        fail(posts.unknown_update_message(facts, update_id))
    click.echo(posts.render_posts(posts.compose(report, facts, update)))


SITE_COMMANDS = [check, build, serve, post]
