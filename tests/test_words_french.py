"""What a French reader receives from the Python-made texts (issue 17): feeds,
`frankly post`, notify messages, cards, badges and the accountability sentences,
from the demo project published in French, without a site build."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
import yaml

from generator.facts.derive import derive
from generator.input.load import ProjectPaths, load_all
from generator.input.notifyconfig import EmailChannel
from generator.notify import items as notify_items
from generator.notify import mail, messages
from generator.notify.channels import Context
from generator.outputs import badges, calendar, cards, feeds, i18n, pages, posts, social, urls
from generator.outputs.templating import TEMPLATES, Renderer

ROOT = Path(__file__).parents[1]

#: The English words Frankly itself writes (never an editor's text): none may reach a French reader.
ENGLISH = [
    "Affected", "at worst", "Next update", "Full update", "Latest update", "update of", "ongoing since",
    "inor impact", "ajor impact", "ritical impact", "one impact", "No impact", "Started ", "lasted", "Scheduled ", "Last updated", "components operational", "others operational",
    "Live status", "all updates", ": incidents", "Updates on", "Every update", "Apology", "Compensation", "Postmortem",
    "Status", "status", "Window", "begins in", "Open the status page", "Full details", "You receive this", "Reminder",
    "days", "no data", "All systems operational", "service disruption", "system outage",
    "Investigating", "Identified", "Monitoring", "Resolved", "In progress", "Verifying", "Completed", "Cancelled",
    "Posted", "Closed", "Partial outage", "Major outage", "Degraded performance", "Under maintenance", "Operational",
    "First update", "Longest silence", "Median gap", "promised update", "Late:", "Still open", "figures as of",
    "after the start", "No apology", "No postmortem", "compensation offered", "How we communicate", "Our commitments",
    "Last 90 days", "All time", "By month", "Period", "Promises kept", "Major or critical", "without an update",
]
#: Words of English sentences that editors' texts (left out of the check, but cut short in posts) may also hold.
SENTENCE_WORDS = [" of ", " to ", "November", "October", "December"]


@pytest.fixture(scope="module")
def catalog():
    return load_all(ProjectPaths.at(ROOT))


@pytest.fixture(scope="module")
def english(catalog):
    return derive(catalog)


@pytest.fixture(scope="module")
def report(catalog):
    """The demo site published in French: its site.yaml saying `language: fr`."""
    return derive(dataclasses.replace(catalog, site=catalog.site.model_copy(update={"language": "fr"})))


@pytest.fixture
def fr():
    with i18n.use("fr"):
        yield


def editors_texts(report) -> list[str]:
    """Every text an editor wrote (titles, messages, names...): left in English in the demo, so
    taken out of what is checked; longest first, so a title goes before a word of it."""
    found: set[str] = {report.site.name, report.site.company, *(c.name for c in report.site.components)}

    def walk(value) -> None:
        if isinstance(value, str):
            found.add(value)
            found.update(line.strip() for line in re.split(r"\n+", value) if line.strip())
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    for facts in report.entries:
        walk(facts.incident.model_dump(mode="json"))
    return sorted((t for t in found if len(t) > 1), key=len, reverse=True)


def english_left(report, text: str, also: list[str] = ()) -> list[str]:
    for written in editors_texts(report):
        text = text.replace(written, "")
    text = re.sub(r"https?://\S+", "", text)
    return [word for word in ENGLISH + list(also) if word in text]


def test_feeds_are_titled_in_french_and_keep_their_ids(report, english, fr):
    french_files = {f.path: f.content for f in feeds.render_feeds(Renderer(report))}
    with i18n.use("en"):
        english_files = {f.path: f.content for f in feeds.render_feeds(Renderer(english))}
    for address in (urls.updates_feed("atom"), urls.incidents_feed("rss")):
        ours, theirs = feedparser.parse(french_files[address]), feedparser.parse(english_files[address])
        assert not ours.bozo
        assert ours.feed.language == "fr"
        assert [e.id for e in ours.entries] == [e.id for e in theirs.entries]  # identity never depends on language
        assert [e.link for e in ours.entries] == [e.link for e in theirs.entries]
        assert [e.title for e in ours.entries] != [e.title for e in theirs.entries]
        text = "\n".join([ours.feed.title, ours.feed.subtitle] + [e.title for e in ours.entries]
                         + [t.term for e in ours.entries for t in e.tags])
        assert english_left(report, text) == []
    updates = feedparser.parse(french_files[urls.updates_feed("atom")])
    assert updates.feed.title == "Northwind Mobile Status\u00a0: toutes les mises à jour"
    titles = [e.title for e in updates.entries]
    assert "Excuses — SMS and MMS outage across Germany and Austria" in titles
    assert "Résolu — SMS and MMS outage across Germany and Austria" in titles
    assert "Impact critique" in [t.term for e in updates.entries for t in e.tags]


def test_frankly_post_speaks_french(report, fr):
    facts = report.by_slug["2026-11-23-app-login-errors"]
    made = posts.compose(report, facts, facts.latest_update)
    mastodon = posts.by_network(made, "Mastodon").text
    assert mastodon.startswith("Login errors in the My Northwind app\u00a0: Cause identifiée\n\n")
    assert "Services concernés\u00a0: My Northwind app (Panne partielle)" in mastodon
    assert "Prochaine mise à jour d’ici le 23 nov. 2026, 15:17 UTC+01:00." in mastodon
    long = posts.by_network(made, "LinkedIn / Facebook").text
    assert "Cause identifiée · mise à jour du 23 nov. 2026, 14:32 UTC+01:00" in long
    assert "Cause identifiée, depuis le 23 nov. 2026, 14:05 UTC+01:00\u00a0; impact mineur." in long
    messaging = report.by_slug["2026-11-17-messaging-outage"]
    shortened = [p for p in posts.compose_part(report, messaging, "apology") if p.shortened]
    assert shortened and all("\nMise à jour complète\u00a0: https://" in p.text for p in shortened)
    for post in made + posts.compose_part(report, messaging, "compensation") + shortened:
        assert english_left(report, post.text) == [], post.network


def test_notify_messages_speak_french(report, fr):
    found = {(item.facts.slug, item.event): item for item in notify_items.items(report)}
    item = found[("2026-12-02-app-database-migration", "reminder")]
    message = messages.compose(report, item, timedelta(hours=1))
    assert message.headline == "My Northwind app and website unavailable for database migration\u00a0: début dans 1 h"
    assert messages.subject(message).startswith("[Rappel] ")
    slack = json.dumps(messages.slack(message), ensure_ascii=False)
    assert "Créneau" in slack and "Services touchés" in slack
    channel = EmailChannel.model_validate({"type": "email", "host": "smtp.example.com", "from": "Status <status@example.com>",
                                           "to": "updates@example.com", "list_id": "updates.example.com"})
    body = mail.build(channel, message, Context(report, {}, "delivery-1")).get_body(("plain",)).get_content()
    assert "Maintenance planifiée du 2 déc. 2026, 02:00 UTC+01:00 au 2 déc. 2026, 04:00 UTC+01:00." in body
    assert "Tous les détails\u00a0: https://" in body and "abonné à la liste updates@example.com" in body
    update = next(i for (slug, event), i in found.items() if slug == "2026-11-23-app-login-errors" and i.update is facts_latest(report, slug))
    teams = json.dumps(messages.teams(messages.compose(report, update, timedelta(hours=1))), ensure_ascii=False)
    assert "Ouvrir la page d’état des services" in teams and "État" in teams
    for text in (slack, body, teams, messages.subject(message)):
        assert english_left(report, text) == []


def facts_latest(report, slug):
    return report.by_slug[slug].latest_update


def test_cards_hold_their_french_words(report, fr):
    """The Card is the whole content and the cache key: its words are resolved before drawing,
    which may run in a process where no language is set."""
    card = social.incident_card(report.by_slug["2026-11-17-messaging-outage"], report.site)
    assert [p.text for p in card.pills] == ["Résolu", "Impact critique"]
    assert card.details[0] == "Début le 17 nov. 2026, 07:40 UTC+01:00 · durée 2 j 2 h 20 min"
    assert card.details[1].startswith("Services concernés (état le plus grave)\u00a0: SMS (Panne majeure)")
    site = social.site_card(report)
    assert site.pills[0].text == "Perturbation mineure des services"
    assert site.details[0].endswith("\u00a0; 6 autres opérationnels")
    description = social.description(report.by_slug["2026-11-23-app-login-errors"], report.site)
    assert description.startswith("Cause identifiée, depuis le 23 nov. 2026")
    for c in (card, site):
        assert english_left(report, social.card_alt(c), SENTENCE_WORDS) == []
    assert english_left(report, description) == []


def test_badge_words_are_french(report, fr):
    assert badges.status_badge_parts(report)[:2] == ("état", "Perturbation mineure des services")
    label_text, figure, _ = badges.component_uptime_badge_parts(report, "sms")
    assert label_text == "SMS 90 jours"
    assert re.fullmatch(r"\d+,\d\d\u00a0%|100\u00a0%|aucune donnée", figure)
    name, word, _ = badges.component_badge_parts(report, "app")
    assert word == "Panne partielle"


def test_accountability_sentences_agree_in_number(report, fr):
    r = Renderer(report)
    entry = TEMPLATES.from_string('{% from "_communication_list.j2" import communication_list with context %}'
                                  '{{ communication_list(communication(report, f), f, f.incident, "") }}')

    def block(slug: str) -> str:
        return entry.render(r.context(urls.incident(slug), f=report.by_slug[slug]))

    maintenance, berlin = block("2026-12-02-app-database-migration"), block("2026-10-08-mobile-data-outage-berlin")
    assert "1 mise à jour." in maintenance
    assert "4 mises à jour." in berlin
    assert "Sur 1 mise à jour promise, 1 à l’heure." in block("2026-11-23-app-login-errors")
    assert "Sur 3 mises à jour promises, 2 à l’heure." in berlin
    assert "Résolu 1 h 58 min après le début." in berlin and "Aucun dédommagement proposé." in berlin
    page = pages.render_accountability_page(r)
    html = "".join(page.fragments.values()) if isinstance(page.fragments, dict) else "".join(page.fragments)
    assert "title: Comment nous communiquons" in page.markdown
    assert '<th scope="row">Novembre 2026</th>' in html  # a period is a key, named here (babel's month)
    assert re.search(r"\d+ sur \d+ \(\d+\u00a0%\)", html)
    for text in (maintenance, berlin, page.markdown, html):
        assert english_left(report, re.sub(r"<[^>]+>", " ", text), SENTENCE_WORDS) == []


def test_calendar_summaries_are_french(report, fr):
    text = {f.path: f.content for f in calendar.render_calendars(Renderer(report))}[urls.MAINTENANCE_CALENDAR].decode()
    unfolded = text.replace("\r\n ", "").replace("\\,", ",").replace("\\n", "\n")
    assert "X-WR-CALNAME:Northwind Mobile Status\u00a0: maintenances" in unfolded
    assert "État\u00a0: Terminée" in unfolded and "Créneau\u00a0: du " in unfolded


def test_a_card_is_drawn_in_french_where_no_language_is_set(report):
    """Drawing may run in a spawned process, without the language: the Card carries its words."""
    with i18n.use("fr"):
        card = social.incident_card(report.by_slug["2026-11-17-messaging-outage"], report.site)
    with i18n.use("en"):
        english = social.incident_card(report.by_slug["2026-11-17-messaging-outage"], report.site)
    assert cards.cache_key(card) != cards.cache_key(english)  # a French card is never served from an English one
    _png, placed = cards.draw(card)
    drawn = " ".join(p.text for p in placed)
    assert "Impact critique" in drawn and "Services concernés" in drawn


def test_frankly_post_publishes_in_the_sites_language(tmp_path):
    """The command renders outside a build: it sets the site's language itself."""
    from conftest import invoke

    project = tmp_path / "project"
    shutil.copytree(ROOT / "site_config", project / "site_config")
    shutil.copytree(ROOT / "incidents", project / "incidents")
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    site_yaml = project / "site_config" / "site.yaml"
    # The demo in French only: its French texts would now be the default language's.
    data = yaml.safe_load(site_yaml.read_text(encoding="utf-8"))
    del data["languages"], data["translations"], data["contact"]["translations"]
    for component in data["components"]:
        component.pop("translations", None)
    site_yaml.write_text(yaml.safe_dump({**data, "language": "fr"}, allow_unicode=True), encoding="utf-8")
    (project / "incidents" / "2026-11-17-messaging-outage.yaml").unlink()
    result = invoke(project, "post", "2026-11-23-app-login-errors")
    assert result.exit_code == 0, result.output
    assert "Login errors in the My Northwind app\u00a0: Cause identifiée" in result.output
    assert "Services concernés\u00a0: My Northwind app (Panne partielle)" in result.output
    assert "--- Mastodon: " in result.output  # the headers are for the editor: English
    assert i18n.active().language == "en"  # and the language is the caller's again afterwards
