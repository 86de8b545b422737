"""Text in several languages, the input side: site.yaml's languages, translations: in
every text object, localize(), `frankly check`'s warnings and the editing commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import GOOD_INCIDENT, _chdir, invoke, write_incident
from generator.checks.translations import warnings as translation_warnings
from generator.cli import main
from generator.input.load import ProjectPaths, load_all
from generator.input.problems import InvalidInput
from generator.input.translations import localize

F = "incidents/2026-05-01-x.yaml"
SITE = "site_config/site.yaml"

TRANSLATED = """\
kind: incident
title: Broken thing
summary: Something broke.
translations:
  fr:
    title: Chose cassée
impact: minor
components:
  api: partial_outage
updates:
  - at: 2026-05-01T10:00:00+00:00
    status: investigating
    message: Looking.
    translations:
      fr:
        message: On regarde.
  - at: 2026-05-01T10:00:00+00:00
    status: identified
    message: Found it.
  - at: 2026-05-01T11:00:00+00:00
    status: resolved
    message: Fixed.
apology:
  at: 2026-05-01T12:00:00+00:00
  by:
    name: Maria Okafor
    role: Chief Executive Officer
  statement: I am sorry.
  translations:
    fr:
      role: Directrice générale
"""


def site_with(root: Path, languages: str | None = "languages: [en, fr]") -> None:
    site = root / SITE
    text = site.read_text().replace("language: en\n", "" if languages is None else languages + "\n")
    site.write_text(text)


def only(root: Path, text: str, name: str = "2026-05-01-x.yaml") -> Path:
    for old in (root / "incidents").iterdir():
        old.unlink()
    return write_incident(root, name, text)


def problems(root: Path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        load_all(ProjectPaths.at(root))
    return [str(p) for p in caught.value.problems.sorted()]


def frankly(root: Path, *args: str):
    with _chdir(root):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)


# ---------------------------------------------------------------- site.yaml: languages


def test_one_language_site_is_as_before(project):
    site = load_all(ProjectPaths.at(project)).site
    assert (site.language, site.languages, site.translations) == ("en", ("en",), None)
    site_with(project, None)  # no language at all: English
    assert load_all(ProjectPaths.at(project)).site.languages == ("en",)


def test_languages_list_first_is_the_default(project):
    site_with(project, "languages: [fr, en]")
    site = load_all(ProjectPaths.at(project)).site
    assert (site.language, site.languages) == ("fr", ("fr", "en"))


@pytest.mark.parametrize("line, expected", [
    ("language: en\nlanguages: [en, fr]",
     f"{SITE}:6:1: languages: give either language: or languages:, not both; keep languages: (its first is the "
     "default language) and remove language:"),
    ("languages: [en, fr, en]", f"{SITE}:5:21: languages #3: 'en' is listed twice; give each language once"),
    ("languages: []", f"{SITE}:5:12: languages: needs at least one item"),
    ("languages: fr", f"{SITE}:5:12: languages: expected a list (lines starting with '- '), got 'fr'"),
    ("languages: [en, zz]", f"{SITE}:5:17: languages #2: 'zz' is not a language Frankly knows; use a code such as en, en-GB, fr, fr-CA or de"),
])
def test_languages_errors(project, line, expected):
    site_with(project, line)
    result = invoke(project, "check")
    assert (result.exit_code, result.output.splitlines()) == (1, [expected, "1 problem in 1 file."])


# ---------------------------------------------------------------- translations: the format


def test_translations_errors_at_their_keys(project):
    site_with(project, "languages: [en, fr]")
    only(project, TRANSLATED.replace("  fr:\n    title", "  de:\n    title").replace(
        "      fr:\n        message: On regarde.", "      en:\n        message: Looking."))
    assert problems(project) == [
        f"{F}:5:3: translations: 'de' is not one of the site's languages (en, fr); add it to languages: in "
        "site_config/site.yaml, or remove this translation",
        f"{F}:15:7: translations: 'en' is the default language: the text itself is in en; translations hold the "
        "other languages (fr)",
    ]
    only(project, TRANSLATED.replace("      role: Directrice", "      rol: Directrice"))
    assert problems(project) == [
        f"{F}:31:7: unknown key 'rol' (did you mean 'role'?) in apology.translations.fr; allowed keys: statement, role",
    ]


def test_translation_values_are_checked_as_the_fields_they_translate(project):
    site_with(project, "languages: [en, fr]")
    only(project, TRANSLATED.replace("    title: Chose cassée", '    title: "Chose\\ncassée"'))
    assert problems(project) == [
        f"{F}:6:12: translations.fr.title: this text must be one line, but it contains a line break "
        "at character 6; write it on one line (a block scalar such as '>' or '|' adds a line break)",
    ]


def test_unknown_language_code_and_site_texts(project):
    site_with(project, "languages: [en, fr]\ntranslations:\n  qq:\n    name: X\n  fr:\n    nme: Y")
    assert problems(project) == [
        f"{SITE}:7:3: translations.qq: 'qq' is not a language Frankly knows; use a code such as en, en-GB, fr, fr-CA or de",
        f"{SITE}:10:5: unknown key 'nme' (did you mean 'name'?) in translations.fr; allowed keys: name, company",
    ]


def test_site_translation_of_the_default_language_is_refused(project):
    site_with(project, "languages: [en, fr]\ntranslations:\n  en:\n    name: X")
    assert problems(project) == [
        f"{SITE}:7:3: translations: 'en' is the default language: the text itself is in en; translations hold the "
        "other languages (fr)",
    ]


def test_an_empty_translation_is_allowed(project):
    site_with(project)
    only(project, GOOD_INCIDENT + "translations:\n  fr: {}\n")
    assert load_all(ProjectPaths.at(project)).incidents[0].translations["fr"].title is None


# ---------------------------------------------------------------- localize


@pytest.fixture
def bilingual(project):
    site_with(project)
    site = project / SITE
    site.write_text(site.read_text().replace(
        "    name: API\n", "    name: API\n    translations:\n      fr:\n        description: L'API REST publique.\n"))
    only(project, TRANSLATED)
    return load_all(ProjectPaths.at(project))


def test_localize_the_default_language_is_the_catalog_itself(bilingual):
    assert localize(bilingual, "en") is bilingual
    entry = bilingual.incidents[0]
    assert entry.untranslated == frozenset() and not entry.any_untranslated
    assert all(not update.untranslated for update in entry.updates)


def test_localize_texts_fallbacks_and_untranslated(bilingual):
    french = localize(bilingual, "fr")
    entry, original = french.incidents[0], bilingual.incidents[0]
    assert (entry.title, entry.summary) == ("Chose cassée", "Something broke.")
    assert entry.untranslated == {"summary"} and entry.any_untranslated
    assert [u.message for u in entry.updates] == ["On regarde.", "Found it.", "Fixed."]
    assert [u.untranslated for u in entry.updates] == [set(), {"message"}, {"message"}]
    assert (entry.apology.by.role, entry.apology.by.name, entry.apology.statement) == (
        "Directrice générale", "Maria Okafor", "I am sorry.")
    assert entry.apology.untranslated == {"statement"}
    # identity never depends on the language: same anchors, also for two updates at the same second
    assert [u.anchor for u in entry.updates] == [u.anchor for u in original.updates] == [
        "u-20260501t100000z", "u-20260501t100000z-2", "u-20260501t110000z"]
    assert [u.at for u in entry.updates] == [u.at for u in original.updates] and entry.slug == original.slug
    # the original is untouched; the rest of the catalog is carried over
    assert (original.title, original.untranslated) == ("Broken thing", frozenset())
    assert (french.sources, french.digests) == (bilingual.sources, bilingual.digests)
    # untranslated is no field: model_dump is the original's plus the translated texts
    assert "untranslated" not in entry.model_dump() and entry.model_dump()["title"] == "Chose cassée"
    api, dashboard = french.site.components[:2]
    assert (api.name, api.description, api.untranslated) == ("API", "L'API REST publique.", {"name", "group"})
    assert dashboard.untranslated == {"name", "group"}  # it has no description: nothing to translate
    assert french.site.untranslated == {"name", "company"} and french.site.contact.untranslated == {"label"}


def test_localized_copies_keep_their_cached_properties(project):
    site_with(project)
    only(project, GOOD_INCIDENT.replace("    message: Looking.\n", "    message: Looking.\n    posted_to:\n"
                                        "      - https://x.com/acme/status/1\n    translations:\n      fr:\n"
                                        "        message: On regarde.\n"))
    catalog = load_all(ProjectPaths.at(project))
    original = catalog.incidents[0]
    original.updates[0].anchor  # noqa: B018 (cached before the copy is made)
    french = localize(catalog, "fr").incidents[0]
    assert french.updates[0].posted_to[0].channel_name == "x"
    assert [u.anchor for u in french.updates] == [u.anchor for u in original.updates]
    assert [u.time_id for u in french.updates] == [u.time_id for u in original.updates]
    assert french.updates[0].message == "On regarde." and french.updates[0].untranslated == frozenset()


def test_localize_refuses_a_language_the_site_has_not(bilingual):
    with pytest.raises(ValueError, match="'de' is not one of the site's languages"):
        localize(bilingual, "de")


# ---------------------------------------------------------------- frankly check


def test_one_language_site_gets_no_translation_warning(project):
    catalog = load_all(ProjectPaths.at(project))
    assert translation_warnings(catalog, project) == []


def test_check_warns_at_each_untranslated_text(bilingual, project):
    found = [str(p) for p in translation_warnings(bilingual, project)]
    site_lines = [line for line in found if line.startswith(SITE)]
    assert site_lines[0] == (
        f"{SITE}:1:7: warning: no French (fr) text for the name of this site; readers of /fr/ see the "
        "English with a 'not yet translated' note. Add under this site: translations: {fr: {name: …}}")  # a company's name is not asked for
    assert f"{SITE}:10:11: warning: no French (fr) text for the name and group of component 'api'; readers of /fr/ see " \
           "the English with a 'not yet translated' note. Add under component 'api': translations: {fr: {name: …, group: …}}" in site_lines
    entry_lines = [line for line in found if line.startswith(F)]
    assert entry_lines == [
        f"{F}:3:10: warning: no French (fr) text for the summary of this entry; readers of /fr/ see the English with a "
        "'not yet translated' note. Add under this entry: translations: {fr: {summary: …}}, or run "
        "`frankly translate 2026-05-01-x fr --summary …`",
        f"{F}:19:14: warning: no French (fr) text for the message of this update; readers of /fr/ see the English with "
        "a 'not yet translated' note. Add under this update: translations: {fr: {message: …}}, or run "
        "`frankly translate 2026-05-01-x fr --update u-20260501t100000z-2 …`",
        f"{F}:22:14: warning: no French (fr) text for the message of this update; readers of /fr/ see the English with "
        "a 'not yet translated' note. Add under this update: translations: {fr: {message: …}}, or run "
        "`frankly translate 2026-05-01-x fr --update u-20260501t110000z …`",
        f"{F}:28:14: warning: no French (fr) text for the statement of this apology; readers of /fr/ see the English "
        "with a 'not yet translated' note. Add under this apology: translations: {fr: {statement: …}}, or run "
        "`frankly translate 2026-05-01-x fr --apology …`",
    ]


def test_check_caps_the_warnings_per_language(project):
    site_with(project, "languages: [en, fr, de]")
    only(project, GOOD_INCIDENT)
    for day in range(2, 6):
        write_incident(project, f"2026-05-0{day}-x.yaml", GOOD_INCIDENT.replace("2026-05-01", f"2026-05-0{day}"))
    catalog = load_all(ProjectPaths.at(project))
    found = [str(p) for p in translation_warnings(catalog, project, limit=2) if not p.path.startswith(SITE)]
    assert [line.split(": warning:")[0] for line in found] == [
        "incidents/2026-05-05-x.yaml:2:8", "incidents/2026-05-05-x.yaml:10:14", "incidents/2026-05-05-x.yaml:13:14",
        "incidents/2026-05-04-x.yaml:2:8", "incidents/2026-05-04-x.yaml:10:14", "incidents/2026-05-04-x.yaml:13:14",
        "incidents/2026-05-03-x.yaml:1:1",
    ] * 2
    assert found[6] == ("incidents/2026-05-03-x.yaml:1:1: warning: and 3 more entries (this one and older) have no "
                        "French (fr) text; translate the newest first: frankly translate SLUG fr ...")
    assert "German (de)" in found[13]


def test_check_strict_fails_on_untranslated_text(bilingual, project):
    result = invoke(project, "check", "--strict", "--now", "2026-05-01T12:30:00+00:00")
    assert result.exit_code == 1
    assert "no French (fr) text for the summary of this entry" in result.output


# ---------------------------------------------------------------- editing


HAND = """\
# written by hand; every byte stays
kind: incident
title: 'Broken thing'   # quoted on purpose
summary: >-
  Something broke.
impact: minor
components:
  api: partial_outage
updates:
  - at: 2026-05-01T10:00:00+00:00
    status: investigating
    message: Looking.   # first
  - at: 2026-05-01T10:00:00+00:00
    status: identified
    message: |
      Found it.

    # a comment inside the last update
apology:
  at: 2026-05-01T12:00:00+00:00
  by: {name: Maria Okafor, role: Chief Executive Officer}
  statement: I am sorry.
postmortem:
  published_at: 2026-05-01T13:00:00+00:00
  root_cause: A bad deploy.
  changes: Slower deploys.
  action_items:
    - title: Canary deploys
      owner: Platform
"""


def inserted_lines_only(before: str, after: str) -> list[str]:
    """``after`` is ``before`` with whole lines inserted: return them."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    added, position = [], 0
    for line in new:
        if position < len(old) and line == old[position]:
            position += 1
        else:
            added.append(line.rstrip("\n"))
    assert position == len(old), "a line the editor wrote was changed or lost"
    return added


@pytest.fixture
def hand(project):
    site_with(project, "languages: [en, fr, de]")
    return only(project, HAND)


def test_update_with_lang_posts_in_two_languages(hand, project):
    before = hand.read_text()
    result = frankly(project, "update", "x", "Still looking.", "--lang", "fr", "On cherche encore.",
                     "--lang", "de", "Wir suchen noch.", "--now", "2026-05-01T10:00:00+00:00")
    assert result.exit_code == 0, result.output
    assert inserted_lines_only(before, hand.read_text()) == [
        "  - at: 2026-05-01T06:00:00-04:00", "    status: identified", "    message: |", "      Still looking.",
        "    translations:", "      fr:", "        message: |", "          On cherche encore.",
        "      de:", "        message: |", "          Wir suchen noch.",
    ]
    entry = load_all(ProjectPaths.at(project)).incidents[0]
    french = localize(load_all(ProjectPaths.at(project)), "fr").incidents[0]
    # the third update at the same second: its id does not depend on the language
    assert entry.updates[-1].anchor == french.updates[-1].anchor == "u-20260501t100000z-3"
    assert french.updates[-1].message == "On cherche encore.\n"


@pytest.mark.parametrize("args, expected", [
    (("--lang", "en", "x"), "--lang: 'en' is the site's default language: the message itself is in it; --lang is for "
                            "the other languages (fr, de)"),
    (("--lang", "it", "x"), "--lang: 'it' is not one of the site's languages (en, fr, de); add it to languages: in "
                            "site_config/site.yaml first"),
    (("--lang", "fr", "x", "--lang", "fr", "y"), "--lang: 'fr' is given twice; give each language once"),
    (("--lang", "fr", "  "), "--lang fr: the text is empty; nothing was written"),
])
def test_lang_refusals_write_nothing(hand, project, args, expected):
    before = hand.read_bytes()
    result = frankly(project, "update", "x", "Still looking.", *args)
    assert (result.exit_code, result.output.strip()) == (1, expected)
    assert hand.read_bytes() == before


def test_resolve_new_and_apologize_take_lang(project):
    site_with(project)
    only(project, GOOD_INCIDENT.replace("  - at: 2026-05-01T11:00:00+00:00\n    status: resolved\n    message: Fixed.\n", ""))
    assert frankly(project, "resolve", "x", "Fixed.", "--lang", "fr", "Réparé.", "--now", "2026-05-01T11:00:00+00:00").exit_code == 0
    assert frankly(project, "apologize", "x", "--by", "Maria Okafor", "--role", "CEO", "Sorry.", "--lang", "fr", "Pardon.",
                   "--now", "2026-05-01T12:00:00+00:00").exit_code == 0
    result = frankly(project, "new", "SMS down", "-m", "Looking.", "--lang", "fr", "On regarde.",
                     "--translated-title", "fr", "SMS en panne", "-c", "api", "--now", "2026-05-02T10:00:00+00:00")
    assert result.exit_code == 0, result.output
    french = {i.slug: i for i in localize(load_all(ProjectPaths.at(project)), "fr").incidents}
    x, new = french["2026-05-01-x"], french["2026-05-02-sms-down"]
    assert (x.updates[-1].message, x.apology.statement, x.apology.untranslated) == ("Réparé.\n", "Pardon.\n", {"role"})
    assert (new.title, new.summary, new.updates[0].message) == ("SMS en panne", "On regarde.\n", "On regarde.\n")
    assert not new.any_untranslated


def test_translate_each_kind_of_text_keeps_every_byte(hand, project):
    before = hand.read_text()
    result = frankly(project, "translate", "x", "fr", "--title", "Chose cassée", "--summary", "Quelque chose a cassé.",
                     "--update", "u-20260501t100000z", "On regarde.", "--update", "latest", "Trouvé.",
                     "--apology", "Je suis désolée.", "--role", "Directrice générale",
                     "--root-cause", "Un mauvais déploiement.", "--changes", "Des déploiements plus lents.",
                     "--action", "1", "Déploiements canari")
    assert result.exit_code == 0, result.output
    after = hand.read_text()
    assert inserted_lines_only(before, after)[:4] == ["    translations:", "      fr:", "        message: |", "          On regarde."]
    french = localize(load_all(ProjectPaths.at(project)), "fr").incidents[0]
    assert (french.title, french.summary) == ("Chose cassée", "Quelque chose a cassé.\n")
    assert [u.message for u in french.updates] == ["On regarde.\n", "Trouvé.\n"]
    assert (french.apology.statement, french.apology.by.role) == ("Je suis désolée.\n", "Directrice générale")
    assert (french.postmortem.root_cause, french.postmortem.changes) == ("Un mauvais déploiement.\n", "Des déploiements plus lents.\n")
    assert french.postmortem.action_items[0].title == "Déploiements canari"
    assert not french.any_untranslated
    assert after.endswith("translations:\n  fr:\n    title: Chose cassée\n    summary: |\n      Quelque chose a cassé.\n")


def test_translate_extends_existing_translations_and_refuses_duplicates(hand, project):
    assert frankly(project, "translate", "x", "fr", "--update", "latest", "Trouvé.").exit_code == 0
    before = hand.read_text()
    assert frankly(project, "translate", "x", "de", "--update", "latest", "Gefunden.").exit_code == 0
    assert inserted_lines_only(before, hand.read_text()) == ["      de:", "        message: |", "          Gefunden."]
    before = hand.read_bytes()
    result = frankly(project, "translate", "x", "fr", "--update", "latest", "Encore.", "--title", "T")
    assert (result.exit_code, result.output.strip()) == (
        1, f"{F}:19:9: this message already has its fr text; give --replace to write it anew. Nothing was written.")
    assert hand.read_bytes() == before


def test_translate_replace_changes_only_that_value(hand, project):
    assert frankly(project, "translate", "x", "fr", "--title", "Chose", "--summary", "Cassé.").exit_code == 0
    before = hand.read_text()
    assert frankly(project, "translate", "x", "fr", "--replace", "--title", "Chose cassée").exit_code == 0
    assert hand.read_text() == before.replace("    title: Chose\n", "    title: Chose cassée\n")


def test_translate_fills_an_empty_translation(project):
    site_with(project)
    path = only(project, GOOD_INCIDENT + "translations:\n  fr: {}\n")
    assert frankly(project, "translate", "x", "fr", "--title", "Chose").exit_code == 0
    assert path.read_text() == GOOD_INCIDENT + "translations:\n  fr:\n    title: Chose\n"


@pytest.mark.parametrize("args, expected", [
    (("fr", "--update", "u-1", "x"), "--update: 2026-05-01-x has no update 'u-1'; its updates are u-20260501t100000z, "
                                     "u-20260501t100000z-2 (or give 'latest'); nothing was written"),
    (("fr", "--offer", "x"), "--offer: 2026-05-01-x has no compensation yet; nothing was written"),
    (("fr", "--action", "2", "x"), "--action: '2' is not the number of an action item of 2026-05-01-x (1 to 1); nothing was written"),
    (("en", "--title", "x"), "LANG: 'en' is the site's default language: the text itself is in it; LANG is for the other languages (fr, de)"),
    (("fr",), "give at least one text to translate: --title, --summary, --update ID TEXT, --apology, ... "
              "(frankly translate --help lists them)"),
])
def test_translate_refusals(hand, project, args, expected):
    before = hand.read_bytes()
    result = frankly(project, "translate", "x", *args)
    assert (result.exit_code, result.output.strip()) == (1, expected)
    assert hand.read_bytes() == before


def test_translate_identity_does_not_depend_on_language(hand, project):
    anchors = [u.anchor for u in load_all(ProjectPaths.at(project)).incidents[0].updates]
    assert frankly(project, "translate", "x", "fr", "--update", "latest", "Trouvé.").exit_code == 0
    catalog = load_all(ProjectPaths.at(project))
    for language in ("en", "fr", "de"):
        entry = localize(catalog, language).incidents[0]
        assert [u.anchor for u in entry.updates] == anchors and [u.at for u in entry.updates] == [
            u.at for u in catalog.incidents[0].updates]


def test_translate_replace_of_markdown_blocks_between_other_lines(hand, project):
    assert frankly(project, "translate", "x", "fr", "--summary", "Cassé.", "--update", "u-20260501t100000z", "Un.").exit_code == 0
    before = hand.read_text()
    result = frankly(project, "translate", "x", "fr", "--replace", "--summary", "Tout cassé.", "--update", "u-20260501t100000z", "Deux.")
    assert result.output.startswith("Wrote the fr text into incidents/2026-05-01-x.yaml (the entry: summary; update #1: message)")
    assert hand.read_text() == before.replace("      Cassé.\n", "      Tout cassé.\n").replace("          Un.\n", "          Deux.\n")
