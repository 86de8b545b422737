"""Frankly's message catalogs made from its sources (`make catalogs`, part of `make golden`).

``python -m generator.outputs.catalogs`` extracts every msgid of the templates
and the Python code (Babel, with Jinja2's extractor) into ``locales/frankly.pot``
and brings each ``locales/<lang>/LC_MESSAGES/frankly.po`` up to it: new msgids
are added untranslated, gone ones dropped, translations kept. The files are
written sorted and without source locations, so a change of code moves no
line of a catalog and two branches adding words merge cleanly.
tests/test_catalogs.py checks the committed files are what this writes, and
that every catalog translates every msgid.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from generator.outputs.i18n import DOMAIN, LOCALES, TEMPLATE_CATALOG, candidates, catalog_file

PACKAGE = Path(__file__).parents[1]
#: The Jinja environment's options that change what a {% trans %} block's msgid is
#: (generator/outputs/templating.py): the extractor must parse templates the same way.
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true",
                 "keep_trailing_newline": "true", "newstyle_gettext": "true", "trimmed": "true"}
METHODS = [("outputs/templates/**.j2", "jinja2"), ("**.py", "python")]
#: Fixed dates in the headers: same sources, same bytes.
STAMP = datetime(2026, 1, 1, tzinfo=timezone.utc)
#: Comments "# Translators: ..." above a msgid reach the catalog.
COMMENT_TAGS = ("Translators:",)
HEADER = ("# The words of Frankly's interface (generator/outputs/i18n.py).\n"
          "# Translate each msgstr; `make catalogs` adds new msgids and drops gone ones.\n#")


def _stamped(catalog: Catalog) -> Catalog:
    """The header fields that would otherwise say a date, a placeholder name or address."""
    catalog.header_comment = HEADER
    catalog.creation_date = catalog.revision_date = STAMP
    catalog.version = "1"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "Frankly"
    catalog.language_team = f"{catalog.locale} (Frankly)" if catalog.locale else "Frankly"
    catalog.fuzzy = False
    return catalog


def extract() -> Catalog:
    """Every msgid in Frankly's sources, as a template catalog."""
    catalog = _stamped(Catalog(project="Frankly", domain=DOMAIN, charset="utf-8"))
    options = {"outputs/templates/**.j2": JINJA_OPTIONS}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), METHODS, options, DEFAULT_KEYWORDS, COMMENT_TAGS, strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def render(catalog: Catalog) -> bytes:
    out = BytesIO()
    write_po(out, catalog, width=100, no_location=True, sort_output=True, ignore_obsolete=True,
             include_previous=False)
    return out.getvalue()


def updated(language: str, template: Catalog) -> Catalog:
    """The catalog of ``language`` brought up to ``template``, its translations kept."""
    path = catalog_file(language)
    if path.is_file():
        catalog = read(path, language)
    else:
        catalog = Catalog(locale=language, domain=DOMAIN, project="Frankly", charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    return _stamped(catalog)


def untranslated(catalog: Catalog) -> list[str]:
    """The msgids ``catalog`` leaves untranslated (or fuzzy): what falls back to English."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(forms) or (message.pluralizable and len(forms) < catalog.num_plurals):
            missing.append(message.id[0] if isinstance(message.id, tuple) else message.id)
    return missing


def read(path: Path, language: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def site_catalog(language: str, existing: Path | None) -> tuple[bytes, int, int]:
    """A site's own catalog of ``language`` (site_config/locales/<lang>.po): every msgid of
    this Frankly, the site's translations kept, Frankly's own filled in where it has the
    language (so the company edits words instead of starting from nothing). Returns the
    bytes, the msgids and how many are still untranslated."""
    from babel import Locale

    Locale.parse(language.replace("-", "_"))  # an unknown language raises ValueError, said by the command
    template = read(TEMPLATE_CATALOG, "en")
    catalog = read(existing, language) if existing is not None and existing.is_file() else \
        Catalog(locale=language, domain=DOMAIN, project="Frankly", charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    own = [catalog_file(code) for code in candidates(language)]
    frankly = next((read(path, language) for path in own if path.is_file()), None)
    if frankly is not None:
        for message in catalog:
            if message.id and not any(message.string if isinstance(message.string, tuple) else (message.string,)):
                theirs = frankly.get(message.id, message.context)
                if theirs is not None and theirs.string and not theirs.fuzzy:
                    message.string = theirs.string
    catalog = _stamped(catalog)
    return render(catalog), len(template), len(untranslated(catalog))


def languages() -> list[str]:
    return sorted(p.name for p in LOCALES.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())


def main(argv: list[str]) -> int:
    template = extract()
    TEMPLATE_CATALOG.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE_CATALOG.write_bytes(render(template))
    for language in argv or languages():
        path = catalog_file(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render(updated(language, template)))
        print(f"{path.relative_to(PACKAGE.parent)}: {len(template)} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
