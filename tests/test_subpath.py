"""A site published under a sub-path (GitHub Pages of a project:
https://user.github.io/repo/) works: absolute addresses in feeds, JSON, link
previews and the sitemap carry the sub-path, and every relative link and asset
of the pages resolves when the site is served there."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURE_SITE, copy_project, run_frankly

BASE = "https://user.github.io/repo/"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    root = copy_project(FIXTURE_SITE, tmp_path_factory.mktemp("subpath") / "project")
    site_yaml = root / "site_config" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("base_url: https://status.acme.test/", f"base_url: {BASE}"), encoding="utf-8")
    result = run_frankly(root, "build")
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.mark.slow
def test_absolute_addresses_carry_the_sub_path(published: Path):
    summary = json.loads((published / "api/v2/summary.json").read_text(encoding="utf-8"))
    assert summary["page"]["url"] == BASE.rstrip("/")
    assert all(i["shortlink"].startswith(BASE + "incidents/") for i in summary["incidents"])
    for feed in ("feeds/updates.atom", "feeds/incidents.rss", "incidents/2026-03-02-api-errors/feed.atom"):
        text = (published / feed).read_text(encoding="utf-8")
        assert "https://user.github.io/incidents" not in text and BASE + "incidents/2026-03-02-api-errors/" in text, feed
    page = BeautifulSoup((published / "incidents/2026-03-02-api-errors/index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one('meta[property="og:image"]')["content"] == BASE + "incidents/2026-03-02-api-errors/card.png"
    assert page.select_one('link[rel="canonical"]')["href"] == BASE + "incidents/2026-03-02-api-errors/"
    assert "<loc>https://user.github.io/repo/incidents/2026-03-02-api-errors/</loc>" in (published / "sitemap.xml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_relative_link_and_asset_resolves_under_the_sub_path(published: Path, tmp_path: Path):
    (tmp_path / "served").mkdir()
    (tmp_path / "served" / "repo").symlink_to(published, target_is_directory=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path / "served")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/repo/"
    try:
        checked = set()
        for page in ("", "incidents/2026-03-02-api-errors/", "components/api/", "history/", "embed/"):
            html = urllib.request.urlopen(root + page, timeout=10).read().decode("utf-8")
            soup = BeautifulSoup(html, "html.parser")
            for tag, attribute in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
                for element in soup.find_all(tag):
                    target = element.get(attribute)
                    if not target or target.startswith(("#", "mailto:", "data:")) or urlsplit(target).scheme in ("http", "https"):
                        continue
                    url = urljoin(root + page, target).split("#")[0]
                    assert url.startswith(root), (page, target)  # never above the sub-path
                    if url not in checked:
                        checked.add(url)
                        assert urllib.request.urlopen(url, timeout=10).status == 200, (page, target)
        assert len(checked) > 20
    finally:
        server.shutdown()
        server.server_close()
