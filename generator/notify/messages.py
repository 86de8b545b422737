"""One item as what each service receives: its headline, text and link read
from the derived facts and from the texts `frankly post` makes, then shaped as
each service's documentation specifies (limits included, so a long update is
shortened at a word, never rejected):

- Slack incoming webhook: ``text`` (the notification) and Block Kit ``blocks``
  (header ≤ 150, section ≤ 3000, at most 10 fields ≤ 2000, a context line).
- Discord webhook: ``content`` ≤ 2000 and one embed (title ≤ 256, description
  ≤ 4096, ≤ 25 fields of name ≤ 256 / value ≤ 1024, footer ≤ 2048, ≤ 6000 in
  all); ``allowed_mentions`` empty, so an update never pings @everyone.
- Microsoft Teams Workflows: a ``message`` with one Adaptive Card 1.4
  attachment (TextBlocks, a FactSet, an Action.OpenUrl).
- Mattermost incoming webhook: Markdown ``text``.
- Google Chat incoming webhook: ``text`` in Chat's own formatting, one
  thread per entry (``thread.threadKey``).
- The generic webhook: Statuspage's subscriber-webhook body (``meta``,
  ``page``, ``incident`` with ``incident_updates``, the incident exactly as
  the site's JSON API shows it) plus ``notification`` (FORMAT.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from generator.facts.derive import StatusReport
from generator.notify.items import Item, webhook_event
from generator.outputs import posts, urls
from generator.outputs.api import StatuspageApi
from generator.outputs.i18n import N_
from generator.outputs.i18n import gettext as _
from generator.outputs.markup import paragraphs, render_markdown
from generator.outputs.social import IMPACT_COLOUR, MAINTENANCE, STATUS_COLOUR, affected_list, shorten
from generator.outputs.timefmt import format_duration, format_moment, statuspage_time
from generator.outputs.words import label
from generator.input.values import UTC, Kind


@dataclass(frozen=True)
class Message:
    item: Item
    site_name: str
    headline: str
    text: str  # plain text, paragraphs apart by a blank line
    html: str  # the same as sanitized HTML (the mail's HTML part)
    url: str  # the item's place on its entry's page
    facts: tuple[tuple[str, str], ...]  # (label, value) shown beside the text
    when: str
    colour: str  # '#rrggbb'
    posts: tuple[posts.Post, ...]  # what `frankly post` prints for it

    def post(self, network: str) -> str:
        return posts.by_network(list(self.posts), network).text


def compose(report: StatusReport, item: Item, lead: timedelta) -> Message:
    site, facts = report.site, item.facts
    incident = facts.incident
    when = lambda moment: format_moment(moment, site.time_zone, site.language)  # noqa: E731
    page = urls.absolute(site.base, urls.incident(facts.slug))
    details: list[tuple[str, str]] = []
    if incident.window is not None:
        # Translators: a maintenance's window, from its start to its end.
        details.append((_("Window"), _("%(start)s to %(end)s") % {"start": when(incident.window.start), "end": when(incident.window.end)}))
    colour = STATUS_COLOUR.get(facts.status, IMPACT_COLOUR[incident.impact])
    if item.event == "update":
        update = item.update
        assert update is not None
        headline = posts.post_headline(incident.title, label(update.status))
        text = "\n\n".join(paragraphs(update.message))
        html = str(render_markdown(update.message))
        url = f"{page}#{update.anchor}"
        # Translators: the name of a message's fact: the update's status ('Status: Resolved').
        details.insert(0, (_("Status"), label(update.status)))
        if incident.components and update is facts.latest_update and facts.shown_statuses:
            # Translators: the name of a message's fact: the components the entry affects.
            details.append((_("Affected") if facts.is_active else _("Affected (at worst)"), affected_list(facts, site)))
        if update.promised_by:
            details.append((_("Next update by"), when(update.promised_by)))
        colour = STATUS_COLOUR.get(update.status, colour)
        made = posts.compose(report, facts, update)
    elif item.event == "reminder":
        # Translators: a maintenance's reminder: its title, then how soon it begins ('1 h').
        headline = _("%(title)s: begins in %(lead)s") % {"title": incident.title, "lead": format_duration(lead)}
        window = incident.window
        text = (_("Scheduled maintenance from %(start)s to %(end)s.") % {"start": when(window.start), "end": when(window.end)}
                + "\n\n" + "\n\n".join(paragraphs(incident.summary)))
        html = f"<p>{_escape(text.split(chr(10))[0])}</p>" + str(render_markdown(incident.summary))
        url = page
        if incident.components:
            details.append((_("Affected"), _(", ").join(site.component(c).name for c in incident.components)))
        colour = MAINTENANCE
        made = posts.compose_text(headline, text, url)
    else:
        headline, text = posts.part_text(facts, item.event, site)
        url = f"{page}#{item.event}"
        html = "".join(f"<p>{_escape(block)}</p>".replace("\n", "<br>") for block in text.split("\n\n"))
        made = posts.compose_part(report, facts, item.event)
    return Message(item, site.name, headline, text, html, url, tuple(details), when(item.moment), colour, tuple(made))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, shortened at a word with '…'."""
    return shorten(text, lambda part: len(part) <= limit)[0] if len(text) > limit else text


# ---------------------------------------------------------------- chat services


# Mentions and markup in free text (titles, messages, facts): each service's own
# rules, one function each, applied to every free text of its payload, so that a
# title such as '<!channel>' or '@all' never pings a whole workspace.
WORD_JOINER = "\u2060"  # invisible; splits '@channel' so no service reads it as a mention


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn escaping: &, < and > (so '<!channel>' and '<@U1>' are shown, not run)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MATTERMOST_MENTION = re.compile(r"([@<])(?=[!@#\w])")


def _mattermost_neutral(text: str) -> str:
    """Mattermost: no escaping exists; a word joiner after '@' (before a name: @channel, @all, @here,
    @user) and after '<' (before '!', '@', '#': Slack-style <!channel>, which Mattermost converts) defuses it."""
    return _MATTERMOST_MENTION.sub(lambda m: m.group(1) + WORD_JOINER, text)


def _google_chat_neutral(text: str, headline: bool = False) -> str:
    """Google Chat: '<users/all>' mentions everyone and '<url|text>' makes a link: a word joiner after
    every '<'. In the bold headline, '*', '_' and '~' (Chat's markup) are dropped so the bold holds."""
    text = text.replace("<", "<" + WORD_JOINER)
    return re.sub(r"[*_~]", "", text) if headline else text


def slack(message: Message) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": cut(message.headline, 150), "emoji": True}},
    ]
    if message.text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": cut(_slack_escape(message.text), 3000)}})
    if message.facts:
        blocks.append({"type": "section", "fields": [
            {"type": "mrkdwn", "text": cut(f"*{_slack_escape(name)}*\n{_slack_escape(value)}", 2000)} for name, value in message.facts[:10]
        ]})
    blocks.append({"type": "context", "elements": [
        {"type": "mrkdwn", "text": cut(f"<{message.url}|{_slack_escape(message.site_name)}> · {_slack_escape(message.when)}", 3000)},
    ]})
    # ``text`` is what phone notifications show: mrkdwn too, so escaped as the blocks are.
    return {"text": cut(f"{_slack_escape(message.headline)} {message.url}", 3000), "blocks": blocks, "unfurl_links": False}


def discord(message: Message) -> dict[str, Any]:
    embed: dict[str, Any] = {
        "title": cut(message.headline, 256),
        "url": message.url,
        "description": cut(message.text, 3000),  # with the rest, well within 6000
        "color": int(message.colour.lstrip("#"), 16),
        "timestamp": message.item.moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),  # ISO 8601, as Discord asks
        "footer": {"text": cut(message.site_name, 200)},
    }
    if message.facts:
        embed["fields"] = [{"name": cut(name, 256), "value": cut(value, 1024), "inline": False} for name, value in message.facts[:25]]
    return {"content": cut(message.headline, 2000), "embeds": [embed], "allowed_mentions": {"parse": []}}


def teams(message: Message) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": message.headline, "weight": "Bolder", "size": "Medium", "wrap": True},
    ]
    if message.text:
        body.append({"type": "TextBlock", "text": cut(message.text, 4000), "wrap": True})
    if message.facts:
        body.append({"type": "FactSet", "facts": [{"title": name, "value": value} for name, value in message.facts]})
    body.append({"type": "TextBlock", "text": f"{message.site_name} · {message.when}", "isSubtle": True, "size": "Small", "wrap": True})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": _("Open the status page"), "url": message.url}],
        "msteams": {"width": "Full"},
    }
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card},
    ]}


def mattermost(message: Message) -> dict[str, Any]:
    free = _mattermost_neutral
    lines = [f"#### {free(message.headline)}", "", free(message.text), ""]
    lines += [f"**{free(name)}:** {free(value)}" for name, value in message.facts]
    lines += ["", f"[{free(message.site_name)}]({message.url}) · {free(message.when)}"]
    return {"text": cut("\n".join(lines), 4000)}


def google_chat(message: Message, threads: bool) -> dict[str, Any]:
    free = _google_chat_neutral
    lines = [f"*{free(message.headline, headline=True)}*", free(message.text), ""]
    lines += [f"*{free(name, headline=True)}:* {free(value)}" for name, value in message.facts]
    lines += [f"<{message.url}|{free(message.site_name)}> · {free(message.when)}"]
    payload: dict[str, Any] = {"text": cut("\n".join(lines), 4000)}
    if threads:
        payload["thread"] = {"threadKey": message.item.facts.slug}
    return payload


# ---------------------------------------------------------------- the generic webhook


def webhook(message: Message, report: StatusReport, delivery_id: str) -> dict[str, Any]:
    """Statuspage's subscriber-webhook body, so receivers written for it work; ``notification`` says what is new."""
    api = StatuspageApi(report)
    item = message.item
    return {
        "meta": {"unsubscribe": None, "documentation": None},
        "page": {"id": api.page_id, "status_indicator": report.indicator, "status_description": report.statuspage_description},
        "incident": api.incident(item.facts),
        "notification": {
            "event": webhook_event(item),
            "item_id": item.id,
            "delivery_id": delivery_id,
            "kind": item.facts.incident.kind.value,
            "part": item.event,
            "update_id": item.update.anchor if item.update is not None else None,
            "published_at": statuspage_time(item.moment, report.site.time_zone),
            "headline": message.headline,
            "text": message.text,
            "url": message.url,
        },
    }


def subject(message: Message) -> str:
    """A mail's subject: the status (or what was published) and the title."""
    item = message.item
    incident = item.facts.incident
    if item.event == "update":
        state = label(item.update.status)  # type: ignore[union-attr]
        if incident.kind is Kind.incident:
            # Translators: an e-mail's subject: the update's status in brackets, then the incident's title.
            text = _("[%(status)s] %(title)s") % {"status": state, "title": incident.title}
        else:
            # Translators: an e-mail's subject: the status in brackets, the kind ('Maintenance'), then the title.
            text = _("[%(status)s] %(kind)s %(title)s") % {"status": state, "kind": label(incident.kind.value), "title": incident.title}
        return cut(text.replace("\n", " "), 200)
    # Translators: an e-mail's subject: what was published in brackets ('Apology'), then the message's headline.
    text = _("[%(what)s] %(headline)s") % {"what": _(SUBJECT_WORDS[item.event]), "headline": message.headline}
    return cut(text.replace("\n", " "), 200)


#: What a mail that is not an update says it brings, by the item's event.
SUBJECT_WORDS = {"apology": N_("Apology"), "compensation": N_("Compensation"), "postmortem": N_("Postmortem"),
                 "reminder": N_("Reminder")}

