"""What an editor types on the command line, checked and turned into the values an entry holds.

Also :class:`EditError`, the refusal every editing step raises: its text is
shown to the editor as is, and nothing was written.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any, get_args
from urllib.parse import urlsplit

from generator.input.meaning import unknown_component_message
from generator.input.model import Site
from generator.input.values import (
    FIRST_YEAR, LAST_YEAR, LIFECYCLE, Channel, ComponentStatus, DurationTooLong, Impact, Kind, parse_duration,
)


class EditError(Exception):
    """Why an edit was refused; the text is shown to the editor as is. Nothing was written."""


class Markdown(str):
    """Text written as a ``|`` block: messages, statements, offers."""


# ---------------------------------------------------------------- values from the command line

#: Short forms an editor may type for component statuses; all unambiguous.
STATUS_SHORTHANDS = {
    "major": ComponentStatus.major_outage,
    "outage": ComponentStatus.major_outage,
    "partial": ComponentStatus.partial_outage,
    "degraded": ComponentStatus.degraded_performance,
    "maintenance": ComponentStatus.under_maintenance,
    "ok": ComponentStatus.operational,
}

#: Component status written when `new --component ID` gives none.
DEFAULT_COMPONENT_STATUS = {
    Impact.critical: ComponentStatus.major_outage,
    Impact.major: ComponentStatus.partial_outage,
    Impact.minor: ComponentStatus.degraded_performance,
    Impact.none: ComponentStatus.degraded_performance,
}

DEFAULT_IMPACT = {Kind.incident: Impact.major, Kind.maintenance: Impact.minor, Kind.notice: Impact.none}


def plain_words(value: str) -> str:
    return value.strip().lower().replace("-", "_").replace(" ", "_")


def parse_now(text: str | None, site: Site) -> datetime:
    """The editor's "now" in the site's zone, to the second: --now / FRANKLY_NOW, else the wall clock."""
    if text is None or not text.strip():
        stamp = datetime.now(site.time_zone)
    else:
        try:
            stamp = datetime.fromisoformat(text.strip())
        except ValueError:
            raise EditError(f"--now / FRANKLY_NOW: '{text}' is not a time; write it as 2026-11-20T09:14:00+01:00") from None
        if stamp.utcoffset() is None:
            raise EditError(f"--now / FRANKLY_NOW: '{text}' has no UTC offset; write it as {text.strip()}+01:00 or {text.strip()}Z")
        _check_year(stamp, "--now / FRANKLY_NOW", text)
    return stamp.astimezone(site.time_zone).replace(microsecond=0)


def _check_year(stamp: datetime, option: str, text: str) -> None:
    if not FIRST_YEAR <= stamp.year <= LAST_YEAR:
        raise EditError(f"{option}: '{text.strip()}' is out of range: years go from {FIRST_YEAR} to {LAST_YEAR}")


def stamp_text(stamp: datetime) -> str:
    return stamp.isoformat(timespec="seconds")


def parse_time(text: str, site: Site, option: str) -> datetime:
    """A time typed by an editor; without an offset it is read in the site's zone."""
    try:
        stamp = datetime.fromisoformat(text.strip())
    except ValueError:
        raise EditError(f"{option}: '{text}' is not a time; write it as 2026-12-02T02:00 (site time) or 2026-12-02T02:00:00+01:00") from None
    _check_year(stamp, option, text)
    if stamp.utcoffset() is None:
        stamp = stamp.replace(tzinfo=site.time_zone)
    return stamp.astimezone(site.time_zone).replace(microsecond=0)


def parse_next_update_option(text: str, now: datetime, site: Site) -> str:
    """'30m', '1h', '2h30m', '1d', a time of day ('14:00', the next one after now) or a full timestamp."""
    value = text.strip()
    try:
        duration = parse_duration(value) if value else None
    except DurationTooLong as exc:
        raise EditError(f"--next-update: {exc}") from None
    if duration is not None and duration > timedelta(0):
        return re.sub(r"\s+", "", value)
    clock = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if clock and int(clock[1]) < 24 and int(clock[2]) < 60:
        promised = now.replace(hour=int(clock[1]), minute=int(clock[2]), second=0)
        if promised <= now:
            promised = (now + timedelta(days=1)).replace(hour=int(clock[1]), minute=int(clock[2]), second=0)
        return stamp_text(promised.astimezone(site.time_zone))
    if re.match(r"^\d{4}-\d\d-\d\d[T ]\d", value):
        promised = parse_time(value, site, "--next-update")
        if promised <= now:
            raise EditError(f"--next-update: {stamp_text(promised)} is not after now ({stamp_text(now)})")
        return stamp_text(promised)
    raise EditError(
        f"--next-update: '{text}' is not a duration or a time; use 30m, 1h, 2h30m or 1d, "
        "a time of day such as 14:00, or a timestamp such as 2026-11-20T10:00:00+01:00"
    )


CHANNELS: tuple[str, ...] = get_args(Channel)


def parse_posted_to(text: str) -> str | dict[str, str]:
    value = text.strip()
    if value.lower() in CHANNELS:
        return {"channel": value.lower()}
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc and not re.search(r"\s", value):
        return value
    raise EditError(f"--posted-to: '{text}' is not a web address starting with https:// or a channel ({', '.join(CHANNELS)})")


def parse_component_status(text: str, option: str) -> ComponentStatus:
    word = plain_words(text)
    if word in STATUS_SHORTHANDS:
        return STATUS_SHORTHANDS[word]
    try:
        return ComponentStatus(word)
    except ValueError:
        allowed = ", ".join(s.value for s in ComponentStatus)
        raise EditError(f"{option}: '{text}' is not a component status; use one of: {allowed}") from None


def parse_components(values: tuple[str, ...], site: Site, default: ComponentStatus | None, option: str = "--component") -> dict[str, str]:
    """``ID[:status]`` options, checked against site.yaml."""
    known = {c.id: c for c in site.components}
    result: dict[str, str] = {}
    for value in values:
        component_id, sep, status_text = value.partition(":")
        component_id = component_id.strip()
        if component_id not in known:
            raise EditError(f"{option}: {unknown_component_message(component_id, known)}")
        if sep:
            status = parse_component_status(status_text, f"{option} {component_id}")
        elif default is not None:
            status = default
        else:
            raise EditError(f"{option}: give the status after a colon, e.g. {component_id}:major_outage")
        result[component_id] = status.value
    return result


def parse_status(text: str, kind: Kind) -> str:
    word = plain_words(text)
    if word not in LIFECYCLE[kind]:
        article = "an incident" if kind is Kind.incident else f"a {kind.value}"
        raise EditError(f"--status: '{text}' is not a status for {article}; use one of: {', '.join(LIFECYCLE[kind])}")
    return word


def slugify(title: str) -> str:
    """'SMS & MMS outage (Germany)' -> 'sms-mms-outage-germany', at most ~50 characters."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    while len(slug) > 50 and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    return slug


def normalize_message(text: str) -> str:
    """Message text as written: surrounding blank lines and trailing spaces of the whole text removed.

    Line breaks of every kind (CR LF, CR, and NEL, U+2028, U+2029, which YAML
    would count but editors do not see) become plain line breaks."""
    lines = re.split("\r\n|[\r\x85\u2028\u2029]", text)
    lines = "\n".join(lines).split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if lines:
        lines[-1] = lines[-1].rstrip()
    return "\n".join(lines)


def parse_action(text: str) -> dict[str, Any]:
    """'Add a second link; Network team; 2026-12-31' -> an action item (the date is optional)."""
    parts = [part.strip() for part in text.split(";")]
    if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
        raise EditError(f"--action: '{text}' is not 'what will change; who owns it[; due date]', e.g. "
                        "--action \"Add a second link to Frankfurt; Network team; 2026-12-31\"")
    item: dict[str, Any] = {"title": parts[0], "owner": parts[1]}
    if len(parts) == 3 and parts[2]:
        try:
            date.fromisoformat(parts[2])
        except ValueError:
            raise EditError(f"--action: '{parts[2]}' is not a date such as 2026-12-31") from None
        item["due"] = parts[2]
    return item


def parse_languages(pairs: tuple[tuple[str, str], ...], site: Site, option: str, what: str) -> dict[str, str]:
    """``--lang LANG TEXT`` pairs as {language: text}: each one of the site's other
    languages, given once, with a text that is not empty."""
    from generator.input.values import parse_language

    found: dict[str, str] = {}
    for given, text in pairs:
        try:
            language = parse_language(given)
        except ValueError:
            raise EditError(f"{option}: '{given}' is not a language code; the site's languages are {', '.join(site.languages)}") from None
        if language == site.language:
            raise EditError(f"{option}: '{language}' is the site's default language: the {what} itself is in it; "
                            f"{option} is for the other languages ({', '.join(site.languages[1:]) or 'none yet'})")
        if language not in site.languages:
            raise EditError(f"{option}: '{language}' is not one of the site's languages ({', '.join(site.languages)}); "
                            "add it to languages: in site_config/site.yaml first")
        if language in found:
            raise EditError(f"{option}: '{language}' is given twice; give each language once")
        if not normalize_message(text):
            raise EditError(f"{option} {language}: the text is empty; nothing was written")
        found[language] = text
    return found
