"""The embeddable widget, as a browser loads it inside someone else's page."""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.outputs import urls
from generator.facts.derive import derive
from generator.outputs.embed import render_embed
from generator.input.load import ProjectPaths, load_all
from generator.outputs.templating import Renderer


def text_of(node) -> str:
    return " ".join(node.get_text(" ").split())


def assert_self_contained(doc: BeautifulSoup) -> None:
    """No script, no external asset: it must work under a strict CSP on any host."""
    assert doc.find("script") is None
    assert not [tag for tag in doc.find_all(True) if any(attr.startswith("on") for attr in tag.attrs)]
    assert doc.find("link", rel="stylesheet") is None and doc.find("img") is None and doc.find("iframe") is None
    assert [tag.name for tag in doc.find_all(src=True)] == []
    assert doc.find("style") is not None  # its look travels inline


@pytest.mark.slow
def test_widget_shows_status_and_open_incidents_with_links_out(built_fixture_site):
    doc = BeautifulSoup((built_fixture_site / urls.EMBED / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert_self_contained(doc)
    assert text_of(doc.select_one(".banner")) == "Minor service disruption: Dashboard"  # names what is broken
    entries = doc.select(".open li")
    assert [text_of(li.a) for li in entries] == ["Dashboard is slow"]
    assert "Identified" in text_of(entries[0]) and "since 10 Mar 2026, 08:00 UTC-04:00" in text_of(entries[0])
    links = doc.find_all("a")
    assert links and all(a["target"] == "_top" for a in links)
    for a in links:  # every link lands on a page that exists in the built site
        target = posixpath.normpath(posixpath.join("/" + urls.EMBED, a["href"]))
        assert (built_fixture_site / target.lstrip("/") / "index.html").is_file(), a["href"]


def test_widget_when_all_is_well(project: Path):
    (project / "incidents" / "2026-03-10-dashboard-slow.yaml").unlink()
    [page] = render_embed(Renderer(derive(load_all(ProjectPaths.at(project)))))
    assert page.path == "embed/index.html"
    doc = BeautifulSoup(page.content.decode("utf-8"), "html.parser")
    assert_self_contained(doc)
    assert text_of(doc.select_one(".banner")) == "All systems operational"
    assert doc.select(".open li") == []
    assert doc.title.string == "Acme Cloud Status: All systems operational"


def test_widget_lists_maintenance_under_way(project: Path):
    (project / "incidents" / "2026-03-10-dashboard-slow.yaml").unlink()
    (project / "incidents" / "2026-03-20-relay.yaml").write_text(
        "kind: maintenance\ntitle: Relay work\nsummary: Relays restart.\nimpact: minor\n"
        "components:\n  email: under_maintenance\n"
        "window:\n  start: 2026-03-20T10:00:00Z\n  end: 2026-03-20T11:00:00Z\n"
        "updates:\n  - at: 2026-03-20T10:00:00Z\n    status: in_progress\n    message: Started.\n",
        encoding="utf-8",
    )
    [page] = render_embed(Renderer(derive(load_all(ProjectPaths.at(project)))))
    doc = BeautifulSoup(page.content.decode("utf-8"), "html.parser")
    assert text_of(doc.select_one(".banner")) == "Service under maintenance: E-mail delivery"
    assert [text_of(li) for li in doc.select(".open li")] == ["Relay work In progress · Minor impact · since 20 Mar 2026, 06:00 UTC-04:00"]
    assert doc.select_one(".open a")["href"] == "../incidents/2026-03-20-relay/"
