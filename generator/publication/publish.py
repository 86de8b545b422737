"""Publish step: every entry's files and the archive pages, written as they are made.

An entry's outputs (page, feeds, JSON, card, redirects, search entries)
depend on that entry alone, so they are rendered and written one entry at a
time, by one forked process per CPU (generator/workers.py); nothing is held
until the end of the build. Pages go through the theme's chrome via
generator/publication/theme_shell.py. What the processes must tell each other (card
counts, the search entries) comes back as small results and files.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from generator.facts.derive import IncidentFacts, StatusReport
from generator.outputs import cards, markup, urls
from generator.outputs.files import GeneratedFile, GeneratedPage, LaterPage, Output
from generator.outputs.search import entry_search_entries, serialized
from generator.publication.kept import same_files, take_out
from generator.publication.output_cache import CachedEntry, OutputCache
from generator.workers import map_chunks, usable_cpus

if TYPE_CHECKING:  # the shell renderer is mkdocs' side; this module needs only its render()
    from generator.publication.theme_shell import ShellRenderer

#: Below this many entries, starting processes costs more than it saves.
AUTO_PARALLEL_FROM = 500
#: Entries rendered here before forking, so the children inherit the page shells they find.
WARM_UP_ENTRIES = 50
#: The rest are dealt to the processes in runs of this many, not one by one: a forked child
#: copies every memory page it writes to (reading an object updates its reference count),
#: and consecutive entries share pages, so one by one each process touched every entry's.
DEALT_IN_RUNS_OF = 64


class OutputWriter:
    """Writes generated files into the site folder as they are made, so none is held.

    Paths are plain strings and each folder is made once: an unchanged entry's files
    are ~25,000 links at 10,000 entries, where pathlib's joins, a parent's mkdir
    and an unlink before each link were most of the time."""

    def __init__(self, site_dir: Path, written_by_mkdocs: set[str], warn: Callable[[str], None], replacing: bool = False,
                 made: Iterable[str] = (), taken_out_to: str | None = None):
        self.site_dir = site_dir
        #: Files are written beside their target and renamed over it: for a folder that holds links
        #: to cached files this writer did not make (serve's republishing: republish.py).
        self.replacing = replacing
        self._root = os.fspath(site_dir)
        self.written_by_mkdocs = written_by_mkdocs  # site-relative paths mkdocs wrote from docs/ and the theme
        self.warn = warn
        #: Site-relative folders known to exist ("" for the site's own): ``made``, those made ahead (folders.py).
        self.made: set[str] = set(made)
        self.linked: set[str] = set()  # paths that are links to cached files: never written through
        #: Set when the site's incidents/ is the previous site's, taken over (kept.py): where a
        #: folder in it that is not adopted as it is goes before it is made again.
        self.taken_out_to = taken_out_to

    def _target(self, path: str) -> str:
        folder = path.rpartition("/")[0]
        if folder not in self.made:
            self._make(folder)
        if path in self.written_by_mkdocs:
            self.warn(f"{path} from docs/ is replaced by the file Frankly generates at that address")
        return os.path.join(self._root, path)

    def _make(self, folder: str) -> None:
        entry_folder = _entry_folder(folder) if self.taken_out_to is not None else None
        if entry_folder is not None:
            # In the taken-over incidents/, an entry's folder not adopted as it is holds the previous
            # site's files: it is taken out and made anew (with it, anything below it).
            if entry_folder not in self.made:
                _make_folder_again(os.path.join(self._root, entry_folder), self.taken_out_to)
                self.made.add(entry_folder)
        if folder not in self.made:
            _make_folder(os.path.join(self._root, folder))
        self.made.add(folder)

    def write(self, path: str, content: bytes) -> None:
        target = self._target(path)
        if path in self.linked:  # writing through a link would change the cached file
            _unlink(target)
            self.linked.discard(path)
        self._write(target, content)

    def _write(self, target: str, content: bytes) -> None:
        if not self.replacing:
            with open(target, "wb") as out:
                out.write(content)
            return
        with open(target + ".frankly-new", "wb") as out:
            out.write(content)
        os.replace(target + ".frankly-new", target)

    def adopt(self, folder: str, inodes: dict[str, int]) -> bool:
        """Keep ``folder`` of the taken-over incidents/ as it is if it holds exactly the files
        named in ``inodes`` as those inodes (kept.same_files); its files count as links."""
        if self.taken_out_to is None or folder in self.made or _entry_folder(folder) != folder:
            return False
        if not same_files(os.path.join(self._root, folder), inodes):
            return False
        self.made.add(folder)
        self.linked.update(f"{folder}/{name}" for name in inodes)
        return True

    def link(self, path: str, source: "os.PathLike[str] | str") -> None:
        """``path`` as a hard link to ``source`` (a copy where links are not possible)."""
        _link(source, self._target(path))
        self.linked.add(path)

    def write_file(self, output: GeneratedFile) -> None:
        target = self._target(output.path)
        if output.source is None:
            self._write(target, output.content)
            return
        # Cached card images: a hard link costs no copy (the cache replaces
        # files, never rewrites them); a copy where links are not possible.
        _link(output.source, target)


def _entry_folder(folder: str) -> str | None:
    """The entry's own folder (``incidents/<name>``) that ``folder`` is or lies in; None outside them."""
    if not folder.startswith(urls.ENTRIES) or folder == urls.ENTRIES:
        return None
    return urls.ENTRIES + folder[len(urls.ENTRIES):].partition("/")[0]


def _make_folder(folder: str) -> None:
    """``folder`` and its parents: one mkdir where the parent exists (an entry's folder in
    incidents/). os.makedirs checks the parents first: 10,000 entry folders took 1.08 s
    with it, 0.41 s with mkdir alone."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        if not os.path.isdir(folder):
            raise
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def _make_folder_again(folder: str, taken_out_to: str) -> None:
    """``folder`` made empty: what the previous site had there is taken out first."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        take_out(folder, taken_out_to)
        os.mkdir(folder)


def _link(source: "os.PathLike[str] | str", target: str) -> None:
    """``target`` as a new hard link to ``source``, replacing what was there (never written
    through: it may be a link to a cached file); a copy where links are not possible."""
    try:
        os.link(source, target)
        return
    except FileExistsError:
        os.unlink(target)
    except OSError:
        _unlink(target)
        shutil.copyfile(source, target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _unlink(target: str) -> None:
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass


@dataclass(frozen=True)
class Published:
    """What the entries' publishing leaves for the site-wide files."""

    processes: int
    reused: int  # entries whose files came from the output cache
    stored: int  # entries rendered and kept in it
    kept: int  # reused entries found in the previous site's folders, wholly or in part (kept.py)
    pages: list[str]  # source URIs of every page written, for the sitemap
    search_lines: Iterator[str]  # the entries' search entries, one line each, in entry order


class EntryPublisher:
    """Renders and writes every entry and archive page, in several processes when worth it."""

    def __init__(self, report: StatusReport, render_entry: Callable[[IncidentFacts], list[Output]],
                 shells: "ShellRenderer", writer: OutputWriter, jobs: int, cache: OutputCache | None = None,
                 record: dict[str, tuple[list[str], str]] | None = None):
        self.report = report
        self.cache = cache
        #: slug -> (site paths written, search line) of each entry rendered in this process, if given
        #: (`serve` keeps it to republish a save in place: generator/publication/republish.py).
        self.record = record
        self.render_entry = render_entry
        self.shells = shells
        self.writer = writer
        self.jobs = jobs or (usable_cpus() if len(report.entries) >= AUTO_PARALLEL_FROM else 1)
        self.kept = 0  # reused entries whose files this process found in the previous site's folders

    def publish(self, output: Output, digests: dict[str, str] | None = None) -> str:
        """Write ``output``; returns its site path. ``digests``: where to note the SHA-256 of
        the bytes written (for the output cache's manifest; not of a cached card linked)."""
        if isinstance(output, GeneratedPage):
            path, data = output.url + "index.html", self.shells.render(output).encode("utf-8", errors="xmlcharrefreplace")
            self.writer.write(path, data)
        else:
            path, data = output.path, output.content if output.source is None else None
            self.writer.write_file(output)
        if digests is not None and data is not None:
            digests[path] = hashlib.sha256(data).hexdigest()
        return path

    def run(self, later_pages: Sequence[LaterPage], workdir: Path) -> Published:
        """Publish everything; the search lines are read from files in ``workdir``
        (the caller removes it once they are consumed)."""
        entries = self.report.entries
        items = [*entries, *later_pages]  # entries first: the warm-up finds their page shells
        warm = WARM_UP_ENTRIES if self.jobs > 1 else len(items)
        first = self._publish_items(items[:warm], workdir)
        markup.flush_cache()  # children start from a store that has this process's texts
        rest = items[warm:]
        runs = [rest[start:start + DEALT_IN_RUNS_OF] for start in range(0, len(rest), DEALT_IN_RUNS_OF)]
        results = map_chunks(lambda dealt: self._publish_items([item for run in dealt for item in run], workdir),
                             runs, self.jobs) if runs else []
        for drawn_cards, full_renders, *_, recorded in results[1:]:  # results[0] is this process's own, already counted
            cards.stats.add(drawn_cards)
            self.shells.full_renders += full_renders
            if self.record is not None:
                self.record.update(recorded)  # what the other processes wrote
        reused, stored, kept = (sum(result[n] for result in [first, *results]) for n in (2, 3, 4))
        pages = pages_written(later_pages, entries)
        search_lines = _in_entry_order(first[5], [r[5] for r in results], [len(run) for run in runs])
        return Published(max(1, len(results)), reused, stored, kept, pages, search_lines)

    def _publish_items(self, items: Sequence[IncidentFacts | LaterPage],
                       workdir: Path) -> tuple[cards.CardStats, int, int, int, int, str, dict]:
        """Writes these entries' files (or archive pages), and their search entries
        to a file of their own, one line per item (empty for archive pages);
        returns what the other processes must know."""
        cards_before, full_before, kept_before = cards.stats.copy(), self.shells.full_renders, self.kept
        reused = stored = 0
        handle, part = tempfile.mkstemp(dir=workdir, suffix=".jsonl")
        with os.fdopen(handle, "w", encoding="utf-8") as lines:
            for item in items:
                if isinstance(item, LaterPage):
                    self._publish_page(item)
                    lines.write("\n")
                    continue
                cached = self.cache.lookup(item.slug) if self.cache is not None else None
                if cached is not None and self._reuse(cached):
                    lines.write(cached.search + "\n")
                    if self.record is not None:
                        self.record[item.slug] = ([path for path, *_ in cached.files], cached.search)
                    reused += 1
                    continue
                digests: dict[str, str] | None = {} if self.cache is not None else None
                written, card_keys, search = self.publish_entry(item, digests)
                lines.write(search + "\n")
                if self.cache is not None:
                    stored += self.cache.store(item.slug, self.writer.site_dir, written, search, card_keys, digests)
        markup.flush_cache()
        recorded = {} if self.record is None else {i.slug: self.record[i.slug] for i in items if not isinstance(i, LaterPage)}
        return (cards.stats.since(cards_before), self.shells.full_renders - full_before, reused, stored,
                self.kept - kept_before, part, recorded)

    def _publish_page(self, page: LaterPage) -> None:
        """An archive page, from the output cache when what it shows has not changed (OutputCache.page_key)."""
        key = self.cache.page_key(page) if self.cache is not None else None
        cached = self.cache.lookup_key(key) if self.cache is not None else None
        if cached is not None and self._reuse(cached):
            return
        digests: dict[str, str] = {}
        path = self.publish(page.make(), digests)
        if self.cache is not None:
            self.cache.store_key(key, self.writer.site_dir, [path], digests=digests)

    def publish_entry(self, facts: IncidentFacts, digests: dict[str, str] | None = None) -> tuple[list[str], list[str], str]:
        """Render and write one entry's outputs: (the site paths written, the keys of the
        cached card images among them, its search entries as one line)."""
        written, card_keys = [], []
        for output in self.render_entry(facts):
            written.append(self.publish(output, digests))
            if not isinstance(output, GeneratedPage) and output.source is not None:
                card_keys.append(Path(output.source).stem)  # a cached card image (cards.card_output)
        search = serialized(entry_search_entries(self.report, facts))
        if self.record is not None:
            self.record[facts.slug] = (written, search)
        return written, card_keys, search

    def _reuse(self, cached: CachedEntry) -> bool:
        """Link a cached entry's files into the site (or find them there already: kept.py);
        False (the entry discarded) if one went missing."""
        done = []
        folder = cached.folder
        there = self._adopted(cached)
        try:
            for number, (path, *_) in enumerate(cached.files):
                if path in there:
                    continue
                self.writer.link(path, f"{folder}/{number}")
                done.append(path)
        except OSError:
            for path in done:
                _unlink(os.path.join(self.writer._root, path))
                self.writer.linked.discard(path)
            self.cache.discard(cached)
            return False
        cards.stats.used_keys.update(cached.cards)  # still shown: the card cache keeps them
        cards.stats.reused += len(cached.cards)
        return True

    def _adopted(self, cached: CachedEntry) -> set[str]:
        """The paths of ``cached`` already in the site, as its files: in folders of the
        previous site's incidents/ that the writer adopts as they are."""
        if self.writer.taken_out_to is None or len(cached.inodes) != len(cached.files):
            return set()
        by_folder: dict[str, dict[str, int]] = {}
        for (path, *_), inode in zip(cached.files, cached.inodes):
            folder, _, name = path.rpartition("/")
            by_folder.setdefault(folder, {})[name] = inode
        there = {f"{folder}/{name}" for folder, inodes in by_folder.items() if self.writer.adopt(folder, inodes)
                 for name in inodes}
        self.kept += bool(there)
        return there


def pages_written(later_pages: Iterable[LaterPage], entries: Iterable[IncidentFacts]) -> list[str]:
    """The source of every page the publish step writes (the sitemap lists them): each archive
    page, and each entry's one page (render_incident_page; its other outputs are files)."""
    return [page.src_uri for page in later_pages] + [urls.source_of(urls.incident(f.slug)) for f in entries]


def _in_entry_order(first: str, slices: list[str], runs: list[int]) -> Iterator[str]:
    """The non-empty lines of ``first``, then of ``slices``: the runs of items (``runs``,
    their lengths) were dealt to them in turn (workers.map_chunks), so reading each run's
    lines from the next file in turn gives the items' order back."""
    with open(first, encoding="utf-8") as lines:
        yield from (line.rstrip("\n") for line in lines if line.strip())
    files = [open(part, encoding="utf-8") for part in slices]
    try:
        for number, length in enumerate(runs):
            lines = files[number % len(files)]
            for _ in range(length):
                line = lines.readline()
                if line.strip():
                    yield line.rstrip("\n")
    finally:
        for handle in files:
            handle.close()


def write_search_index(index: Path, lines: Iterator[str]) -> None:
    """Material's search index with the entries' search entries added, written as a stream."""
    data = json.loads(index.read_text(encoding="utf-8"))
    docs = data.pop("docs")
    parts = itertools.chain((json.dumps(doc, separators=(",", ":"), ensure_ascii=False) for doc in docs), lines)
    # Compact, as Material writes it (UTF-8 rather than \u escapes).
    head = json.dumps(data, separators=(",", ":"), ensure_ascii=False)[:-1]
    with open(index, "w", encoding="utf-8") as out:
        out.write(head + (',"docs":[' if data else '"docs":['))
        separator = ""
        while chunk := list(itertools.islice(parts, 1024)):  # a write per entry cost 0.07 s at 10,000
            out.write(separator + ",".join(chunk))
            separator = ","
        out.write("]}")
