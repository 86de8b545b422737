"""Times and durations as customers read them: in the site's zone, always
with the UTC offset, in the site's language (babel)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from markupsafe import Markup, escape

from generator.outputs.i18n import gettext


def _locale(language: str) -> str:
    return language.replace("-", "_")


def local_iso(moment: datetime, zone: ZoneInfo) -> str:
    """ISO 8601 in the site's zone with explicit offset: '2026-11-20T09:14:00+01:00'."""
    return moment.astimezone(zone).isoformat()


def statuspage_time(moment: datetime, zone: ZoneInfo) -> str:
    """Statuspage's format: milliseconds and the page's offset, '2026-11-23T15:30:00.000+01:00'
    ('Z' on a page in UTC, as Statuspage writes it), so fixed-format parsers copied from real
    responses read it."""
    text = moment.astimezone(zone).isoformat(timespec="milliseconds")
    return text[:-6] + "Z" if zone.key in ("UTC", "Etc/UTC") and text.endswith("+00:00") else text


MOMENT_PATTERN = "d MMM y, HH:mm 'UTC'xxx"  # what format_moment writes, in babel's terms


#: Moments are reused within one entry's outputs (page, feeds, JSON, card) and
#: by the site-wide pages' recent entries, not across the history: a cache the
#: size of the history held ~30 MiB per process at 10,000 entries for no gain.
MOMENTS_CACHED = 2048


@lru_cache(maxsize=MOMENTS_CACHED)
def format_moment(moment: datetime, zone: ZoneInfo, language: str) -> str:
    """'20 Nov 2026, 09:14 UTC+01:00' (babel's MOMENT_PATTERN).

    Only the day part depends on the language, so babel formats each day
    once and the clock and offset are plain digits: a page has ~10 moments
    and babel's full pattern cost ~60 us each (test_timefmt checks the two agree).
    """
    local = moment.astimezone(zone)
    # Digits by arithmetic: strftime's '%z' and '%H:%M' were ~3 of this function's ~4.6 us.
    # An offset with seconds (a zone's local mean time before 1900) is cut to its minutes, as '%z' is.
    seconds = int(local.utcoffset().total_seconds())  # type: ignore[union-attr]
    hours, minutes = divmod(abs(seconds) // 60, 60)
    sign = "-" if seconds < 0 else "+"
    return f"{format_day(local.date(), language)}, {local.hour:02d}:{local.minute:02d} UTC{sign}{hours:02d}:{minutes:02d}"


@lru_cache(maxsize=16384)
def format_day(day: date, language: str) -> str:
    return _babel_date(day, "d MMM y", locale=_locale(language))


@lru_cache(maxsize=2048)  # the days of the uptime strips: the same few hundred on every strip
def format_day_in_year(day: date, language: str) -> str:
    """'22 Nov': a day inside a window of at most a year whose range is said with years."""
    return _babel_date(day, "d MMM", locale=_locale(language))


@lru_cache(maxsize=MOMENTS_CACHED)
def time_tag(moment: datetime, zone: ZoneInfo, language: str) -> Markup:
    """A <time> element readers see in the site's zone and machines read exactly."""
    return Markup(f'<time datetime="{escape(local_iso(moment, zone))}">{escape(format_moment(moment, zone, language))}</time>')


def format_duration(span: timedelta) -> str:
    """'2 d 3 h 15 min', '45 min', 'under 1 min' ('2 j 3 h 15 min' in French): exact
    enough to be honest, short enough to scan."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return gettext("under 1 min")
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [gettext("%(days)d d") % {"days": days} if days else "",
             gettext("%(hours)d h") % {"hours": hours} if hours else "",
             gettext("%(minutes)d min") % {"minutes": minutes} if minutes else ""]
    return " ".join(p for p in parts if p)


def format_month(year: int, month: int, language: str) -> str:
    """'November 2026' in the site's language (babel's standalone month name)."""
    return _babel_date(date(year, month, 1), "LLLL y", locale=_locale(language))
