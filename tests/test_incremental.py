"""The output cache of `frankly build` (generator/publication/output_cache.py):
a build that reuses unchanged entries' files is byte for byte the build of a
clean copy (no .cache at all), after every kind of edit, and nothing changed
in Frankly itself (a template, its version) or the site is ever served stale."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import FIXTURE_SITE, FRANKLY, REPO, copy_project, tree_bytes
from generator.publication.output_cache import MONTHS, PRUNED

pytestmark = pytest.mark.slow

OPEN = "2026-03-10-dashboard-slow"
ALIASED = "2026-03-02-api-errors"  # has a former address (a redirect page)
NEW = """kind: incident
title: Webhooks delayed
summary: Webhook deliveries were late for 40 minutes.
impact: minor
components:
  api: degraded_performance
updates:
  - at: 2026-04-02T08:00:00-04:00
    status: investigating
    message: Webhook deliveries are delayed by up to 10 minutes.
  - at: 2026-04-02T08:40:00-04:00
    status: resolved
    message: Deliveries are on time again.
"""


def build(root: Path, package: Path | None = None, *args: str) -> subprocess.CompletedProcess:
    """The real `frankly build` (and ``args``) in a subprocess; ``package``: a folder holding another copy of `generator`."""
    env = dict(os.environ)
    if package is not None:
        env["PYTHONPATH"] = str(package)
    result = subprocess.run([*FRANKLY, "build", *args],
                            cwd=root, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    return result


def reused(result: subprocess.CompletedProcess) -> int:
    found = re.search(r"Outputs: (\d+) entr(?:y|ies) reused from the cache", result.stderr)
    assert found, result.stderr
    return int(found.group(1))


def clean_build(root: Path, tmp: Path, package: Path | None = None, *args: str) -> dict[str, bytes]:
    """The same inputs built in a fresh copy: no output cache, no card cache, no previous site."""
    if tmp.exists():
        shutil.rmtree(tmp)
    copy = copy_project(root, tmp, ("mkdocs.yml", "docs", "site_config", "incidents"))
    result = build(copy, package, *args)
    assert reused(result) == 0
    return tree_bytes(copy / "site")


def assert_same(incremental: dict[str, bytes], clean: dict[str, bytes]) -> None:
    assert sorted(incremental) == sorted(clean)
    differ = [name for name in clean if incremental[name] != clean[name]]
    assert differ == []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def package_copy(tmp: Path) -> Path:
    """A copy of the generator package to change (its templates, its version) without touching the repository's."""
    shutil.copytree(REPO / "generator", tmp / "generator", ignore=shutil.ignore_patterns("__pycache__", "bench"))
    shutil.copytree(REPO / "generator" / "bench", tmp / "generator" / "bench", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp


def with_jobs(root: Path, jobs: int) -> Path:
    """The project with the plugin's `jobs` option: 2 publishes the entries in two processes
    (generator/publication/publish.py), 1 in this one alone."""
    edit(root / "mkdocs.yml", "  - frankly\n", f"  - frankly:\n      jobs: {jobs}\n")
    return root


#: Each build with its entries published by one process, and by two.
JOBS = pytest.mark.parametrize("jobs", [1, 2])


@JOBS
def test_each_edit_gives_the_bytes_of_a_clean_build(tmp_path: Path, jobs: int):
    root = with_jobs(copy_project(FIXTURE_SITE, tmp_path / "project"), jobs)
    incidents = root / "incidents"
    first = build(root)
    assert reused(first) == 0
    again = build(root)
    assert reused(again) == 5  # nothing changed: every entry from the cache
    assert_same(tree_bytes(root / "site"), clean_build(root, tmp_path / "clean"))

    edits = [
        ("one update added", lambda: (incidents / f"{OPEN}.yaml").write_text(
            (incidents / f"{OPEN}.yaml").read_text(encoding="utf-8")
            + "  - at: 2026-03-11T10:00:00-04:00\n    status: identified\n    message: Found it.\n", encoding="utf-8"), 4),
        ("a title changed", lambda: edit(incidents / f"{ALIASED}.yaml", "title: Elevated API error rates",
                                         "title: Elevated API error rates in one region"), 4),
        ("an entry deleted with its alias", lambda: (incidents / f"{ALIASED}.yaml").unlink(), 4),
        ("a new entry", lambda: (incidents / "2026-04-02-webhooks-delayed.yaml").write_text(NEW, encoding="utf-8"), 4),
        ("site.yaml changed", lambda: edit(root / "site_config" / "site.yaml", "name: Acme Cloud Status",
                                           "name: Acme Cloud Service Status"), 0),
    ]
    for name, change, expected_reuse in edits:
        change()
        result = build(root)
        assert reused(result) == expected_reuse, name
        incremental = tree_bytes(root / "site")
        assert_same(incremental, clean_build(root, tmp_path / "clean"))
        if name == "an entry deleted with its alias":
            assert not any(path.startswith(("incidents/2026-03-02-api-errors/", "incidents/2026-03-02-api-outage/"))
                           for path in incremental)
    assert "Acme Cloud Service Status" in (root / "site" / "incidents" / OPEN / "index.html").read_text(encoding="utf-8")


def test_a_template_or_version_of_frankly_changed_invalidates_every_entry(tmp_path: Path):
    package = package_copy(tmp_path / "package")
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    assert reused(build(root, package)) == 0
    assert reused(build(root, package)) == 5

    template = package / "generator" / "outputs" / "templates" / "incident.md.j2"
    edit(template, '<p class="frankly-kicker">', '<p class="frankly-kicker" data-test="changed">')
    result = build(root, package)
    assert reused(result) == 0
    incremental = tree_bytes(root / "site")
    assert b'data-test="changed"' in incremental[f"incidents/{OPEN}/index.html"]
    assert_same(incremental, clean_build(root, tmp_path / "clean", package))

    init = package / "generator" / "__init__.py"
    edit(init, '__version__ = "', '__version__ = "9.')
    assert reused(build(root, package)) == 0
    assert reused(build(root, package)) == 5


@JOBS
def test_a_cached_file_written_to_in_place_is_not_reused(tmp_path: Path, jobs: int):
    """A tool that rewrites a site file in place writes through the hard link into
    the cache: that entry is rendered again, not served as the tool left it."""
    root = with_jobs(copy_project(FIXTURE_SITE, tmp_path / "project"), jobs)
    build(root)
    page = root / "site" / "incidents" / OPEN / "index.html"
    original = page.read_bytes()
    with open(page, "r+b") as handle:  # same inode, same size, other bytes
        handle.write(b"X" * 16)
    assert page.read_bytes() != original
    result = build(root)
    assert reused(result) == 4
    assert (root / "site" / "incidents" / OPEN / "index.html").read_bytes() == original
    assert_same(tree_bytes(root / "site"), clean_build(root, tmp_path / "clean"))


@JOBS
def test_a_damaged_cache_entry_is_rendered_again(tmp_path: Path, jobs: int):
    """A manifest that is not UTF-8, cut short, of another entry, or a cached file gone or of
    another size: that entry is rendered anew (no traceback), the others are reused."""
    root = with_jobs(copy_project(FIXTURE_SITE, tmp_path / "project"), jobs)
    build(root)
    manifests = sorted((root / ".cache" / "frankly" / "outputs").glob("[!p]*/manifest.json"))
    assert len(manifests) == 5
    manifests[0].write_bytes(b"\xff\xfe" + manifests[0].read_bytes())
    manifests[1].write_bytes(manifests[1].read_bytes()[:40])
    manifests[2].write_bytes(manifests[3].read_bytes())
    (manifests[3].parent / "0").unlink()
    with open(manifests[4].parent / "1", "ab") as handle:  # one of the entry's files grows, through the site's link
        handle.write(b" ")
    assert reused(build(root)) == 0
    assert reused(build(root)) == 5
    assert_same(tree_bytes(root / "site"), clean_build(root, tmp_path / "clean"))


def test_a_cache_restored_with_whole_second_times_is_reused(tmp_path: Path):
    """CI's cache (tar) keeps whole seconds: same bytes, other times, still reused."""
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    build(root)
    for file in (root / ".cache" / "frankly" / "outputs").rglob("*"):
        if file.is_file() and file.name != "manifest.json":
            seconds = int(file.stat().st_mtime) - 1
            os.utime(file, (seconds, seconds))
    assert reused(build(root)) == 5
    assert reused(build(root)) == 5
    assert_same(tree_bytes(root / "site"), clean_build(root, tmp_path / "clean"))


def test_output_cache_off_and_pruned(tmp_path: Path):
    """Entries that are gone leave the cache; `output_cache: false` builds without it."""
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    build(root)
    outputs = root / ".cache" / "frankly" / "outputs"

    def kept() -> tuple[int, int]:
        """(entries, archive pages) in the cache: an archive page's key starts with 'p' (OutputCache.page_key).
        What a prune removed is moved into a folder a detached `rm` deletes: it is gone soon after."""
        deadline = time.monotonic() + 60
        while any(p.name.startswith(PRUNED) for p in outputs.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        names = [p.name for p in outputs.iterdir()]
        assert not any(n.startswith(".") for n in names), names
        return sum(not n.startswith("p") for n in names), sum(n.startswith("p") for n in names)

    assert kept() == (5, 5)  # the fixture's 5 entries; history 2025 and 2026, 3 component pages
    (root / "incidents" / f"{ALIASED}.yaml").unlink()
    leftover = outputs / f"{PRUNED}1-0" / "0123abcd"  # a prune whose `rm` was killed
    leftover.mkdir(parents=True)
    (leftover / "manifest.json").write_text("{}")
    build(root)
    assert kept() == (4, 5)  # the pages that listed the entry are stored anew, the old ones pruned
    edit(root / "mkdocs.yml", "  - frankly", "  - frankly:\n      output_cache: false")
    result = build(root)
    assert "Outputs:" not in result.stderr


UPCOMING = "2026-04-01-api-migration"  # a maintenance announced, not begun: open, so judged at the moment too
CLOSED = ("2025-12-31-new-year-notice", ALIASED, "2026-03-05-email-maintenance")


def test_a_scheduled_build_at_another_moment_reuses_the_closed_entries(tmp_path: Path):
    """Issue 20: `build --now` every 15 minutes. The moment changes the open entries'
    figures (silences, overdue promises) and no byte of a closed entry's files, so a
    build at T2 after one at T1 renders only the open entries again, and is the clean build at T2."""
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    first, second = "2026-03-11T09:00:00-04:00", "2026-03-11T09:15:00-04:00"
    assert reused(build(root, None, "--now", first)) == 0
    pages = {slug: root / "site" / "incidents" / slug / "index.html" for slug in (*CLOSED, OPEN, UPCOMING)}
    before = {slug: (page.stat().st_ino, page.read_bytes()) for slug, page in pages.items()}
    assert reused(build(root, None, "--now", first)) == 5  # the same moment again: every entry
    assert reused(build(root, None, "--now", second)) == len(CLOSED)
    after = {slug: (page.stat().st_ino, page.read_bytes()) for slug, page in pages.items()}
    for slug in CLOSED:  # the very files of the first build, linked from the cache
        assert after[slug] == before[slug], slug
    assert after[OPEN][0] != before[OPEN][0] and after[UPCOMING][0] != before[UPCOMING][0]
    assert after[OPEN][1] != before[OPEN][1]  # its ongoing silence is 15 minutes longer
    assert_same(tree_bytes(root / "site"), clean_build(root, tmp_path / "clean", None, "--now", second))
    # and without a moment: the open entries are judged at their own latest change again
    assert reused(build(root)) == len(CLOSED)
    assert_same(tree_bytes(root / "site"), clean_build(root, tmp_path / "clean"))


def test_a_site_in_two_languages_reuses_each_languages_entries(tmp_path: Path):
    """Each language's build has its own output cache (outputs-<lang>/): an edit renders the
    entry again in both, reuses the rest in both, and gives a clean build's bytes."""
    from conftest import invoke

    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    edit(root / "site_config" / "site.yaml", "language: en", "languages: [en, fr]")

    def reuses(result) -> list[int]:
        return [int(n) for n in re.findall(r"Outputs: (\d+) entr(?:y|ies) reused from the cache", result.stderr)]

    assert reuses(build(root)) == [0, 0]
    assert reuses(build(root)) == [5, 5]
    translated = invoke(root, "translate", OPEN, "fr", "--title", "Tableau de bord lent")
    assert translated.exit_code == 0, translated.output
    result = build(root)
    assert reuses(result) == [4, 4]
    incremental = tree_bytes(root / "site")
    assert "Tableau de bord lent" in incremental[f"fr/incidents/{OPEN}/index.html"].decode()
    assert_same(incremental, clean_build(root, tmp_path / "clean"))


def test_archive_pages_are_reused_until_what_they_show_changes(tmp_path: Path):
    """Issue 20: an archive page (history year, component page) is kept in the output cache
    under the keys of the entries it lists and what else it shows: a build after one entry's
    edit makes again only the pages that list it, and equals a clean build."""
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    build(root)
    site = root / "site"
    assert (site / "history" / "2025" / "index.html").stat().st_nlink >= 2, "a link to the cached page"
    old_2025 = (site / "history" / "2025" / "index.html").stat().st_ino
    edit(root / "incidents" / f"{ALIASED}.yaml", "title: Elevated API error rates", "title: API errors, again")
    build(root)
    assert (site / "history" / "2025" / "index.html").stat().st_ino == old_2025, "2025 lists nothing that changed"
    assert "API errors, again" in (site / "history" / "2026" / "index.html").read_text()
    assert_same(tree_bytes(site), clean_build(root, tmp_path / "clean"))


@pytest.mark.parametrize("where", ["docs", "theme", "hook"])
def test_a_file_mkdocs_writes_into_an_entry_folder_never_reaches_the_cache(tmp_path: Path, where: str):
    """A page of docs/, a file of the project's theme or of an mkdocs hook at an entry's address:
    the entry's own file is published (with a warning), the same bytes in one process as in two,
    and the cached copy is never written through."""
    sites = {}
    for jobs in (1, 2):
        root = with_jobs(copy_project(FIXTURE_SITE, tmp_path / f"jobs-{jobs}"), jobs)
        if where == "docs":
            (root / "docs" / "incidents" / OPEN).mkdir(parents=True)
            (root / "docs" / "incidents" / OPEN / "index.md").write_text("# A docs page\n\nnot the entry\n", encoding="utf-8")
            clashing = "index.html"
        elif where == "hook":  # an mkdocs hook adds its file after Frankly's on_files
            (root / "hooks.py").write_text(
                "from mkdocs.structure.files import File\n"
                "def on_files(files, config):\n"
                f"    files.append(File.generated(config, 'incidents/{OPEN}/index.json', content='not the entry'))\n"
                "    return files\n", encoding="utf-8")
            (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text(encoding="utf-8") + "hooks:\n  - hooks.py\n",
                                             encoding="utf-8")
            clashing = "index.json"
        else:
            edit(root / "mkdocs.yml", "  name: material\n", "  name: material\n  custom_dir: overrides\n")
            (root / "overrides" / "incidents" / OPEN).mkdir(parents=True)
            (root / "overrides" / "incidents" / OPEN / "index.json").write_text('{"not": "the entry"}', encoding="utf-8")
            clashing = "index.json"
        build(root)
        result = build(root)  # the cache holds every entry now
        assert f"incidents/{OPEN}/{clashing} from docs/ is replaced" in result.stderr
        assert reused(result) == 5
        sites[jobs] = tree_bytes(root / "site")
        assert b"not the entry" not in sites[jobs][f"incidents/{OPEN}/{clashing}"].lower()
        cached = [p.read_bytes() for p in (root / ".cache" / "frankly" / "outputs").glob("[!p]*/[0-9]*")]
        assert not any(b"not the entry" in content.lower() for content in cached)
        assert reused(build(root)) == 5
    assert sites[1] == sites[2]


def test_settled_months_counted_before_are_read_back_and_counted_again_when_an_entry_changes(tmp_path: Path):
    """The accountability counts of months whose entries are all closed are kept beside the
    output cache (<outputs>.months.json), named by the site's fingerprint and each entry's text:
    a build reads them back, and a month whose entry changed or a site whose configuration changed
    is counted again (the fixture's one settled month is December 2025's); every byte as a clean build's."""
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    build(root)
    months = root / ".cache" / "frankly" / f"outputs{MONTHS}"
    kept = json.loads(months.read_text(encoding="utf-8"))
    assert kept and all("slugs" in counted for counted in kept.values())
    build(root)
    assert json.loads(months.read_text(encoding="utf-8")) == kept
    edit(root / "incidents" / "2025-12-31-new-year-notice.yaml", "title: Support hours", "title: Support hours (changed)")
    edit(root / "incidents" / "2026-03-02-api-errors.yaml", "  at: 2026-03-03T12:00:00-05:00", "  at: 2026-03-09T12:00:00-05:00")
    build(root)
    assert set(json.loads(months.read_text(encoding="utf-8"))).isdisjoint(kept)  # the settled month, renamed
    assert_same(tree_bytes(root / "site"), clean_build(root, tmp_path / "clean"))
    edit(root / "site_config" / "site.yaml", "name:", "# commitments or not, a changed site.yaml renames every month\nname:")
    build(root)
    assert_same(tree_bytes(root / "site"), clean_build(root, tmp_path / "clean"))
