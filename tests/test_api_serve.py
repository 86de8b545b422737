"""`frankly serve` hands out the API as JSON and the badges as SVG, as a static host should."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from conftest import serving, wait_for

pytestmark = pytest.mark.slow


def _fetch(url: str) -> tuple[str, bytes] | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.headers.get_content_type(), response.read()
    except OSError:
        return None


def test_serve_answers_api_as_json_and_badges_as_svg(project: Path, tmp_path: Path):
    with serving(project, tmp_path / "serve.log") as base:
        content_type, body = wait_for(lambda: _fetch(base + "api/v2/status.json"))
        assert content_type == "application/json"
        assert json.loads(body)["status"] == {"indicator": "minor", "description": "Partially Degraded Service"}
        content_type, body = _fetch(base + "incidents/2026-03-02-api-errors/index.json")
        assert content_type == "application/json" and json.loads(body)["incident"]["id"] == "2026-03-02-api-errors"
        content_type, body = _fetch(base + "badges/status.svg")
        assert content_type == "image/svg+xml" and body.startswith(b"<svg")
        content_type, body = _fetch(base + "embed/")
        assert content_type == "text/html" and b"Dashboard is slow" in body
