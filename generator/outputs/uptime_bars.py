"""One uptime history as a strip of days: accessible, no JavaScript, small.

The fragment (``render_uptime_bars``) is a list of days, oldest first::

    <div class="fr-up">
      <ol aria-label="SMS: availability per day, 25 Aug 2026 to 22 Nov 2026">
        <li>21 Nov 2026: 100%</li>
        <li class=m><a href="...">22 Nov 2026: 99.16%, major outage, 1 incident</a></li>
        <li class=n>23 Nov 2026: no data</li>
      </ol>
      <p>99.95% available over 90 days · <a href="...">How this is counted</a></p>
    </div>

- Each day's text is its accessible name, in the site's language for dates and
  numbers (Babel, like :mod:`generator.outputs.timefmt`). The stylesheet draws each
  ``li`` as a bar and hides its text visually by clipping (never ``display:none``
  or ``visibility:hidden``, which would hide it from screen readers too); it may
  show the text on hover and focus.
- A day with entries is a link (``link_for_day`` decides where: e.g. the history
  page's anchor for that day), so the keyboard reaches it with Tab, in order; a
  day without entries is plain text, read by screen readers and not in the tab
  order. No roving tabindex is needed.
- The worst status is a class on the ``li`` (:data:`DAY_CLASS`), short because a
  home page shows about ten strips: none for a fully operational day, ``n`` for no
  data. The classes are meant to be styled below ``.fr-up`` only. The status is
  also in the text, so colour is never the only sign (WCAG 1.4.1).
- Everything from the data is escaped (markupsafe); no inline styles.

Bytes (tests/test_uptime.py): ~2.7 KB for 90 days with data and a few incident
days; ~3.5 KB when most days have no data yet; each day with entries adds its
link and words (~80 bytes more than a quiet day), so a component with entries on
half its days (the 10,000-entry synthetic site) is ~5-6 KB.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Callable, Mapping

from babel import Locale
from babel.numbers import format_percent
from markupsafe import Markup, escape

from generator.facts.derive import IncidentFacts
from generator.facts.uptime import UptimeDay, UptimeHistory, truncated_hundredths
from generator.input.values import ComponentStatus, Kind
from generator.outputs.i18n import N_, gettext as _, ngettext
from generator.outputs.timefmt import format_day, format_day_in_year

#: The class of a day by its worst status; a fully operational day has none.
DAY_CLASS: dict[ComponentStatus | None, str] = {
    None: "n",  # no data
    ComponentStatus.operational: "",
    ComponentStatus.under_maintenance: "u",
    ComponentStatus.degraded_performance: "d",
    ComponentStatus.partial_outage: "p",
    ComponentStatus.major_outage: "m",
}
#: What a day's text calls its worst status (operational says nothing more).
#: (msgids, translated where used: generator/outputs/i18n.py)
STATUS_TEXT = {
    # Translators: a day's worst status in an uptime strip ("22 Nov: 99.16%, maintenance").
    ComponentStatus.under_maintenance: N_("maintenance"),
    ComponentStatus.degraded_performance: N_("degraded performance"),
    ComponentStatus.partial_outage: N_("partial outage"),
    ComponentStatus.major_outage: N_("major outage"),
}


def _kind_words(kind: Kind, count: int) -> str:
    """'1 incident', '2 maintenances': a day's entries of one kind."""
    if kind is Kind.maintenance:
        words = ngettext("%(count)d maintenance", "%(count)d maintenances", count)
    elif kind is Kind.notice:
        words = ngettext("%(count)d notice", "%(count)d notices", count)
    else:
        words = ngettext("%(count)d incident", "%(count)d incidents", count)
    return words % {"count": count}


#: The one-line definition beside the figure; the page it links to says it in full.
DEFINITION_LINK_TEXT = N_("How this is counted")
DEFINITION_SENTENCE = N_("Major outage counts as downtime, partial outage at 30%; degraded performance "
                         "and maintenance count as available, as Atlassian Statuspage counts it.")


@lru_cache(maxsize=64)
def _percent_pattern(language: str, decimals: bool) -> str:
    """The locale's percent pattern with exactly two decimals (or none for 100%)."""
    pattern = Locale.parse(language.replace("-", "_")).percent_formats[None].pattern
    pattern = re.sub(r"\.0+", "", pattern)
    return re.sub(r"0(?![0-9])", "0.00", pattern, count=1) if decimals else pattern


def percent(availability, language: str) -> str:
    """'99.95%' in the site's language ('99,95 %' in German): truncated to two
    decimals, never rounded up; '100%' only without any downtime."""
    return _percent_of(truncated_hundredths(availability), language)


@lru_cache(maxsize=4096)  # most of a strip's days are 100%: Babel formats each figure once
def _percent_of(hundredths: int, language: str) -> str:
    whole = hundredths == 10_000
    return format_percent(Decimal(hundredths) / 10_000, _percent_pattern(language, not whole), locale=language.replace("-", "_"))


def _entries_text(slugs: tuple[str, ...], facts: Mapping[str, IncidentFacts]) -> str:
    counts: dict[Kind, int] = {}
    for slug in slugs:
        kind = facts[slug].incident.kind if slug in facts else Kind.incident
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(_kind_words(kind, counts[kind]) for kind in (Kind.incident, Kind.maintenance, Kind.notice) if kind in counts)


def day_text(day: UptimeDay, language: str, facts: Mapping[str, IncidentFacts]) -> str:
    """'22 Nov: 99.16%, major outage, 1 incident' (the day's accessible name). The list's
    name says the figures are availability and gives the range with its years, so each
    day goes without both (a window is at most 365 days: no day-and-month twice); the
    year on each of 90 days would cost ~450 bytes a strip, ten strips on a home page."""
    when = format_day_in_year(day.date, language)
    if day.availability is None:
        return _("%(day)s: no data") % {"day": when}
    parts = [_("%(day)s: %(percent)s") % {"day": when, "percent": percent(day.availability, language)}]
    if day.worst in STATUS_TEXT:
        parts.append(_(STATUS_TEXT[day.worst]))
    if day.entries:
        parts.append(_entries_text(day.entries, facts))
    return ", ".join(parts)


def render_uptime_bars(
    history: UptimeHistory,
    *,
    language: str,
    facts: Mapping[str, IncidentFacts],
    link_for_day: Callable[[date], str | None],
    definition_url: str | None = None,
) -> Markup:
    """The strip of ``history``'s days (see the module's docstring).

    ``facts``: the report's entries by slug (``report.by_slug``), for the words
    "1 incident" / "1 maintenance". ``link_for_day(day)``: the address of that day's
    entries, relative to the page, or None for no link; asked only for days with
    entries. ``definition_url``: where the definition is written in full; without
    it the one-line definition is written out instead of a link."""
    days = history.days
    out = ['<div class="fr-up">']
    if days:
        label = _("%(name)s: availability per day, %(start)s to %(end)s") % {
            "name": history.name, "start": format_day(days[0].date, language), "end": format_day(days[-1].date, language)}
        out.append(f'<ol aria-label="{escape(label)}">')
        for day in days:
            css = DAY_CLASS[day.worst]
            text = escape(day_text(day, language, facts))
            href = link_for_day(day.date) if day.entries else None
            body = f'<a href="{escape(href)}">{text}</a>' if href else text
            # The class is one of DAY_CLASS's letters: unquoted is valid HTML and 2 bytes less per day.
            out.append(f"<li class={css}>{body}</li>" if css else f"<li>{body}</li>")
        out.append("</ol>")
    if history.availability is None:
        figure = _("No data yet (the mean of its components)") if history.is_group else _("No data yet")
    else:
        figure = (_("%(percent)s available over %(days)d days (the mean of its components)") if history.is_group
                  else _("%(percent)s available over %(days)d days")) % {
            "percent": percent(history.availability, language), "days": len(days)}
    explain = (f'<a href="{escape(definition_url)}">{escape(_(DEFINITION_LINK_TEXT))}</a>' if definition_url
               else escape(_(DEFINITION_SENTENCE)))
    out.append(f"<p>{escape(figure)} · {explain}</p></div>")
    return Markup("".join(out))
