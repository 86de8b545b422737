"""The shapes of Statuspage's public API v2, written down once.

:data:`STATUSPAGE_OBJECTS` is every field of every object the JSON API
(:mod:`generator.outputs.api`) writes, with its type and meaning; the API's
tests check every document against it and docs/api.md shows it
(``python -m generator.outputs.api_shapes docs/api.md``, run by `make golden`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.outputs import urls


def group_ids(components) -> dict[str, str]:
    """Each component group's id (by its name): ``group:`` and its name in lower case with
    non-alphanumerics as ``-``; two names that differ only in punctuation are numbered apart."""
    ids: dict[str, str] = {}
    for component in components:
        if component.group is not None and component.group not in ids:
            ids[component.group] = "group:" + (_slugify(component.group) or str(len(ids) + 1))
    taken: dict[str, int] = {}
    for name, group_id in ids.items():
        taken[group_id] = taken.get(group_id, 0) + 1
        if taken[group_id] > 1:
            ids[name] = f"{group_id}-{taken[group_id]}"
    return ids


def _slugify(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")

# ---------------------------------------------------------------- the documented shapes


@dataclass(frozen=True)
class Field:
    """One field of a Statuspage v2 object as its public API documents it."""

    type: str  # string, timestamp (ISO 8601 with offset), date, integer, boolean, <object>, list of <object>, list of string
    nullable: bool
    meaning: str
    only_on: str = ""  # set when the field appears only on some objects of the kind


#: The Statuspage v2 public API field list, written down once: the generator's
#: tests check every endpoint against it, and docs/api.md is generated from it.
STATUSPAGE_OBJECTS: dict[str, dict[str, Field]] = {
    "page": {
        "id": Field("string", False, "The site's host and path."),
        "name": Field("string", False, "Site name from site.yaml."),
        "url": Field("string", False, "Public address of the site, without a trailing slash (as Statuspage writes it)."),
        "time_zone": Field("string", False, "IANA zone of the site."),
        "updated_at": Field("timestamp", False, "Newest timestamp anywhere in the data; in an entry's own index.json, that entry's newest."),
    },
    "status": {
        "indicator": Field("string", False, "none, minor, major, critical (worst open incident impact), or maintenance."),
        "description": Field("string", False, "Statuspage's own sentence for the blend of component statuses, word for word: All Systems Operational, Partially Degraded Service, Degraded System Service, Minor Service Outage, Partial System Outage, Major System Outage or Service Under Maintenance."),
    },
    "component": {
        "id": Field("string", False, "Component id from site.yaml, or `group:<name>` for a group."),
        "name": Field("string", False, "Name shown to customers."),
        "description": Field("string", True, "One sentence; null when empty."),
        "status": Field("string", False, "operational, degraded_performance, partial_outage, major_outage or under_maintenance."),
        "position": Field("integer", False, "1-based display order (a group comes before its members)."),
        "group": Field("boolean", False, "true for a component group."),
        "group_id": Field("string", True, "Id of the group this component belongs to."),
        "components": Field("list of string", False, "Member ids.", only_on="groups"),
        "page_id": Field("string", False, "page.id."),
        "created_at": Field("timestamp", False, "Oldest timestamp in the data (Frankly does not record when a component was added)."),
        "updated_at": Field("timestamp", False, "Newest change of an entry affecting the component."),
        "showcase": Field("boolean", False, "Always true: every component is shown."),
        "only_show_if_degraded": Field("boolean", False, "Always false."),
        "start_date": Field("date", True, "Always null."),
    },
    "incident": {
        "id": Field("string", False, "The entry's slug."),
        "name": Field("string", False, "Title."),
        "status": Field("string", False, "Lifecycle status of the latest update."),
        "impact": Field("string", False, "none, minor, major or critical; maintenance for a scheduled maintenance."),
        "created_at": Field("timestamp", False, "First update (when the entry was published)."),
        "updated_at": Field("timestamp", True, "Newest timestamp in the entry (updates, apology, compensation, postmortem)."),
        "started_at": Field("timestamp", False, "Start of impact; for a maintenance, its announcement, as on Statuspage (the window is scheduled_for/until)."),
        "monitoring_at": Field("timestamp", True, "When it last moved to monitoring (a maintenance: to verifying)."),
        "resolved_at": Field("timestamp", True, "End of the latest episode; null while open."),
        "shortlink": Field("string", False, "Permanent address of the incident page."),
        "page_id": Field("string", False, "page.id."),
        "reminder_intervals": Field("string", True, "Always null (Frankly sends no reminders of its own)."),
        "components": Field("list of component", False, "Affected components, as in components.json; in an entry's own index.json, as that entry leaves them."),
        "incident_updates": Field("list of incident_update", False, "Newest first."),
        "scheduled_for": Field("timestamp", False, "Planned start.", only_on="scheduled maintenances"),
        "scheduled_until": Field("timestamp", False, "Planned end.", only_on="scheduled maintenances"),
    },
    "incident_update": {
        "id": Field("string", False, "`<slug>.<update anchor>`."),
        "incident_id": Field("string", False, "The incident's id."),
        "status": Field("string", False, "Lifecycle status after this update."),
        "body": Field("string", False, "The message as plain text, paragraphs apart (Markdown in frankly.body_markdown, HTML in frankly.body_html)."),
        "created_at": Field("timestamp", False, "When it was published."),
        "updated_at": Field("timestamp", False, "Same as created_at: published updates are not edited."),
        "display_at": Field("timestamp", False, "Same as created_at."),
        "affected_components": Field("list of affected_component", True, "Components this update set (changed or not) or changed; null if none."),
        "deliver_notifications": Field("boolean", False, "Always true: every update is published to every channel."),
        "custom_tweet": Field("string", True, "Always null."),
        "tweet_id": Field("string", True, "Always null."),
    },
    "affected_component": {
        "code": Field("string", False, "Component id."),
        "name": Field("string", False, "Component name."),
        "old_status": Field("string", False, "Status before the update."),
        "new_status": Field("string", False, "Status after the update."),
    },
}

#: Each endpoint's top-level keys and what they hold.
ENDPOINTS: dict[str, dict[str, str]] = {
    urls.API_STATUS: {"page": "page", "status": "status"},
    urls.API_COMPONENTS: {"page": "page", "components": "list of component"},
    urls.API_INCIDENTS: {"page": "page", "incidents": "list of incident"},
    urls.API_INCIDENTS_UNRESOLVED: {"page": "page", "incidents": "list of incident"},
    urls.API_MAINTENANCES: {"page": "page", "scheduled_maintenances": "list of incident"},
    urls.API_MAINTENANCES_UPCOMING: {"page": "page", "scheduled_maintenances": "list of incident"},
    urls.API_MAINTENANCES_ACTIVE: {"page": "page", "scheduled_maintenances": "list of incident"},
    urls.API_SUMMARY: {
        "page": "page", "status": "status", "components": "list of component",
        "incidents": "list of incident", "scheduled_maintenances": "list of incident",
    },
}


def field_table() -> str:
    """The documented field list as Markdown, for docs/api.md."""
    lines: list[str] = []
    for kind, fields in STATUSPAGE_OBJECTS.items():
        lines += [f"#### `{kind}`", "", "| field | type | null? | meaning |", "|---|---|---|---|"]
        for name, field in fields.items():
            only = f" (only on {field.only_on})" if field.only_on else ""
            lines.append(f"| `{name}` | {field.type} | {'yes' if field.nullable else 'no'} | {field.meaning}{only} |")
        lines.append("")
    return "\n".join(lines)


_DOC_MARKER = re.compile(r"(<!-- statuspage-fields -->\n)(.*?)(<!-- /statuspage-fields -->)", re.DOTALL)


def refresh_doc(text: str) -> str:
    """docs/api.md with its field tables regenerated from :data:`STATUSPAGE_OBJECTS`."""
    return _DOC_MARKER.sub(lambda m: m.group(1) + field_table() + m.group(3), text)


if __name__ == "__main__":  # python -m generator.outputs.api_shapes docs/api.md  (run by `make golden`)
    import sys
    from pathlib import Path

    for name in sys.argv[1:]:
        path = Path(name)
        path.write_text(refresh_doc(path.read_text(encoding="utf-8")), encoding="utf-8")
