"""The words of the site's overall indicator: Statuspage's, word for word (derive.py
decides which one applies; bots and clients compare them as strings)."""

from __future__ import annotations

from generator.input.values import Impact, Kind

IMPACT_RANK: dict[Impact, int] = {Impact.none: 0, Impact.minor: 1, Impact.major: 2, Impact.critical: 3}

#: Statuspage's overall indicator and the sentence the home page shows for it.
INDICATOR_DESCRIPTION: dict[str, str] = {
    "none": "All systems operational",
    "minor": "Minor service disruption",
    "major": "Partial system outage",
    "critical": "Major system outage",
    "maintenance": "Service under maintenance",
}
#: Statuspage's own sentences for the page's status, word for word: bots and
#: clients compare them as strings. The home page keeps its own sentence above.
STATUSPAGE_SENTENCES = {
    "operational": "All Systems Operational",
    "some degraded": "Partially Degraded Service",
    "all degraded": "Degraded System Service",
    "partial outage": "Minor Service Outage",
    "some major outage": "Partial System Outage",
    "all major outage": "Major System Outage",
    "maintenance": "Service Under Maintenance",
}
#: The least an indicator says: an incident of major impact is at least a
#: partial system outage, whatever its components show.
INDICATOR_FLOOR = {"none": "operational", "minor": "some degraded", "major": "some major outage",
                    "critical": "all major outage", "maintenance": "maintenance"}
SEVERITY = ["operational", "maintenance", "some degraded", "all degraded", "partial outage", "some major outage", "all major outage"]


def indicator_of(entries: list) -> str:
    """Statuspage's rule: the worst impact of open incidents, else maintenance, else none."""
    impacts = [f.incident.impact for f in entries if f.incident.kind is Kind.incident and f.is_open]
    worst = max(impacts, key=IMPACT_RANK.__getitem__, default=Impact.none)
    if worst is not Impact.none:
        return worst.value
    if any(f.incident.kind is Kind.maintenance and f.is_active for f in entries):
        return "maintenance"
    return "none"
