"""A real Statuspage client from the registries reads a built site as it reads
Atlassian's pages: statuspage-prometheus-exporter (PyPI), in its one-shot
mode, against the site served on 127.0.0.1. A change of shape that breaks
such clients fails here."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

EXPORTER = Path(sys.executable).parent / "statuspage-prometheus-exporter"


@pytest.fixture
def served(built_fixture_site: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_fixture_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def metrics(text: str) -> dict[tuple[str, frozenset], float]:
    """Prometheus text exposition -> {(name, labels): value}."""
    found = {}
    for line in text.splitlines():
        match = re.match(r"^(\w+)\{(.*)\} (\S+)$", line)
        if match:
            labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2)))
            found[(match.group(1), labels)] = float(match.group(3))
    return found


@pytest.mark.slow
def test_the_prometheus_exporter_reads_our_summary(served: str, tmp_path: Path):
    services = tmp_path / "services.json"
    services.write_text(json.dumps({"acme": {"url": f"{served}/api/v2/summary.json", "name": "Acme"}}), encoding="utf-8")
    textfile = tmp_path / "statuspage.prom"
    env = {**os.environ, "RUN_MODE": "once", "METRICS_TEXTFILE_PATH": str(textfile), "SERVICES_JSON_PATH": str(services)}
    result = subprocess.run([str(EXPORTER)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Acme: minor" in result.stderr  # it read status.indicator
    found = metrics(textfile.read_text(encoding="utf-8"))
    service = ("service_name", "Acme")
    assert found[("statuspage_probe_check", frozenset({service}))] == 1.0  # the check succeeded
    assert found[("statuspage_service_status", frozenset({service}))] == 0.0  # an incident is open
    components = {dict(labels)["component_name"]: value for (name, labels), value in found.items() if name == "statuspage_component_status"}
    assert components == {"Platform": 0.0, "API": 1.0, "Dashboard": 0.0, "E-mail delivery": 1.0}
    incidents = [dict(labels) for (name, labels), _ in found.items() if name == "statuspage_incident_info"]
    assert [(i["incident_id"], i["impact"], i["affected_components"], i["shortlink"]) for i in incidents] == [
        ("2026-03-10-dashboard-slow", "minor", "Dashboard", "https://status.acme.test/incidents/2026-03-10-dashboard-slow/")]
    maintenance = [dict(labels) for (name, labels), _ in found.items() if name == "statuspage_maintenance_info"]
    assert [(m["maintenance_id"], m["scheduled_start"], m["scheduled_end"]) for m in maintenance] == [
        ("2026-04-01-api-migration", "2026-04-01T02:00:00-04:00", "2026-04-01T03:00:00-04:00")]
