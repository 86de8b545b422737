"""The entries' folders made ahead by a process of their own (generator/publication/folders.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURE_SITE, copy_project, invoke, tree_bytes
from generator.publication import folders
from generator.publication.folders import FoldersAhead

NAMES = [f"incidents/2026-01-01-entry-{number:04d}" for number in range(folders.AHEAD_FROM + 100)]


def test_every_folder_is_made_and_reported(tmp_path):
    ahead = FoldersAhead(tmp_path, NAMES)
    assert ahead.wait() == frozenset(NAMES)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "incidents").iterdir()) == NAMES
    assert all((tmp_path / name).is_dir() for name in NAMES)


def test_none_counts_as_made_when_one_could_not_be(tmp_path):
    (tmp_path / "incidents").mkdir()
    (tmp_path / NAMES[300]).write_text("a file where a folder goes")
    assert FoldersAhead(tmp_path, NAMES).wait() == frozenset()


def test_few_folders_are_left_to_the_writer(tmp_path):
    assert FoldersAhead(tmp_path, NAMES[:10]).wait() == frozenset()
    assert not (tmp_path / "incidents").exists()


def test_a_failed_build_stops_the_making(tmp_path):
    many = [f"incidents/e-{number:06d}" for number in range(200_000)]
    ahead = FoldersAhead(tmp_path, many)
    process = ahead._process
    ahead.cancel()
    assert process is not None and process.poll() is not None
    assert ahead.wait() == frozenset()
    assert len(list((tmp_path / "incidents").iterdir())) < len(many)


def test_folders_made_before_mkdocs_cleans_survive_it_and_are_revealed(tmp_path):
    from mkdocs.utils import clean_directory

    ahead = FoldersAhead(tmp_path, NAMES, hidden=True)
    clean_directory(str(tmp_path))  # as mkdocs does after on_config: names with a leading dot stay
    hidden = [p.name for p in tmp_path.iterdir()]
    assert len(hidden) == 1 and hidden[0].startswith(folders.HIDDEN)
    ahead.reveal()
    assert ahead.wait() == frozenset(NAMES)
    assert [p.name for p in tmp_path.iterdir()] == ["incidents"]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "incidents").iterdir()) == NAMES


def test_folders_made_hidden_count_as_not_made_when_incidents_is_there_already(tmp_path):
    ahead = FoldersAhead(tmp_path, NAMES, hidden=True)
    (tmp_path / "incidents" / "from-docs").mkdir(parents=True)  # written meanwhile by someone else
    ahead.reveal()
    assert ahead.wait() == frozenset()
    assert [p.name for p in tmp_path.iterdir()] == ["incidents"]
    assert [p.name for p in (tmp_path / "incidents").iterdir()] == ["from-docs"]


def test_a_failed_build_removes_the_hidden_folder(tmp_path):
    ahead = FoldersAhead(tmp_path, NAMES, hidden=True)
    ahead.cancel()
    assert list(tmp_path.iterdir()) == []
    assert ahead.wait() == frozenset()


@pytest.fixture
def made_ahead(monkeypatch):
    """Every build made with its folders ahead; what each wait() gave."""
    monkeypatch.setattr(folders, "AHEAD_FROM", 1)
    given: list[frozenset[str]] = []
    wait = FoldersAhead.wait

    def recorded(self):
        given.append(wait(self))
        return given[-1]

    monkeypatch.setattr(FoldersAhead, "wait", recorded)
    return given


def _build(tmp_path: Path, name: str, monkeypatch) -> dict[str, bytes]:
    root = copy_project(FIXTURE_SITE, tmp_path / name)
    for variable in ("SOURCE_DATE_EPOCH", "FRANKLY_NOW"):  # as an earlier build in this process left them
        monkeypatch.delenv(variable, raising=False)
    result = invoke(root, "build", "--now", "2026-03-12T09:00:00-04:00")
    assert result.exit_code == 0, result.output
    # No folder of a build's own is left in the site, empty ones and dot names included.
    leftovers = [p for p in (root / "site").rglob("*") if p.name.startswith((folders.HIDDEN, ".frankly", "frankly-"))]
    assert leftovers == []
    return tree_bytes(root / "site")


def test_a_build_with_its_folders_made_ahead_is_the_same_site(tmp_path, monkeypatch, made_ahead):
    ahead = _build(tmp_path, "ahead", monkeypatch)
    assert made_ahead and all(made_ahead), "the folders were not made ahead"
    assert {name + "/index.html" for name in made_ahead[0]} <= ahead.keys()
    monkeypatch.setattr(folders, "AHEAD_FROM", 10**9)
    assert _build(tmp_path, "not-ahead", monkeypatch) == ahead
