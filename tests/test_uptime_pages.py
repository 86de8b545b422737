"""The uptime strips as customers get them: on the home page (no day links, so its size
stays put), the components index (with groups and the definition) and each component's
page (90 days with links, a year without)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from generator.facts.derive import derive
from generator.facts.uptime import uptime
from generator.input.load import ProjectPaths, load_all
from conftest import FIXTURE_SITE

pytestmark = pytest.mark.slow


def page(site, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_home_shows_one_strip_per_component_without_day_links(built_fixture_site):
    home = page(built_fixture_site, "")
    strips = home.select(".frankly-components > li .fr-up")
    assert len(strips) == 3
    for strip in strips:
        days = strip.select("ol > li")
        assert len(days) == 90 and not strip.select("ol a")
        assert strip.select_one("p a")["href"] == "components/#uptime"


def test_a_component_page_links_each_day_with_entries_to_a_built_page(built_fixture_site):
    report = derive(load_all(ProjectPaths.at(FIXTURE_SITE)))
    expected = uptime(report)["api"]
    doc = page(built_fixture_site, "components/api")
    ninety, year = doc.select(".fr-up")
    assert len(ninety.select("ol > li")) == 90 and len(year.select("ol > li")) == 365
    assert year.find_parent("details") is not None and not year.select("ol a")
    assert expected.percent in ninety.select_one("p").get_text()
    busy = [d for d in expected.days if d.entries]
    links = ninety.select("ol a")
    assert len(links) == len(busy) > 0
    for link, day in zip(links, busy):
        target = (built_fixture_site / "components" / "api" / link["href"]).resolve() / "index.html"
        assert target.is_file() and f"/incidents/{day.entries[0]}" in target.parent.as_posix()
    classes = [li.get("class", [""])[0] for li in ninety.select("ol > li")]
    assert classes.count("m") == sum(1 for d in expected.days if d.worst is not None and d.worst.value == "major_outage")


def test_the_components_index_has_group_strips_and_the_definition(built_fixture_site):
    doc = page(built_fixture_site, "components")
    group = doc.select_one("details.frankly-group")
    assert group.select_one(":scope > .fr-up ol")["aria-label"].startswith("Platform: availability per day, ")
    definition = doc.select_one("#uptime").find_next_sibling("p").get_text(" ", strip=True)
    assert "major outage counts fully as downtime and a partial outage at 30% of its time" in " ".join(definition.split())
