"""The site-wide outputs handed to mkdocs, each in place of a file of docs/ at its address.

mkdocs writes the site-wide pages of the navigation and the site-wide files
(the JSON, feeds, calendars, badges, embed) that on_files adds to its
``files``. A file of ``docs/`` that would be published at the same address
(``docs/api/v2/summary.json``, or ``docs/embed.md``, which mkdocs publishes at
``embed/index.html`` where Frankly's widget is) gives way, with a warning,
before mkdocs builds the navigation, the sitemap and the search index from
``files``: otherwise the two would overwrite each other in the order mkdocs
writes them, silently, and the page listed would not be the page served.
"""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from generator.outputs.files import GeneratedPage, Output

log = logging.getLogger("mkdocs.plugins.frankly")


class HandOver:
    """Frankly's site-wide outputs of one build, added to mkdocs' ``files``."""

    def __init__(self, files: Files, config: MkDocsConfig):
        self.files, self.config = files, config
        # What docs/ (and the theme) would publish, by address: looked up for every output.
        self._by_address = {file.dest_uri: file for file in files if not file.generated_by}

    def add(self, output: Output) -> None:
        """``output`` (a site-wide page of the navigation, or a file) added to ``files``."""
        if isinstance(output, GeneratedPage):
            file = File.generated(self.config, output.src_uri, content=output.markdown)
            what = "page"
        else:
            file = (
                File.generated(self.config, output.path, abs_src_path=str(output.source))
                if output.source is not None
                else File.generated(self.config, output.path, content=output.content)
            )
            what = "file"
        # The same source path (docs/index.md), or another one published at the same address
        # (docs/subscribe.md, from a site made before that page was generated; docs/embed.md).
        existing = self.files.get_file_from_path(file.src_uri) or self._by_address.get(file.dest_uri)
        if existing is not None:
            log.warning("docs/%s is replaced by the %s Frankly generates at that address", existing.src_uri, what)
            self.files.remove(existing)
            self._by_address.pop(existing.dest_uri, None)
        self.files.append(file)
