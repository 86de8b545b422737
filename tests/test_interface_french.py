"""The pages in French: what a French reader of the demo site sees, rendered
without a mkdocs build (generator/outputs/pages.py inside ``i18n.use("fr")``).

Every label of the page templates is in the catalog (tests/test_catalogs.py);
this checks they reach the pages, in the right places, and that no English
label is left in the elements Frankly writes (the data itself, titles and
messages, stays in the language it was written in: English in the demo).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.facts.derive import derive
from generator.input.load import ProjectPaths, load_all
from generator.outputs import i18n, pages, urls
from generator.outputs.embed import render_embed
from generator.outputs.files import GeneratedPage, LaterPage
from generator.outputs.templating import TEMPLATES, Renderer

REPO = Path(__file__).parents[1]
#: The demo judged on 1 December 2026: the database migration of 2 December is still to come.
NOW = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
NBSP = "\u00a0"
REDIRECT = urls.incident("a-former-address") + "index.html"

#: English labels of the page templates: none may be left in what Frankly writes on a French page.
ENGLISH = ["Timeline", "Latest update", "Status:", "Status now", "Started", "Duration", "Affected", "Follow this",
           "Follow ", "Last updated", "Next update", "Also posted", "Components", "Share this", "Link to copy",
           "Minor impact", "Major impact", "Critical impact", "None impact", "lasted", "ongoing", "scheduled",
           "cancelled", "since ", "available over", "no data", "No data", "How this is counted", "Newer", "Older",
           "Reopened", "Apology", "Compensation", "Postmortem", "Root cause", "What we", "Who is eligible",
           "How to claim", "Owner", "Due", "entries", "entry", "Upcoming", "Open incidents", "Recent history",
           "Full history", "Nothing", "begins", "not yet", "never", "Questions about", "Still affected",
           "Scheduled window", "Published", "Offered", "claim by", "History", "All years", "Availability",
           "The last 365 days", "maintenance calendar", "other ways", "No incidents", "availability per day",
           "the mean of", "Resolved", "Completed", "Closed", "Operational", "Partial outage", "Major outage",
           "Degraded performance", "Watch the video", "Read the full", "Get every update", "Maintenance in progress",
           "Notices", "Notice", "updated ", "has moved", "Subscribe", "In a feed reader", "In a calendar",
           "In team chat", "By e-mail", "Open in your", "Address to paste", "Every update", "Only the"]
_ENGLISH = re.compile("|".join(r"(?<![\w-])" + re.escape(word) for word in ENGLISH))
#: Elements that hold the data (titles, messages, names): their words are the site's, not Frankly's.
DATA = (".frankly-update__message, .frankly-latest__message, .frankly-summary, .frankly-apology__statement, "
        ".frankly-compensation dd, .frankly-postmortem > p:not(.frankly-postmortem__when), h1, "
        ".frankly-entry > a, .frankly-entry__head > a, "
        ".frankly-entry__summary, .frankly-open h3, .frankly-open__latest > p:not(.frankly-open__label), "
        ".frankly-affected a, .frankly-component__row > a, .frankly-component__description, .frankly-group__name, "
        ".frankly-apology__by, .frankly-banner__text, code, pre, .frankly-actions td, .frankly-share__links")
#: Written by other templates than the pages' own (accountability: _communication.md.j2), checked with them.
OTHERS = '[class*="frankly-communication"], [class*="frankly-accountability"]'


@pytest.fixture(scope="module")
def french():
    """The demo's pages, rendered once in French (the site's language French too: dates by Babel)."""
    report = derive(load_all(ProjectPaths.at(REPO)), now=NOW)
    report = dataclasses.replace(report, site=report.site.model_copy(update={"language": "fr"}))
    r = Renderer(report)
    out: dict[str, str] = {}

    def keep(items):
        for item in items:
            page = item.make() if isinstance(item, LaterPage) else item
            if isinstance(page, GeneratedPage):
                out[page.url] = page.markdown + "\n" + "\n".join(page.fragments)
            else:
                out[page.path] = page.content.decode("utf-8")

    with i18n.use("fr"):
        keep([pages.render_home_page(r)])
        keep(pages.render_incident_page(r, f) for f in report.entries)
        keep(pages.render_history_pages(r))
        keep(pages.render_component_pages(r))
        keep([pages.render_subscribe_page(r)])
        keep(render_embed(r))
        # The demo renames no entry: the page a former address would get, as render_alias_redirects makes it.
        moved = report.entries[0]
        out[REDIRECT] = TEMPLATES.get_template("redirect.html.j2").render(
            r.context(urls.incident("a-former-address"), f=moved, target=urls.incident(moved.slug)))
    return out


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


def text_of(node) -> str:
    """The text as read, its runs of spaces as one (no-break spaces kept: French typography)."""
    return re.sub(r"[ \t\r\n]+", " ", node.get_text(" ")).strip()


def frankly_words(text: str) -> str:
    """The visible text of the elements Frankly writes (frankly-* classes, the uptime strips), without the data."""
    doc = soup(text)
    for node in doc.select(DATA + ", " + OTHERS):
        node.decompose()
    for node in doc.find_all(["style", "script"]):
        node.decompose()
    parts = [text_of(node) for node in doc.find_all(class_=re.compile(r"^(frankly|fr-up)"))]
    parts += [node.get("aria-label", "") for node in doc.find_all(attrs={"aria-label": True})]
    return " | ".join(parts)


def leftover_english(text: str) -> list[str]:
    return sorted(set(_ENGLISH.findall(frankly_words(text))))


def test_every_page_kind_is_rendered(french):
    kinds = {url.split("/")[0] for url in french}
    assert {"", "incidents", "history", "components", "subscribe", "embed"} <= kinds


def test_no_english_label_is_left_on_any_page(french):
    left = {url: words for url, text in french.items() if (words := leftover_english(text))}
    assert left == {}


def test_the_check_finds_english_labels():
    """What the test above relies on: an English page is caught."""
    assert leftover_english('<dl class="frankly-facts"><dt>Duration</dt></dl>'
                            '<p class="frankly-state__label">Status:</p>') == ["Duration", "Status:"]


def test_the_incident_page_speaks_french(french):
    text = french[urls.incident("2026-11-17-messaging-outage")]
    doc = soup(text)
    assert "## Chronologie" in text and "## Excuses" in text and "## Dédommagement" in text
    assert text_of(doc.select_one(".frankly-kicker")) == "Incident · Impact critique"
    assert text_of(doc.select_one(".frankly-state")) == f"État{NBSP}: Résolu"
    assert text_of(doc.select_one(".frankly-latest__label")) == "Dernière mise à jour"
    facts = {text_of(dt): text_of(dt.find_next_sibling("dd")) for dt in doc.select(".frankly-facts dt")}
    assert facts["Durée"] == "2 j 2 h 20 min"
    assert facts["Début"] == "17 nov. 2026, 07:40 UTC+01:00"  # dates are Babel's, in French
    assert "Résolution" in facts and "Dernière modification" in facts
    assert "Panne majeure" in facts["Services touchés (au plus fort)"]
    assert text_of(doc.select_one(".frankly-subscribe")) == f"Suivre cet incident{NBSP}: RSS · Atom"
    assert "Sous surveillance" in {text_of(b) for b in doc.select(".frankly-update__head .frankly-badge")}
    assert text_of(doc.select_one(".frankly-update__promise")).startswith("Prochaine mise à jour promise au plus tard le ")
    assert text_of(doc.select_one(".frankly-afterwards")).startswith("Excuses de Maria Okafor")
    assert text_of(doc.select_one(".frankly-share__label")) == f"Partager cette page{NBSP}:"
    assert doc.select_one(".frankly-share")["aria-label"] == "Partager cette page"
    assert '"Résolu : SMS and MMS outage across Germany and Austria"'.replace(" :", NBSP + ":") in text


def test_a_maintenance_page_agrees_in_gender(french):
    doc = soup(french[urls.incident("2026-12-02-app-database-migration")])
    assert text_of(doc.select_one(".frankly-subscribe")).startswith(f"Suivre cette maintenance{NBSP}:")
    assert text_of(doc.select_one(".frankly-state__when")).startswith("débute le ")
    facts = {text_of(dt): text_of(dt.find_next_sibling("dd")) for dt in doc.select(".frankly-facts dt")}
    assert facts["Début"] == "pas encore" and facts["Fin"] == "pas encore"
    assert facts["Créneau prévu"].startswith("du ") and " au " in facts["Créneau prévu"]
    assert "Services concernés" in facts


def test_a_notice_page(french):
    doc = soup(french[urls.incident("2026-11-01-sms-sender-names")])
    assert text_of(doc.select_one(".frankly-subscribe")).startswith(f"Suivre cet avis{NBSP}:")
    assert "Clôture" in {text_of(dt) for dt in doc.select(".frankly-facts dt")}


def test_the_home_page(french):
    text = french[urls.HOME]
    doc = soup(text)
    headings = {text_of(h) for h in doc.select("h2")}
    assert {"Services", "Historique récent"} <= headings
    assert text_of(doc.select_one(".frankly-banner__meta")).startswith("Dernière mise à jour le ")
    assert text_of(doc.select_one("h1.frankly-sr-only")).endswith(f"{NBSP}: état actuel des services")
    assert text_of(doc.select_one(".frankly-subscribe")).startswith("Recevez chaque mise à jour dans votre lecteur de flux")
    assert "Tout l’historique" in text
    strip = doc.select_one(".fr-up")
    assert "disponibilité jour par jour" in strip.ol["aria-label"]
    assert re.search(r"Disponibilité de [\d,]+\u00a0% sur 90 jours", text_of(strip.p))
    assert "Mode de calcul" in text_of(strip.p)


def test_history_pages(french):
    index = soup(french[urls.HISTORY])
    assert text_of(index.select_one("h1")) == "Historique"
    metas = [text_of(m) for m in index.select(".frankly-years .frankly-entry__meta")]
    assert metas and all(re.fullmatch(r"\d+ événements?", m) for m in metas)
    year = soup(french[urls.history_year(2026)])
    assert text_of(year.select_one("h1")) == "Historique 2026"
    assert "novembre 2026" in {text_of(h).lower() for h in year.select("h2")}
    assert any("· durée " in text_of(m) for m in year.select(".frankly-entry__meta"))


def test_component_pages(french):
    index = french[urls.COMPONENTS]
    doc = soup(index)
    assert text_of(doc.select_one("h1")) == "Services"
    assert text_of(doc.select_one("#uptime")) == "Comment la disponibilité est calculée"
    assert "Chaque barre représente une journée dans le fuseau horaire" in index
    assert re.search(r"\d+ services?", text_of(doc.select_one(".frankly-group__count")))
    sms = soup(french[urls.component("sms")])
    assert text_of(sms.select_one(".frankly-state")).startswith(f"État actuel{NBSP}:")
    assert text_of(sms.select_one(".frankly-follow")).startswith(f"Suivre SMS{NBSP}: RSS · Atom · agenda des maintenances")
    assert {text_of(h) for h in sms.select("h2")} >= {"Disponibilité", "Historique"}
    assert text_of(sms.select_one("details.frankly-year summary")) == "Les 365 derniers jours"


def test_the_subscribe_page(french):
    text = french[urls.SUBSCRIBE]
    assert "title: S’abonner\n" in text
    assert "## Dans un lecteur de flux" in text and "## Par e-mail" in text and "## Votre propre script" in text
    doc = soup(text)
    assert text_of(doc.select_one("h1")) == "Abonnez-vous aux mises à jour"
    assert "Ouvrir dans votre agenda" in {text_of(a) for a in doc.select("a.frankly-webcal")}


def test_the_redirect_and_the_embed(french):
    redirect = soup(french[REDIRECT])
    assert text_of(redirect.body).startswith(f"Cette page a changé d’adresse{NBSP}: ")
    embed = soup(french[urls.EMBED + "index.html"])
    assert embed.title.string.startswith(f"Northwind Mobile Status{NBSP}: ")
    assert re.search(r" · mis à jour le \d", text_of(embed.select_one(".foot")))
    statuses = {text_of(s) for s in embed.select(".status")}
    assert statuses and statuses <= {"Opérationnel", "Performances dégradées", "Panne partielle", "Panne majeure",
                                     "En maintenance"}


def test_english_comes_back_after_the_french_block(french):
    """The language is the build's: nothing of French stays on the next English page."""
    report = derive(load_all(ProjectPaths.at(REPO)), now=NOW)
    home = pages.render_home_page(Renderer(report))
    assert "Recent history" in home.markdown + "".join(home.fragments)


@pytest.mark.parametrize("url, also", [(urls.incident("2026-11-17-messaging-outage"), {"timeline"}),
                                       (urls.incident("2026-10-08-mobile-data-outage-berlin"), {"timeline", "postmortem"}),
                                       (urls.SUBSCRIBE, {"a-script-of-your-own"})])
def test_in_page_links_reach_their_place_under_french_headings(french, url, also):
    """'## Excuses' makes the anchor #excuses: #apology (this page's links, the feeds' items) needs an id of its own."""
    doc = soup(french[url])
    ids = {node["id"] for node in doc.find_all(id=True)}
    wanted = {a["href"][1:] for a in doc.select('a[href^="#"]')} | also
    wanted -= {a["href"][1:] for a in doc.select('a.frankly-update__time')}  # the updates' own ids, checked with them
    assert wanted and wanted <= ids


def test_english_headings_keep_their_anchor_and_no_extra_id():
    from generator.outputs.templating import heading_id

    assert heading_id("Apology", "apology") == ""
    with i18n.use("fr"):
        assert heading_id("Apology", "apology") == ' id="apology"'
