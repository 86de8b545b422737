"""The Subscribe page (/subscribe/, generated from site.yaml by templates/subscribe.md.j2):
a set of real choices, each with the exact address to copy, and every address a
file the build wrote."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURE_SITE, REPO, copy_project, invoke, run_frankly
from generator.facts.derive import derive
from generator.input.load import ProjectPaths, load_all
from generator.outputs.pages import render_subscribe_page
from generator.outputs.templating import Renderer

DEMO = "https://status.northwind-mobile.example/"
DEMO_COMPONENTS = ["sms", "mms", "rcs", "voice", "data", "app", "website"]


def page_html(root: Path) -> BeautifulSoup:
    """The Subscribe page's content rendered in-process (no mkdocs)."""
    page = render_subscribe_page(Renderer(derive(load_all(ProjectPaths.at(root)))))
    return BeautifulSoup(page.fill(page.markdown), "html.parser")


def addresses(doc: BeautifulSoup) -> list[str]:
    return [code.get_text() for code in doc.select("code.frankly-address")]


def test_every_feed_and_calendar_address_is_given_in_full():
    shown = addresses(page_html(REPO))
    expected = [DEMO + f"feeds/{name}.{fmt}" for name in ("updates", "incidents") for fmt in ("rss", "atom")]
    expected += [DEMO + f"feeds/components/{c}.{fmt}" for c in DEMO_COMPONENTS for fmt in ("rss", "atom", "ics")]
    expected += [DEMO + "feeds/maintenance.ics", DEMO + "api/v2/summary.json"]
    assert set(expected) <= set(shown), set(expected) - set(shown)


def test_the_calendar_choices_open_the_calendar_app():
    doc = page_html(REPO)
    webcal = [a["href"] for a in doc.select("a.frankly-webcal")]
    assert webcal[0] == "webcal://status.northwind-mobile.example/feeds/maintenance.ics"
    assert webcal[1:] == [f"webcal://status.northwind-mobile.example/feeds/components/{c}.ics" for c in DEMO_COMPONENTS]
    # Beside each link, the https address to paste (Google Calendar, Outlook).
    for link in doc.select("a.frankly-webcal"):
        assert link.find_next("code", class_="frankly-address").get_text() == "https://" + link["href"].removeprefix("webcal://")


def test_each_chat_tool_is_its_own_choice():
    doc = page_html(REPO)
    items = [li for li in doc.select("ul.frankly-howto > li") if li.strong and li.strong.get_text() in
             ("Slack", "Microsoft Teams", "Discord", "Any other tool")]
    assert [li.strong.get_text() for li in items] == ["Slack", "Microsoft Teams", "Discord", "Any other tool"]
    slack, teams, discord, other = items
    assert slack.select_one("code.frankly-address").get_text() == f"/feed subscribe {DEMO}feeds/updates.rss"
    assert "Power Automate" in teams.get_text() and "connector" in teams.get_text()
    assert "bot" in discord.get_text() and "webhook" in discord.get_text()
    assert "Slack" not in teams.get_text() + discord.get_text() + other.get_text()


def test_e_mail_sign_up_is_linked_when_site_yaml_gives_it(tmp_path: Path):
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    without = page_html(root)
    assert not [a for a in without.find_all("a") if "sign up" in a.get_text()]
    assert "feed-to-e-mail service" in without.get_text()
    config = root / "site_config" / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "subscribe:\n  email_signup_url: https://lists.acme.test/status/join\n", encoding="utf-8")
    with_list = page_html(root)
    link = next(a for a in with_list.find_all("a") if a.get_text() == "sign up for e-mail updates")
    assert link["href"] == "https://lists.acme.test/status/join"
    assert "https://lists.acme.test/status/join" in addresses(with_list)
    assert "feed-to-e-mail service" in with_list.get_text()  # still offered


def test_a_bad_sign_up_address_is_a_problem_at_its_position(tmp_path: Path):
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    config = root / "site_config" / "site.yaml"
    lines = len(config.read_text(encoding="utf-8").splitlines())
    config.write_text(config.read_text(encoding="utf-8") + "subscribe:\n  email_signup_url: \"javascript:alert(1)\"\n", encoding="utf-8")
    result = invoke(root, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"site_config/site.yaml:{lines + 2}:21: subscribe.email_signup_url: "
        "expected a web address starting with https:// (or http://), got 'javascript:alert(1)'"
    )


# ---------------------------------------------------------------- the built site


@pytest.mark.slow
def test_every_address_on_the_built_page_is_a_built_file(built_demo_site: Path):
    page = built_demo_site / "subscribe" / "index.html"
    doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    content = doc.select_one("article.md-content__inner")
    shown = [text.removeprefix("/feed subscribe ") for text in addresses(content)]
    own = [text for text in shown if text.startswith(DEMO) and "…" not in text]
    assert len(own) >= 2 * 2 + 3 * len(DEMO_COMPONENTS) + 2
    for address in own:
        assert (built_demo_site / address.removeprefix(DEMO)).is_file(), address
    for link in content.select("a[href]"):
        href = link["href"]
        if href.startswith(("https:", "http:", "#", "webcal:", "mailto:")):
            continue
        target = (page.parent / href).resolve()
        assert target.is_file() or (target / "index.html").is_file(), href
    # It reads as a page of the site: in the navigation, its headings in the table of contents.
    assert [a.get_text(strip=True) for a in doc.select("nav.md-tabs a.md-tabs__link")].count("Subscribe") == 1
    toc = [a.get_text(strip=True) for a in doc.select("nav.md-nav--secondary a.md-nav__link")]
    assert toc[:4] == ["In a feed reader", "In a calendar", "In team chat", "By e-mail"]


@pytest.mark.slow
def test_a_hand_written_subscribe_page_of_an_older_site_gives_way(tmp_path_factory):
    root = copy_project(FIXTURE_SITE, tmp_path_factory.mktemp("older") / "project")
    (root / "docs" / "subscribe.md").write_text("# Subscribe\n\nOld text.\n", encoding="utf-8")
    result = run_frankly(root, "build")
    assert result.returncode == 0, result.stderr
    assert "docs/subscribe.md is replaced by the page Frankly generates at that address" in result.stderr
    html = (root / "site" / "subscribe" / "index.html").read_text(encoding="utf-8")
    assert "Old text." not in html and "In a calendar" in html


CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.mark.slow
@pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="Debian's chromium and chromium-driver are not installed")
def test_the_page_reads_on_a_phone_without_javascript(built_demo_site: Path, tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built_demo_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        driver.get(f"http://127.0.0.1:{server.server_address[1]}/subscribe/")
        assert driver.execute_script("return window.innerWidth") == 390
        # Nothing wider than the phone: the longest address wraps instead of scrolling sideways.
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
        codes = driver.find_elements(By.CSS_SELECTOR, "code.frankly-address")
        visible = [c for c in codes if c.is_displayed()]
        assert visible and all(c.rect["x"] + c.rect["width"] <= 390 for c in visible)
        assert all(c.value_of_css_property("user-select") == "all" for c in visible)
        # A component's addresses open without any script (<details>).
        summary = driver.find_element(By.CSS_SELECTOR, "details.frankly-component-addresses summary")
        summary.click()
        opened = driver.find_element(By.CSS_SELECTOR, "details.frankly-component-addresses[open] code.frankly-address")
        assert opened.is_displayed() and opened.text == DEMO + "feeds/components/sms.rss"
    finally:
        driver.quit()
        server.shutdown()
