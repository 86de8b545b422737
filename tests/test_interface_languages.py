"""A site in a language Frankly has no catalog for: `frankly check` says so at the
language's line, `frankly catalog LANG` writes the site's own catalog, and its
words then win (generator/checks/interface.py, generator/cli/catalog.py)."""

from __future__ import annotations

from babel.messages.pofile import read_po

from conftest import invoke
from generator.outputs import i18n
from generator.outputs.words import label


def _set_language(project, language: str) -> None:
    config = project / "site_config" / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", f"language: {language}"), encoding="utf-8")


def test_english_and_french_sites_get_no_interface_warning(project):
    result = invoke(project, "check")
    assert "catalog" not in result.output
    _set_language(project, "fr")
    assert "catalog" not in invoke(project, "check").output


def test_a_language_without_catalog_is_named_at_its_line(project):
    _set_language(project, "de")
    result = invoke(project, "check")
    line = next(line for line in result.output.splitlines() if "no catalog" in line)
    assert line.startswith("site_config/site.yaml:5:11: warning: Frankly has no catalog for German (de)")
    assert "frankly catalog de" in line
    assert invoke(project, "check", "--strict").exit_code == 1


def test_frankly_catalog_writes_every_word_and_keeps_translations(project):
    _set_language(project, "de")
    result = invoke(project, "catalog", "de")
    assert result.exit_code == 0, result.output
    po = project / "site_config" / "locales" / "de.po"
    catalog = read_po(po.open("rb"), locale="de")
    template = read_po(i18n.TEMPLATE_CATALOG.open("rb"))
    assert {m.id for m in catalog if m.id} == {m.id for m in template if m.id}
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"  # German's, from babel
    # The editor translates one word: check now counts the rest, by name.
    text = po.read_text(encoding="utf-8").replace('msgid "Partial outage"\nmsgstr ""', 'msgid "Partial outage"\nmsgstr "Teilausfall"')
    po.write_text(text, encoding="utf-8")
    warning = next(line for line in invoke(project, "check").output.splitlines() if "interface words" in line)
    assert f"{len(template) - 1} of {len(template)} interface words have no German (de) translation" in warning
    assert "'Partial outage'" not in warning
    # Run again (after an upgrade of Frankly): the translation is kept.
    assert invoke(project, "catalog", "de").exit_code == 0
    assert 'msgstr "Teilausfall"' in po.read_text(encoding="utf-8")
    i18n.words_for.cache_clear()
    with i18n.use("de", project / "site_config" / "locales"):
        assert label("partial_outage") == "Teilausfall"
        assert label("major_outage") == "Major outage"  # untranslated: English
    i18n.words_for.cache_clear()


def test_frankly_catalog_of_a_language_frankly_has_starts_from_its_words(project):
    assert invoke(project, "catalog", "fr").exit_code == 0
    text = (project / "site_config" / "locales" / "fr.po").read_text(encoding="utf-8")
    assert 'msgid "Partial outage"\nmsgstr "Panne partielle"' in text


def test_frankly_catalog_refuses_an_unknown_language(project):
    result = invoke(project, "catalog", "xx-yy")
    assert result.exit_code == 1
    assert "'xx-yy' is not a language Frankly knows" in result.output
    assert not (project / "site_config" / "locales").exists()
