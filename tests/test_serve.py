"""`frankly serve` while editing: rebuilds on save, and a broken save keeps the last good site."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from conftest import serving, wait_for, write_incident

pytestmark = pytest.mark.slow


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def test_serve_rebuilds_on_save_and_keeps_last_good_site_on_error(project: Path, tmp_path: Path):
    log = tmp_path / "serve.log"
    incident = project / "incidents" / "2026-03-10-dashboard-slow.yaml"
    with serving(project, log) as base:
        url = base + "incidents/2026-03-10-dashboard-slow/"
        first = wait_for(lambda: _get(url))
        assert "Dashboard is slow" in first

        text = incident.read_text()
        incident.write_text(text.replace("impact: minor", "impact: tiny"))
        wait_for(lambda: "impact: 'tiny' is not allowed" in log.read_text())
        log_text = log.read_text()
        assert "incidents/2026-03-10-dashboard-slow.yaml:4:9: impact: 'tiny' is not allowed; use one of: none, minor, major, critical" in log_text
        assert "Traceback" not in log_text
        stale = wait_for(lambda: (lambda page: page if page and "Preview not updated" in page else None)(_get(url)))
        assert "Dashboard is slow" in stale, "the last good page is still served"
        assert "incidents/2026-03-10-dashboard-slow.yaml:4:9: impact: &#39;tiny&#39; is not allowed" in stale

        incident.write_text(text.replace("title: Dashboard is slow", "title: Dashboard is very slow"))
        fixed = wait_for(lambda: (lambda page: page if page and "Dashboard is very slow" in page else None)(_get(url)))
        assert "Preview not updated" not in fixed
        write_incident(project, "2026-03-12-new.yaml", text.replace("title: Dashboard is slow", "title: Brand new entry"))
        wait_for(lambda: "Brand new entry" in (_get(base + "incidents/2026-03-12-new/") or ""))
        # A save of incident files alone, after a good build, is republished in place (republish.py).
        assert "the save republished in" in log.read_text()
        assert "Brand new entry" in (_get(base) or ""), "the home page lists it too"
