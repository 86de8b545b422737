"""The previous site's entry folders, taken over by the next build where unchanged.

`frankly build` keeps the entry folders of the site it swaps out
(staging.keep_previous) and the next build claims them (staging.claim_previous).
Their ``incidents/`` is moved into the new site in one rename, when nothing has
made the new site's ``incidents/`` yet, and each entry's publisher then checks
its folder (``OutputWriter.adopt``): it stays as it is if it holds exactly the
cached entry's files, as the same inodes (hard links into .cache/frankly/outputs,
whose bytes the output cache checks); otherwise it is moved out and written
again. Folders that no entry of this build owns are moved out before publishing.

Why: an unchanged entry cost a folder, five links and, after the swap, their
removal by `rm -rf`. At 10,000 entries, checking 10,000 kept folders took 0.15 s
where making and linking them took 0.6 to 1.7 s and removing them 1.6 s more.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Iterable

from generator.facts.derive import IncidentFacts
from generator.outputs import urls
from generator.publication.staging import ENTRIES


class KeptFolders:
    """One build's view of the claimed kept folders of its site (or of its language's part)."""

    def __init__(self, kept_site: Path | None, cache_dir: Path | None):
        self.kept_site = kept_site
        #: ``incidents/`` of the kept site, when it can be taken over: a real folder on the
        #: output cache's file system (inode numbers compare only within one).
        self.source: Path | None = None
        self.names: frozenset[str] = frozenset()
        if kept_site is None or cache_dir is None:  # nothing to compare the kept files with
            return
        source = kept_site / ENTRIES
        try:
            if not stat.S_ISDIR(os.lstat(kept_site).st_mode):  # a language's part that is a link: never followed
                return
            status = os.lstat(source)
            if not stat.S_ISDIR(status.st_mode) or os.stat(cache_dir).st_dev != status.st_dev:
                return
            self.names = frozenset(os.listdir(source))
        except OSError:
            return
        self.source = source

    @property
    def trash(self) -> str:
        """Where folders taken out of the site go (removed with the rest of the kept site)."""
        assert self.kept_site is not None
        return os.path.join(self.kept_site, ".taken-out")

    def folders_ahead(self, site_dir: Path, slugs: Iterable[str]) -> tuple[Path, list[str]]:
        """Where the entries' folders are to be made ahead (folders.py), and which: in the
        kept site, those it lacks, as they will be taken over with it; else all, in the site."""
        folders = [urls.incident(slug)[:-1] for slug in slugs]
        if self.source is None:
            return site_dir, folders
        assert self.kept_site is not None
        return self.kept_site, [folder for folder in folders if folder.partition("/")[2] not in self.names]

    def take_over(self, site_dir: Path, entries: Iterable[IncidentFacts], made: frozenset[str]) -> tuple[frozenset[str], str | None]:
        """Move the kept ``incidents/`` into ``site_dir``, taking out every folder of it that
        no entry owns (by its slug or a former address). Returns the folders known to exist
        and, if it was moved, where to take out the folders that turn out changed; nothing is
        moved if ``site_dir`` has an ``incidents/`` already (a page of docs/, a theme's file)."""
        if self.source is None:
            return made, None
        target = site_dir / ENTRIES
        try:
            if os.path.lexists(target):
                return frozenset(), None  # the folders made ahead were made in the kept site
            os.rename(self.source, target)
        except OSError:
            return frozenset(), None
        os.makedirs(self.trash, exist_ok=True)
        owned = set()
        for facts in entries:
            owned.add(facts.slug)
            owned.update(facts.incident.aliases)
        for name in self.names.difference(owned):
            take_out(os.path.join(target, name), self.trash)
        return made, self.trash


def take_out(path: str, trash: str) -> None:
    """Move ``path`` (a folder or file in a taken-over ``incidents/``) into ``trash``."""
    try:
        os.rename(path, os.path.join(trash, f"{os.getpid()}-{os.path.basename(path)}"))
    except FileNotFoundError:
        pass
    except OSError:  # a name taken out once already in this process (cannot happen twice in a build)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


def same_files(folder: str, inodes: dict[str, int]) -> bool:
    """Whether ``folder`` is a real folder holding exactly these names, as these inodes
    (read from the folder's own listing: no stat per file)."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        with os.scandir(handle) as listing:
            found = {entry.name: entry.inode() for entry in listing}
    except OSError:
        return False
    finally:
        os.close(handle)
    return found == inodes
