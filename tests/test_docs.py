"""The editor documentation says what the code accepts."""

from pathlib import Path

from generator.formatdoc import refresh

REPO = Path(__file__).parent.parent


def test_format_reference_matches_the_model():
    doc = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    assert refresh(doc) == doc, "docs/format.md is out of date: run `make golden` and review the diff"


def test_readme_starts_with_the_two_commands():
    head = (REPO / "README.md").read_text(encoding="utf-8").split("\n## ")[0]
    assert "make build" in head and "make test" in head
