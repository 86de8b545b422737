"""`serve` republishes a save of incident files in place (generator/publication/republish.py):
after every kind of save, the served folder is byte for byte what a whole build of the
same input, judged at the same moment, makes; anything it cannot republish exactly
falls back to the whole build."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

import pytest
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config

from conftest import REPO, copy_project, invoke, tree_bytes, write_incident
from generator.publication.editions import _own_instance
from generator.publication.plugin import FranklyPlugin
from generator.publication.serving import republish_saved

MOMENT = "2026-03-10T14:00:00+00:00"
LATER = "2026-03-10T14:07:30+00:00"
SERVE_URL = "http://127.0.0.1:8000/"


def serve_build(root: Path, site_dir: Path, own: bool = False):
    """A whole build as `frankly serve` runs it; returns the frankly plugin, which keeps what it published.

    ``own``: with a plugin instance of its own. mkdocs hands every configuration of the process
    the same instance (editions._own_instance): a comparison build must not take over the
    instance of the build being republished, or the next save would republish its folder."""
    os.environ.pop("SOURCE_DATE_EPOCH", None)  # a build pins it from its data: each build here starts afresh
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir))
    if own:
        _own_instance(config, FranklyPlugin)
    config.plugins.on_startup(command="serve", dirty=False)
    config.site_url = SERVE_URL
    mkdocs_build.build(config, serve_url=SERVE_URL)
    return config.plugins["frankly"]


def differences(served: Path, clean: Path) -> list[str]:
    a, b = tree_bytes(served), tree_bytes(clean)
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def assert_as_whole_build(plugin, root: Path, tmp_path: Path) -> None:
    """Republishing took place and left what a whole build of the same input makes."""
    assert republish_saved(plugin), "the save was not republished in place"
    served = Path(plugin.mkdocs_config.site_dir)
    clean, fresh = tmp_path / "clean", tmp_path / "fresh-project"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns(".cache"))  # nothing reused: a build from scratch
    serve_build(fresh, clean, own=True)
    assert differences(served, clean) == []


@pytest.fixture
def serving(project: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("FRANKLY_NOW", MOMENT)
    return serve_build(project, tmp_path / "served"), project


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_update_added_to_an_open_incident_at_a_later_moment(serving, tmp_path, monkeypatch):
    plugin, root = serving
    monkeypatch.setenv("FRANKLY_NOW", LATER)  # the clock moved on: every open entry is judged anew
    path = root / "incidents" / "2026-03-10-dashboard-slow.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - at: 2026-03-10T13:30:00+00:00\n    status: monitoring\n"
                    "    message: A fix is out; we are watching the dashboard's response times.\n", encoding="utf-8")
    assert_as_whole_build(plugin, root, tmp_path)
    page = (Path(plugin.mkdocs_config.site_dir) / "incidents" / "2026-03-10-dashboard-slow" / "index.html").read_text()
    assert "we are watching the dashboard" in page


def test_a_closed_entrys_title_changed(serving, tmp_path):
    plugin, root = serving
    _edit(root / "incidents" / "2026-03-02-api-errors.yaml", "title: Elevated API error rates", "title: API errors for EU customers")
    assert_as_whole_build(plugin, root, tmp_path)
    history = (Path(plugin.mkdocs_config.site_dir) / "history" / "2026" / "index.html").read_text()
    assert "API errors for EU customers" in history


def test_an_open_incident_resolved(serving, tmp_path):
    plugin, root = serving
    path = root / "incidents" / "2026-03-10-dashboard-slow.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - at: 2026-03-10T13:45:00+00:00\n    status: resolved\n"
                    "    message: Response times are back to normal.\n", encoding="utf-8")
    assert_as_whole_build(plugin, root, tmp_path)


def test_a_new_entry_then_deleted_with_its_alias(serving, tmp_path):
    plugin, root = serving
    write_incident(root, "2026-03-09-login-errors.yaml", """\
kind: incident
title: Login errors
summary: Some customers could not sign in.
impact: major
aliases: [2026-03-09-sign-in-errors]
components:
  api: major_outage
updates:
  - at: 2026-03-09T08:00:00+00:00
    status: investigating
    message: We are looking into failed sign-ins.
  - at: 2026-03-09T09:00:00+00:00
    status: resolved
    message: Sign-ins work again.
""")
    assert_as_whole_build(plugin, root, tmp_path)
    served = Path(plugin.mkdocs_config.site_dir)
    assert (served / "incidents" / "2026-03-09-sign-in-errors" / "index.html").is_file()
    (root / "incidents" / "2026-03-09-login-errors.yaml").unlink()
    assert_as_whole_build(plugin, root, tmp_path)
    assert not (served / "incidents" / "2026-03-09-sign-in-errors").exists()
    assert not (served / "incidents" / "2026-03-09-login-errors").exists()


def test_an_entry_of_a_year_without_one_is_a_whole_build(serving, tmp_path, caplog):
    """A new year is a new page of the navigation-less archive: republished too."""
    plugin, root = serving
    _edit(root / "incidents" / "2025-12-31-new-year-notice.yaml", "title: Support hours over New Year", "title: Support hours")
    shutil.move(root / "incidents" / "2025-12-31-new-year-notice.yaml", root / "incidents" / "2024-12-31-new-year-notice.yaml")
    text = (root / "incidents" / "2024-12-31-new-year-notice.yaml").read_text(encoding="utf-8").replace("2025-12-", "2024-12-")
    (root / "incidents" / "2024-12-31-new-year-notice.yaml").write_text(text, encoding="utf-8")
    assert_as_whole_build(plugin, root, tmp_path)


def test_a_save_with_a_problem_is_left_to_the_whole_build(serving, tmp_path):
    plugin, root = serving
    served = Path(plugin.mkdocs_config.site_dir)
    before = tree_bytes(served)
    _edit(root / "incidents" / "2026-03-10-dashboard-slow.yaml", "impact: minor", "impact: tiny")
    assert not republish_saved(plugin)
    assert tree_bytes(served) == before, "nothing was changed in the served folder"


def test_several_saves_in_a_row_stay_exact(serving, tmp_path, monkeypatch):
    plugin, root = serving
    path = root / "incidents" / "2026-03-02-api-errors.yaml"
    for turn in range(3):
        monkeypatch.setenv("FRANKLY_NOW", f"2026-03-10T14:0{turn + 1}:00+00:00")
        _edit(path, "title: ", f"title: {turn} ")
        assert_as_whole_build(plugin, root, tmp_path)


@pytest.mark.slow
def test_a_site_in_two_languages_republishes_each(tmp_path, monkeypatch):
    root = copy_project(REPO, tmp_path / "demo", ("docs", "incidents", "site_config", "mkdocs.yml"))
    monkeypatch.setenv("FRANKLY_NOW", "2026-12-02T10:00:00+01:00")
    plugin = serve_build(root, tmp_path / "served")
    assert [other.edition.language for other in plugin.other_builds] == ["fr"]
    path = root / "incidents" / "2026-11-17-messaging-outage.yaml"
    _edit(path, "\ntitle: SMS and MMS outage", "\ntitle: The SMS and MMS outage")
    _edit(path, "    title: Panne des SMS", "    title: La panne des SMS")
    assert_as_whole_build(plugin, root, tmp_path)
    served = tmp_path / "served"
    assert "La panne des SMS" in (served / "fr" / "incidents" / "2026-11-17-messaging-outage" / "index.html").read_text()
    assert "The SMS and MMS outage" in (served / "incidents" / "2026-11-17-messaging-outage" / "index.html").read_text()


def test_a_theme_error_while_republishing_falls_back(serving, tmp_path, monkeypatch, caplog):
    """Republishing that fails for any reason is not trusted: the whole build runs instead."""
    plugin, root = serving
    from generator.publication import republish

    def broken(*args, **kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(republish, "render_site_outputs", broken)
    _edit(root / "incidents" / "2026-03-02-api-errors.yaml", "title: ", "title: Again ")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.frankly"):
        assert not republish_saved(plugin)
    assert "republishing the save failed (OSError: disk on fire); rebuilding the whole site" in caplog.text
    assert plugin.served is None


@pytest.mark.slow
def test_a_whole_rebuild_while_serving_two_languages_reads_the_save(tmp_path):
    """mkdocs hands every build of the process the same instance of a plugin that has on_startup:
    the French build's once held the default build's, so serve's next whole build read the
    first build's input and published it in French at the root."""
    root = copy_project(REPO, tmp_path / "demo", ("docs", "incidents", "site_config", "mkdocs.yml"))
    serve_build(root, tmp_path / "served")
    _edit(root / "incidents" / "2026-11-17-messaging-outage.yaml", "\ntitle: SMS and MMS outage", "\ntitle: The SMS and MMS outage")
    (root / "site_config" / "site.yaml").write_text((root / "site_config" / "site.yaml").read_text(encoding="utf-8") + "\n")
    serve_build(root, tmp_path / "served")  # what the dev server runs after a save of site.yaml
    page = (tmp_path / "served" / "incidents" / "2026-11-17-messaging-outage" / "index.html").read_text()
    assert '<html lang="en"' in page
    assert "The SMS and MMS outage" in page


def test_serves_first_build_reuses_what_frankly_build_cached(project, tmp_path, monkeypatch):
    """A serve build makes the same bytes as `frankly build --now` at the same moment, so it
    reuses the closed entries' files the last build cached, and still republishes."""
    result = invoke(project, "build", "--now", MOMENT)  # in this process: the same installed packages, as a real serve's
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("FRANKLY_NOW", MOMENT)
    said: list[str] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = lambda record: said.append(record.getMessage())
    logger = logging.getLogger("mkdocs.plugins.frankly")  # `frankly build` set its logging up: not caplog's
    level, logger.level = logger.level, logging.INFO
    logger.addHandler(handler)
    try:
        plugin = serve_build(project, tmp_path / "served")
    finally:
        logger.removeHandler(handler)
        logger.level = level
    assert "Outputs: 5 entries reused from the cache (0 in the previous site's folders), 0 rendered and kept" in said
    assert differences(tmp_path / "served", project / "site") == []
    assert plugin.served is not None and len(plugin.served.entries) == 5
    _edit(project / "incidents" / "2026-03-02-api-errors.yaml", "title: ", "title: Again ")
    assert_as_whole_build(plugin, project, tmp_path)
    # The served archive pages were links to cached files: republishing replaced them, never wrote through.
    for manifest in (project / ".cache" / "frankly" / "outputs").glob("*/manifest.json"):
        for number, (path, size, _, digest) in enumerate(json.loads(manifest.read_text())["files"]):
            assert hashlib.sha256((manifest.parent / str(number)).read_bytes()).hexdigest() == digest, path


def test_a_figure_of_a_settled_month_changed(serving, tmp_path):
    """A month whose entries are all closed keeps its accountability tally between saves
    (facts/accountability.py): a save that changes one of its entries counts it again."""
    plugin, root = serving
    severe = """\
kind: incident
title: Payments failed
summary: Card payments failed for an hour.
impact: critical
components:
  api: major_outage
updates:
  - at: 2026-01-12T08:00:00+00:00
    status: investigating
    message: Card payments fail; we are on it.
  - at: 2026-01-12T09:00:00+00:00
    status: resolved
    message: Payments work again.
"""
    write_incident(root, "2026-01-12-payments.yaml", severe)
    assert_as_whole_build(plugin, root, tmp_path)
    write_incident(root, "2026-01-12-payments.yaml", severe + """\
apology:
  at: 2026-01-12T12:00:00+00:00
  by:
    name: Grace Hopper
    role: CEO
  statement: We failed you, and I am sorry.
""")
    assert_as_whole_build(plugin, root, tmp_path)
    page = (Path(plugin.mkdocs_config.site_dir) / "accountability" / "index.html").read_text(encoding="utf-8")
    january = page.split('data-period="2026-01"', 1)[1].split("</tr>", 1)[0]
    assert 'with apology">1 of 1 (100%)</td>' in january, january


def test_a_component_without_entries_follows_the_save(project, tmp_path, monkeypatch):
    """A save keeps the site-wide parts whose inputs did not change (Renderer.carried): a
    feed with no news takes its date from the site's latest change, so a save that moves
    that change must change the feed of a component no entry touches."""
    monkeypatch.setenv("FRANKLY_NOW", MOMENT)
    _edit(project / "site_config" / "site.yaml", "components:\n", "components:\n  - id: archive\n    name: Archive\n")
    plugin = serve_build(project, tmp_path / "served")
    feed = Path(plugin.mkdocs_config.site_dir) / "feeds" / "components" / "archive.atom"
    before = feed.read_text(encoding="utf-8")
    monkeypatch.setenv("FRANKLY_NOW", "2026-03-12T12:00:00+00:00")  # after the fixture's latest change (03-11)
    path = project / "incidents" / "2026-03-10-dashboard-slow.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - at: 2026-03-12T11:00:00+00:00\n    status: monitoring\n"
                    "    message: A fix is out.\n", encoding="utf-8")
    assert_as_whole_build(plugin, project, tmp_path)
    after = feed.read_text(encoding="utf-8")
    assert "<updated>2026-03-12T07:00:00-04:00</updated>" in after  # in the site's time zone, America/New_York
    assert "<updated>2026-03-12T07:00:00-04:00</updated>" not in before
