"""An uptime history as plain values: the JSON's figures and a badge's text (uptime.py
computes the histories)."""

from __future__ import annotations

from typing import Any

from generator.facts.uptime import DEFINITION, UptimeDay, UptimeHistory

# ---------------------------------------------------------------- plain data


def history_dict(history: UptimeHistory, group_id: str | None = None, with_days: bool = True) -> dict[str, Any]:
    """The JSON-ready figures of one history, for the Statuspage ``frankly`` extension
    (``group_id``: the id the API gives a group, e.g. 'group:messaging'). With its
    days, ~12 KB per 90-day history; ``with_days=False`` for the figure alone (summaries)."""
    found = {
        "id": group_id or history.key,
        "name": history.name,
        "group": history.is_group,
        "components": list(history.members) if history.is_group else None,
        "days_in_window": len(history.days),
        "from": history.days[0].date.isoformat() if history.days else None,
        "to": history.days[-1].date.isoformat() if history.days else None,
        "availability": None if history.availability is None else float(history.availability),
        "availability_text": history.percent,
        "definition": DEFINITION,
    }
    if with_days:
        found["days"] = [day_dict(day) for day in history.days]
    return found


def day_dict(day: UptimeDay) -> dict[str, Any]:
    """One day as plain values; ``status`` None and ``availability`` None: no data."""
    return {
        "date": day.date.isoformat(),
        "status": None if day.worst is None else day.worst.value,
        "availability": None if day.availability is None else float(day.availability),
        "observed_seconds": day.observed_seconds,
        "seconds": {status.value: s for status, s in day.seconds_by_status.items()},
        "entries": list(day.entries),
    }


def badge_text(history: UptimeHistory) -> str:
    """What a component's uptime badge shows: the window's figure, e.g. '99.95%', or 'no data'."""
    return history.percent or "no data"
