"""What every output step makes: pages for the theme and plain files.

The leaf of the outputs: each output module (pages, feeds, JSON, badges,
cards...) returns these, and the assembly in :mod:`generator.outputs.site`
and the publication read them. It imports nothing of the outputs but
:mod:`urls`, so no output needs the hub that lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from generator.outputs import urls


@dataclass(frozen=True)
class GeneratedPage:
    """A page in the theme. Site-wide pages (PRODUCERS) go to mkdocs and sit in
    the navigation; entry pages and LaterPages are published outside it
    (generator/publish.py), in the same chrome.

    ``markdown`` holds only front matter, headings (so the table of contents
    works) and placeholder comments; ``fragments`` holds the HTML we already
    rendered, which the plugin puts back after mkdocs' Markdown step. Sending
    the HTML through Python-Markdown would only re-parse it, and that parse
    was the largest single cost of a build.
    """

    url: str
    markdown: str
    fragments: tuple[str, ...] = ()
    #: The Markdown source's name when it is not ``<url>index.md`` (see urls.source_of).
    source: str | None = None

    def fill(self, html: str) -> str:
        """Put the fragments back into the HTML mkdocs made of ``markdown``."""
        return _PLACEHOLDER.sub(lambda m: self.fragments[int(m.group(1))], html)

    @property
    def src_uri(self) -> str:
        return self.source or urls.source_of(self.url)


@dataclass(frozen=True)
class GeneratedFile:
    """A file written to the output as is: ``content``, or the file at ``source``.

    ``source`` lets large outputs that already exist on disk (cached card
    images) be linked or copied instead of held in memory.
    """

    path: str
    content: bytes = b""
    source: Path | None = None


@dataclass(frozen=True)
class LaterPage:
    """A page outside the navigation, rendered when ``make`` is called: the
    archive listings, which the publish step renders beside the entries
    (in several processes) rather than before them."""

    url: str
    make: Callable[[], GeneratedPage]
    #: The slugs of the entries whose facts the page shows; with ``shows``, all it depends on
    #: besides the site's configuration. `serve` makes the page again after a save only if one
    #: of these entries changed or ``shows`` did (generator/publication/republish.py).
    entries: tuple[str, ...] = ()
    #: What else the page shows, as a comparable value (its place among its pages, a status...).
    shows: tuple = ()

    @property
    def src_uri(self) -> str:
        return urls.source_of(self.url)


Output = GeneratedPage | GeneratedFile | LaterPage
_PLACEHOLDER = re.compile(r"<!-- frankly-fragment-(\d+) -->")
_HEADING = re.compile(r"^#{1,6} ", re.MULTILINE)


def split_fragments(text: str) -> tuple[str, tuple[str, ...]]:
    """Separate a rendered page into Markdown skeleton and HTML fragments.

    Our templates are front matter, then HTML blocks and Markdown headings
    separated by blank lines; every block that is not a heading (and not
    front matter) becomes a fragment.
    """
    front, body = "", text
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4) + 5
        front, body = text[:end], text[end:]
    skeleton, fragments = [], []
    for block in re.split(r"\n\s*\n", body):
        block = block.strip("\n")
        if not block.strip():
            continue
        if _HEADING.match(block) and "\n" not in block:
            skeleton.append(block)
        else:
            skeleton.append(f"<!-- frankly-fragment-{len(fragments)} -->")
            fragments.append(block)
    return front + "\n" + "\n\n".join(skeleton) + "\n", tuple(fragments)
