"""The words for the values in the data: statuses, channels, kinds."""

from __future__ import annotations

STATUS_WORDS = {
    "x": "X",
    "linkedin": "LinkedIn",
    "sms": "SMS",
    "email": "E-mail",
    "operational": "Operational",
    "degraded_performance": "Degraded performance",
    "partial_outage": "Partial outage",
    "major_outage": "Major outage",
    "under_maintenance": "Under maintenance",
    "in_progress": "In progress",
}


def label(value: str) -> str:
    """'partial_outage' -> 'Partial outage'."""
    value = str(value)
    return STATUS_WORDS.get(value, value.replace("_", " ").capitalize())
