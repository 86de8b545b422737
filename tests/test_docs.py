"""The documentation says what the code accepts, and each reader finds theirs:
customers on the public site, editors and contributors in the repository."""

import re

import pytest
from bs4 import BeautifulSoup

from conftest import REPO
from generator.input.formatdoc import refresh


def test_format_reference_matches_the_model():
    doc = (REPO / "FORMAT.md").read_text(encoding="utf-8")
    assert refresh(doc) == doc, "FORMAT.md is out of date: run `make golden` and review the diff"


def test_readme_starts_with_the_two_commands():
    head = (REPO / "README.md").read_text(encoding="utf-8").split("\n## ")[0]
    assert "make build" in head and "make test" in head


#: What a customer (or another company's developer) reads on the public site, in this order.
CUSTOMER_TABS = ["Status", "History", "Components", "Subscribe", "Accountability", "API, badges, widget", "About"]


@pytest.mark.slow
def test_public_navigation_shows_customer_pages_only(built_demo_site):
    soup = BeautifulSoup((built_demo_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    tabs = [a.get_text(" ", strip=True) for a in soup.select("nav.md-tabs a.md-tabs__link")]
    assert tabs == CUSTOMER_TABS
    # The editors' format reference lives in the repository, not on the public site.
    assert not (built_demo_site / "format").exists()
    assert not list(built_demo_site.rglob("format/index.html"))


def test_readme_is_for_users_and_links_to_the_contributors_guide():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "](ARCHITECTURE.md" in readme and "](FORMAT.md" in readme
    # Internals (the performance study, the publish step's modules) live in ARCHITECTURE.md.
    headings = re.findall(r"^## (.+)$", readme, flags=re.M)
    assert not [h for h in headings if "Performance" in h or "internals" in h.lower()], headings
    architecture = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert "## Performance" in architecture


def test_no_file_holds_a_merge_conflict_marker():
    """A conflict resolved by hand must leave no marker behind in any tracked text file."""
    import re
    import subprocess

    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.decode().split("\0")
    marker = re.compile(r"^(<{7} |>{7} |={7}$)", re.M)
    found = []
    for name in filter(None, listed):
        path = REPO / name
        if path.is_file() and not path.is_symlink() and path.suffix in {".md", ".py", ".j2", ".yml", ".yaml", ".toml", ".txt", ".css", ".js", ".cfg", ".in"}:
            if marker.search(path.read_text(encoding="utf-8", errors="replace")):
                found.append(name)
    assert found == []
