"""The built site in a real browser: Debian's headless Chromium driven through
chromedriver (no browser downloads). What only a browser shows: search works
offline, dark mode follows the reader, pages read without JavaScript, and no
page asks another host for anything."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from conftest import wait_for

pytestmark = pytest.mark.slow

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip(
        "Debian's chromium and chromium-driver are not installed; `make test` installs them when run as root (as CI is)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402  (only once the browser is known to exist)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402


@pytest.fixture(scope="module")
def site_url(built_fixture_site: Path):
    """The fixed test site served over HTTP on loopback (search needs HTTP, not file://)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_fixture_site))

    class Quiet(handler.func):  # type: ignore[name-defined]
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built_fixture_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


#: The fixed test site's zone: a reader there sees no local time added beside the site's.
SITE_ZONE = "America/New_York"


def _browser(tmp_path: Path, *, javascript: bool = True, dark: bool = False, tz: str = SITE_ZONE,
             size: tuple[int, int] = (1280, 1000)) -> webdriver.Chrome:
    """Chromium with the reader's time zone ``tz`` (the TZ environment it starts with)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--window-size={size[0]},{size[1]}", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER, env={**os.environ, "TZ": tz}), options=options)
    if dark:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    return driver


@pytest.fixture
def browser(tmp_path):
    driver = _browser(tmp_path)
    yield driver
    driver.quit()


def _requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_search_finds_incident_text_offline(browser, site_url):
    browser.get(site_url)
    wait_for(lambda: browser.find_element(By.CSS_SELECTOR, "label.md-search__icon, .md-search__input"), 20)
    browser.execute_script("document.querySelector('.md-search__input').focus()")
    browser.find_element(By.CSS_SELECTOR, ".md-search__input").send_keys("database index")
    results = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, ".md-search-result__item a"), 20)
    hrefs = [a.get_attribute("href") for a in results]
    assert any(h.startswith(site_url + "incidents/2026-03-10-dashboard-slow/") for h in hrefs), hrefs


def test_no_page_asks_another_host_for_anything(browser, site_url):
    for path in ("", "incidents/2026-03-02-api-errors/", "history/2026/", "accountability/"):
        browser.get(site_url + path)
        wait_for(lambda: browser.execute_script("return document.readyState") == "complete", 20)
    requested = [u for u in _requested_urls(browser) if u.startswith("http")]
    assert requested and all(u.startswith(site_url) for u in requested), [u for u in requested if not u.startswith(site_url)]


def test_dark_mode_follows_the_reader_and_toggles(tmp_path, site_url):
    driver = _browser(tmp_path, dark=True)
    try:
        driver.get(site_url)
        scheme = lambda: driver.execute_script("return document.body.getAttribute('data-md-color-scheme')")  # noqa: E731
        assert wait_for(lambda: scheme() == "slate", 20)
        banner = driver.find_element(By.CSS_SELECTOR, ".frankly-banner__text")
        assert banner.text == "Minor service disruption: Dashboard" and banner.is_displayed()
        driver.find_element(By.CSS_SELECTOR, "form[data-md-component=palette] label:not([hidden])").click()
        assert wait_for(lambda: scheme() == "default", 20)
    finally:
        driver.quit()


def test_incident_page_reads_without_javascript(tmp_path, site_url):
    driver = _browser(tmp_path, javascript=False)
    try:
        driver.get(site_url + "incidents/2026-03-02-api-errors/")
        updates = driver.find_elements(By.CSS_SELECTOR, ".frankly-timeline > li")
        assert [u.is_displayed() for u in updates] == [True, True, True]
        assert "Error rates are back to normal." in updates[0].text
        assert driver.find_element(By.CSS_SELECTOR, ".frankly-apology__statement").is_displayed()
    finally:
        driver.quit()


def _at_reader_clock(driver, iso: str) -> None:
    """The reader's clock reads ``iso`` on every page this browser opens."""
    from datetime import datetime

    millis = int(datetime.fromisoformat(iso).timestamp() * 1000)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": f"Date.now = function () {{ return {millis}; }};"})


INCIDENT = "incidents/2026-03-10-dashboard-slow/"  # open; its latest update promised the next by 10:00 (UTC-04:00)


@pytest.mark.parametrize(("clock", "late"), [
    ("2026-03-10T09:59:00-04:00", ""),
    ("2026-03-10T10:25:00-04:00", " Overdue by 25 min."),
    ("2026-03-12T11:05:00-04:00", " Overdue by 2 d 1 h 5 min."),
])
def test_a_promise_is_judged_by_the_readers_clock(site_url, tmp_path, clock, late):
    driver = _browser(tmp_path)
    try:
        _at_reader_clock(driver, clock)
        for page in ("", INCIDENT):
            driver.get(site_url + page)
            promise = driver.find_element(By.CSS_SELECTOR, ".frankly-promise")
            assert promise.text == "Next update promised by 10 Mar 2026, 10:00 UTC-04:00." + late, page
            overdue = "frankly-promise--overdue" in promise.get_attribute("class")
            assert overdue == bool(late), page
    finally:
        driver.quit()


def test_without_javascript_the_promise_is_said_plainly(site_url, tmp_path):
    driver = _browser(tmp_path, javascript=False)
    try:
        driver.get(site_url + INCIDENT)
        assert driver.find_element(By.CSS_SELECTOR, ".frankly-promise").text == "Next update promised by 10 Mar 2026, 10:00 UTC-04:00."
    finally:
        driver.quit()
