"""The plans of the five edits: new, update, resolve, apologize, compensate.

Each plan reads the entry, renders only the new text (:mod:`.yamltext`),
checks that the edited file reads back as the old data plus exactly the new
part, and returns an :class:`~generator.editing.entries.Edit` that
:func:`~generator.editing.entries.apply` validates and writes.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from generator.editing.entries import Edit, current_status, entry_kind, find_entry, read_entry
from generator.editing.values import (
    parse_action,
    DEFAULT_COMPONENT_STATUS,
    DEFAULT_IMPACT,
    EditError,
    Markdown,
    normalize_message,
    parse_components,
    parse_next_update_option,
    parse_posted_to,
    parse_status,
    parse_time,
    plain_words,
    slugify,
    stamp_text,
)
from generator.editing.yamltext import append_block, append_posted_to, insert_update, list_item, mark_action_done, plain_data, reads_back, render_mapping
from generator.input.load import ProjectPaths
from generator.input.model import Site
from generator.input.problems import display_path
from generator.input.values import CLOSED_STATUSES, CLOSING_STATUS, LIFECYCLE, ComponentStatus, Impact, Kind
from generator.input.yamlnodes import YamlProblem
from generator.input.yamlsource import read_yaml
from generator.outputs import urls

# ---------------------------------------------------------------- the five edits


def plan_new(
    paths: ProjectPaths, site: Site, now: datetime, *, title: str, message: str, kind: Kind = Kind.incident,
    components: tuple[str, ...] = (), impact: str | None = None, window: tuple[str, str] | None = None,
    summary: str | None = None, status: str | None = None, next_update: str | None = None,
    posted_to: tuple[str, ...] = (), slug: str | None = None, impact_started: str | None = None,
    translations: dict[str, str] | None = None, titles: dict[str, str] | None = None,
) -> Edit:
    """``translations``: the first message in other languages; ``titles``: the title (language -> text)."""
    title = title.strip()
    if not title:
        raise EditError("the title is empty; give one, e.g. frankly new \"SMS delivery delayed\" --component sms")
    try:
        impact_value = Impact(plain_words(impact)) if impact else DEFAULT_IMPACT[kind]
    except ValueError:
        raise EditError(f"--impact: '{impact}' is not an impact; use one of: {', '.join(i.value for i in Impact)}") from None
    default_status = ComponentStatus.under_maintenance if kind is Kind.maintenance else DEFAULT_COMPONENT_STATUS[impact_value]
    component_map = parse_components(components, site, default_status)
    if kind is Kind.maintenance and window is None:
        raise EditError("a maintenance needs its window: --window START END, e.g. --window 2026-12-02T02:00 2026-12-02T04:00")
    if kind is not Kind.maintenance and window is not None:
        raise EditError("--window is for maintenance only; add --kind maintenance")
    window_map, window_start = None, None
    if window is not None:
        start, end = (parse_time(value, site, "--window") for value in window)
        window_start = start
        if end <= start:
            raise EditError(f"--window: the end ({stamp_text(end)}) must be after the start ({stamp_text(start)})")
        window_map = {"start": stamp_text(start), "end": stamp_text(end)}
    started_text = None
    if impact_started is not None:
        clock = re.fullmatch(r"(\d{1,2}):(\d{2})", impact_started.strip())
        if clock and int(clock[1]) < 24 and int(clock[2]) < 60:
            started = now.replace(hour=int(clock[1]), minute=int(clock[2]), second=0)
            started = started - timedelta(days=1) if started > now else started
        else:
            started = parse_time(impact_started, site, "--impact-started")
        if started > now:
            raise EditError(f"--impact-started: {stamp_text(started)} is after now ({stamp_text(now)}); it is for impact that began before this first update")
        started_text = stamp_text(started)
    slug_text = slugify(slug or title)
    if not slug_text:
        raise EditError("cannot make an address from this title; give one with --slug, e.g. --slug sms-outage")
    # A maintenance is named by the day of its window, which is when customers look for it.
    day = window_start.astimezone(site.time_zone).date() if window_start is not None else now.date()
    date_slug = f"{day.isoformat()}-{slug_text}"
    file = paths.incidents_dir / f"{date_slug}.yaml"
    if file.exists():
        raise EditError(f"{display_path(file, paths.root)} already exists; nothing was written. To add to it: frankly update {date_slug} \"...\"")
    first_status = parse_status(status, kind) if status else LIFECYCLE[kind][0]
    update = _update_item(now, first_status, message, next_update, posted_to, {}, site, translations=translations)
    entry_texts: dict[str, dict[str, Any]] = {}
    for language, text in (titles or {}).items():
        entry_texts.setdefault(language, {})["title"] = text.strip()
    if not (summary and summary.strip()):  # the summary is the first message, in every language
        for language, text in (translations or {}).items():
            entry_texts.setdefault(language, {})["summary"] = Markdown(normalize_message(text))
    data: dict[str, Any] = {
        "kind": kind.value,
        "title": title,
        "summary": Markdown(normalize_message(summary) if summary and summary.strip() else message),
        "impact": impact_value.value,
        "components": component_map or None,
        "impact_started_at": started_text,
        "window": window_map,
        "translations": entry_texts or None,
        "updates": [update],
    }
    header = [
        f"# {kind.value.capitalize()} created with `frankly new` on {stamp_text(now)}.",
        f"# Public address: {urls.absolute(site.base, urls.incident(date_slug))}",
        "# Add updates with: " + next_step(kind, date_slug),
        "",
    ]
    body = render_mapping({k: v for k, v in data.items() if k != "updates"}, 0)
    body += ["updates:"] + list_item(render_mapping(update, 4), 2, 2)
    text = "\n".join(header + body) + "\n"
    if not reads_back(text, plain_data(data)):
        raise EditError("internal error: the new file would not read back as written; nothing was written")
    return Edit(file, None, text, f"Created {display_path(file, paths.root)}")


def _update_item(now: datetime, status: str, message: str, next_update: str | None, posted_to: tuple[str, ...],
                 components: dict[str, str], site: Site, reopens: bool = False,
                 translations: dict[str, str] | None = None) -> dict[str, Any]:
    message = normalize_message(message)
    if not message:
        raise EditError("the message is empty; nothing was written")
    return {
        "at": stamp_text(now),
        "status": status,
        "reopens": True if reopens else None,
        "message": Markdown(message),
        "next_update": parse_next_update_option(next_update, now, site) if next_update else None,
        "components": components or None,
        "posted_to": [parse_posted_to(p) for p in posted_to] or None,
        "translations": _texts(translations, "message"),
    }


def _texts(translations: dict[str, str] | None, field: str) -> dict[str, Any] | None:
    """{language: {field: text}} for ``translations:`` (None when there are none)."""
    return {language: {field: Markdown(normalize_message(text))} for language, text in translations.items()} if translations else None


def next_step(kind: Kind, slug: str) -> str:
    """The command an editor usually runs next on a new entry of ``kind``."""
    following = LIFECYCLE[kind][1]
    if following == CLOSING_STATUS[kind]:
        return f"frankly resolve {slug} \"Why it is over\""
    what = "What we know now" if kind is Kind.incident else "What is happening now"
    return f"frankly update {slug} --status {following} \"{what}\""


def plan_update(
    paths: ProjectPaths, site: Site, now: datetime, given: str, *, message: str, status: str | None = None,
    next_update: str | None = None, posted_to: tuple[str, ...] = (), components: tuple[str, ...] = (),
    reopens: bool = False, closing: bool = False, translations: dict[str, str] | None = None,
) -> Edit:
    file = find_entry(paths, given)
    shown = display_path(file, paths.root)
    text, data = read_entry(file, paths)
    kind = entry_kind(data, shown)
    latest = current_status(data, shown)
    closing_status = CLOSING_STATUS[kind]
    if closing:
        new_status = closing_status
    else:
        new_status = parse_status(status, kind) if status else latest
    closed = CLOSED_STATUSES[kind]
    was_closed = latest in closed
    if was_closed:
        closing_status = latest  # a note on a cancelled maintenance keeps it cancelled
    if closing and was_closed:
        raise EditError(
            f"{file.stem} is already {closing_status}; nothing was written. To add a note without reopening it: "
            f"frankly update {file.stem} --status {closing_status} \"...\""
        )
    if was_closed and status is None and not reopens:
        raise EditError(
            f"{file.stem} is {closing_status}; nothing was written. To add a note without reopening it, give "
            f"--status {closing_status}; to reopen it, give --reopens (and the status it reopens with)"
        )
    if was_closed and new_status not in closed and not reopens:
        raise EditError(
            f"{file.stem} is {closing_status}; to reopen it, run the same command with --reopens "
            f"(or give --status {closing_status} to add a note without reopening)"
        )
    if reopens and not was_closed:
        raise EditError(f"--reopens: {file.stem} is not {closing_status} ({latest}); leave out --reopens")
    component_map = parse_components(components, site, None)
    own = data.get("components") if isinstance(data.get("components"), dict) else {}
    for component_id in component_map:
        if component_id not in own:
            raise EditError(
                f"--component: '{component_id}' is not among the components of {file.stem} ({', '.join(own) or 'none'}); "
                f"add it under the top-level 'components:' of {shown} first"
            )
    item = _update_item(now, new_status, message, next_update, posted_to, component_map, site, reopens and new_status not in closed,
                        translations=translations)
    after = insert_update(text, item, shown)
    _check_same_plus(text, after, data, shown, lambda old: {**old, "updates": old["updates"] + [plain_data(item)]})
    verb = ("Resolved" if kind is Kind.incident else "Closed") if closing else "Added an update to"
    return Edit(file, text, after, f"{verb} {shown} ({new_status}, {stamp_text(now)})")


def plan_block(paths: ProjectPaths, given: str, key: str, block: dict[str, Any]) -> Edit:
    file = find_entry(paths, given)
    shown = display_path(file, paths.root)
    text, data = read_entry(file, paths)
    after = append_block(text, key, block, shown)
    _check_same_plus(text, after, data, shown, lambda old: {**old, key: plain_data(block)})
    return Edit(file, text, after, f"Added the {key} to {shown}")


def plan_apology(paths: ProjectPaths, now: datetime, given: str, *, by: str, role: str, statement: str,
                 video: str | None = None, link: str | None = None, translations: dict[str, str] | None = None) -> Edit:
    statement = normalize_message(statement)
    if not statement:
        raise EditError("the statement is empty; nothing was written")
    if not by.strip() or not role.strip():
        raise EditError("--by and --role must name a person and their role, e.g. --by \"Maria Okafor\" --role \"Chief Executive Officer\"")
    for option, value in (("--video", video), ("--link", link)):
        if value is not None and not isinstance(parse_posted_to(value), str):
            raise EditError(f"{option}: '{value}' is not a web address starting with https://")
    block = {
        "at": stamp_text(now),
        "by": {"name": by.strip(), "role": role.strip()},
        "statement": Markdown(statement),
        "video": video.strip() if video else None,
        "link": link.strip() if link else None,
        "translations": _texts(translations, "statement"),
    }
    return plan_block(paths, given, "apology", block)


def plan_compensation(paths: ProjectPaths, now: datetime, given: str, *, offer: str, eligible: str,
                      how_to_claim: str, until: str | None = None) -> Edit:
    texts = {"--offer": offer, "--eligible": eligible, "--how-to-claim": how_to_claim}
    for option, value in texts.items():
        if not normalize_message(value or ""):
            raise EditError(f"{option} is empty; say it plainly, e.g. --how-to-claim \"Nothing to do: the credit is automatic.\"")
    until_text = None
    if until is not None:
        try:
            until_text = date.fromisoformat(until.strip()).isoformat()
        except ValueError:
            raise EditError(f"--until: '{until}' is not a date; write it as 2026-12-31") from None
    block = {
        "at": stamp_text(now),
        "offer": Markdown(normalize_message(offer)),
        "eligible": Markdown(normalize_message(eligible)),
        "how_to_claim": Markdown(normalize_message(how_to_claim)),
        "until": until_text,
    }
    return plan_block(paths, given, "compensation", block)


def _check_same_plus(before: str, after: str, old: dict[str, Any], shown: str, expected) -> None:
    """The edited text must read as the old data plus exactly the new part."""
    try:
        new, _ = read_yaml(after)
    except YamlProblem:
        new = None
    if new != expected(old):
        raise EditError(f"{shown}: could not add the new part safely to this file's layout; nothing was written. Add it by hand.")


def public_url(site: Site, slug: str, anchor: str | None = None) -> str:
    return urls.absolute(site.base, urls.incident(slug)) + (f"#{anchor}" if anchor else "")


def plan_postmortem(paths: ProjectPaths, now: datetime, given: str, *, root_cause: str, changes: str,
                    actions: tuple[str, ...] = (), while_open: bool = False) -> Edit:
    """Add the postmortem: root cause, what changes, action items with owners."""
    file = find_entry(paths, given)
    shown = display_path(file, paths.root)
    text, data = read_entry(file, paths)
    kind = entry_kind(data, shown)
    latest = current_status(data, shown)
    if latest not in CLOSED_STATUSES[kind] and not while_open:
        raise EditError(f"{file.stem} is still {latest}; a postmortem explains an outage that is over. Resolve it first, "
                        "or give --while-open to publish it now anyway")
    texts = {"--root-cause": normalize_message(root_cause), "--changes": normalize_message(changes)}
    for option, value in texts.items():
        if not value:
            raise EditError(f"{option} is empty; say it plainly: why it happened, and what changes so it does not happen again")
    block = {
        "published_at": stamp_text(now),
        "root_cause": Markdown(texts["--root-cause"]),
        "changes": Markdown(texts["--changes"]),
        "action_items": [parse_action(action) for action in actions] or None,
    }
    return plan_block(paths, given, "postmortem", block)


def plan_action_done(paths: ProjectPaths, given: str, which: str) -> Edit:
    """Mark an action item of the postmortem done: by its number (from 1) or the start of its title."""
    file = find_entry(paths, given)
    shown = display_path(file, paths.root)
    text, data = read_entry(file, paths)
    postmortem = data.get("postmortem") if isinstance(data.get("postmortem"), dict) else None
    items = postmortem.get("action_items") if postmortem and isinstance(postmortem.get("action_items"), list) else []
    titles = [item.get("title", "") if isinstance(item, dict) else "" for item in items]
    if which.strip().isdigit() and 1 <= int(which) <= len(items):
        index = int(which) - 1
    else:
        matches = [n for n, title in enumerate(titles) if isinstance(title, str) and title.lower().startswith(which.strip().lower())]
        if len(matches) != 1:
            listed = "; ".join(f"{n + 1}. {t}" for n, t in enumerate(titles)) or "none"
            raise EditError(f"--done: '{which}' names {'no' if not matches else 'more than one'} action item of {file.stem}; "
                            f"give its number or the start of its title: {listed}")
        index = matches[0]
    if isinstance(items[index], dict) and items[index].get("done") is True:
        raise EditError(f"action item {index + 1} of {file.stem} ('{titles[index]}') is already done; nothing was written")
    after = mark_action_done(text, index, shown)

    def expected(old: dict[str, Any]) -> dict[str, Any]:
        new_items = [dict(item) for item in old["postmortem"]["action_items"]]
        new_items[index]["done"] = True
        return {**old, "postmortem": {**old["postmortem"], "action_items": new_items}}

    _check_same_plus(text, after, data, shown, expected)
    return Edit(file, text, after, f"Marked action item {index + 1} of {shown} done: {titles[index]}")


def plan_posted_to(paths: ProjectPaths, given: str, index: int, channel: str, url: str) -> Edit | None:
    """Record where update ``index`` (0-based) was posted; None when its posted_to already has ``url``."""
    file = find_entry(paths, given)
    shown = display_path(file, paths.root)
    text, data = read_entry(file, paths)
    updates = data.get("updates")
    if not isinstance(updates, list) or index >= len(updates) or not isinstance(updates[index], dict):
        raise EditError(f"{shown}: has no update #{index + 1}; nothing was written")
    known = updates[index].get("posted_to") or []
    if any(url in (entry, entry.get("url") if isinstance(entry, dict) else None) for entry in known if isinstance(known, list)):
        return None
    link = {"channel": channel, "url": url}
    after = append_posted_to(text, index, link, shown)

    def expected(old: dict[str, Any]) -> dict[str, Any]:
        new_updates = [dict(update) for update in old["updates"]]
        new_updates[index]["posted_to"] = list(new_updates[index].get("posted_to") or []) + [link]
        return {**old, "updates": new_updates}

    _check_same_plus(text, after, data, shown, expected)
    return Edit(file, text, after, f"Recorded {url} in posted_to of update #{index + 1} of {shown}")
