"""The vocabulary and the value types of what editors write.

The kinds, impacts and statuses an entry can have, and the parsers behind
each field's type: every parser raises ``PydanticCustomError("frankly", ...)``
so the editor reads our sentence, not pydantic's, at the exact LINE:COL of
the value. The models built from them are in :mod:`generator.input.model`.
"""

from __future__ import annotations

import difflib
import functools
import re
import zoneinfo
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import babel

from pydantic import BeforeValidator, Field, Strict, ValidationInfo
from pydantic_core import PydanticCustomError

UTC = timezone.utc


class Kind(StrEnum):
    incident = "incident"
    maintenance = "maintenance"
    notice = "notice"


class Impact(StrEnum):
    none = "none"
    minor = "minor"
    major = "major"
    critical = "critical"


class ComponentStatus(StrEnum):
    """The Statuspage vocabulary, so JSON clients understand it unchanged."""

    operational = "operational"
    degraded_performance = "degraded_performance"
    partial_outage = "partial_outage"
    major_outage = "major_outage"
    under_maintenance = "under_maintenance"


#: A maintenance called off: it closes the entry as ``completed`` does, and
#: says the work did not (or not all) happen.
CANCELLED = "cancelled"
#: Lifecycle statuses allowed in updates, per kind, in their natural order,
#: the closing statuses last.
LIFECYCLE: dict[Kind, tuple[str, ...]] = {
    Kind.incident: ("investigating", "identified", "monitoring", "resolved"),
    Kind.maintenance: ("scheduled", "in_progress", "verifying", "completed", CANCELLED),
    Kind.notice: ("posted", "closed"),
}
#: The status that ends an entry normally (what `frankly resolve` writes).
CLOSING_STATUS: dict[Kind, str] = {Kind.incident: "resolved", Kind.maintenance: "completed", Kind.notice: "closed"}
#: Every status that closes an entry: its closing status, and for a maintenance also ``cancelled``.
CLOSED_STATUSES: dict[Kind, frozenset[str]] = {
    kind: frozenset({closing, CANCELLED} if kind is Kind.maintenance else {closing}) for kind, closing in CLOSING_STATUS.items()
}

#: Channels a post can be linked under; guessed from the URL's host when not given.
Channel = Literal["x", "mastodon", "bluesky", "linkedin", "facebook", "instagram", "threads", "sms", "email", "web"]

# ---------------------------------------------------------------- value parsers
# Each parser raises PydanticCustomError("frankly", ...) so the editor reads our
# sentence, not pydantic's, at the exact LINE:COL of the value.


def invalid(message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError("frankly", message, context or None)


def _zone_from(info: ValidationInfo) -> ZoneInfo | None:
    """The site's zone, when site.yaml says naive timestamps take it."""
    context = info.context or {}
    return context.get("naive_timestamp_zone")


_SPACED_STAMP = re.compile(r"\d{4}-\d\d-\d\d \d")  # YAML's '2026-11-20 09:14:00+01:00'


def parse_timestamp(value: Any, info: ValidationInfo) -> datetime:
    if isinstance(value, datetime):
        stamp = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            stamp = datetime.fromisoformat(text.replace(" ", "T", 1) if _SPACED_STAMP.match(text) else text)
        except ValueError:
            raise invalid(
                "'{value}' is not a timestamp; write it as 2026-11-20T09:14:00+01:00 (date, 'T', time, UTC offset or Z)",
                value=text,
            ) from None
    else:
        raise invalid("expected a timestamp such as 2026-11-20T09:14:00+01:00, got {kind}", kind=described(value))
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        zone = _zone_from(info)
        if zone is None:
            raise invalid(
                "timestamp '{value}' has no time zone; add the UTC offset, e.g. '{value}+01:00' or '{value}Z' "
                "(or set timestamps_without_offset: site_time_zone in site.yaml)",
                value=str(value).strip(),
            )
        stamp = stamp.replace(tzinfo=zone)
    elif type(stamp.tzinfo) is timezone:
        # Each parsed timestamp comes with its own offset object; one per offset will do.
        stamp = stamp.replace(tzinfo=_FIXED_OFFSETS.setdefault(stamp.tzinfo, stamp.tzinfo))
    if not FIRST_YEAR <= stamp.year <= LAST_YEAR:
        raise invalid(_YEAR_RANGE, value=str(value).strip())
    return stamp


_FIXED_OFFSETS: dict[timezone, timezone] = {}

#: The years a date may have. Every output can hold them: feeds, JSON,
#: calendars, and the 32-bit timestamps of zip and gzip headers (which end
#: in 2106); a status page of 1969 or 2100 is a typing mistake.
FIRST_YEAR, LAST_YEAR = 1970, 2099
_YEAR_RANGE = f"'{{value}}' is out of range: years go from {FIRST_YEAR} to {LAST_YEAR}; check the year"
#: The longest duration (a promise, a commitment) Frankly reads.
LONGEST_DURATION = timedelta(days=366)


def parse_date(value: Any) -> date:
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise invalid(_YEAR_RANGE, value=value.strip())
            return day
    raise invalid("expected a date such as 2026-12-31, got {got}", got=described(value) if not isinstance(value, str) else f"'{value}'")


_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$")


class DurationTooLong(ValueError):
    """A duration beyond :data:`LONGEST_DURATION`."""


@functools.lru_cache(maxsize=4096)  # a few texts ('30m', '1h') over and over: 40,000 per build at 10,000 entries
def parse_duration(text: str) -> timedelta | None:
    """'30m', '1h', '2h30m', '1d' -> timedelta; None when the text is not a duration.

    Raises :class:`DurationTooLong` beyond :data:`LONGEST_DURATION` (a year:
    no promise or commitment is longer, and '9999999999d' overflows dates)."""
    match = _DURATION.fullmatch(text)
    if not match or not any(match.groups()):
        return None
    days, hours, minutes = (int(g[:12]) if g else 0 for g in match.groups())
    if max(len(g or "") for g in match.groups()) > 9 or timedelta(days=days, hours=hours, minutes=minutes) > LONGEST_DURATION:
        raise DurationTooLong(f"'{text.strip()}' is longer than {LONGEST_DURATION.days} days, the longest duration Frankly reads")
    return timedelta(days=days, hours=hours, minutes=minutes)


def field_duration(text: str) -> timedelta | None:
    """parse_duration for a field of a file: a duration beyond the longest one is
    the editor's sentence at the value's position, like every other bad value."""
    try:
        return parse_duration(text)
    except DurationTooLong as exc:
        raise invalid(str(exc).replace("{", "{{").replace("}", "}}")) from None


def positive_duration(examples: str):
    """A validator for a delay written like a next_update duration (``examples``, e.g. '15m, 1h or 14d')."""

    def parse(value: Any) -> timedelta:
        if isinstance(value, timedelta):
            return value
        if isinstance(value, str):
            duration = field_duration(value)
            if duration is not None and duration > timedelta(0):
                return duration
        raise invalid(
            f"expected a duration such as {examples}, got {{got}}",
            got=f"'{value}'" if isinstance(value, str) else described(value),
        )

    return parse


def parse_next_update(value: Any, info: ValidationInfo) -> datetime | timedelta:
    """A promise: either a duration after the update ('30m') or a timestamp."""
    if isinstance(value, str):
        duration = field_duration(value)
        if duration is not None:
            if duration <= timedelta(0):
                raise invalid("a promised next update must be after this update; '{value}' is zero", value=value)
            return duration
        if re.match(r"^\d{4}-", value.strip()):
            return parse_timestamp(value, info)
    raise invalid(
        "next_update must be a duration such as 30m, 1h or 2h30m, or a timestamp such as "
        "2026-11-20T10:00:00+01:00; got {got}",
        got=f"'{value}'" if isinstance(value, str) else described(value),
    )


#: Characters a web address never holds as they are (RFC 3986): each would end
#: an HTML attribute or a tag where the address is printed. Percent-encode them.
_NOT_IN_URLS = re.compile(r"[\s\"'<>`{}|\\^\x00-\x1f\x7f]")


#: An address urlsplit always reads as http(s) with a host, holding none of _NOT_IN_URLS:
#: a plain ASCII host (and port), then anything else after the first / ? or #. Most
#: addresses are; they skip urlsplit, which was a fifth of validating 10,000 entries
#: (tests/test_values_fast_paths.py compares the two ways).
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?#][^\s\"'<>`{}|\\^\x00-\x1f\x7f]*)?")


def parse_url(value: Any) -> str:
    """Only http(s) links: a javascript: or data: URL on a status page would run code,
    and a quote or an angle bracket would break out of the attribute it is printed in."""
    if isinstance(value, str):
        text = value.strip()
        if _PLAIN_URL.fullmatch(text):
            return text
        parts = urlsplit(text)
        bad = _NOT_IN_URLS.search(text)
        if bad and parts.scheme in ("http", "https"):
            raise invalid(
                "a web address cannot contain {char}; percent-encode it ({code}) or remove it",
                char=repr(bad.group()), code="%{:02X}".format(ord(bad.group())) if ord(bad.group()) < 256 else "",
            )
        if parts.scheme in ("http", "https") and parts.netloc:
            return text
    raise invalid(
        "expected a web address starting with https:// (or http://), got {got}",
        got=f"'{value}'" if isinstance(value, str) else described(value),
    )


def parse_site_url(value: Any) -> str:
    """The site's own address: a web address without query or fragment (every page's address is made from it)."""
    text = parse_url(value)
    parts = urlsplit(text)
    if parts.query or parts.fragment:
        raise invalid("the site's address cannot have a query (?...) or a fragment (#...); use the address of its home page")
    return text


def parse_text(value: Any) -> str:
    """Text fields refuse numbers and booleans instead of silently converting them."""
    if isinstance(value, str):
        return value
    raise invalid(
        "expected text, got {got}; put the value in quotes if you mean it as text",
        got=described(value),
    )


#: What a one-line field (a title, a name) cannot hold: line breaks (\n, \r, U+0085, U+2028, U+2029)
#: and the other control characters, tab included. A mail subject, a header, a chat headline, a feed
#: title are one line; a break there is a mistake, or a header injection.
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def parse_line(value: Any) -> str:
    """A one-line text: :func:`parse_text`, without line breaks or control characters."""
    text = parse_text(value)
    match = _NOT_ONE_LINE.search(text)
    if match is None:
        return text
    char = match.group()
    what = {"\n": "a line break", "\r": "a carriage return (a line break)", "\t": "a tab"}.get(char, f"the control character U+{ord(char):04X}")
    raise invalid(
        "this text must be one line, but it contains {what} at character {at}; write it on one line "
        "(a block scalar such as '>' or '|' adds a line break)",
        what=what, at=match.start() + 1,
    )


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_zone(value: Any) -> ZoneInfo:
    """An IANA zone name the tz database has (a folder such as 'Europe' is not one)."""
    text = value.strip() if isinstance(value, str) else None
    if text in _zone_names():
        return ZoneInfo(text)
    hint = ""
    if text and len(text) < 100:
        inside = sorted(zone for zone in _zone_names() if zone.startswith(text.rstrip("/") + "/"))
        close = difflib.get_close_matches(text, sorted(_zone_names()), n=1, cutoff=0.8)
        if inside:
            hint = f" ('{text.rstrip('/')}' is a region: name a zone in it, such as {inside[0]})"
        elif close:
            hint = f" (did you mean {close[0]}?)"
    shown = value if not isinstance(value, str) or len(value) < 100 else value[:100] + "…"
    raise invalid(
        "'{value}' is not a time zone; use an IANA name such as Europe/Berlin, America/New_York or UTC{hint}",
        value=shown, hint=hint,
    )


def parse_language(value: Any) -> str:
    """A language Babel knows (its dates, numbers and Material's chrome follow it)."""
    text = parse_text(value).strip()
    try:
        babel.Locale.parse(text.replace("-", "_"))
    except (ValueError, babel.UnknownLocaleError):
        raise invalid(
            "'{value}' is not a language Frankly knows; use a code such as en, en-GB, fr, fr-CA or de",
            value=text if len(text) < 100 else text[:100] + "…",
        ) from None
    return text


def described(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{value}'"


Timestamp = Annotated[datetime, BeforeValidator(parse_timestamp)]
Day = Annotated[date, BeforeValidator(parse_date)]
Url = Annotated[str, BeforeValidator(parse_url)]
SiteUrl = Annotated[str, BeforeValidator(parse_site_url)]
Text = Annotated[str, BeforeValidator(parse_text)]
NonEmptyText = Annotated[str, BeforeValidator(parse_text), Field(min_length=1)]
#: Titles and names: one line (see :func:`parse_line`).
OneLineText = Annotated[str, BeforeValidator(parse_line), Field(min_length=1)]
OptionalLine = Annotated[str, BeforeValidator(parse_line)]
Markdown = Annotated[str, BeforeValidator(parse_text), Field(min_length=1)]
NextUpdate = Annotated[datetime | timedelta, BeforeValidator(parse_next_update)]
# Enums accept their value as text even though the models are strict.
KindValue = Annotated[Kind, Strict(False)]
ImpactValue = Annotated[Impact, Strict(False)]
StatusValue = Annotated[ComponentStatus, Strict(False)]
ComponentId = Annotated[str, BeforeValidator(parse_text), Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
#: A language code Babel knows, e.g. en, en-GB, fr (site.yaml's languages, the keys of translations:).
Language = Annotated[str, BeforeValidator(parse_language), Field(pattern=r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")]
