"""A site in several languages: one *edition* per language, each a whole site.

The default language (the first of site.yaml's ``languages:``) is published at
the site's root, at the addresses it always had; every other language is the
same site under ``/<lang>/`` (``/en/incidents/<slug>/``), so a page's
counterpart in another language is found by its prefix alone. What is
language-independent stays single: the Statuspage-shaped JSON (clients expect
one language; the translations ride in its ``frankly`` extension) lives only at
the root, and identities — feed item ids, calendar UIDs, update anchors — are
made from the root address, so an update is the same update in every language.

A one-language site has one edition, whose every address and byte is what it
was before editions existed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from generator.input.load import Catalog
from generator.input.model import Site
from generator.input.translations import localize
from generator.outputs import urls


def prefix_of(language: str) -> str:
    """The folder of a non-default edition: 'en/', 'fr-ca/' (lowercase, as URLs are compared)."""
    return language.lower().replace("_", "-") + "/"


@dataclass(frozen=True)
class Edition:
    language: str
    languages: tuple[str, ...]  # the site's, the default first
    root_base: str  # the site's base_url, with its trailing slash

    @property
    def default(self) -> str:
        return self.languages[0]

    @property
    def is_default(self) -> bool:
        return self.language == self.default

    @property
    def several(self) -> bool:
        return len(self.languages) > 1

    def prefix(self, language: str | None = None) -> str:
        language = self.language if language is None else language
        return "" if language == self.default else prefix_of(language)

    @property
    def base(self) -> str:
        """This edition's public address."""
        return self.root_base + self.prefix()

    def root_url(self, url: str) -> str:
        """A site-relative ``url`` of this edition as a path from the site's root."""
        return self.prefix() + url

    def counterparts(self, url: str) -> list[tuple[str, str]]:
        """(language, site-relative url from the root) of this page in every edition."""
        return [(language, self.prefix(language) + url) for language in self.languages]

    def href(self, here: str, to: str) -> str:
        """Link from ``here`` (in this edition) to ``to``: in this edition, except the root-only addresses."""
        if self.is_default or not is_root_only(to):
            return urls.relative(here, to)
        return urls.relative(self.root_url(here), to)

    def absolute(self, url: str) -> str:
        """Public address of ``url``: this edition's, or the root's for a root-only address."""
        return (self.root_base if is_root_only(url) else self.base) + url

    def identity(self, url: str) -> str:
        """The language-independent absolute address that names a thing (feed item ids, calendar UIDs)."""
        return self.root_base + url


def is_root_only(url: str) -> bool:
    """The Statuspage-shaped JSON: one language, at the root only."""
    return url.startswith(urls.API) or (url.startswith("incidents/") and url.endswith("/index.json"))


def edition_of(site: Site, language: str | None = None) -> Edition:
    """The edition of ``language`` (default: the site's default language)."""
    return Edition(language or site.languages[0], tuple(site.languages), site.base)


def localized(catalog: Catalog, edition: Edition) -> Catalog:
    """The input as ``edition``'s readers get it: its language's text, its address."""
    if edition.is_default:
        return catalog
    catalog = localize(catalog, edition.language)
    site = catalog.site.model_copy(update={"base_url": edition.base, "language": edition.language})
    return replace(catalog, site=site)


def single(language: str, root_base: str) -> Edition:
    return Edition(language, (language,), root_base)
