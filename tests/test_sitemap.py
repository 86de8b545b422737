"""The sitemap lists Frankly's pages as mkdocs itself would (generator/publication/sitemap.py):
made from small stand-ins for mkdocs' template, it is byte for byte the sitemap made
from a full mkdocs Page per page, sitemap.xml and its gzip copy alike."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_SITE, copy_project

pytestmark = pytest.mark.slow


#: `frankly build` with full Pages counted on stderr, and (``old``) made for every sitemap, as before sitemap.py.
BUILD = """
import sys
from generator.publication import sitemap
real = sitemap._with_full_pages
def counted(*args):
    print("FULL PAGES", file=sys.stderr)
    return real(*args)
sitemap._with_full_pages = counted
if sys.argv[1] == "old":
    sitemap._plain = lambda *args: False
sys.argv[1:] = ["build"]
from generator.cli import main
main()
"""


def built_sitemap(root: Path, old: bool = False) -> tuple[bytes, bytes, int]:
    """sitemap.xml, sitemap.xml.gz and how many times full Pages were made for them (a real build, in its own process)."""
    result = subprocess.run([sys.executable, "-c", BUILD, "old" if old else "new"], cwd=root, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    return (site / "sitemap.xml").read_bytes(), (site / "sitemap.xml.gz").read_bytes(), result.stderr.count("FULL PAGES")


@pytest.mark.parametrize("mkdocs_extra", ["", "use_directory_urls: false\n"])
def test_the_sitemap_is_mkdocs_own_with_every_page(tmp_path: Path, mkdocs_extra: str):
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + mkdocs_extra, encoding="utf-8")
    xml, gz, full = built_sitemap(root)
    assert full == 0  # mkdocs' template, no plugin looking on: the stand-ins
    old_xml, old_gz, old_full = built_sitemap(root, old=True)
    assert old_full == 1
    assert xml == old_xml and gz == old_gz
    entry = "incidents/2026-03-02-api-errors" + ("/" if not mkdocs_extra else "/index.html")
    assert f"<loc>https://status.acme.test/{entry}</loc>".encode() in xml
    assert xml.count(b"<loc>") > 10


def test_a_theme_sitemap_of_its_own_gets_full_pages(tmp_path: Path):
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    overrides = root / "overrides"
    overrides.mkdir()
    (overrides / "sitemap.xml").write_text(
        "{% for file in pages %}{{ file.page.url }} {{ file.page.title }}|{% endfor %}\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n", 1),
                      encoding="utf-8")
    xml, _, full = built_sitemap(root)
    assert full == 1
    assert b"incidents/2026-03-02-api-errors/ None|" in xml  # a real Page: it has a title (None until rendered)


# ---- the addresses of the pages the sitemap lists, against mkdocs' own rules (no build: fast)

from pathlib import PurePath  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402
from mkdocs.structure.files import File, InclusionLevel  # noqa: E402

from generator.publication.sitemap import _Addresses, _Listed  # noqa: E402

_SEGMENT = st.text(alphabet="abz09-_.~%é ?#", min_size=1, max_size=8)
_SOURCES = st.one_of(
    st.lists(_SEGMENT, min_size=1, max_size=4).map(lambda parts: "/".join(parts) + "/index.md"),
    st.sampled_from(["incidents/2026-03-02-api-errors/index.md", "history/2026/index.md", "index.md", "./a/index.md",
                     "a//b/index.md", "a/../index.md", "a/./b/index.md", "feeds.md", "a/README.md", "a/b/page.md", "image.png"]),
)
_SITES = st.sampled_from([None, "", "https://status.example.com/", "https://status.example.com", "https://example.com/status/",
                          "https://example.com/a/../status", "http://example.com:8080/x/./y/", "https://exämple.com/s p/"])


class _Config(dict):
    def __init__(self, use_directory_urls: bool):
        super().__init__()
        self.use_directory_urls, self.site_dir = use_directory_urls, "/tmp/site"


@settings(max_examples=400, deadline=None)
@given(source=_SOURCES, site_url=_SITES, use_directory_urls=st.booleans())
def test_a_page_address_is_mkdocs_own(source, site_url, use_directory_urls):
    """The sitemap's quick addresses (_Addresses) are those of mkdocs' File and Page rules, for
    plain folder addresses and, through mkdocs' own code, for anything else."""
    uri = PurePath(source).as_posix()  # as the sitemap took each source before _Addresses
    file = File(uri, src_dir=None, dest_dir="/tmp/site", use_directory_urls=use_directory_urls, inclusion=InclusionLevel.NOT_IN_NAV)
    expected = _Listed(file.url, site_url, "2026-03-10") if file.is_documentation_page() else None
    got_uri, got = _Addresses(_Config(use_directory_urls), site_url, "2026-03-10").of(source)  # type: ignore[arg-type]
    assert got_uri == uri
    if expected is None:
        assert got is None
        return
    assert (got.url, got.canonical_url, got.abs_url, got.update_date) == (
        expected.url, expected.canonical_url, expected.abs_url, expected.update_date)
