"""The interface catalogs (generator/outputs/i18n.py, catalogs.py): every string
Frankly writes for readers is in them, French translates every one, and the
words come out in the language being published."""

from __future__ import annotations

import typing
from datetime import timedelta

import pytest

from generator.input.values import LIFECYCLE, Channel, ComponentStatus, Impact, Kind
from generator.outputs import catalogs, i18n
from generator.outputs.timefmt import format_duration
from generator.outputs.words import WORDS, label

#: Languages whose catalogs must be complete (the issue's promise: English and French).
COMPLETE = ["fr"]


@pytest.fixture(scope="module")
def extracted():
    return catalogs.extract()


def test_the_committed_template_is_what_the_sources_say(extracted):
    """A msgid added to a template or the code without `make catalogs` fails here."""
    assert i18n.TEMPLATE_CATALOG.read_bytes() == catalogs.render(extracted), \
        "generator/outputs/locales/frankly.pot is out of date: run `make catalogs` and translate the new msgids"


@pytest.mark.parametrize("language", catalogs.languages())
def test_each_catalog_is_up_to_date_with_the_sources(extracted, language):
    committed = i18n.catalog_file(language).read_bytes()
    assert committed == catalogs.render(catalogs.updated(language, extracted)), \
        f"the {language} catalog lacks msgids of the sources or keeps gone ones: run `make catalogs`"


@pytest.mark.parametrize("language", COMPLETE)
def test_complete_catalogs_translate_every_msgid(extracted, language):
    catalog = catalogs.read(i18n.catalog_file(language), language)
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id} == \
        {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    assert catalogs.untranslated(catalog) == []


@pytest.mark.parametrize("language", catalogs.languages())
def test_translations_keep_their_placeholders(language):
    """'%(count)d entries' translated without %(count)d would raise while rendering, or lie."""
    catalog = catalogs.read(i18n.catalog_file(language), language)
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert problems == []


def test_a_catalog_missing_one_translation_is_found(tmp_path):
    """What the completeness test relies on: one emptied msgstr is reported, by its msgid."""
    text = i18n.catalog_file("fr").read_text(encoding="utf-8")
    emptied = text.replace('msgid "Partial outage"\nmsgstr "Panne partielle"', 'msgid "Partial outage"\nmsgstr ""')
    assert emptied != text
    copy = tmp_path / "fr.po"
    copy.write_text(emptied, encoding="utf-8")
    assert catalogs.untranslated(catalogs.read(copy, "fr")) == ["Partial outage"]


def test_every_value_of_the_vocabulary_has_words():
    values = {k.value for k in Kind} | {i.value for i in Impact} | {s.value for s in ComponentStatus}
    values |= {status for statuses in LIFECYCLE.values() for status in statuses}
    values |= set(typing.get_args(Channel))
    assert values - set(WORDS) == set()


def test_words_follow_the_language_being_published():
    assert label("partial_outage") == "Partial outage"
    assert format_duration(timedelta(days=2, hours=2, minutes=20)) == "2 d 2 h 20 min"
    with i18n.use("fr"):
        assert label("partial_outage") == "Panne partielle"
        assert format_duration(timedelta(days=2, hours=2, minutes=20)) == "2 j 2 h 20 min"
        with i18n.use("fr-CA"):  # a regional variant falls back to its language's catalog
            assert label("major_outage") == "Panne majeure"
    assert label("partial_outage") == "Partial outage"


def test_a_language_without_catalog_speaks_english():
    with i18n.use("sw"):
        assert i18n.active().sources == ()
        assert label("partial_outage") == "Partial outage"


def test_a_site_catalog_overrides_and_extends_frankly(tmp_path):
    """site_config/locales/<lang>.po: a company adds a language, or its own words, without a fork."""
    (tmp_path / "fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n"Language: fr\\n"\n\n'
        'msgid "Partial outage"\nmsgstr "Perturbation partielle"\n', encoding="utf-8")
    with i18n.use("fr", tmp_path):
        assert label("partial_outage") == "Perturbation partielle"  # the site's word wins
        assert label("major_outage") == "Panne majeure"  # the rest is Frankly's
        assert i18n.active().sources[0] == tmp_path / "fr.po"


def test_templates_render_in_the_active_language():
    from generator.outputs.templating import TEMPLATES

    template = TEMPLATES.from_string('{% trans count=n %}{{ count }} entry{% pluralize %}{{ count }} entries{% endtrans %}'
                                     ' · {{ _("Partial outage") }}')
    assert template.render(n=2) == "2 entries · Partial outage"
    with i18n.use("fr"):
        assert template.render(n=1) == "1 événement · Panne partielle"
        assert template.render(n=2) == "2 événements · Panne partielle"  # the plural form of the catalog's language
    template = TEMPLATES.from_string('{% trans count=n %}{{ count }} thing{% pluralize %}{{ count }} things{% endtrans %}')
    with i18n.use("fr"):
        assert template.render(n=2) == "2 things"  # no catalog entry: English


def test_language_names_are_in_their_own_language():
    assert i18n.language_name("fr") == "Français"
    assert i18n.language_name("en") == "English"
    assert i18n.language_name("de", "en") == "German"


def test_a_word_of_a_constant_is_said_in_the_language_of_each_render():
    """Jinja folds filters on constants while compiling: a template compiled during an English
    build must still say the word in French in the French build (and in its bytecode cache)."""
    from generator.outputs.templating import TEMPLATES

    template = TEMPLATES.from_string('{{ "all-time" | label }} · {{ "partial_outage" | label }} · {{ "major" | impact }}')
    assert template.render() == "All time · Partial outage · Major impact"
    with i18n.use("fr"):
        assert template.render() == "Depuis le début · Panne partielle · Impact majeur"
    code = TEMPLATES.compile('{{ "all-time" | label }}', raw=True)
    assert "All time" not in code  # nothing was folded into the compiled code
