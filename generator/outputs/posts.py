"""`frankly post`: ready-to-post text for one update of one incident.

Three versions, each ending with the incident's canonical address:

- X: at most 280, counted the way X counts (twitter-text-parser, a pure
  Python port of X's own twitter-text that passes its conformance suite:
  most characters weigh 1, CJK and emoji 2, every link 23 whatever its
  length). Its last release is from 2023, but the rules it implements (X's
  "v3" weighting) have not changed since; links are counted here ourselves,
  so a domain that X's list of top-level domains lacks still counts 23.
- Mastodon: at most 500. Mastodon counts every link as 23 and the rest in
  grapheme clusters; we count code points, which are never fewer than
  grapheme clusters, so a text we accept always fits (an emoji built from
  several code points costs us more than it costs Mastodon, never less).
- Bluesky: at most 300 graphemes; the link is shown (and counted) in full,
  and made a link by a facet when posted. Code points are counted, never
  fewer than graphemes, as for Mastodon.
- LinkedIn / Facebook: the whole update with its context, up to LinkedIn's
  3000 characters.

Besides updates, the apology, the compensation offer and the postmortem of an
entry each have their posts too (:func:`compose_part`), linked to their place
on the page, and so has the reminder of a maintenance about to begin.

Text that does not fit is shortened at a word boundary and ends with '…';
the address line then reads 'Full update: <url>' so readers know there is more.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable

from generator.outputs.tweetlength import parse_tweet

from generator.facts.derive import IncidentFacts, StatusReport
from generator.input.load import slug_of
from generator.input.model import Update
from generator.outputs import urls
from generator.outputs.i18n import gettext as _, ngettext
from generator.outputs.markup import paragraphs, plain_text
from generator.outputs.numbers import number
from generator.outputs.social import affected_list, shorten, status_sentence
from generator.outputs.timefmt import format_day, format_moment
from generator.outputs.words import label

X_LIMIT = 280
MASTODON_LIMIT = 500
LONG_LIMIT = 3000  # LinkedIn's limit; Facebook's is far higher
BLUESKY_LIMIT = 300  # graphemes
#: The parts of an entry besides its updates that have posts of their own, by their anchor on the page.
PARTS = ("apology", "compensation", "postmortem")
LINK_WEIGHT = 23  # both X and Mastodon count any link as 23 characters

# Punctuation right after a link is not part of it (X and Mastodon count it as text).
_URL = re.compile(r"https?://\S+?(?=[.,;:!?'\")\]]*(?:\s|$))")


@dataclass(frozen=True)
class Post:
    network: str
    text: str
    length: int
    limit: int
    shortened: bool
    note: str  # how the length was counted


def x_length(text: str) -> int:
    """Length as X counts it, with every http(s) link at 23 even where X's TLD list would not link it."""
    links = _URL.findall(text)
    return parse_tweet(_URL.sub("", text)).weightedLength + LINK_WEIGHT * len(links)


def mastodon_length(text: str) -> int:
    """Code points, every link at 23 (an upper bound of Mastodon's grapheme count)."""
    links = _URL.findall(text)
    return len(_URL.sub("", text)) + LINK_WEIGHT * len(links)


def plain_length(text: str) -> int:
    return len(text)


def find_update(facts: IncidentFacts, update_id: str | None) -> Update | None:
    """The update with this permanent id (see Update.anchor), or the latest when no id is given."""
    if update_id is None:
        return facts.latest_update
    return next((u for u in facts.incident.updates if u.anchor == update_id), None)


def compose(report: StatusReport, facts: IncidentFacts, update: Update) -> list[Post]:
    site = report.site
    page = urls.absolute(site.base, urls.incident(facts.slug))
    title = facts.incident.title
    status = label(update.status)
    message = paragraphs(update.message)
    headline = post_headline(title, status)
    short_message = plain_text(update.message)

    x = _fit(
        "X", lambda m: f"{headline}. {m}" if m else f"{headline}.", short_message, page, X_LIMIT, x_length,
        "counted as X does: links 23, emoji and CJK 2",
    )

    extras = []
    if facts.incident.components and update is facts.latest_update and facts.shown_statuses:
        affected = affected_list(facts, site)
        extras.append(_("Affected: %(components)s") % {"components": affected} if facts.is_active
                      else _("Affected (at worst): %(components)s") % {"components": affected})
    if update.promised_by:
        extras.append(_("Next update by %(moment)s.") % {"moment": format_moment(update.promised_by, site.time_zone, site.language)})
    tail = "\n\n" + "\n".join(extras) if extras else ""
    mastodon = _fit(
        "Mastodon", lambda m: f"{headline}\n\n{m}{tail}" if m else f"{headline}{tail}",
        "\n\n".join(message), page, MASTODON_LIMIT, mastodon_length, "links 23, other characters by code point",
    )

    when = format_moment(update.at, site.time_zone, site.language)
    # Translators: a long post's second line: the update's status, then when it was posted.
    status_line = _("%(status)s · update of %(moment)s") % {"status": status, "moment": when}
    context = [status_sentence(facts, site)] if update is facts.latest_update else []
    long_tail = "\n\n" + "\n".join(context + extras) if context or extras else ""
    bluesky = _fit(
        "Bluesky", lambda m: f"{headline}\n\n{m}" if m else headline,
        "\n\n".join(message), page, BLUESKY_LIMIT, plain_length, "the link in full, other characters by code point",
    )
    long = _fit(
        "LinkedIn / Facebook", lambda m: f"{title}\n{status_line}\n\n{m}{long_tail}",
        "\n\n".join(message), page, LONG_LIMIT, plain_length, "LinkedIn's limit",
    )
    return [x, mastodon, bluesky, long]


def post_headline(title: str, status: str) -> str:
    # Translators: a post's first line: the entry's title, then the update's status.
    return _("%(title)s: %(status)s") % {"title": title, "status": status}


def part_text(facts: IncidentFacts, part: str, site) -> tuple[str, str]:
    """The headline and the plain text of an entry's apology, compensation or postmortem."""
    incident = facts.incident
    title = incident.title
    if part == "apology":
        apology = incident.apology
        who = {"name": apology.by.name, "role": apology.by.role}
        # Translators: the signature under an apology: who made it and their role.
        text = "\n\n".join(paragraphs(apology.statement)) + "\n\n" + _("— %(name)s, %(role)s") % who
        return _("%(title)s: an apology from %(name)s, %(role)s") % {"title": title, **who}, text
    if part == "compensation":
        offer = incident.compensation
        lines = [plain_text(offer.offer), _("Who: %(eligible)s") % {"eligible": plain_text(offer.eligible)},
                 _("How to claim: %(how)s") % {"how": plain_text(offer.how_to_claim)}]
        if offer.until:
            lines.append(_("Claim by %(day)s.") % {"day": format_day(offer.until, site.language)})
        return _("%(title)s: what we offer") % {"title": title}, "\n".join(lines)
    postmortem = incident.postmortem
    actions = len(postmortem.action_items)
    blocks = [_("Why it happened: %(cause)s") % {"cause": plain_text(postmortem.root_cause)},
              _("What changes: %(changes)s") % {"changes": plain_text(postmortem.changes)}]
    if actions:
        blocks.append(ngettext("%(count)s action item with owners and dates.", "%(count)s action items with owners and dates.",
                               actions) % {"count": number(actions)})
    return _("%(title)s: what happened and what changes") % {"title": title}, "\n\n".join(blocks)


def compose_part(report: StatusReport, facts: IncidentFacts, part: str) -> list[Post]:
    """Posts for the apology, compensation or postmortem of ``facts``, linked to its place on the page."""
    headline, text = part_text(facts, part, report.site)
    page = urls.absolute(report.site.base, urls.incident(facts.slug)) + f"#{part}"
    return compose_text(headline, text, page)


def compose_text(headline: str, text: str, page: str) -> list[Post]:
    """The four versions of a headline and a text, each ending with ``page``."""
    first = text.split("\n\n")[0]
    return [
        _fit("X", lambda m: f"{headline}. {m}" if m else f"{headline}.", first, page, X_LIMIT, x_length,
             "counted as X does: links 23, emoji and CJK 2"),
        _fit("Mastodon", lambda m: f"{headline}\n\n{m}" if m else headline, text, page, MASTODON_LIMIT, mastodon_length,
             "links 23, other characters by code point"),
        _fit("Bluesky", lambda m: f"{headline}\n\n{m}" if m else headline, text, page, BLUESKY_LIMIT, plain_length,
             "the link in full, other characters by code point"),
        _fit("LinkedIn / Facebook", lambda m: f"{headline}\n\n{m}", text, page, LONG_LIMIT, plain_length, "LinkedIn's limit"),
    ]


def by_network(posts: list[Post], network: str) -> Post:
    return next(post for post in posts if post.network == network)


def _fit(network: str, assemble: Callable[[str], str], message: str, page: str, limit: int,
         measure: Callable[[str], int], note: str) -> Post:
    """Shorten the message (never the headline or the link) until the whole post fits."""
    def whole(body: str, shortened: bool) -> str:
        # Translators: before the page's address when a post was shortened to fit.
        return f"{body}\n" + (_("Full update: %(url)s") % {"url": page} if shortened else page)

    def fits(candidate: str) -> bool:
        return measure(whole(assemble(candidate), True)) <= limit

    if measure(whole(assemble(message), False)) <= limit:
        text, shortened = whole(assemble(message), False), False
    elif fits("…"):
        kept, _cut = shorten(message, fits)
        text, shortened = whole(assemble(kept), True), True
    else:
        # Even the headline is too long: shorten everything before the link.
        body, _cut = shorten(assemble(message), lambda b: measure(whole(b, True)) <= limit)
        text, shortened = whole(body, True), True
    return Post(network, text, measure(text), limit, shortened, note)


def render_posts(posts: list[Post]) -> str:
    """What `frankly post` prints: each version under a header that says its length."""
    blocks = []
    for post in posts:
        state = "; shortened to fit, the full update is on the page" if post.shortened else ""
        blocks.append(f"--- {post.network}: {post.length}/{post.limit} characters ({post.note}){state} ---\n{post.text}")
    return "\n\n".join(blocks)


def unknown_incident_message(report: StatusReport, slug: str) -> str:
    known = [f.slug for f in report.entries]
    by_name = {entry[11:]: entry for entry in known}  # compared without their dates, which all look alike
    hint = difflib.get_close_matches(re.sub(r"^\d{4}-\d\d-\d\d-", "", slug_of(slug)), list(by_name), n=1, cutoff=0.7)
    if hint:
        return f"frankly post: unknown incident '{slug}'; did you mean '{by_name[hint[0]]}'?"
    shown = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
    return f"frankly post: unknown incident '{slug}'; known (newest first): {shown or 'none'}"


def unknown_update_message(facts: IncidentFacts, update_id: str) -> str:
    ids = ", ".join(u.anchor for u in reversed(facts.incident.updates))
    return f"frankly post: incident '{facts.slug}' has no update '{update_id}'; its updates (newest first): {ids}"


def resolve(report: StatusReport, given: str) -> IncidentFacts | None:
    """The entry named as the other commands name it: its slug, its file's path, a
    former slug, or, when only one entry ends so, the part after its date."""
    slug = slug_of(given)
    if slug in report.by_slug:
        return report.by_slug[slug]
    former = next((f for f in report.entries if slug in f.incident.aliases), None)
    if former is not None:
        return former
    ending = [f for f in report.entries if f.slug.endswith("-" + slug)]
    return ending[0] if len(ending) == 1 else None
