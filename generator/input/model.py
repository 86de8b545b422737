"""The typed model of a status site: what editors write, validated.

These pydantic models describe the YAML format field by field; each field's
description is the documentation an editor sees in ``FORMAT.md``. They
hold only what was written. Everything that can be computed (current status,
start, end, duration) lives in :mod:`generator.facts.derive`, so nothing is typed
twice and nothing can disagree.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cached_property
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, Field, Strict, model_validator

from generator.input.values import (
    UTC,
    invalid,
    Channel,
    ComponentId,
    Day,
    ImpactValue,
    KindValue,
    Language,
    Markdown,
    NextUpdate,
    OneLineText,
    OptionalLine,
    StatusValue,
    Text,
    Timestamp,
    SiteUrl,
    Url,
    parse_text,
    parse_zone,
    positive_duration,
)
from generator.input.notifyconfig import NotifyChannel
from generator.input.strict import StrictModel
from generator.input.translated import (
    ActionItemText,
    ApologyText,
    CompensationText,
    ComponentText,
    ContactText,
    IncidentText,
    PostmortemText,
    SiteText,
    Translatable,
    UpdateText,
    translations_field,
)




# ---------------------------------------------------------------- site.yaml


class Component(Translatable):
    id: ComponentId = Field(description="Short permanent id used in incident files and URLs (`/components/<id>/`): lower case, digits, hyphens.")
    name: OneLineText = Field(description="Name shown to customers.")
    description: Text = Field("", description="One sentence on what this component is.")
    group: OptionalLine | None = Field(None, description="Optional group name; components of one group are shown together.")
    translations: dict[Language, ComponentText] | None = translations_field(ComponentText, "component")


class Person(StrictModel):
    name: OneLineText = Field(description="Full name, as customers should read it.")
    role: OneLineText = Field(description="Role, e.g. Chief Executive Officer.")


class Contact(Translatable):
    url: Url = Field(description="Where customers get help (support page, contact form).")
    label: OneLineText = Field("Contact support", description="Link text.")
    translations: dict[Language, ContactText] | None = translations_field(ContactText, "link")


class FeedSettings(StrictModel):
    max_entries: Annotated[int, Field(ge=1, le=1000)] = Field(
        50, description="Most entries one feed holds, newest first; older ones stay on the site, so feeds stay small at any history size."
    )


class SubscribeSettings(StrictModel):
    email_signup_url: Url | None = Field(
        None,
        description="Where customers sign up for e-mail updates: the sign-up page of the mailing list the company runs "
        "(its list manager keeps the subscribers and their unsubscribing; Frankly stores no addresses). "
        "The Subscribe page links it; without it, that page suggests feed-to-e-mail services.",
    )


parse_commitment = positive_duration("15m, 1h, 72h or 14d")  # a commitment's delay


CommitmentDelay = Annotated[timedelta, BeforeValidator(parse_commitment)]


class Commitments(StrictModel):
    """What the company promises about how it communicates; measured on /accountability/ and by `frankly check`."""

    since: Day | None = Field(
        None,
        description="The day these commitments were made. `frankly check` and `build` warn only about entries "
        "that started on or after it: a promise made today does not judge last year's incidents.",
    )

    first_update_within: CommitmentDelay = Field(
        "15m", validate_default=True,
        description="First public update of an incident at most this long after its impact started.",
    )
    update_every: CommitmentDelay = Field(
        "60m", validate_default=True,
        description="While an incident is open (or a maintenance under way), at most this long between updates.",
    )
    apology_within: CommitmentDelay = Field(
        "72h", validate_default=True,
        description="A major or critical incident gets a named person's apology at most this long after it is resolved.",
    )
    postmortem_within: CommitmentDelay = Field(
        "14d", validate_default=True,
        description="A major or critical incident gets a postmortem at most this long after it is resolved.",
    )


class Site(Translatable):
    name: OneLineText = Field(description="Name of the status site, e.g. 'Northwind Status'.")
    company: OneLineText = Field(description="The company's name, used in sentences ('Northwind apologises').")
    base_url: SiteUrl = Field(description="Public address of the site, used for every absolute link (feeds, social cards).")
    time_zone: Annotated[ZoneInfo, BeforeValidator(parse_zone)] = Field(
        description="IANA zone in which times are shown, e.g. Europe/Berlin. Every time also shows its UTC offset."
    )
    language: Language = Field(
        "en", description="Language of the site, e.g. en, en-GB, de; for several, use `languages:` instead."
    )
    languages: Annotated[tuple[Language, ...], Strict(False), Field(min_length=1)] | None = Field(
        None,
        description="The site's languages when it has several, the default first, e.g. [fr, en]: the text fields "
        "are in the first, the others go under `translations:` (see Languages below). Give this or `language:`, "
        "not both (default: [language]).",
    )
    contact: Contact | None = Field(None, description="Support link shown on every incident page.")
    social: dict[Channel, Url] = Field(default_factory=dict, description="The company's accounts, e.g. x: https://x.com/northwind.")
    components: list[Component] = Field(min_length=1, description="Components in display order.")
    timestamps_without_offset: Literal["error", "site_time_zone"] = Field(
        "error",
        description="'error' (default): every timestamp must carry its UTC offset. "
        "'site_time_zone': a timestamp without offset is read in time_zone.",
    )
    recent_count: Annotated[int, Field(ge=0, le=100)] = Field(10, description="How many closed entries the home page lists under 'Recent history'.")
    feeds: FeedSettings = Field(default_factory=FeedSettings, description="RSS and Atom feed options (see below).")
    subscribe: SubscribeSettings = Field(
        default_factory=SubscribeSettings, description="Options of the Subscribe page (`/subscribe/`), see below."
    )
    commitments: Commitments = Field(
        default_factory=Commitments,
        description="Communication commitments (first update, cadence, apology, postmortem); defaults shown below.",
    )
    addresses_since: Annotated[str, Field(pattern=r"^[0-9a-f]{7,40}$")] | None = Field(
        None,
        description="The git commit this site started from, when it began as a copy of another repository "
        "(`frankly init --here` sets it): the incident files that commit held were never published here, so "
        "deleting them breaks no address. Files added after it keep their addresses for ever.",
    )
    notify: list[NotifyChannel] = Field(
        default_factory=list,
        description="Where `frankly notify` delivers every new update, apology, compensation, postmortem and "
        "maintenance reminder: one item per channel with its `type:` (see below). Secrets only as names of "
        "environment variables.",
    )
    translations: dict[Language, SiteText] | None = translations_field(SiteText, "site")

    @model_validator(mode="after")
    def _one_language_list(self) -> "Site":
        # language: xx means languages: [xx]; Site.language stays the default (first) language.
        given = self.model_fields_set
        if self.languages is None:
            object.__setattr__(self, "languages", (self.language,))
            return self
        if "language" in given:
            raise invalid("languages: give either language: or languages:, not both; keep languages: "
                          "(its first is the default language) and remove language:", key_at=("languages",))
        for index, code in enumerate(self.languages):
            if code in self.languages[:index]:
                raise invalid(f"languages #{index + 1}: '{code}' is listed twice; give each language once",
                              key_at=("languages", index))
        object.__setattr__(self, "language", self.languages[0])
        return self

    @property
    def base(self) -> str:
        """base_url with exactly one trailing slash."""
        return self.base_url.rstrip("/") + "/"

    def component(self, component_id: str) -> Component:
        return next(c for c in self.components if c.id == component_id)


# ---------------------------------------------------------------- incidents/*.yaml


class PostedLink(StrictModel):
    url: Url | None = Field(None, description="Address of the post (tweet, Mastodon toot, LinkedIn post).")
    channel: Channel | None = Field(None, description="Where it went; guessed from the URL when omitted. Required for sms and email.")
    note: Text = Field("", description="Optional note, e.g. 'SMS to 1.2 million affected customers'.")

    @cached_property  # asked for on every page, feed and figure: urlsplit each time added up
    def channel_name(self) -> str:
        """The channel as given, else recognised from the URL's host."""
        if self.channel:
            return self.channel
        return channel_of_url(self.url or "")


def channel_of_url(url: str) -> str:
    """The channel a post's address names by its host. A validated address is http(s) with no
    space or control character, so its host and path are what the split below gives, as urlsplit
    gives them (tests/test_values_fast_paths.py): urlsplit was a third of the figures' first pass."""
    found = _HOST_AND_PATH.match(url)
    netloc, path = found.groups() if found else ("", "")
    host = netloc.lower().removeprefix("www.")
    for channel, hosts in _CHANNEL_HOSTS.items():
        if host in hosts:
            return channel
    if "mastodon" in host or path.startswith("/@"):
        return "mastodon"
    return "web"


_HOST_AND_PATH = re.compile(r"[hH][tT][tT][pP][sS]?://([^/?#]*)([^?#]*)")


_CHANNEL_HOSTS: dict[str, tuple[str, ...]] = {
    "x": ("x.com", "twitter.com", "mobile.twitter.com"),
    "bluesky": ("bsky.app",),
    "linkedin": ("linkedin.com",),
    "facebook": ("facebook.com", "fb.com", "m.facebook.com"),
    "instagram": ("instagram.com",),
    "threads": ("threads.net", "threads.com"),
}


def _posted_link(value: Any) -> Any:
    return {"url": value} if isinstance(value, str) else value


class Update(Translatable):
    at: Timestamp = Field(description="When this update was published, with UTC offset.")
    status: OneLineText = Field(description="Lifecycle status after this update (depends on kind).")
    message: Markdown = Field(description="What customers are told (Markdown).")
    id: Annotated[str, BeforeValidator(parse_text), Field(pattern=r"^[a-z0-9][a-z0-9-]*$")] | None = Field(
        None, description="Optional permanent id; by default derived from the timestamp."
    )
    next_update: NextUpdate | None = Field(None, description="Promise of the next update: a duration (30m, 1h) or a timestamp.")
    posted_to: list[Annotated[PostedLink, BeforeValidator(_posted_link)]] = Field(
        default_factory=list, description="Where this update was also posted: URLs, or {channel, url, note}."
    )
    components: dict[ComponentId, StatusValue] | None = Field(
        None, description="Component statuses from this update on (when they changed)."
    )
    reopens: bool = Field(False, description="Set to true on an update that reopens a closed entry.")
    translations: dict[Language, UpdateText] | None = translations_field(UpdateText, "update")

    @cached_property  # asked for ~12 times per update per build
    def anchor(self) -> str:
        """Permanent id of this update (page anchor, feed guid suffix, JSON id).

        The explicit ``id`` when given, else the UTC time ('u-20261120t081400z'):
        stable across rebuilds and unaffected by updates added before or after.
        Updates of one entry at the same second are told apart by their order
        (``-2``, ``-3``: :meth:`Incident.model_post_init`), so no one has to type an id.
        """
        return self.id or self.time_id

    @property
    def time_id(self) -> str:
        at = self.at.astimezone(UTC)  # %-formatting: strftime took twice as long, 50,000 times a build at 10,000 entries
        return "u-%04d%02d%02dt%02d%02d%02dz" % (at.year, at.month, at.day, at.hour, at.minute, at.second)

    @property
    def promised_by(self) -> datetime | None:
        """When the next update was promised for, however the promise was written."""
        if isinstance(self.next_update, timedelta):
            return self.at + self.next_update
        return self.next_update


class Window(StrictModel):
    start: Timestamp = Field(description="Planned start of the maintenance.")
    end: Timestamp = Field(description="Planned end of the maintenance.")


class Apology(Translatable):
    at: Timestamp = Field(description="When the apology was published.")
    by: Person = Field(description="Who apologises: a named person, not 'the team'.")
    statement: Markdown = Field(description="The apology, in the first person (Markdown).")
    video: Url | None = Field(None, description="Optional link to a video of the apology.")
    link: Url | None = Field(None, description="Optional link to the statement elsewhere (blog, press release).")
    translations: dict[Language, ApologyText] | None = translations_field(ApologyText, "apology")


class Compensation(Translatable):
    at: Timestamp = Field(description="When the offer was published.")
    offer: Markdown = Field(description="What is offered (Markdown).")
    eligible: Markdown = Field(description="Who is eligible (Markdown).")
    how_to_claim: Markdown = Field(description="How to claim it; 'automatic' is a fine answer (Markdown).")
    until: Day | None = Field(None, description="Last day to claim, if any.")
    translations: dict[Language, CompensationText] | None = translations_field(CompensationText, "offer")


class ActionItem(Translatable):
    title: OneLineText = Field(description="What will change.")
    owner: OneLineText = Field(description="Team or person responsible.")
    due: Day | None = Field(None, description="Due date.")
    done: bool = Field(False, description="true once done.")
    translations: dict[Language, ActionItemText] | None = translations_field(ActionItemText, "action item")


class Postmortem(Translatable):
    published_at: Timestamp = Field(description="When the postmortem was published.")
    root_cause: Markdown = Field(description="Why it happened (Markdown).")
    changes: Markdown = Field(description="What changes so it does not happen again (Markdown).")
    action_items: list[ActionItem] = Field(default_factory=list, description="Concrete follow-ups.")
    translations: dict[Language, PostmortemText] | None = translations_field(PostmortemText, "postmortem")


class Incident(Translatable):
    """One file in incidents/: an incident, a maintenance or a notice."""

    slug: str = Field(description="(not written) the file name without .yaml; the permanent address.")
    kind: KindValue = Field(description="incident, maintenance or notice.")
    title: OneLineText = Field(description="Short title, as a headline.")
    summary: Markdown = Field(description="One paragraph: what happened, who was affected (Markdown).")
    impact: ImpactValue = Field(description="none, minor, major or critical.")
    components: dict[ComponentId, StatusValue] = Field(
        default_factory=dict, description="Affected component ids, each with its status while the entry is open."
    )
    impact_started_at: Timestamp | None = Field(
        None, description="When impact began, if before the first update (default: the first update)."
    )
    window: Window | None = Field(None, description="Maintenance only: the scheduled window.")
    updates: list[Update] = Field(min_length=1, description="The timeline, oldest first; add new updates at the end.")
    apology: Apology | None = Field(None, description="A named person's apology (see below).")
    compensation: Compensation | None = Field(None, description="What customers get, who and how (see below).")
    postmortem: Postmortem | None = Field(None, description="Root cause and what changes (see below).")
    aliases: list[Annotated[str, BeforeValidator(parse_text)]] = Field(
        default_factory=list, description="Former slugs of this entry, oldest first; their addresses keep working. The first stays the id of a maintenance's calendar event, so subscribers' calendars keep it as one event."
    )
    translations: dict[Language, IncidentText] | None = translations_field(IncidentText, "entry")

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        # Updates at the same second (two commands in one second, two hand-written
        # 08:00) get -2, -3 ... by their order: deterministic, and an id once
        # published never changes, since new updates are added at the end.
        taken = {update.id for update in self.updates if update.id}
        for update in self.updates:
            if update.id:
                continue
            anchor, number = update.time_id, 1
            while anchor in taken:
                number += 1
                anchor = f"{update.time_id}-{number}"
            taken.add(anchor)
            update.__dict__["anchor"] = anchor  # the cached_property's value

    @property
    def any_untranslated(self) -> bool:
        """Whether this localized entry shows any text in the default language (its
        title or summary, an update, the apology, compensation or postmortem)."""
        parts = [self, *self.updates, self.apology, self.compensation, self.postmortem]
        if self.postmortem is not None:
            parts += self.postmortem.action_items
        return any(part is not None and part.untranslated for part in parts)

