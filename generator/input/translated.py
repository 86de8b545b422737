"""The format of text in several languages: the ``translations:`` mappings.

Every object with free text keeps that text, in the site's default language
(the first of ``languages:`` in site.yaml), in its own fields; the other
languages go under its optional ``translations:`` mapping, language code ->
the same text fields, each optional. A one-language file is unchanged.

The models here are those mappings' values; :class:`Translatable` is the base
of every model that has them (its ``untranslated`` names the fields a
localized copy shows in the default language, see
:mod:`generator.input.translations`).
"""

from __future__ import annotations

from typing import Any, Iterator

from pydantic import Field

from generator.input.strict import StrictModel
from generator.input.values import Markdown, OneLineText, OptionalLine, Text

_NOTHING: frozenset[str] = frozenset()
#: The key of a localized copy's fallbacks in its ``__dict__`` (beside cached
#: properties' values): not a field, so model_dump, JSON and FORMAT.md never see it.
UNTRANSLATED_KEY = "_frankly_untranslated"


class Translatable(StrictModel):
    """A model with text that may be given in other languages under ``translations:``."""

    @property
    def untranslated(self) -> frozenset[str]:
        """The names of this object's own text fields shown in the default language
        because the language it was localized to had none; empty on the objects
        as read (the default language) and when everything was translated."""
        return self.__dict__.get(UNTRANSLATED_KEY, _NOTHING)


def _one_line(what: str) -> Any:
    return Field(None, description=f"{what} in this language (one line).")


def _markdown(what: str) -> Any:
    return Field(None, description=f"{what} in this language (Markdown).")


class IncidentText(StrictModel):
    title: OneLineText | None = _one_line("The title")
    summary: Markdown | None = _markdown("The summary")


class UpdateText(StrictModel):
    message: Markdown | None = _markdown("The message")


class ApologyText(StrictModel):
    statement: Markdown | None = _markdown("The statement")
    role: OneLineText | None = _one_line("The role of the person who apologises (their name is not translated)")


class CompensationText(StrictModel):
    offer: Markdown | None = _markdown("What is offered")
    eligible: Markdown | None = _markdown("Who is eligible")
    how_to_claim: Markdown | None = _markdown("How to claim it")


class PostmortemText(StrictModel):
    root_cause: Markdown | None = _markdown("Why it happened")
    changes: Markdown | None = _markdown("What changes")


class ActionItemText(StrictModel):
    title: OneLineText | None = _one_line("What will change")


class SiteText(StrictModel):
    name: OneLineText | None = _one_line("The site's name")
    company: OneLineText | None = _one_line("The company's name")


class ContactText(StrictModel):
    label: OneLineText | None = _one_line("The link text")


class ComponentText(StrictModel):
    name: OneLineText | None = _one_line("The name shown to customers")
    description: Text | None = Field(None, description="The sentence on what this component is, in this language.")
    group: OptionalLine | None = Field(
        None, description="The group's name in this language; give it alike on every component of the group."
    )


def translations_field(model: type[StrictModel], what: str) -> Any:
    """The ``translations:`` field of a model whose text fields are those of ``model``."""
    keys = ", ".join(f"`{name}`" for name in model.model_fields)
    return Field(
        None,
        description=f"The {what}'s text in the site's other languages: language code (one of site.yaml's `languages:` "
        f"but the first) -> any of {keys}. What is left out is shown in the default language with a "
        "'not yet translated' note (see Languages below).",
    )


def text_fields(obj: Any) -> tuple[str, ...]:
    """The names of the text fields ``obj``'s translations may hold."""
    return _TEXT_FIELDS[type(obj).__name__]


def default_text(obj: Any, name: str) -> str | None:
    """The text of field ``name`` of ``obj`` in the default language ('role' is the apology's ``by.role``)."""
    if name == "role" and type(obj).__name__ == "Apology":
        return obj.by.role
    return getattr(obj, name)


def places(incident: Any) -> Iterator[tuple[tuple, Any, str]]:
    """Every object of an entry that has text: (its path in the file, the object, what editors call it)."""
    yield (), incident, "entry"
    for index, update in enumerate(incident.updates):
        yield ("updates", index), update, "update"
    for key in ("apology", "compensation"):
        if getattr(incident, key) is not None:
            yield (key,), getattr(incident, key), key
    if incident.postmortem is not None:
        yield ("postmortem",), incident.postmortem, "postmortem"
        for index, item in enumerate(incident.postmortem.action_items):
            yield ("postmortem", "action_items", index), item, "action item"


def site_places(site: Any) -> Iterator[tuple[tuple, Any, str]]:
    """The objects of site.yaml that have text, with their paths."""
    yield (), site, "site"
    if site.contact is not None:
        yield ("contact",), site.contact, "contact"
    for index, component in enumerate(site.components):
        yield ("components", index), component, f"component '{component.id}'"


#: The model of each translatable model's ``translations:`` values, by its class name.
TEXT_MODELS: dict[str, type[StrictModel]] = {
    "Incident": IncidentText, "Update": UpdateText, "Apology": ApologyText, "Compensation": CompensationText,
    "Postmortem": PostmortemText, "ActionItem": ActionItemText, "Site": SiteText, "Contact": ContactText,
    "Component": ComponentText,
}
_TEXT_FIELDS: dict[str, tuple[str, ...]] = {name: tuple(model.model_fields) for name, model in TEXT_MODELS.items()}
