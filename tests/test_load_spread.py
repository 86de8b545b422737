"""A load of many files spreads over the cores (generator/input/load.py, _load_new_files):
forked children validate every other file and send the entries back. What it gives
must be what one process gives: the same entries, the same problems in the same
order, and the parse cache stores and keeps what the children read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import FIXTURE_SITE, REPO, copy_project, write_incident
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


def _models(value):
    """Every model object in ``value``, depth first."""
    from generator.input.strict import StrictModel
    if isinstance(value, StrictModel):
        yield value
        for field in value.__dict__.values():
            yield from _models(field)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _models(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _models(item)


@pytest.fixture
def no_cache_after():
    yield
    parse_cache.use_parse_cache(None)
    load._FILE_CACHE.clear()


@pytest.mark.parametrize("site", ["fixture", "demo"])
def test_entries_sent_back_by_a_loader_are_the_entries_it_validated(site: str, tmp_path: Path, no_cache_after):
    """What a forked loader pickles (StrictModel.__reduce_ex__) reads back as the very objects:
    every field, the cached anchors, the set of given fields, still frozen, and in the
    compact form (not pydantic's four-part state, which was twice as slow)."""
    import pickle

    from pydantic import ValidationError

    root = copy_project(FIXTURE_SITE if site == "fixture" else REPO, tmp_path / "project", ("incidents", "site_config"))
    entries = fresh_load(root, spread=False, cache=False).incidents
    anchors = [[update.anchor for update in entry.updates] for entry in entries]
    sent = pickle.dumps(entries)
    assert b"__pydantic_fields_set__" not in sent
    back = pickle.loads(sent)
    assert back == entries and [[u.anchor for u in e.updates] for e in back] == anchors
    pairs = list(zip(_models(entries), _models(back), strict=True))
    assert len(pairs) > 3 * len(entries)  # updates, posted links, apologies...
    for before, after in pairs:
        assert type(after) is type(before) and after.__dict__ == before.__dict__
        assert after.model_fields_set == before.model_fields_set
        assert after.model_dump() == before.model_dump()
    with pytest.raises(ValidationError):
        back[0].title = "changed"
