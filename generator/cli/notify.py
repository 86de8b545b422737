"""`frankly notify`: deliver every new update to the channels of site.yaml, once."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import click

from generator.cli.common import CONFIG_OPTION, Moment, fail, load_checked, project_paths


@click.command()
@CONFIG_OPTION
@click.option("--dry-run", is_flag=True, help="Print what would be sent where; send nothing, write nothing.")
@click.option("--now", "now", type=Moment(), default=None, help="Act as if it were this moment (reminders, retries) instead of the clock.")
def notify(config_file: str, dry_run: bool, now) -> None:
    """Deliver each new update, apology, compensation offer, postmortem and
    maintenance reminder to every channel under `notify:` in site.yaml.

    Each item reaches each channel once: what was sent is kept in
    site_config/notify-ledger.json (commit it; the shipped workflow does).
    The first run sends nothing that was published before it. A failed
    delivery is tried again on later runs; the exit status is 1 while
    anything is left undelivered. Secrets come from environment variables
    named in site.yaml; a channel whose variables are missing is skipped.
    """
    from generator.editing.values import EditError
    from generator.notify.ledger import LedgerError
    from generator.notify.run import notify as run
    from generator.outputs import i18n

    paths = project_paths(config_file)
    catalog = load_checked(paths, consequence="nothing was sent")
    try:
        # Every message speaks the site's language, as its pages do.
        with i18n.use(catalog.site.language, paths.site_locales):
            status = run(paths, catalog, now or datetime.now(timezone.utc), os.environ, dry_run=dry_run,
                         say=click.echo, warn=lambda line: click.echo(line, err=True))
    except (LedgerError, EditError) as exc:
        fail(str(exc))
    raise SystemExit(status)


NOTIFY_COMMANDS = [notify]
