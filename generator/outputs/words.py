"""The words for the values in the data: statuses, kinds, impacts, channels,
in the language being published (generator/outputs/i18n.py)."""

from __future__ import annotations

from generator.outputs.i18n import N_, gettext

#: Every value of the format's vocabulary (generator/input/values.py) that readers see,
#: as its English msgid. A value missing here would be shown untranslated:
#: tests/test_catalogs.py checks the table covers the vocabulary.
WORDS = {
    # kinds
    "incident": N_("Incident"),
    "maintenance": N_("Maintenance"),
    "notice": N_("Notice"),
    # impacts
    "none": N_("None"),
    "minor": N_("Minor"),
    "major": N_("Major"),
    "critical": N_("Critical"),
    # component statuses
    "operational": N_("Operational"),
    "degraded_performance": N_("Degraded performance"),
    "partial_outage": N_("Partial outage"),
    "major_outage": N_("Major outage"),
    "under_maintenance": N_("Under maintenance"),
    # lifecycle statuses
    "investigating": N_("Investigating"),
    "identified": N_("Identified"),
    "monitoring": N_("Monitoring"),
    "resolved": N_("Resolved"),
    "scheduled": N_("Scheduled"),
    "in_progress": N_("In progress"),
    "verifying": N_("Verifying"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
    "posted": N_("Posted"),
    "closed": N_("Closed"),
    # channels a post went to
    "x": N_("X"),
    "mastodon": N_("Mastodon"),
    "bluesky": N_("Bluesky"),
    "linkedin": N_("LinkedIn"),
    "facebook": N_("Facebook"),
    "instagram": N_("Instagram"),
    "threads": N_("Threads"),
    "sms": N_("SMS"),
    "email": N_("E-mail"),
    "web": N_("Web"),
}


def label(value: str) -> str:
    """'partial_outage' -> 'Partial outage' (or 'Panne partielle' on a French page)."""
    value = str(value)
    word = WORDS.get(value)
    return gettext(word) if word is not None else value.replace("_", " ").capitalize()
