"""The site writer of generator/publication/publish.py: a cached file is linked into the
site, never written through, whatever was at its place before."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.publication.publish import OutputWriter


def test_links_replace_what_was_there_and_writes_never_go_through_a_link(tmp_path: Path):
    cached = tmp_path / "cache" / "0"
    cached.parent.mkdir()
    cached.write_bytes(b"cached")
    site = tmp_path / "site"
    warned: list[str] = []
    writer = OutputWriter(site, {"about/index.html"}, warned.append)
    writer.write("incidents/a/index.html", b"old page")
    writer.link("incidents/a/index.html", cached)  # over a file written before
    target = site / "incidents" / "a" / "index.html"
    assert target.read_bytes() == b"cached" and os.path.samefile(target, cached)
    writer.link("incidents/a/index.html", str(cached))  # over a link already there
    assert os.path.samefile(target, cached)
    writer.write("incidents/a/index.html", b"new page")
    assert target.read_bytes() == b"new page" and cached.read_bytes() == b"cached"
    writer.link("top.txt", cached)  # a file at the site's top
    assert (site / "top.txt").read_bytes() == b"cached"
    writer.write("about/index.html", b"ours")
    assert warned == ["about/index.html from docs/ is replaced by the file Frankly generates at that address"]
    with pytest.raises(OSError):
        writer.link("incidents/b/index.html", tmp_path / "cache" / "missing")


def test_a_copy_where_links_are_not_possible(tmp_path: Path, monkeypatch):
    cached = tmp_path / "0"
    cached.write_bytes(b"cached")
    writer = OutputWriter(tmp_path / "site", set(), print)
    writer.write("x/y.json", b"old")

    def no_links(source, target):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    writer.link("x/y.json", cached)
    target = tmp_path / "site" / "x" / "y.json"
    assert target.read_bytes() == b"cached" and not os.path.samefile(target, cached)
    writer.write("x/y.json", b"new")
    assert cached.read_bytes() == b"cached"
