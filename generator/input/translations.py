"""A catalog in one of the site's languages: :func:`localize`.

Pure and cheap: each object that has text is copied shallowly
(``model_copy(update=...)``, no validation: the values were validated) with
its text fields in the language asked for, falling back to the default text,
and the names of the fields that fell back recorded as its ``untranslated``.
Objects without text (windows, links, ...) are shared with the original;
identities (slugs, update anchors, times) never depend on the language.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from generator.input.load import Catalog
from generator.input.model import Incident, Site
from generator.input.translated import UNTRANSLATED_KEY, text_fields

_NOTHING: frozenset[str] = frozenset()


def localize(catalog: Catalog, language: str) -> Catalog:
    """``catalog`` with its site's and entries' texts in ``language`` where given,
    the default language's otherwise; the catalog itself for the default language."""
    if language == catalog.site.language:
        return catalog
    if language not in catalog.site.languages:
        raise ValueError(f"'{language}' is not one of the site's languages ({', '.join(catalog.site.languages)})")
    return dataclasses.replace(
        catalog, site=localize_site(catalog.site, language),
        incidents=tuple(localize_incident(incident, language) for incident in catalog.incidents),
    )


def localize_site(site: Site, language: str) -> Site:
    update: dict[str, Any] = {"components": [_localized(component, language) for component in site.components]}
    if site.contact is not None:
        update["contact"] = _localized(site.contact, language)
    return _localized(site, language, update)


def localize_incident(incident: Incident, language: str) -> Incident:
    update: dict[str, Any] = {"updates": [_localized(u, language) for u in incident.updates]}
    for key in ("apology", "compensation"):
        part = getattr(incident, key)
        if part is not None:
            update[key] = _localized(part, language)
    postmortem = incident.postmortem
    if postmortem is not None:
        items = {"action_items": [_localized(item, language) for item in postmortem.action_items]}
        update["postmortem"] = _localized(postmortem, language, items)
    return _localized(incident, language, update)


def _localized(obj: Any, language: str, update: dict[str, Any] | None = None) -> Any:
    """A shallow copy of ``obj`` with its text fields in ``language`` (plus ``update``)."""
    update = dict(update or ())
    given = (obj.translations or {}).get(language)
    missing = []
    for name in text_fields(obj):
        text = getattr(given, name) if given is not None else None
        if text is None:
            default = obj.by.role if name == "role" else getattr(obj, name)
            if default:  # an empty description or no group is nothing to translate
                missing.append(name)
        elif name == "role":
            update["by"] = obj.by.model_copy(update={"role": text})
        else:
            update[name] = text
    copy = obj.model_copy(update=update)
    # Not a field: model_dump, JSON and FORMAT.md never see it (Translatable.untranslated reads it).
    copy.__dict__[UNTRANSLATED_KEY] = frozenset(missing) if missing else _NOTHING
    return copy
