"""A load of many files spreads over the cores (generator/input/load.py, _load_new_files):
forked children validate every other file and send the entries back. What it gives
must be what one process gives: the same entries, the same problems in the same
order, and the parse cache stores and keeps what the children read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import FIXTURE_SITE, copy_project, write_incident
from generator.input import load, parse_cache
from generator.input.load import ProjectPaths, load_all
from generator.input.problems import InvalidInput


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    monkeypatch.setattr(parse_cache, "_fingerprint", None)
    yield root
    parse_cache.use_parse_cache(None)
    load._FILE_CACHE.clear()


@pytest.fixture
def loaders(monkeypatch, tmp_path: Path) -> Path:
    """Spread from two files on; each file's loading process is written to the returned file."""
    monkeypatch.setattr(load, "SPREAD_FROM", 2)
    monkeypatch.setattr(load, "usable_cpus", lambda: 2)
    record = tmp_path / "loaders"
    real = load._load_new

    def noted(file, *args, **kwargs):
        with open(record, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {Path(file).name}\n")
        return real(file, *args, **kwargs)

    monkeypatch.setattr(load, "_load_new", noted)
    return record


def fresh_load(root: Path, spread: bool, cache: bool = True):
    """A load as a new `frankly build` makes it, on every core (as build and check ask) or in one process."""
    load._FILE_CACHE.clear()
    parse_cache.use_parse_cache(root / ".cache" / "frankly" / "parsed" if cache else None)
    return load_all(ProjectPaths.at(root), spread=spread)


def kept(root: Path) -> set[str]:
    folder = root / ".cache" / "frankly" / "parsed"
    return set(os.listdir(folder)) if folder.is_dir() else set()


def processes(record: Path) -> set[str]:
    pids = {line.split()[0] for line in record.read_text(encoding="utf-8").splitlines()}
    record.unlink()
    return pids


def test_spread_load_gives_the_entries_one_process_gives(project: Path, loaders: Path):
    serial = fresh_load(project, spread=False, cache=False)
    processes(loaders)
    spread = fresh_load(project, spread=True, cache=False)
    assert len(processes(loaders)) == 2, "the files were not loaded in two processes"
    assert spread.incidents == serial.incidents and len(spread.incidents) == 5
    assert [i.slug for i in spread.incidents] == sorted(i.slug for i in serial.incidents)
    assert spread.digests == serial.digests and spread.sources == serial.sources


def test_a_load_spreads_only_when_asked(project: Path, loaders: Path):
    """`serve` (and every command but build and check) loads in its own process: its entries
    are read again on every save, and entries that came back pickled read slower."""
    load._FILE_CACHE.clear()
    load_all(ProjectPaths.at(project))
    assert len(processes(loaders)) == 1


def test_the_parse_cache_stores_and_keeps_what_the_children_read(project: Path, loaders: Path):
    fresh_load(project, spread=True)
    assert len(processes(loaders)) == 2
    stored = kept(project)
    assert len(stored) == 5, "what a child parsed was not stored"
    # A second spread load reads them all back; its pruning must not remove what a child read.
    fresh_load(project, spread=True)
    assert len(processes(loaders)) == 2
    assert kept(project) == stored
    one = fresh_load(project, spread=False)
    assert fresh_load(project, spread=True).incidents == one.incidents


def test_spread_load_reports_the_problems_one_process_reports_in_its_order(project: Path, loaders: Path):
    write_incident(project, "2026-05-01-broken-yaml.yaml", "title: [unclosed\n")
    write_incident(project, "2026-05-02-bad-status.yaml", (FIXTURE_SITE / "incidents" / "2026-03-10-dashboard-slow.yaml")
                   .read_text(encoding="utf-8").replace("status: identified", "status: fixed", 1))
    (project / "incidents" / "2026-05-03-wrong.yml").write_text("title: x\n", encoding="utf-8")

    def problems(spread: bool) -> list[str]:
        with pytest.raises(InvalidInput) as raised:
            fresh_load(project, spread)
        return [str(p) for p in raised.value.problems.items]

    serial = problems(spread=False)
    processes(loaders)
    assert any("2026-05-01-broken-yaml.yaml:" in line for line in serial)
    assert any("2026-05-02-bad-status.yaml:" in line for line in serial)
    assert any("2026-05-03-wrong.yml:1:1:" in line for line in serial)
    assert problems(spread=True) == serial
    assert len(processes(loaders)) == 2
    # Files with a problem are never kept: they are parsed again and reported at their place every time.
    assert problems(spread=True) == serial
