"""An entry's outputs depend only on that entry, the site's configuration and
the moment the build judges open entries at: an update to A changes no byte
about B, in any page, feed, JSON file or card (what incremental builds, stable
feeds and readers that flag changed items rely on)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURE_SITE, copy_project, run_frankly, tree_bytes

A = "2026-03-10-dashboard-slow"  # open: it gets the new update
SITE_WIDE_FEEDS = ("feeds/updates.rss", "feeds/updates.atom", "feeds/incidents.rss", "feeds/incidents.atom")


def items_about(xml: str, slug: str) -> list[str]:
    """The <item>/<entry> elements of a feed that are about the entry ``slug``."""
    items = re.findall(r"(<(?:item|entry)>.*?</(?:item|entry)>)", xml, flags=re.S)
    return [item for item in items if f"/incidents/{slug}/" in item]


def build(root: Path, *args: str) -> dict[str, bytes]:
    result = run_frankly(root, "build", *args)
    assert result.returncode == 0, result.stderr
    return tree_bytes(root / "site")


@pytest.mark.slow
@pytest.mark.parametrize("judged", [(), ("--now", "2026-03-12T09:00:00-04:00")], ids=["each at its own change", "at a given moment"])
def test_an_update_to_one_entry_changes_no_byte_about_another(tmp_path: Path, judged: tuple[str, ...]):
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    before = build(root, *judged)
    path = root / "incidents" / f"{A}.yaml"
    path.write_text(path.read_text(encoding="utf-8")
                    + "  - at: 2026-03-11T10:00:00-04:00\n    status: identified\n    message: Found it.\n", encoding="utf-8")
    after = build(root, *judged)
    others = sorted({name.split("/")[1] for name in before if name.startswith("incidents/")} - {A})
    assert len(others) == 5  # four entries and one former address (a redirect)
    for slug in others:
        mine = sorted(name for name in before if name.startswith(f"incidents/{slug}/"))
        assert mine, slug
        changed = [name for name in mine if before[name] != after.get(name)]
        assert changed == [], f"an update to {A} changed {changed}"
        for feed in SITE_WIDE_FEEDS:
            assert items_about(before[feed].decode(), slug) == items_about(after[feed].decode(), slug), (slug, feed)
    # ...while A's own outputs did change.
    assert before[f"incidents/{A}/index.json"] != after[f"incidents/{A}/index.json"]
