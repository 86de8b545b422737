"""The words for the values in the data: statuses, kinds, impacts, channels,
in the language being published (generator/outputs/i18n.py)."""

from __future__ import annotations

import re

from generator.facts.accountability import ALL_TIME_KEY, RECENT_KEY
from generator.outputs.i18n import N_, active, gettext
from generator.outputs.timefmt import format_month

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
    word = WORDS.get(value)  # the vocabulary first: ~50 calls a page
    if word is not None:
        return gettext(word)
    if value in PERIODS or _MONTH_KEY.fullmatch(value):
        return period_label(value)  # an accountability period's key, e.g. '2026-11'
    return value.replace("_", " ").capitalize()


#: The overall indicator's sentence as the home page and the badges show it
#: (generator/facts/derive.py's INDICATOR_DESCRIPTION, whose English stays the facts' and the API's).
INDICATOR_SENTENCES = {
    "none": N_("All systems operational"),
    "minor": N_("Minor service disruption"),
    "major": N_("Partial system outage"),
    "critical": N_("Major system outage"),
    "maintenance": N_("Service under maintenance"),
}


def indicator_sentence(indicator: str) -> str:
    """'minor' -> 'Minor service disruption' in the language being published."""
    return gettext(INDICATOR_SENTENCES[indicator])


def headline(indicator: str, broken: list[str]) -> str:
    """The banner's sentence (StatusReport.headline's, in the language being published):
    'Minor service disruption: My Northwind app'."""
    sentence = indicator_sentence(indicator)
    if not broken:
        return sentence
    # Translators: the overall status, then the names of the components not operational.
    return gettext("%(status)s: %(components)s") % {"status": sentence, "components": ", ".join(broken)}


#: An incident's impact as a label ('Major impact': a card's pill, a search result).
IMPACT_LABELS = {
    "none": N_("None impact"),
    "minor": N_("Minor impact"),
    "major": N_("Major impact"),
    "critical": N_("Critical impact"),
}

#: The parts of an entry besides its updates, by their heading id on its page.
PART_TITLES = {
    "apology": N_("Apology"),
    "compensation": N_("Compensation"),
    "postmortem": N_("Postmortem"),
}


def impact_label(impact: str) -> str:
    """'major' -> 'Major impact' ('Impact majeur'): each a whole msgid, so that the adjective
    agrees with "impact" in languages that inflect it (the templates' `impact` filter)."""
    return gettext(IMPACT_LABELS[str(impact)])


def part_title(part: str) -> str:
    """'apology' -> 'Apology' ('Excuses')."""
    return gettext(PART_TITLES[part])


#: The accountability periods that are not months, by their key (facts/accountability.py).
PERIODS = {RECENT_KEY: N_("Last 90 days"), ALL_TIME_KEY: N_("All time")}
_MONTH_KEY = re.compile(r"(\d{4})-(\d{2})")


def period_label(key: str) -> str:
    """'2026-11' -> 'November 2026' ('Novembre 2026'), 'last-90-days' -> 'Last 90 days'."""
    if key in PERIODS:
        return gettext(PERIODS[key])
    year, month = map(int, _MONTH_KEY.fullmatch(key).groups())
    name = format_month(year, month, active().language)
    return name[:1].upper() + name[1:]
