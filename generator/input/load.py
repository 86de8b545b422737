"""Load step: site_config/site.yaml + incidents/*.yaml -> validated model.

Nothing here raises on bad input except :class:`InvalidInput` at the very end,
carrying every problem of every file, each as ``FILE:LINE:COL: message``.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import Any, Sequence

from pydantic import ValidationError

from generator.input import parse_cache
from generator.input.files import FileProblem, read_text
from generator.input.model import Incident, Site
from generator.input.sentences import report_validation
from generator.input.translated import site_places
from generator.input.problems import InvalidInput, Problem, Problems, display_path
from generator.input.meaning import _check_once, _check_slugs, translation_key_problems
from generator.input.yamlnodes import YamlProblem
from generator.input.yamlsource import FileSourceMap, SourceMap, read_yaml
from generator.workers import can_fork, map_chunks, usable_cpus

SLUG_FILE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")


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


def load_all(paths: ProjectPaths, pending: dict[Path, str] | None = None, spread: bool = False) -> Catalog:
    """Read and validate every input; raise InvalidInput listing all problems.

    ``pending`` holds incident files as an edit would leave them (path ->
    text): the project is validated as it would be, without writing or
    copying anything. ``spread``: validate many files on every core
    (:func:`_load_new_files`), for a command that ends after one build.
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
        read = [(file, *loaded) for file, loaded in _load_folder(paths, context, problems, pending, spread) if loaded]
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


#: Parsed and validated files by (path, mtime, size, naive-timestamp zone):
#: `frankly build` checks before mkdocs runs the plugin, and `serve` rebuilds on
#: every save; neither should parse thousands of unchanged files again.
_FILE_CACHE: dict[tuple, tuple[Path, "Loaded | None", list]] = {}


Loaded = tuple[Incident, SourceMap | FileSourceMap, str]
_PATH_OF = attrgetter("path")


def _load_folder(paths: ProjectPaths, context: dict, problems: Problems,
                 pending: dict[Path, str], spread: bool = False) -> list[tuple[Path, Loaded | None]]:
    """Each file of the incidents folder (and each pending one), in the order of their paths."""
    if pending:
        found = list({*paths.incidents_dir.iterdir(), *pending})
        return [(file, _load_incident(file, paths, context, problems, pending.get(file))) for file in sorted(found, key=os.fspath)]
    # os.scandir, not Path.iterdir and Path.stat: an unchanged file costs a stat and a lookup, no Path
    # (at 10,000 files in `serve`, a third of loading a save was making and stating Paths).
    with os.scandir(paths.incidents_dir) as entries:
        listed = sorted(entries, key=_PATH_OF)
    root, zone = str(paths.root), str(context.get("naive_timestamp_zone"))
    loaded: list[tuple[Path, Loaded | None, list[Problem]] | None] = []
    new: list[str] = []  # the files not loaded before in this process, read by _load_new_files
    for entry in listed:
        try:
            found = _FILE_CACHE.get(_cache_key(entry.path, entry.stat(), root, zone))
        except OSError:
            found = None
        if found is None:
            new.append(entry.path)
        loaded.append(found)
    fresh = iter(_load_new_files(new, paths, context, spread))
    result: list[tuple[Path, Loaded | None]] = []
    for found in loaded:
        file, incident, own = found if found is not None else next(fresh)
        problems.items.extend(own)  # in the files' order, as one process would find them
        result.append((file, incident))
    return result


#: From how many files to read a spread load uses every core. Validating a file costs
#: ~260 µs, sending its entry back ~60 µs (pickled) and two processes share the machine:
#: 10,000 files load in 2.0 s instead of 2.6 s, 1,000 gain nothing.
SPREAD_FROM = 2000


def _load_new_files(names: list[str], paths: ProjectPaths, context: dict,
                    spread: bool = False) -> list[tuple[Path, Loaded | None, list[Problem]]]:
    """Each file of ``names`` loaded, remembered in _FILE_CACHE, in their order; with
    ``spread``, on every core where many are to be read and this process may fork.

    Validation is Python holding the GIL: a forked child loads every other file and sends
    its entries back by pipe (workers.map_chunks). Loading reads the parse cache and stages
    what it parsed; the parent takes over what the children did there (parse_cache.take_over).
    Only for commands that end after one build (`frankly build`, `frankly check`): entries
    that came back pickled are slower to read afterwards (deriving 10,000 of them took ~20 %
    longer, a `serve` save at 10,000 ~25 %; interning their field names again did not help),
    and `serve` reads its entries again on every save.
    """
    jobs = min(usable_cpus(), len(names) // (SPREAD_FROM // 2)) if spread else 1
    if jobs < 2 or not can_fork():
        return [_remembered(*_load_new(Path(name), paths, context)) for name in names]
    parent, inherited = os.getpid(), parse_cache.staged_count()

    def load_some(some: Sequence[str]) -> tuple[list, tuple | None]:
        done = [_load_new(Path(name), paths, context) for name in some]
        return done, (parse_cache.handed_over(inherited) if os.getpid() != parent else None)

    ordered: list = [None] * len(names)
    for start, (done, cache_state) in enumerate(map_chunks(load_some, names, jobs)):
        ordered[start::jobs] = done  # slices were dealt round-robin
        if cache_state is not None:
            parse_cache.take_over(cache_state)
    return [_remembered(*loaded) for loaded in ordered]


def _remembered(key: tuple | None, file: Path, result: Loaded | None, found: list[Problem]) -> tuple[Path, Loaded | None, list[Problem]]:
    if key is not None:
        _FILE_CACHE[key] = (file, result, found)
    return file, result, found


def _cache_key(name: str, stat: os.stat_result, root: str, zone: str) -> tuple:
    """A file's key in _FILE_CACHE. Its folder is below the project's root, which is resolved:
    the name needs no realpath."""
    return (name, root, stat.st_mtime_ns, stat.st_size, zone)


def _load_incident(file: Path, paths: ProjectPaths, context: dict, problems: Problems,
                   text: str | None = None) -> Loaded | None:
    if text is not None:  # an edit's would-be content: not on disk, not cached
        return _parse_incident(file, paths, context, problems, text)
    try:
        key = _cache_key(os.fspath(file), file.stat(), str(paths.root), str(context.get("naive_timestamp_zone")))
    except OSError:
        key = None
    if key in _FILE_CACHE:
        _, result, found = _FILE_CACHE[key]
    else:
        _, result, found = _remembered(*_load_new(file, paths, context, key))
    problems.items.extend(found)
    return result


def _load_new(file: Path, paths: ProjectPaths, context: dict, key: tuple | None | bool = False,
              ) -> tuple[tuple | None, Path, Loaded | None, list[Problem]]:
    """``file`` parsed and validated: its _FILE_CACHE key (``key``, if known), the file, the
    entry and the problems found in it. Touches no state of this process but the parse cache's."""
    if key is False:
        try:
            key = _cache_key(os.fspath(file), file.stat(), str(paths.root), str(context.get("naive_timestamp_zone")))
        except OSError:
            key = None
    own = Problems()
    result = _parse_incident(file, paths, context, own)
    return key, file, result, own.items


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
