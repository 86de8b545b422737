"""The site-wide outputs handed to mkdocs, and the files among them rendered ahead.

mkdocs writes the site-wide pages of the navigation and, unless they are
rendered ahead, the site-wide files (:func:`hand_to_mkdocs`); a file or page
of ``docs/`` at the same address gives way to Frankly's, with a warning.

Rendered ahead: a build that reuses every entry's files spent ~0.9 s of on_files at 10,000
entries rendering the site-wide outputs on one core: the JSON, feeds and
calendars were more than half of it, while the other core had made the
entries' folders and was waiting. mkdocs needs the navigation's pages from
on_files on, but those files (generator.outputs.site.FILES_ONLY) only once
they are written. So a forked process renders them into a folder of its own
in ``site_dir`` meanwhile, and on_post_build moves each to its address. That
is after mkdocs has copied ``docs/``, so a file of docs/ at the same address is
replaced by Frankly's, as when they are rendered in this process.

Only for builds published by several processes (publish.processes): forking
beside the dev server's threads is unsafe, and `serve` keeps every output to
republish a save in place (republish.py). The bytes are the same either way
(tests/test_publish.py).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from generator.outputs import markup
from generator.outputs.files import GeneratedPage, Output
from generator.outputs.site import render_site_files
from generator.workers import Forked

if TYPE_CHECKING:
    from generator.outputs.templating import Renderer

log = logging.getLogger("mkdocs.plugins.frankly")

#: The folder, in site_dir, the files are rendered into. Without a leading dot, so that
#: mkdocs' cleaning of site_dir removes one a killed build left behind.
FOLDER = "frankly-site-files-"


class SiteFilesAhead:
    """The site-wide files of one build, being rendered by a forked process."""

    def __init__(self, renderer: "Renderer", site_dir: Path):
        self.folder = site_dir / f"{FOLDER}{os.getpid()}"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        folder = self.folder
        self._forked: Forked[list[str]] | None = Forked(lambda: _render_into(renderer, folder))

    def place(self, site_dir: Path) -> list[str]:
        """Wait for the files, move each to its address in ``site_dir`` (replacing what is
        there); their site paths, in the order rendered. Raises the process's failure."""
        assert self._forked is not None
        forked, self._forked = self._forked, None
        try:
            paths = forked.result()
            made: set[str] = set()
            for path in paths:
                folder = os.path.dirname(path)
                if folder and folder not in made:
                    os.makedirs(site_dir / folder, exist_ok=True)
                    made.add(folder)
                os.replace(self.folder / path, site_dir / path)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
        log.info("Frankly: %d site-wide files rendered by another process meanwhile", len(paths))
        return paths

    def cancel(self) -> None:
        """The build failed: stop the process and remove what it wrote."""
        if self._forked is not None:
            self._forked.cancel()
            self._forked = None
        shutil.rmtree(self.folder, ignore_errors=True)


def _render_into(renderer: "Renderer", folder: Path) -> list[str]:
    """In the forked process: every site-wide file written below ``folder``; their site paths."""
    paths: list[str] = []
    made: set[Path] = set()
    for output in render_site_files(renderer):
        target = folder / output.path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if output.source is None:
            target.write_bytes(output.content)
        else:
            shutil.copyfile(output.source, target)  # as mkdocs copies a generated file's source
        paths.append(output.path)
    markup.flush_cache()  # the texts this process rendered, for the next build
    return list(dict.fromkeys(paths))


def hand_to_mkdocs(files: Files, config: MkDocsConfig, output: Output) -> None:
    """``output`` (a site-wide page of the navigation, or a file) added to mkdocs' ``files``,
    in place of a file of docs/ at the same address."""
    if isinstance(output, GeneratedPage):
        path = output.src_uri
        file = File.generated(config, path, content=output.markdown)
    else:
        path = output.path
        file = (
            File.generated(config, path, abs_src_path=str(output.source))
            if output.source is not None
            else File.generated(config, path, content=output.content)
        )
    existing = files.get_file_from_path(path)
    if existing is None and isinstance(output, GeneratedPage):
        # docs/subscribe.md is published at subscribe/ too (a site made before that page was generated)
        existing = next((f for f in files if f.dest_uri == file.dest_uri and not f.generated_by), None)
    if existing is not None:
        _give_way(files, existing, "page" if isinstance(output, GeneratedPage) else "file")
    files.append(file)


def give_way_to_placed(files: Files, paths: list[str]) -> None:
    """The files of docs/ at the addresses of files rendered ahead, which replaced them."""
    for path in paths:
        existing = files.get_file_from_path(path)
        if existing is not None:
            _give_way(files, existing, "file")


def _give_way(files: Files, existing: File, what: str) -> None:
    log.warning("docs/%s is replaced by the %s Frankly generates at that address", existing.src_uri, what)
    files.remove(existing)
