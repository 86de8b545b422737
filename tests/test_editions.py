"""A site in two languages (the demo: English at the root, French under /fr/):
every page has its counterpart, the hreflang links agree, each language has its
feeds, search index, sitemap and Material chrome, and the Statuspage JSON stays
one, at the root, with the translations in its ``frankly`` part (issue 17)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.slow

BASE = "https://status.northwind-mobile.example/"
OUTAGE = "incidents/2026-11-17-messaging-outage/"
UNTRANSLATED = "incidents/2026-11-23-app-login-errors/"
GOLDEN = Path(__file__).parent / "golden" / "fr"
UPDATE = os.environ.get("FRANKLY_UPDATE_GOLDEN") == "1"


def _pages(site: Path, prefix: str = "") -> set[str]:
    """Every HTML page of one language, as site-relative URLs of that language."""
    root = site / prefix if prefix else site
    found = set()
    for page in root.rglob("index.html"):
        url = page.parent.relative_to(root).as_posix()
        url = "" if url == "." else url + "/"
        if not prefix and url.startswith("fr/"):
            continue
        found.add(url)
    return found


def _soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_every_page_has_its_counterpart_in_the_other_language(built_demo_site):
    english, french = _pages(built_demo_site), _pages(built_demo_site, "fr")
    assert OUTAGE in english and OUTAGE in french
    assert english == french


def test_hreflang_links_are_one_per_language_absolute_and_reciprocal(built_demo_site):
    pages = {("en", url): built_demo_site / url for url in _pages(built_demo_site)}
    pages |= {("fr", url): built_demo_site / "fr" / url for url in _pages(built_demo_site, "fr")}
    addresses = {(lang, url): BASE + ("fr/" if lang == "fr" else "") + url for lang, url in pages}
    alternates_of = {}
    for (lang, url), folder in pages.items():
        soup = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert soup.html["lang"] == lang, (lang, url)
        if soup.select_one(".md-header") is None:
            continue  # the embeddable widget and the redirects of former addresses: no theme, no switcher
        links = soup.select('link[rel="alternate"][hreflang]')
        found = {link["hreflang"]: link["href"] for link in links}
        assert len(links) == 2 == len(found), (lang, url, links)
        assert found == {"en": addresses[("en", url)], "fr": addresses[("fr", url)]}, (lang, url)
        assert soup.html["lang"] == lang
        alternates_of[(lang, url)] = found
    # reciprocal: both pages of a pair name the same two addresses
    for (lang, url), found in alternates_of.items():
        assert alternates_of[("fr" if lang == "en" else "en", url)] == found


def test_the_switcher_lists_both_languages_and_points_to_the_same_page(built_demo_site):
    soup = _soup(built_demo_site / "fr", OUTAGE)
    links = {a["hreflang"]: (a["href"], a.get_text(strip=True)) for a in soup.select("a.md-select__link[hreflang]")}
    assert links == {"en": ("/" + OUTAGE, "English"), "fr": ("/fr/" + OUTAGE, "Français")}


def test_the_french_pages_speak_french(built_demo_site):
    soup = _soup(built_demo_site / "fr", OUTAGE)
    text = soup.select_one("article").get_text(" ", strip=True)
    assert "Panne des SMS et MMS en Allemagne et en Autriche" in text
    assert "Chronologie" in text or "Historique" in text
    assert "Not yet translated" not in text and "Pas encore traduit" not in text
    # Material's chrome and the navigation in French too
    assert soup.select_one("input.md-search__input")["placeholder"] == "Rechercher"
    tabs = [a.get_text(strip=True) for a in soup.select(".md-tabs__link")]
    assert "Historique" in tabs and "History" not in tabs


def test_an_untranslated_entry_shows_the_original_with_a_note(built_demo_site):
    soup = _soup(built_demo_site / "fr", UNTRANSLATED)
    note = soup.select_one(".frankly-untranslated")
    assert note is not None
    assert "anglais" in note.get_text(" ", strip=True).lower()
    english_title = _soup(built_demo_site, UNTRANSLATED).select_one("h1").get_text(strip=True)
    assert soup.select_one("h1").get_text(strip=True) == english_title
    assert _soup(built_demo_site, UNTRANSLATED).select_one(".frankly-untranslated") is None


def test_each_language_has_its_feeds_with_the_same_item_ids(built_demo_site):
    english = feedparser.parse((built_demo_site / "feeds" / "updates.rss").read_bytes())
    french = feedparser.parse((built_demo_site / "fr" / "feeds" / "updates.rss").read_bytes())
    assert not french.bozo, french.bozo_exception
    assert french.feed.language == "fr"
    assert [e.id for e in french.entries] == [e.id for e in english.entries]  # an update is the same update
    outage = next(e for e in french.entries if OUTAGE in e.link)
    assert outage.link.startswith(BASE + "fr/" + OUTAGE)
    assert "Panne des SMS et MMS" in outage.title


def test_each_language_has_its_search_index_and_sitemap(built_demo_site):
    index = json.loads((built_demo_site / "fr" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["fr"]
    assert any("Panne des SMS et MMS" in doc["title"] for doc in index["docs"])
    sitemap = (built_demo_site / "fr" / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE}fr/{OUTAGE}</loc>" in sitemap
    assert f"<loc>{BASE}{OUTAGE}</loc>" not in sitemap


def test_the_statuspage_json_is_one_at_the_root_with_the_translations(built_demo_site):
    assert not (built_demo_site / "fr" / "api" / "v2").exists()
    assert not (built_demo_site / "fr" / OUTAGE / "index.json").exists()
    incidents = json.loads((built_demo_site / "api" / "v2" / "incidents.json").read_text(encoding="utf-8"))["incidents"]
    outage = next(i for i in incidents if i["id"] == OUTAGE.split("/")[1])
    assert outage["name"] == "SMS and MMS outage across Germany and Austria"  # the default language
    french = outage["frankly"]["translations"]["fr"]
    assert french["name"] == "Panne des SMS et MMS en Allemagne et en Autriche"
    assert french["url"] == BASE + "fr/" + OUTAGE
    first = outage["incident_updates"][-1]
    assert first["frankly"]["translations"]["fr"]["body"].startswith("Beaucoup de clients")
    # A link from a French page to the JSON goes to the root's.
    soup = _soup(built_demo_site / "fr", "components")
    assert any(a["href"].endswith("../../api/v2/uptime.json") for a in soup.select("a[href$='uptime.json']"))


def test_a_one_language_site_has_no_alternates(built_fixture_site):
    html = (built_fixture_site / "incidents" / "2026-03-02-api-errors" / "index.html").read_text(encoding="utf-8")
    assert "hreflang" not in html and "md-select" not in html and "frankly-words" not in html
    assert not (built_fixture_site / "fr").exists()


@pytest.mark.parametrize("name, path, selector", [
    ("incident_messaging_outage.html", "fr/" + OUTAGE + "index.html", "article.md-content__inner"),
    ("incident_untranslated.html", "fr/" + UNTRANSLATED + "index.html", "article.md-content__inner"),
    ("feed_messaging_outage.atom", "fr/" + OUTAGE + "feed.atom", None),
])
def test_french_outputs_match_golden(built_demo_site, name, path, selector):
    data = (built_demo_site / path).read_text(encoding="utf-8")
    if selector:
        data = str(BeautifulSoup(data, "html.parser").select_one(selector)).strip() + "\n"
    data = re.sub(r"\s+$", "", data) + "\n"
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(data, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run `make golden`"
    assert data == golden.read_text(encoding="utf-8"), f"{name} changed: if intended, run `make golden` and review the diff"


def test_frankly_post_in_another_language_links_to_its_page():
    from conftest import REPO, invoke

    result = invoke(REPO, "post", "2026-11-17-messaging-outage", "--lang", "fr")
    assert result.exit_code == 0, result.output
    assert "Panne des SMS et MMS en Allemagne et en Autriche\u00a0: Résolu" in result.output
    assert BASE + "fr/" + OUTAGE in result.output and BASE + OUTAGE not in result.output
    refused = invoke(REPO, "post", "2026-11-17-messaging-outage", "--lang", "de")
    assert refused.exit_code == 1 and "--lang 'de' is not one of the site's languages (en, fr)" in refused.output


def test_a_french_site_gets_french_chrome_whatever_mkdocs_yml_says(project):
    """site.yaml is the one source of the site's language: Material's chrome and search follow it."""
    from conftest import run_frankly

    config = project / "site_config" / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", "language: fr"), encoding="utf-8")
    assert "language:" not in (project / "mkdocs.yml").read_text(encoding="utf-8")  # Material's default: English
    result = run_frankly(project, "build")
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((project / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.html["lang"] == "fr"
    assert soup.select_one("input.md-search__input")["placeholder"] == "Rechercher"
    index = json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["fr"]
    assert "hreflang" not in (project / "site" / "index.html").read_text(encoding="utf-8")  # one language: no switcher
    # What the command says to the editor afterwards stays English ("d", not the pages' "j").
    urgent = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert urgent and any(" min" in line for line in urgent)
    assert not any(" j " in line or "Aucun" in line for line in urgent), urgent
