"""Search entries for incident pages, built from the data rather than parsed back.

Material's search plugin indexes a page by running an HTML parser over it:
for thousands of incident pages that was the largest single cost of a build
(8.9 s of 43 s at 1,000 incidents). Incident pages opt out of it
(``search: exclude`` in their front matter) and get these entries instead:
one for the page, one per update (so a result opens at that update), and one
each for the apology, compensation and postmortem. Same shape as Material's
own entries: ``{"location", "title", "text"}``, titles HTML-escaped as the
page title is, text as sanitized HTML.
"""

from __future__ import annotations

import json

from markupsafe import Markup, escape

from generator.facts.derive import IncidentFacts, StatusReport
from generator.outputs import urls
from generator.outputs.i18n import gettext as _
from generator.outputs.markup import render_markdown
from generator.outputs.timefmt import format_moment
from generator.outputs.words import impact_label, label, part_title


def entry_search_entries(report: StatusReport, facts: IncidentFacts) -> list[dict[str, str]]:
    """One entry's page: the page, each update, apology, compensation, postmortem."""
    incident, zone, language = facts.incident, report.site.time_zone, report.site.language
    page = urls.incident(facts.slug)
    title = str(escape(incident.title))
    found = [{
        "location": page,
        "title": title,
        # Translators: a search result's first line: the entry's kind, impact and status.
        "text": str(Markup("<p>{}</p>").format(_("%(kind)s · %(impact)s · %(status)s") % {
            "kind": label(incident.kind.value), "impact": impact_label(incident.impact.value), "status": label(facts.status)},
        ) + render_markdown(incident.summary)),
    }]
    for update in reversed(incident.updates):
        found.append({
            "location": f"{page}#{update.anchor}",
            # Translators: a search result for an update: its status and when it was posted.
            "title": _("%(status)s · %(moment)s") % {"status": label(update.status), "moment": format_moment(update.at, zone, language)},
            "text": str(render_markdown(update.message)),
        })
    parts = {
        "apology": incident.apology and (incident.apology.statement,),
        "compensation": incident.compensation and (incident.compensation.offer, incident.compensation.eligible, incident.compensation.how_to_claim),
        "postmortem": incident.postmortem and (incident.postmortem.root_cause, incident.postmortem.changes),
    }
    for anchor, texts in parts.items():
        if texts:
            found.append({
                "location": f"{page}#{anchor}",
                "title": part_title(anchor),
                "text": str(Markup("").join(render_markdown(t) for t in texts)),
            })
    return found


def serialized(entries: list[dict[str, str]]) -> str:
    """Entries as they stand in Material's index file: compact JSON objects, comma-separated, one line."""
    return ",".join(json.dumps(entry, separators=(",", ":"), ensure_ascii=False) for entry in entries)
