"""The output cache of `frankly build`: an unchanged entry's files are reused, not rendered.

An entry's outputs (page, redirects, JSON, feeds, card, search entries)
depend only on that entry and on site-wide inputs (tests/test_entry_independence.py),
so each entry's files are kept in ``.cache/frankly/outputs/<key>/`` under

    key = SHA-256(site fingerprint, slug, SHA-256 of the entry's YAML text as parsed
                  [, the judging moment: only while the entry is open])

and the site fingerprint covers everything else a byte of an entry's files
can come from (:func:`site_fingerprint`): every file of the Frankly package
(code, templates, assets, fonts, its version), the versions of Python and of
every installed distribution (mkdocs, Material, Markdown extensions, Pillow,
...), mkdocs.yml (theme, plugins, navigation), the docs folder (the navigation's
titles are in every page's chrome), a theme folder of the project's own
(``custom_dir``), the site configuration folder, and a few locale variables.
Anything not known to be one of those makes the key change, never the reverse:
an unknown input costs a rebuild.

The moment open entries are judged at (`frankly build --now`, as scheduled
builds give it every 15 minutes) is in the keys of open entries only (an
upcoming maintenance is open too): a closed entry is judged at its own latest
change (StatusReport.judged_at, overdue_promise), so its files are the same at
any moment and a scheduled build reuses every closed entry.

A cached entry is a folder made in a temporary name and renamed into place
whole, holding hard links to the files the build wrote (no copy) and a
manifest of their site paths, sizes and search lines. Reuse links them into
the new site. Each file's size, modification time and SHA-256 are in the
manifest: a missing file, another size, or another modification time and
other bytes (a tool rewrote a site file in place, and so the cached file
through the link) discards the entry, which is rendered again; a file with
its bytes but another time (copied, or restored by CI's cache) is reused. Entries this build did not use are removed at its end.

Beside the folder, ``outputs.months.json`` keeps the accountability counts of
settled months (facts/accountability.py, MonthStore), named by the same site
fingerprint and the digests of each month's entries.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import platform
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import generator
from generator.outputs.files import LaterPage
from generator.publication.staging import remove_in_background

#: Raise when what is stored or how it is keyed changes.
FORMAT = 3
#: The start of the folder a prune moves what it removes into, deleted in the background.
PRUNED = ".pruned-"
#: After the folder's name: the file of the settled months' accountability counts, beside it.
MONTHS = ".months.json"
_PACKAGE = Path(generator.__file__).parent
_SKIPPED_DIRS = {"__pycache__", ".git", ".cache", ".venv", "node_modules"}


def _hash_tree(digest, folder: Path, label: str) -> None:
    """Names and bytes of every file below ``folder``, in a fixed order."""
    digest.update(f"\0tree {label}\0".encode())
    if not folder.is_dir():
        digest.update(b"missing")
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_DIRS)
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(dirpath) / name
            digest.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError as exc:  # unreadable: a key no other build shares
                digest.update(f"unreadable {exc.errno} {os.urandom(8).hex()}".encode())


def _distributions() -> list[str]:
    """The installed distributions with their versions, from the names of their
    metadata folders on sys.path (``mkdocs_material-9.6.1.dist-info``): the same
    facts importlib.metadata gives, at a hundredth of the time."""
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found.update(f"{entry}/{name}" for name in names if name.endswith((".dist-info", ".egg-info")))
    return sorted(found)


def site_fingerprint(*, config_file: Path, docs_dir: Path, site_config_dir: Path, theme_dirs: Iterable[Path],
                     project_root: Path, extra: dict | None = None) -> str:
    """Everything besides the entry itself that its output bytes can depend on (see the module's text)."""
    digest = hashlib.sha256()
    header = {
        "format": FORMAT, "frankly": generator.__version__, "python": platform.python_version(),
        "implementation": platform.python_implementation(), "distributions": _distributions(),
        "extra": extra or {},
        "environment": {name: os.environ.get(name) for name in ("TZ", "LANG", "LC_ALL", "LC_TIME")},
    }
    digest.update(json.dumps(header, sort_keys=True, default=str).encode())
    _hash_tree(digest, _PACKAGE, "frankly")
    digest.update(b"\0mkdocs.yml\0")
    digest.update(config_file.read_bytes() if config_file.is_file() else b"missing")
    _hash_tree(digest, docs_dir, "docs")
    _hash_tree(digest, site_config_dir, "site_config")
    root = project_root.resolve()
    for folder in theme_dirs:  # installed themes are covered by their distribution's version
        resolved = Path(folder).resolve()
        if resolved.is_relative_to(root):
            _hash_tree(digest, resolved, "theme " + resolved.relative_to(root).as_posix())
    return digest.hexdigest()


@dataclass
class CachedEntry:
    folder: str  # its folder in the cache
    files: list[tuple[str, int, int, str]]  # (site path, size, mtime in ns, SHA-256), in the order written
    search: str
    cards: list[str]
    #: The inode of each file, as the lookup found it (kept.py compares a previous site's folder with them).
    inodes: list[int] = field(default_factory=list)


@dataclass
class OutputCache:
    """One build's view of ``folder`` (.cache/frankly/outputs)."""

    folder: Path
    fingerprint: str
    digests: dict[str, str]  # slug -> digest of its YAML text
    judged_at: str = ""  # the moment open entries are judged at ("" for none)
    open_slugs: frozenset[str] = frozenset()  # the entries judged at it: those open
    #: Settled months' accountability counts (facts/accountability.py, MonthStore): those kept
    #: in <folder>.months.json, read when first asked, and those this build used.
    _months: dict | None = field(default=None, repr=False)
    _months_used: dict = field(default_factory=dict, repr=False)

    def key(self, slug: str) -> str | None:
        digest = self.digests.get(slug)
        if digest is None:
            return None
        moment = self.judged_at if slug in self.open_slugs else ""
        return hashlib.sha256(f"{self.fingerprint}\0{slug}\0{digest}\0{moment}".encode()).hexdigest()[:40]

    def page_key(self, page: LaterPage) -> str | None:
        """An archive page's key: where it stands and what else it shows (``LaterPage.shows``),
        and the key of every entry it lists, so it is made again when one of them changed."""
        keys = [self.key(slug) for slug in page.entries]
        if None in keys:
            return None
        text = f"{self.fingerprint}\0page\0{page.url}\0{page.shows!r}\0" + " ".join(keys)  # type: ignore[arg-type]
        return "p" + hashlib.sha256(text.encode()).hexdigest()[:39]

    # -- a MonthStore (facts/accountability.py): the count of a month whose entries are all closed

    def month_name(self, month: str, slugs: Sequence[str]) -> str | None:
        """The name of a settled month's count: the site's fingerprint (code, configuration, ...)
        and each of its entries with the digest of its text; None for an entry of unknown text."""
        digests = [self.digests.get(slug) for slug in slugs]
        if None in digests:
            return None
        text = f"{self.fingerprint}\0month\0{month}\0" + " ".join(f"{slug}:{digest}" for slug, digest in zip(slugs, digests))
        return hashlib.sha256(text.encode()).hexdigest()[:40]

    def month(self, name: str) -> dict | None:
        if self._months is None:
            try:
                kept = json.loads(self._months_file().read_bytes())
            except (OSError, ValueError, RecursionError):
                kept = None
            self._months = kept if isinstance(kept, dict) else {}
        found = self._months.get(name)
        return found if isinstance(found, dict) else None

    def keep_month(self, name: str, counted: dict) -> None:
        self._months_used[name] = counted

    def _months_file(self) -> Path:
        return self.folder.parent / f"{self.folder.name}{MONTHS}"

    def _write_months(self) -> None:
        """Keep the months this build used, and no other: written whole in the folder (where a
        killed build's leftover is pruned: its name is no key), then renamed into place."""
        if self._months_used == (self._months or {}) or not self.folder.is_dir():
            return
        target = self._months_file()
        try:
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".months-")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(json.dumps(self._months_used, ensure_ascii=False, sort_keys=True))
            os.replace(temporary, target)
        except OSError:
            pass  # a cache that cannot be written is no cache

    def has(self, slug: str) -> bool:
        """Whether ``slug`` is probably cached (a quick look, for planning; lookup() decides)."""
        key = self.key(slug)
        return key is not None and (self.folder / key).is_dir()

    def lookup(self, slug: str) -> CachedEntry | None:
        """The cached files of ``slug`` as this build would make them, or None; a
        cached entry that is not whole and untouched is removed (and rendered again)."""
        return self.lookup_key(self.key(slug))

    def lookup_key(self, key: str | None) -> CachedEntry | None:
        if key is None:
            return None
        # Names as strings, not Paths: at 10,000 entries, making Paths was a third of the lookups.
        folder = f"{os.fspath(self.folder)}/{key}"
        try:
            with open(f"{folder}/manifest.json", "rb") as handle:
                text = handle.read()
        except OSError:
            if os.path.exists(folder):
                shutil.rmtree(folder, ignore_errors=True)
            return None
        entry = _intact(folder, key, text)
        if entry is None:
            shutil.rmtree(folder, ignore_errors=True)
        return entry

    def discard(self, entry: CachedEntry) -> None:
        shutil.rmtree(entry.folder, ignore_errors=True)

    def store(self, slug: str, site_dir: Path, written: list[str], search: str, cards: list[str],
              digests: dict[str, str] | None = None) -> int:
        """Keep the files just written for ``slug`` (hard links; copies where links fail);
        1 if it was stored, 0 if not (stored already, or the disk said no). ``digests``: the
        SHA-256 of files whose bytes the caller had (reading 1.2 GB back at 10,000 entries
        took ~4 s of CPU); the others are read."""
        return self.store_key(self.key(slug), site_dir, written, search, cards, digests)

    def store_key(self, key: str | None, site_dir: Path, written: list[str], search: str = "", cards: list[str] = (),
                  digests: dict[str, str] | None = None) -> int:
        if key is None:
            return 0
        root = os.fspath(self.folder)
        final = f"{root}/{key}"
        if os.path.exists(final):
            return 0
        temporary = self._temporary_folder(root)
        if temporary is None:
            return 0
        site = os.fspath(site_dir)
        try:
            files = []
            for number, path in enumerate(written):
                source, target = f"{site}/{path}", f"{temporary}/{number}"
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copyfile(source, target)
                status = os.stat(target)
                digest = digests.get(path) if digests is not None else None
                files.append((path, status.st_size, status.st_mtime_ns, digest or _sha256(target)))
            manifest = {"format": FORMAT, "key": key, "files": files, "search": search, "cards": list(cards)}
            with open(f"{temporary}/manifest.json", "w", encoding="utf-8") as out:
                out.write(json.dumps(manifest, ensure_ascii=False))
            os.rename(temporary, final)  # whole or not at all; another build may have stored it meanwhile
            return 1
        except OSError:
            shutil.rmtree(temporary, ignore_errors=True)
            return 0

    def _temporary_folder(self, root: str) -> str | None:
        """A new folder to store one entry in before it is renamed into place (a leftover
        of a killed build is pruned: its name is no key). None if the disk said no."""
        try:
            os.makedirs(root, exist_ok=True)
            for _ in range(3):
                name = f"{root}/.tmp-{os.getpid()}-{next(_STORES)}"
                try:
                    os.mkdir(name)
                    return name
                except FileExistsError:  # a killed build's, of the same pid
                    continue
            return tempfile.mkdtemp(dir=root, prefix=".tmp-")
        except OSError:
            return None

    def prune(self, slugs: Iterable[str], pages: Iterable[LaterPage] = ()) -> int:
        """Remove every cached entry except those of ``slugs`` (this build's entries) and
        ``pages`` (its archive pages), and leftovers of interrupted stores; returns how many were
        removed. The months' counts kept are those this build used.

        They are moved into one folder (a rename each), which a detached `rm -rf` deletes
        (staging.remove_in_background): after a change that renders every entry again (a new
        Frankly, site.yaml), the previous generation was removed here one folder at a time,
        ~5 s at 10,000 entries (60,000 files) after the build proper. A folder of an earlier
        prune whose `rm` was cut short is not a key: it goes with the rest."""
        self._write_months()
        keep = {self.key(slug) for slug in slugs} | {self.page_key(page) for page in pages}
        try:
            names = [name for name in os.listdir(self.folder) if name not in keep]
        except OSError:
            return 0
        if not names:
            return 0
        pruned = self.folder / f"{PRUNED}{os.getpid()}-{next(_STORES)}"
        try:
            pruned.mkdir()
        except OSError:
            pruned = None
        for name in names:
            if pruned is not None:
                try:
                    os.rename(self.folder / name, pruned / name)
                    continue
                except OSError:
                    pass  # removed meanwhile, or the rename refused: removed here
            shutil.rmtree(self.folder / name, ignore_errors=True)
        if pruned is not None:
            remove_in_background(pruned)
        return len(names)


#: Numbers the temporary folders of one process's stores.
_STORES = itertools.count()


def _sha256(path: "os.PathLike[str] | str") -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _intact(folder: str, key: str, text: bytes) -> CachedEntry | None:
    """The entry the manifest ``text`` describes, if every file still has the bytes
    it was stored with: the same size and modification time, or (after a copy, a
    restore from CI's cache that kept whole seconds) the same SHA-256; the
    manifest then takes the new times, so the next build checks quickly again."""
    try:
        manifest = json.loads(text)
        if manifest.get("format") != FORMAT or manifest.get("key") != key:
            return None
        files = [(str(p), int(s), int(t), str(h)) for p, s, t, h in manifest["files"]]
        entry = CachedEntry(folder, files, str(manifest["search"]), [str(c) for c in manifest["cards"]])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    retimed = False
    for number, (path, size, mtime, digest) in enumerate(entry.files):
        file = f"{folder}/{number}"
        try:
            status = os.stat(file)
            entry.inodes.append(status.st_ino)
            if status.st_size != size:
                return None
            if status.st_mtime_ns != mtime:  # copied, restored, or written to through a link in a site
                if _sha256(file) != digest:
                    return None
                entry.files[number] = (path, size, status.st_mtime_ns, digest)
                retimed = True
        except OSError:
            return None
    if retimed:
        manifest["files"] = entry.files
        try:
            handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(json.dumps(manifest, ensure_ascii=False))
            os.replace(temporary, f"{folder}/manifest.json")
        except OSError:
            pass  # checked by content again next time
    return entry
