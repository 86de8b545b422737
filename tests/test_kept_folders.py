"""The previous site's entry folders taken over by the next `frankly build`
(generator/publication/kept.py, staging.keep_previous / claim_previous): an
unchanged entry's folder is the one the reader had, a changed one is written
again, and whatever happened to the kept folders between two builds, the site
is byte for byte a clean build's, nothing outside the project is touched and
the output cache is never written through."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURE_SITE, FRANKLY, copy_project, tree_bytes, wait_for
from test_incremental import ALIASED, JOBS, OPEN, assert_same, build, clean_build, edit, reused, with_jobs

pytestmark = pytest.mark.slow

KEPT = ".site-previous-kept-site"  # within every project's .gitignore (/.site-previous-*/)
FORMER = "2026-03-02-api-outage"  # ALIASED's former address: a folder of its own, with a redirect page
SLUGS = sorted(path.stem for path in (FIXTURE_SITE / "incidents").glob("*.yaml"))


def kept(result: subprocess.CompletedProcess) -> list[int]:
    """Per language: entries whose files the build found in the previous site's folders."""
    found = re.findall(r"reused from the cache \((\d+) in the previous site's folders\)", result.stderr)
    assert found, result.stderr
    return [int(n) for n in found]


def beside_site(root: Path) -> list[str]:
    """What builds leave beside site/, once their background removals are done."""
    wait_for(lambda: [path.name for path in root.glob(".site-*") if path.name != KEPT] == [])
    return sorted(path.name for path in root.glob(".site-*"))


def cached_bytes(root: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted((root / ".cache" / "frankly" / "outputs").glob("*/[0-9]*"))]


@JOBS
def test_an_unchanged_entry_keeps_its_folder_and_a_changed_one_is_written_again(tmp_path: Path, jobs: int):
    root = with_jobs(copy_project(FIXTURE_SITE, tmp_path / "project"), jobs)
    assert kept(build(root)) == [0]  # no previous site
    assert kept(build(root)) == [0]  # the first site is swapped out: its entry folders are kept
    assert beside_site(root) == [KEPT]
    assert [path.name for path in (root / KEPT).iterdir()] == ["incidents"]  # nothing else of the old site
    assert sorted(path.name for path in (root / KEPT / "incidents").iterdir()) == sorted([*SLUGS, FORMER])
    folder = (root / KEPT / "incidents" / OPEN).stat().st_ino

    edit(root / "incidents" / f"{ALIASED}.yaml", "title: Elevated API error rates", "title: Elevated API error rates (edited)")
    result = build(root)
    assert (reused(result), kept(result)) == (4, [4])
    assert (root / "site" / "incidents" / OPEN).stat().st_ino == folder  # the very folder readers had
    site = tree_bytes(root / "site")
    assert b"(edited)" in site[f"incidents/{ALIASED}/index.html"]
    assert_same(site, clean_build(root, tmp_path / "clean"))
    assert beside_site(root) == [KEPT]

    (root / "incidents" / f"{ALIASED}.yaml").unlink()  # deleted, with its former address
    result = build(root)
    assert (reused(result), kept(result)) == (4, [4])
    site = tree_bytes(root / "site")
    assert not any(path.startswith((f"incidents/{ALIASED}/", f"incidents/{FORMER}/")) for path in site)
    assert_same(site, clean_build(root, tmp_path / "clean"))


def test_whatever_was_done_to_the_kept_folders_the_site_is_a_clean_builds(tmp_path: Path):
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    build(root)
    build(root)
    assert beside_site(root) == [KEPT]
    cache_before = cached_bytes(root)
    folders = root / KEPT / "incidents"
    with_extra, copied, forged, linked = (slug for slug in SLUGS if slug != ALIASED)  # ALIASED's are left as they were
    (folders / with_extra / "extra.txt").write_text("left by a tool", encoding="utf-8")  # one file more
    index = folders / copied / "index.json"  # the same bytes, another inode
    data = index.read_bytes()
    index.unlink()
    index.write_bytes(data)
    (folders / forged / "feed.rss").unlink()  # other bytes
    (folders / forged / "feed.rss").write_bytes(b"<rss>forged</rss>")
    outside = tmp_path / "outside"  # a folder replaced by a link to one outside the project
    shutil.copytree(folders / linked, outside)
    shutil.rmtree(folders / linked)
    (folders / linked).symlink_to(outside)
    outside_before = tree_bytes(outside)
    (folders / "2020-01-01-gone").mkdir()  # a folder no entry owns
    (folders / "2020-01-01-gone" / "index.html").write_text("a stale page", encoding="utf-8")
    (folders / "stray.html").write_text("a stray file", encoding="utf-8")

    result = build(root)
    assert (reused(result), kept(result)) == (5, [1])  # ALIASED alone is as it was
    site = tree_bytes(root / "site")
    assert_same(site, clean_build(root, tmp_path / "clean"))
    assert not (root / "site" / "incidents" / linked).is_symlink()
    assert tree_bytes(outside) == outside_before and not (outside / "extra.txt").exists()
    assert cached_bytes(root) == cache_before


def test_kept_folders_that_are_a_link_or_a_file_are_never_followed(tmp_path: Path):
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    build(root)
    build(root)
    outside = tmp_path / "outside"
    shutil.move(root / KEPT / "incidents", outside)
    (root / KEPT / "incidents").symlink_to(outside)
    outside_before = tree_bytes(outside)
    result = build(root)
    assert (reused(result), kept(result)) == (5, [0])
    assert_same(tree_bytes(root / "site"), clean_build(root, tmp_path / "clean"))
    assert tree_bytes(outside) == outside_before

    shutil.rmtree(root / KEPT)
    (root / KEPT).write_text("not a folder", encoding="utf-8")
    result = build(root)
    assert kept(result) == [0]
    assert_same(tree_bytes(root / "site"), clean_build(root, tmp_path / "clean"))


def test_two_builds_at_once_each_give_a_clean_builds_site(tmp_path: Path):
    """Two builds claim the kept folders at once: one gets them, the other builds without."""
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    build(root)
    build(root)
    edit(root / "incidents" / f"{OPEN}.yaml", "title: ", "title: Again ")
    for _ in range(3):
        builds = [subprocess.Popen([*FRANKLY, "build"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                  for _ in range(2)]
        results = [(process.wait(timeout=300), process.stderr.read()) for process in builds]
        assert [status for status, _ in results] == [0, 0], results
        assert_same(tree_bytes(root / "site"), clean_build(root, tmp_path / "clean"))
        assert beside_site(root) == [KEPT]


def test_a_site_in_two_languages_keeps_each_languages_folders(tmp_path: Path):
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    edit(root / "site_config" / "site.yaml", "language: en", "languages: [en, fr]")
    build(root)
    build(root)
    assert sorted(str(path.relative_to(root / KEPT)) for path in (root / KEPT).rglob("incidents")) == ["fr/incidents", "incidents"]
    assert sorted(path.name for path in (root / KEPT / "fr").iterdir()) == ["incidents"]
    edit(root / "incidents" / f"{OPEN}.yaml", "title: ", "title: Again ")
    result = build(root)
    assert kept(result) == [4, 4]
    assert_same(tree_bytes(root / "site"), clean_build(root, tmp_path / "clean"))


def test_docs_pages_under_incidents_turn_the_taking_over_off(tmp_path: Path):
    """mkdocs writes a page of docs/incidents/ before Frankly publishes: the kept folders are not moved in."""
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    (root / "docs" / "incidents").mkdir()
    (root / "docs" / "incidents" / "index.md").write_text("# All incidents\n", encoding="utf-8")
    build(root)
    build(root)
    result = build(root)
    assert (reused(result), kept(result)) == (5, [0])
    site = tree_bytes(root / "site")
    assert "All incidents" in site["incidents/index.html"].decode()
    assert_same(site, clean_build(root, tmp_path / "clean"))
    assert os.path.isdir(root / KEPT / "incidents")


def test_git_never_sees_the_kept_folders_of_a_project_made_by_frankly_init(tmp_path: Path):
    """Projects made before the kept folders existed ignore them too: an editor's `git add -A` never commits a site."""
    from conftest import REPO

    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    shutil.copyfile(REPO / "generator" / "editing" / "new_site" / "dot-gitignore", root / ".gitignore")
    build(root)
    build(root)
    assert (root / KEPT / "incidents").is_dir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root, check=True,
                            capture_output=True, text=True).stdout
    assert status and not [line for line in status.splitlines() if ".site" in line or line[3:].startswith("site/")]
