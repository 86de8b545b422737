"""Badges as a browser, a screen reader and shields.io read them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.outputs import urls
from generator.outputs.badges import render_badges
from generator.facts.derive import derive
from generator.input.load import ProjectPaths, load_all
from generator.outputs.templating import Renderer

from conftest import write_incident

SVG = "{http://www.w3.org/2000/svg}"

#: The agreed colour for each state: shields' hues, dark enough for white text.
EXPECTED_COLOUR = {
    "none": "#2e7d32", "operational": "#2e7d32",
    "minor": "#8a6500", "degraded_performance": "#8a6500",
    "major": "#c2410c", "partial_outage": "#c2410c",
    "critical": "#b91c1c", "major_outage": "#b91c1c",
    "maintenance": "#1d4ed8", "under_maintenance": "#1d4ed8",
}


def badges_of(root: Path) -> dict[str, bytes]:
    report = derive(load_all(ProjectPaths.at(root)))
    return {f.path: f.content for f in render_badges(Renderer(report))}


def read_svg(content: bytes) -> dict:
    """What a viewer gets from the badge: accessible name, words drawn, colours, size."""
    root = ET.fromstring(content)  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("fill", "").startswith("#")]
    return {
        "role": root.get("role"),
        "aria_label": root.get("aria-label"),
        "title": root.find(f"{SVG}title").text,
        "words": texts[1::2],  # each text is drawn twice: shadow, then the text
        "message_colour": rects[-1].get("fill"),
        "width": int(root.get("width")),
        "parts": [int(r.get("width")) for r in rects[-2:]],
    }


def contrast_with_white(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def open_incident(impact: str, component_status: str) -> str:
    return f"""\
kind: incident
title: Trouble
summary: Something is wrong.
impact: {impact}
components:
  email: {component_status}
updates:
  - at: 2026-03-20T10:00:00Z
    status: investigating
    message: Looking.
"""


ACTIVE_MAINTENANCE = """\
kind: maintenance
title: Relay work
summary: Relays restart.
impact: minor
components:
  email: under_maintenance
window:
  start: 2026-03-20T10:00:00Z
  end: 2026-03-20T11:00:00Z
updates:
  - at: 2026-03-19T10:00:00Z
    status: scheduled
    message: Planned.
  - at: 2026-03-20T10:00:00Z
    status: in_progress
    message: Started.
"""


@pytest.mark.parametrize(
    "setup, description",
    [
        ("fixture", "Minor service disruption"),
        ("nothing open", "All systems operational"),
        ("major", "Partial system outage"),
        ("critical", "Major system outage"),
        ("maintenance", "Service under maintenance"),
    ],
)
def test_status_badge_words_and_colour(project, setup, description):
    indicator = {"fixture": "minor", "nothing open": "none"}.get(setup, setup)
    if setup != "fixture":
        (project / "incidents" / "2026-03-10-dashboard-slow.yaml").unlink()
    if setup in ("major", "critical"):
        write_incident(project, "2026-03-20-trouble.yaml", open_incident(setup, "partial_outage"))
    if setup == "maintenance":
        write_incident(project, "2026-03-20-relay.yaml", ACTIVE_MAINTENANCE)
    files = badges_of(project)
    badge = read_svg(files[urls.BADGE_STATUS_SVG])
    assert badge["role"] == "img"
    assert badge["title"] == badge["aria_label"] == f"status: {description}"
    assert badge["words"] == ["status", description]
    assert badge["message_colour"] == EXPECTED_COLOUR[indicator]
    assert json.loads(files[urls.BADGE_STATUS_JSON]) == {
        "schemaVersion": 1, "label": "status", "message": description, "color": EXPECTED_COLOUR[indicator],
    }


@pytest.mark.parametrize(
    "status, words",
    [
        ("degraded_performance", "Degraded performance"),
        ("partial_outage", "Partial outage"),
        ("major_outage", "Major outage"),
    ],
)
def test_component_badge_words_and_colour(project, status, words):
    write_incident(project, "2026-03-20-trouble.yaml", open_incident("minor", status))
    files = badges_of(project)
    badge = read_svg(files[urls.component_badge_svg("email")])
    assert (badge["title"], badge["words"], badge["message_colour"]) == (f"E-mail delivery: {words}", ["E-mail delivery", words], EXPECTED_COLOUR[status])
    assert json.loads(files[urls.component_badge_json("email")])["message"] == words
    # The other components are untouched by this incident.
    assert read_svg(files[urls.component_badge_svg("api")])["words"] == ["API", "Operational"]
    assert read_svg(files[urls.component_badge_svg("api")])["message_colour"] == EXPECTED_COLOUR["operational"]


def test_component_under_maintenance(project):
    write_incident(project, "2026-03-20-relay.yaml", ACTIVE_MAINTENANCE)
    badge = read_svg(badges_of(project)[urls.component_badge_svg("email")])
    assert (badge["words"], badge["message_colour"]) == (["E-mail delivery", "Under maintenance"], EXPECTED_COLOUR["under_maintenance"])


def test_every_badge_colour_keeps_white_text_readable():
    assert all(contrast_with_white(colour) >= 4.5 for colour in EXPECTED_COLOUR.values())


def test_badges_are_small_wide_enough_and_escape_names(project):
    site = project / "site_config" / "site.yaml"
    long_name = 'Payments & <Billing> "EU" — Zahlungsabwicklung für Großkunden'
    site.write_text(site.read_text().replace("name: E-mail delivery", f"name: '{long_name}'"))
    files = badges_of(project)
    for path, content in files.items():
        if path.endswith(".svg"):
            assert len(content) < 2048, (path, len(content))
    badge = read_svg(files[urls.component_badge_svg("email")])
    assert badge["words"][0] == long_name  # escaped in the file, intact for the reader
    # Wider text, wider box: the label part grows with the name.
    api_badge = read_svg(files[urls.component_badge_svg("api")])
    assert badge["parts"][0] > api_badge["parts"][0] and badge["width"] == sum(badge["parts"])


@pytest.mark.slow
def test_several_badges_inlined_in_one_page_do_not_share_ids(built_fixture_site):
    ids = []
    for svg in sorted((built_fixture_site / "badges").rglob("*.svg")):
        ids += [e.get("id") for e in ET.parse(svg).getroot().iter() if e.get("id")]
    assert len(ids) == len(set(ids)) == 2 * 7  # gradient + clip path, for status, three components and their uptime


@pytest.mark.slow
def test_built_site_has_every_badge(built_fixture_site):
    expected = {urls.BADGE_STATUS_SVG, urls.BADGE_STATUS_JSON}
    for component_id in ("api", "dashboard", "email"):
        expected |= {urls.component_badge_svg(component_id), urls.component_badge_json(component_id),
                     urls.component_uptime_badge_svg(component_id), urls.component_uptime_badge_json(component_id)}
    built = {p.relative_to(built_fixture_site).as_posix() for p in (built_fixture_site / "badges").rglob("*") if p.is_file()}
    assert built == expected
    assert read_svg((built_fixture_site / urls.component_badge_svg("dashboard")).read_bytes())["words"] == ["Dashboard", "Degraded performance"]


def test_uptime_badge_shows_the_90_day_figure_of_the_json(project):
    """The same figure as /api/v2/uptime.json, coloured by shields.io's uptime steps."""
    two_hours_down = open_incident("major", "major_outage") + (
        "  - at: 2026-03-20T12:00:00Z\n    status: resolved\n    message: Fixed.\n    components:\n      email: operational\n")
    write_incident(project, "2026-03-20-trouble.yaml", two_hours_down)
    files = badges_of(project)
    from generator.facts.derive import derive
    from generator.facts.uptime import uptime
    from generator.input.load import ProjectPaths, load_all

    history = uptime(derive(load_all(ProjectPaths.at(project))))["email"]
    badge = read_svg(files[urls.component_uptime_badge_svg("email")])
    assert badge["words"] == ["E-mail delivery 90 days", history.percent]
    assert history.percent.endswith("%") and history.availability < 1
    expected = "#2e7d32" if history.availability >= 0.999 else "#8a6500" if history.availability >= 0.99 else "#c2410c" if history.availability >= 0.95 else "#b91c1c"
    assert badge["message_colour"] == expected
    assert json.loads(files[urls.component_uptime_badge_json("email")]) == {
        "schemaVersion": 1, "label": "E-mail delivery 90 days", "message": history.percent, "color": expected}
    slow = read_svg(files[urls.component_uptime_badge_svg("dashboard")])  # degraded performance is not downtime
    assert slow["words"] == ["Dashboard 90 days", "100%"] and slow["message_colour"] == "#2e7d32"
