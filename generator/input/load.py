"""Load step: site_config/site.yaml + incidents/*.yaml -> validated model.

Nothing here raises on bad input except :class:`InvalidInput` at the very end,
carrying every problem of every file, each as ``FILE:LINE:COL: message``.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from generator.input import parse_cache
from generator.input.files import FileProblem, read_text
from generator.input.model import Incident, Site
from generator.input.sentences import report_validation
from generator.input.translated import places, site_places
from generator.input.problems import InvalidInput, Problems, display_path
from generator.input.values import CLOSED_STATUSES, LIFECYCLE, Kind
from generator.input.yamlnodes import YamlProblem
from generator.input.yamlsource import FileSourceMap, Path_, SourceMap, read_yaml

SLUG_FILE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug_of(given: str) -> str:
    """The slug an editor means by a slug, a file name or a file's path."""
    name = Path(given.strip().replace("\\", "/")).name
    return name[:-5] if name.endswith(".yaml") else name


@dataclass(frozen=True)
class Catalog:
    """Everything the site is built from, validated."""

    site: Site
    incidents: tuple[Incident, ...]  # sorted by slug (which starts with the date)
    sources: dict[str, Path]  # slug -> file, for messages and for `frankly` edit commands
    #: slug -> SHA-256 of the exact text the entry was read from (the output cache's key, publication/output_cache.py)
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def input_paths(self) -> list[Path]:
        return sorted(self.sources.values())


@dataclass(frozen=True)
class ProjectPaths:
    """Where the inputs of one status site live."""

    root: Path
    site_config: Path
    incidents_dir: Path

    @classmethod
    def at(cls, root: Path, site_config: str = "site_config/site.yaml", incidents_dir: str = "incidents") -> "ProjectPaths":
        root = root.resolve()
        return cls(root, root / site_config, root / incidents_dir)

    @property
    def site_locales(self) -> Path:
        """The site's own interface catalogs, ``<lang>.po`` beside site.yaml (generator/outputs/i18n.py)."""
        return self.site_config.parent / "locales"


def load_all(paths: ProjectPaths, pending: dict[Path, str] | None = None) -> Catalog:
    """Read and validate every input; raise InvalidInput listing all problems.

    ``pending`` holds incident files as an edit would leave them (path ->
    text): the project is validated as it would be, without writing or
    copying anything.
    """
    pending = pending or {}
    problems = Problems()
    site = load_site_config(paths, problems)
    context = {"naive_timestamp_zone": site.time_zone if site and site.timestamps_without_offset == "site_time_zone" else None}
    incidents: list[Incident] = []
    sources: dict[str, Path] = {}
    digests: dict[str, str] = {}
    maps: dict[str, SourceMap | FileSourceMap] = {}
    if not paths.incidents_dir.is_dir():
        problems.add(display_path(paths.incidents_dir, paths.root), 1, 1, "the incidents folder does not exist; create it (it may be empty)")
    else:
        read = [(file, *loaded) for file, loaded in _load_folder(paths, context, problems, pending) if loaded]
        for file, incident, smap, digest in read:
            incidents.append(incident)
            digests[slug := incident.slug] = digest
            sources[slug] = file
            maps[slug] = smap
        for file, incident, smap, _ in read:
            # the file's name as shown is made only for a problem; no Path is hashed when nothing is pending
            _check_once(incident, site, smap, lambda file=file: display_path(file, paths.root),
                        problems, remember=not pending or file not in pending)
    _check_slugs(incidents, maps, sources, paths.root, problems)
    parse_cache.commit({problem.path for problem in problems.items})
    if problems or site is None:
        raise InvalidInput(problems)
    if not pending:
        parse_cache.prune()  # what no file of this project reads any more
    return Catalog(site, tuple(incidents), sources, digests)


# ---------------------------------------------------------------- files


def read_mapping(file: Path, shown: str, root: Path, problems: Problems, text: str | None = None,
                 keys: str = "title:, updates:, ...", texts: list[str] | None = None) -> tuple[Any, SourceMap] | None:
    """An input file's data (a mapping of ``keys``) and positions, or None with its
    problem added (``text``: its would-be content, not read from disk; ``texts``
    gets the text that was parsed)."""
    try:
        if text is None:
            text = read_text(file, root)
        if texts is not None:
            texts.append(text)
        data, smap = read_yaml(text)
    except (FileProblem, YamlProblem) as exc:
        problems.add(shown, exc.position.line, exc.position.column, exc.message)
        return None
    if not isinstance(data, dict):
        problems.add(shown, 1, 1, f"the file must be a YAML mapping of keys ({keys}), " + ("but it is empty" if data is None else "not a list or a single value"))
        return None
    return data, smap


def load_site_config(paths: ProjectPaths, problems: Problems) -> Site | None:
    """site.yaml alone, validated; None (with problems added) when it is unusable."""
    shown = display_path(paths.site_config, paths.root)
    if not (paths.site_config.exists() or paths.site_config.is_symlink()):
        problems.add(shown, 1, 1, "the site configuration is missing; create it with name, company, base_url, time_zone and components")
        return None
    try:
        text = read_text(paths.site_config, paths.root)
    except FileProblem as exc:
        problems.add(shown, exc.position.line, exc.position.column, exc.message)
        return None
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()
    if digest in _SITES:
        return _SITES[digest]
    read = read_mapping(paths.site_config, shown, paths.root, problems, text)
    if read is None:
        return None
    data, smap = read
    try:
        site = Site.model_validate(data)
    except ValidationError as exc:
        report_validation(exc, Site, smap, shown, problems)
        return None
    seen: dict[str, int] = {}
    for index, component in enumerate(site.components):
        if component.id in seen:
            pos = smap.value(("components", index, "id"))
            problems.add(shown, pos.line, pos.column, f"duplicate component id '{component.id}' (also component #{seen[component.id] + 1}); ids must be unique")
        seen.setdefault(component.id, index)
    names: dict[str, int] = {}
    for index, channel in enumerate(site.notify):
        if channel.name in names:
            pos = smap.value(("notify", index) + (("id",) if channel.id else ("type",)))
            problems.add(shown, pos.line, pos.column, f"two notify channels are called '{channel.name}' (also channel #{names[channel.name] + 1}); "
                         "give each an 'id:' of its own (the delivery ledger knows a channel by it)")
        names.setdefault(channel.name, index)
        if channel.language is not None and channel.language not in site.languages:
            pos = smap.value(("notify", index, "language"))
            problems.add(shown, pos.line, pos.column, f"notify channel '{channel.name}': language '{channel.language}' is not one of "
                         f"the site's languages ({', '.join(site.languages)}); add it to languages: or use one of those")
    for loc, obj, _ in site_places(site):
        for message_loc, message in translation_key_problems(obj, site, loc):
            pos = smap.key(message_loc)
            problems.add(shown, pos.line, pos.column, message)
    if problems:
        return None
    _SITES[digest] = site
    return site


#: Valid site configurations by the SHA-256 of their text: the same text is the same Site object,
#: so what entries' facts remember for a site (IncidentFacts.remembered) holds across saves.
_SITES: dict[str, Site] = {}


def translation_key_problems(obj: Any, site: Site, loc: Path_) -> list[tuple[Path_, str]]:
    """The languages under ``obj``'s ``translations:`` that the site does not translate to."""
    found = []
    for code in obj.translations or ():
        if code == site.language:
            found.append((loc + ("translations", code), f"translations: '{code}' is the default language: the text itself "
                          f"is in {code}; translations hold the other languages ({', '.join(site.languages[1:]) or 'none yet'})"))
        elif code not in site.languages:
            found.append((loc + ("translations", code), f"translations: '{code}' is not one of the site's languages "
                          f"({', '.join(site.languages)}); add it to languages: in site_config/site.yaml, or remove this translation"))
    return found


#: Parsed and validated files by (path, mtime, size, naive-timestamp zone):
#: `frankly build` checks before mkdocs runs the plugin, and `serve` rebuilds on
#: every save; neither should parse thousands of unchanged files again.
_FILE_CACHE: dict[tuple, tuple[Path, "Loaded | None", list]] = {}


Loaded = tuple[Incident, SourceMap | FileSourceMap, str]
_PATH_OF = attrgetter("path")


def _load_folder(paths: ProjectPaths, context: dict, problems: Problems,
                 pending: dict[Path, str]) -> list[tuple[Path, Loaded | None]]:
    """Each file of the incidents folder (and each pending one), in the order of their paths."""
    if pending:
        found = list({*paths.incidents_dir.iterdir(), *pending})
        return [(file, _load_incident(file, paths, context, problems, pending.get(file))) for file in sorted(found, key=os.fspath)]
    # os.scandir, not Path.iterdir and Path.stat: an unchanged file costs a stat and a lookup, no Path
    # (at 10,000 files in `serve`, a third of loading a save was making and stating Paths).
    with os.scandir(paths.incidents_dir) as entries:
        listed = sorted(entries, key=_PATH_OF)
    root, zone = str(paths.root), str(context.get("naive_timestamp_zone"))
    loaded: list[tuple[Path, Loaded | None]] = []
    for entry in listed:
        name = entry.path
        try:
            stat = entry.stat()
            # the folder is below paths.root, which is resolved: no realpath per file
            found = _FILE_CACHE.get((name, root, stat.st_mtime_ns, stat.st_size, zone))
        except OSError:
            found = None
        if found is None:
            file = Path(name)
            loaded.append((file, _load_incident(file, paths, context, problems)))
        else:
            problems.items.extend(found[2])
            loaded.append((found[0], found[1]))
    return loaded


def _load_incident(file: Path, paths: ProjectPaths, context: dict, problems: Problems,
                   text: str | None = None) -> Loaded | None:
    if text is not None:  # an edit's would-be content: not on disk, not cached
        return _parse_incident(file, paths, context, problems, text)
    try:
        stat = file.stat()
        key = (os.fspath(file), str(paths.root), stat.st_mtime_ns, stat.st_size, str(context.get("naive_timestamp_zone")))
    except OSError:
        key = None
    if key in _FILE_CACHE:
        _, result, found = _FILE_CACHE[key]
        problems.items.extend(found)
        return result
    own = Problems()
    result = _parse_incident(file, paths, context, own)
    if key is not None:
        _FILE_CACHE[key] = (file, result, own.items)
    problems.extend(own)
    return result


def _parse_incident(file: Path, paths: ProjectPaths, context: dict, problems: Problems,
                    text: str | None = None) -> tuple[Incident, SourceMap | FileSourceMap, str] | None:
    """The entry, its positions and the SHA-256 of the text it was parsed from."""
    def shown() -> str:  # made only for a problem or a newly parsed file: 10,000 relative paths cost 0.15 s
        return display_path(file, paths.root)

    if file.name.startswith(".") or file.suffix.lower() not in (".yaml", ".yml"):
        return None  # hidden files, README.md, .gitkeep: not entries
    if file.suffix != ".yaml":
        case = "" if file.suffix == ".yml" else ", in lower case"
        problems.add(shown(), 1, 1, f"incident files end in .yaml{case}; rename it to {file.stem}.yaml")
        return None
    slug = file.stem
    match = SLUG_FILE.fullmatch(slug)
    if not match or not _is_date(*match.groups()):
        problems.add(
            shown(), 1, 1,
            "the file name must be YYYY-MM-DD-short-slug.yaml with a real date and only lower-case letters, digits "
            "and hyphens, e.g. 2026-11-20-messaging-outage.yaml; it becomes the permanent address, so rename the file",
        )
        return None
    on_disk = text is None
    if on_disk:
        try:
            text = read_text(file, paths.root)
        except FileProblem as exc:
            problems.add(shown(), exc.position.line, exc.position.column, exc.message)
            return None
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()
    # A file that validated before: its data without parsing again (parse_cache.py); positions, if a later check needs them, from the file.
    data = parse_cache.lookup(digest) if on_disk else None
    smap: SourceMap | FileSourceMap = FileSourceMap(file)
    kept = None
    if data is None:
        read = read_mapping(file, shown(), paths.root, problems, text)
        if read is None:
            return None
        data, smap = read
        kept = parse_cache.serialized(data) if on_disk else None  # as parsed, before validation could touch it
    if "slug" in data:
        pos = smap.key(("slug",))
        problems.add(shown(), pos.line, pos.column, f"remove 'slug': the address comes from the file name ({slug})")
        return None
    try:
        incident = Incident.model_validate({**data, "slug": slug}, context=context)
    except ValidationError as exc:
        report_validation(exc, Incident, smap, shown(), problems)
        return None
    if not on_disk:
        return incident, smap, digest
    if kept is not None:
        parse_cache.stage(digest, kept, shown())  # kept if the later checks find no problem in it either
    return incident, FileSourceMap(file), digest


def _is_date(year: str, month: str, day: str) -> bool:
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- meaning checks


#: What the meaning checks found in an incident read from disk, by (incident, site), which stay the
#: same objects while their texts do (_FILE_CACHE, _SITES); held, so the ids name them alone.
_CHECKED: dict[tuple[int, int], tuple[Incident, Site | None, list]] = {}


def _check_once(incident: Incident, site: Site | None, smap: SourceMap | FileSourceMap, shown: Callable[[], str],
                problems: Problems, remember: bool) -> None:
    key = (id(incident), id(site))
    found = _CHECKED.get(key) if remember else None
    if found is None or found[0] is not incident or found[1] is not site:
        _check_incident(incident, site, smap, shown, own := Problems())
        found = (incident, site, own.items)
        if remember:
            _CHECKED[key] = found
    problems.items.extend(found[2])


def _check_incident(incident: Incident, site: Site | None, smap: SourceMap | FileSourceMap, shown: Callable[[], str],
                    problems: Problems) -> None:
    def report(loc: Path_, message: str, key: bool = False) -> None:
        pos = smap.key(loc) if key else smap.value(loc)
        problems.add(shown(), pos.line, pos.column, message)

    known = {c.id: c for c in site.components} if site else None
    if site is not None:
        for loc, obj, _ in places(incident):
            if obj.translations:
                for key_loc, message in translation_key_problems(obj, site, loc):
                    report(key_loc, message, key=True)
    if known is not None:
        for component_id in incident.components:
            if component_id not in known:
                report(("components", component_id), unknown_component_message(component_id, known), key=True)

    allowed = LIFECYCLE[incident.kind]
    closed = CLOSED_STATUSES[incident.kind]
    closing = " or ".join(status for status in allowed if status in closed)  # 'resolved', 'completed or cancelled'
    previous = None
    closed_at: datetime | None = None
    closed_as = ""
    seen_ids: dict[str, int] = {}
    for index, update in enumerate(incident.updates):
        here = ("updates", index)
        if update.status not in allowed:
            report(here + ("status",), f"'{update.status}' is not a status for {_article(incident.kind)}; use one of: {', '.join(allowed)}")
        if previous is not None and update.at < previous.at:
            report(
                here + ("at",),
                f"this update ({update.at.isoformat()}) is earlier than the one before it ({previous.at.isoformat()}); "
                "list updates oldest first and check the date and offset",
            )
        update_id = update.anchor
        if update_id in seen_ids:
            report(
                here + ("id" if update.id else "at",),
                f"two updates have the id '{update_id}' (the other is update #{seen_ids[update_id] + 1}); "
                "give one of them its own 'id:' or a different time",
            )
        seen_ids.setdefault(update_id, index)
        if closed_at is not None and update.status not in closed and not update.reopens:
            report(
                here + ("status",),
                f"this update reopens the {incident.kind.value}, which was {closed_as} at {closed_at.isoformat()}; "
                "if that is what happened, add 'reopens: true' to this update, otherwise fix its status",
            )
        if update.reopens and closed_at is None:
            report(here + ("reopens",), f"'reopens: true' but the {incident.kind.value} was not {closing} before this update; remove it", key=True)
        closed_at, closed_as = (update.at, update.status) if update.status in closed else (None, "")
        for component_id in update.components or {}:
            if known is not None and component_id not in known:
                report(here + ("components", component_id), unknown_component_message(component_id, known), key=True)
            elif component_id not in incident.components:
                report(
                    here + ("components", component_id),
                    f"component '{component_id}' is not among this entry's components; add it to the top-level components first",
                    key=True,
                )
        for link_index, link in enumerate(update.posted_to):
            if link.url is None and link.channel is None:
                report(here + ("posted_to", link_index), "a posted_to entry needs a url, a channel (sms, email, ...), or both")
        previous = update

    first, last = incident.updates[0], incident.updates[-1]
    if incident.impact_started_at and last.status in closed and last.at < incident.impact_started_at:
        report(("impact_started_at",), f"the {incident.kind.value} is {last.status} at {last.at.isoformat()}, before its impact started ({incident.impact_started_at.isoformat()}); check both times and their offsets")
    if incident.impact_started_at and incident.impact_started_at > first.at:
        report(("impact_started_at",), f"impact_started_at is after the first update ({first.at.isoformat()}); it is for impact that began before the first post; remove it or fix the time")
    if incident.kind is Kind.maintenance and incident.window is None:
        report(("kind",), "a maintenance needs its window: add 'window:' with 'start:' and 'end:' timestamps")
    if incident.kind is not Kind.maintenance and incident.window is not None:
        report(("window",), "only a maintenance has a window; remove it or set kind: maintenance", key=True)
    if incident.window and incident.window.end <= incident.window.start:
        report(("window", "end"), f"the window ends ({incident.window.end.isoformat()}) before or when it starts ({incident.window.start.isoformat()})")
    for block, stamp_key in (("apology", "at"), ("compensation", "at"), ("postmortem", "published_at")):
        value = getattr(incident, block)
        if value is not None and getattr(value, stamp_key) < first.at:
            report((block, stamp_key), f"the {block} is dated before the first update ({first.at.isoformat()}); check the date and offset")
    for index, alias in enumerate(incident.aliases):
        if not SLUG.fullmatch(alias):
            report(("aliases", index), f"'{alias}' is not a slug; former addresses look like 2026-11-20-messaging-outage")


def _check_slugs(incidents: list[Incident], maps: dict[str, SourceMap | FileSourceMap], sources: dict[str, Path], root: Path, problems: Problems) -> None:
    owner: dict[str, str] = {incident.slug: incident.slug for incident in incidents}
    for incident in incidents:
        for index, alias in enumerate(incident.aliases):
            other = owner.get(alias)
            if other is not None and other != incident.slug or alias == incident.slug:
                pos = maps[incident.slug].value(("aliases", index))
                where = "this entry's own slug" if other == incident.slug else f"already used by {display_path(sources[other], root)}"
                problems.add(display_path(sources[incident.slug], root), pos.line, pos.column, f"duplicate slug '{alias}': {where}; an address can point to one entry only")
            owner.setdefault(alias, incident.slug)


def unknown_component_message(component_id: str, known: dict) -> str:
    """What an editor reads for a component id site.yaml does not declare."""
    hint = difflib.get_close_matches(component_id, list(known), n=1)
    guess = f" (did you mean '{hint[0]}'?)" if hint else ""
    return f"unknown component '{component_id}'{guess}; components in site_config/site.yaml: {', '.join(known)}"


def _article(kind: Kind) -> str:
    return {"incident": "an incident", "maintenance": "a maintenance", "notice": "a notice"}[kind.value]

