"""The interface's words in the reader's language: gettext catalogs (Babel).

Every string Frankly writes for readers (page labels, feed titles, card and badge
words, posts, notify messages, the accountability sentences) is an English
msgid looked up in the catalog of the language being published:

- Frankly's own catalogs are ``generator/outputs/locales/<lang>/LC_MESSAGES/frankly.po``,
  made from ``frankly.pot`` (``make catalogs``: Babel extracts the templates and
  the Python sources, then updates each ``.po``).
- A site may add or override a language with ``site_config/locales/<lang>.po``
  (a copy of ``frankly.pot`` translated): no fork of Frankly needed. Its
  entries win over Frankly's; what it leaves out falls back to Frankly's, then
  to English.

Catalogs are compiled from the ``.po`` when first used in a process (Babel's
``read_po`` + ``write_mo``, ~30 ms), so there is no compiled file to forget to
rebuild. The language being published is a context variable set by the
publication (:func:`use`) for the build's duration: templates and Python code
read it through :func:`gettext` and :func:`ngettext`, and forked workers inherit it.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Iterator

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "frankly"
LOCALES = Path(__file__).parent / "locales"
TEMPLATE_CATALOG = LOCALES / f"{DOMAIN}.pot"
#: The language of the msgids: needs no catalog.
SOURCE_LANGUAGE = "en"


def catalog_file(language: str) -> Path:
    return LOCALES / _locale(language) / "LC_MESSAGES" / f"{DOMAIN}.po"


def _locale(language: str) -> str:
    return language.replace("-", "_")


def candidates(language: str) -> list[str]:
    """'fr_CA' -> ['fr_CA', 'fr']: the most specific catalog first."""
    code = _locale(language)
    base = code.split("_")[0]
    return [code, base] if base != code else [code]


@dataclass(frozen=True)
class Words:
    """One language's catalog: Frankly's merged with the site's own, if any."""

    language: str
    translations: _gettext.NullTranslations
    #: Where its entries came from, most specific first (for `frankly check`).
    sources: tuple[Path, ...]

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)


def _compiled(po_file: Path) -> Translations:
    with po_file.open("rb") as handle:
        catalog = read_po(handle, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def site_catalog_file(site_locales: Path, language: str) -> Path | None:
    for code in candidates(language):
        candidate = site_locales / f"{code}.po"
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=32)
def words_for(language: str, site_locales: Path | None = None) -> Words:
    """The catalog chain of ``language``: the site's .po, then Frankly's, then English."""
    chain: list[Path] = []
    if site_locales is not None:
        own = site_catalog_file(site_locales, language)
        if own is not None:
            chain.append(own)
    chain += [catalog_file(code) for code in candidates(language) if catalog_file(code).is_file()]
    if not chain:
        return Words(language, _gettext.NullTranslations(), ())
    first = _compiled(chain[0])
    for more in chain[1:]:
        first.add_fallback(_compiled(more))
    return Words(language, first, tuple(chain))


ENGLISH = Words(SOURCE_LANGUAGE, _gettext.NullTranslations(), ())
_active: ContextVar[Words] = ContextVar("frankly_words", default=ENGLISH)


@contextlib.contextmanager
def use(language: str, site_locales: Path | None = None) -> Iterator[Words]:
    """Publish in ``language`` inside this block (the previous language after it)."""
    token = _active.set(words_for(language, site_locales))
    try:
        yield _active.get()
    finally:
        _active.reset(token)


def activate(language: str, site_locales: Path | None = None) -> Words:
    """Publish in ``language`` from now on in this thread (a build's whole run)."""
    words = words_for(language, site_locales)
    _active.set(words)
    return words


def active() -> Words:
    return _active.get()


def gettext(message: str) -> str:
    """``message`` (an English msgid) in the language being published."""
    return _active.get().translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``n`` in the language being published ('1 entry', '2 entrées')."""
    return _active.get().translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in a context, for an English word with two translations."""
    return _active.get().translations.pgettext(context, message)


def N_(message: str) -> str:
    """Marks a msgid for extraction where it is declared (a table of words); translated where used."""
    return message


_ = gettext


def language_name(language: str, in_language: str | None = None, sentence: bool = False) -> str:
    """'fr' -> 'Français' (in its own language by default), 'English' for 'en' in 'en';
    ``sentence``: as written inside a sentence ('anglais' in French, 'English' in English)."""
    locale = Locale.parse(_locale(language))
    name = locale.get_display_name(_locale(in_language) if in_language else locale) or language
    return name if sentence else name[:1].upper() + name[1:]
