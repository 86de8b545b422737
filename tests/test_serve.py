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


class _Server:
    """What serving._Rebuild reads of mkdocs' LiveReloadServer."""

    def __init__(self):
        import threading

        self._rebuild_cond = threading.Condition()
        self._want_rebuild = False


def test_reading_an_incident_file_asks_no_rebuild(tmp_path: Path):
    """The incidents folder is watched with inotify: a save asks for a rebuild, and reading a
    file (the republishing reads the saved file) does not, or every save was republished twice."""
    import time

    from generator.publication.serving import watch_natively

    folder = tmp_path / "incidents"
    folder.mkdir()
    entry = folder / "2026-03-10-dashboard-slow.yaml"
    entry.write_text("title: Slow\n", encoding="utf-8")
    server = _Server()
    observer = watch_natively(server, folder)  # type: ignore[arg-type]
    assert observer is not None, "no inotify on this machine"
    try:
        time.sleep(0.3)
        for _ in range(3):
            assert entry.read_text(encoding="utf-8") == "title: Slow\n"
        time.sleep(0.5)  # watchdog delivers within milliseconds; inotify groups moves for 0.5 s at most
        assert server._want_rebuild is False
        entry.write_text("title: Slower\n", encoding="utf-8")
        deadline = time.monotonic() + 5
        while not server._want_rebuild and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server._want_rebuild is True
    finally:
        observer.stop()
        observer.join()
