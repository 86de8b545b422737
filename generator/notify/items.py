"""What is published, as items to deliver: every update, apology, compensation
offer and postmortem of every entry, and a reminder of each scheduled
maintenance window. Worked out from the derived facts alone; whether an item
is *new* is the ledger's business (:mod:`.ledger`), never the clock's.

An item's id is permanent: ``<slug>#<update id>``, ``<slug>#apology``,
``<slug>#compensation``, ``<slug>#postmortem``, ``<slug>#reminder-<window
start in UTC>`` (a maintenance moved to another window is reminded of again).
The same ids under an entry's former slugs (``aliases:``) name the same item,
so renaming an entry sends nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from generator.facts.derive import IncidentFacts, StatusReport
from generator.input.model import Update
from generator.input.values import UTC, Kind


@dataclass(frozen=True)
class Item:
    part: str  # an update's id, or apology, compensation, postmortem, reminder-...
    event: str  # update, apology, compensation, postmortem, reminder
    facts: IncidentFacts
    moment: datetime  # when it was published; a reminder: when its window starts
    update: Update | None = None

    @property
    def id(self) -> str:
        return f"{self.facts.slug}#{self.part}"

    @property
    def former_ids(self) -> tuple[str, ...]:
        return tuple(f"{alias}#{self.part}" for alias in self.facts.incident.aliases)

    @property
    def index(self) -> int | None:
        """The update's position in its entry (0 is the first)."""
        if self.update is None:
            return None
        return next(n for n, u in enumerate(self.facts.incident.updates) if u is self.update)

    def due(self, lead: timedelta) -> datetime | None:
        """When this item goes out; None when it never does (a reminder that would
        come after the announcement's own time is not sent: the announcement said it)."""
        if self.event != "reminder":
            return self.moment
        due = self.moment - lead
        return due if self.facts.first_update.at < due else None

    def expired(self, now: datetime) -> bool:
        """A reminder whose window has begun, or whose maintenance is no longer scheduled, is no news."""
        return self.event == "reminder" and (now >= self.moment or self.facts.status != "scheduled")


def items(report: StatusReport) -> list[Item]:
    """Every item of the site, oldest first (by the moment it was published)."""
    found: list[Item] = []
    for facts in report.entries:
        incident = facts.incident
        for update in incident.updates:
            found.append(Item(update.anchor, "update", facts, update.at, update))
        if incident.apology:
            found.append(Item("apology", "apology", facts, incident.apology.at))
        if incident.compensation:
            found.append(Item("compensation", "compensation", facts, incident.compensation.at))
        if incident.postmortem:
            found.append(Item("postmortem", "postmortem", facts, incident.postmortem.published_at))
        if incident.kind is Kind.maintenance and incident.window is not None:
            start = incident.window.start.astimezone(UTC).strftime("%Y%m%dt%H%M%Sz")
            found.append(Item(f"reminder-{start}", "reminder", facts, incident.window.start))
    found.sort(key=lambda item: (item.moment, item.id))
    return found


def webhook_event(item: Item) -> str:
    """The event's name in webhook bodies: incident.created, maintenance.reminder, ..."""
    kind = item.facts.incident.kind.value
    if item.event != "update":
        return {"apology": f"{kind}.apology", "compensation": f"{kind}.compensation",
                "postmortem": f"{kind}.postmortem", "reminder": "maintenance.reminder"}[item.event]
    if item.index == 0:
        return f"{kind}.scheduled" if kind == "maintenance" else f"{kind}.created"
    return f"{kind}.updated"
