"""`frankly serve` while editing: rebuilds on save, and a broken save keeps the last good site."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import write_incident

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(condition, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


def test_serve_rebuilds_on_save_and_keeps_last_good_site_on_error(project: Path, tmp_path: Path):
    port = _free_port()
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-c", "from generator.cli import main; main()", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/incidents/2026-03-10-dashboard-slow/"
    incident = project / "incidents" / "2026-03-10-dashboard-slow.yaml"
    try:
        first = _wait_for(lambda: _get(url))
        assert "Dashboard is slow" in first

        text = incident.read_text()
        incident.write_text(text.replace("impact: minor", "impact: tiny"))
        _wait_for(lambda: "impact: 'tiny' is not allowed" in Path(log.name).read_text())
        log_text = Path(log.name).read_text()
        assert "incidents/2026-03-10-dashboard-slow.yaml:4:9: impact: 'tiny' is not allowed; use one of: none, minor, major, critical" in log_text
        assert "Traceback" not in log_text
        stale = _wait_for(lambda: (lambda page: page if page and "Preview not updated" in page else None)(_get(url)))
        assert "Dashboard is slow" in stale, "the last good page is still served"
        assert "incidents/2026-03-10-dashboard-slow.yaml:4:9: impact: &#39;tiny&#39; is not allowed" in stale

        incident.write_text(text.replace("title: Dashboard is slow", "title: Dashboard is very slow"))
        fixed = _wait_for(lambda: (lambda page: page if page and "Dashboard is very slow" in page else None)(_get(url)))
        assert "Preview not updated" not in fixed
        write_incident(project, "2026-03-12-new.yaml", text.replace("title: Dashboard is slow", "title: Brand new entry"))
        _wait_for(lambda: "Brand new entry" in (_get(f"http://127.0.0.1:{port}/incidents/2026-03-12-new/") or ""))
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
