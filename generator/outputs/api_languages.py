"""The Statuspage-shaped JSON of a site in several languages: one document, in the
default language (clients expect one), with each object's texts in the other
languages under its ``frankly.translations`` (issue 17)."""

from __future__ import annotations

from typing import Any

from generator.outputs.editions import prefix_of
from generator.outputs.markup import paragraphs, render_markdown


def translations_of(root_base: str, other_languages: tuple[str, ...], obj: Any, keys: dict[str, str],
                    markdown: frozenset[str] = frozenset(), url: str | None = None) -> dict:
    """``{"translations": {lang: ...}}`` for a site of several languages, else nothing (so a
    one-language site's JSON stays as it was): what the editors wrote of ``obj`` in each
    other language, under the JSON keys of ``keys``, Markdown also as ``<key>_html``; and
    with ``url`` the address of its page in that language. Missing texts are left out:
    the default language's field is the fallback, as the pages show it."""
    if not other_languages:
        return {}
    found = {}
    for language in other_languages:
        given = (getattr(obj, "translations", None) or {}).get(language)
        entry: dict[str, Any] = {} if url is None else {"url": root_base + prefix_of(language) + url}
        for field, key in keys.items():
            value = getattr(given, field, None) if given is not None else None
            if value is not None:
                entry[key] = value
                if field in markdown:
                    entry[key + "_html"] = str(render_markdown(value))
        found[language] = entry
    return {"translations": found}


def update_translations(root_base: str, other_languages: tuple[str, ...], update: Any, page_url: str) -> dict:
    """An update's message in the other languages, shaped as its default one is: plain
    ``body``, ``body_markdown``, ``body_html``; ``url`` with the update's anchor."""
    found = translations_of(root_base, other_languages, update, {"message": "body_markdown"}, url=page_url)
    for entry in found.get("translations", {}).values():
        entry["url"] += "#" + update.anchor
        if "body_markdown" in entry:
            entry["body"] = "\n\n".join(paragraphs(entry["body_markdown"]))
            entry["body_html"] = str(render_markdown(entry["body_markdown"]))
    return found
