"""Social media: link previews (Open Graph / X card tags), card images, share
links, `frankly post` texts, and addresses that keep working after a rename.

Pages are read with BeautifulSoup, images with Pillow, post lengths with the
same counting X uses (twitter-text-parser), git history with real git.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from generator.outputs.tweetlength import parse_tweet  # X's own counter (twitter-text-parser)

from conftest import REPO, invoke, run_frankly, tree_bytes, write_incident, stderr_notes
from generator.outputs import cards, posts, social
from generator.facts.derive import derive
from generator.input.load import ProjectPaths, load_all
from generator.outputs.templating import Renderer

BASE = "https://status.acme.test/"
SLUGS = [
    "2026-04-01-api-migration", "2026-03-10-dashboard-slow", "2026-03-05-email-maintenance",
    "2026-03-02-api-errors", "2025-12-31-new-year-notice",
]
REQUIRED_PROPERTIES = [
    "og:type", "og:title", "og:description", "og:url", "og:image", "og:image:type", "og:image:width",
    "og:image:height", "og:image:alt", "og:site_name", "og:locale",
]


def report_of(root: Path):
    return derive(load_all(ProjectPaths.at(root)))


def head_meta(doc: BeautifulSoup) -> dict[str, str]:
    """Every <meta property|name=... content=...> inside <head>, keyed by property or name."""
    found: dict[str, str] = {}
    for meta in doc.head.find_all("meta"):
        key = meta.get("property") or meta.get("name")
        if key and meta.has_attr("content"):
            assert key not in found, f"duplicate meta {key}"
            found[key] = meta["content"]
    return found


def site_file(site: Path, absolute_url: str) -> Path:
    assert absolute_url.startswith(BASE), absolute_url
    return site / absolute_url[len(BASE):]


def png_chunks(data: bytes) -> list[str]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunks.append(kind.decode("ascii"))
        offset += 12 + length
    return chunks


# ---------------------------------------------------------------- link previews (built site)


@pytest.mark.slow
@pytest.mark.parametrize("slug", SLUGS)
def test_incident_page_head_has_every_preview_tag(built_fixture_site, slug):
    html = (built_fixture_site / "incidents" / slug / "index.html").read_text(encoding="utf-8")
    assert "&lt;/head&gt;" not in html  # the tags go into <head>, not into the page's text
    doc = BeautifulSoup(html, "html.parser")
    meta = head_meta(doc)
    page_url = f"{BASE}incidents/{slug}/"
    for key in REQUIRED_PROPERTIES + ["article:published_time", "article:modified_time"]:
        assert doc.head.find("meta", attrs={"property": key}) is not None, f"{slug}: no <meta property={key}>"
    assert doc.head.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    assert meta["og:type"] == "article"
    assert meta["og:url"] == page_url == doc.head.find("link", rel="canonical")["href"]
    assert meta["og:site_name"] == "Acme Cloud Status"
    assert meta["og:locale"] == "en_US"
    assert meta["og:title"] == doc.select_one(".frankly-incident h1").get_text()
    assert meta["og:image"] == f"{page_url}card.png"
    assert (meta["og:image:type"], meta["og:image:width"], meta["og:image:height"]) == ("image/png", "1200", "630")
    assert meta["og:image:alt"].startswith(f"Acme Cloud · ") and meta["og:title"] in meta["og:image:alt"]
    for key in ("article:published_time", "article:modified_time"):
        assert datetime.fromisoformat(meta[key]).tzinfo is not None, f"{key} without offset"
    assert datetime.fromisoformat(meta["article:published_time"]) <= datetime.fromisoformat(meta["article:modified_time"])
    image_file = site_file(built_fixture_site, meta["og:image"])
    with Image.open(image_file) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))


@pytest.mark.slow
def test_incident_preview_says_status_and_latest_update(built_fixture_site):
    meta = head_meta(BeautifulSoup((built_fixture_site / "incidents/2026-03-02-api-errors/index.html").read_text(), "html.parser"))
    assert meta["og:description"] == "Resolved after 1 h 15 min; major impact. Latest update: Error rates are back to normal."
    # first update and the newest change anywhere in the entry (the postmortem), with the site's offsets
    assert meta["article:published_time"] == "2026-03-02T10:00:00-05:00"
    assert meta["article:modified_time"] == "2026-03-09T12:00:00-04:00"
    open_one = head_meta(BeautifulSoup((built_fixture_site / "incidents/2026-03-10-dashboard-slow/index.html").read_text(), "html.parser"))
    assert open_one["og:description"] == (
        "Identified, ongoing since 10 Mar 2026, 08:00 UTC-04:00; minor impact. "
        "Latest update: A database index is missing; we are rebuilding it."
    )


@pytest.mark.slow
def test_home_page_has_site_level_preview(built_fixture_site):
    doc = BeautifulSoup((built_fixture_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    meta = head_meta(doc)
    for key in REQUIRED_PROPERTIES:
        assert key in meta, key
    assert meta["og:type"] == "website"
    assert meta["og:url"] == BASE
    assert meta["og:title"] == "Acme Cloud Status"
    assert meta["og:description"] == "Minor service disruption. Live status of Acme Cloud's services."
    assert meta["twitter:card"] == "summary_large_image"
    with Image.open(site_file(built_fixture_site, meta["og:image"])) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
    # other pages get no article tags
    history = head_meta(BeautifulSoup((built_fixture_site / "history/index.html").read_text(), "html.parser"))
    assert "og:type" not in history


@pytest.mark.slow
def test_share_links_are_plain_links_to_the_canonical_address(built_fixture_site):
    doc = BeautifulSoup((built_fixture_site / "incidents/2026-03-02-api-errors/index.html").read_text(), "html.parser")
    page = f"{BASE}incidents/2026-03-02-api-errors/"
    share = doc.select_one("nav.frankly-share")
    links = {a.get_text(): a["href"] for a in share.find_all("a")}
    assert list(links) == ["X", "Mastodon", "LinkedIn", "Facebook", "E-mail"]
    x = urlsplit(links["X"])
    assert (x.scheme, x.netloc, x.path) == ("https", "x.com", "/intent/tweet")
    assert parse_qs(x.query) == {"text": ["Elevated API error rates: Resolved"], "url": [page]}
    mastodon = urlsplit(links["Mastodon"])
    assert (mastodon.netloc, mastodon.path) == ("mastodon.social", "/share")
    assert parse_qs(mastodon.query)["text"] == [f"Elevated API error rates: Resolved {page}"]
    assert parse_qs(urlsplit(links["LinkedIn"]).query) == {"url": [page]}
    assert parse_qs(urlsplit(links["Facebook"]).query) == {"u": [page]}
    mail = urlsplit(links["E-mail"])
    assert mail.scheme == "mailto"
    assert parse_qs(mail.query) == {"subject": ["Elevated API error rates"], "body": [f"Resolved after 1 h 15 min; major impact.\n\n{page}"]}
    copy = share.select_one("input")
    assert copy.has_attr("readonly") and copy["value"] == page
    assert doc.find("label", attrs={"for": copy["id"]}) is not None
    # Nothing runs and nothing is fetched: no script, no handlers, no images or frames from the networks.
    assert not share.find_all(["script", "img", "iframe", "form"])
    assert not [attr for tag in share.find_all(True) for attr in tag.attrs if attr.startswith("on")]
    assert all("noreferrer" in a["rel"] for a in share.find_all("a") if a["href"].startswith("https:"))


def test_head_tag_values_are_escaped(project):
    site_yaml = project / "site_config" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("name: Acme Cloud Status", "name: 'Acme \"Cloud\" <b>Status</b>'"))
    title = 'Quotes " and <script>alert(1)</script> & more'
    write_incident(project, "2026-05-01-escape.yaml", f"""\
kind: incident
title: '{title}'
summary: s
impact: minor
updates:
  - at: 2026-05-01T10:00:00+00:00
    status: investigating
    message: 'Message with "quotes" & <em>tags</em>'
""")
    report = report_of(project)
    facts = report.by_slug["2026-05-01-escape"]
    markup = str(social.head_tags(Renderer(report), "incidents/2026-05-01-escape/", facts))
    assert "<script>" not in markup
    doc = BeautifulSoup(f"<html><head>{markup}</head></html>", "html.parser")
    assert [tag.name for tag in doc.head.find_all(True)] == ["meta"] * len(doc.head.find_all(True))
    meta = head_meta(doc)
    assert meta["og:title"] == title
    assert meta["og:site_name"] == 'Acme "Cloud" <b>Status</b>'
    assert meta["og:description"].endswith('Latest update: Message with "quotes" & tags')


def test_og_locale_from_site_language():
    assert [social.og_locale(code) for code in ("en", "de", "en-GB", "pt_BR", "fr")] == ["en_US", "de_DE", "en_GB", "pt_BR", "fr_FR"]


def test_x_handle_comes_from_the_site_social_account(project):
    site_yaml = project / "site_config" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text() + "social:\n  x: https://x.com/acmecloud\n  mastodon: https://hachyderm.io/@acme\n")
    report = report_of(project)
    facts = report.by_slug["2026-03-02-api-errors"]
    meta = head_meta(BeautifulSoup(f"<head>{social.head_tags(Renderer(report), 'x', facts)}</head>", "html.parser"))
    assert meta["twitter:site"] == "@acmecloud"
    assert urlsplit(social.share_links(report.site, facts)["mastodon"]).netloc == "hachyderm.io"


# ---------------------------------------------------------------- card images


LONG_TITLE = (
    "🔥 Nous enquêtons sur une panne très étendue 🚨 des services de messagerie, d'appels vocaux, de données "
    "mobiles et de facturation à Zürich, Kraków, São Paulo, Ελλάδα et Москва "
    + "Supercalifragilisticexpialidociousandevenlongerwordthatcannotpossiblyfitononelineofthecard" * 2
)


def long_card() -> cards.Card:
    return cards.Card(
        eyebrow="Société Générale de Téléphonie Internationale et de Très Longues Raisons Sociales SARL · Incident",
        title=LONG_TITLE,
        pills=(cards.Pill("Investigating", "#cf222e"), cards.Pill("Critical impact", "#cf222e")),
        details=(
            "Started 2 Mar 2026, 09:50 UTC-05:00 · ongoing",
            "Affected: " + ", ".join(f"Component number {n} (Major outage)" for n in range(40)),
            "A third detail that has no room left",
        ),
        footer="status.example.com/incidents/2026-03-02-" + "very-long-slug-" * 12,
        accent="#cf222e",
    )


def test_long_card_text_stays_inside_the_card():
    png, placed = cards.draw(long_card())
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1200, 630)
        pixels = image.convert("RGB")
        # Nothing drawn in the right and bottom margins: text was wrapped or shortened, not clipped.
        right = pixels.crop((cards.WIDTH - cards.MARGIN + 4, 0, cards.WIDTH, cards.HEIGHT))
        bottom = pixels.crop((21, cards.HEIGHT - 24, cards.WIDTH, cards.HEIGHT))
        for strip in (right, bottom):
            assert strip.getcolors() == [(strip.width * strip.height, (255, 255, 255))]
    for drawn in placed:
        left, top, right_edge, bottom_edge = drawn.box
        assert cards.MARGIN <= left and right_edge <= cards.WIDTH - cards.MARGIN, drawn
        assert 0 <= top and bottom_edge <= cards.HEIGHT - 24, drawn
    for above, below in zip(placed, placed[1:]):
        if above.box[0] == below.box[0]:  # lines stacked in one column never overlap
            assert above.box[3] <= below.box[1], (above, below)


def test_long_card_text_is_shortened_at_words_with_an_ellipsis():
    _, placed = cards.draw(long_card())
    texts = [d.text for d in placed]
    title_lines = texts[1:4]
    assert title_lines[-1].endswith("…")
    shown = " ".join(title_lines).removesuffix("…")
    # accents kept, emoji left out (no boxes), whole words only
    assert shown.startswith("Nous enquêtons sur une panne très étendue des services")
    original_words = cards.drawable(LONG_TITLE).split(" ")
    assert shown.split(" ") == original_words[: len(shown.split(" "))]
    assert "\ufffd" not in shown and "🔥" not in shown
    assert texts[0].endswith("…") and texts[0].startswith("Société Générale")
    assert "Started 2 Mar 2026, 09:50 UTC-05:00 · ongoing" in texts  # the time is never pushed out
    affected = [t for t in texts if t.startswith("Affected") or "Component number" in t]
    assert affected and affected[-1].endswith("…")
    assert "A third detail that has no room left" not in texts


def test_a_word_wider_than_the_card_is_split_between_characters():
    font = cards._font(cards.BOLD, 58)
    word = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen" * 2
    lines = cards.wrap(word, font, 600, 3)
    assert all(font.getlength(line) <= 600 for line in lines)
    assert "".join(lines).removesuffix("…") == word[: len("".join(lines).removesuffix("…"))]
    assert lines[-1].endswith("…") or "".join(lines) == word


def test_characters_the_font_lacks_degrade_sanely():
    assert cards.drawable("Zürich 👩‍👩‍👧 outage 🔥 in Kraków ✅") == "Zürich outage in Kraków"
    assert cards.drawable("東京 down") == "\ufffd\ufffd down"  # visible as missing, never as an empty title
    assert cards.drawable("line\nbreak\ttab") == "line break tab"


def test_cards_are_deterministic_png_without_metadata():
    first, _ = cards.draw(long_card())
    second, _ = cards.draw(long_card())
    assert first == second
    assert set(png_chunks(first)) == {"IHDR", "IDAT", "IEND"}  # no tIME, no text chunks


def test_card_png_holds_exactly_the_pixels_drawn(monkeypatch):
    """The PNG is written by pypng, not Pillow: Pillow must read back every pixel as drawn,
    for a card and for an image of every byte value (the unfiltered rows are lossless)."""
    import random

    drawn = {}
    real_encode = cards.encode_png

    def keep(image):
        drawn["image"] = image.copy()
        return real_encode(image)

    monkeypatch.setattr(cards, "encode_png", keep)
    data, _ = cards.draw(long_card())
    with Image.open(io.BytesIO(data)) as back:
        assert (back.mode, back.size) == ("RGB", (cards.WIDTH, cards.HEIGHT))
        assert back.tobytes() == drawn["image"].tobytes()
    assert len(drawn["image"].getcolors(1 << 20)) > 256  # antialiased text: no palette would hold it
    noise = Image.frombytes("RGB", (257, 70), random.Random(20).randbytes(257 * 70 * 3))  # rows read in bands of 32
    with Image.open(io.BytesIO(cards.encode_png(noise))) as back:
        assert back.tobytes() == noise.tobytes()


@pytest.mark.parametrize("size, bold", [(30, True), (28, False), (26, False), (58, True)])
def test_a_stamped_line_has_the_pixels_of_the_line_drawn(size, bold):
    """Lines many cards share are rendered once and pasted through their mask (cards._stamp):
    on a coloured ground and on white, the pixels must be those of drawing the text."""
    from PIL import ImageDraw

    font = cards._font(cards.BOLD if bold else cards.REGULAR, size)
    for line in ("Acme Cloud · Incident", "Résolu", "Affected (at worst): API (Major outage)",
                 "Zürich, Kraków, e\u0301te\u0301 \ufffd", "jgpqy ÅÉ", "i"):
        for ground, ink in (("#ffffff", "#1f2328"), ("#cf222e", "#ffffff")):
            drawn = Image.new("RGB", (1200, 120), ground)
            ImageDraw.Draw(drawn).text((37, 21), line, font=font, fill=ink)
            pasted = Image.new("RGB", (1200, 120), ground)
            mask, (x0, y0, x1, y1) = cards._stamp(line, font)
            ImageDraw.Draw(pasted).bitmap((37 + x0, 21 + y0), mask, fill=ink)
            assert pasted.tobytes() == drawn.tobytes(), line
            assert (37 + x0, 21 + y0, 37 + x1, 21 + y1) == ImageDraw.Draw(drawn).textbbox((37, 21), line, font=font)


def test_a_card_drawn_by_another_encoder_or_pillow_is_not_reused(monkeypatch):
    """The card cache is keyed by what the bytes depend on besides the card: the layout,
    Pillow, the fonts, and zlib-ng's version and level (which may deflate differently)."""
    import PIL
    import zlib_ng

    from generator.outputs import pngfile

    card = long_card()
    keys = {cards.cache_key(card)}
    for module, name, value in ((zlib_ng, "__version__", "0.0.1"), (pngfile, "PNG_COMPRESS_LEVEL", 9),
                                (PIL, "__version__", "0.0.1"), (cards, "LAYOUT_VERSION", 0)):
        with monkeypatch.context() as patched:
            patched.setattr(module, name, value)
            keys.add(cards.cache_key(card))
    assert len(keys) == 5
    assert cards.cache_key(card) == cards.cache_key(long_card())


def test_fixture_cards_show_what_the_page_says(project):
    report = report_of(project)
    site = report.site
    card = social.incident_card(report.by_slug["2026-03-02-api-errors"], site)
    assert card.title == "Elevated API error rates"
    assert [p.text for p in card.pills] == ["Resolved", "Major impact"]
    assert card.details == (
        "Started 2 Mar 2026, 09:50 UTC-05:00 · lasted 1 h 15 min",
        "Affected (at worst): API (Major outage)",
    )
    assert card.eyebrow == "Acme Cloud · Incident"
    site_card = social.site_card(report)
    assert [p.text for p in site_card.pills] == ["Minor service disruption"]
    assert site_card.details[0] == "Dashboard (Degraded performance); 2 others operational"


@pytest.mark.slow
def test_cards_are_drawn_only_when_what_they_show_changes(project):
    first = run_frankly(project, "build")
    assert first.returncode == 0, first.stderr
    assert "Cards: 6 drawn, 0 reused from the cache" in first.stderr
    built = tree_bytes(project / "site")
    second = run_frankly(project, "build")
    assert "Cards: 0 drawn, 6 reused from the cache" in second.stderr
    assert tree_bytes(project / "site") == built
    # Reused cards are links to the cache: readable by the web server's user, not only the builder's.
    for card in (project / "site").rglob("card.png"):
        assert card.stat().st_mode & 0o444 == 0o444, f"{card} is not readable by all"
    # A new status and a recovered component change this incident's card and the site card, nothing else.
    dashboard = project / "incidents" / "2026-03-10-dashboard-slow.yaml"
    dashboard.write_text(dashboard.read_text() + """\
  - at: 2026-03-10T09:30:00-04:00
    status: monitoring
    message: The index is rebuilt; we are watching load times.
    components:
      dashboard: operational
""")
    third = run_frankly(project, "build")
    assert "Cards: 2 drawn, 4 reused from the cache" in third.stderr, third.stderr
    changed = {name for name, data in tree_bytes(project / "site").items() if name.endswith(".png") and built.get(name) != data}
    assert changed == {"card.png", "incidents/2026-03-10-dashboard-slow/card.png"}
    assert len(list((project / ".cache" / "frankly" / "cards").glob("*.png"))) == 6  # old cards pruned


# ---------------------------------------------------------------- frankly post


URL = f"{BASE}incidents/2026-05-01-long/"
SENTENCE = "Zürich, Kraków and São Paulo see failed logins 🔥; engineers are rerouting traffic 👩‍👩‍👧 now."


def long_incident(project: Path, message: str, title: str = "Logins fail in Europe and South America") -> None:
    write_incident(project, "2026-05-01-long.yaml", f"""\
kind: incident
title: '{title}'
summary: s
impact: major
components:
  api: major_outage
updates:
  - at: 2026-05-01T10:00:00+00:00
    status: investigating
    message: First look.
  - at: 2026-05-01T10:30:00+00:00
    status: identified
    message: '{message}'
    next_update: 30m
""")


def parse_post_output(output: str) -> dict[str, tuple[str, str]]:
    """network -> (header, text) from what `frankly post` printed."""
    found = {}
    for header, text in re.findall(r"^--- (.+?) ---\n(.*?)(?=\n\n--- |\Z)", output, flags=re.S | re.M):
        found[header.split(":")[0]] = (header, text.rstrip("\n"))
    return found


def x_weight(text: str) -> int:
    """X's count computed independently: the link as 23, everything else by twitter-text."""
    body, link = text.rsplit("https://", 1)
    return parse_tweet(body).weightedLength + 23


def test_x_counting_follows_x_rules():
    assert posts.x_length("é" * 10) == 10  # accented Latin weighs 1
    assert posts.x_length("a😀b") == 4  # an emoji weighs 2
    assert posts.x_length("👩‍👩‍👧") == 2  # a joined emoji sequence is one emoji
    assert posts.x_length("東京") == 4  # CJK weighs 2
    assert posts.x_length("see https://status.acme.test/incidents/" + "x" * 200 + "/") == 4 + 23
    assert posts.mastodon_length("a😀b https://example.com/" + "y" * 100) == 4 + 23
    assert posts.x_length("(see https://example.com/a).") == 5 + 23 + 2  # closing punctuation is text
    assert posts.mastodon_length("(see https://example.com/a).") == 5 + 23 + 2


def test_short_post_is_not_shortened(project):
    result = invoke(project, "post", "2026-03-02-api-errors")
    assert result.exit_code == 0, result.output
    blocks = parse_post_output(result.stdout)
    assert list(blocks) == ["X", "Mastodon", "Bluesky", "LinkedIn / Facebook"]
    page = f"{BASE}incidents/2026-03-02-api-errors/"
    header, text = blocks["X"]
    assert text == f"Elevated API error rates: Resolved. Error rates are back to normal.\n{page}"
    assert header == f"X: {x_weight(text)}/280 characters (counted as X does: links 23, emoji and CJK 2)"
    for network, (header, text) in blocks.items():
        assert text.endswith("\n" + page) and "shortened" not in header, network
    assert "Error rates are back to normal." in blocks["LinkedIn / Facebook"][1]


def test_long_post_with_accents_and_emoji_is_shortened_at_a_word(project):
    message = " ".join([SENTENCE] * 12)  # about 1100 characters
    long_incident(project, message)
    result = invoke(project, "post", "2026-05-01-long")
    assert result.exit_code == 0, result.output
    blocks = parse_post_output(result.stdout)
    header, text = blocks["X"]
    assert x_weight(text) <= 280 and f"X: {x_weight(text)}/280" in header
    assert x_weight(text) > 280 - 30  # filled, not cut far too early
    assert "shortened to fit, the full update is on the page" in header
    assert text.endswith(f"…\nFull update: {URL}")
    body = text.split("\n")[0]
    assert body.startswith("Logins fail in Europe and South America: Identified. Zürich, Kraków and São Paulo")
    kept = body.removeprefix("Logins fail in Europe and South America: Identified. ").removesuffix("…")
    # ends at a word boundary (a comma before the … is dropped)
    assert message.startswith(kept) and re.match(r"[,;:]? ", message[len(kept):])

    header, text = blocks["Mastodon"]
    assert len(text.replace(URL, "")) + 23 <= 500  # Mastodon: code points (≥ its graphemes), link 23
    assert "shortened" in header and text.endswith(f"\nFull update: {URL}")
    # the message is shortened; what is affected and the promised next update are kept
    assert "…\n\nAffected: API (Major outage)\nNext update by 1 May 2026, 07:00 UTC-04:00.\nFull update:" in text

    header, text = blocks["LinkedIn / Facebook"]
    assert message in text and "shortened" not in header and text.endswith("\n" + URL)


def test_post_exactly_at_the_limit_is_kept_whole(project):
    title = "T"
    headline = f"{title}: Identified. "
    # fill to exactly 280 with X's weights: 'é' weighs 1, the link 23, and one line break
    filler = "é" * (280 - len(headline) - 1 - 23)
    long_incident(project, filler, title=title)
    report = report_of(project)
    facts = report.by_slug["2026-05-01-long"]
    x = posts.compose(report, facts, facts.latest_update)[0]
    assert (x.length, x.shortened) == (280, False)
    assert x.text == f"{headline}{filler}\n{URL}"
    long_incident(project, filler + "é", title=title)
    report = report_of(project)
    facts = report.by_slug["2026-05-01-long"]
    x = posts.compose(report, facts, facts.latest_update)[0]
    # one word too long for the post: it is left out whole, never cut
    assert x.shortened and x.text == f"{headline}…\nFull update: {URL}"


def test_post_for_an_older_update_and_by_former_slug(project):
    result = invoke(project, "post", "2026-03-02-api-outage", "--update", "u-20260302t150000z")
    assert result.exit_code == 0, result.output
    text = parse_post_output(result.stdout)["X"][1]
    assert text == f"Elevated API error rates: Investigating. We are investigating elevated error rates on the API.\n{BASE}incidents/2026-03-02-api-errors/"


def test_post_unknown_incident_or_update(project):
    result = invoke(project, "post", "2026-01-01-nope")
    assert result.exit_code == 1
    assert result.output == (
        "frankly post: unknown incident '2026-01-01-nope'; known (newest first): 2026-04-01-api-migration, "
        "2026-03-10-dashboard-slow, 2026-03-05-email-maintenance, 2026-03-02-api-errors, 2025-12-31-new-year-notice\n"
    )
    result = invoke(project, "post", "2026-03-10-dashboard-slow", "--update", "u-1")
    assert result.exit_code == 1
    assert result.output == (
        "frankly post: incident '2026-03-10-dashboard-slow' has no update 'u-1'; "
        "its updates (newest first): u-20260310t124500z, u-20260310t120000z\n"
    )


@pytest.mark.slow
def test_post_command_runs_as_a_console_command(project):
    result = run_frankly(project, "post", "nope")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("frankly post: unknown incident 'nope'; known (newest first): ")


# ---------------------------------------------------------------- addresses kept (git history)


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=root, check=True, capture_output=True,
    )


@pytest.fixture
def repo(project: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "published")
    return project


DELETED = (
    "incidents/2026-03-10-dashboard-slow.yaml:1:1: this published incident was deleted or renamed; its address "
    "/incidents/2026-03-10-dashboard-slow/ must keep working: add '- 2026-03-10-dashboard-slow' under aliases: "
    "in the file that replaced it (or restore the file)\n"
    "1 problem in 1 file.\n"
)


def test_check_passes_in_a_repository_with_nothing_removed(repo):
    result = invoke(repo, "check")
    assert (result.exit_code, result.stdout) == (0, "OK: 5 entries and 3 components are valid.\n")
    assert stderr_notes(result.stderr) == ""


def test_deleting_a_committed_incident_fails_check(repo):
    git(repo, "rm", "-q", "incidents/2026-03-10-dashboard-slow.yaml")
    git(repo, "commit", "-q", "-m", "delete")
    result = invoke(repo, "check")
    assert (result.exit_code, result.output) == (1, DELETED)
    # keeping the old slug as an alias of another entry makes the address work again
    errors = repo / "incidents" / "2026-03-02-api-errors.yaml"
    errors.write_text(errors.read_text().replace("aliases:\n", "aliases:\n  - 2026-03-10-dashboard-slow\n"))
    result = invoke(repo, "check")
    assert (result.exit_code, result.stdout) == (0, "OK: 4 entries and 3 components are valid.\n")


def test_deleting_without_committing_is_caught_too(repo):
    (repo / "incidents" / "2026-03-10-dashboard-slow.yaml").unlink()
    result = invoke(repo, "check")
    assert (result.exit_code, result.output) == (1, DELETED)


@pytest.mark.slow
def test_renamed_incident_needs_its_old_slug_as_alias_then_redirects(repo):
    git(repo, "mv", "incidents/2026-03-10-dashboard-slow.yaml", "incidents/2026-03-10-slow-dashboard.yaml")
    git(repo, "commit", "-q", "-m", "rename")
    result = run_frankly(repo, "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == DELETED.replace("in 1 file.\n", "in 1 file; nothing was built.\n")
    assert not (repo / "site").exists()
    renamed = repo / "incidents" / "2026-03-10-slow-dashboard.yaml"
    renamed.write_text(renamed.read_text() + "aliases:\n  - 2026-03-10-dashboard-slow\n")
    git(repo, "commit", "-q", "-am", "keep the old address")
    result = run_frankly(repo, "build")
    assert result.returncode == 0, result.stderr
    old = BeautifulSoup((repo / "site/incidents/2026-03-10-dashboard-slow/index.html").read_text(), "html.parser")
    assert old.find("link", rel="canonical")["href"] == f"{BASE}incidents/2026-03-10-slow-dashboard/"
    assert old.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=../2026-03-10-slow-dashboard/"


def test_outside_git_the_check_says_it_was_skipped(project):
    result = invoke(project, "check")
    assert result.exit_code == 0
    assert stderr_notes(result.stderr) == (
        "Note: incidents/ is not in a git repository; skipped the check that deleted or renamed incidents keep their addresses.\n"
    )


def test_a_shallow_clone_says_its_history_is_partial(repo, tmp_path):
    git(repo, "commit", "-q", "--allow-empty", "-m", "second")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True, capture_output=True)
    result = invoke(clone, "check")
    assert result.exit_code == 0
    assert stderr_notes(result.stderr) == (
        "Note: this is a shallow git clone; only the history it holds was checked for deleted or renamed "
        "incidents (fetch with --unshallow for all of it).\n"
    )


def test_post_names_an_entry_as_the_editing_commands_do(project):
    """The file's path and the part after the date work as for `frankly update`; a typo gets a suggestion."""
    expected = invoke(project, "post", "2026-03-10-dashboard-slow").stdout
    assert expected
    for given in ("incidents/2026-03-10-dashboard-slow.yaml", "dashboard-slow", "2026-03-10-dashboard-slow.yaml"):
        result = invoke(project, "post", given)
        assert (result.exit_code, result.stdout) == (0, expected), given
    result = invoke(project, "post", "2026-03-10-dashbord-slow")
    assert (result.exit_code, result.stderr) == (1, "frankly post: unknown incident '2026-03-10-dashbord-slow'; did you mean '2026-03-10-dashboard-slow'?\n")


def test_the_card_says_a_promised_update_is_overdue_when_the_build_judges_it_so(project):
    report = derive(load_all(ProjectPaths.at(project)), now=datetime.fromisoformat("2026-03-10T11:00:00-04:00"))
    facts = report.by_slug["2026-03-10-dashboard-slow"]
    card = social.incident_card(facts, report.site, report.overdue_promise(facts))
    assert "Next update overdue: promised by 10 Mar 2026, 10:00 UTC-04:00" in card.details
    quiet = social.incident_card(facts, report.site, None)
    assert not [d for d in quiet.details if "overdue" in d]


def test_post_lengths_work_where_setuptools_has_no_pkg_resources():
    """Python 3.12+ virtualenvs and setuptools 81+ have no pkg_resources, which
    twitter-text-parser reads its emoji table with: Frankly must count lengths there too."""
    code = (
        "import sys; sys.modules['pkg_resources'] = None\n"  # `import pkg_resources` now fails, as on Python 3.12
        "from generator.outputs.tweetlength import parse_tweet\n"
        "print(parse_tweet('Outage 🔥 https://status.example.com/incidents/x/').weightedLength)\n"
        "print('pkg_resources' in sys.modules and sys.modules['pkg_resources'] is None)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert (result.returncode, result.stdout, result.stderr) == (0, "33\nFalse\n", "")
