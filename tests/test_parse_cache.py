"""Parsed incident files kept between builds (generator/input/parse_cache.py): a file
whose text is unchanged is not parsed again, and nothing else changes. A changed
file, a damaged cache file or another Frankly is parsed anew; a file with a
problem is reported at its exact FILE:LINE:COL every time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_SITE, REPO, copy_project, run_frankly, tree_bytes
from generator.input import load, parse_cache
from generator.input.load import ProjectPaths, load_all
from generator.input.problems import InvalidInput

ALIASED = "2026-03-02-api-errors"


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    monkeypatch.setattr(parse_cache, "_fingerprint", None)
    parse_cache.use_parse_cache(root / ".cache" / "frankly" / "parsed")
    yield root
    parse_cache.use_parse_cache(None)


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The incident files each load parses (the in-process cache of load.py emptied before each load)."""
    names: list[str] = []
    real = load.read_mapping

    def counting(file, *args, **kwargs):
        if Path(file).parent.name == "incidents":
            names.append(Path(file).name)
        return real(file, *args, **kwargs)

    monkeypatch.setattr(load, "read_mapping", counting)
    return names


def fresh_load(root: Path, parsed: list[str] | None = None):
    """A load as a new `frankly build` makes it."""
    load._FILE_CACHE.clear()
    if parse_cache._folder is not None:
        parse_cache.use_parse_cache(parse_cache._folder)
    if parsed is not None:
        parsed.clear()
    return load_all(ProjectPaths.at(root))


def uncached_load(root: Path):
    folder = parse_cache._folder
    parse_cache.use_parse_cache(None)
    try:
        return fresh_load(root)
    finally:
        parse_cache.use_parse_cache(folder)


def kept(root: Path) -> set[str]:
    return set(p.name for p in (root / ".cache" / "frankly" / "parsed").iterdir())


def problems_of(root: Path, parsed: list[str] | None = None) -> list[str]:
    """The problems a new `frankly build` reports."""
    with pytest.raises(InvalidInput) as raised:
        fresh_load(root, parsed)
    return [str(p) for p in raised.value.problems.sorted()]


def test_an_unchanged_file_is_not_parsed_again_and_reads_the_same(project: Path, parsed: list[str]):
    first = fresh_load(project, parsed)
    assert len(parsed) == 5 and len(kept(project)) == 5
    again = fresh_load(project, parsed)
    assert parsed == []
    assert again.incidents == first.incidents == uncached_load(project).incidents
    assert again.digests == first.digests


def test_a_changed_file_is_parsed_again(project: Path, parsed: list[str]):
    fresh_load(project, parsed)
    before = kept(project)
    file = project / "incidents" / f"{ALIASED}.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("title: Elevated API error rates", "title: Errors in one region"),
                    encoding="utf-8")
    catalog = fresh_load(project, parsed)
    assert parsed == [file.name]
    assert next(i for i in catalog.incidents if i.slug == ALIASED).title == "Errors in one region"
    assert len(kept(project) - before) == 1 and len(before - kept(project)) == 1  # the old text's entry removed


def test_a_damaged_cache_file_is_ignored_and_written_again(project: Path, parsed: list[str]):
    clean = fresh_load(project, parsed)
    folder = project / ".cache" / "frankly" / "parsed"
    files = sorted(folder.iterdir())
    files[0].write_bytes(files[0].read_bytes()[:100])  # truncated
    damaged = files[1].read_bytes()
    files[1].write_bytes(damaged.replace(b'"status":"', b'"status":"x', 1))  # changed, header kept
    files[2].write_bytes(files[3].read_bytes())  # another file's whole entry under this name
    files[3].write_bytes(b"")
    catalog = fresh_load(project, parsed)
    assert len(parsed) == 4
    assert catalog.incidents == clean.incidents
    fresh_load(project, parsed)
    assert parsed == []  # written again, whole


def test_a_file_with_a_problem_is_never_kept_and_reported_at_its_place_each_time(project: Path, parsed: list[str]):
    file = project / "incidents" / f"{ALIASED}.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("status: identified", "status: identifed"), encoding="utf-8")
    first = problems_of(project, parsed)
    assert any(line.startswith(f"incidents/{ALIASED}.yaml:") and "identifed" in line for line in first)
    assert problems_of(project, parsed) == first
    assert file.name in parsed and len(parsed) == 1 and len(kept(project)) == 4  # the others kept


def test_a_kept_file_that_a_new_site_setting_makes_invalid_is_reported_at_its_place(project: Path, parsed: list[str]):
    site = project / "site_config" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "timestamps_without_offset: site_time_zone\n", encoding="utf-8")
    file = project / "incidents" / f"{ALIASED}.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("at: 2026-03-02T10:20:00-05:00", "at: 2026-03-02T10:20:00"),
                    encoding="utf-8")
    fresh_load(project, parsed)  # valid: read in the site's zone, and kept
    site.write_text(site.read_text(encoding="utf-8").replace("site_time_zone", "error"), encoding="utf-8")
    from_cache = problems_of(project, parsed)
    assert file.name not in parsed
    parse_cache.use_parse_cache(None)
    assert from_cache == problems_of(project)  # the same words at the same place as when parsed
    assert any(line.startswith(f"incidents/{ALIASED}.yaml:17:") for line in from_cache), from_cache


def test_another_frankly_input_package_parses_everything_again(project: Path, parsed: list[str], tmp_path: Path, monkeypatch):
    package = tmp_path / "input"
    shutil.copytree(REPO / "generator" / "input", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(parse_cache, "_INPUT_PACKAGE", package)
    fresh_load(project, parsed)
    before = kept(project)
    fresh_load(project, parsed)
    assert parsed == []
    model = package / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\n# a schema changed\n", encoding="utf-8")
    monkeypatch.setattr(parse_cache, "_fingerprint", None)  # a new process: the package is read again
    fresh_load(project, parsed)
    assert len(parsed) == 5
    assert kept(project).isdisjoint(before) and len(kept(project)) == 5


@pytest.mark.slow
def test_builds_with_the_cache_show_each_edit_and_survive_a_damaged_cache(tmp_path: Path):
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    assert run_frankly(root, "build").returncode == 0
    folder = root / ".cache" / "frankly" / "parsed"
    assert len(list(folder.iterdir())) == 5
    file = root / "incidents" / f"{ALIASED}.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("title: Elevated API error rates", "title: Errors in one region"),
                    encoding="utf-8")
    result = run_frankly(root, "build")
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "incidents" / ALIASED / "index.html").read_text(encoding="utf-8")
    assert "Errors in one region" in page and "Elevated API error rates" not in page
    built = tree_bytes(root / "site")
    for kept_file in folder.iterdir():
        kept_file.write_bytes(kept_file.read_bytes()[:-7])
    result = run_frankly(root, "build")
    assert result.returncode == 0, result.stderr
    assert tree_bytes(root / "site") == built
