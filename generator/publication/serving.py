"""Publish step while serving: what `frankly serve` (and `mkdocs serve`) does on a save.

mkdocs' dev server runs the whole build after every change it notices. The
plugin hands it :class:`SaveBuilder` instead, which first looks at what was
saved: when nothing but incident files changed since the last whole build,
and they still validate, the save is republished in place
(generator/publication/republish.py), in every language; otherwise, and
whenever republishing cannot be trusted, mkdocs' own builder runs as before.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from watchdog.events import EVENT_TYPE_CLOSED_NO_WRITE, EVENT_TYPE_OPENED, FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.input.load import load_all
from generator.input.problems import InvalidInput
from generator.publication.republish import republish
from generator.publication.reports import one_line, write_report

#: The plugin (generator/publication/plugin.py), which imports this module: not imported back.
FranklyPlugin = Any

log = logging.getLogger("mkdocs.plugins.frankly")


def reported_while_serving(event):
    """While `frankly serve` rebuilds, an unexpected error in ``event`` becomes one
    logged line and a report file (reports.py) instead of the dev server's
    traceback; the server keeps serving the last good site. In a build it is
    raised as is: `frankly build` reports it the same way, `mkdocs build` shows it."""

    @functools.wraps(event)
    def wrapper(self, *args, **kwargs):
        try:
            return event(self, *args, **kwargs)
        except (PluginError, InvalidInput):
            raise
        except Exception as exc:
            if self.command != "serve" or os.environ.get("FRANKLY_DEBUG", "") not in ("", "0"):
                raise
            raise PluginError(one_line("serve", exc, write_report(exc, sys.argv))) from None

    return wrapper


Snapshot = dict[str, tuple[int, int]]


def snapshot(roots: list[Path], skip: Path) -> Snapshot:
    """(modification time, size) of every file under ``roots`` (files or folders), but not under ``skip``."""
    seen: Snapshot = {}
    for root in roots:
        if root.is_file():
            stat = root.stat()
            seen[str(root)] = (stat.st_mtime_ns, stat.st_size)
            continue
        for folder, subfolders, names in os.walk(root):
            if Path(folder) == skip:
                subfolders[:] = []
                continue
            for name in names:
                try:
                    stat = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                seen[os.path.join(folder, name)] = (stat.st_mtime_ns, stat.st_size)
    return seen


class SaveBuilder:
    """The dev server's builder: republishes a save of incident files alone, else runs ``build``."""

    def __init__(self, plugin: FranklyPlugin, build: Callable[[], None], watched: list[Path], incidents: Path):
        self.plugin, self.build = plugin, build
        self.watched, self.incidents = watched, incidents
        self.seen = snapshot(watched, incidents)

    def __call__(self) -> None:
        seen = snapshot(self.watched, self.incidents)
        if seen == self.seen and republish_saved(self.plugin):
            return
        self.seen = seen  # taken before the build reads the files: a save during it is noticed next time
        self.build()


def republish_saved(plugin: FranklyPlugin) -> bool:
    """Republish the incident files as they are now, in every language; False: run the whole build."""
    if plugin.served is None or plugin.mkdocs_config is None:
        return False
    started = time.perf_counter()
    try:
        catalog = load_all(plugin.paths(plugin.mkdocs_config))
    except InvalidInput:
        return False  # the whole build lists the problems and keeps showing the last good pages
    try:
        moment = plugin._judging_moment()
        if not all(republish(build, catalog, moment) for build in (plugin, *plugin.other_builds)):
            log.info("Frankly: this save changes more than its entries; rebuilding the whole site")
            return False
    except Exception as exc:  # the whole build gives it its usual report, if it happens again there
        log.warning("Frankly: republishing the save failed (%s: %s); rebuilding the whole site", type(exc).__name__, exc)
        plugin.served = None
        return False
    log.info("Frankly: the save republished in %.2f s", time.perf_counter() - started)
    return True


#: watchdog's events for a file opened, and closed without a write.
_READ_ONLY = frozenset({EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE})


class _Rebuild(FileSystemEventHandler):
    def __init__(self, server: LiveReloadServer):
        self.server = server

    def on_any_event(self, event: FileSystemEvent) -> None:
        # Reading a file is no change: the republishing opens the saved file, and the first
        # build every file, and each read rebuilt the site again (a second republish after
        # every save: at 10,000 entries, 0.8 s that held up the editor's next save).
        if event.is_directory or event.event_type in _READ_ONLY:
            return
        # What mkdocs' own watch callback does (mkdocs/livereload/__init__.py, 1.6.1 pinned).
        with self.server._rebuild_cond:
            self.server._want_rebuild = True
            self.server._rebuild_cond.notify_all()


def watch_natively(server: LiveReloadServer, folder: Path):
    """Watch ``folder`` with the system's file notifications (inotify on Linux); the observer,
    to stop at shutdown, or None where there are none (then mkdocs' watch is used instead).

    mkdocs' dev server polls every watched file twice a second: a save is noticed up to
    0.5 s late, and at 10,000 incident files each poll costs a share of a core that the
    republishing then lacks."""
    observer = Observer()
    try:
        observer.schedule(_Rebuild(server), str(folder), recursive=True)
        observer.start()
    except Exception as exc:  # no inotify, or its watch limit reached: mkdocs' polling works anywhere
        log.debug("Frankly: polling %s (%s)", folder, exc)
        return None
    return observer


def serve_saves(plugin: FranklyPlugin, server: LiveReloadServer, config, paths):
    """Have the dev server notice saves of incident files and site.yaml, and hand them to
    :class:`SaveBuilder`; the observer to stop at shutdown, if one of ours watches."""
    watcher = watch_natively(server, paths.incidents_dir)
    if watcher is None:
        server.watch(str(paths.incidents_dir))
    server.watch(str(paths.site_config.parent))
    watched = [Path(p) for p in (config.config_file_path, config.docs_dir, config.theme.custom_dir, *config.watch) if p]
    server.builder = SaveBuilder(plugin, server.builder, [*watched, paths.site_config.parent], paths.incidents_dir)
    return watcher
